/**
 * The fixed 61-byte header of a Kafka record batch v2 (magic 2), read and patched in place.
 *
 * Layout (big-endian):
 *
 * | offset | field                | type  | in CRC |
 * |-------:|----------------------|-------|--------|
 * |      0 | baseOffset           | int64 | no     |
 * |      8 | batchLength          | int32 | no     |  bytes after this field
 * |     12 | partitionLeaderEpoch | int32 | no     |
 * |     16 | magic                | int8  | no     |  always 2
 * |     17 | crc                  | uint32| no     |  CRC-32C of bytes 21..end
 * |     21 | attributes           | int16 | yes    |
 * |     23 | lastOffsetDelta      | int32 | yes    |
 * |     27 | baseTimestamp        | int64 | yes    |
 * |     35 | maxTimestamp         | int64 | yes    |
 * |     43 | producerId           | int64 | yes    |
 * |     51 | producerEpoch        | int16 | yes    |
 * |     53 | baseSequence         | int32 | yes    |
 * |     57 | recordCount          | int32 | yes    |
 * |     61 | records...           |       | yes    |
 *
 * Because baseOffset and partitionLeaderEpoch are outside the CRC, the broker assigns offsets by
 * patching them without touching the records. These helpers never allocate; storage walks
 * file bytes with them, and the full codec (`record-batch.ts`) builds on them.
 */
import { CoreError } from '../errors.ts'
import { crc32c } from './crc32c.ts'
import { type Cursor, cursor, readVarint, readVarlong } from './varint.ts'

export const BASE_OFFSET_OFFSET = 0
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORD_COUNT_OFFSET = 57
export const RECORDS_OFFSET = 61

/** Size of the batch header, up to and including recordCount. */
export const RECORD_BATCH_HEADER_SIZE = 61
/** baseOffset + batchLength: the bytes before the length-counted part of a batch. */
export const LOG_OVERHEAD = 12
export const MAGIC_V2 = 2

/** Attribute bits. */
export const COMPRESSION_CODEC_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_FLAG_MASK = 0x10
export const CONTROL_FLAG_MASK = 0x20
export const DELETE_HORIZON_FLAG_MASK = 0x40

/** How a batch's timestamps were set: by the producer, or by the broker at append. */
export const TimestampType = {
  CreateTime: 0,
  LogAppendTime: 1,
} as const
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType]

const TWO_32 = 0x1_0000_0000

/** Reads an int64 as a number; exact for |v| < 2^53, which covers offsets, timestamps and ids. */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4)
}

/** Writes a number (|v| < 2^53) as an int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4)
}

export const batchBaseOffset = (buf: Buffer, pos = 0): number => readInt64(buf, pos + BASE_OFFSET_OFFSET)
export const batchLength = (buf: Buffer, pos = 0): number => buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
/** Total size of the batch in bytes, header included. */
export const batchSize = (buf: Buffer, pos = 0): number => LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
export const batchPartitionLeaderEpoch = (buf: Buffer, pos = 0): number =>
  buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET)
export const batchMagic = (buf: Buffer, pos = 0): number => buf.readInt8(pos + MAGIC_OFFSET)
export const batchCrc = (buf: Buffer, pos = 0): number => buf.readUInt32BE(pos + CRC_OFFSET)
export const batchAttributes = (buf: Buffer, pos = 0): number => buf.readInt16BE(pos + ATTRIBUTES_OFFSET)
export const batchLastOffsetDelta = (buf: Buffer, pos = 0): number => buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)
export const batchLastOffset = (buf: Buffer, pos = 0): number => batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos)
export const batchBaseTimestamp = (buf: Buffer, pos = 0): number => readInt64(buf, pos + BASE_TIMESTAMP_OFFSET)
export const batchMaxTimestamp = (buf: Buffer, pos = 0): number => readInt64(buf, pos + MAX_TIMESTAMP_OFFSET)
export const batchProducerId = (buf: Buffer, pos = 0): number => readInt64(buf, pos + PRODUCER_ID_OFFSET)
export const batchProducerEpoch = (buf: Buffer, pos = 0): number => buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET)
export const batchBaseSequence = (buf: Buffer, pos = 0): number => buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET)
export const batchRecordCount = (buf: Buffer, pos = 0): number => buf.readInt32BE(pos + RECORD_COUNT_OFFSET)
export const batchCompression = (buf: Buffer, pos = 0): number => batchAttributes(buf, pos) & COMPRESSION_CODEC_MASK
export const batchTimestampType = (buf: Buffer, pos = 0): TimestampType =>
  (batchAttributes(buf, pos) & TIMESTAMP_TYPE_MASK) === 0 ? TimestampType.CreateTime : TimestampType.LogAppendTime
export const batchIsTransactional = (buf: Buffer, pos = 0): boolean =>
  (batchAttributes(buf, pos) & TRANSACTIONAL_FLAG_MASK) !== 0
export const batchIsControl = (buf: Buffer, pos = 0): boolean => (batchAttributes(buf, pos) & CONTROL_FLAG_MASK) !== 0

/** CRC-32C of the batch at `pos` as stored bytes say it should be (bytes 21..end). */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + batchSize(buf, pos)))
}

/** True when the stored CRC matches the batch bytes. The batch must be complete in `buf`. */
export function isBatchCrcValid(buf: Buffer, pos = 0): boolean {
  return computeBatchCrc(buf, pos) === batchCrc(buf, pos)
}

/** Rewrites baseOffset (outside the CRC). */
export function setBatchBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset)
}

/** Rewrites partitionLeaderEpoch (outside the CRC). */
export function setBatchPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET)
}

/** Marks the batch as LogAppendTime with `maxTimestamp = now` and recomputes the CRC. */
export function setBatchLogAppendTime(buf: Buffer, pos: number, now: number): void {
  const attributes = batchAttributes(buf, pos) | TIMESTAMP_TYPE_MASK
  buf.writeInt16BE(attributes, pos + ATTRIBUTES_OFFSET)
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, now)
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET)
}

/** What `validateBatch` learned about a valid batch. */
export interface BatchInfo {
  /** Byte size of the batch, header included. */
  readonly size: number
  readonly recordCount: number
  readonly lastOffsetDelta: number
  readonly maxTimestamp: number
  readonly compression: number
}

export interface ValidateBatchOptions {
  /** Largest accepted batch size in bytes (Kafka's `max.message.bytes`). */
  readonly maxBatchBytes?: number
  /**
   * Walk the records of an uncompressed batch and check that their lengths add up to the
   * batch and that their count and offset deltas match the header. Default true.
   */
  readonly checkRecords?: boolean
  /**
   * Require offset deltas 0..n-1 (lastOffsetDelta = recordCount - 1), as a producer writes them.
   * Default true. Compacted batches keep their original lastOffsetDelta with fewer records, so
   * recovery reads stored batches with this off (then lastOffsetDelta >= recordCount - 1).
   */
  readonly requireContiguousOffsets?: boolean
}

function corrupt(message: string, pos: number): CoreError {
  return new CoreError('CORE_CORRUPT_RECORD', `${message} (batch at byte ${pos})`)
}

/**
 * Checks the batch starting at `pos` in `buf[..end]`: complete, within the size limit, magic 2,
 * CRC-32C matches, a positive record count consistent with lastOffsetDelta, and (uncompressed)
 * records that fill the batch exactly with offset deltas 0..n-1. Throws a `CoreError` saying
 * what is wrong; returns what storage needs to know.
 */
export function validateBatch(buf: Buffer, pos: number, end: number, options: ValidateBatchOptions = {}): BatchInfo {
  const available = end - pos
  if (available < LOG_OVERHEAD) throw corrupt(`Truncated batch: ${available} bytes, need at least ${LOG_OVERHEAD}`, pos)
  const length = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
  const size = LOG_OVERHEAD + length
  if (length < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw corrupt(`Batch length ${length} is smaller than the batch header`, pos)
  }
  const { maxBatchBytes } = options
  if (maxBatchBytes !== undefined && size > maxBatchBytes) {
    throw new CoreError(
      'CORE_RECORD_TOO_LARGE',
      `Batch of ${size} bytes exceeds the limit of ${maxBatchBytes} bytes (max.message.bytes) (batch at byte ${pos})`,
    )
  }
  if (size > available) throw corrupt(`Truncated batch: header says ${size} bytes, only ${available} present`, pos)
  const magic = buf.readInt8(pos + MAGIC_OFFSET)
  if (magic !== MAGIC_V2) {
    throw new CoreError(
      'CORE_UNSUPPORTED_FORMAT',
      `Record batch magic ${magic} is not supported; only magic 2 (record batch v2) is (batch at byte ${pos})`,
    )
  }
  const stored = buf.readUInt32BE(pos + CRC_OFFSET)
  const actual = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size))
  if (stored !== actual) {
    throw corrupt(`CRC-32C mismatch: stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`, pos)
  }
  const recordCount = buf.readInt32BE(pos + RECORD_COUNT_OFFSET)
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)
  if (recordCount <= 0) throw corrupt(`Record count ${recordCount} must be positive`, pos)
  const contiguous = options.requireContiguousOffsets !== false
  if (contiguous ? lastOffsetDelta !== recordCount - 1 : lastOffsetDelta < recordCount - 1) {
    throw corrupt(`lastOffsetDelta ${lastOffsetDelta} does not match record count ${recordCount}`, pos)
  }
  const compression = buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK
  if (compression > 4) {
    throw new CoreError('CORE_UNSUPPORTED_COMPRESSION', `Unknown compression codec ${compression} (batch at byte ${pos})`)
  }
  if (compression === 0 && options.checkRecords !== false) checkUncompressedRecords(buf, pos, size, recordCount, contiguous)
  return { size, recordCount, lastOffsetDelta, maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET), compression }
}

/*
 * Record fields are mostly one- or two-byte varints: these read those inline and leave anything
 * else (longer values, the end of the region, malformed bytes) to varint.ts, which also throws
 * its errors: same results, same errors, fewer calls.
 */

/** A zig-zag varint (`readVarint`). */
function smallVarint(c: Cursor, buf: Buffer): number {
  const pos = c.pos
  if (pos + 1 < c.end) {
    const b0 = buf[pos]
    if (b0 < 0x80) {
      c.pos = pos + 1
      return (b0 >>> 1) ^ -(b0 & 1)
    }
    const b1 = buf[pos + 1]
    if (b1 < 0x80) {
      const raw = (b0 & 0x7f) | (b1 << 7)
      c.pos = pos + 2
      return (raw >>> 1) ^ -(raw & 1)
    }
  }
  return readVarint(c)
}

/** Moves past a zig-zag varlong (`readVarlong`), reading a one-byte one inline. */
function skipVarlong(c: Cursor, buf: Buffer): void {
  const pos = c.pos
  if (pos < c.end && buf[pos] < 0x80) c.pos = pos + 1
  else readVarlong(c)
}

/** Walks the records of an uncompressed batch: lengths fill the batch, offset deltas are 0..n-1. */
function checkUncompressedRecords(buf: Buffer, pos: number, size: number, recordCount: number, contiguous: boolean): void {
  const c = cursor(buf, pos + RECORDS_OFFSET, pos + size)
  for (let i = 0; i < recordCount; i++) {
    if (c.pos >= c.end) throw corrupt(`Batch holds ${i} records, header says ${recordCount}`, pos)
    const length = smallVarint(c, buf)
    const recordEnd = c.pos + length
    if (length <= 0 || recordEnd > c.end) throw corrupt(`Record ${i} has invalid length ${length}`, pos)
    c.pos += 1 // attributes
    skipVarlong(c, buf) // timestampDelta
    const offsetDelta = smallVarint(c, buf)
    if (contiguous ? offsetDelta !== i : offsetDelta < i) {
      throw corrupt(`Record ${i} has offset delta ${offsetDelta}, expected ${contiguous ? i : `at least ${i}`}`, pos)
    }
    c.pos = recordEnd
  }
  if (c.pos !== c.end) throw corrupt(`${c.end - c.pos} bytes after the last of ${recordCount} records`, pos)
}

