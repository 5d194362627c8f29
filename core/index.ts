/**
 * Creek core: the public API of the log, protocol and (as they land) broker, server and clients.
 * Other layers and entry points import only from here.
 */
export { CoreError, CreekError, CORE_ERROR_CODES, isRetriable } from './errors.ts'
export type { CoreErrorCode, CreekErrorOptions } from './errors.ts'
export { consoleLogger, silentLogger } from './logger.ts'
export type { Logger, LogLevel } from './logger.ts'

// Protocol: record batches v2 and compression.
export { crc32c } from './protocol/crc32c.ts'
export { CompressionType, compressionTypeName, parseCompressionType } from './protocol/compression/codecs.ts'
export {
  decodeRecordBatch,
  decodeRecordBatches,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from './protocol/record-batch.ts'
export type {
  DecodedRecord,
  DecodedRecordBatch,
  EncodeRecordBatchOptions,
  ProducerRecord,
  RecordHeader,
} from './protocol/record-batch.ts'
export { TimestampType, validateBatch } from './protocol/record-batch-header.ts'

// Protocol: wire primitives, the schema DSL, headers, error codes and the APIs.
export { Reader } from './protocol/reader.ts'
export { Writer, ZERO_UUID } from './protocol/writer.ts'
export { createDefault, message, t } from './protocol/schema.ts'
export type { FieldDef, Fields, MessageSchema, MessageType, SchemaType, StructType } from './protocol/schema.ts'
export { compileCodec, decodeMessage, encodeMessage } from './protocol/schema-codec.ts'
export type { MessageCodec, VersionCodec } from './protocol/schema-codec.ts'
export { parseVersionRange } from './protocol/version-range.ts'
export type { VersionRange } from './protocol/version-range.ts'
export { ApiKey, apiName } from './protocol/api-keys.ts'
export { defineApi } from './protocol/api-descriptor.ts'
export type { ApiDescriptor } from './protocol/api-descriptor.ts'
export {
  decodeRequestBody, decodeRequestHeader, decodeResponse, decodeResponseHeader, encodeRequest, encodeResponse,
  requestHeaderVersion, responseHeaderVersion,
} from './protocol/headers.ts'
export type { DecodedResponse, RequestHeader, ResponseHeader } from './protocol/headers.ts'
export { ErrorCode, KafkaApiError, errorName, isRetriableErrorCode, toKafkaErrorCode } from './protocol/error-codes.ts'
export { ApiVersions, decodeApiVersionsResponse } from './protocol/apis/api-versions.ts'
export type { ApiVersionsRequest, ApiVersionsResponse } from './protocol/apis/api-versions.ts'
export { Metadata } from './protocol/apis/metadata.ts'
export type { MetadataRequest, MetadataResponse } from './protocol/apis/metadata.ts'
export { Produce } from './protocol/apis/produce.ts'
export type { ProduceRequest, ProduceResponse } from './protocol/apis/produce.ts'

// Storage: the partition log and the data directory.
export { PartitionLog } from './storage/partition-log.ts'
export type { LogAppendInfo, LogReadInfo, PartitionLogOptions, ReadOptions, TimestampOffset } from './storage/partition-log.ts'
export { LogManager } from './storage/log-manager.ts'
export type { CreateTopicOptions, LogManagerOptions, TopicMetadata } from './storage/log-manager.ts'
export { DEFAULT_LOG_CONFIG, resolveLogConfig } from './storage/log-config.ts'
export type { LogConfig } from './storage/log-config.ts'
export { validateTopicName } from './storage/topic-name.ts'
