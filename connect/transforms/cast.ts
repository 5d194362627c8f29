/**
 * `Cast` (Kafka's `Cast$Key` / `$Value`): casts the whole key or value, or some of its fields, to
 * another primitive type.
 *
 * Configs: `spec`: a single type (`int32`) for the whole value, or `field:type,…`. Types: int8,
 * int16, int32, int64, float32, float64, boolean, string. Conversions follow Java's: numbers to a
 * narrower integer truncate and wrap, booleans become 1/0, non-zero numbers true, strings parse
 * (a string that is not a number or `true`/`false` fails), anything primitive becomes its string
 * (FLOAT32/FLOAT64 as Java prints them, bytes as base64, Date/Time/Timestamp in ISO-8601 UTC,
 * Decimal as its digits). Structs, arrays and maps cannot be cast. The new schema keeps
 * optionality and casts the default.
 */
import { LOGICAL, type Schema, type SchemaType } from '../api/schema.ts'
import type { ConnectRecord } from '../api/records.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { describeValue } from '../api/values.ts'
import { ConnectError } from '../errors.ts'
import { javaDouble, javaFloat } from '../converters/json-node.ts'
import {
  KeyOrValueTransform, SchemaCache, copyStructBasics, requireMap, requireStruct, transformConfig,
} from './transform-support.ts'

const PURPOSE = 'cast types'
const TARGETS: Readonly<Record<string, SchemaType>> = {
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64', float32: 'FLOAT32', float64: 'FLOAT64', boolean: 'BOOLEAN', string: 'STRING',
}
const INT_BITS: Partial<Record<SchemaType, number>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 }

function parseSpec(entries: readonly string[]): { whole: SchemaType | null; fields: Map<string, SchemaType> } {
  const fields = new Map<string, SchemaType>()
  if (entries.length === 1 && !entries[0].includes(':')) {
    const whole = TARGETS[entries[0].trim().toLowerCase()]
    if (whole === undefined) throw new Error(`Invalid type found in casting spec: ${entries[0]}`)
    return { whole, fields }
  }
  for (const entry of entries) {
    const [field, type, ...rest] = entry.split(':')
    const target = TARGETS[(type ?? '').trim().toLowerCase()]
    if (rest.length > 0 || field === undefined || field.trim() === '' || target === undefined) {
      throw new Error(`Invalid cast mapping: ${entry}; use field:type with a type among ${Object.keys(TARGETS).join(', ')}`)
    }
    fields.set(field.trim(), target)
  }
  return { whole: null, fields }
}

function castError(value: unknown, target: SchemaType, why = ''): ConnectError {
  return new ConnectError('CONNECT_DATA', `Cannot cast ${describeValue(value)} to ${target}${why}`)
}

function isoOf(date: Date, schema: Schema | null): string {
  const iso = date.toISOString()
  if (schema?.name === LOGICAL.DATE) return iso.slice(0, 10)
  if (schema?.name === LOGICAL.TIME) return `${iso.slice(11, 23)}Z`
  return iso
}

/** `value` (of `schema`, or schema-less) cast to `target`. */
export function castValue(value: unknown, schema: Schema | null, target: SchemaType): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) {
    if (target === 'STRING') return isoOf(value, schema)
    if (target === 'INT64' && (schema === null || schema.name === LOGICAL.TIMESTAMP)) return value.getTime()
    throw castError(value, target)
  }
  const bits = INT_BITS[target]
  if (bits !== undefined) {
    let n: bigint
    if (typeof value === 'boolean') n = value ? 1n : 0n
    else if (typeof value === 'bigint') n = value
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw castError(value, target)
      n = BigInt(Math.trunc(value))
    } else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) && schema?.name !== LOGICAL.DECIMAL) {
      n = BigInt(value.trim())
      if (BigInt.asIntN(bits, n) !== n) throw castError(value, target, ' (out of range)')
    } else if (typeof value === 'string' && schema?.name === LOGICAL.DECIMAL) n = BigInt(value.split('.')[0])
    else throw castError(value, target)
    const wrapped = BigInt.asIntN(bits, n)
    return bits === 64 && !Number.isSafeInteger(Number(wrapped)) ? wrapped : Number(wrapped)
  }
  switch (target) {
    case 'FLOAT32':
    case 'FLOAT64': {
      let n: number
      if (typeof value === 'boolean') n = value ? 1 : 0
      else if (typeof value === 'number' || typeof value === 'bigint') n = Number(value)
      else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) n = Number(value)
      else throw castError(value, target)
      return target === 'FLOAT32' ? Math.fround(n) : n
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (typeof value === 'number') return value !== 0
      if (typeof value === 'bigint') return value !== 0n
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true'
      throw castError(value, target)
    default:
      if (typeof value === 'string') return value
      if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
      if (typeof value === 'number') {
        if (schema?.type === 'FLOAT64') return javaDouble(value)
        if (schema?.type === 'FLOAT32') return javaFloat(value)
        return String(value)
      }
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
      throw castError(value, target)
  }
}

function targetSchema(source: Schema, target: SchemaType): Schema {
  if (source.type === 'STRUCT' || source.type === 'ARRAY' || source.type === 'MAP') {
    throw new ConnectError('CONNECT_DATA', `Unable to cast non-primitive ${source.type} to ${target}`)
  }
  const builder = new SchemaBuilder(target)
  if (source.optional) builder.optional()
  if (source.defaultValue !== undefined && source.defaultValue !== null) builder.defaultValue(castValue(source.defaultValue, source, target))
  return builder.build()
}

export class Cast<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #whole: SchemaType | null = null
  #fields = new Map<string, SchemaType>()
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('spec', 'LIST', undefined, 'HIGH', 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value.', (_name, value) => {
        if ((value as string[]).length === 0) throw new Error('Must specify at least one field to cast.')
        parseSpec(value as string[])
      })
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    const spec = parseSpec(config.spec as string[])
    this.#whole = spec.whole
    this.#fields = spec.fields
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record)
    const value = this.operatingValue(record)
    if (this.#whole !== null) {
      if (schema === null) return this.newRecord(record, null, castValue(value, null, this.#whole))
      const updated = this.#schemas.get(schema, (s) => targetSchema(s, this.#whole!))
      return this.newRecord(record, updated, castValue(value, schema, this.#whole))
    }
    if (value === null || value === undefined) return record
    if (schema === null) {
      const out = { ...requireMap(value, PURPOSE, record) }
      for (const [name, target] of this.#fields) if (Object.hasOwn(out, name)) out[name] = castValue(out[name], null, target)
      return this.newRecord(record, null, out)
    }
    const struct = requireStruct(value, PURPOSE, record)
    const updated = this.#schemas.get(schema, (s) => {
      const builder = copyStructBasics(s)
      for (const field of s.fields ?? []) {
        const target = this.#fields.get(field.name)
        builder.field(field.name, target === undefined ? field.schema : targetSchema(field.schema, target))
      }
      return builder.build()
    })
    const out = new Struct(updated)
    for (const field of schema.fields ?? []) {
      const target = this.#fields.get(field.name)
      const v = struct.getWithoutDefault(field.name)
      out.put(field.name, target === undefined ? v : castValue(v, field.schema, target))
    }
    return this.newRecord(record, updated, out)
  }
}

export class CastKey<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  constructor() { super('key') }
}

export class CastValue<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  constructor() { super('value') }
}
