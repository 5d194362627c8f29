/**
 * `SimpleHeaderConverter` (Kafka's default header converter,
 * `org.apache.kafka.connect.storage.SimpleHeaderConverter`): header values are written as their
 * string form in UTF-8 and read back with an inferred schema.
 *
 * Reading (the subset of Kafka's `Values.parseString` Creek supports): an empty string is
 * STRING; `true`/`false` (any case) BOOLEAN; an integer the smallest of INT8, INT16, INT32, INT64
 * that holds it; a decimal FLOAT32 when a float prints back the same digits, else FLOAT64;
 * anything else STRING. Arrays, maps and dates are read as strings. Writing: strings as they are,
 * numbers and booleans as text, Buffers as base64, logical Date/Time/Timestamp in ISO form,
 * Decimal as its digits, anything else as JSON.
 */
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { RecordHeader } from '../../core/index.ts'
import { LOGICAL, type Schema, type SchemaAndValue } from '../api/schema.ts'
import { Schemas } from '../api/schema-builder.ts'
import { javaFloat } from './json-node.ts'
import { stringOf } from './string-converter.ts'

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$/

/** The schema and value `text` reads as. */
export function parseHeaderString(text: string): SchemaAndValue {
  if (text === '') return { schema: Schemas.STRING, value: '' }
  const lower = text.toLowerCase()
  if (lower === 'true' || lower === 'false') return { schema: Schemas.BOOLEAN, value: lower === 'true' }
  if (INTEGER.test(text)) {
    const n = BigInt(text)
    if (n >= -128n && n <= 127n) return { schema: Schemas.INT8, value: Number(n) }
    if (n >= -32_768n && n <= 32_767n) return { schema: Schemas.INT16, value: Number(n) }
    if (n >= -2_147_483_648n && n <= 2_147_483_647n) return { schema: Schemas.INT32, value: Number(n) }
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { schema: Schemas.INT64, value: Number.isSafeInteger(Number(n)) ? Number(n) : n }
    return { schema: Schemas.STRING, value: text }
  }
  if (DECIMAL.test(text)) {
    const n = Number(text)
    if (Number.isFinite(n)) return { schema: Number(javaFloat(n)) === n ? Schemas.FLOAT32 : Schemas.FLOAT64, value: n }
  }
  return { schema: Schemas.STRING, value: text }
}

/** The header text of a value (with its schema when known). */
export function headerString(schema: Schema | null, value: unknown): string {
  if (value instanceof Date) {
    const iso = value.toISOString()
    if (schema?.name === LOGICAL.DATE) return iso.slice(0, 10)
    if (schema?.name === LOGICAL.TIME) return `${iso.slice(11, 23)}Z`
    return iso
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  return stringOf(value)
}

export class SimpleHeaderConverter implements HeaderConverter, Converter {
  configure(_configs: Readonly<Record<string, string>>, _isKey = false): void {}

  fromConnectHeader(_topic: string, _key: string, schema: Schema | null, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(headerString(schema, value), 'utf8')
  }

  toConnectHeader(_topic: string, _key: string, bytes: Buffer | null): SchemaAndValue {
    return bytes === null ? { schema: null, value: null } : parseHeaderString(bytes.toString('utf8'))
  }

  fromConnectData(topic: string, _headers: RecordHeader[], schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectHeader(topic, '', schema, value)
  }

  toConnectData(topic: string, _headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue {
    return this.toConnectHeader(topic, '', bytes)
  }
}
