/**
 * The Confluent wire format that schema-aware serdes write and read:
 *
 * ```
 * offset 0  magic byte 0
 * offset 1  schema id, 4 bytes, big-endian (a registry id, global across subjects)
 * offset 5  Protobuf only: message indexes (see message-indexes.ts)
 *           then the payload: Avro binary datum | Protobuf message | UTF-8 JSON
 * ```
 *
 * Avro payloads carry no container header and no fingerprint; the id alone names the writer's
 * schema, so a deserializer must always decode with the schema the registry returns for it.
 */
import { SerdesError, type SerdesErrorContext } from './errors.ts'

export const MAGIC_BYTE = 0
/** Magic byte and schema id. */
export const HEADER_SIZE = 5

/** Writes the magic byte and `schemaId` at the start of `out`. */
export function writeHeader(out: Buffer, schemaId: number): void {
  out[0] = MAGIC_BYTE
  out.writeInt32BE(schemaId, 1)
}

/** The schema id of framed `data`; throws SERDES_UNKNOWN_MAGIC_BYTE or SERDES_DESERIALIZATION. */
export function readSchemaId(data: Buffer, context: SerdesErrorContext): number {
  if (data.length < HEADER_SIZE) {
    throw new SerdesError('SERDES_DESERIALIZATION', `Expected at least ${HEADER_SIZE} bytes (magic byte and schema id) but got ${data.length}`, context)
  }
  if (data[0] !== MAGIC_BYTE) {
    throw new SerdesError('SERDES_UNKNOWN_MAGIC_BYTE', `Unknown magic byte ${data[0]}: the data was not written by a schema-registry serializer`, context)
  }
  return data.readInt32BE(1)
}
