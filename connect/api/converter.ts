/**
 * Converters (Kafka Connect's `Converter` / `HeaderConverter`): Connect data ↔ record bytes.
 * `configure` is called once with the converter's configs (prefix stripped: `value.converter.`)
 * and whether it converts keys. Conversions may be asynchronous (registry lookups).
 */
import type { RecordHeader } from '../../core/index.ts'
import type { ConfigDefinition } from './config-def.ts'
import type { Schema, SchemaAndValue } from './schema.ts'

export interface Converter {
  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void
  config?(): ConfigDefinition
  fromConnectData(topic: string, headers: RecordHeader[], schema: Schema | null, value: unknown): Buffer | null | Promise<Buffer | null>
  toConnectData(topic: string, headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue | Promise<SchemaAndValue>
}

export interface HeaderConverter {
  configure(configs: Readonly<Record<string, string>>): void
  fromConnectHeader(topic: string, key: string, schema: Schema | null, value: unknown): Buffer | null
  toConnectHeader(topic: string, key: string, bytes: Buffer | null): SchemaAndValue
}
