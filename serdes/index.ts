/**
 * Creek serdes: the public API of the serdes layer (serde interface, formats, the Confluent wire
 * format, and the schema registry: client interface, in-memory and embedded registries, the REST
 * server and client, compatibility). Other layers and entry points import only from here.
 */
export type { Serde, SyncSerde } from './serde.ts'
export { serdes } from './serdes.ts'
export { SerdesError, SERDES_ERROR_CODES } from './errors.ts'
export type { SerdesErrorCode, SerdesErrorContext, SerdesErrorOptions } from './errors.ts'

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

// The schema registry: an embedded node (schemas in a compacted Creek topic), its REST server
// (Confluent's API) and a REST client, with Confluent's error codes and compatibility rules.
export { EmbeddedSchemaRegistry } from './registry/embedded-schema-registry.ts'
export type { EmbeddedSchemaRegistryOptions } from './registry/embedded-schema-registry.ts'
export { SCHEMA_REGISTRY_CONTENT_TYPE, SCHEMA_REGISTRY_SERVER_DEFAULTS, SchemaRegistryServer } from './registry/registry-server.ts'
export type { SchemaRegistryServerOptions } from './registry/registry-server.ts'
export { REST_SCHEMA_REGISTRY_DEFAULTS, RestSchemaRegistry } from './registry/rest-schema-registry.ts'
export type { RestSchemaRegistryOptions } from './registry/rest-schema-registry.ts'
export type { CompatibilityCheck, SchemaRegistryAdmin, SubjectVersion, VersionSelector } from './registry/schema-registry-admin.ts'
export { REGISTRY_DEFAULTS } from './registry/registry-service.ts'
export { DEFAULT_COMPATIBILITY, DEFAULT_MODE, REGISTRY_MODES, isRegistryMode } from './registry/registry-state.ts'
export type { RegistryMode } from './registry/registry-state.ts'
export { REGISTRY_ERRORS, RegistryError, registryErrorInfo } from './registry/registry-errors.ts'
export { COMPATIBILITY_LEVELS, checkCompatibility, incompatibilities, isCompatibilityLevel } from './registry/compatibility/index.ts'
export type {
  CompatibilityLevel, CompatibilityResult, Incompatibility, PreviousVersion, ResolvedSchema,
} from './registry/compatibility/index.ts'
