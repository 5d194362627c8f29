/**
 * `SchemaByIdCache`: the registry's schemas by id, fetched once and kept parsed (an avsc type,
 * a protobufjs root, a compiled validator), so deserializing consults the registry once per
 * writer schema, not per record.
 *
 * `get` answers synchronously once an id is cached and with a promise while it is being
 * fetched; concurrent callers share one fetch; a failed fetch is forgotten so the next record
 * tries again. References are fetched recursively (depth first, each once) and handed to the
 * parser with the schema. Size: one entry per schema id a topic has been written with, which is
 * bounded by the schemas in the registry, not by the data.
 */
import { type SerdesErrorContext, toSerdesError } from './errors.ts'
import type { Schema, SchemaRegistryClient } from './schema-registry-client.ts'

/** A referenced schema, by the name the referring schema uses for it. */
export interface ResolvedReference {
  readonly name: string
  readonly schema: Schema
}

/** Parses a schema with its references (dependencies before dependants). */
export type SchemaParser<P> = (schema: Schema, references: readonly ResolvedReference[], id: number) => P

export class SchemaByIdCache<P> {
  readonly #registry: SchemaRegistryClient
  readonly #parse: SchemaParser<P>
  readonly #parsed = new Map<number, P>()
  readonly #pending = new Map<number, Promise<P>>()

  constructor(registry: SchemaRegistryClient, parse: SchemaParser<P>) {
    this.#registry = registry
    this.#parse = parse
  }

  /** The parsed schema `id`; `context` names the record for errors. */
  get(id: number, context: SerdesErrorContext): P | Promise<P> {
    const parsed = this.#parsed.get(id)
    if (parsed !== undefined) return parsed
    let pending = this.#pending.get(id)
    if (pending === undefined) {
      pending = this.#fetch(id).finally(() => this.#pending.delete(id))
      this.#pending.set(id, pending)
    }
    return pending.catch((error: unknown) => {
      throw toSerdesError(error, 'SERDES_SCHEMA_NOT_FOUND', `Could not get writer schema ${id} from the registry`, { ...context, schemaId: id })
    })
  }

  /** Caches an already parsed schema (a serializer's own schema once registered). */
  set(id: number, parsed: P): void {
    this.#parsed.set(id, parsed)
  }

  async #fetch(id: number): Promise<P> {
    const schema = await this.#registry.getById(id)
    const references = await resolveReferences(this.#registry, schema)
    const parsed = this.#parse(schema, references, id)
    this.#parsed.set(id, parsed)
    return parsed
  }
}

/** Every schema `schema` references, transitively, dependencies first, each once. */
export async function resolveReferences(registry: SchemaRegistryClient, schema: Schema): Promise<ResolvedReference[]> {
  const out: ResolvedReference[] = []
  const seen = new Set<string>()
  const visit = async (current: Schema): Promise<void> => {
    for (const reference of current.references ?? []) {
      const key = `${reference.subject}\u0000${reference.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const referenced = await registry.getVersion(reference.subject, reference.version)
      await visit(referenced)
      out.push({ name: reference.name, schema: referenced })
    }
  }
  await visit(schema)
  return out
}
