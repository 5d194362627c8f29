/**
 * `WriterSchemaResolver`: which schema id (and schema) a serializer writes with for a topic,
 * following Confluent's serializer options:
 *
 * - `autoRegister` (default true, or false with `useLatestVersion`): register the serde's own
 *   schema under the subject (an existing identical schema keeps its id).
 * - `useLatestVersion`: write with the subject's latest registered schema.
 * - neither: look the serde's own schema up under the subject; it must have been registered.
 *
 * The subject comes from the subject name strategy. The answer is cached per topic, so the
 * registry is consulted once per topic and schema, and `resolve` is synchronous from then on;
 * concurrent first records share one registry call, and a failed call is not cached.
 */
import { SerdesError, toSerdesError } from './errors.ts'
import type { SchemaByIdCache } from './schema-by-id-cache.ts'
import type { Schema, SchemaRegistryClient } from './schema-registry-client.ts'
import {
  type SubjectNameStrategy, type SubjectNameStrategyName, resolveSubjectNameStrategy,
} from './subject-name-strategy.ts'

/** Options every registry-backed serde takes. */
export interface RegistrySerdeOptions {
  readonly registry: SchemaRegistryClient
  /** Serde of record keys (subject `<topic>-key` with the default strategy). Default false. */
  readonly isKey?: boolean
  /** Default `topic` (TopicNameStrategy). */
  readonly subjectNameStrategy?: SubjectNameStrategyName | SubjectNameStrategy
  /** Register the serde's schema when first writing to a subject. Default true unless `useLatestVersion`. */
  readonly autoRegister?: boolean
  /** Write with the subject's latest schema instead of the serde's own. Default false. */
  readonly useLatestVersion?: boolean
}

export interface WriterSchema<P> {
  readonly id: number
  readonly parsed: P
}

export interface WriterSchemaResolverOptions<P> extends RegistrySerdeOptions {
  /** The serde's own schema (ready for the registry, references included); undefined when it has none. */
  readonly schema: (() => Schema | Promise<Schema>) | undefined
  /** The serde's own schema, parsed. */
  readonly parsed: P | undefined
  /** The record name for record-name strategies. */
  readonly recordName: string | undefined
  /** Parsed schemas by id, shared with the deserializer. */
  readonly cache: SchemaByIdCache<P>
}

export class WriterSchemaResolver<P> {
  readonly isKey: boolean
  readonly #options: WriterSchemaResolverOptions<P>
  readonly #strategy: SubjectNameStrategy
  readonly #autoRegister: boolean
  readonly #useLatest: boolean
  readonly #byTopic = new Map<string, WriterSchema<P>>()
  readonly #pending = new Map<string, Promise<WriterSchema<P>>>()
  #schema: Promise<Schema> | undefined

  constructor(options: WriterSchemaResolverOptions<P>) {
    this.#options = options
    this.isKey = options.isKey ?? false
    this.#strategy = resolveSubjectNameStrategy(options.subjectNameStrategy)
    this.#useLatest = options.useLatestVersion ?? false
    this.#autoRegister = options.autoRegister ?? !this.#useLatest
    if (this.#autoRegister && this.#useLatest) {
      throw new SerdesError('SERDES_INVALID_CONFIG', 'autoRegister and useLatestVersion exclude each other: pick one')
    }
    if (options.registry === undefined || typeof options.registry.register !== 'function') {
      throw new SerdesError('SERDES_INVALID_CONFIG', 'A schema registry serde needs a registry (a SchemaRegistryClient)')
    }
  }

  /** The subject of `topic`'s keys or values. */
  subject(topic: string): string {
    return this.#strategy(topic, this.isKey, this.#options.recordName)
  }

  /** The schema to write `topic`'s records with; synchronous once cached. */
  resolve(topic: string): WriterSchema<P> | Promise<WriterSchema<P>> {
    const cached = this.#byTopic.get(topic)
    if (cached !== undefined) return cached
    let pending = this.#pending.get(topic)
    if (pending === undefined) {
      pending = this.#fetch(topic).finally(() => this.#pending.delete(topic))
      this.#pending.set(topic, pending)
    }
    return pending
  }

  async #fetch(topic: string): Promise<WriterSchema<P>> {
    const { registry, cache } = this.#options
    const subject = this.subject(topic)
    const context = { topic, isKey: this.isKey, subject }
    let writer: WriterSchema<P>
    try {
      if (this.#useLatest) {
        const latest = await registry.getLatest(subject)
        writer = { id: latest.id, parsed: await cache.get(latest.id, context) }
      } else {
        const own = this.#options.schema
        if (own === undefined || this.#options.parsed === undefined) {
          throw new SerdesError('SERDES_INVALID_CONFIG', 'This serde has no schema to write with: give one, or set useLatestVersion')
        }
        this.#schema ??= Promise.resolve(own())
        const schema = await this.#schema.catch((error: unknown) => {
          this.#schema = undefined
          throw error
        })
        const id = this.#autoRegister ? await registry.register(subject, schema) : (await registry.lookup(subject, schema)).id
        cache.set(id, this.#options.parsed)
        writer = { id, parsed: this.#options.parsed }
      }
    } catch (error) {
      throw toSerdesError(error, 'SERDES_SCHEMA_NOT_FOUND', `Could not get the writer schema id for subject "${subject}"`, context)
    }
    this.#byTopic.set(topic, writer)
    return writer
  }
}
