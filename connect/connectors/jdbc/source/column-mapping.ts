/**
 * Columns to Connect schemas and database values to Connect values (Confluent's `DataConverter`
 * / `GenericDatabaseDialect.addFieldToSchema`), the same way on every database since columns
 * arrive with a portable `ColumnType` (database.ts).
 *
 * | column type          | Connect schema                                                         |
 * |----------------------|------------------------------------------------------------------------|
 * | boolean              | BOOLEAN                                                                |
 * | int8 … int64         | INT8 … INT64                                                           |
 * | float32 / float64    | FLOAT32 / FLOAT64                                                      |
 * | decimal(p, s)        | Decimal(scale s); `numeric.mapping`: precision_only → INT8..INT64 when |
 * |                      | s = 0 and p ≤ 18; best_fit → INT8..INT64 (s ≤ 0) or FLOAT64 (s > 0)    |
 * |                      | when p ≤ 18. Without a declared scale (PostgreSQL's bare NUMERIC):     |
 * |                      | STRING (FLOAT64 with best_fit): a Decimal needs one scale per column    |
 * | string, json, other  | STRING (JSON as its text)                                               |
 * | bytes                | BYTES                                                                   |
 * | date / time          | Date / Time logical types                                               |
 * | timestamp            | Timestamp logical type (columns without a zone read in `db.timezone`)  |
 * A nullable column gives an optional field. The value schema is a STRUCT named after the table
 * (unnamed for a custom query), built once per table and shared by every record.
 *
 * Converters run once per value, so each column gets one small function chosen up front. A
 * converter marked `checked` returns only values valid for its field's schema (or throws
 * CONNECT_DATA), so the source builds its Structs without checking those values again.
 */
import { Date as ConnectDate, Decimal, Time, Timestamp } from '../../../api/logical-types.ts'
import type { Schema } from '../../../api/schema.ts'
import { SchemaBuilder } from '../../../api/schema-builder.ts'
import { ConnectError } from '../../../errors.ts'
import type { ColumnInfo, DatabaseKind } from '../database.ts'
import type { NumericMapping } from './jdbc-source-config.ts'
import type { ZoneClock } from './source-offset.ts'

const DAY_MS = 86_400_000
const MAX_INTEGER_TYPE_PRECISION = 18

export type ValueConverter = (value: unknown) => unknown

export interface RowMapping {
  readonly schema: Schema
  /** One converter per column, in column order. */
  readonly converters: readonly ValueConverter[]
  /** Per column: its converter returns only valid values for the field's schema. */
  readonly checked: readonly boolean[]
  readonly columnNames: readonly string[]
}

export interface MappingOptions {
  readonly kind: DatabaseKind
  readonly numericMapping: NumericMapping
  readonly clock: ZoneClock
}

/** True for timestamp columns that hold instants (PostgreSQL timestamptz, MySQL TIMESTAMP). */
export function isZonedTimestamp(kind: DatabaseKind, databaseType: string): boolean {
  if (kind === 'postgresql') return /with time zone|timestamptz/i.test(databaseType)
  if (kind === 'mysql') return /^\s*timestamp/i.test(databaseType)
  return false
}

/** The row mapping of a table's (or a query's) columns. `structName` undefined: unnamed. */
export function mapColumns(structName: string | undefined, columns: readonly ColumnInfo[], options: MappingOptions): RowMapping {
  const builder = SchemaBuilder.struct()
  if (structName !== undefined) builder.name(structName)
  const converters: ValueConverter[] = []
  const checked: boolean[] = []
  for (const column of columns) {
    const { schema, convert, checked: valid = false } = mapColumn(column, options)
    builder.field(column.name, column.nullable ? optional(schema) : schema)
    converters.push(convert)
    checked.push(valid)
  }
  return { schema: builder.build(), converters, checked, columnNames: columns.map((c) => c.name) }
}

function optional(schema: Schema): Schema {
  return schema.optional ? schema : SchemaBuilder.from(schema).optional().build()
}

interface ColumnMapping {
  readonly schema: Schema
  readonly convert: ValueConverter
  /** The converter returns only values valid for `schema` (never null for a non-null input). */
  readonly checked?: boolean
}

export function mapColumn(column: ColumnInfo, options: MappingOptions): ColumnMapping {
  const where = `column "${column.name}" (${column.databaseType})`
  switch (column.type) {
    case 'boolean': return { schema: SchemaBuilder.bool().build(), convert: toBoolean, checked: true }
    case 'int8': return { schema: SchemaBuilder.int8().build(), convert: toSmallInt }
    case 'int16': return { schema: SchemaBuilder.int16().build(), convert: toSmallInt }
    case 'int32': return { schema: SchemaBuilder.int32().build(), convert: toSmallInt }
    case 'int64': return { schema: SchemaBuilder.int64().build(), convert: toInt64 }
    case 'float32': return { schema: SchemaBuilder.float32().build(), convert: toFloat }
    case 'float64': return { schema: SchemaBuilder.float64().build(), convert: toFloat }
    case 'decimal': return mapDecimal(column, options.numericMapping, where)
    case 'bytes': return { schema: SchemaBuilder.bytes().build(), convert: toBytes, checked: true }
    case 'date': return { schema: ConnectDate.builder().build(), convert: (v) => toDate(v, where), checked: true }
    case 'time': return { schema: Time.builder().build(), convert: (v) => toTime(v, where), checked: true }
    case 'timestamp': {
      const clock = options.clock
      const shift = !clock.isUtc && !isZonedTimestamp(options.kind, column.databaseType)
      return { schema: Timestamp.builder().build(), convert: (v) => toTimestamp(v, shift ? clock : null, where), checked: true }
    }
    case 'string': case 'json': case 'other':
    default:
      return { schema: SchemaBuilder.string().build(), convert: toText, checked: true }
  }
}

function mapDecimal(column: ColumnInfo, mapping: NumericMapping, where: string): ColumnMapping {
  const { precision, scale } = column
  if (mapping !== 'none' && precision !== undefined && precision > 0 && precision <= MAX_INTEGER_TYPE_PRECISION) {
    const integral = mapping === 'precision_only' ? scale === 0 || scale === undefined : scale === undefined || scale <= 0
    if (integral) {
      if (precision > 9) return { schema: SchemaBuilder.int64().build(), convert: toInt64 }
      if (precision > 4) return { schema: SchemaBuilder.int32().build(), convert: toSmallInt }
      if (precision > 2) return { schema: SchemaBuilder.int16().build(), convert: toSmallInt }
      return { schema: SchemaBuilder.int8().build(), convert: toSmallInt }
    }
    if (mapping === 'best_fit') return { schema: SchemaBuilder.float64().build(), convert: toFloat }
  }
  if (scale === undefined || scale < 0) {
    if (mapping === 'best_fit') return { schema: SchemaBuilder.float64().build(), convert: toFloat }
    return { schema: SchemaBuilder.string().build(), convert: toText }
  }
  return { schema: Decimal.schema(scale), convert: (v) => toDecimal(v, scale, where), checked: true }
}

function toBoolean(value: unknown): unknown {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'string') return value === '1' || value === 't' || value.toLowerCase() === 'true'
  if (Buffer.isBuffer(value)) return value.some((b) => b !== 0)
  return Boolean(value)
}

function toSmallInt(value: unknown): unknown {
  return value === null || typeof value === 'number' ? value : Number(value)
}

function toInt64(value: unknown): unknown {
  if (value === null || typeof value === 'number') return value
  if (typeof value === 'bigint') return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value
  const text = String(value)
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text.replace(/\.0*$/, ''))
}

function toFloat(value: unknown): unknown {
  return value === null || typeof value === 'number' ? value : Number(value)
}

function toText(value: unknown): unknown {
  if (value === null || typeof value === 'string') return value
  if (value instanceof Date) return value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  return String(value)
}

function toBytes(value: unknown): unknown {
  if (value === null || Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  return Buffer.from(String(value), 'utf8')
}

const DECIMAL_TEXT = /^[+-]?\d+(?:\.\d+)?$/

function toDecimal(value: unknown, scale: number, where: string): unknown {
  if (value === null) return null
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConnectError('CONNECT_DATA', `Cannot represent ${value} of ${where} as a Decimal`)
    text = Math.abs(value) < 1e21 ? value.toFixed(scale) : BigInt(Math.trunc(value)).toString()
  } else text = String(value)
  if (!DECIMAL_TEXT.test(text)) {
    // Exponent forms (`1.5E+3`) from some drivers: through Number at the column's scale.
    const n = Number(text)
    if (Number.isNaN(n) || !Number.isFinite(n)) throw new ConnectError('CONNECT_DATA', `Cannot read "${text}" of ${where} as a decimal number`)
    const fixed = Math.abs(n) < 1e21 ? n.toFixed(scale) : BigInt(Math.trunc(n)).toString()
    return scale === 0 || fixed.includes('.') ? fixed : `${fixed}.${'0'.repeat(scale)}`
  }
  const dot = text.indexOf('.')
  const fraction = dot < 0 ? 0 : text.length - dot - 1
  // SQLite stores decimals as it is given them: round or pad to the column's scale.
  if (fraction === scale) return text
  if (fraction > scale) return roundDecimal(text, scale)
  return `${text}${dot < 0 ? '.' : ''}${'0'.repeat(scale - fraction)}`
}

function roundDecimal(text: string, scale: number): string {
  const negative = text.startsWith('-')
  const [whole, fraction] = text.replace(/^[+-]/, '').split('.') as [string, string]
  const digits = BigInt(whole + fraction.slice(0, scale))
  const rounded = fraction.charCodeAt(scale) >= 53 /* '5' */ ? digits + 1n : digits
  const padded = rounded.toString().padStart(scale + 1, '0')
  const body = scale === 0 ? padded : `${padded.slice(0, -scale)}.${padded.slice(-scale)}`
  return negative && /[1-9]/.test(body) ? `-${body}` : body
}

function toDate(value: unknown, where: string): unknown {
  if (value === null) return null
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'string') ms = Date.parse(`${value.slice(0, 10)}T00:00:00Z`)
  else if (typeof value === 'number') ms = value
  else ms = Number.NaN
  const midnight = Math.floor(ms / DAY_MS) * DAY_MS
  const date = midnight === ms && value instanceof Date ? value : new Date(midnight)
  if (Number.isNaN(date.getTime())) throw new ConnectError('CONNECT_DATA', `Cannot read ${JSON.stringify(String(value))} of ${where} as a date`)
  return date
}

const TIME_TEXT = /^(-)?(\d{1,3}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:[+-]\d{2}(?::?\d{2})?|Z)?$/

function toTime(value: unknown, where: string): unknown {
  if (value === null) return null
  let ms: number
  if (value instanceof Date) ms = ((value.getTime() % DAY_MS) + DAY_MS) % DAY_MS
  else {
    const match = TIME_TEXT.exec(String(value).trim())
    if (match === null) throw new ConnectError('CONNECT_DATA', `Cannot read ${JSON.stringify(String(value))} of ${where} as a time of day`)
    const [, negative, h, m, s = '0', fraction = ''] = match
    ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(fraction.slice(0, 3).padEnd(3, '0'))
    if (negative !== undefined || ms >= DAY_MS) {
      throw new ConnectError('CONNECT_DATA', `The value ${String(value)} of ${where} is not a time of day (a Connect Time is 00:00:00 to 23:59:59.999)`)
    }
  }
  return new Date(ms)
}

function toTimestamp(value: unknown, shift: ZoneClock | null, where: string): unknown {
  if (value === null) return null
  let ms: number
  if (value instanceof Date) {
    ms = value.getTime()
    if (shift === null && !Number.isNaN(ms)) return value
  } else if (typeof value === 'number') ms = value
  else if (typeof value === 'bigint') ms = Number(value)
  else {
    ms = Date.parse(String(value).replace(' ', 'T').replace(/(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/, '$1Z'))
  }
  const date = new Date(shift === null || !Number.isFinite(ms) ? ms : shift.instantOfWall(ms))
  if (Number.isNaN(date.getTime())) throw new ConnectError('CONNECT_DATA', `Cannot read ${JSON.stringify(String(value))} of ${where} as a timestamp`)
  return date
}
