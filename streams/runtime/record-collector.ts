/**
 * The output side of a stream thread (Kafka Streams' `RecordCollector`): every record its tasks
 * produce — sink and repartition records, changelog records of their stores — goes through the
 * thread's one producer. Records are queued in call order and handed to the producer in batches
 * (one `send` per topic, when `maxPending` are queued and at the end of each processing round),
 * so a partition's records are written in the order the tasks sent them, and a topic that
 * cannot be written to does not hold back the others.
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
 * Concurrency: single-threaded; acknowledgements arrive between records.
 */
import { type Logger, type ProducerSendBatch, type RecordHeader, type RecordMetadata as ProducedRecord, TopicPartitionError } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { ExceptionHandler, FailedRecordContext } from './config.ts'
import { decideProduction } from './production-handler.ts'

/** The part of core's `Producer` the collector uses. */
export interface OutputProducer {
  sendBatch(request: ProducerSendBatch): Promise<ProducedRecord[]>
  flush(): Promise<void>
}

interface PendingRecord {
  readonly topic: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
  readonly timestamp: number
  readonly partition: number | undefined
}

export interface RecordCollectorOptions {
  readonly producer: OutputProducer
  readonly handler: ExceptionHandler<FailedRecordContext>
  readonly logger: Logger
  /** Topics whose acknowledged offsets are kept (changelogs). */
  readonly trackedTopics: ReadonlySet<string>
  /** Records queued before they are handed to the producer (default 1000). */
  readonly maxPending?: number
}

/** Refusals of single records (found by sending them one by one), not of the whole topic. */
function recordLevel(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'CORE_RECORD_TOO_LARGE' || code === 'CORE_INVALID_ARGUMENT'
}

function toMessage(r: PendingRecord): { key: Buffer | null; value: Buffer | null; headers: readonly RecordHeader[]; timestamp: number | undefined; partition: number | undefined } {
  return { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp >= 0 ? r.timestamp : undefined, partition: r.partition }
}

export class RecordCollector {
  readonly #options: RecordCollectorOptions
  readonly #maxPending: number
  #pending: PendingRecord[] = []
  readonly #inflight = new Set<Promise<void>>()
  readonly #offsets = new Map<string, Map<number, number>>()
  #fatal: StreamsError | null = null

  constructor(options: RecordCollectorOptions) {
    this.#options = options
    this.#maxPending = options.maxPending ?? 1000
  }

  /** The failure that fails the thread, once the handler answered 'fail'. */
  get fatalError(): StreamsError | null {
    return this.#fatal
  }

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void {
    if (this.#fatal !== null) throw this.#fatal
    this.#pending.push({ topic, key, value, headers, timestamp, partition })
    if (this.#pending.length >= this.#maxPending) this.sendPending()
  }

  /** Hands the queued records to the producer: one send per topic, topics in first-seen order. */
  sendPending(): void {
    if (this.#pending.length === 0) return
    const records = this.#pending
    this.#pending = []
    const byTopic = new Map<string, PendingRecord[]>()
    for (const r of records) {
      let list = byTopic.get(r.topic)
      if (list === undefined) byTopic.set(r.topic, (list = []))
      list.push(r)
    }
    for (const [topic, list] of byTopic) this.#send(topic, list)
  }

  #send(topic: string, records: readonly PendingRecord[]): void {
    const promise = this.#options.producer.sendBatch({ topicMessages: [{ topic, messages: records.map(toMessage) }] }).then(
      (results) => this.#acknowledged(topic, records, results),
      (error: unknown) => this.#failed(topic, records, error),
    )
    this.#inflight.add(promise)
    void promise.finally(() => this.#inflight.delete(promise))
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
      await this.#decide(error, record)
      return
    }
    if (recordLevel(error) && records.length > 1) {
      // Find the bad records: each alone (the good ones get written).
      await Promise.all(records.map((r) => this.#options.producer.sendBatch({ topicMessages: [{ topic, messages: [toMessage(r)] }] })
        .then((results) => this.#acknowledged(topic, [r], results), (e: unknown) => this.#decide(e, r))))
      return
    }
    for (const record of records) {
      await this.#decide(error, record)
      if (this.#fatal !== null) return
    }
  }

  async #decide(error: unknown, record: PendingRecord): Promise<void> {
    if (this.#fatal !== null) return
    const cause = error instanceof Error ? error : new Error(String(error))
    const context: FailedRecordContext = {
      topic: record.topic, partition: record.partition ?? -1, offset: -1, key: record.key, value: record.value,
    }
    const response = await decideProduction(this.#options.handler, cause, context, record.headers, {
      logger: this.#options.logger,
      deadLetter: async (topic, key, value, headers) => {
        await this.#options.producer.sendBatch({ topicMessages: [{ topic, messages: [{ key, value, headers }] }] })
      },
    })
    if (response === 'fail' && this.#fatal === null) {
      this.#fatal = new StreamsError('STREAMS_PRODUCTION', `A record for topic '${record.topic}'${record.partition === undefined ? '' : ` partition ${record.partition}`} `
        + `could not be produced: ${cause.message}. Fix the cause, or set productionExceptionHandler to skip or dead-letter such records`, { cause })
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
    this.#pending = []
  }
}
