/**
 * Turns the record bytes of one partition in a Fetch response into consumer records (Kafka's
 * CompletedFetch), one chunk per record batch:
 *
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
 * Keys, values and header values are views into the response buffer (no copies).
 */
import { type DecodedRecordBatch, type RecordHeader, decodeRecordBatches } from '../protocol/record-batch.ts'
import { TimestampType } from '../protocol/record-batch-header.ts'

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

/** The records of one batch that the application will see, and where the next fetch starts. */
export interface RecordChunk {
  readonly records: readonly ConsumerRecord[]
  /** The batch's lastOffset + 1. */
  readonly nextOffset: number
  /** Size of the batch on the wire, for the prefetch bound. */
  readonly bytes: number
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
/** Control record types (the key of a control record: int16 version, int16 type). */
const ABORT_MARKER = 0

export async function decodeCompletedFetch(
  topic: string,
  partition: number,
  records: Buffer | null,
  fetchOffset: number,
  readCommitted: boolean,
  abortedTransactions: readonly AbortedTransaction[] | null,
): Promise<DecodedFetch> {
  if (records === null || records.length === 0) return { chunks: [], nextFetchOffset: fetchOffset }
  const batches = await decodeRecordBatches(records)
  const aborted = readCommitted ? [...(abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset) : []
  const abortedProducers = new Set<number>()
  const chunks: RecordChunk[] = []
  let next = fetchOffset
  for (const batch of batches) {
    if (batch.lastOffset < next) continue
    const nextOffset = batch.lastOffset + 1
    let keep = !batch.isControl
    if (readCommitted && batch.producerId >= 0) {
      while (aborted.length > 0 && aborted[0].firstOffset <= batch.lastOffset) abortedProducers.add(aborted.shift()!.producerId)
      if (batch.isControl && isAbortMarker(batch)) abortedProducers.delete(batch.producerId)
      else if (batch.isTransactional && abortedProducers.has(batch.producerId)) keep = false
    }
    chunks.push({ records: keep ? toRecords(topic, partition, batch, next) : [], nextOffset, bytes: batch.sizeInBytes })
    next = nextOffset
  }
  return { chunks, nextFetchOffset: next }
}

function isAbortMarker(batch: DecodedRecordBatch): boolean {
  const key = batch.records[0]?.key
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER
}

function toRecords(topic: string, partition: number, batch: DecodedRecordBatch, from: number): ConsumerRecord[] {
  const timestampType = batch.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime'
  const result: ConsumerRecord[] = []
  for (const r of batch.records) {
    if (r.offset < from) continue
    result.push({
      topic,
      partition,
      offset: r.offset,
      key: r.key,
      value: r.value,
      headers: r.headers.length === 0 ? NO_HEADERS : headersOf(r.headers),
      headerList: r.headers,
      timestamp: r.timestamp,
      timestampType,
    })
  }
  return result
}

function headersOf(list: readonly RecordHeader[]): Record<string, Buffer | null> {
  const headers: Record<string, Buffer | null> = {}
  for (const h of list) headers[h.key] = h.value
  return headers
}
