/**
 * Reads the records of one record batch v2 one at a time (Kafka's `DefaultRecordBatch` record
 * iterator). The record layout is described in `record-batch.ts`.
 *
 * `next()` decodes one record into the reader's own fields (`offset`, `timestamp`, `key`,
 * `value`, `headers`, …), which stay valid until the next call; nothing is allocated but the
 * record's key, value and header views (and its header list, when it has headers). Callers build
 * the record objects they need from the fields: `decodeRecordBatch` its `DecodedRecord`s, the
 * consumer its `ConsumerRecord`s, record by record as the application takes them.
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
