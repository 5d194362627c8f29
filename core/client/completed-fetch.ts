/**
 * Turns the record bytes of one partition in a Fetch response into consumer records (Kafka's
 * CompletedFetch), one chunk per record batch:
 *
 * - Every complete batch is checked when the response arrives (header, and CRC-32C unless the
 *   consumer's `checkCrcs`, Kafka's `check.crcs`, is off) and a compressed one is decompressed;
 *   its records are decoded only as the application takes them (`RecordChunk.take`), so that
 *   records buffered ahead of the application are bytes, not objects the garbage collector has
 *   to keep moving. Records are decoded by `RecordReader.readInto`, one loop for many records.
 * - A batch may start before the fetch offset (the broker returns whole batches): records below
 *   it are dropped; a batch wholly below it is skipped.
 * - Every batch moves the next fetch offset past its `lastOffset`, even when compaction left it
 *   with fewer records (or none), so the consumer never refetches a hole.
 * - Control batches (transaction markers) carry no records for the application.
 * - read_committed: batches of aborted transactions are dropped, using the response's
 *   `abortedTransactions` (Kafka's algorithm: a producer id is aborted from the first offset of
 *   its aborted transaction until its ABORT marker).
 * - A trailing partial batch (cut by the size limits) is ignored; the next fetch starts at it.
 *
 * Keys, values and header values are views into the response buffer (no copies). A record
 * without headers shares one frozen empty `headers` object and `headerList`.
 */
import { type DecodedRecordBatch, type RecordHeader, decodeRecordBatchHeader, openRecords } from '../protocol/record-batch.ts'
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, TimestampType } from '../protocol/record-batch-header.ts'
import type { RecordFactory, RecordReader } from '../protocol/record-batch-reader.ts'

export interface ConsumerRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Headers by key; when a key repeats, the last value (all of them are in `headerList`). */
  readonly headers: Readonly<Record<string, Buffer | null>>
  readonly headerList: readonly RecordHeader[]
  /** Milliseconds since the epoch. */
  readonly timestamp: number
  readonly timestampType: 'CreateTime' | 'LogAppendTime'
}

export interface AbortedTransaction {
  readonly producerId: number
  readonly firstOffset: number
}

export interface DecodedFetch {
  readonly chunks: RecordChunk[]
  /** Where the next fetch of this partition starts. */
  readonly nextFetchOffset: number
}

const NO_HEADERS: Readonly<Record<string, Buffer | null>> = Object.freeze({})
const CHECK_CRC = Object.freeze({ verifyCrc: true })
const SKIP_CRC = Object.freeze({ verifyCrc: false })
/** Control record types (the key of a control record: int16 version, int16 type). */
const ABORT_MARKER = 0

/**
 * The records of one batch that the application will see, decoded as they are taken, and where
 * the next fetch starts once they are all handed out.
 */
export class RecordChunk implements RecordFactory<ConsumerRecord> {
  /** The batch's lastOffset + 1. */
  readonly nextOffset: number
  /** Size of the batch on the wire, for the prefetch bound. */
  readonly bytes: number
  readonly #topic: string
  readonly #partition: number
  /** Records below this offset (before the fetch offset) are skipped. */
  readonly #from: number
  readonly #timestampType: ConsumerRecord['timestampType']
  /** Null once every record is taken, or for a batch with none for the application. */
  #reader: RecordReader | null

  constructor(topic: string, partition: number, batch: DecodedRecordBatch, reader: RecordReader | null, from: number) {
    this.nextOffset = batch.lastOffset + 1
    this.bytes = batch.sizeInBytes
    this.#topic = topic
    this.#partition = partition
    this.#from = from
    this.#timestampType = batch.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime'
    this.#reader = reader
  }

  /** True when every record has been taken. */
  get done(): boolean {
    return this.#reader === null
  }

  /** At most this many records are left to take (fewer when some lie before the fetch offset). */
  get remaining(): number {
    return this.#reader === null ? 0 : this.#reader.remaining
  }

  /**
   * Decodes up to `max` more records, in offset order, into `out` from index `at`; returns how
   * many. Throws CORE_CORRUPT_RECORD when a record cannot be decoded; the chunk is then done.
   */
  take(max: number, out: ConsumerRecord[], at = out.length): number {
    const reader = this.#reader
    if (reader === null) return 0
    let taken: number
    try {
      taken = reader.readInto(max, this.#from, out, at, this)
      // The call that finds no more records also checks that nothing follows the last one.
      if (reader.remaining === 0) {
        reader.next()
        this.#reader = null
      }
    } catch (error) {
      this.#reader = null
      throw error
    }
    return taken
  }

  /** The consumer record of decoded fields (`RecordFactory`, called by the reader). */
  record(offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headerList: readonly RecordHeader[]): ConsumerRecord {
    return {
      topic: this.#topic,
      partition: this.#partition,
      offset,
      key,
      value,
      headers: headerList.length === 0 ? NO_HEADERS : headersOf(headerList),
      headerList,
      timestamp,
      timestampType: this.#timestampType,
    }
  }
}

/**
 * Checks every complete batch of a partition's `records` (its CRC too unless `checkCrcs` is
 * false) and returns one chunk per batch at or past `fetchOffset`. Throws (CORE_CORRUPT_RECORD,
 * …) when a batch is invalid.
 */
export async function decodeCompletedFetch(
  topic: string,
  partition: number,
  records: Buffer | null,
  fetchOffset: number,
  readCommitted: boolean,
  abortedTransactions: readonly AbortedTransaction[] | null,
  checkCrcs = true,
): Promise<DecodedFetch> {
  if (records === null || records.length === 0) return { chunks: [], nextFetchOffset: fetchOffset }
  const aborted = readCommitted ? [...(abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset) : []
  const abortedProducers = new Set<number>()
  const chunks: RecordChunk[] = []
  let next = fetchOffset
  for (let pos = 0; records.length - pos >= LOG_OVERHEAD;) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET)
    if (size >= RECORD_BATCH_HEADER_SIZE && size > records.length - pos) break // cut by the size limits
    const batch = decodeRecordBatchHeader(records, pos, checkCrcs ? CHECK_CRC : SKIP_CRC)
    const batchPos = pos
    pos += batch.sizeInBytes
    if (batch.lastOffset < next) continue
    let keep = !batch.isControl
    if (readCommitted && batch.producerId >= 0) {
      while (aborted.length > 0 && aborted[0].firstOffset <= batch.lastOffset) abortedProducers.add(aborted.shift()!.producerId)
      if (batch.isControl && await isAbortMarker(batch, records, batchPos)) abortedProducers.delete(batch.producerId)
      else if (batch.isTransactional && abortedProducers.has(batch.producerId)) keep = false
    }
    let reader: RecordReader | Promise<RecordReader> | null = keep ? openRecords(batch, records, batchPos) : null
    if (reader instanceof Promise) reader = await reader
    chunks.push(new RecordChunk(topic, partition, batch, reader, next))
    next = batch.lastOffset + 1
  }
  return { chunks, nextFetchOffset: next }
}

async function isAbortMarker(batch: DecodedRecordBatch, records: Buffer, pos: number): Promise<boolean> {
  const reader = await openRecords(batch, records, pos)
  if (!reader.next()) return false
  const key = reader.key
  return key !== null && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER
}

function headersOf(list: readonly RecordHeader[]): Record<string, Buffer | null> {
  const headers: Record<string, Buffer | null> = {}
  for (const h of list) headers[h.key] = h.value
  return headers
}
