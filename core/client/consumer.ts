/**
 * The consumer: reads records of subscribed topics as a member of a consumer group (classic
 * protocol), or of manually assigned partitions, over any `Transport`.
 *
 * ```ts
 * const consumer = new Consumer(transport, { groupId: 'billing', autoOffsetReset: 'earliest' })
 * await consumer.subscribe({ topics: ['payments'] })
 * await consumer.run({ eachMessage: async ({ message }) => { ... } })
 * // or: for await (const message of consumer) { ... }
 * await consumer.close()
 * ```
 *
 * Delivery is at least once: positions move when the application has processed a record, and
 * are committed every `autoCommitIntervalMs` (auto-commit), before partitions are revoked, and on
 * close; or with `commitOffsets` / `commit`. A record is processed when `eachMessage` resolved,
 * when `eachBatch` resolved it, or, with async iteration, when the next record is asked for or
 * the iteration ends.
 *
 * Typed keys and values: pass `key` / `value` deserializers (`serialization.ts`); without them
 * keys and values are the record's bytes.
 *
 * A record whose key or value deserializer throws (or rejects) never reaches the application.
 * Its error names topic, partition, offset and key or value: the deserializer's own error with
 * the record attached when it offers `withRecord` (serdes' `SerdesError`, with the schema id),
 * else a `RecordDeserializationError` (`CORE_DESERIALIZATION`). `deserializationErrorHandler`:
 * - 'fail' (default): the run crashes with it (`finished()` rejects; iteration throws), not
 *   retried, and the consumer stops with its position, hence every commit, at the record.
 * - 'skip': logged (warn), counted in `metrics().skippedRecords`, processed.
 * - `{ deadLetterTopic }`: its raw bytes are produced there with `__creek.errors.*` headers
 *   (acks = all); processed once acknowledged, counted in `metrics().deadLetteredRecords`; a
 *   failed send is a 'fail'. The producer comes from `deadLetterProducer` (else one on this
 *   transport), made on first use and closed with the consumer.
 * - a function of the error and the raw record, answering 'fail' or 'skip'.
 * `eachBatch` batches leave dropped records out and end before a failing one. Details:
 * record-deserializer.ts, dead-letter-message.ts.
 *
 * Lifecycle: `stop()` ends consumption (committing and leaving the group; `run` or iteration may
 * start again and rejoin); `close()` also releases everything; `kill()` drops everything
 * silently, as a crashed process would (for tests of failover).
 */
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { Metadata } from '../protocol/apis/metadata.ts'
import { ClusterMetadata } from './cluster-metadata.ts'
import type { ConsumerRecord } from './completed-fetch.ts'
import { type ConsumerConfig, type ConsumerOptions, resolveConsumerConfig } from './consumer-config.ts'
import { ConsumerCoordinator } from './consumer-coordinator.ts'
import { iterateMessages } from './consumer-iterator.ts'
import { type ConsumerMessage, ConsumerRunner, type RunOptions } from './consumer-runner.ts'
import { type FetchedBatch, Fetcher } from './fetcher.ts'
import type { OffsetAndMetadata } from './group-requests.ts'
import { GroupOffsetsClient } from './group-offsets-client.ts'
import { PartitionMap, type TopicPartition, formatTopicPartition } from './partition-map.ts'
import { PositionInitializer } from './position-initializer.ts'
import type { RebalanceListener } from './rebalance-callbacks.ts'
import { Producer } from './producer.ts'
import { type DeadLetterProducer, RecordDeserializer } from './record-deserializer.ts'
import type { Deserializer } from './serialization.ts'
import { SubscriptionState } from './subscription-state.ts'
import type { Transport } from './transport.ts'

export interface ConsumerClientOptions<K, V> extends ConsumerOptions {
  readonly key?: Deserializer<K>
  readonly value?: Deserializer<V>
  readonly logger?: Logger
  /** A cluster view to share with other clients (default: the consumer's own). */
  readonly metadata?: ClusterMetadata
  /**
   * Makes the producer of `deserializationErrorHandler: { deadLetterTopic }`, on first use
   * (default: a producer on the consumer's transport). The consumer closes it.
   */
  readonly deadLetterProducer?: () => DeadLetterProducer
}

/** Counters of the consumer since it was made. */
export interface ConsumerMetrics {
  /** Records dropped by `deserializationErrorHandler` (see the module comment). */
  readonly skippedRecords: number
  /** Records sent to the dead-letter topic of `deserializationErrorHandler`. */
  readonly deadLetteredRecords: number
}

export interface SubscribeOptions extends RebalanceListener {
  /** Topic names, or a pattern matched against every topic (re-evaluated every `metadataMaxAgeMs`). */
  readonly topics: readonly string[] | RegExp
}

export interface TopicPartitions {
  readonly topic: string
  /** Default: every partition of the topic, including ones assigned later. */
  readonly partitions?: readonly number[]
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number
  readonly metadata?: string | null
}

export interface CommittedOffset extends TopicPartition {
  /** null when nothing is committed. */
  readonly offset: number | null
  readonly metadata: string | null
}

export class Consumer<K = Buffer | null, V = Buffer | null> implements AsyncIterable<ConsumerMessage<K, V>> {
  readonly config: ConsumerConfig
  readonly #transport: Transport
  readonly #metadata: ClusterMetadata
  readonly #ownsMetadata: boolean
  readonly #logger: Logger
  /** Null without key and value deserializers: records are then handed out as they are. */
  readonly #records: RecordDeserializer<K, V> | null
  readonly #subscriptions = new SubscriptionState()
  readonly #fetcher: Fetcher
  readonly #offsets: GroupOffsetsClient | undefined
  readonly #positions: PositionInitializer
  #listener: RebalanceListener = {}
  #coordinator: ConsumerCoordinator | null = null
  /** The coordinator of the current run, or a member-less one for commits of assigned partitions. */
  #idleCoordinator: ConsumerCoordinator | null = null
  #runner: ConsumerRunner<K, V> | null = null
  #iterating = false
  #stopController = new AbortController()
  #nextAutoCommitAt = 0
  #autoCommitting: Promise<void> | null = null
  #metadataCheckedAt = 0
  readonly #pendingSeeks = new PartitionMap<number>()
  readonly #pausedTopics = new Set<string>()
  #crash: Error | null = null
  /** Held while consuming: a consumer waiting on an in-process broker has no socket to keep the process alive. */
  #keepAlive: NodeJS.Timeout | undefined
  #closed = false
  #killed = false

  constructor(transport: Transport, options: ConsumerClientOptions<K, V> = {}) {
    const { key, value, logger, metadata, deadLetterProducer, ...consumerOptions } = options
    this.config = resolveConsumerConfig(consumerOptions)
    this.#transport = transport
    this.#logger = logger ?? silentLogger
    this.#records = key === undefined && value === undefined ? null : new RecordDeserializer<K, V>({
      key,
      value,
      handler: this.config.deserializationErrorHandler,
      logger: this.#logger,
      deadLetterProducer: deadLetterProducer
        ?? (() => new Producer(transport, { clientId: `${this.config.clientId}-dead-letter`, acks: -1, logger: this.#logger })),
    })
    this.#ownsMetadata = metadata === undefined
    this.#metadata = metadata ?? new ClusterMetadata(transport, {
      allowAutoTopicCreation: this.config.allowAutoCreateTopics,
      metadataMaxAgeMs: this.config.metadataMaxAgeMs,
      retryBackoffMs: this.config.retryBackoffMs,
      retryBackoffMaxMs: this.config.retryBackoffMaxMs,
    })
    this.#fetcher = new Fetcher({ transport, metadata: this.#metadata, subscriptions: this.#subscriptions, config: this.config, logger: this.#logger })
    this.#offsets = this.#groupConfig() ? this.#newCoordinator().offsets : undefined
    this.#positions = new PositionInitializer({
      transport, metadata: this.#metadata, subscriptions: this.#subscriptions, config: this.config, offsets: this.#offsets,
    })
  }

  #groupConfig(): (ConsumerConfig & { readonly groupId: string }) | null {
    return this.config.groupId === null ? null : (this.config as ConsumerConfig & { readonly groupId: string })
  }

  /** A coordinator; commits of the consumer go through the current one (its generation). */
  #newCoordinator(): ConsumerCoordinator {
    const listener: RebalanceListener = {
      onPartitionsAssigned: (p) => this.#onAssigned(p),
      onPartitionsRevoked: (p) => this.#listener.onPartitionsRevoked?.(p),
      onPartitionsLost: (p) => (this.#listener.onPartitionsLost ?? this.#listener.onPartitionsRevoked)?.(p),
    }
    const coordinator = new ConsumerCoordinator({
      transport: this.#transport, metadata: this.#metadata, config: this.#groupConfig()!, subscriptions: this.#subscriptions,
      listener, logger: this.#logger, wakeup: () => this.#fetcher.wakeup(),
    })
    this.#idleCoordinator = coordinator
    return coordinator
  }

  async #onAssigned(partitions: TopicPartition[]): Promise<void> {
    this.#applyPauses()
    await this.#listener.onPartitionsAssigned?.(partitions)
  }

  // ------------------------------------------------------------------------- subscription

  /** Subscribes to topics (or a pattern) as a member of `groupId`; partitions come from rebalances. */
  async subscribe(options: SubscribeOptions): Promise<void> {
    this.#checkOpen()
    if (this.config.groupId === null) throw new CoreError('CORE_INVALID_ARGUMENT', 'subscribe() needs a groupId: set one, or use assign() to read partitions without a group')
    const { topics, ...listener } = options
    this.#listener = listener
    if (topics instanceof RegExp) {
      this.#subscriptions.subscribePattern(topics)
      await this.#refreshPattern()
    } else {
      if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string' || t === '')) {
        throw new CoreError('CORE_INVALID_ARGUMENT', 'subscribe() takes { topics: string[] | RegExp }')
      }
      this.#subscriptions.subscribe(topics)
      // Creates them if allowed; a topic that does not exist yet is assigned once it does (the
      // leader rejoins when a metadata refresh shows it).
      if (topics.length > 0) await this.#metadata.refresh(topics).catch((error: unknown) => this.#logger.warn('Metadata of the subscribed topics failed', { cause: String(error) }))
    }
    this.#coordinator?.requestRejoin('the subscription changed')
  }

  /** Reads exactly these partitions, without group membership (commits still go to `groupId` if set). */
  assign(partitions: readonly TopicPartition[]): void {
    this.#checkOpen()
    for (const tp of partitions) {
      if (typeof tp?.topic !== 'string' || !Number.isInteger(tp.partition) || tp.partition < 0) {
        throw new CoreError('CORE_INVALID_ARGUMENT', `assign() takes [{ topic, partition }], got ${JSON.stringify(tp)}`)
      }
    }
    this.#subscriptions.assign(partitions)
    this.#applyPauses()
  }

  /** The partitions assigned to this consumer now. */
  assignment(): TopicPartition[] {
    return this.#subscriptions.assignment()
  }

  /** Pattern subscription: lists every topic and keeps those the pattern matches (internal ones excluded). */
  async #refreshPattern(): Promise<void> {
    const pattern = this.#subscriptions.pattern
    if (pattern === null) return
    const response = await this.#transport.send(Metadata, {
      topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    })
    const matching = response.topics
      .filter((t) => t.name !== null && !t.isInternal && !t.name.startsWith('__') && new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test(t.name))
      .map((t) => t.name!)
    if (this.#subscriptions.setPatternTopics(matching)) {
      if (matching.length > 0) await this.#metadata.refresh(matching)
      this.#coordinator?.requestRejoin(`the pattern ${String(pattern)} now matches ${matching.length} topics`)
    }
  }

  // ------------------------------------------------------------------------- positions

  /** Moves a partition's position; applied when the partition is assigned if it is not yet. */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    this.#checkOpen()
    if (!Number.isSafeInteger(offset) || offset < 0) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot seek ${topic}-${partition} to ${offset}: offsets are integers ≥ 0`)
    const tp = { topic, partition }
    if (this.#subscriptions.isAssigned(tp)) this.#subscriptions.seek(tp, offset)
    else this.#pendingSeeks.set(tp, offset)
  }

  seekToBeginning(partitions: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of partitions) this.#subscriptions.requestReset(tp, 'earliest')
  }

  seekToEnd(partitions: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of partitions) this.#subscriptions.requestReset(tp, 'latest')
  }

  /** The offset of the next record to be handed out for an assigned partition (initializing it if needed). */
  async position(tp: TopicPartition): Promise<number> {
    if (!this.#subscriptions.isAssigned(tp)) throw new CoreError('CORE_INVALID_ARGUMENT', `${formatTopicPartition(tp)} is not assigned to this consumer`)
    this.#applyPendingSeeks()
    await this.#positions.run()
    const position = this.#subscriptions.state(tp)?.position
    if (position === null || position === undefined) throw new CoreError('CORE_INVALID_ARGUMENT', `${formatTopicPartition(tp)} has no position (it was reassigned meanwhile)`)
    return position
  }

  /**
   * Kafka's `currentLag`: how many records of an assigned partition are after the consumer's
   * position, as of the last fetch response (high watermark − position); null when either is
   * not known yet (no position, or no fetch answered for the partition).
   */
  currentLag(tp: TopicPartition): number | null {
    const state = this.#subscriptions.state(tp)
    if (state === undefined || state.position === null || state.highWatermark < 0) return null
    return Math.max(0, state.highWatermark - state.position)
  }

  /** Stops fetching partitions (all of a topic when `partitions` is omitted, including ones assigned later). */
  pause(topics: readonly TopicPartitions[]): void {
    for (const { topic, partitions } of topics) {
      if (partitions === undefined) this.#pausedTopics.add(topic)
      for (const partition of partitions ?? this.#partitionsOf(topic)) this.#subscriptions.pause({ topic, partition })
    }
  }

  resume(topics: readonly TopicPartitions[]): void {
    for (const { topic, partitions } of topics) {
      if (partitions === undefined) this.#pausedTopics.delete(topic)
      for (const partition of partitions ?? this.#partitionsOf(topic)) this.#subscriptions.resume({ topic, partition })
    }
  }

  /** The paused partitions. */
  paused(): TopicPartition[] {
    return [...this.#subscriptions.entries()].filter(([, s]) => s.paused).map(([tp]) => tp)
  }

  #partitionsOf(topic: string): number[] {
    return this.assignment().filter((tp) => tp.topic === topic).map((tp) => tp.partition)
  }

  #applyPauses(): void {
    if (this.#pausedTopics.size === 0) return
    for (const tp of this.assignment()) if (this.#pausedTopics.has(tp.topic)) this.#subscriptions.pause(tp)
  }

  #applyPendingSeeks(): void {
    for (const [tp, offset] of [...this.#pendingSeeks]) {
      if (!this.#subscriptions.isAssigned(tp)) continue
      this.#subscriptions.seek(tp, offset)
      this.#pendingSeeks.delete(tp)
    }
  }

  // ------------------------------------------------------------------------- offsets

  #requireOffsets(action: string): GroupOffsetsClient {
    if (this.#offsets === undefined) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot ${action} without a groupId: offsets are stored per group`)
    return this.#currentCoordinator().offsets
  }

  #currentCoordinator(): ConsumerCoordinator {
    return this.#coordinator ?? this.#idleCoordinator!
  }

  /** Commits the given offsets (each the next offset to read) for the group. */
  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const client = this.#requireOffsets('commit offsets')
    const map = new PartitionMap<OffsetAndMetadata>()
    for (const { topic, partition, offset, metadata } of offsets) {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot commit offset ${offset} for ${topic}-${partition}: offsets are integers ≥ 0`)
      map.set({ topic, partition }, { offset, metadata: metadata ?? null })
    }
    await client.commit(map)
  }

  /** Commits the positions of every assigned partition (what has been processed). */
  async commit(): Promise<void> {
    const client = this.#requireOffsets('commit')
    const map = new PartitionMap<OffsetAndMetadata>()
    for (const [tp, offset] of this.#subscriptions.positions()) map.set(tp, { offset, metadata: null })
    await client.commit(map)
  }

  /** The group's committed offsets of these partitions. */
  async committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    const found = await this.#requireOffsets('read committed offsets').fetchCommitted(partitions)
    return partitions.map(({ topic, partition }) => {
      const entry = found.get({ topic, partition }) ?? null
      return { topic, partition, offset: entry?.offset ?? null, metadata: entry?.metadata ?? null }
    })
  }

  #maybeAutoCommit(force = false): void {
    if (!this.config.enableAutoCommit || this.#offsets === undefined || this.#autoCommitting !== null) return
    const now = Date.now()
    if (!force && now < this.#nextAutoCommitAt) return
    this.#nextAutoCommitAt = now + this.config.autoCommitIntervalMs
    const coordinator = this.#currentCoordinator()
    if (this.#coordinator !== null && coordinator.rejoinNeeded) return
    this.#autoCommitting = coordinator.offsets.commitPositions().catch((error: unknown) => {
      this.#logger.warn(`Auto-commit of group '${this.config.groupId}' failed; retried at the next interval`, { cause: String(error) })
    }).finally(() => {
      this.#autoCommitting = null
    })
  }

  async #commitIfNecessary(): Promise<void> {
    this.#maybeAutoCommit()
    await this.#autoCommitting
  }

  // ------------------------------------------------------------------------- consuming

  /** Starts consuming with kafkajs-style handlers; resolves once started. See `finished()`. */
  async run(options: RunOptions<K, V>): Promise<void> {
    this.#startSession('run')
    this.#runner = new ConsumerRunner<K, V>({
      subscriptions: this.#subscriptions,
      logger: this.#logger,
      maxPollRecords: this.config.maxPollRecords,
      poll: () => this.#poll(),
      rejoinNeeded: () => this.#killed || (this.#coordinator?.rejoinNeeded ?? false),
      deserialize: this.#deserializer(),
      passesRecordsThrough: this.#records === null,
      touch: () => this.#coordinator?.touch(),
      commitIfNecessary: () => this.#commitIfNecessary(),
      pause: (tp) => {
        this.#subscriptions.pause(tp)
        return () => this.#subscriptions.resume(tp)
      },
      stopSignal: this.#stopController.signal,
    }, options)
    this.#runner.done.catch((error: unknown) => this.#onCrash(error))
  }

  /** Resolves when a `run` ends by `stop()` or `close()`; rejects with the error that crashed it. */
  async finished(): Promise<void> {
    await this.#runner?.done
    if (this.#crash) throw this.#crash
  }

  #onCrash(error: unknown): void {
    if (this.#killed) return
    this.#crash = error instanceof Error ? error : new Error(String(error))
    this.#logger.error(`Consumer of group '${this.config.groupId ?? '(none)'}' crashed and stops`, { cause: String(error) })
    void this.stop().catch(() => undefined)
  }

  #startSession(mode: 'run' | 'iterate'): void {
    this.#checkOpen()
    if (this.#runner?.running || this.#iterating) throw new CoreError('CORE_INVALID_ARGUMENT', `The consumer is already consuming; call stop() before ${mode === 'run' ? 'run()' : 'iterating'} again`)
    if (this.#subscriptions.type === 'none') throw new CoreError('CORE_INVALID_ARGUMENT', 'Call subscribe() or assign() before consuming')
    this.#crash = null
    this.#stopController = new AbortController()
    if (this.#subscriptions.type !== 'assigned' && this.#coordinator === null) this.#coordinator = this.#newCoordinator()
    this.#nextAutoCommitAt = Date.now() + this.config.autoCommitIntervalMs
    if (mode === 'iterate') this.#iterating = true
    clearInterval(this.#keepAlive)
    this.#keepAlive = setInterval(() => {}, 2 ** 30)
  }

  /** One poll step shared by `run` and iteration. */
  async #poll(): Promise<FetchedBatch | null> {
    if (this.#killed || this.#closed) return null
    if (this.#coordinator) await this.#coordinator.poll()
    if (this.#killed) return null
    this.#applyPendingSeeks()
    this.#maybeRefreshMetadata()
    await this.#positions.run()
    this.#maybeAutoCommit()
    const taken = this.#fetcher.take(this.config.maxPollRecords)
    if (taken && 'error' in taken) throw taken.error
    if (taken) return taken
    await this.#fetcher.waitForData(Math.min(this.config.fetchMaxWaitMs + 100, Math.max(10, this.#nextAutoCommitAt - Date.now())))
    return null
  }

  #maybeRefreshMetadata(): void {
    const now = Date.now()
    if (now - this.#metadataCheckedAt < this.config.metadataMaxAgeMs) return
    this.#metadataCheckedAt = now
    const topics = [...this.#subscriptions.topics]
    void (async () => {
      if (this.#subscriptions.type === 'pattern') await this.#refreshPattern()
      if (topics.length > 0) await this.#metadata.refresh(topics)
      this.#coordinator?.checkMetadata()
    })().catch((error: unknown) => this.#logger.warn('Metadata refresh failed', { cause: String(error) }))
  }

  /** Records as messages: as they are without deserializers, else through the deserializer and its error handler. */
  #deserializer(): (record: ConsumerRecord) => ConsumerMessage<K, V> | null | Promise<ConsumerMessage<K, V> | null> {
    const records = this.#records
    if (records === null) return (record) => record as unknown as ConsumerMessage<K, V>
    return (record) => records.deserialize(record)
  }

  /** Counters of records the deserialization error handler dropped. */
  metrics(): ConsumerMetrics {
    return { skippedRecords: this.#records?.skippedRecords ?? 0, deadLetteredRecords: this.#records?.deadLetteredRecords ?? 0 }
  }

  /** `for await (const message of consumer)`: see the module comment for when a message counts as processed. */
  [Symbol.asyncIterator](): AsyncIterator<ConsumerMessage<K, V>> {
    this.#startSession('iterate')
    return iterateMessages<K, V>({
      subscriptions: this.#subscriptions,
      poll: () => this.#poll(),
      rejoinNeeded: () => this.#coordinator?.rejoinNeeded ?? false,
      deserialize: this.#deserializer(),
      active: () => this.#iterating && !this.#closed && !this.#killed,
      end: async () => {
        if (this.#iterating) await this.stop()
      },
    })
  }


  // ------------------------------------------------------------------------- ending

  /**
   * Ends consumption after the record being processed: commits processed positions (auto-commit)
   * and leaves the group (revoking its partitions). `run` or iteration may start again.
   * Inside a handler, call it without awaiting: it waits for that handler to return.
   */
  async stop(): Promise<void> {
    clearInterval(this.#keepAlive)
    this.#iterating = false
    const runner = this.#runner
    runner?.stop()
    this.#stopController.abort()
    this.#fetcher.wakeup()
    // Wait for the record being processed, not for a rebalance the loop may be waiting in:
    // leaving the group (below) is what ends that.
    await runner?.settled()
    if (this.#killed) return
    await this.#autoCommitting
    const coordinator = this.#coordinator
    this.#coordinator = null
    if (coordinator) {
      await coordinator.close()
      if (this.#offsets !== undefined) this.#newCoordinator()
    } else if (this.config.enableAutoCommit && this.#offsets !== undefined) {
      await this.#currentCoordinator().offsets.commitPositions().catch((error: unknown) => {
        this.#logger.warn(`Commit on stop of group '${this.config.groupId}' failed`, { cause: String(error) })
      })
    }
    if (runner) await withTimeout(runner.done.catch(() => undefined), this.config.requestTimeoutMs)
  }

  /** Stops (see `stop`) and releases the consumer, its dead-letter producer included; it cannot be used again. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.stop()
    this.#closed = true
    this.#fetcher.close()
    if (this.#ownsMetadata) this.#metadata.close()
    await this.#records?.close()
  }

  /** Drops everything silently: no commit, no LeaveGroup, no listener calls (a crashed process). */
  kill(): void {
    clearInterval(this.#keepAlive)
    this.#killed = true
    this.#closed = true
    this.#coordinator?.kill()
    this.#idleCoordinator?.kill()
    this.#runner?.stop()
    this.#stopController.abort()
    this.#fetcher.close()
    if (this.#ownsMetadata) this.#metadata.close()
    // Nothing is waited for, but the producer's timers must not outlive the consumer.
    this.#records?.close().catch(() => undefined)
  }

  /** The member id in the group ('' when not a member), for logs and tests. */
  get memberId(): string {
    return this.#coordinator?.memberId ?? ''
  }

  get generationId(): number {
    return this.#coordinator?.generationId ?? -1
  }

  #checkOpen(): void {
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'The consumer is closed')
  }
}

/** `promise`, or undefined after `ms` (the timer does not outlive it). */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise, new Promise((resolve) => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
}
