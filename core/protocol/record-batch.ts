/**
 * Kafka record batch v2 (magic 2): encoding and decoding of whole batches, byte-compatible with
 * Kafka's `DefaultRecordBatch` / `DefaultRecord`.
 *
 * A batch is the 61-byte header described in `record-batch-header.ts`, then `recordCount`
 * records — compressed as one unit when the attributes name a codec. Each record is:
 *
 * | field            | type                                   |
 * |------------------|----------------------------------------|
 * | length           | varint: bytes of the record after it   |
 * | attributes       | int8, unused (0)                       |
 * | timestampDelta   | varlong: timestamp − baseTimestamp     |
 * | offsetDelta      | varint: offset − baseOffset            |
 * | keyLength, key   | varint (−1 = null), bytes              |
 * | valueLength, value | varint (−1 = null), bytes            |
 * | headerCount      | varint                                 |
 * | headers          | [keyLength varint, key UTF-8, valueLength varint (−1 = null), value] |
 *
 * Contracts:
 * - Encoding computes the exact size first, allocates once and writes in one pass; the CRC-32C
 *   is computed once over bytes 21..end. A compressed batch compresses the records section,
 *   then writes header and compressed bytes.
 * - Records are decoded by `RecordReader` (record-batch-reader.ts), which callers that build
 *   their own record objects (the consumer) use directly.
 * - Decoded keys, values and header values are zero-copy `subarray` views: into the input buffer
 *   for an uncompressed batch (they change if it is reused), into the decompressed section
 *   otherwise. Copy them before reusing the input buffer, or to avoid keeping a large one alive.
 * - Every decoding failure is a `CoreError` saying what and where: `CORE_CORRUPT_RECORD`, except
 *   a legacy message set (magic 0 or 1: `CORE_UNSUPPORTED_FORMAT`, as `validateBatch` says) and
 *   a codec id 5–7 (`CORE_UNSUPPORTED_COMPRESSION`). Never a `RangeError`.
 * - Offsets, timestamps and producer ids are numbers (exact below 2^53); a batch whose offsets
 *   are negative or reach 2^53 is refused as corrupt rather than decoded to wrong offsets.
 * - Offset deltas must increase and stay within `lastOffsetDelta`; gaps are allowed, because
 *   compaction keeps surviving records' original offsets (and may leave a batch with no records).
 */
import { CoreError } from '../errors.ts'
import { type CompressionType, compress, decompress, isCompressionType } from './compression/codecs.ts'
import { crc32c } from './crc32c.ts'
import {
  ATTRIBUTES_OFFSET, BASE_OFFSET_OFFSET, BASE_SEQUENCE_OFFSET, BASE_TIMESTAMP_OFFSET, BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK, CONTROL_FLAG_MASK, CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET,
  MAGIC_V2, MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET,
  RECORD_BATCH_HEADER_SIZE, RECORD_COUNT_OFFSET, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, TimestampType,
  readInt64, writeInt64,
} from './record-batch-header.ts'
import { type RecordHeader, RecordReader } from './record-batch-reader.ts'
import { sizeOfUnsignedVarint, sizeOfVarlong, writeUnsignedVarint, writeVarlong } from './varint.ts'

export type { RecordHeader } from './record-batch-reader.ts'

export interface ProducerRecord {
  key?: Buffer | null
  value: Buffer | null
  headers?: readonly RecordHeader[]
  /** Milliseconds since the epoch; defaults to `EncodeRecordBatchOptions.now ?? Date.now()`. */
  timestamp?: number
}

export interface EncodeRecordBatchOptions {
  /** At least one record. */
  records: readonly ProducerRecord[]
  compression?: CompressionType
  baseOffset?: number
  partitionLeaderEpoch?: number
  timestampType?: TimestampType
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  isTransactional?: boolean
  isControl?: boolean
  /** Explicit, increasing per-record offset deltas (compaction keeps original offsets). */
  offsetDeltas?: readonly number[]
  /** Defaults to the last offset delta (`records.length - 1` without `offsetDeltas`). */
  lastOffsetDelta?: number
  /** Defaults to the first record's timestamp, as Kafka's Java producer does. */
  baseTimestamp?: number
  /** Timestamp given to records that have none; defaults to `Date.now()`. */
  now?: number
}

export interface DecodedRecord {
  offset: number
  /** For a LogAppendTime batch, the batch's maxTimestamp (as Kafka reports it). */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
  attributes: number
  offsetDelta: number
  timestampDelta: number
}

export interface DecodedRecordBatch {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  compression: CompressionType
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  lastOffsetDelta: number
  lastOffset: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
  /** Bytes of the whole batch, header included (`batchLength + 12`). */
  sizeInBytes: number
  records: DecodedRecord[]
}

export interface DecodeRecordBatchOptions {
  /** Check the CRC-32C (default true); skip only for bytes already verified. */
  verifyCrc?: boolean
}

const INT32_MAX = 0x7fff_ffff
const NO_HEADERS: readonly RecordHeader[] = []

// ---------------------------------------------------------------------------------- encoding

/** Everything the write pass needs, computed (and validated) by the size pass. */
interface Plan {
  readonly now: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly lastOffsetDelta: number
  /** Size of each record's body (after its length varint). */
  readonly bodySizes: Int32Array
  readonly recordsSize: number
}

function invalid(message: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', `Cannot encode record batch: ${message}`)
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} ${value} is not an integer in [${min}, ${max}]`)
  }
}

/*
 * Record fields are mostly one- or two-byte varints: these size and write those without a loop
 * and leave longer ones to varint.ts (same bytes).
 */

/** Bytes of the zig-zag varint of a 32-bit integer. */
export function varintSize(value: number): number {
  const zz = ((value << 1) ^ (value >> 31)) >>> 0
  return zz < 0x80 ? 1 : zz < 0x4000 ? 2 : sizeOfUnsignedVarint(zz)
}

/** Writes the zig-zag varint of a 32-bit integer at `pos`; returns the position after it. */
export function putVarint(buf: Buffer, pos: number, value: number): number {
  const zz = ((value << 1) ^ (value >> 31)) >>> 0
  if (zz < 0x80) {
    buf[pos] = zz
    return pos + 1
  }
  if (zz < 0x4000) {
    buf[pos] = (zz & 0x7f) | 0x80
    buf[pos + 1] = zz >>> 7
    return pos + 2
  }
  return writeUnsignedVarint(buf, pos, zz)
}

export function nullableSize(bytes: Uint8Array | null | undefined): number {
  return bytes == null ? 1 : varintSize(bytes.length) + bytes.length
}

function plan(options: EncodeRecordBatchOptions): Plan {
  const { records, offsetDeltas } = options
  const count = records.length
  if (count === 0) throw invalid('a batch needs at least one record')
  if (offsetDeltas !== undefined && offsetDeltas.length !== count) {
    throw invalid(`${offsetDeltas.length} offset deltas given for ${count} records`)
  }
  const now = options.now ?? Date.now()
  const baseTimestamp = options.baseTimestamp ?? records[0].timestamp ?? now
  checkInteger('baseTimestamp', baseTimestamp, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  const bodySizes = new Int32Array(count)
  let maxTimestamp = -Infinity
  let previousDelta = -1
  let recordsSize = 0
  for (let i = 0; i < count; i++) {
    const record = records[i]
    const timestamp = record.timestamp ?? now
    const timestampDelta = timestamp - baseTimestamp
    if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(timestampDelta)) {
      throw invalid(`record ${i} has timestamp ${timestamp}, not an integer near baseTimestamp ${baseTimestamp}`)
    }
    if (timestamp > maxTimestamp) maxTimestamp = timestamp
    const offsetDelta = offsetDeltas === undefined ? i : offsetDeltas[i]
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > INT32_MAX) {
      throw invalid(`record ${i} has offset delta ${offsetDelta}; deltas must be increasing integers from 0`)
    }
    previousDelta = offsetDelta
    let size = 1 + (timestampDelta >= -0x40000000 && timestampDelta < 0x40000000 ? varintSize(timestampDelta) : sizeOfVarlong(timestampDelta))
    size += varintSize(offsetDelta) + nullableSize(record.key) + nullableSize(record.value)
    const headers = record.headers ?? NO_HEADERS
    const headerCount = headers.length
    size += varintSize(headerCount)
    for (let h = 0; h < headerCount; h++) {
      const header = headers[h]
      if (typeof header.key !== 'string') throw invalid(`record ${i} header ${h} has no string key`)
      const keyBytes = Buffer.byteLength(header.key, 'utf8')
      size += varintSize(keyBytes) + keyBytes + nullableSize(header.value)
    }
    if (size > INT32_MAX - 5 - recordsSize) throw invalid(`records exceed ${INT32_MAX} bytes at record ${i}`)
    bodySizes[i] = size
    recordsSize += varintSize(size) + size
  }
  const lastOffsetDelta = options.lastOffsetDelta ?? previousDelta
  checkInteger('lastOffsetDelta', lastOffsetDelta, previousDelta, INT32_MAX)
  return { now, baseTimestamp, maxTimestamp, lastOffsetDelta, bodySizes, recordsSize }
}

export function writeNullable(buf: Buffer, pos: number, bytes: Uint8Array | null | undefined): number {
  if (bytes == null) {
    buf[pos] = 1 // zig-zag varint of -1
    return pos + 1
  }
  pos = putVarint(buf, pos, bytes.length)
  buf.set(bytes, pos)
  return pos + bytes.length
}

/** Writes every record from `pos`; returns the position after the last one. */
function writeRecords(buf: Buffer, pos: number, options: EncodeRecordBatchOptions, p: Plan): number {
  const { records, offsetDeltas } = options
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    pos = putVarint(buf, pos, p.bodySizes[i])
    buf[pos++] = 0 // attributes
    const timestampDelta = (record.timestamp ?? p.now) - p.baseTimestamp
    pos = timestampDelta >= -0x40000000 && timestampDelta < 0x40000000 ? putVarint(buf, pos, timestampDelta) : writeVarlong(buf, pos, timestampDelta)
    pos = putVarint(buf, pos, offsetDeltas === undefined ? i : offsetDeltas[i])
    pos = writeNullable(buf, pos, record.key)
    pos = writeNullable(buf, pos, record.value)
    const headers = record.headers ?? NO_HEADERS
    const headerCount = headers.length
    pos = putVarint(buf, pos, headerCount)
    for (let h = 0; h < headerCount; h++) {
      const header = headers[h]
      pos = putVarint(buf, pos, Buffer.byteLength(header.key, 'utf8'))
      pos += buf.write(header.key, pos, 'utf8')
      pos = writeNullable(buf, pos, header.value)
    }
  }
  return pos
}

/** Validates the header fields of `options` and returns the attributes. */
function attributesOf(options: EncodeRecordBatchOptions, compression: CompressionType): number {
  checkInteger('baseOffset', options.baseOffset ?? 0, 0, Number.MAX_SAFE_INTEGER)
  checkInteger('partitionLeaderEpoch', options.partitionLeaderEpoch ?? -1, -1, INT32_MAX)
  checkInteger('producerId', options.producerId ?? -1, -1, Number.MAX_SAFE_INTEGER)
  checkInteger('producerEpoch', options.producerEpoch ?? -1, -1, 0x7fff)
  checkInteger('baseSequence', options.baseSequence ?? -1, -1, INT32_MAX)
  if (!isCompressionType(compression)) throw invalid(`unknown compression type ${compression}`)
  let attributes: number = compression
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_MASK
  if (options.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK
  if (options.isControl === true) attributes |= CONTROL_FLAG_MASK
  return attributes
}

/** The header fields of a batch being written (see `writeRecordBatchHeader`). */
export interface BatchHeaderFields {
  readonly baseOffset: number
  readonly partitionLeaderEpoch: number
  readonly attributes: number
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordCount: number
}

/**
 * Writes the header of a batch that fills `buf` exactly, then its CRC-32C (the records must be
 * in place after the header). Fields are not validated here.
 */
export function writeRecordBatchHeader(buf: Buffer, h: BatchHeaderFields): Buffer {
  writeInt64(buf, BASE_OFFSET_OFFSET, h.baseOffset)
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  buf.writeInt32BE(h.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET)
  buf[MAGIC_OFFSET] = MAGIC_V2
  buf.writeInt16BE(h.attributes, ATTRIBUTES_OFFSET)
  buf.writeInt32BE(h.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET)
  writeInt64(buf, BASE_TIMESTAMP_OFFSET, h.baseTimestamp)
  writeInt64(buf, MAX_TIMESTAMP_OFFSET, h.maxTimestamp)
  writeInt64(buf, PRODUCER_ID_OFFSET, h.producerId)
  buf.writeInt16BE(h.producerEpoch, PRODUCER_EPOCH_OFFSET)
  buf.writeInt32BE(h.baseSequence, BASE_SEQUENCE_OFFSET)
  buf.writeInt32BE(h.recordCount, RECORD_COUNT_OFFSET)
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET)
  return buf
}

/** Writes the header of a batch that fills `buf`, then its CRC (records must be in place). */
function writeHeader(buf: Buffer, options: EncodeRecordBatchOptions, p: Plan, attributes: number): Buffer {
  return writeRecordBatchHeader(buf, {
    baseOffset: options.baseOffset ?? 0,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    attributes,
    lastOffsetDelta: p.lastOffsetDelta,
    baseTimestamp: p.baseTimestamp,
    maxTimestamp: p.maxTimestamp,
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    recordCount: options.records.length,
  })
}

/** Encodes an uncompressed batch; throws `CORE_INVALID_ARGUMENT` when a codec is asked for. */
export function encodeRecordBatchSync(options: EncodeRecordBatchOptions): Buffer {
  const compression = options.compression ?? 0
  if (compression !== 0) throw invalid('encodeRecordBatchSync writes uncompressed batches; use encodeRecordBatch')
  const attributes = attributesOf(options, compression)
  const p = plan(options)
  const buf = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + p.recordsSize)
  const end = writeRecords(buf, RECORD_BATCH_HEADER_SIZE, options, p)
  if (end !== buf.length) throw new Error(`record-batch: wrote ${end} bytes, planned ${buf.length}`)
  return writeHeader(buf, options, p, attributes)
}

/** Encodes a batch with any codec. */
export async function encodeRecordBatch(options: EncodeRecordBatchOptions): Promise<Buffer> {
  const compression = options.compression ?? 0
  if (compression === 0) return encodeRecordBatchSync(options)
  const attributes = attributesOf(options, compression)
  const p = plan(options)
  const section = Buffer.allocUnsafe(p.recordsSize)
  const end = writeRecords(section, 0, options, p)
  if (end !== section.length) throw new Error(`record-batch: wrote ${end} bytes, planned ${section.length}`)
  const compressed = await compress(compression, section)
  if (compressed.length > INT32_MAX - RECORD_BATCH_HEADER_SIZE) throw invalid('compressed batch exceeds 2 GiB')
  const buf = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + compressed.length)
  buf.set(compressed, RECORD_BATCH_HEADER_SIZE)
  return writeHeader(buf, options, p, attributes)
}

// ---------------------------------------------------------------------------------- decoding

function corrupt(message: string, batchPos: number): CoreError {
  return new CoreError('CORE_CORRUPT_RECORD', `${message} (record batch at byte ${batchPos})`)
}

/** Reads and checks the header of the batch at `pos`; `records` is left empty. */
function decodeHeader(buf: Buffer, pos: number, options: DecodeRecordBatchOptions): DecodedRecordBatch {
  if (!Number.isInteger(pos) || pos < 0 || pos > buf.length) {
    throw new CoreError('CORE_INVALID_ARGUMENT', `Batch position ${pos} is outside a buffer of ${buf.length} bytes`)
  }
  const available = buf.length - pos
  if (available < RECORD_BATCH_HEADER_SIZE) {
    throw corrupt(`Truncated batch: ${available} bytes, a header needs ${RECORD_BATCH_HEADER_SIZE}`, pos)
  }
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
  const sizeInBytes = LOG_OVERHEAD + batchLength
  if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw corrupt(`Batch length ${batchLength} is smaller than the batch header`, pos)
  }
  if (sizeInBytes > available) throw corrupt(`Truncated batch: ${sizeInBytes} bytes, only ${available} present`, pos)
  const magic = buf.readInt8(pos + MAGIC_OFFSET)
  if (magic === 0 || magic === 1) {
    const message = `Legacy message set (magic ${magic}) at byte ${pos}; only record batch v2 (magic 2) is supported`
    throw new CoreError('CORE_UNSUPPORTED_FORMAT', message)
  }
  if (magic !== MAGIC_V2) throw corrupt(`Magic byte ${magic} at byte ${pos + MAGIC_OFFSET}, expected 2`, pos)
  const crc = buf.readUInt32BE(pos + CRC_OFFSET)
  if (options.verifyCrc !== false) {
    const actual = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + sizeInBytes))
    if (actual !== crc) {
      throw corrupt(`CRC-32C mismatch: stored 0x${crc.toString(16)}, computed 0x${actual.toString(16)}`, pos)
    }
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET)
  const compression = attributes & COMPRESSION_CODEC_MASK
  if (!isCompressionType(compression)) {
    throw new CoreError('CORE_UNSUPPORTED_COMPRESSION', `Unknown compression codec ${compression} (batch at byte ${pos})`)
  }
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)
  const recordCount = buf.readInt32BE(pos + RECORD_COUNT_OFFSET)
  if (recordCount < 0 || lastOffsetDelta < 0 || lastOffsetDelta < recordCount - 1) {
    throw corrupt(`Record count ${recordCount} does not fit lastOffsetDelta ${lastOffsetDelta}`, pos)
  }
  const baseOffset = readInt64(buf, pos + BASE_OFFSET_OFFSET)
  if (baseOffset < 0 || !Number.isSafeInteger(baseOffset + lastOffsetDelta)) {
    // Kafka offsets are never negative, and above 2^53 a number could not hold them exactly.
    throw corrupt(`Offsets ${baseOffset}..+${lastOffsetDelta} are outside 0..2^53-1`, pos)
  }
  return {
    baseOffset, batchLength, partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET), magic, crc,
    attributes, compression,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) === 0 ? TimestampType.CreateTime : TimestampType.LogAppendTime,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    lastOffsetDelta, lastOffset: baseOffset + lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount, sizeInBytes, records: [],
  }
}

/**
 * Reads every record into `batch.records` (see `RecordReader` for the error contract). Each
 * record gets its own headers list, which the caller may change.
 */
function collectRecords(batch: DecodedRecordBatch, reader: RecordReader): void {
  const records = batch.records
  while (reader.next()) {
    const { offset, timestamp, key, value, headers, attributes, offsetDelta, timestampDelta } = reader
    records.push({ offset, timestamp, key, value, headers: headers.length === 0 ? [] : headers as RecordHeader[], attributes, offsetDelta, timestampDelta })
  }
}

/**
 * Checks the batch at `pos` as `decodeRecordBatch` does (header, CRC) without decoding its
 * records: `records` stays empty. `openRecords` then reads them one at a time.
 */
export function decodeRecordBatchHeader(buf: Buffer, pos = 0, options: DecodeRecordBatchOptions = {}): DecodedRecordBatch {
  return decodeHeader(buf, pos, options)
}

/**
 * A reader over the records of `batch` (from `decodeRecordBatchHeader`), which lies at `pos` in
 * `buf`. A compressed section is decompressed first (asynchronously); without a codec the
 * reader is returned at once.
 */
export function openRecords(batch: DecodedRecordBatch, buf: Buffer, pos: number): RecordReader | Promise<RecordReader> {
  const start = pos + RECORD_BATCH_HEADER_SIZE
  const end = pos + batch.sizeInBytes
  if (batch.compression === 0) return new RecordReader(batch, buf, start, end, pos)
  // decompress returns a Buffer of its own, so views into it stay valid.
  return decompress(batch.compression, buf.subarray(start, end)).then((section) => new RecordReader(batch, section, 0, section.length, pos))
}

/** Decodes the batch at `pos` (any codec). See the module comment for the error contract. */
export async function decodeRecordBatch(
  buf: Buffer, pos = 0, options: DecodeRecordBatchOptions = {},
): Promise<DecodedRecordBatch> {
  const batch = decodeHeader(buf, pos, options)
  collectRecords(batch, await openRecords(batch, buf, pos))
  return batch
}

/** Decodes an uncompressed batch; a compressed one throws `CORE_INVALID_ARGUMENT`. */
export function decodeRecordBatchSync(
  buf: Buffer, pos = 0, options: DecodeRecordBatchOptions = {},
): DecodedRecordBatch {
  const batch = decodeHeader(buf, pos, options)
  if (batch.compression !== 0) {
    const message = `Batch at byte ${pos} is compressed (codec ${batch.compression}); use decodeRecordBatch`
    throw new CoreError('CORE_INVALID_ARGUMENT', message)
  }
  collectRecords(batch, new RecordReader(batch, buf, pos + RECORD_BATCH_HEADER_SIZE, pos + batch.sizeInBytes, pos))
  return batch
}

/**
 * Decodes every complete batch in `buf`, in order. A trailing partial batch — a fetch response
 * may be cut mid-batch by its size limit — is ignored; a complete but invalid batch throws.
 */
export async function decodeRecordBatches(
  buf: Buffer, options: DecodeRecordBatchOptions = {},
): Promise<DecodedRecordBatch[]> {
  const batches: DecodedRecordBatch[] = []
  let pos = 0
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
    if (size >= RECORD_BATCH_HEADER_SIZE && size > buf.length - pos) break
    const batch = await decodeRecordBatch(buf, pos, options)
    batches.push(batch)
    pos += batch.sizeInBytes
  }
  return batches
}
