/**
 * Runs one source task (Kafka Connect's `WorkerSourceTask`, at-least-once): poll, transform,
 * convert, produce, and record source offsets.
 *
 * Contracts:
 * - Records of one `poll()` are transformed, converted (key, value, headers) and produced in
 *   order as one send (acks=all). The next `poll()` does not wait for the acknowledgement (as
 *   Kafka's worker, which sends asynchronously): up to MAX_SENDS_IN_FLIGHT polls' sends are in
 *   flight, so the source reads while the producer lingers and the broker appends. A poll's
 *   `sourceOffset`s (also those of records a transform dropped or errors.tolerance=all skipped)
 *   are recorded only once its send and every earlier one were acknowledged, in poll order;
 *   then `commitRecord` is called per record. A failed send fails the task, and no offset of
 *   it or of a later poll is recorded.
 * - Recorded offsets go to the offset store and are flushed every `offset.flush.interval.ms`
 *   and when the task stops, then `commit()` is called. A crash loses at most the offsets since
 *   the last flush: their records are produced again (at-least-once, never lost).
 * - `poll` may block; `stop()` calls the task's `stop()` to interrupt it. A retriable error from
 *   `poll` is logged and polled again after a backoff; any other fails the task.
 */
import { backoffDelay, type Creek, type Logger, type Producer, type ProducerMessage, type RecordHeader, isRetriable, sleep } from '../../core/index.ts'
import type { OffsetStorageReader, SourceTask } from '../api/connector.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { SourceMap, SourceRecord } from '../api/records.ts'
import { ConnectError } from '../errors.ts'
import type { ConnectorConfig } from './connector-config.ts'
import { SKIPPED, type ToleranceOperator } from './error-handler.ts'
import { canonicalJson } from './file-offset-store.ts'
import type { SourceOffsetStore } from './offset-store.ts'
import type { TransformChain } from './plugins.ts'
import { type TaskMetrics, WorkerTask, runStage } from './worker-task.ts'

/**
 * Polls whose sends may be unacknowledged at once. More overlap nothing more (one send lingers
 * or appends while the next poll reads and converts) and hold more records in memory.
 */
export const MAX_SENDS_IN_FLIGHT = 3

export interface TaskConverters {
  readonly key: Converter
  readonly value: Converter
  readonly header: HeaderConverter
  /** Class names, for error reports. */
  readonly names: { readonly key: string; readonly value: string; readonly header: string }
}

export interface WorkerSourceTaskOptions {
  readonly id: number
  readonly workerId: string
  readonly creek: Creek
  readonly task: SourceTask
  readonly taskConfig: Readonly<Record<string, string>>
  readonly connectorConfig: ConnectorConfig
  readonly converters: TaskConverters
  readonly transforms: TransformChain
  readonly errors: (signal: AbortSignal) => ToleranceOperator
  readonly offsets: SourceOffsetStore
  readonly offsetFlushIntervalMs: number
  readonly producerOptions: object
  readonly logger: Logger
  readonly paused: boolean
}

export class WorkerSourceTask extends WorkerTask {
  readonly #options: WorkerSourceTaskOptions
  readonly #task: SourceTask
  readonly #errors: ToleranceOperator
  #producer: Producer | null = null
  /** Acknowledged offsets not yet flushed: canonical partition → [partition, offset]. */
  #acked = new Map<string, [SourceMap, SourceMap]>()
  #flushTimer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()
  #produced = 0
  /** Per poll in flight, oldest first: resolves once its offsets are recorded (or it failed). */
  readonly #inFlight: Promise<void>[] = []
  /** The acknowledgement chain: each poll's bookkeeping runs after the previous poll's. */
  #acks: Promise<void> = Promise.resolve()
  /** The first failed send: fails the task at the next turn of the loop. */
  #sendFailure: unknown = null

  constructor(options: WorkerSourceTaskOptions) {
    super(options.connectorConfig.name, options.id, options.workerId, options.logger, options.paused)
    this.#options = options
    this.#task = options.task
    this.#errors = options.errors(this.signal)
  }

  metrics(): TaskMetrics {
    return { id: this.id, records: this.#produced, skipped: this.#errors.skipped }
  }

  protected async execute(): Promise<void> {
    const { creek, connectorConfig, taskConfig, offsets } = this.#options
    const name = connectorConfig.name
    const reader: OffsetStorageReader = {
      offset: async (partition) => offsets.get(name, partition),
      offsets: async (partitions) => new Map(partitions.flatMap((p) => {
        const offset = offsets.get(name, p)
        return offset === null ? [] : [[canonicalJson(p), offset] as const]
      })),
    }
    this.#task.initialize({ offsetStorageReader: reader, configs: taskConfig })
    this.#producer = creek.producer({
      clientId: `connector-producer-${name}-${this.id}`,
      ...this.#options.producerOptions,
      ...connectorConfig.producerOverrides,
      acks: 'all',
    })
    await this.#task.start(taskConfig)
    this.started()
    this.#flushTimer = setInterval(() => void this.flushOffsets().catch(() => undefined), this.#options.offsetFlushIntervalMs)
    let pollFailures = 0
    while (!this.stopping) {
      this.#throwIfSendFailed()
      await this.waitWhilePaused()
      if (this.stopping) break
      let records: SourceRecord[] | null
      try {
        records = await this.#task.poll()
        pollFailures = 0
      } catch (error) {
        if (this.stopping) break
        if (!isRetriable(error)) throw new ConnectError('CONNECT_TASK_FAILED', `Source task ${name}-${this.id} failed in poll(): ${(error as Error)?.message ?? String(error)}`, { cause: error })
        const delay = backoffDelay(++pollFailures, { initialBackoffMs: 100, maxBackoffMs: 10_000 })
        this.logger.warn(`Source task ${name}-${this.id}: poll() failed with a retriable error; polling again in ${delay} ms`, { cause: String(error) })
        await sleep(delay, this.signal).catch(() => undefined)
        continue
      }
      if (records === null || records.length === 0 || this.killed) continue
      await this.#send(records)
      while (this.#inFlight.length >= MAX_SENDS_IN_FLIGHT) await this.#inFlight.shift()
    }
    // Stopping: the polls in flight are acknowledged (or fail) before cleanup flushes offsets.
    while (this.#inFlight.length > 0) await this.#inFlight.shift()
    this.#throwIfSendFailed()
  }

  #throwIfSendFailed(): void {
    if (this.#sendFailure !== null && !this.killed) throw this.#sendFailure
  }

  /**
   * Converts one poll's records and hands them to the producer; returns once they are queued.
   * Their offsets are recorded when they and every earlier poll's records are acknowledged.
   */
  async #send(records: readonly SourceRecord[]): Promise<void> {
    const { converters, transforms } = this.#options
    const errors = this.#errors
    const groups: { topic: string; messages: ProducerMessage[] }[] = []
    // Only a task that wants commitRecord needs to know which records were sent.
    const sent: SourceRecord[] | null = this.#task.commitRecord ? [] : null
    let sentCount = 0
    let last: { topic: string; messages: ProducerMessage[] } | undefined
    for (let i = 0; i < records.length; i++) {
      const record = records[i]
      // Every stage runs directly while it succeeds synchronously (runStage): no promise per record.
      const ctx = { sourceRecord: record }
      const transforming = runStage(errors, 'TRANSFORMATION', 'TransformChain', () => transforms.apply(record), ctx)
      const transformed = transforming instanceof Promise ? await transforming : transforming
      if (transformed === SKIPPED || transformed === null) continue
      const out: SourceRecord = transformed
      const { topic } = out
      const headers: RecordHeader[] = []
      if (out.headers.length > 0) {
        const converting = runStage(errors, 'HEADER_CONVERTER', converters.names.header, () => {
          for (const h of out.headers) headers.push({ key: h.key, value: converters.header.fromConnectHeader(topic, h.key, h.schema, h.value) })
          return true
        }, ctx)
        const headersDone = converting instanceof Promise ? await converting : converting
        if (headersDone === SKIPPED) continue
      }
      const keying = runStage(errors, 'KEY_CONVERTER', converters.names.key, () => converters.key.fromConnectData(topic, headers, out.keySchema, out.key), ctx)
      const key = keying instanceof Promise ? await keying : keying
      if (key === SKIPPED) continue
      const valuing = runStage(errors, 'VALUE_CONVERTER', converters.names.value, () => converters.value.fromConnectData(topic, headers, out.valueSchema, out.value), ctx)
      const value = valuing instanceof Promise ? await valuing : valuing
      if (value === SKIPPED) continue
      const message: ProducerMessage = out.timestamp === null && out.kafkaPartition === null ? { key, value, headers } : {
        key, value, headers,
        ...(out.timestamp === null ? {} : { timestamp: out.timestamp }),
        ...(out.kafkaPartition === null ? {} : { partition: out.kafkaPartition }),
      }
      if (last?.topic === topic) last.messages.push(message)
      else groups.push(last = { topic, messages: [message] })
      sent?.push(record)
      sentCount++
    }
    // Where each record went matters only to commitRecord: without it, the send resolves with nothing.
    const sending: Promise<readonly { topic: string; partition: number; offset: number }[] | void> = groups.length === 0
      ? Promise.resolve()
      : this.#producer!.sendBatch({ topicMessages: groups, acks: 'all', results: sent === null ? 'none' : 'records' }).catch((error: unknown) => {
        throw new ConnectError('CONNECT_TASK_FAILED', `Source task ${this.connector}-${this.id} could not produce to ${groups.map((g) => g.topic).join(', ')}: ${(error as Error).message}`, { cause: error })
      })
    sending.catch(() => undefined) // Handled in the chain below, which skips it after an earlier failure.
    // A rejection stays in the chain: no later poll's offsets are recorded after a failed send.
    this.#acks = this.#acks.then(() => sending).then((metadata) => this.#acknowledged(records, sent, sentCount, metadata))
    this.#inFlight.push(this.#acks.catch((error: unknown) => {
      this.#sendFailure ??= error
    }))
  }

  /** Bookkeeping of one acknowledged poll, in poll order. */
  async #acknowledged(records: readonly SourceRecord[], sent: readonly SourceRecord[] | null, sentCount: number, metadata: readonly { topic: string; partition: number; offset: number }[] | void): Promise<void> {
    if (this.killed) return
    this.#produced += sentCount
    this.#recordAcked(records)
    if (sent !== null) {
      const bySent = new Map(sent.map((record, i) => [record, metadata?.[i] ?? null]))
      for (const record of records) await this.#task.commitRecord!(record, bySent.get(record) ?? null)
    }
  }

  /**
   * Records the offsets of acknowledged records: per source partition, the last record's. Runs of
   * records sharing one partition object (the usual case) are keyed once, not per record.
   */
  #recordAcked(records: readonly SourceRecord[]): void {
    let partition: SourceMap | null = null
    let key: string | null = null
    let offset: SourceMap | null = null
    const flush = (): void => {
      // An empty source partition (e.g. stdin) has no position to resume from.
      if (key !== null) this.#acked.set(key, [partition!, offset!])
    }
    for (const record of records) {
      if (record.sourcePartition !== partition) {
        flush()
        partition = record.sourcePartition
        key = Object.keys(partition).length > 0 ? canonicalJson(partition) : null
      }
      offset = record.sourceOffset
    }
    flush()
  }

  /** Writes acknowledged offsets to the offset file, then tells the task (`commit`). */
  flushOffsets(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => undefined).then(async () => {
      if (this.killed || this.#acked.size === 0) return
      const acked = this.#acked
      this.#acked = new Map()
      this.#options.offsets.set(this.connector, acked.values())
      try {
        await this.#options.offsets.flush()
      } catch (error) {
        this.logger.error(`Flushing the offsets of task ${this.connector}-${this.id} failed; retried at the next flush`, { cause: String(error) })
        throw error
      }
      await this.#task.commit?.()
    })
    return this.#flushing
  }

  protected async requestStop(): Promise<void> {
    try {
      await this.#task.stop()
    } catch (error) {
      this.logger.warn(`stop() of source task ${this.connector}-${this.id} threw`, { cause: String(error) })
    }
  }

  protected async cleanup(failed: boolean): Promise<void> {
    clearInterval(this.#flushTimer)
    if (failed) {
      // Offsets of acknowledged records are still safe to keep.
      await this.requestStop()
    }
    await this.flushOffsets().catch(() => undefined)
    this.#options.transforms.close?.()
    await this.#producer?.close().catch(() => undefined)
  }

  protected onKill(): void {
    clearInterval(this.#flushTimer)
    this.#acked.clear()
    void Promise.resolve(this.#task.stop()).catch(() => undefined)
  }
}
