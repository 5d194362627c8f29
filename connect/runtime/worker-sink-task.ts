/**
 * Runs one sink task (Kafka Connect's `WorkerSinkTask`, at-least-once): consume, convert,
 * transform, `put`, and commit consumer offsets once the task has flushed.
 *
 * Contracts:
 * - The consumer is a member of group `connect-<connector>` (auto-commit off, `earliest` when
 *   the group has no offset), subscribed to `topics` or `topics.regex`. Partitions assigned:
 *   `open`; revoked: offsets committed (as below), then `close`.
 * - Per fetched batch: each record is converted (key, value, headers) into a `SinkRecord` with
 *   its original coordinates, transformed, and the survivors `put` together. A CONNECT_RETRIABLE
 *   (any retriable) error from `put` puts the same records again after a backoff (the task's
 *   `context.timeout(ms)`, else exponential up to 10 s) until it succeeds or the task stops; any
 *   other error fails the task. Records that failed conversion or a transform follow
 *   errors.tolerance (error-handler.ts): skipped and reported, or the task fails.
 * - Consumed offsets move only once `put` returned. Every `offset.flush.interval.ms`, on
 *   revocation, when the task asks (`requestCommit`) and when it stops, the worker calls
 *   `preCommit(offsets)` (default: `flush(offsets)`, then the same offsets) and commits what it
 *   returns to the group. A crash before that re-delivers the records (never loses them). When
 *   `flush`/`preCommit` throws, nothing is committed and the consumer goes back to the last
 *   committed offsets, so the records are put again.
 * - `put`, commits and rebalance callbacks never overlap: they run one after another.
 * - A failed task commits nothing more and leaves the group.
 */
import { backoffDelay, type Consumer, type ConsumerMessage, type Creek, type EachBatchPayload, type Logger, isRetriable, sleep, SerialQueue } from '../../core/index.ts'
import type { SinkTask, SinkTaskContext, TopicPartitionOffset } from '../api/connector.ts'
import type { ConnectHeader, SinkRecord } from '../api/records.ts'
import type { SchemaAndValue } from '../api/schema.ts'
import { ConnectError } from '../errors.ts'
import type { ConnectorConfig } from './connector-config.ts'
import { type RawRecord, SKIPPED, type Skipped, type ToleranceOperator } from './error-handler.ts'
import type { TransformChain } from './plugins.ts'
import type { TaskConverters } from './worker-source-task.ts'
import { type TaskMetrics, WorkerTask, runStage } from './worker-task.ts'

type TP = { readonly topic: string; readonly partition: number }

const tpKey = (tp: TP): string => `${tp.topic}\u0000${tp.partition}`

/** The headers of records consumed without any (shared: records are never mutated). */
const NO_HEADERS: readonly ConnectHeader[] = Object.freeze([])

export interface WorkerSinkTaskOptions {
  readonly id: number
  readonly workerId: string
  readonly creek: Creek
  readonly task: SinkTask
  readonly taskConfig: Readonly<Record<string, string>>
  readonly connectorConfig: ConnectorConfig
  readonly converters: TaskConverters
  readonly transforms: TransformChain
  readonly errors: (signal: AbortSignal) => ToleranceOperator
  readonly offsetFlushIntervalMs: number
  readonly consumerOptions: object
  readonly logger: Logger
  readonly paused: boolean
}

export class WorkerSinkTask extends WorkerTask {
  readonly #options: WorkerSinkTaskOptions
  readonly #task: SinkTask
  readonly #errors: ToleranceOperator
  #consumer: Consumer | null = null
  /** Next offset to read, per partition, of records `put` (or skipped) so far. */
  readonly #consumed = new Map<string, TopicPartitionOffset>()
  readonly #committed = new Map<string, number>()
  /** Sink records → the records they were made of (for the errant record reporter). */
  readonly #raw = new WeakMap<SinkRecord, RawRecord>()
  /** Puts, commits and rebalance callbacks, one after another. */
  readonly #serial = new SerialQueue()
  #commitTimer: NodeJS.Timeout | undefined
  #putTimeoutMs: number | null = null
  #put = 0

  constructor(options: WorkerSinkTaskOptions) {
    super(options.connectorConfig.name, options.id, options.workerId, options.logger, options.paused)
    this.#options = options
    this.#task = options.task
    this.#errors = options.errors(this.signal)
  }

  metrics(): TaskMetrics {
    return { id: this.id, records: this.#put, skipped: this.#errors.skipped }
  }

  protected async execute(): Promise<void> {
    const { creek, connectorConfig, taskConfig } = this.#options
    const name = connectorConfig.name
    const consumer = creek.consumer({
      clientId: `connector-consumer-${name}-${this.id}`,
      autoOffsetReset: 'earliest',
      ...this.#options.consumerOptions,
      ...connectorConfig.consumerOverrides,
      groupId: `connect-${name}`,
      enableAutoCommit: false,
    })
    this.#consumer = consumer
    this.#task.initialize(this.#context())
    await this.#task.start(taskConfig)
    if (this.stopping) return
    await consumer.subscribe({
      topics: connectorConfig.topics ?? connectorConfig.topicsRegex!,
      onPartitionsAssigned: (partitions) => this.#serial.run(async () => {
        if (partitions.length > 0) await this.#task.open?.(partitions)
      }),
      onPartitionsRevoked: (partitions) => this.#serial.run(async () => {
        if (partitions.length === 0) return
        await this.#commit(partitions)
        for (const tp of partitions) {
          this.#consumed.delete(tpKey(tp))
          this.#committed.delete(tpKey(tp))
        }
        if (!this.killed) await this.#task.close?.(partitions)
      }),
    })
    if (this.stopping) return
    if (this.paused) this.onPause()
    // Synchronously after the check: a stop() from now on stops this run.
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#serial.run(() => this.#onBatch(payload)).catch((error: unknown) => {
        // The failure is the task's, not the consumer's: do not let it retry the batch.
        this.fail(error)
      }),
    })
    this.started()
    this.#commitTimer = setInterval(() => void this.#serial.run(() => this.#commit()).catch(() => undefined), this.#options.offsetFlushIntervalMs)
    await consumer.finished()
  }

  #context(): SinkTaskContext {
    return {
      configs: this.#options.taskConfig,
      offset: (offsets) => {
        for (const o of offsets) this.#consumer?.seek(o)
      },
      timeout: (ms) => {
        this.#putTimeoutMs = ms
      },
      assignment: () => this.#consumer?.assignment() ?? [],
      pause: (partitions) => this.#consumer?.pause(groupByTopic(partitions)),
      resume: (partitions) => this.#consumer?.resume(groupByTopic(partitions)),
      requestCommit: () => void this.#serial.run(() => this.#commit()).catch(() => undefined),
      errantRecordReporter: () => async (record, error) => {
        const consumed = this.#raw.get(record)
        const result = await this.#errors.execute('TASK_PUT', this.#task.constructor.name, () => { throw error }, consumed ? { consumed } : {})
        if (result !== SKIPPED) throw error
      },
    }
  }

  async #onBatch(payload: EachBatchPayload<Buffer | null, Buffer | null>): Promise<void> {
    const { batch } = payload
    if (this.stopping || this.signal.aborted || this.paused || payload.isStale()) return
    const records: SinkRecord[] = []
    for (const message of batch.messages) {
      const converting = this.#toSinkRecord(message)
      const record = converting instanceof Promise ? await converting : converting
      if (record !== null) records.push(record)
    }
    await this.#putWithRetries(records)
    if (this.killed) return
    const next = batch.lastOffset() + 1
    this.#consumed.set(tpKey(batch), { topic: batch.topic, partition: batch.partition, offset: next })
    payload.resolveOffset(batch.lastOffset())
  }

  /**
   * The transformed sink record of a consumed record; null when dropped or skipped. Synchronous
   * while every stage is (runStage): a promise only once a stage fails or is asynchronous, the
   * later stages then continuing after it.
   */
  #toSinkRecord(message: ConsumerMessage<Buffer | null, Buffer | null>): SinkRecord | null | Promise<SinkRecord | null> {
    const { converters } = this.#options
    const ctx: { readonly consumed: RawRecord } = { consumed: message }
    const key = runStage(this.#errors, 'KEY_CONVERTER', converters.names.key, () => converters.key.toConnectData(message.topic, message.headerList, message.key), ctx)
    return key instanceof Promise ? key.then((k) => this.#afterKey(message, ctx, k)) : this.#afterKey(message, ctx, key)
  }

  #afterKey(message: ConsumerMessage<Buffer | null, Buffer | null>, ctx: { readonly consumed: RawRecord }, key: SchemaAndValue | Skipped): SinkRecord | null | Promise<SinkRecord | null> {
    if (key === SKIPPED) return null
    const { converters } = this.#options
    const value = runStage(this.#errors, 'VALUE_CONVERTER', converters.names.value, () => converters.value.toConnectData(message.topic, message.headerList, message.value), ctx)
    return value instanceof Promise ? value.then((v) => this.#afterValue(message, ctx, key, v)) : this.#afterValue(message, ctx, key, value)
  }

  #afterValue(message: ConsumerMessage<Buffer | null, Buffer | null>, ctx: { readonly consumed: RawRecord }, key: SchemaAndValue, value: SchemaAndValue | Skipped): SinkRecord | null | Promise<SinkRecord | null> {
    if (value === SKIPPED) return null
    const { headerList, topic } = message
    if (headerList.length === 0) return this.#transform(message, ctx, key, value, NO_HEADERS)
    const { converters } = this.#options
    const headers = runStage(this.#errors, 'HEADER_CONVERTER', converters.names.header, () => headerList.map((h): ConnectHeader => {
      const converted = converters.header.toConnectHeader(topic, h.key, h.value)
      return { key: h.key, schema: converted.schema, value: converted.value }
    }), ctx)
    return headers instanceof Promise ? headers.then((h) => this.#transform(message, ctx, key, value, h)) : this.#transform(message, ctx, key, value, headers)
  }

  #transform(message: ConsumerMessage<Buffer | null, Buffer | null>, ctx: { readonly consumed: RawRecord }, key: SchemaAndValue, value: SchemaAndValue, headers: readonly ConnectHeader[] | Skipped): SinkRecord | null | Promise<SinkRecord | null> {
    if (headers === SKIPPED) return null
    const { topic } = message
    const record: SinkRecord = {
      topic, kafkaPartition: message.partition, kafkaOffset: message.offset,
      keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value,
      timestamp: message.timestamp, timestampType: message.timestampType, headers,
      originalTopic: topic, originalKafkaPartition: message.partition, originalKafkaOffset: message.offset,
    }
    const transformed = runStage(this.#errors, 'TRANSFORMATION', 'TransformChain', () => this.#options.transforms.apply(record), ctx)
    return transformed instanceof Promise ? transformed.then((t) => this.#delivered(ctx, t)) : this.#delivered(ctx, transformed)
  }

  #delivered(ctx: { readonly consumed: RawRecord }, transformed: SinkRecord | null | Skipped): SinkRecord | null {
    if (transformed === SKIPPED || transformed === null) return null
    // Only records that reach the task can be reported through its errant record reporter.
    this.#raw.set(transformed, ctx.consumed)
    return transformed
  }

  async #putWithRetries(records: readonly SinkRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#task.put(records)
        this.#put += records.length
        return
      } catch (error) {
        if (!isRetriable(error)) {
          throw new ConnectError('CONNECT_TASK_FAILED', `Sink task ${this.connector}-${this.id} failed in put() of ${records.length} records${describeRange(records)}: ${(error as Error)?.message ?? String(error)}`, { cause: error })
        }
        if (this.stopping) throw new ConnectError('CONNECT_TASK_FAILED', `Sink task ${this.connector}-${this.id} stopped while put() was being retried`, { cause: error })
        const delay = this.#putTimeoutMs ?? backoffDelay(attempt, { initialBackoffMs: 100, maxBackoffMs: 10_000 })
        this.#putTimeoutMs = null
        this.logger.warn(`Sink task ${this.connector}-${this.id}: put() failed with a retriable error; the same ${records.length} records are put again in ${delay} ms`, { cause: String(error) })
        await sleep(delay, this.signal).catch(() => undefined)
      }
    }
  }

  /** preCommit (flush) then commit of consumed offsets (of `partitions`, default all). */
  async #commit(partitions?: readonly TP[]): Promise<void> {
    if (this.killed || this.state === 'FAILED' || this.#consumer === null) return
    const wanted = partitions === undefined ? null : new Set(partitions.map(tpKey))
    const offsets = [...this.#consumed.entries()]
      .filter(([key, o]) => (wanted === null || wanted.has(key)) && this.#committed.get(key) !== o.offset)
      .map(([, o]) => o)
    if (offsets.length === 0) return
    let committable: readonly TopicPartitionOffset[]
    try {
      if (this.#task.preCommit) committable = await this.#task.preCommit(offsets)
      else {
        await this.#task.flush?.(offsets)
        committable = offsets
      }
    } catch (error) {
      // Nothing flushed may be committed: go back to what is, so that the records come again.
      this.logger.error(`Sink task ${this.connector}-${this.id}: flush before the offset commit failed; rewinding to the last committed offsets`, { cause: String(error) })
      for (const o of offsets) {
        const committed = this.#committed.get(tpKey(o))
        if (committed !== undefined) {
          this.#consumer.seek({ topic: o.topic, partition: o.partition, offset: committed })
          this.#consumed.set(tpKey(o), { ...o, offset: committed })
        } else {
          this.#consumer.seekToBeginning([{ topic: o.topic, partition: o.partition }])
          this.#consumed.delete(tpKey(o))
        }
      }
      return
    }
    const allowed = committable.filter((o) => {
      const consumed = this.#consumed.get(tpKey(o))
      return consumed !== undefined && o.offset <= consumed.offset
    })
    if (allowed.length === 0) return
    await this.#consumer.commitOffsets(allowed.map(({ topic, partition, offset }) => ({ topic, partition, offset })))
    for (const o of allowed) this.#committed.set(tpKey(o), o.offset)
  }

  protected override onPause(): void {
    const consumer = this.#consumer
    if (consumer === null) return
    const topics = [...new Set([...(this.#options.connectorConfig.topics ?? []), ...consumer.assignment().map((tp) => tp.topic)])]
    consumer.pause(topics.map((topic) => ({ topic })))
  }

  protected override onResume(): void {
    const consumer = this.#consumer
    if (consumer === null) return
    const topics = [...new Set([...(this.#options.connectorConfig.topics ?? []), ...consumer.assignment().map((tp) => tp.topic), ...consumer.paused().map((tp) => tp.topic)])]
    consumer.resume(topics.map((topic) => ({ topic })))
  }

  protected async requestStop(): Promise<void> {
    clearInterval(this.#commitTimer)
    await this.#serial.run(() => this.#commit()).catch((error: unknown) => this.logger.warn(`Final offset commit of sink task ${this.connector}-${this.id} failed`, { cause: String(error) }))
    // Leaving the group revokes the partitions: commit (nothing new by now) and close.
    await this.#consumer?.stop()
  }

  protected async cleanup(failed: boolean): Promise<void> {
    clearInterval(this.#commitTimer)
    if (failed) await this.#consumer?.stop().catch(() => undefined)
    try {
      await this.#task.stop()
    } catch (error) {
      this.logger.warn(`stop() of sink task ${this.connector}-${this.id} threw`, { cause: String(error) })
    }
    this.#options.transforms.close?.()
    await this.#consumer?.close().catch(() => undefined)
  }

  protected onKill(): void {
    clearInterval(this.#commitTimer)
    this.#consumer?.kill()
  }
}

function groupByTopic(partitions: readonly TP[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>()
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }))
}

function describeRange(records: readonly SinkRecord[]): string {
  if (records.length === 0) return ''
  const first = records[0]
  return ` (first: ${first.originalTopic}-${first.originalKafkaPartition} offset ${first.originalKafkaOffset})`
}
