/**
 * `RegistryStore`: the registry's topic (default `_schemas`) as a replicated log of registry
 * records. Writing appends records; reading applies them, in log order, through `onRecord`.
 *
 * Contracts:
 * - The topic has one partition and `cleanup.policy=compact`; `open` creates it so when missing
 *   (losing a creation race to another node is fine) and refuses a topic that is not so.
 * - One reader per store: a consumer without a group assigned to partition 0 from the start,
 *   handing every record to `onRecord` exactly once and in order. `appliedOffset` is the offset
 *   after the last record applied.
 * - `write` resolves once the reader has applied the records written (read-your-writes): the
 *   state a caller looks at next includes them, and every record other nodes wrote before them.
 * - `sync` resolves once everything in the log when it was called has been applied. It compares
 *   with the log end offset and, when behind, writes a NOOP record and waits for it, as Confluent
 *   does: the end offset alone cannot be waited for, because compaction may leave no record at
 *   the tail to read. `open` syncs before resolving, so a node starts with the whole state.
 * - Failures: a write the producer could not complete is a RegistryError 50001 (retriable); a
 *   read-back slower than `timeoutMs` is 50002. A reader that stopped fails every later call
 *   with 50001.
 *
 * Concurrency: any number of writes may be in flight; each waits for its own offsets.
 */
import { type Admin, type Consumer, type Creek, ErrorCode, KafkaApiError, type Logger, type Producer } from '../../core/index.ts'
import { RegistryError, registryErrors } from './registry-errors.ts'
import { type RegistryRecord, decodeRecord, encodeKey, encodeValue } from './registry-records.ts'

export interface RegistryStoreOptions {
  readonly creek: Creek
  readonly topic: string
  /** How long a write may take to be read back (and `open` to catch up). */
  readonly timeoutMs: number
  readonly logger: Logger
  /** Called with every record in log order; must not throw (errors are logged and the record skipped). */
  readonly onRecord: (record: RegistryRecord, timestamp: number, offset: number) => void
}

interface Waiter {
  readonly offset: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

let instances = 0

export class RegistryStore {
  readonly topic: string
  readonly #options: RegistryStoreOptions
  readonly #admin: Admin
  readonly #producer: Producer
  readonly #consumer: Consumer
  #applied = 0
  #waiters: Waiter[] = []
  #changeListeners: (() => void)[] = []
  #failure: RegistryError | undefined
  #closed = false

  private constructor(options: RegistryStoreOptions) {
    this.#options = options
    this.topic = options.topic
    const name = `creek-schema-registry-${++instances}`
    this.#admin = options.creek.admin({ clientId: `${name}-admin` })
    this.#producer = options.creek.producer({ clientId: `${name}-producer`, acks: 'all', lingerMs: 0, allowAutoTopicCreation: false })
    this.#consumer = options.creek.consumer({ clientId: `${name}-reader`, autoOffsetReset: 'earliest', allowAutoCreateTopics: false, fetchMaxWaitMs: 200 })
  }

  /** Ensures the topic, starts the reader and catches up with the log. */
  static async open(options: RegistryStoreOptions): Promise<RegistryStore> {
    const store = new RegistryStore(options)
    try {
      await store.#ensureTopic()
      store.#startReader()
      await store.sync()
    } catch (error) {
      await store.close().catch(() => undefined)
      throw error instanceof RegistryError ? error : registryErrors.storeError(`Cannot open the schema registry on topic '${options.topic}': ${(error as Error).message}`, error)
    }
    return store
  }

  /** The offset after the last record applied. */
  get appliedOffset(): number {
    return this.#applied
  }

  async #ensureTopic(): Promise<void> {
    const { topic } = this
    const existing = await this.#admin.listTopics({ includeInternal: true })
    if (!existing.includes(topic)) {
      try {
        await this.#admin.createTopics([{ topic, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } }])
        this.#options.logger.info(`Created the schema registry topic '${topic}' (1 partition, cleanup.policy=compact)`)
      } catch (error) {
        if (!(error instanceof KafkaApiError && error.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw error
      }
    }
    const [description] = await this.#admin.describeTopics([topic])
    if (description.partitions.length !== 1) {
      throw registryErrors.storeError(`The schema registry topic '${topic}' has ${description.partitions.length} partitions; it must have exactly 1 (order across partitions is not defined)`)
    }
    const [policy] = await this.#admin.describeConfigs({ type: 'topic', name: topic }, { keys: ['cleanup.policy'] })
    if (policy !== undefined && !(policy.value ?? '').split(',').map((p) => p.trim()).includes('compact')) {
      throw registryErrors.storeError(`The schema registry topic '${topic}' has cleanup.policy=${policy.value}; it must be compact, or old schemas would be deleted`)
    }
  }

  #startReader(): void {
    this.#consumer.assign([{ topic: this.topic, partition: 0 }])
    void this.#consumer.run({
      eachMessage: async ({ message }) => {
        this.#apply(message.key, message.value, message.timestamp, message.offset)
      },
    }).then(() => this.#consumer.finished()).then(() => {
      if (!this.#closed) this.#fail(registryErrors.storeError(`The reader of the schema registry topic '${this.topic}' stopped`))
    }, (error: unknown) => {
      if (!this.#closed) this.#fail(registryErrors.storeError(`The reader of the schema registry topic '${this.topic}' failed: ${(error as Error).message}`, error))
    })
  }

  #apply(key: Buffer | null, value: Buffer | null, timestamp: number, offset: number): void {
    if (offset < this.#applied) return
    try {
      const record = decodeRecord(key, value)
      if (record === undefined) {
        this.#options.logger.warn(`Skipping a record of the schema registry topic '${this.topic}' that is not a registry record`, { offset })
      } else {
        this.#options.onRecord(record, timestamp, offset)
      }
    } catch (error) {
      this.#options.logger.error(`Skipping a record of the schema registry topic '${this.topic}' that could not be applied`, { offset, cause: String(error) })
    }
    this.#applied = offset + 1
    if (this.#waiters.length > 0) {
      const ready = this.#waiters.filter((w) => w.offset < this.#applied)
      if (ready.length > 0) {
        this.#waiters = this.#waiters.filter((w) => w.offset >= this.#applied)
        for (const waiter of ready) waiter.resolve()
      }
    }
    const listeners = this.#changeListeners
    this.#changeListeners = []
    for (const listener of listeners) listener()
  }

  #fail(error: RegistryError): void {
    this.#failure ??= error
    this.#options.logger.error(error.message)
    this.#rejectWaiters(error)
  }

  #rejectWaiters(error: RegistryError): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter.reject(error)
  }

  /** Throws the reader's failure, or 50001 once closed. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#closed) throw registryErrors.closed(`The schema registry on topic '${this.topic}' is closed`)
  }

  /** Resolves once the record at `offset` has been applied. */
  #waitApplied(offset: number, what: string): Promise<void> {
    if (offset < this.#applied) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
        reject(registryErrors.timeout(`${what}: offset ${offset} of topic '${this.topic}' was not read back within ${this.#options.timeoutMs} ms (read up to ${this.#applied})`))
      }, this.#options.timeoutMs)
      const waiter: Waiter = {
        offset,
        resolve: () => { clearTimeout(timer); resolve() },
        reject: (error) => { clearTimeout(timer); reject(error) },
      }
      this.#waiters.push(waiter)
    })
  }

  /** Appends `records` (in order) and resolves with their offsets once they have been applied. */
  async write(records: readonly RegistryRecord[]): Promise<number[]> {
    this.check()
    if (records.length === 0) return []
    let offsets: number[]
    try {
      const written = await this.#producer.send({
        topic: this.topic,
        messages: records.map((record) => ({ key: encodeKey(record.key), value: encodeValue(record), partition: 0 })),
      })
      offsets = written.map((meta) => meta.offset)
    } catch (error) {
      throw registryErrors.storeError(`Could not write to the schema registry topic '${this.topic}': ${(error as Error).message}`, error)
    }
    await this.#waitApplied(Math.max(...offsets), 'Write to the schema registry')
    return offsets
  }

  /** Resolves once every record in the log now has been applied (see the module comment). */
  async sync(): Promise<void> {
    this.check()
    let end: number
    try {
      const [partition] = await this.#admin.fetchTopicOffsets(this.topic)
      end = partition?.latest ?? 0
    } catch (error) {
      throw registryErrors.storeError(`Could not read the end offset of the schema registry topic '${this.topic}': ${(error as Error).message}`, error)
    }
    if (this.#applied >= end) return
    await this.write([{ key: { keytype: 'NOOP' }, value: null }])
  }

  /** Resolves when the next record is applied, or after `timeoutMs`. */
  changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#changeListeners = this.#changeListeners.filter((l) => l !== listener)
        resolve()
      }, timeoutMs)
      const listener = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.#changeListeners.push(listener)
    })
  }

  /** Stops the reader and closes the clients (the Creek instance stays open). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#rejectWaiters(registryErrors.closed(`The schema registry on topic '${this.topic}' is closed`))
    const listeners = this.#changeListeners
    this.#changeListeners = []
    for (const listener of listeners) listener()
    const results = await Promise.allSettled([this.#consumer.close(), this.#producer.close(), this.#admin.close()])
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }
}
