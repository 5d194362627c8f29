/**
 * Creek serdes: the public API of the serdes layer (serde interface, formats, the Confluent wire
 * format and the schema registry client). Other layers and entry points import only from here.
 */
export type { Serde, SyncSerde } from './serde.ts'
export { serdes } from './serdes.ts'
export { SerdesError, SERDES_ERROR_CODES } from './errors.ts'
export type { SerdesErrorCode, SerdesErrorContext } from './errors.ts'

// Formats.
export {
  bytesSerde, float64Serde, int32Serde, int64Serde, stringSerde, uuidSerde, voidSerde,
} from './primitive-serdes.ts'
export { jsonSerde } from './json-serde.ts'
export type { JsonSerdeOptions } from './json-serde.ts'
export { jsonSchemaSerde } from './json-schema-serde.ts'
export type { JsonSchemaDefinition, JsonSchemaSerdeOptions } from './json-schema-serde.ts'
export { avroSerde } from './avro-serde.ts'
export type { AvroSchemaDefinition, AvroSerdeOptions } from './avro-serde.ts'
export { AVRO_LOGICAL_TYPES, DateType, DecimalType, TimestampMicrosType, TimestampMillisType, UuidType } from './avro-logical-types.ts'
export { protobufSerde } from './protobuf-serde.ts'
export type { ProtobufSerdeOptions } from './protobuf-serde.ts'
export { ProtobufSchema } from './protobuf-schema.ts'
export type { ProtobufFile } from './protobuf-schema.ts'

// The Confluent wire format.
export { HEADER_SIZE, MAGIC_BYTE, readSchemaId, writeHeader } from './wire-format.ts'
export { decodeMessageIndexes, encodeMessageIndexes } from './message-indexes.ts'

// Subjects and the registry.
export {
  recordNameStrategy, resolveSubjectNameStrategy, topicNameStrategy, topicRecordNameStrategy,
} from './subject-name-strategy.ts'
export type { SubjectNameStrategy, SubjectNameStrategyName } from './subject-name-strategy.ts'
export type { RegistrySerdeOptions } from './writer-schema-resolver.ts'
export type { RegisteredSchema, Schema, SchemaReference, SchemaRegistryClient, SchemaType } from './schema-registry-client.ts'
export { InMemorySchemaRegistry } from './in-memory-schema-registry.ts'
