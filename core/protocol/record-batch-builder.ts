/**
 * Writes a record batch v2 one record at a time (Kafka's `MemoryRecordsBuilder`): the producer
 * appends each record's bytes as it is sent, so no per-record object has to wait for the batch
 * to close, and closing only writes the header and the CRC (or compresses the records section).
 *
 * Layout and byte compatibility are those of `record-batch.ts` (same record encoding, same
 * header); offset deltas are 0, 1, 2…, the base timestamp is the first record's timestamp (as
 * Kafka's producer), attributes of records are 0.
 *
 * Contracts:
 * - `append` writes the record at once; the buffer grows by doubling (records are never
 *   re-encoded). `sizeInBytes` is the exact size of the uncompressed batch so far.
 * - `build` may be called once; the builder is unusable after it. Uncompressed, it returns the
 *   builder's own buffer trimmed to size (a view, no copy); compressed, a new buffer once the
 *   codec is done.
 * - Invalid input (a timestamp that is not a safe integer, a header without a string key) throws
 *   CORE_INVALID_ARGUMENT before anything is written, so the batch stays consistent.
 */
import { Buffer } from 'node:buffer'
import { CoreError } from '../errors.ts'
import { type CompressionType, compress, isCompressionType } from './compression/codecs.ts'
import {
  LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, TIMESTAMP_TYPE_MASK, TimestampType,
} from './record-batch-header.ts'
import { NO_RECORD_HEADERS, type RecordHeader } from './record-batch-reader.ts'
import { nullableSize, putVarint, varintSize, writeNullable, writeRecordBatchHeader } from './record-batch.ts'
import { sizeOfVarlong, writeVarlong } from './varint.ts'

const INT32_MAX = 0x7fff_ffff

/**
 * Fields of records, one column per field, for `appendAt` (the producer keeps a send's records
 * so). Timestamps in a Float64Array reach the encoder as plain numbers: passed one by one as
 * arguments, each would be boxed into a heap number (they exceed small integers).
 */
export interface RecordFieldColumns {
  readonly timestamps: Float64Array
  readonly keys: readonly (Buffer | null)[]
  readonly values: readonly (Buffer | null)[]
  readonly headers: readonly (readonly RecordHeader[])[]
}

export interface BuildOptions {
  readonly compression: CompressionType
  readonly timestampType?: TimestampType
  readonly producerId?: number
  readonly producerEpoch?: number
  readonly baseSequence?: number
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER

function invalid(message: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', `Cannot add the record to the batch: ${message}`)
}

export class RecordBatchBuilder {
  #buf: Buffer
  #pos = RECORD_BATCH_HEADER_SIZE
  #count = 0
  #baseTimestamp = 0
  #maxTimestamp = -1
  #built = false
  /** Columns of one record, for `append`. */
  #one: { timestamps: Float64Array; keys: (Buffer | null)[]; values: (Buffer | null)[]; headers: (readonly RecordHeader[])[] } | null = null

  /**
   * `capacity`: bytes to start with (header included); the buffer grows as needed. `buffer`, when
   * given and large enough, is written into instead of a new one (a reused batch buffer: the
   * builder then owns it).
   */
  constructor(capacity = 1024, buffer?: Buffer) {
    const size = Math.max(RECORD_BATCH_HEADER_SIZE + 16, capacity)
    this.#buf = buffer !== undefined && buffer.length >= size ? buffer : Buffer.allocUnsafe(size)
  }

  /**
   * The buffer the batch is written into (it changes when it grows); `build` returns a view of
   * it when uncompressed. For giving it back to a pool once the batch is no longer used.
   */
  get buffer(): Buffer {
    return this.#buf
  }

  get recordCount(): number {
    return this.#count
  }

  /** Exact bytes of the batch so far, uncompressed, header included. */
  get sizeInBytes(): number {
    return this.#pos
  }

  get baseTimestamp(): number {
    return this.#baseTimestamp
  }

  get maxTimestamp(): number {
    return this.#maxTimestamp
  }

  /** Appends a record with the next offset delta; returns the bytes it took. */
  append(timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
    const one = this.#one ??= { timestamps: new Float64Array(1), keys: [null], values: [null], headers: [NO_RECORD_HEADERS] }
    one.timestamps[0] = timestamp
    one.keys[0] = key
    one.values[0] = value
    one.headers[0] = headers
    try {
      return this.appendAt(one, 0)
    } finally {
      one.keys[0] = null
      one.values[0] = null
      one.headers[0] = NO_RECORD_HEADERS
    }
  }

  /** Appends record `i` of `columns` with the next offset delta (as `append`); returns the bytes it took. */
  appendAt(columns: RecordFieldColumns, i: number): number {
    const timestamp = columns.timestamps[i]
    const key = columns.keys[i]
    const value = columns.values[i]
    const headers = columns.headers[i]
    if (this.#built) throw new CoreError('CORE_INVALID_ARGUMENT', 'The batch was already built')
    if (this.#count === INT32_MAX) throw invalid(`a batch holds at most ${INT32_MAX} records`)
    if (this.#count === 0) {
      if (!Number.isSafeInteger(timestamp)) throw invalid(`timestamp ${timestamp} is not an integer`)
      this.#baseTimestamp = timestamp
    }
    const timestampDelta = timestamp - this.#baseTimestamp
    // Checked inline and reported by a method that reads the timestamp again: a call, or an
    // error message built here, would box the timestamp of every record into a heap number.
    if (!(timestamp >= -MAX_SAFE && timestamp <= MAX_SAFE && Math.floor(timestamp) === timestamp)
      || !(timestampDelta >= -MAX_SAFE && timestampDelta <= MAX_SAFE && Math.floor(timestampDelta) === timestampDelta)) {
      throw this.#timestampError(columns, i)
    }
    const smallDelta = timestampDelta >= -0x40000000 && timestampDelta < 0x40000000
    const offsetDelta = this.#count
    // Small deltas as int32 (`| 0`), so that passing them on never boxes a heap number.
    const smallTimestampDelta = timestampDelta | 0
    let size = 1 + (smallDelta ? varintSize(smallTimestampDelta) : sizeOfVarlong(timestampDelta))
    size += varintSize(offsetDelta) + nullableSize(key) + nullableSize(value) + varintSize(headers.length)
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]
      if (typeof header.key !== 'string') throw invalid(`header ${h} has no string key`)
      const keyBytes = Buffer.byteLength(header.key, 'utf8')
      size += varintSize(keyBytes) + keyBytes + nullableSize(header.value)
    }
    const total = varintSize(size) + size
    if (total > INT32_MAX - this.#pos) throw invalid(`the batch would exceed ${INT32_MAX} bytes`)
    this.#reserve(total)
    const buf = this.#buf
    let pos = putVarint(buf, this.#pos, size)
    buf[pos++] = 0 // attributes
    pos = smallDelta ? putVarint(buf, pos, smallTimestampDelta) : writeVarlong(buf, pos, timestampDelta)
    pos = putVarint(buf, pos, offsetDelta)
    // Key and value as writeNullable writes them, inline: this runs for every record.
    if (key == null) buf[pos++] = 1
    else {
      pos = putVarint(buf, pos, key.length)
      buf.set(key, pos)
      pos += key.length
    }
    if (value == null) buf[pos++] = 1
    else {
      pos = putVarint(buf, pos, value.length)
      buf.set(value, pos)
      pos += value.length
    }
    pos = putVarint(buf, pos, headers.length)
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]
      pos = putVarint(buf, pos, Buffer.byteLength(header.key, 'utf8'))
      pos += buf.write(header.key, pos, 'utf8')
      pos = writeNullable(buf, pos, header.value)
    }
    this.#pos = pos
    this.#count++
    if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp
    return total
  }

  #timestampError(columns: RecordFieldColumns, i: number): CoreError {
    return invalid(`timestamp ${columns.timestamps[i]} is not an integer near the batch's base timestamp ${this.#baseTimestamp}`)
  }

  #reserve(bytes: number): void {
    const needed = this.#pos + bytes
    if (needed <= this.#buf.length) return
    let capacity = this.#buf.length * 2
    while (capacity < needed) capacity *= 2
    const grown = Buffer.allocUnsafe(Math.min(capacity, INT32_MAX))
    this.#buf.copy(grown, 0, 0, this.#pos)
    this.#buf = grown
  }

  /** The finished batch (base offset 0), synchronously when uncompressed. */
  build(options: BuildOptions): Buffer | Promise<Buffer> {
    if (this.#built) throw new CoreError('CORE_INVALID_ARGUMENT', 'The batch was already built')
    if (this.#count === 0) throw new CoreError('CORE_INVALID_ARGUMENT', 'Cannot build a batch without records')
    const { compression } = options
    if (!isCompressionType(compression)) throw new CoreError('CORE_INVALID_ARGUMENT', `Unknown compression type ${compression}`)
    this.#built = true
    let attributes: number = compression
    if (options.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_MASK
    const header = {
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      attributes,
      lastOffsetDelta: this.#count - 1,
      baseTimestamp: this.#baseTimestamp,
      maxTimestamp: this.#maxTimestamp,
      producerId: options.producerId ?? -1,
      producerEpoch: options.producerEpoch ?? -1,
      baseSequence: options.baseSequence ?? -1,
      recordCount: this.#count,
    }
    const buf = this.#buf.subarray(0, this.#pos)
    if (compression === 0) return writeRecordBatchHeader(buf, header)
    return compress(compression, buf.subarray(RECORD_BATCH_HEADER_SIZE)).then((compressed) => {
      if (compressed.length > INT32_MAX - RECORD_BATCH_HEADER_SIZE + LOG_OVERHEAD) {
        throw new CoreError('CORE_RECORD_TOO_LARGE', 'The compressed batch exceeds 2 GiB')
      }
      const out = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + compressed.length)
      out.set(compressed, RECORD_BATCH_HEADER_SIZE)
      return writeRecordBatchHeader(out, header)
    })
  }
}
