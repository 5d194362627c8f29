/**
 * Creek's schema DSL for Kafka protocol messages: one declaration per message gives both its
 * TypeScript type (`MessageType<typeof XSchema>`) and, through `compileCodec` in
 * `schema-codec.ts`, a compiled encoder/decoder per version.
 *
 * A declaration mirrors Kafka's message JSON, with fields as object keys in wire order and
 * camelCase names starting lower-case:
 *
 * ```ts
 * export const MetadataRequestSchema = message({
 *   name: 'MetadataRequest', type: 'request', apiKey: 3, validVersions: '0-12', flexibleVersions: '9+',
 *   fields: {
 *     topics: {
 *       type: t.array(t.struct('MetadataRequestTopic', {
 *         topicId: { type: t.uuid, versions: '10+' },
 *         name: { type: t.string, versions: '0+', nullableVersions: '10+' },
 *       })),
 *       versions: '0+', nullableVersions: '1+',
 *     },
 *     allowAutoTopicCreation: { type: t.bool, versions: '4+', default: true },
 *   },
 * })
 * export type MetadataRequest = MessageType<typeof MetadataRequestSchema>
 * // { topics: { topicId: string; name: string | null }[] | null; allowAutoTopicCreation: boolean }
 * ```
 *
 * Semantics (Kafka's, from its message generator):
 * - `versions` says in which versions a field is on the wire; the type holds every version's
 *   fields, and decoding a version without a field fills in its default.
 * - `nullableVersions` makes the field `T | null`; null may be sent only in those versions.
 * - `taggedVersions` + `tag`: in those (flexible) versions the field lives in the struct's tag
 *   buffer and is written only when it differs from its default.
 * - Defaults: `default` if given, else 0, `false`, `''`, ZERO_UUID, an empty buffer, an empty
 *   array, null for records, and for a struct a struct of its fields' defaults.
 * - In flexible versions (`flexibleVersions`) strings, bytes, records and arrays use compact
 *   lengths (UNSIGNED_VARINT N + 1) and every struct ends with a tag buffer.
 * - Value types: INT64 is a number (offsets, timestamps and producer ids stay below 2^53; larger
 *   values are refused when decoding), UUIDs are canonical strings, BYTES are Buffers, RECORDS
 *   is `Buffer | null` (a raw record-batch blob, decoded zero-copy).
 *
 * Declarations are checked when built (`message()`): bad version ranges, tags without tagged
 * versions, duplicate tags and defaults of the wrong type throw `CORE_INVALID_ARGUMENT`.
 */
import { CoreError } from '../errors.ts'
import { parseVersionRange } from './version-range.ts'
import { ZERO_UUID } from './writer.ts'

export type PrimitiveKind =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64' | 'bool' | 'uuid' | 'string' | 'bytes' | 'records'

/** A wire type. `~value` is a type-level marker only: no runtime object carries it. */
export interface PrimitiveType<K extends PrimitiveKind = PrimitiveKind, V = unknown> {
  readonly kind: K
  readonly '~value'?: V
}

export interface ArrayType<E extends SchemaType = SchemaType> {
  readonly kind: 'array'
  readonly items: E
  readonly '~value'?: ValueOf<E>[]
}

export interface StructType<F extends Fields = Fields> {
  readonly kind: 'struct'
  /** Kafka's name for the struct (e.g. `MetadataResponseTopic`); used in error messages. */
  readonly name: string
  readonly fields: F
  readonly '~value'?: StructValue<F>
}

export type SchemaType = PrimitiveType | ArrayType<any> | StructType<any>

export type DefaultValue = number | string | boolean | null

export interface FieldDef<T extends SchemaType = SchemaType> {
  readonly type: T
  /** Versions in which the field exists, e.g. `'0+'`, `'3-7'`, `'none'`. */
  readonly versions: string
  /** Versions in which the field may be null; makes the TypeScript type `T | null`. */
  readonly nullableVersions?: string
  /** Versions in which the field is a tagged field (requires `tag`). */
  readonly taggedVersions?: string
  readonly tag?: number
  /** Kafka's default; without it the type's zero value (see the module comment). */
  readonly default?: DefaultValue
  /** Kafka's marker that a newer field may be dropped when writing an older version. */
  readonly ignorable?: boolean
  readonly about?: string
}

export type Fields = { readonly [name: string]: FieldDef }

export interface MessageSchema<F extends Fields = Fields> extends StructType<F> {
  readonly type: 'request' | 'response' | 'header' | 'data'
  /** −1 for messages that are not requests or responses. */
  readonly apiKey: number
  readonly validVersions: string
  readonly flexibleVersions: string
}

/** The TypeScript type of a value of schema type `T`. */
export type ValueOf<T> = T extends { readonly '~value'?: infer V } ? Exclude<V, undefined> : never

export type FieldValue<F extends FieldDef> = F extends { readonly nullableVersions: string }
  ? ValueOf<F['type']> | null
  : ValueOf<F['type']>

export type StructValue<F extends Fields> = { -readonly [K in keyof F]: FieldValue<F[K]> }

/** The plain object type of a message: every field of every version. */
export type MessageType<S extends StructType<any>> = ValueOf<S>

const primitive = <K extends PrimitiveKind, V>(kind: K): PrimitiveType<K, V> => Object.freeze({ kind })

/** The wire types, named as in Kafka's message JSON. */
export const t = Object.freeze({
  int8: primitive<'int8', number>('int8'),
  int16: primitive<'int16', number>('int16'),
  int32: primitive<'int32', number>('int32'),
  /** A number: |v| < 2^53 (see the module comment). */
  int64: primitive<'int64', number>('int64'),
  uint16: primitive<'uint16', number>('uint16'),
  uint32: primitive<'uint32', number>('uint32'),
  float64: primitive<'float64', number>('float64'),
  bool: primitive<'bool', boolean>('bool'),
  /** A canonical UUID string; ZERO_UUID means none. */
  uuid: primitive<'uuid', string>('uuid'),
  string: primitive<'string', string>('string'),
  bytes: primitive<'bytes', Buffer>('bytes'),
  /** A raw record-batch blob: NULLABLE_BYTES, or COMPACT_NULLABLE_BYTES in flexible versions. */
  records: primitive<'records', Buffer | null>('records'),
  array: <E extends SchemaType>(items: E): ArrayType<E> => Object.freeze({ kind: 'array', items }),
  struct: <const F extends Fields>(name: string, fields: F): StructType<F> => Object.freeze({ kind: 'struct', name, fields }),
})

export interface MessageDefinition<F extends Fields> {
  readonly name: string
  readonly type: MessageSchema['type']
  readonly apiKey?: number
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly fields: F
}

/** Declares a message and checks the declaration; see the module comment. */
export function message<const F extends Fields>(definition: MessageDefinition<F>): MessageSchema<F> {
  const schema: MessageSchema<F> = Object.freeze({
    kind: 'struct',
    name: definition.name,
    type: definition.type,
    apiKey: definition.apiKey ?? -1,
    validVersions: definition.validVersions,
    flexibleVersions: definition.flexibleVersions,
    fields: definition.fields,
  })
  parseVersionRange(schema.validVersions)
  checkStruct(schema, parseVersionRange(schema.flexibleVersions).min, schema.name)
  return schema
}

/** Whether the value of a field of type `type` may be null at all (regardless of version). */
export function isNullableField(field: FieldDef): boolean {
  return field.type.kind === 'records' || field.nullableVersions !== undefined
}

/**
 * The default value of a field: a fresh object or array each call (callers may mutate it).
 * Used by decoders for fields absent in a version and by `createDefault`.
 */
export function fieldDefault(field: FieldDef): unknown {
  if (field.default !== undefined) return field.default
  return typeDefault(field.type)
}

function typeDefault(type: SchemaType): unknown {
  switch (type.kind) {
    case 'bool': return false
    case 'string': return ''
    case 'uuid': return ZERO_UUID
    case 'bytes': return Buffer.alloc(0)
    case 'records': return null
    case 'array': return []
    case 'struct': return createDefault(type)
    default: return 0
  }
}

/** A complete value of `struct` (or a message) with every field at its default. */
export function createDefault<S extends StructType<any>>(struct: S): ValueOf<S> {
  const value: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(struct.fields as Fields)) value[key] = fieldDefault(field)
  return value as ValueOf<S>
}

function invalid(where: string, problem: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', `Invalid schema at ${where}: ${problem}`)
}

function checkStruct(struct: StructType, firstFlexible: number, path: string): void {
  const tags = new Set<number>()
  for (const [key, field] of Object.entries(struct.fields)) {
    const where = `${path}.${key}`
    if (!/^[a-z][A-Za-z0-9]*$/.test(key)) throw invalid(where, 'field names are camelCase starting with a lower-case letter')
    parseVersionRange(field.versions)
    if (field.nullableVersions !== undefined) {
      parseVersionRange(field.nullableVersions)
      if (!['string', 'bytes', 'records', 'array', 'struct'].includes(field.type.kind)) {
        throw invalid(where, `a ${field.type.kind} cannot be nullable`)
      }
    }
    if ((field.tag === undefined) !== (field.taggedVersions === undefined)) {
      throw invalid(where, 'a tagged field needs both tag and taggedVersions')
    }
    if (field.tag !== undefined) {
      if (!Number.isInteger(field.tag) || field.tag < 0) throw invalid(where, `tag ${field.tag} is not a non-negative integer`)
      if (tags.has(field.tag)) throw invalid(where, `tag ${field.tag} is used twice`)
      tags.add(field.tag)
      if (parseVersionRange(field.taggedVersions!).min < firstFlexible) {
        throw invalid(where, `taggedVersions ${field.taggedVersions} start before the first flexible version ${firstFlexible}`)
      }
    }
    checkDefault(field, where)
    let type: SchemaType = field.type
    while (type.kind === 'array') type = type.items
    if (type.kind === 'struct') checkStruct(type, firstFlexible, `${where}(${type.name})`)
  }
}

function checkDefault(field: FieldDef, where: string): void {
  const value = field.default
  if (value === undefined) return
  if (value === null) {
    if (!isNullableField(field)) throw invalid(where, 'default null on a field that is never nullable')
    return
  }
  const kind = field.type.kind
  const ok =
    kind === 'bool' ? typeof value === 'boolean'
    : kind === 'string' || kind === 'uuid' ? typeof value === 'string'
    : kind === 'float64' ? typeof value === 'number'
    : ['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32'].includes(kind) && Number.isSafeInteger(value)
  if (!ok) throw invalid(where, `default ${JSON.stringify(value)} does not fit a ${kind}`)
}
