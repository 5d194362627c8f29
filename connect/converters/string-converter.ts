/**
 * `StringConverter` (Kafka's `org.apache.kafka.connect.storage.StringConverter`): any value is
 * written as its string form in `converter.encoding` (default UTF-8); bytes are read back as an
 * optional STRING. Null stays null both ways. Also a `HeaderConverter`.
 */
import type { RecordHeader } from '../../core/index.ts'
import { ConfigDef } from '../api/config-def-impl.ts'
import type { ConfigDefinition } from '../api/config-def.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { Schema, SchemaAndValue } from '../api/schema.ts'
import { Schemas } from '../api/schema-builder.ts'
import { isStruct } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  'UTF8': 'utf8', 'UTF-8': 'utf8', 'ISO-8859-1': 'latin1', 'LATIN1': 'latin1', 'US-ASCII': 'ascii', 'ASCII': 'ascii',
  'UTF-16LE': 'utf16le', 'UTF16LE': 'utf16le',
}

function configDef(): ConfigDef {
  return new ConfigDef()
    .define('converter.encoding', 'STRING', 'UTF8', 'HIGH', 'The name of the character encoding (UTF8, ISO-8859-1, US-ASCII, UTF-16LE).', (_name, value) => {
      if (ENCODINGS[String(value).toUpperCase()] === undefined) throw new Error(`Unsupported encoding; one of ${Object.keys(ENCODINGS).join(', ')}`)
    })
    .define('converter.type', 'STRING', 'value', 'LOW', 'key, value or header (set by the worker).')
}

/** The string form Kafka's `toString()` would give, for JavaScript values. */
export function stringOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (value instanceof Date) return value.toISOString()
  if (isStruct(value)) return String(value)
  if (value instanceof Map) return JSON.stringify(Object.fromEntries(value))
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  return String(value)
}

export class StringConverter implements Converter, HeaderConverter {
  #encoding: BufferEncoding = 'utf8'

  config(): ConfigDefinition {
    return configDef()
  }

  configure(configs: Readonly<Record<string, string>>, _isKey = false): void {
    const parsed = configDef().parse(configs, 'StringConverter')
    this.#encoding = ENCODINGS[(parsed['converter.encoding'] as string).toUpperCase()]
  }

  fromConnectData(_topic: string, _headers: RecordHeader[], _schema: Schema | null, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(stringOf(value), this.#encoding)
  }

  toConnectData(topic: string, _headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: Schemas.OPTIONAL_STRING, value: null }
    try {
      return { schema: Schemas.OPTIONAL_STRING, value: bytes.toString(this.#encoding) }
    } catch (cause) {
      throw new ConnectError('CONNECT_CONVERSION', `Failed to deserialize string (topic ${topic})`, { cause })
    }
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, [], schema, value)
  }

  toConnectHeader(topic: string, _key: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes)
  }
}
