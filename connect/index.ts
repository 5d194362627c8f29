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
// Data model (connect/api/).
export { SchemaBuilder, Schemas, isPrimitiveType } from './api/schema-builder.ts'
export { Struct } from './api/struct.ts'
export { Date, Decimal, Time, Timestamp, isLogical } from './api/logical-types.ts'
export {
  describeSchema, describeValue, fieldOf, isStruct, schemaEquals, validateValue, valueEquals,
} from './api/values.ts'
export { projectValue } from './api/schema-projector.ts'
export { ConfigDef, InvalidConfigError, Password } from './api/config-def-impl.ts'
export type { ConfigKeyInit } from './api/config-def-impl.ts'
export {
  composite, nonEmptyString, ranged, validList, validString, validStringIgnoreCase,
} from './api/config-validators.ts'
// Converters (connect/converters/).
export { CONVERTER_NAMES, converterFor, headerConverterFor } from './converters/converter-registry.ts'
export type { ConverterOptions } from './converters/converter-registry.ts'
export { ENVELOPE_REQUIRED_MESSAGE, JSON_CONVERTER_DEFAULTS, JsonConverter } from './converters/json-converter.ts'
export type { DecimalFormat } from './converters/json-data.ts'
export { StringConverter } from './converters/string-converter.ts'
export { ByteArrayConverter } from './converters/byte-array-converter.ts'
export {
  BooleanConverter, DoubleConverter, FloatConverter, IntegerConverter, LongConverter, ShortConverter,
} from './converters/number-converters.ts'
export { SimpleHeaderConverter } from './converters/simple-header-converter.ts'
export { AvroConverter, JsonSchemaConverter, ProtobufConverter } from './converters/registry-converters.ts'
export type { RegistryConverterOptions } from './converters/registry-converters.ts'
export { AvroData } from './converters/avro-data.ts'
export { JsonSchemaData } from './converters/json-schema-data.ts'
export { ProtobufData } from './converters/protobuf-data.ts'
// Transforms (connect/transforms/). The chain class is exported as `SmtChain`: the runtime's
// `TransformChain` interface (runtime/plugins.ts) already holds that name here.
export { PREDICATE_NAMES, TRANSFORM_NAMES, TransformChain as SmtChain, predicateFor, transformFor } from './transforms/transform-chain.ts'
export type { TransformStage } from './transforms/transform-chain.ts'
export { Cast, CastKey, CastValue } from './transforms/cast.ts'
export { DropHeaders } from './transforms/drop-headers.ts'
export { ExtractField, ExtractFieldKey, ExtractFieldValue } from './transforms/extract-field.ts'
export { Filter } from './transforms/filter.ts'
export { Flatten, FlattenKey, FlattenValue } from './transforms/flatten.ts'
export { HeaderFrom, HeaderFromKey, HeaderFromValue } from './transforms/header-from.ts'
export { HoistField, HoistFieldKey, HoistFieldValue } from './transforms/hoist-field.ts'
export { InsertField, InsertFieldKey, InsertFieldValue } from './transforms/insert-field.ts'
export { InsertHeader } from './transforms/insert-header.ts'
export { MaskField, MaskFieldKey, MaskFieldValue } from './transforms/mask-field.ts'
export { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './transforms/predicates.ts'
export { RegexRouter } from './transforms/regex-router.ts'
export { ReplaceField, ReplaceFieldKey, ReplaceFieldValue } from './transforms/replace-field.ts'
export { TimestampConverter, TimestampConverterKey, TimestampConverterValue } from './transforms/timestamp-converter.ts'
export { TimestampRouter } from './transforms/timestamp-router.ts'
export { ValueToKey } from './transforms/value-to-key.ts'


// -- runtime and file connectors exports below (owned by the runtime work) --
export { Worker } from './runtime/worker.ts'
export type { ConnectorInfo, CreateConnectorRequest, WorkerOptions } from './runtime/worker.ts'
export type { ConnectorStatus, TargetState } from './runtime/worker-connector.ts'
export type { TaskMetrics, TaskStatus } from './runtime/worker-task.ts'
export { CONNECTOR_STATES, CONNECTOR_TRANSITIONS, TASK_TRANSITIONS, StateMachine } from './runtime/states.ts'
export type { ConnectorState, TaskState } from './runtime/states.ts'
export { WORKER_DEFAULTS, parseWorkerConfig } from './runtime/worker-config.ts'
export type { WorkerConfig } from './runtime/worker-config.ts'
export { CONNECTOR_DEFAULTS, parseConnectorConfig } from './runtime/connector-config.ts'
export type { ConnectorConfig, ErrorsConfig, ErrorTolerance } from './runtime/connector-config.ts'
export { PluginRegistry } from './runtime/plugins.ts'
export type { ConnectorPlugin, DataPlugins, TransformChain } from './runtime/plugins.ts'
export { defaultPlugins } from './runtime/default-plugins.ts'
export { defaultDataPlugins } from './runtime/data-plugins.ts'
export { DLQ_HEADERS } from './runtime/dead-letter-reporter.ts'
export { FileOffsetStore } from './runtime/file-offset-store.ts'
export { parseProperties, readConfigFile } from './runtime/config-files.ts'
export { FileStreamSourceConnector, FileStreamSourceTask, FILE_STREAM_SOURCE_CLASS } from './connectors/file-stream-source.ts'
export { FileStreamSinkConnector, FileStreamSinkTask, FILE_STREAM_SINK_CLASS } from './connectors/file-stream-sink.ts'
// JDBC source and sink and the database layer (connect/connectors/jdbc/).
export { JdbcSourceConnector, JDBC_SOURCE_CLASS } from './connectors/jdbc/source/jdbc-source-connector.ts'
export { JdbcSourceTask } from './connectors/jdbc/source/jdbc-source-task.ts'
export { JdbcSinkConnector, JDBC_SINK_CLASS } from './connectors/jdbc/sink/jdbc-sink-connector.ts'
export { JdbcSinkTask } from './connectors/jdbc/sink/jdbc-sink-task.ts'
export { jdbcSinkConfigDef, parseJdbcSinkConfig } from './connectors/jdbc/sink/jdbc-sink-config.ts'
export type { InsertMode, JdbcSinkConfig, PkMode } from './connectors/jdbc/sink/jdbc-sink-config.ts'
export { openDatabase } from './connectors/jdbc/open-database.ts'
export { DatabaseError } from './connectors/jdbc/database-error.ts'
export type { ColumnInfo, ColumnType, Database, DatabaseConnectOptions, DatabaseKind, QueryResult, TableId } from './connectors/jdbc/database.ts'

// -- REST API and herders (owned by the REST / distributed work) --
export type {
  ConfigInfos, ConfigKeyInfo, ConfigValueInfo, ConnectorInfo as HerderConnectorInfo, ConnectorOffset, ConnectorOffsets,
  ConnectorStateInfo, ConnectorTaskId, Herder, PluginInfo, RestartOptions, ServerInfo, TaskInfo, TaskStateInfo,
} from './runtime/herder.ts'
export { StandaloneHerder } from './runtime/standalone-herder.ts'
export { validateConnectorConfig } from './runtime/connector-validation.ts'
export { CONNECT_REST_DEFAULTS, ConnectRestServer, restUrl } from './rest/connect-rest-server.ts'
export type { ConnectRestServerOptions } from './rest/connect-rest-server.ts'
export { RestError } from './rest/rest-errors.ts'
export { DistributedHerder } from './runtime/distributed/distributed-herder.ts'
export type { DistributedHerderOptions } from './runtime/distributed/distributed-herder.ts'
export { DISTRIBUTED_DEFAULTS, parseDistributedConfig } from './runtime/distributed/distributed-config.ts'
export type { DistributedConfig } from './runtime/distributed/distributed-config.ts'
