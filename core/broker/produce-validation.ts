/**
 * What the broker checks and changes in a produced batch before the partition log appends it,
 * beyond the log's own validation (size, magic, CRC, record counts):
 *
 * - Kafka's request rules for Produce v3+: records present, exactly one batch per partition,
 *   zstd only from v7 (`checkProducedRecords`).
 * - Compacted topics refuse records without a key (INVALID_RECORD, one record error per keyless
 *   record), which needs the records decoded, and so decompressed.
 * - A topic `compression.type` other than `producer` re-encodes a batch whose codec differs,
 *   keeping its records, offset deltas, timestamps and producer fields.
 *
 * `planBatch` reads only the batch header, so that the common case (nothing to do) costs
 * nothing; a plan that decompresses or compresses is asynchronous, and the caller keeps the
 * partition's appends in order around it (see `partition-order.ts`). Rejections are
 * `KafkaApiError`s carrying the Kafka code to answer.
 */
import { type CompressionType, parseCompressionType } from '../protocol/compression/codecs.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import {
  COMPRESSION_CODEC_MASK, CONTROL_FLAG_MASK, RECORD_BATCH_HEADER_SIZE, batchAttributes, batchSize, validateBatch,
} from '../protocol/record-batch-header.ts'
import { type DecodedRecordBatch, decodeRecordBatch, decodeRecordBatchSync, encodeRecordBatch } from '../protocol/record-batch.ts'
import { type LogConfig, isCompacted } from '../storage/log-config.ts'

/** Produce's per-record errors (`BatchIndexAndErrorMessage`). */
export interface RecordError {
  readonly batchIndex: number
  readonly batchIndexErrorMessage: string | null
}

/** A rejection that names the records at fault, as Produce v8+ reports them. */
export class RecordValidationError extends KafkaApiError {
  readonly recordErrors: readonly RecordError[]

  constructor(errorCode: number, message: string, recordErrors: readonly RecordError[]) {
    super(errorCode, message)
    this.recordErrors = recordErrors
  }
}

/** First Produce version allowed to carry zstd batches (KIP-110). */
const ZSTD_MIN_PRODUCE_VERSION = 7
const ZSTD = 4

/**
 * Kafka's request-level rules for the records of one partition in a Produce v3+ request.
 * Throws CORRUPT_MESSAGE for no records, INVALID_RECORD for more than one batch and
 * UNSUPPORTED_COMPRESSION_TYPE for zstd before v7. The batch itself is validated by the log.
 */
export function checkProducedRecords(records: Buffer | null, apiVersion: number): asserts records is Buffer {
  if (records === null || records.length === 0) {
    throw new KafkaApiError(ErrorCode.CORRUPT_MESSAGE, 'The produce request carries no records for this partition')
  }
  if (records.length < RECORD_BATCH_HEADER_SIZE) return // the log reports the truncated batch
  const size = batchSize(records)
  if (size >= RECORD_BATCH_HEADER_SIZE && size < records.length) {
    throw new KafkaApiError(ErrorCode.INVALID_RECORD, `Produce requests of version ${apiVersion} must carry exactly one record batch per partition`)
  }
  if (apiVersion < ZSTD_MIN_PRODUCE_VERSION && (batchAttributes(records) & COMPRESSION_CODEC_MASK) === ZSTD) {
    const message = `zstd batches need Produce version ${ZSTD_MIN_PRODUCE_VERSION} or later; this request is version ${apiVersion}`
    throw new KafkaApiError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message)
  }
}

/** What must happen to one batch before it is appended. */
export interface BatchPlan {
  /** Refuse records without a key (compacted topic). */
  readonly checkKeys: boolean
  /** Re-encode with this codec (the topic's `compression.type` differs from the batch's). */
  readonly recompressTo: CompressionType | undefined
  /** True when the plan decompresses or compresses, so `prepareBatch` must be used. */
  readonly async: boolean
}

/** The plan for the batch in `records` (checked by `checkProducedRecords`) under `config`. */
export function planBatch(records: Buffer, config: LogConfig): BatchPlan {
  if (records.length < RECORD_BATCH_HEADER_SIZE) return { checkKeys: false, recompressTo: undefined, async: false }
  const attributes = batchAttributes(records)
  const codec = attributes & COMPRESSION_CODEC_MASK
  const target = topicCodec(config)
  const recompressTo = target !== undefined && target !== codec ? target : undefined
  const checkKeys = isCompacted(config) && (attributes & CONTROL_FLAG_MASK) === 0
  return { checkKeys, recompressTo, async: recompressTo !== undefined || (checkKeys && codec !== 0) }
}

/** Applies a synchronous plan (`plan.async` false); returns the bytes to append. */
export function prepareBatchSync(records: Buffer, plan: BatchPlan, config: LogConfig, where: string): Buffer {
  if (plan.async) throw new Error('prepareBatchSync called with an asynchronous plan')
  if (!plan.checkKeys) return records
  validateBatch(records, 0, records.length, { maxBatchBytes: config.maxMessageBytes })
  checkKeys(decodeRecordBatchSync(records, 0, { verifyCrc: false }), where)
  return records
}

/** Applies any plan; returns the bytes to append (`records` itself, or a re-encoded batch). */
export async function prepareBatch(records: Buffer, plan: BatchPlan, config: LogConfig, where: string): Promise<Buffer> {
  if (!plan.async) return prepareBatchSync(records, plan, config, where)
  // Validate (CRC, size) before decompressing anything.
  validateBatch(records, 0, records.length, { maxBatchBytes: config.maxMessageBytes })
  const batch = await decodeRecordBatch(records, 0, { verifyCrc: false })
  if (plan.checkKeys) checkKeys(batch, where)
  if (plan.recompressTo === undefined) return records
  return encodeRecordBatch({
    records: batch.records.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: batch.baseTimestamp + record.timestampDelta,
    })),
    compression: plan.recompressTo,
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    offsetDeltas: batch.records.map((record) => record.offsetDelta),
    lastOffsetDelta: batch.lastOffsetDelta,
    baseTimestamp: batch.baseTimestamp,
  })
}

function checkKeys(batch: DecodedRecordBatch, where: string): void {
  const recordErrors: RecordError[] = []
  batch.records.forEach((record, index) => {
    if (record.key === null) recordErrors.push({ batchIndex: index, batchIndexErrorMessage: 'Compacted topic cannot accept message without key' })
  })
  if (recordErrors.length > 0) {
    const message = `Compacted topic cannot accept message without key in topic partition ${where} ` +
      `(${recordErrors.length} of ${batch.records.length} records have none)`
    throw new RecordValidationError(ErrorCode.INVALID_RECORD, message, recordErrors)
  }
}

/** The codec `compression.type` asks for, or undefined for `producer` (keep the batch's). */
function topicCodec(config: LogConfig): CompressionType | undefined {
  switch (config.compressionType) {
    case 'producer': return undefined
    case 'uncompressed': return 0
    default: return parseCompressionType(config.compressionType)
  }
}
