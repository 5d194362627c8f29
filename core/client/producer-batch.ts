/**
 * The producer's units of work: a `PendingRecord` (one message, normalised to bytes, with the
 * send it belongs to), a `SendHandle` (the one promise a `send` call returns, resolved when all
 * its records are acknowledged) and a `ProducerBatch` (records of one partition that travel as
 * one record batch v2).
 *
 * Life of a batch: open (records appended) → closed (no more records; encoded once, with its
 * codec) → sent, possibly several times (retries reuse the same bytes) → done (every record's
 * send told its offset, or the error). A batch is done exactly once.
 */
import type { CompressionType } from '../protocol/compression/codecs.ts'
import { encodeRecordBatch, encodeRecordBatchSync, type RecordHeader } from '../protocol/record-batch.ts'
import { RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch-header.ts'
import { sizeOfVarint } from '../protocol/varint.ts'
import type { PartitionerRecord } from './partitioners.ts'

/** Where one record was written. */
export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  /** −1 with acks = 0 (the broker does not answer). */
  readonly offset: number
  /** The broker's log append time for LogAppendTime topics, else the record's create time. */
  readonly timestamp: number
}

/** Where consecutive records of a send were written (see `SendHandle.completeRun`). */
interface WrittenRun {
  readonly index: number
  readonly count: number
  readonly topic: string
  readonly partition: number
  readonly firstOffset: number
  readonly timestamps: Float64Array | null
  readonly from: number
  readonly timestamp: number
}

/**
 * The promise of one `send` call. Records report where they were written; the promise resolves
 * when the last one has, and rejects with the first failure (other records of the same send, in
 * other partitions, may have been written: Kafka reports per record, a send reports once).
 *
 * Until then the positions are kept per run of records (one per batch, usually), and the
 * `RecordMetadata` objects are built when the send resolves: they are handed straight to the
 * caller instead of waiting (and surviving garbage collections) while the send's other
 * batches are in flight.
 */
export class SendHandle {
  readonly promise: Promise<RecordMetadata[]>
  readonly #count: number
  #remaining: number
  readonly #runs: WrittenRun[] = []
  #resolve!: (results: RecordMetadata[]) => void
  #reject!: (error: unknown) => void
  #settled = false

  constructor(count: number) {
    this.#count = count
    this.#remaining = count
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    if (count === 0) this.#finish()
  }

  /**
   * Records `index` to `index + count - 1` of the send were written, in order, from
   * `firstOffset` (−1 with acks = 0: every offset −1), with `timestamps[from…]` or, when
   * `timestamps` is null, `timestamp`.
   */
  completeRun(
    index: number, count: number, topic: string, partition: number, firstOffset: number,
    timestamps: Float64Array | null, from: number, timestamp: number,
  ): void {
    if (this.#settled) return
    this.#runs.push({ index, count, topic, partition, firstOffset, timestamps, from, timestamp })
    this.#remaining -= count
    if (this.#remaining === 0) this.#finish()
  }

  fail(error: unknown): void {
    if (this.#settled) return
    this.#settled = true
    this.#reject(error)
  }

  #finish(): void {
    if (this.#settled) return
    this.#settled = true
    const results = new Array<RecordMetadata>(this.#count)
    for (const { index, count, topic, partition, firstOffset, timestamps, from, timestamp } of this.#runs) {
      for (let i = 0; i < count; i++) {
        results[index + i] = {
          topic,
          partition,
          offset: firstOffset < 0 ? -1 : firstOffset + i,
          timestamp: timestamps === null ? timestamp : timestamps[from + i],
        }
      }
    }
    this.#resolve(results)
  }
}

/** One message on its way: bytes, headers and timestamp fixed, partition chosen. */
export class PendingRecord implements PartitionerRecord {
  constructor(
    readonly topic: string,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: readonly RecordHeader[],
    readonly timestamp: number,
    /** Estimated bytes in a batch (see `recordSize`), used for batch.size and buffer memory. */
    readonly sizeInBytes: number,
    readonly send: SendHandle,
    /** Position in its send's result array. */
    readonly index: number,
  ) {}
}

function nullableSize(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length
}

/**
 * Bytes a record takes in a batch: exact for key, value and headers; the varint deltas are
 * assumed small (1-byte timestamp delta, 2-byte offset delta), as the estimate only decides when
 * a batch is full and how much buffer memory a send holds.
 */
export function recordSize(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let body = 4 + nullableSize(key) + nullableSize(value) + sizeOfVarint(headers.length)
  for (let i = 0; i < headers.length; i++) {
    const keyBytes = Buffer.byteLength(headers[i].key, 'utf8')
    body += sizeOfVarint(keyBytes) + keyBytes + nullableSize(headers[i].value)
  }
  return body + sizeOfVarint(body)
}

export class ProducerBatch {
  /** Estimated size of the batch, header included. */
  sizeInBytes = RECORD_BATCH_HEADER_SIZE
  /** The records' estimated bytes: what the batch holds of the buffer memory. */
  recordBytes = 0
  /** The wire bytes, set once when the batch is closed and encoded. */
  encoded: Buffer | null = null
  /** Sends so far (1 after the first request). */
  attempts = 0
  /** Set when a send failed retriably; the cause of a later expiry. */
  lastError: unknown = undefined
  /**
   * The records while the batch is open. Once encoded they are dropped, keeping only what
   * completion needs (`#runs`, `#timestamps`): record objects then die young instead of
   * surviving garbage collections while the batch is in flight.
   */
  #records: PendingRecord[] | null = []
  #count = 0
  /** The batch's records as runs of consecutive records of one send (usually one or two runs). */
  #runs: { readonly send: SendHandle; readonly index: number; count: number }[] | null = null
  /** Per-record create times, or null when they all equal `#timestamp` (the usual case). */
  #timestamps: Float64Array | null = null
  #timestamp = -1
  #done = false
  #waiters: (() => void)[] | null = null

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly acks: -1 | 0 | 1,
    readonly compression: CompressionType,
    readonly createdAt: number,
  ) {}

  get isDone(): boolean {
    return this.#done
  }

  get recordCount(): number {
    return this.#count
  }

  /** Whether `size` more bytes fit under `batchSize`; an empty batch takes any record. */
  hasRoom(size: number, batchSize: number): boolean {
    return this.#count === 0 || this.sizeInBytes + size <= batchSize
  }

  append(record: PendingRecord): void {
    this.#records!.push(record)
    this.#count++
    this.sizeInBytes += record.sizeInBytes
    this.recordBytes += record.sizeInBytes
  }

  /** Encodes the records once (synchronous without compression), then drops the record objects. */
  encode(): void | Promise<void> {
    const records = this.#records!
    const options = { records, compression: this.compression }
    if (this.compression === 0) {
      this.encoded = encodeRecordBatchSync(options)
      this.#compact(records)
      return
    }
    return encodeRecordBatch(options).then((bytes) => {
      if (this.#done) return // expired while compressing
      this.encoded = bytes
      this.#compact(records)
    })
  }

  #compact(records: PendingRecord[]): void {
    const count = records.length
    const runs: { readonly send: SendHandle; readonly index: number; count: number }[] = []
    let run = null as (typeof runs)[number] | null
    const first = records[0].timestamp
    let timestamps: Float64Array | null = null
    for (let i = 0; i < count; i++) {
      const record = records[i]
      if (run !== null && run.send === record.send && run.index + run.count === record.index) run.count++
      else runs.push((run = { send: record.send, index: record.index, count: 1 }))
      if (record.timestamp !== first && timestamps === null) {
        timestamps = new Float64Array(count)
        for (let j = 0; j < i; j++) timestamps[j] = records[j].timestamp
      }
      if (timestamps !== null) timestamps[i] = record.timestamp
    }
    this.#runs = runs
    this.#timestamps = timestamps
    this.#timestamp = first
    this.#records = null
  }

  /** Tells every record's send where it was written. `baseOffset` −1: acks = 0. */
  complete(baseOffset: number, logAppendTime: number): void {
    if (this.#done) return
    const { topic, partition } = this
    const runs = this.#runs
    if (runs === null) throw new Error('ProducerBatch.complete before encode')
    // LogAppendTime: every record gets the broker's time.
    const timestamps = logAppendTime >= 0 ? null : this.#timestamps
    const uniform = logAppendTime >= 0 ? logAppendTime : this.#timestamp
    let at = 0
    for (const { send, index, count } of runs) {
      send.completeRun(index, count, topic, partition, baseOffset < 0 ? -1 : baseOffset + at, timestamps, at, uniform)
      at += count
    }
    this.#finish()
  }

  fail(error: unknown): void {
    if (this.#done) return
    const sends = this.#runs?.map((run) => run.send) ?? this.#records!.map((record) => record.send)
    let last: SendHandle | null = null
    for (let i = 0; i < sends.length; i++) {
      const send = sends[i]
      if (send !== last) send.fail(error)
      last = send
    }
    this.#finish()
  }

  /** Resolves when the batch is done (never rejects). */
  whenDone(): Promise<void> {
    if (this.#done) return Promise.resolve()
    return new Promise((resolve) => (this.#waiters ??= []).push(resolve))
  }

  #finish(): void {
    this.#done = true
    this.encoded = null
    this.#records = null
    this.#runs = null
    const waiters = this.#waiters
    this.#waiters = null
    if (waiters !== null) for (const resolve of waiters) resolve()
  }
}
