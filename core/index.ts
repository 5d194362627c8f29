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

// Storage: the partition log and the data directory.
export { PartitionLog } from './storage/partition-log.ts'
export type { LogAppendInfo, LogReadInfo, PartitionLogOptions, ReadOptions, TimestampOffset } from './storage/partition-log.ts'
export { LogManager } from './storage/log-manager.ts'
export type { CreateTopicOptions, LogManagerOptions, TopicMetadata } from './storage/log-manager.ts'
export { DEFAULT_LOG_CONFIG, resolveLogConfig } from './storage/log-config.ts'
export type { LogConfig } from './storage/log-config.ts'
export { validateTopicName } from './storage/topic-name.ts'
