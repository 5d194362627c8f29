/**
 * `InMemorySchemaRegistry`: a complete `SchemaRegistryClient` kept in this process, for tests,
 * single-process apps and as the model the REST client and the embedded registry are checked
 * against.
 *
 * Id semantics follow Confluent Schema Registry: one counter for the whole registry starting at
 * 1; a schema is identified by its type, its canonical text and its references, so registering
 * it under a second subject reuses its id and adds a version there, and registering it again
 * under the same subject changes nothing. Canonical text: Avro and JSON Schema texts are
 * compared as parsed JSON (whitespace and formatting do not matter); Protobuf text as given.
 *
 * Not here (by design, for now): compatibility checks, deletes, modes. Nothing is persisted;
 * ids live as long as the object. Concurrency: every method completes its change before
 * returning a promise, so concurrent calls see a consistent state.
 */
import { SerdesError } from './errors.ts'
import type { RegisteredSchema, Schema, SchemaRegistryClient, SchemaType } from './schema-registry-client.ts'

interface StoredSchema {
  readonly id: number
  readonly schema: Schema
}

/** The text that identifies a schema: type, canonical text, references. */
function identity(schema: Schema): string {
  let text = schema.schema
  if (schema.schemaType !== 'PROTOBUF') {
    try {
      text = JSON.stringify(JSON.parse(text))
    } catch (error) {
      throw new SerdesError('SERDES_INVALID_SCHEMA', `The ${schema.schemaType} schema is not valid JSON: ${(error as Error).message}`, {}, { cause: error })
    }
  } else {
    text = text.trim()
  }
  const references = (schema.references ?? []).map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).join('\u0001')
  return `${schema.schemaType}\u0002${text}\u0002${references}`
}

const SCHEMA_TYPES: ReadonlySet<SchemaType> = new Set(['AVRO', 'PROTOBUF', 'JSON'])

export class InMemorySchemaRegistry implements SchemaRegistryClient {
  readonly #byId = new Map<number, StoredSchema>()
  readonly #byIdentity = new Map<string, StoredSchema>()
  /** Per subject, the ids of its versions in order (version n is at n − 1). */
  readonly #subjects = new Map<string, number[]>()
  #nextId = 1

  async register(subject: string, schema: Schema): Promise<number> {
    return this.registerSync(subject, schema)
  }

  /** `register` without the promise (the in-memory registry never waits). */
  registerSync(subject: string, schema: Schema): number {
    if (typeof subject !== 'string' || subject === '') throw new SerdesError('SERDES_INVALID_CONFIG', 'A subject name must be a non-empty string')
    if (!SCHEMA_TYPES.has(schema.schemaType)) throw new SerdesError('SERDES_INVALID_SCHEMA', `Unknown schema type ${String(schema.schemaType)}`, { subject })
    for (const reference of schema.references ?? []) this.#version(reference.subject, reference.version)
    const key = identity(schema)
    let stored = this.#byIdentity.get(key)
    if (stored === undefined) {
      stored = { id: this.#nextId++, schema: { schemaType: schema.schemaType, schema: schema.schema, references: [...(schema.references ?? [])] } }
      this.#byIdentity.set(key, stored)
      this.#byId.set(stored.id, stored)
    }
    const versions = this.#subjects.get(subject) ?? []
    if (!versions.includes(stored.id)) versions.push(stored.id)
    this.#subjects.set(subject, versions)
    return stored.id
  }

  async getById(id: number): Promise<Schema> {
    const stored = this.#byId.get(id)
    if (stored === undefined) throw new SerdesError('SERDES_SCHEMA_NOT_FOUND', `No schema with id ${id} in the registry`, { schemaId: id })
    return stored.schema
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    const versions = this.#subjects.get(subject)
    if (versions === undefined || versions.length === 0) throw new SerdesError('SERDES_SCHEMA_NOT_FOUND', `Subject "${subject}" has no schema; register one first`, { subject })
    return this.#version(subject, versions.length)
  }

  async getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    return this.#version(subject, version)
  }

  async lookup(subject: string, schema: Schema): Promise<RegisteredSchema> {
    const stored = this.#byIdentity.get(identity(schema))
    const versions = this.#subjects.get(subject) ?? []
    const index = stored === undefined ? -1 : versions.indexOf(stored.id)
    if (index < 0) {
      throw new SerdesError('SERDES_SCHEMA_NOT_FOUND', `Subject "${subject}" does not hold this ${schema.schemaType} schema; register it or turn autoRegister on`, { subject })
    }
    return this.#version(subject, index + 1)
  }

  /** The subjects, sorted. */
  async subjects(): Promise<string[]> {
    return [...this.#subjects.keys()].sort()
  }

  /** The versions of `subject`, ascending. */
  async versions(subject: string): Promise<number[]> {
    return (this.#subjects.get(subject) ?? []).map((_, i) => i + 1)
  }

  #version(subject: string, version: number): RegisteredSchema {
    const id = this.#subjects.get(subject)?.[version - 1]
    if (id === undefined) throw new SerdesError('SERDES_SCHEMA_NOT_FOUND', `Subject "${subject}" has no version ${version}`, { subject })
    const { schema } = this.#byId.get(id)!
    return { id, subject, version, schemaType: schema.schemaType, schema: schema.schema, references: schema.references }
  }
}

