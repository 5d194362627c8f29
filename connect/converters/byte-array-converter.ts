/**
 * `ByteArrayConverter` (Kafka's `org.apache.kafka.connect.converters.ByteArrayConverter`): passes
 * bytes through. Writing needs a BYTES schema (or none) and a Buffer; reading gives an optional
 * BYTES schema. Also a `HeaderConverter`.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { Schema, SchemaAndValue } from '../api/schema.ts'
import { Schemas } from '../api/schema-builder.ts'
import { describeValue } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

export class ByteArrayConverter implements Converter, HeaderConverter {
  configure(_configs: Readonly<Record<string, string>>, _isKey = false): void {}

  fromConnectData(topic: string, _headers: RecordHeader[], schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'BYTES') {
      throw new ConnectError('CONNECT_DATA', `Invalid schema type for ByteArrayConverter: ${schema.type} (topic ${topic}); use a BYTES schema or another converter`)
    }
    if (value === null || value === undefined) return null
    if (!(value instanceof Uint8Array)) {
      throw new ConnectError('CONNECT_DATA', `ByteArrayConverter is not compatible with objects of type ${describeValue(value)} (topic ${topic}); it writes Buffers`)
    }
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  }

  toConnectData(_topic: string, _headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes }
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, [], schema, value)
  }

  toConnectHeader(topic: string, _key: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes)
  }
}
