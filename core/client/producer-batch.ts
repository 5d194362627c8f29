/**
 * The producer's units of work: a `SendHandle` (the one promise a `send` call returns, resolved
 * when all its records are acknowledged) and a `ProducerBatch` (records of one partition that
 * travel as one record batch v2, written into its bytes as they are appended).
 *
 * Life of a batch: open (records appended) → closed (no more records; encoded once, with its
 * codec) → sent, possibly several times (retries reuse the same bytes) → done (every record's
 * send told its offset, or the error). A batch is done exactly once.
 */
import type { CompressionType } from '../protocol/compression/codecs.ts'
import { type RecordHeader, varintSize } from '../protocol/record-batch.ts'
import { RecordBatchBuilder, type RecordFieldColumns } from '../protocol/record-batch-builder.ts'
import { RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch-header.ts'

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
  readonly timestamps: readonly number[] | null
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
 * batches are in flight. A send made with `results: 'none'` (`wantsResults` false) keeps only
 * a count and resolves with undefined; its batches keep no per-record timestamps for it.
 */
export class SendHandle {
  readonly promise: Promise<RecordMetadata[] | undefined>
  /** Whether the send resolves with one `RecordMetadata` per record (else with undefined). */
  readonly wantsResults: boolean
  readonly #count: number
  #remaining: number
  readonly #runs: WrittenRun[] = []
  #resolve!: (results: RecordMetadata[] | undefined) => void
  #reject!: (error: unknown) => void
  #settled = false

  constructor(count: number, wantsResults = true) {
    this.#count = count
    this.wantsResults = wantsResults
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
    timestamps: readonly number[] | null, from: number, timestamp: number,
  ): void {
    if (this.#settled) return
    if (this.wantsResults) this.#runs.push({ index, count, topic, partition, firstOffset, timestamps, from, timestamp })
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
    if (!this.wantsResults) {
      this.#resolve(undefined)
      return
    }
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

function nullableSize(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length
}

/**
 * Bytes a record takes in a batch: exact for key, value and headers; the varint deltas are
 * assumed small (1-byte timestamp delta, 2-byte offset delta), as the estimate only decides when
 * a batch is full and how much buffer memory a send holds.
 */
export function recordSize(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let body = 4 + nullableSize(key) + nullableSize(value) + varintSize(headers.length)
  for (let i = 0; i < headers.length; i++) {
    const keyBytes = Buffer.byteLength(headers[i].key, 'utf8')
    body += varintSize(keyBytes) + keyBytes + nullableSize(headers[i].value)
  }
  return body + varintSize(body)
}

/**
 * The checked records of one send, one column per field, indexed by the record's index in the
 * send (`ProducerBatch.appendRecords` writes a range of them).
 */
export interface RecordColumns extends RecordFieldColumns {
  /** `recordSize` of each record. */
  readonly sizes: Int32Array
}

/**
 * Consecutive records of a batch that belong to one send, in the send's order. A send that
 * wants no results (`timed` false) needs only to be told how many of its records were written:
 * its records that follow each other in the batch make one run even when they do not follow
 * each other in the send (records spread over partitions), and `index` is then only the
 * first's, so that the batch keeps no object per record.
 */
interface BatchRun {
  readonly send: SendHandle
  /** Index in the send of the run's first record. */
  readonly index: number
  count: number
  /** The create time of the run's records, or of the first when `timestamps` is set. */
  readonly timestamp: number
  /**
   * Per-record create times, only when they differ within the run (a send's share one) and
   * the send wants results (`SendHandle.wantsResults`).
   */
  timestamps: number[] | null
  /** `send.wantsResults`. */
  readonly timed: boolean
}

/** Keeps the create time of the run's next record (before `count` counts it), when the run's send wants results. */
function noteTimestamp(run: BatchRun, timestamp: number): void {
  if (!run.timed) return
  if (run.timestamps !== null) run.timestamps.push(timestamp)
  else if (timestamp !== run.timestamp) {
    const timestamps = new Array<number>(run.count + 1).fill(run.timestamp)
    timestamps[run.count] = timestamp
    run.timestamps = timestamps
  }
}

export class ProducerBatch {
  /** Estimated size of the batch, header included (`recordSize` per record). */
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
   * Records are written into the batch's bytes as they are appended (no record objects wait
   * for the batch to close); completion needs only the runs.
   */
  #builder: RecordBatchBuilder | null
  /** The buffer `encoded` is a view of (uncompressed batches), until `takeBuffer`. */
  #buffer: Buffer | null = null
  #count = 0
  /** The batch's records as runs of consecutive records of one send (usually one or two runs). */
  #runs: BatchRun[] | null = []
  #lastRun: BatchRun | null = null
  #done = false
  #waiters: (() => void)[] | null = null

  /**
   * `capacity`: bytes to allocate for the batch at first (it grows as records come); `buffer`: a
   * free buffer of at least that size to write into instead (`BatchBufferPool`).
   */
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly acks: -1 | 0 | 1,
    readonly compression: CompressionType,
    readonly createdAt: number,
    capacity = 1024,
    buffer?: Buffer,
  ) {
    this.#builder = new RecordBatchBuilder(capacity, buffer)
  }

  get isDone(): boolean {
    return this.#done
  }

  get recordCount(): number {
    return this.#count
  }

  /** Exact bytes written so far (uncompressed); the encoded size once closed. */
  get writtenBytes(): number {
    return this.encoded?.length ?? this.#builder?.sizeInBytes ?? 0
  }

  /** Whether `size` more bytes fit under `batchSize`; an empty batch takes any record. */
  hasRoom(size: number, batchSize: number): boolean {
    return this.#count === 0 || this.sizeInBytes + size <= batchSize
  }

  /**
   * Writes record `index` of `send` into the batch. `size` is its `recordSize` estimate.
   * Throws CORE_INVALID_ARGUMENT (nothing written) for a record the batch format cannot hold.
   */
  append(
    send: SendHandle, index: number, timestamp: number, key: Buffer | null, value: Buffer | null,
    headers: readonly RecordHeader[], size: number,
  ): void {
    const builder = this.#builder
    if (builder === null) throw new Error('ProducerBatch.append after the batch was closed')
    builder.append(timestamp, key, value, headers)
    const run = this.#lastRun
    if (run !== null && run.send === send && (run.index + run.count === index || !run.timed)) {
      noteTimestamp(run, timestamp)
      run.count++
    } else {
      this.#runs!.push((this.#lastRun = { send, index, count: 1, timestamp, timestamps: null, timed: send.wantsResults }))
    }
    this.#count++
    this.sizeInBytes += size
    this.recordBytes += size
  }

  /**
   * Writes records `from`, `from + 1`… of `send` (their fields in `columns`) into the batch while
   * they fit under `batchSize` (`hasRoom`), stopping after the record that fills it; returns the
   * index of the first record not written. What `append` of each record would do, with the run
   * bookkeeping done once. Throws CORE_INVALID_ARGUMENT for a record the batch format cannot
   * hold; the records before it stay written.
   */
  appendRecords(send: SendHandle, columns: RecordColumns, from: number, to: number, batchSize: number): number {
    const builder = this.#builder
    if (builder === null) throw new Error('ProducerBatch.appendRecords after the batch was closed')
    if (from >= to) return from
    const { timestamps, sizes } = columns
    let run = this.#lastRun
    if (run === null || run.send !== send || (run.index + run.count !== from && run.timed)) {
      // The first record is checked into the batch before the run is recorded.
      if (this.#count > 0 && this.sizeInBytes + sizes[from] > batchSize) return from
      builder.appendAt(columns, from)
      this.#runs!.push((run = this.#lastRun = { send, index: from, count: 1, timestamp: timestamps[from], timestamps: null, timed: send.wantsResults }))
      this.#count++
      this.sizeInBytes += sizes[from]
      this.recordBytes += sizes[from]
      if (this.sizeInBytes >= batchSize) return from + 1
      from++
    }
    let i = from
    const timed = run.timed
    for (; i < to; i++) {
      const size = sizes[i]
      if (this.sizeInBytes + size > batchSize) break
      const timestamp = timestamps[i]
      builder.appendAt(columns, i)
      if (timed) noteTimestamp(run, timestamp)
      run.count++
      this.#count++
      this.sizeInBytes += size
      this.recordBytes += size
      if (this.sizeInBytes >= batchSize) return i + 1
    }
    return i
  }

  /** Closes the batch and encodes it once (synchronous without compression). */
  encode(): void | Promise<void> {
    const builder = this.#builder
    if (builder === null) throw new Error('ProducerBatch.encode called twice')
    this.#builder = null
    this.#lastRun = null
    const built = builder.build({ compression: this.compression })
    if (!(built instanceof Promise)) {
      this.encoded = built
      this.#buffer = builder.buffer
      return
    }
    return built.then((bytes) => {
      if (this.#done) return // expired while compressing
      this.encoded = bytes
    })
  }

  /** Tells every record's send where it was written. `baseOffset` −1: acks = 0. */
  complete(baseOffset: number, logAppendTime: number): void {
    if (this.#done) return
    const { topic, partition } = this
    const runs = this.#runs!
    const logAppend = logAppendTime >= 0 // every record gets the broker's time
    let at = 0
    for (let r = 0; r < runs.length; r++) {
      const { send, index, count, timestamp, timestamps } = runs[r]
      const firstOffset = baseOffset < 0 ? -1 : baseOffset + at
      if (logAppend) send.completeRun(index, count, topic, partition, firstOffset, null, 0, logAppendTime)
      else send.completeRun(index, count, topic, partition, firstOffset, timestamps, 0, timestamp)
      at += count
    }
    this.#finish()
  }

  fail(error: unknown): void {
    if (this.#done) return
    const runs = this.#runs!
    let last: SendHandle | null = null
    for (let r = 0; r < runs.length; r++) {
      const send = runs[r].send
      if (send !== last) send.fail(error)
      last = send
    }
    this.#finish()
  }

  /**
   * The record owners in batch order: record i of the batch is record `index` of `send` (for a
   * send that wants no results, an index of no meaning: only the count of its records matters).
   * For re-batching the records of a batch the broker refused as too large.
   */
  owners(): { send: SendHandle; index: number }[] {
    const owners: { send: SendHandle; index: number }[] = []
    for (const run of this.#runs ?? []) for (let i = 0; i < run.count; i++) owners.push({ send: run.send, index: run.index + i })
    return owners
  }

  /**
   * Hands the batch's records over to `parts` (its records re-batched, in order): the batch is
   * done without completing its sends, which the parts complete; `whenDone` resolves once every
   * part is done, so a flush that waits for this batch still waits for its records.
   */
  replaceBy(parts: readonly ProducerBatch[]): void {
    if (this.#done) return
    const waiters = this.#waiters
    this.#waiters = null
    this.#done = true
    this.encoded = null
    this.#buffer = null
    this.#builder = null
    this.#runs = null
    this.#lastRun = null
    if (waiters !== null) void Promise.all(parts.map((part) => part.whenDone())).then(() => { for (const resolve of waiters) resolve() })
  }

  /**
   * Once the batch is done: the whole buffer its uncompressed bytes were written into, for reuse
   * when the caller knows nothing reads them any more (see `RecordAccumulator.done`); null when
   * compressed, not done, or already taken.
   */
  takeBuffer(): Buffer | null {
    if (!this.#done) return null
    const buffer = this.#buffer
    this.#buffer = null
    return buffer
  }

  /** Resolves when the batch is done (never rejects). */
  whenDone(): Promise<void> {
    if (this.#done) return Promise.resolve()
    return new Promise((resolve) => (this.#waiters ??= []).push(resolve))
  }

  #finish(): void {
    this.#done = true
    this.encoded = null
    this.#builder = null
    this.#runs = null
    this.#lastRun = null
    const waiters = this.#waiters
    this.#waiters = null
    if (waiters !== null) for (const resolve of waiters) resolve()
  }
}
