/**
 * `SchemaBuilder` and the ready-made schemas (Kafka Connect's `SchemaBuilder` and `Schema.*_SCHEMA`
 * constants).
 *
 * ```ts
 * const person = SchemaBuilder.struct().name('com.example.Person')
 *   .field('id', Schemas.INT64)
 *   .field('name', Schemas.OPTIONAL_STRING)
 *   .build()
 * ```
 *
 * Contract: `build()` returns a frozen plain `Schema` object; the builder may be reused, each
 * build is a new snapshot. A property can be set once only (as Kafka's builder: a second
 * `name(...)` is a mistake and throws). A default value is checked against the schema when set.
 * Struct field names are unique; fields keep their definition order and get their index from it.
 */
import { ConnectError } from '../errors.ts'
import type { Field, Schema, SchemaType } from './schema.ts'
import { validateValue } from './values.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export class SchemaBuilder {
  readonly type: SchemaType
  #optional = false
  #defaultValue: unknown = undefined
  #name: string | undefined
  #version: number | undefined
  #doc: string | undefined
  #parameters: Record<string, string> | undefined
  readonly #fields: Field[] = []
  #keySchema: Schema | undefined
  #valueSchema: Schema | undefined

  constructor(type: SchemaType) {
    this.type = type
  }

  static int8(): SchemaBuilder { return new SchemaBuilder('INT8') }
  static int16(): SchemaBuilder { return new SchemaBuilder('INT16') }
  static int32(): SchemaBuilder { return new SchemaBuilder('INT32') }
  static int64(): SchemaBuilder { return new SchemaBuilder('INT64') }
  static float32(): SchemaBuilder { return new SchemaBuilder('FLOAT32') }
  static float64(): SchemaBuilder { return new SchemaBuilder('FLOAT64') }
  static bool(): SchemaBuilder { return new SchemaBuilder('BOOLEAN') }
  static string(): SchemaBuilder { return new SchemaBuilder('STRING') }
  static bytes(): SchemaBuilder { return new SchemaBuilder('BYTES') }
  static struct(): SchemaBuilder { return new SchemaBuilder('STRUCT') }

  static array(valueSchema: Schema): SchemaBuilder {
    const builder = new SchemaBuilder('ARRAY')
    builder.#valueSchema = valueSchema
    return builder
  }

  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    const builder = new SchemaBuilder('MAP')
    builder.#keySchema = keySchema
    builder.#valueSchema = valueSchema
    return builder
  }

  /** A builder holding everything `schema` has (to derive a variant, e.g. an optional copy). */
  static from(schema: Schema): SchemaBuilder {
    const builder = new SchemaBuilder(schema.type)
    builder.#optional = schema.optional
    builder.#defaultValue = schema.defaultValue
    builder.#name = schema.name
    builder.#version = schema.version
    builder.#doc = schema.doc
    builder.#parameters = schema.parameters === undefined ? undefined : { ...schema.parameters }
    for (const field of schema.fields ?? []) builder.#fields.push(field)
    builder.#keySchema = schema.keySchema
    builder.#valueSchema = schema.valueSchema
    return builder
  }

  get isOptional(): boolean { return this.#optional }

  optional(): this {
    this.#optional = true
    return this
  }

  required(): this {
    this.#optional = false
    return this
  }

  name(name: string): this {
    this.#name = once('name', this.#name, name)
    return this
  }

  version(version: number): this {
    if (!Number.isInteger(version)) throw invalid(`Schema version must be an integer, got ${version}`)
    this.#version = once('version', this.#version, version)
    return this
  }

  doc(doc: string): this {
    this.#doc = once('doc', this.#doc, doc)
    return this
  }

  parameter(key: string, value: string): this {
    this.#parameters ??= {}
    this.#parameters[key] = value
    return this
  }

  parameters(parameters: Readonly<Record<string, string>>): this {
    for (const [key, value] of Object.entries(parameters)) this.parameter(key, value)
    return this
  }

  defaultValue(value: unknown): this {
    if (this.#defaultValue !== undefined) throw invalid('Schema default value is already set')
    validateValue(this.#snapshot(), value, 'default')
    this.#defaultValue = value
    return this
  }

  /** Adds a STRUCT field (in order). */
  field(name: string, schema: Schema): this {
    if (this.type !== 'STRUCT') throw invalid(`Cannot add field "${name}" to a ${this.type} schema: only STRUCT schemas have fields`)
    if (name === '') throw invalid('A field name cannot be empty')
    if (this.#fields.some((field) => field.name === name)) throw invalid(`Cannot add field "${name}": the struct already has a field with that name`)
    this.#fields.push(Object.freeze({ name, index: this.#fields.length, schema }))
    return this
  }

  get fields(): readonly Field[] {
    return this.#fields
  }

  build(): Schema {
    return this.#snapshot()
  }

  #snapshot(): Schema {
    const schema: Mutable<Schema> = { type: this.type, optional: this.#optional }
    if (this.#defaultValue !== undefined) schema.defaultValue = this.#defaultValue
    if (this.#name !== undefined) schema.name = this.#name
    if (this.#version !== undefined) schema.version = this.#version
    if (this.#doc !== undefined) schema.doc = this.#doc
    if (this.#parameters !== undefined) schema.parameters = Object.freeze({ ...this.#parameters })
    if (this.type === 'STRUCT') schema.fields = Object.freeze([...this.#fields])
    if (this.#keySchema !== undefined) schema.keySchema = this.#keySchema
    if (this.#valueSchema !== undefined) schema.valueSchema = this.#valueSchema
    return Object.freeze(schema)
  }
}

function once<V>(what: string, current: V | undefined, next: V): V {
  if (current !== undefined && current !== next) throw invalid(`Schema ${what} is already set to ${String(current)}; cannot set it to ${String(next)}`)
  return next
}

function invalid(message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', message)
}

function primitive(type: SchemaType, optional: boolean): Schema {
  return Object.freeze({ type, optional })
}

/** The ready-made primitive schemas (Kafka's `Schema.INT32_SCHEMA`, `Schema.OPTIONAL_STRING_SCHEMA`…). */
export const Schemas = Object.freeze({
  INT8: primitive('INT8', false),
  INT16: primitive('INT16', false),
  INT32: primitive('INT32', false),
  INT64: primitive('INT64', false),
  FLOAT32: primitive('FLOAT32', false),
  FLOAT64: primitive('FLOAT64', false),
  BOOLEAN: primitive('BOOLEAN', false),
  STRING: primitive('STRING', false),
  BYTES: primitive('BYTES', false),
  OPTIONAL_INT8: primitive('INT8', true),
  OPTIONAL_INT16: primitive('INT16', true),
  OPTIONAL_INT32: primitive('INT32', true),
  OPTIONAL_INT64: primitive('INT64', true),
  OPTIONAL_FLOAT32: primitive('FLOAT32', true),
  OPTIONAL_FLOAT64: primitive('FLOAT64', true),
  OPTIONAL_BOOLEAN: primitive('BOOLEAN', true),
  OPTIONAL_STRING: primitive('STRING', true),
  OPTIONAL_BYTES: primitive('BYTES', true),
})

/** True for the primitive (non-container) types. */
export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT'
}
