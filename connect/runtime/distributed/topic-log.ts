/**
 * `TopicLog`: a compacted topic read from the beginning into memory and appended to (Kafka's
 * `KafkaBasedLog`), the storage of the distributed worker's configs, offsets and statuses.
 *
 * Contracts:
 * - `open` creates the topic when missing (`partitions`, `cleanup.policy=compact`; losing the
 *   creation race to another worker is fine) and refuses an existing one that is not compacted,
 *   or, for a log that needs one (`exactPartitions`), has another partition count.
 * - One reader per log: a consumer without a group assigned every partition from offset 0,
 *   handing every record to `onRecord` once, in order within a partition.
 * - `readToEnd()` resolves once everything in the log when it was called has been applied;
 *   `send` resolves once the broker acknowledged the record (acks=all); `sendAndRead` also once
 *   the reader applied it (read-your-writes).
 * - Failures: a write or read-back that does not complete is a CONNECT_OFFSET_STORAGE error
 *   (retriable) naming the topic.
 */
import { type Admin, type Consumer, type Creek, ErrorCode, KafkaApiError, type Logger, type Producer } from '../../../core/index.ts'
import { ConnectError } from '../../errors.ts'

export interface TopicLogOptions {
  readonly creek: Creek
  readonly topic: string
  readonly partitions: number
  /** Refuse an existing topic with another partition count (the config topic must have 1). */
  readonly exactPartitions?: boolean
  readonly clientId: string
  readonly logger: Logger
  /** Called with every record in log order; errors are logged and the record skipped. */
  readonly onRecord: (key: string | null, value: Buffer | null, partition: number, offset: number) => void
  /** How long `readToEnd` and `sendAndRead` may wait (default 30000 ms). */
  readonly timeoutMs?: number
}

export class TopicLog {
  readonly topic: string
  readonly #options: TopicLogOptions
  readonly #admin: Admin
  readonly #producer: Producer
  readonly #consumer: Consumer
  /** Next offset to apply, per partition. */
  readonly #applied = new Map<number, number>()
  #partitions = 0
  #changed: (() => void)[] = []
  #closed = false

  private constructor(options: TopicLogOptions) {
    this.#options = options
    this.topic = options.topic
    this.#admin = options.creek.admin({ clientId: `${options.clientId}-admin` })
    this.#producer = options.creek.producer({ clientId: `${options.clientId}-producer`, acks: 'all', lingerMs: 0, allowAutoTopicCreation: false })
    this.#consumer = options.creek.consumer({ clientId: `${options.clientId}-reader`, autoOffsetReset: 'earliest', allowAutoCreateTopics: false, fetchMaxWaitMs: 100 })
  }

  static async open(options: TopicLogOptions): Promise<TopicLog> {
    const log = new TopicLog(options)
    try {
      await log.#ensureTopic()
      log.#startReader()
      await log.readToEnd()
    } catch (error) {
      await log.close().catch(() => undefined)
      throw error instanceof ConnectError ? error : new ConnectError('CONNECT_OFFSET_STORAGE', `Cannot open the Connect topic '${options.topic}': ${(error as Error).message}`, { cause: error })
    }
    return log
  }

  async #ensureTopic(): Promise<void> {
    const { topic, partitions, logger } = this.#options
    const existing = await this.#admin.listTopics({ includeInternal: true })
    if (!existing.includes(topic)) {
      try {
        await this.#admin.createTopics([{ topic, numPartitions: partitions, configs: { 'cleanup.policy': 'compact' } }])
        logger.info(`Created the Connect topic '${topic}' (${partitions} partitions, cleanup.policy=compact)`)
      } catch (error) {
        if (!(error instanceof KafkaApiError && error.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw error
      }
    }
    const [description] = await this.#admin.describeTopics([topic])
    this.#partitions = description.partitions.length
    if (this.#options.exactPartitions && this.#partitions !== partitions) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `The Connect topic '${topic}' has ${this.#partitions} partitions; it must have exactly ${partitions} (order across partitions is not defined)`)
    }
    const [policy] = await this.#admin.describeConfigs({ type: 'topic', name: topic }, { keys: ['cleanup.policy'] })
    if (policy !== undefined && !(policy.value ?? '').split(',').map((p) => p.trim()).includes('compact')) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `The Connect topic '${topic}' has cleanup.policy=${policy.value}; it must be compact, or configs and offsets would be deleted`)
    }
  }

  #startReader(): void {
    const partitions = Array.from({ length: this.#partitions }, (_, partition) => ({ topic: this.topic, partition }))
    for (const { partition } of partitions) this.#applied.set(partition, 0)
    this.#consumer.assign(partitions)
    for (const tp of partitions) this.#consumer.seek({ ...tp, offset: 0 })
    void this.#consumer.run({
      eachMessage: async ({ message }) => this.#apply(message.partition, message.offset, message.key, message.value),
    }).catch((error: unknown) => this.#options.logger.error(`The reader of Connect topic '${this.topic}' failed`, { cause: String(error) }))
  }

  #apply(partition: number, offset: number, key: Buffer | null, value: Buffer | null): void {
    if (offset < (this.#applied.get(partition) ?? 0)) return
    try {
      this.#options.onRecord(key === null ? null : key.toString('utf8'), value, partition, offset)
    } catch (error) {
      this.#options.logger.error(`Skipping a record of Connect topic '${this.topic}' that could not be applied`, { partition, offset, cause: String(error) })
    }
    this.#applied.set(partition, offset + 1)
    const listeners = this.#changed
    this.#changed = []
    for (const listener of listeners) listener()
  }

  /** The next offset to apply of a partition (for the config topic: its "config offset"). */
  applied(partition = 0): number {
    return this.#applied.get(partition) ?? 0
  }

  get partitions(): number {
    return this.#partitions
  }

  async #waitUntil(done: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + (this.#options.timeoutMs ?? 30_000)
    while (!(await done())) {
      if (this.#closed) throw new ConnectError('CONNECT_OFFSET_STORAGE', `The Connect topic '${this.topic}' is closed`)
      if (Date.now() > deadline) throw new ConnectError('CONNECT_OFFSET_STORAGE', `${what} of Connect topic '${this.topic}' did not complete within ${this.#options.timeoutMs ?? 30_000} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.#changed.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Resolves once every record in the log now has been applied. */
  async readToEnd(): Promise<void> {
    if (this.#closed) throw new ConnectError('CONNECT_OFFSET_STORAGE', `The Connect topic '${this.topic}' is closed`)
    const ends = await this.#admin.fetchTopicOffsets(this.topic)
    await this.#waitUntil(async () => {
      for (const { partition, latest } of ends) {
        if (this.applied(partition) >= latest) continue
        // Compaction may leave nothing to read at the tail: the reader's position tells.
        const position = await this.#consumer.position({ topic: this.topic, partition }).catch(() => 0)
        if (position < latest) return false
      }
      return true
    }, 'Reading to the end')
  }

  /** Appends one record (null value: a tombstone); resolves with its partition and offset once acknowledged. */
  async send(key: string, value: Buffer | string | null, partition?: number): Promise<{ partition: number; offset: number }> {
    if (this.#closed) throw new ConnectError('CONNECT_OFFSET_STORAGE', `The Connect topic '${this.topic}' is closed`)
    try {
      const [meta] = await this.#producer.send({ topic: this.topic, messages: [{ key, value, ...(partition === undefined ? {} : { partition }) }] })
      return { partition: meta.partition, offset: meta.offset }
    } catch (error) {
      throw new ConnectError('CONNECT_OFFSET_STORAGE', `Could not write to Connect topic '${this.topic}': ${(error as Error).message}`, { cause: error })
    }
  }

  /** Appends records in order to one partition, and resolves once they have been applied. */
  async sendAndRead(records: readonly { key: string; value: Buffer | string | null }[], partition = 0): Promise<number> {
    if (records.length === 0) return this.applied(partition)
    let last = -1
    try {
      const metas = await this.#producer.send({ topic: this.topic, messages: records.map(({ key, value }) => ({ key, value, partition })) })
      last = Math.max(...metas.map((m) => m.offset))
    } catch (error) {
      throw new ConnectError('CONNECT_OFFSET_STORAGE', `Could not write to Connect topic '${this.topic}': ${(error as Error).message}`, { cause: error })
    }
    await this.#waitUntil(async () => this.applied(partition) > last, 'Reading back a write')
    return last
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const listener of this.#changed.splice(0)) listener()
    const results = await Promise.allSettled([this.#consumer.close(), this.#producer.close(), this.#admin.close()])
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }
}
