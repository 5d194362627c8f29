/**
 * Connect's logical types (Kafka's `Decimal`, `Date`, `Time`, `Timestamp` in
 * `org.apache.kafka.connect.data`): their schemas and the conversions between the JavaScript
 * value (schema.ts) and the underlying primitive that converters write.
 *
 * | logical   | underlying | encoded as                                                   |
 * |-----------|------------|--------------------------------------------------------------|
 * | Decimal   | BYTES      | the unscaled value, two's complement big-endian, minimal      |
 * | Date      | INT32      | days since 1970-01-01 (the Date must be at midnight UTC)     |
 * | Time      | INT32      | milliseconds since midnight (the Date must be on 1970-01-01) |
 * | Timestamp | INT64      | milliseconds since the epoch                                 |
 *
 * `Date` shadows the global `Date` where imported under that name; import it as
 * `{ Date as ConnectDate }` in code that also needs the global.
 */
import { ConnectError } from '../errors.ts'
import { LOGICAL, type Schema } from './schema.ts'
import { SchemaBuilder } from './schema-builder.ts'

const DAY_MS = 86_400_000
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/

function dataError(message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', message)
}

/** Minimal two's complement big-endian bytes of `n` (Java's `BigInteger.toByteArray`). */
export function bigintToBytes(n: bigint): Buffer {
  let length = 1
  while (n < -(1n << (8n * BigInt(length) - 1n)) || n >= 1n << (8n * BigInt(length) - 1n)) length++
  const unsigned = n < 0n ? (1n << (8n * BigInt(length))) + n : n
  return Buffer.from(unsigned.toString(16).padStart(length * 2, '0'), 'hex')
}

/** The signed integer of two's complement big-endian bytes. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  const unsigned = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`)
  return (bytes[0] & 0x80) === 0 ? unsigned : unsigned - (1n << BigInt(bytes.length * 8))
}

/** The unscaled integer of a decimal string at `scale` (fewer fraction digits are padded). */
export function decimalToUnscaled(value: string, scale: number): bigint {
  const match = DECIMAL_TEXT.exec(value)
  if (match === null) throw dataError(`"${value}" is not a decimal number`)
  const [, sign, whole, fraction = ''] = match
  if (fraction.length > scale) {
    if (/^0*$/.test(fraction.slice(scale))) return decimalToUnscaled(`${sign}${whole}.${fraction.slice(0, scale)}`, scale)
    throw dataError(`Decimal "${value}" has ${fraction.length} fraction digits; its schema's scale is ${scale} (round it first)`)
  }
  const unscaled = BigInt(`${whole}${fraction.padEnd(scale, '0')}`)
  return sign === '-' ? -unscaled : unscaled
}

/** The decimal string of an unscaled integer at `scale` (exactly `scale` fraction digits). */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString()
  if (scale <= 0) return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`
  const padded = digits.padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`
}

export const Decimal = Object.freeze({
  LOGICAL_NAME: LOGICAL.DECIMAL,
  SCALE_FIELD: 'scale',
  builder(scale: number): SchemaBuilder {
    if (!Number.isInteger(scale)) throw dataError(`Decimal scale must be an integer, got ${scale}`)
    return SchemaBuilder.bytes().name(LOGICAL.DECIMAL).parameter('scale', String(scale)).version(1)
  },
  schema(scale: number): Schema {
    return Decimal.builder(scale).build()
  },
  /** The scale parameter of a Decimal schema. */
  scaleOf(schema: Schema): number {
    const scale = Number(schema.parameters?.scale)
    if (!Number.isInteger(scale)) throw dataError(`Decimal schema ${schema.name} has no valid "scale" parameter`)
    return scale
  },
  fromLogical(schema: Schema, value: string): Buffer {
    return bigintToBytes(decimalToUnscaled(value, Decimal.scaleOf(schema)))
  },
  toLogical(schema: Schema, bytes: Uint8Array): string {
    return unscaledToDecimal(bytesToBigint(bytes), Decimal.scaleOf(schema))
  },
})

const ConnectDate = Object.freeze({
  LOGICAL_NAME: LOGICAL.DATE,
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LOGICAL.DATE).version(1)
  },
  SCHEMA: SchemaBuilder.int32().name(LOGICAL.DATE).version(1).build(),
  /** Days since the epoch; the Date must be at midnight UTC. */
  fromLogical(_schema: Schema, value: globalThis.Date): number {
    const ms = value.getTime()
    if (ms % DAY_MS !== 0) throw dataError(`A Connect Date must be at midnight UTC, got ${value.toISOString()}`)
    return ms / DAY_MS
  },
  toLogical(_schema: Schema, days: number): globalThis.Date {
    return new globalThis.Date(days * DAY_MS)
  },
})

export const Time = Object.freeze({
  LOGICAL_NAME: LOGICAL.TIME,
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LOGICAL.TIME).version(1)
  },
  SCHEMA: SchemaBuilder.int32().name(LOGICAL.TIME).version(1).build(),
  /** Milliseconds since midnight; the Date must be on 1970-01-01 UTC. */
  fromLogical(_schema: Schema, value: globalThis.Date): number {
    const ms = value.getTime()
    if (ms < 0 || ms >= DAY_MS) throw dataError(`A Connect Time must be on 1970-01-01 UTC, got ${value.toISOString()}`)
    return ms
  },
  toLogical(_schema: Schema, millis: number): globalThis.Date {
    if (millis < 0 || millis >= DAY_MS) throw dataError(`A Connect Time is 0 to ${DAY_MS - 1} ms after midnight, got ${millis}`)
    return new globalThis.Date(millis)
  },
})

export const Timestamp = Object.freeze({
  LOGICAL_NAME: LOGICAL.TIMESTAMP,
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(LOGICAL.TIMESTAMP).version(1)
  },
  SCHEMA: SchemaBuilder.int64().name(LOGICAL.TIMESTAMP).version(1).build(),
  fromLogical(_schema: Schema, value: globalThis.Date): number {
    return value.getTime()
  },
  toLogical(_schema: Schema, millis: number | bigint): globalThis.Date {
    return new globalThis.Date(Number(millis))
  },
})

export { ConnectDate as Date, ConnectDate }

/** True when `schema` is one of the four logical types. */
export function isLogical(schema: Schema | null | undefined): boolean {
  const name = schema?.name
  return name === LOGICAL.DECIMAL || name === LOGICAL.DATE || name === LOGICAL.TIME || name === LOGICAL.TIMESTAMP
}
