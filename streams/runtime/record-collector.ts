/**
 * The output side of a stream thread (Kafka Streams' `RecordCollector`): every record its tasks
 * produce — sink and repartition records, changelog records of their stores — goes through the
 * thread's one producer. Records are queued per topic in call order and handed to the producer
 * in batches (one `send` per topic, when `maxPending` records or a quarter of
 * `maxBufferedBytes` are queued, and at the end of each processing round), so a partition's
 * records are written in the order the tasks sent them, and a topic that cannot be written to
 * does not hold back the others. The queued records are the producer's messages (no copy).
 *
 * Contracts:
 * - `flush()` resolves once every record sent before the call is acknowledged or has been
 *   decided on by the production exception handler; it rejects (STREAMS_PRODUCTION) when the
 *   handler answered 'fail'. The commit calls it before committing input offsets, so offsets
 *   never run ahead of output or changelog records.
 * - Once a failure was decided 'fail', `send` and `flush` throw it: the thread fails, without
 *   committing anything more.
 * - The offsets of acknowledged records of tracked topics (changelogs) are kept per partition:
 *   `lastOffset` is what checkpoints are written from.
 * - A send the broker refused for a partition (`TopicPartitionError`, after the producer's
 *   retries) is decided once, for the first record of that partition in the send (the others
 *   of that partition in the send share its fate).
 * - A send the producer refused before queuing any of it: a record too large or invalid is
 *   found by sending the records one by one (the good ones are written, possibly after records
 *   sent later to the same partition); any other refusal (an unknown topic) applies to every
 *   record, and each goes to the handler.
 *
 * Backpressure (Kafka Streams gets it from `producer.send` blocking on a full buffer): the
 * collector counts the bytes of the records it was given and that are not yet acknowledged or
 * decided on (queued ones included; key, value and headers plus `RECORD_OVERHEAD_BYTES` each,
 * an estimate of what a waiting record costs in memory). Above `maxBufferedBytes` (the
 * producer's `bufferMemory`) `hasCapacity` is false, and the stream thread stops processing
 * until `waitForCapacity()` resolves; its input then fills up and its partitions are paused. So
 * the output side holds at most `maxBufferedBytes` plus the output of one input record (or of
 * one commit's cache flush, itself bounded by the cache size), however slowly the output is
 * written. Handing records over by quarters of `maxBufferedBytes` keeps any one send within the
 * producer's buffer memory.
 *
 * Concurrency: single-threaded; acknowledgements arrive between records.
 */
import { type Logger, type ProducerSendBatch, type RecordHeader, type RecordMetadata as ProducedRecord, TopicPartitionError } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { ExceptionHandler, FailedRecordContext } from './config.ts'
import { decideProduction } from './production-handler.ts'

/**
 * The part of core's `Producer` the collector uses. Sends to tracked topics (changelogs) ask
 * for one `RecordMetadata` per record (`results: 'records'`), where their offsets are read;
 * others for none (`results: 'none'`), which spares the producer an object per record.
 */
export interface OutputProducer {
  sendBatch(request: ProducerSendBatch): Promise<ProducedRecord[] | void>
  flush(): Promise<void>
}

/**
 * A record queued or in flight. It is also the message handed to the producer (no copy): the
 * producer reads `key`, `value`, `headers` (undefined: none), `timestamp` (undefined: now) and
 * `partition` (undefined: its partitioner). Its topic is its queue's.
 */
interface PendingRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[] | undefined
  readonly timestamp: number | undefined
  readonly partition: number | undefined
}

/** The records queued for one topic, and their estimated bytes. */
interface TopicQueue {
  records: PendingRecord[]
  bytes: number
}

export interface RecordCollectorOptions {
  readonly producer: OutputProducer
  readonly handler: ExceptionHandler<FailedRecordContext>
  readonly logger: Logger
  /** Topics whose acknowledged offsets are kept (changelogs). */
  readonly trackedTopics: ReadonlySet<string>
  /** Records queued before they are handed to the producer (default 1000). */
  readonly maxPending?: number
  /**
   * Estimated bytes of records given and not yet acknowledged above which `hasCapacity` is
   * false (default 32 MiB, the producer's default `bufferMemory`).
   */
  readonly maxBufferedBytes?: number
}

/** What a record waiting in the collector and the producer costs beyond its bytes (objects, batch framing): an estimate. */
export const RECORD_OVERHEAD_BYTES = 64
const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024

/** Refusals of single records (found by sending them one by one), not of the whole topic. */
function recordLevel(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'CORE_RECORD_TOO_LARGE' || code === 'CORE_INVALID_ARGUMENT'
}

function recordBytes(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let bytes = RECORD_OVERHEAD_BYTES + (key === null ? 0 : key.length) + (value === null ? 0 : value.length)
  for (let i = 0; i < headers.length; i++) bytes += headers[i].key.length + (headers[i].value?.length ?? 0)
  return bytes
}

function headersOf(record: PendingRecord): readonly RecordHeader[] {
  return record.headers ?? []
}

export class RecordCollector {
  readonly #options: RecordCollectorOptions
  readonly #maxPending: number
  readonly #maxBufferedBytes: number
  readonly #maxPendingBytes: number
  /** Queued records by topic, topics in first-seen order. */
  #pending = new Map<string, TopicQueue>()
  /** The queue `send` used last (a task usually sends to one topic many times in a row). */
  #lastTopic = ''
  #lastQueue: TopicQueue | null = null
  #pendingCount = 0
  #pendingBytes = 0
  /** Estimated bytes of records queued or in flight. */
  #bufferedBytes = 0
  #capacityWaiters: (() => void)[] = []
  readonly #inflight = new Set<Promise<void>>()
  readonly #offsets = new Map<string, Map<number, number>>()
  #fatal: StreamsError | null = null

  constructor(options: RecordCollectorOptions) {
    this.#options = options
    this.#maxPending = options.maxPending ?? 1000
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    if (!(this.#maxPending >= 1) || !(this.#maxBufferedBytes >= 1)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `RecordCollector needs maxPending and maxBufferedBytes >= 1, got ${this.#maxPending} and ${this.#maxBufferedBytes}`)
    }
    this.#maxPendingBytes = Math.max(1, Math.floor(this.#maxBufferedBytes / 4))
  }

  /** The failure that fails the thread, once the handler answered 'fail'. */
  get fatalError(): StreamsError | null {
    return this.#fatal
  }

  /** Estimated bytes of records given and not yet acknowledged or decided on (queued ones included). */
  get bufferedBytes(): number {
    return this.#bufferedBytes
  }

  /**
   * Whether more records may be produced now: false while more than `maxBufferedBytes` wait
   * for acknowledgement. (True once a failure was decided 'fail': the next send throws it.)
   */
  get hasCapacity(): boolean {
    return this.#bufferedBytes <= this.#maxBufferedBytes || this.#fatal !== null
  }

  /** Resolves once `hasCapacity` is true (at once if it is). Never rejects. */
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve()
    return new Promise((resolve) => this.#capacityWaiters.push(resolve))
  }

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void {
    if (this.#fatal !== null) throw this.#fatal
    const bytes = recordBytes(key, value, headers)
    let queue = this.#lastQueue
    if (topic !== this.#lastTopic || queue === null) {
      queue = this.#pending.get(topic) ?? null
      if (queue === null) this.#pending.set(topic, (queue = { records: [], bytes: 0 }))
      this.#lastTopic = topic
      this.#lastQueue = queue
    }
    queue.records.push({
      key, value, headers: headers.length === 0 ? undefined : headers, timestamp: timestamp >= 0 ? timestamp : undefined, partition,
    })
    queue.bytes += bytes
    this.#bufferedBytes += bytes
    this.#pendingBytes += bytes
    if (++this.#pendingCount >= this.#maxPending || this.#pendingBytes >= this.#maxPendingBytes) this.sendPending()
  }

  /** Hands the queued records to the producer: one send per topic, topics in first-seen order. */
  sendPending(): void {
    if (this.#pendingCount === 0) return
    const pending = this.#pending
    this.#pending = new Map()
    this.#lastQueue = null
    this.#pendingCount = 0
    this.#pendingBytes = 0
    for (const [topic, queue] of pending) this.#send(topic, queue.records, queue.bytes)
  }

  #send(topic: string, records: readonly PendingRecord[], bytes: number): void {
    const producer = this.#options.producer
    const topicMessages = [{ topic, messages: records }]
    const sent = this.#options.trackedTopics.has(topic)
      ? producer.sendBatch({ topicMessages, results: 'records' }).then((results) => this.#acknowledged(topic, records, results ?? []))
      : producer.sendBatch({ topicMessages, results: 'none' })
    const promise = sent.then(
      () => this.#release(bytes),
      async (error: unknown) => {
        try {
          await this.#failed(topic, records, error)
        } finally {
          this.#release(bytes)
        }
      },
    )
    this.#inflight.add(promise)
    void promise.finally(() => this.#inflight.delete(promise))
  }

  #release(bytes: number): void {
    this.#bufferedBytes -= bytes
    this.#wakeCapacityWaiters()
  }

  #wakeCapacityWaiters(): void {
    if (this.#capacityWaiters.length === 0 || !this.hasCapacity) return
    const waiters = this.#capacityWaiters
    this.#capacityWaiters = []
    for (const resolve of waiters) resolve()
  }

  #acknowledged(topic: string, records: readonly PendingRecord[], results: readonly ProducedRecord[]): void {
    if (!this.#options.trackedTopics.has(topic)) return
    let partitions = this.#offsets.get(topic)
    if (partitions === undefined) this.#offsets.set(topic, (partitions = new Map()))
    for (let i = 0; i < records.length; i++) {
      const meta = results[i]
      if (meta === undefined || meta.offset < 0) continue
      if ((partitions.get(meta.partition) ?? -1) < meta.offset) partitions.set(meta.partition, meta.offset)
    }
  }

  async #failed(topic: string, records: readonly PendingRecord[], error: unknown): Promise<void> {
    if (error instanceof TopicPartitionError) {
      const record = records.find((r) => r.partition === undefined || r.partition === error.partition) ?? records[0]
      await this.#decide(error, topic, record)
      return
    }
    if (recordLevel(error) && records.length > 1) {
      // Find the bad records: each alone (the good ones get written).
      await Promise.all(records.map((r) => this.#options.producer.sendBatch({ topicMessages: [{ topic, messages: [r] }] })
        .then((results) => this.#acknowledged(topic, [r], results ?? []), (e: unknown) => this.#decide(e, topic, r))))
      return
    }
    for (const record of records) {
      await this.#decide(error, topic, record)
      if (this.#fatal !== null) return
    }
  }

  async #decide(error: unknown, topic: string, record: PendingRecord): Promise<void> {
    if (this.#fatal !== null) return
    const cause = error instanceof Error ? error : new Error(String(error))
    const context: FailedRecordContext = {
      topic, partition: record.partition ?? -1, offset: -1, key: record.key, value: record.value,
    }
    const response = await decideProduction(this.#options.handler, cause, context, headersOf(record), {
      logger: this.#options.logger,
      deadLetter: async (deadLetterTopic, key, value, headers) => {
        await this.#options.producer.sendBatch({ topicMessages: [{ topic: deadLetterTopic, messages: [{ key, value, headers }] }] })
      },
    })
    if (response === 'fail' && this.#fatal === null) {
      this.#fatal = new StreamsError('STREAMS_PRODUCTION', `A record for topic '${topic}'${record.partition === undefined ? '' : ` partition ${record.partition}`} `
        + `could not be produced: ${cause.message}. Fix the cause, or set productionExceptionHandler to skip or dead-letter such records`, { cause })
      this.#wakeCapacityWaiters()
    }
  }

  /**
   * Sends what is queued and waits until every record sent so far is acknowledged or decided
   * on; throws the failure decided 'fail'.
   */
  async flush(): Promise<void> {
    if (this.#fatal !== null) throw this.#fatal
    this.sendPending()
    await this.#options.producer.flush()
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight])
    if (this.#fatal !== null) throw this.#fatal
  }

  /** Offset of the last acknowledged record of a tracked topic's partition, undefined when none. */
  lastOffset(topic: string, partition: number): number | undefined {
    return this.#offsets.get(topic)?.get(partition)
  }

  /** Forgets queued records (a failed thread's dirty close; they were never committed). */
  discardPending(): void {
    this.#bufferedBytes -= this.#pendingBytes
    this.#pending = new Map()
    this.#lastQueue = null
    this.#pendingCount = 0
    this.#pendingBytes = 0
    this.#wakeCapacityWaiters()
  }
}
