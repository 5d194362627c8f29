/**
 * Reads the records of one record batch v2 one at a time (Kafka's `DefaultRecordBatch` record
 * iterator). The record layout is described in `record-batch.ts`.
 *
 * `next()` decodes one record into the reader's own fields (`offset`, `timestamp`, `key`,
 * `value`, `headers`, …), which stay valid until the next call; nothing is allocated but the
 * record's key, value and header views (and its header list, when it has headers). Callers build
 * the record objects they need from the fields: `decodeRecordBatch` its `DecodedRecord`s.
 * `readInto()` decodes many records in one loop and hands each to a `RecordFactory` (the
 * consumer's `ConsumerRecord`s, as the application takes them): records of the common shape
 * (every varint of one or two bytes, no headers) are decoded inline, any other record by `next()`,
 * so both give the same records and the same errors.
 *
 * Contracts:
 * - Keys, values and header values are zero-copy `subarray` views of `data`.
 * - A record without headers gets `NO_RECORD_HEADERS`, one frozen empty list.
 * - Every decoding failure throws a `CoreError` CORE_CORRUPT_RECORD naming the record and the
 *   batch: `Record <i> of <count>: <reason> (record batch at byte <pos>)`; bytes left after the
 *   last record are reported by the `next()` that finds no more records. A reader that threw
 *   is finished (`remaining` 0).
 * - Offset deltas must increase and stay within `lastOffsetDelta` (compaction leaves gaps).
 */
import { CoreError } from '../errors.ts'
import type { CompressionType } from './compression/codecs.ts'
import { type ViewSource, viewOf, viewSourceOf } from './buffer-views.ts'
import { TimestampType } from './record-batch-header.ts'
import { type Cursor, cursor, readVarint, readVarlong } from './varint.ts'

export interface RecordHeader {
  readonly key: string
  readonly value: Buffer | null
}

/** What the reader needs of a batch's header (a `DecodedRecordBatch` is one). */
export interface RecordBatchFields {
  readonly baseOffset: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly timestampType: TimestampType
  readonly lastOffsetDelta: number
  readonly recordCount: number
  readonly compression: CompressionType
}

/** Makes a caller's record objects from decoded fields (see `RecordReader.readInto`). */
export interface RecordFactory<T> {
  record(offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): T
}

/** The headers of every record that has none. */
export const NO_RECORD_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** attributes, timestampDelta, offsetDelta, keyLength, valueLength, headerCount: ≥ 1 byte each. */
export const MIN_RECORD_BODY = 6

export class RecordReader {
  /** Fields of the record the last `next()` decoded. */
  offset = 0
  /** For a LogAppendTime batch, the batch's maxTimestamp (as Kafka reports it). */
  timestamp = 0
  key: Buffer | null = null
  value: Buffer | null = null
  headers: readonly RecordHeader[] = NO_RECORD_HEADERS
  attributes = 0
  offsetDelta = 0
  timestampDelta = 0

  readonly #c: Cursor
  readonly #data: Buffer
  /** What key and value views are cut from (buffer-views.ts). */
  readonly #views: ViewSource
  readonly #end: number
  readonly #count: number
  readonly #baseOffset: number
  readonly #baseTimestamp: number
  readonly #logAppendTime: boolean
  readonly #maxTimestamp: number
  readonly #lastOffsetDelta: number
  readonly #batchPos: number
  /** Positions in messages are in `data`: the input buffer, or the decompressed records section. */
  readonly #where: string
  #index = 0
  #previousDelta = -1

  /**
   * Reads `batch`'s records from `data[start..end]`. Throws CORE_CORRUPT_RECORD at once when
   * the record count cannot fit in those bytes. `batchPos` names the batch in messages.
   */
  constructor(batch: RecordBatchFields, data: Buffer, start: number, end: number, batchPos: number) {
    if (batch.recordCount > (end - start) / (1 + MIN_RECORD_BODY)) {
      throw new CoreError('CORE_CORRUPT_RECORD', `Record count ${batch.recordCount} cannot fit in ${end - start} bytes of records (record batch at byte ${batchPos})`)
    }
    this.#c = cursor(data, start, end)
    this.#data = data
    this.#views = viewSourceOf(data)
    this.#end = end
    this.#count = batch.recordCount
    this.#baseOffset = batch.baseOffset
    this.#baseTimestamp = batch.baseTimestamp
    this.#logAppendTime = batch.timestampType === TimestampType.LogAppendTime
    this.#maxTimestamp = batch.maxTimestamp
    this.#lastOffsetDelta = batch.lastOffsetDelta
    this.#batchPos = batchPos
    this.#where = batch.compression === 0 ? 'byte' : 'decompressed byte'
  }

  /** Records not read yet. */
  get remaining(): number {
    return this.#count - this.#index
  }

  /** Decodes the next record into the fields; false once every record was read. */
  next(): boolean {
    const c = this.#c
    const i = this.#index
    if (i >= this.#count) {
      if (c.pos !== this.#end) {
        const left = this.#end - c.pos
        c.pos = this.#end
        throw new CoreError('CORE_CORRUPT_RECORD', `${left} bytes after the last of ${this.#count} records (record batch at byte ${this.#batchPos})`)
      }
      return false
    }
    try {
      this.#read(c)
      this.#index = i + 1
      return true
    } catch (error) {
      this.#index = this.#count
      c.pos = this.#end
      const reason = error instanceof Error ? error.message : String(error)
      throw new CoreError('CORE_CORRUPT_RECORD', `Record ${i} of ${this.#count}: ${reason} (record batch at byte ${this.#batchPos})`, { cause: error })
    }
  }

  /**
   * Decodes records in order, and stores those at or past `fromOffset` in `out` from index `at`,
   * each made by `factory`, until `max` are stored or none is left; returns how many it stored.
   * The records, checks and errors are those of `next()` called in a loop (a record not of the
   * common shape is decoded by `next()`); afterwards the fields hold the last record decoded.
   */
  readInto<T>(max: number, fromOffset: number, out: T[], at: number, factory: RecordFactory<T>): number {
    const c = this.#c
    const data = this.#data
    const views = this.#views
    const end = this.#end
    const count = this.#count
    const baseOffset = this.#baseOffset
    const lastOffsetDelta = this.#lastOffsetDelta
    const logAppendTime = this.#logAppendTime
    const baseTimestamp = logAppendTime ? this.#maxTimestamp : this.#baseTimestamp
    let index = this.#index
    let previousDelta = this.#previousDelta
    let pos = c.pos
    let stored = 0
    // The last record decoded inline (offsetDelta -1: none, or next() decoded the last one).
    let offsetDelta = -1
    let timestampDelta = 0
    let attributes = 0
    let keyStart = 0
    let keyLength = -1
    let valueLength = -1
    while (stored < max && index < count) {
      const start = pos
      // The common shape, inline. Any check failing, or anything unusual, is left to next().
      fast: {
        if (pos + 1 >= end) break fast
        let raw = smallVarintAt(data, pos)
        if (raw < 0) break fast
        pos += data[pos] < 0x80 ? 1 : 2
        const length = (raw >>> 1) ^ -(raw & 1)
        const recordEnd = pos + length
        if (length < MIN_RECORD_BODY || recordEnd > end) break fast
        attributes = (data[pos++] << 24) >> 24
        raw = smallVarintAt(data, pos)
        if (raw < 0) break fast
        pos += data[pos] < 0x80 ? 1 : 2
        timestampDelta = (raw >>> 1) ^ -(raw & 1)
        raw = smallVarintAt(data, pos)
        if (raw < 0) break fast
        pos += data[pos] < 0x80 ? 1 : 2
        offsetDelta = (raw >>> 1) ^ -(raw & 1)
        if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta || pos + 2 >= recordEnd) break fast
        raw = smallVarintAt(data, pos)
        if (raw < 0) break fast
        pos += data[pos] < 0x80 ? 1 : 2
        keyLength = (raw >>> 1) ^ -(raw & 1)
        // Room for the key, the value's length and the header count.
        if (keyLength < -1 || keyLength > recordEnd - pos - 2) break fast
        keyStart = pos
        if (keyLength > 0) pos += keyLength
        raw = smallVarintAt(data, pos)
        if (raw < 0) break fast
        pos += data[pos] < 0x80 ? 1 : 2
        valueLength = (raw >>> 1) ^ -(raw & 1)
        // The value ends one byte before the record: its header count, 0.
        if (valueLength < -1 || pos + (valueLength === -1 ? 0 : valueLength) + 1 !== recordEnd || data[recordEnd - 1] !== 0) break fast
        previousDelta = offsetDelta
        index++
        const offset = baseOffset + offsetDelta
        if (offset >= fromOffset) {
          const key = keyLength === -1 ? null : viewOf(views, keyStart, keyStart + keyLength)
          const value = valueLength === -1 ? null : viewOf(views, pos, pos + valueLength)
          out[at + stored++] = factory.record(offset, logAppendTime ? baseTimestamp : baseTimestamp + timestampDelta, key, value, NO_RECORD_HEADERS)
        }
        pos = recordEnd
        continue
      }
      // Anything else: next() decodes the record from its start, or throws its error.
      c.pos = start
      this.#index = index
      this.#previousDelta = previousDelta
      this.next()
      index = this.#index
      previousDelta = this.#previousDelta
      pos = c.pos
      offsetDelta = -1
      if (this.offset >= fromOffset) out[at + stored++] = factory.record(this.offset, this.timestamp, this.key, this.value, this.headers)
    }
    c.pos = pos
    this.#index = index
    this.#previousDelta = previousDelta
    if (offsetDelta >= 0) {
      // The last record was decoded inline: its fields, as next() would have left them.
      const valueEnd = pos - 1
      this.offset = baseOffset + offsetDelta
      this.timestamp = logAppendTime ? baseTimestamp : baseTimestamp + timestampDelta
      this.key = keyLength === -1 ? null : viewOf(views, keyStart, keyStart + keyLength)
      this.value = valueLength === -1 ? null : viewOf(views, valueEnd - valueLength, valueEnd)
      this.headers = NO_RECORD_HEADERS
      this.attributes = attributes
      this.offsetDelta = offsetDelta
      this.timestampDelta = timestampDelta
    }
    return stored
  }

  /** Field errors are plain errors here, wrapped once with the record index by `next`. */
  #read(c: Cursor): void {
    const end = this.#end
    const data = this.#data
    const views = this.#views
    if (c.pos >= end) throw new Error(`the records end after ${this.#index} of ${this.#count} records`)
    const length = varint(c, data)
    const recordEnd = c.pos + length
    if (length < MIN_RECORD_BODY || recordEnd > end) {
      throw new Error(`length ${length} at ${this.#where} ${c.pos} does not fit the batch (ends at ${end})`)
    }
    const attributes = (data[c.pos++] << 24) >> 24
    const timestampDelta = smallVarlong(c, data)
    const offsetDelta = varint(c, data)
    if (offsetDelta <= this.#previousDelta || offsetDelta > this.#lastOffsetDelta) {
      throw new Error(`offset delta ${offsetDelta} after ${this.#previousDelta} (lastOffsetDelta ${this.#lastOffsetDelta})`)
    }
    this.#previousDelta = offsetDelta
    const key = readNullable(c, data, views, recordEnd, 'key')
    const value = readNullable(c, data, views, recordEnd, 'value')
    const headerCount = varint(c, data)
    if (headerCount < 0 || headerCount > (recordEnd - c.pos) / 2) {
      throw new Error(`header count ${headerCount} at ${this.#where} ${c.pos} does not fit the record`)
    }
    let headers = NO_RECORD_HEADERS
    if (headerCount > 0) {
      const list: RecordHeader[] = []
      for (let h = 0; h < headerCount; h++) {
        const keyLength = varint(c, data)
        if (keyLength < 0 || keyLength > recordEnd - c.pos) {
          throw new Error(`header ${h} key length ${keyLength} at ${this.#where} ${c.pos} does not fit the record`)
        }
        const headerKey = data.toString('utf8', c.pos, c.pos + keyLength)
        c.pos += keyLength
        list.push({ key: headerKey, value: readNullable(c, data, views, recordEnd, `header ${h} value`) })
      }
      headers = list
    }
    if (c.pos !== recordEnd) {
      throw new Error(`fields end at ${this.#where} ${c.pos} but the record length says ${recordEnd}`)
    }
    this.offset = this.#baseOffset + offsetDelta
    this.timestamp = this.#logAppendTime ? this.#maxTimestamp : this.#baseTimestamp + timestampDelta
    this.key = key
    this.value = value
    this.headers = headers
    this.attributes = attributes
    this.offsetDelta = offsetDelta
    this.timestampDelta = timestampDelta
  }
}

/*
 * Record fields are mostly one- or two-byte varints. These read those inline and leave anything
 * else (longer values, the end of the region, malformed bytes) to varint.ts, which also throws
 * its errors: same results, same errors, fewer calls.
 */

/**
 * The raw (still zig-zag encoded) value of the varint at `pos` when it takes one or two bytes,
 * else -1. Reads at most `data[pos + 1]`: past the end of `data` that is undefined, hence -1.
 */
function smallVarintAt(data: Buffer, pos: number): number {
  const b0 = data[pos]
  if (b0 < 0x80) return b0
  const b1 = data[pos + 1]
  return b1 < 0x80 ? (b0 & 0x7f) | (b1 << 7) : -1
}

/** A zig-zag varint (`readVarint`). */
function varint(c: Cursor, data: Buffer): number {
  const pos = c.pos
  if (pos + 1 < c.end) {
    const b0 = data[pos]
    if (b0 < 0x80) {
      c.pos = pos + 1
      return (b0 >>> 1) ^ -(b0 & 1)
    }
    const b1 = data[pos + 1]
    if (b1 < 0x80) {
      const raw = (b0 & 0x7f) | (b1 << 7)
      c.pos = pos + 2
      return (raw >>> 1) ^ -(raw & 1)
    }
  }
  return readVarint(c)
}

/** A zig-zag varlong (`readVarlong`) that fits one byte, else the general reader. */
function smallVarlong(c: Cursor, data: Buffer): number {
  const pos = c.pos
  if (pos < c.end) {
    const b0 = data[pos]
    if (b0 < 0x80) {
      c.pos = pos + 1
      return (b0 >>> 1) ^ -(b0 & 1)
    }
  }
  return readVarlong(c)
}

/** Reads a nullable byte field bounded by `recordEnd`; `what` names it in errors. */
function readNullable(c: Cursor, data: Buffer, views: ViewSource, recordEnd: number, what: string): Buffer | null {
  const length = varint(c, data)
  if (length === -1) return null
  if (length < -1 || length > recordEnd - c.pos) {
    throw new Error(`${what} length ${length} does not fit the ${recordEnd - c.pos} bytes left in the record`)
  }
  const start = c.pos
  c.pos += length
  return viewOf(views, start, c.pos)
}
