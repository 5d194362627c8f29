/**
 * What the single message transforms share: the `$Key`/`$Value` split (a transform that works on
 * the key or the value of a record, as Kafka's `InsertField$Key` and `InsertField$Value`), record
 * copies, the checks Kafka makes (`requireStruct`, `requireMap` for schema-less values, which in
 * Creek are plain objects), config parsing with the transform's ConfigDef, and a bounded cache of
 * derived schemas.
 *
 * Errors: a record a transform cannot handle is CONNECT_TRANSFORM (naming the transform, the
 * topic and what was found); a bad config is CONNECT_INVALID_CONFIG naming the keys.
 */
import { ConfigDef } from '../api/config-def-impl.ts'
import type { ConfigDefinition } from '../api/config-def.ts'
import type { ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import type { Struct } from '../api/struct.ts'
import { describeValue, isStruct } from '../api/values.ts'
import type { Transformation } from '../api/transformation.ts'
import { ConnectError } from '../errors.ts'

export type Part = 'key' | 'value'

export type PlainObject = Record<string, unknown>

/** A copy of `record` with `changes` (extra fields of source and sink records are kept). */
export function withChanges<R extends ConnectRecord>(record: R, changes: Partial<ConnectRecord>): R {
  return { ...record, ...changes }
}

export function transformError(purpose: string, record: ConnectRecord, message: string): ConnectError {
  return new ConnectError('CONNECT_TRANSFORM', `${message} for [${purpose}] (topic ${record.topic})`)
}

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isStruct(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

export function requireStruct(value: unknown, purpose: string, record: ConnectRecord): Struct {
  if (!isStruct(value)) throw transformError(purpose, record, `Only Struct objects supported, found: ${describeValue(value)}`)
  return value as Struct
}

export function requireMap(value: unknown, purpose: string, record: ConnectRecord): PlainObject {
  if (!isPlainObject(value)) throw transformError(purpose, record, `Only Map objects (plain objects) supported in absence of schema, found: ${describeValue(value)}`)
  return value
}

export function requireStructOrNull(value: unknown, purpose: string, record: ConnectRecord): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose, record)
}

/** A small LRU of derived schemas (Kafka's `SynchronizedCache(LRUCache(16))`). */
export class SchemaCache {
  readonly #entries = new Map<Schema, Schema>()
  readonly #max: number

  constructor(max = 16) {
    this.#max = max
  }

  get(schema: Schema, derive: (schema: Schema) => Schema): Schema {
    let derived = this.#entries.get(schema)
    if (derived === undefined) {
      derived = derive(schema)
      this.#entries.set(schema, derived)
      if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!)
    }
    return derived
  }
}

/** Base of every transform: parses its configs with its ConfigDef. */
export abstract class BaseTransform<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  /** The config definition of this transform (without `predicate`/`negate`, which the chain handles). */
  protected abstract definition(): ConfigDef
  protected abstract configured(config: Record<string, unknown>): void
  abstract apply(record: R): R | null

  config(): ConfigDefinition {
    return this.definition()
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.configured(this.definition().parse(configs, this.constructor.name))
  }

  close(): void {}
}

/** A transform of the key or of the value of records. */
export abstract class KeyOrValueTransform<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  readonly part: Part

  constructor(part: Part) {
    super()
    this.part = part
  }

  protected operatingSchema(record: R): Schema | null {
    return this.part === 'key' ? record.keySchema : record.valueSchema
  }

  protected operatingValue(record: R): unknown {
    return this.part === 'key' ? record.key : record.value
  }

  protected newRecord(record: R, schema: Schema | null, value: unknown): R {
    return this.part === 'key' ? withChanges(record, { keySchema: schema, key: value }) : withChanges(record, { valueSchema: schema, value })
  }
}

/** A `ConfigDef` to start a transform's definition with. */
export function transformConfig(): ConfigDef {
  return new ConfigDef()
}

/** A STRUCT builder with `schema`'s name, version, doc and parameters (Kafka's `SchemaUtil.copySchemaBasics`). */
export function copyStructBasics(schema: Schema): SchemaBuilder {
  const builder = SchemaBuilder.struct()
  if (schema.name !== undefined) builder.name(schema.name)
  if (schema.version !== undefined) builder.version(schema.version)
  if (schema.doc !== undefined) builder.doc(schema.doc)
  if (schema.parameters !== undefined) builder.parameters(schema.parameters)
  return builder
}
