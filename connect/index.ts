/**
 * Creek connect: the public API of the connect layer (connector and task contracts, data model,
 * converters, transforms, runtime, connectors). Other layers and entry points import only from
 * here.
 */
export { ConnectError, CONNECT_ERROR_CODES } from './errors.ts'
export type { ConnectErrorCode } from './errors.ts'

// API (connect/api/).
export { LOGICAL, SCHEMA_TYPES } from './api/schema.ts'
export type { Field, Schema, SchemaAndValue, SchemaType } from './api/schema.ts'
export type { ConnectHeader, ConnectRecord, SinkRecord, SourceMap, SourceRecord } from './api/records.ts'
export type { ConfigDefinition, ConfigKey, ConfigType, ConfigValue, Importance, Validator } from './api/config-def.ts'
export type {
  Connector, ConnectorContext, OffsetStorageReader, SinkConnector, SinkTask, SinkTaskContext, SourceConnector, SourceTask,
  SourceTaskContext, TopicPartitionOffset,
} from './api/connector.ts'
export type { Converter, HeaderConverter } from './api/converter.ts'
export type { Predicate, Transformation } from './api/transformation.ts'
// -- data, converters and transforms exports below (owned by the data work) --

// -- runtime and file connectors exports below (owned by the runtime work) --
