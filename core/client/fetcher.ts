/**
 * Fetches records ahead of the application (Kafka's Fetcher): one Fetch per leader broker for
 * every assigned, unpaused partition with a position, long-polling with `fetchMaxWaitMs` /
 * `fetchMinBytes`; fetched record batches wait in a bounded buffer per partition until the
 * consumer takes their records.
 *
 * Contracts:
 * - Order: at most one fetch per partition is in flight and its chunks are appended in offset
 *   order, so records of a partition are handed out strictly in order. Partitions are served
 *   round-robin.
 * - Prefetch bound: a partition is fetched only while its buffer has room for a whole fetch
 *   (`maxPartitionFetchBytes` under `maxBufferedBytesPerPartition`, by default twice that), or
 *   is empty; taking records frees room and triggers the next fetch. So the next fetch is in
 *   flight while the application works through the last one (double buffering), and memory per
 *   partition stays under the bound (a single batch larger than the room still comes whole).
 * - Long polls: a fetch would wait up to `fetchMaxWaitMs` when all its partitions are caught up
 *   (at their high watermark as of the last response), and meanwhile the broker gets no other
 *   fetch from this consumer. So such a fetch is held back while the same broker leads a
 *   partition with records still to fetch whose buffer is full; it goes with that partition's
 *   next fetch, which follows as soon as the application takes some of its records.
 * - Decoding: batches are checked (CRC, unless `checkCrcs` is off) when a response arrives; their
 *   records are decoded only as they are taken (see completed-fetch.ts), so buffered records cost
 *   bytes, not objects.
 * - Staleness: a buffer belongs to one epoch of its partition's state (SubscriptionState);
 *   a seek, reset or revocation starts a new epoch and the buffer, and any response in flight
 *   for the old one, are dropped.
 * - Pause: a paused partition is neither fetched nor handed out, and keeps its buffer (and a
 *   response in flight for it) until it is resumed, as in Kafka's consumer.
 * - Errors: OFFSET_OUT_OF_RANGE asks for a reset by `autoOffsetReset` once the buffer is drained
 *   ('none': an error for the application); leader and topic errors refresh metadata and retry
 *   after `retryBackoffMs`; any other partition error is handed to the application. Corrupt
 *   data (CORE_CORRUPT_RECORD) is an error for the application at the position where it starts:
 *   a batch failing its checks drops the whole response for its partition, a record that
 *   cannot be decoded comes after the records of the batches before it.
 *
 * Concurrency: single-threaded; every response is checked against the buffer it was sent for.
 */
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { Fetch, type FetchRequest, type FetchResponse, IsolationLevel } from '../protocol/apis/fetch.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import { ZERO_UUID } from '../protocol/writer.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import { type ConsumerRecord, type RecordChunk, decodeCompletedFetch } from './completed-fetch.ts'
import type { ConsumerConfig } from './consumer-config.ts'
import { PartitionMap, type TopicPartition, formatTopicPartition, groupByTopic } from './partition-map.ts'
import type { SubscriptionState } from './subscription-state.ts'
import type { Transport } from './transport.ts'

export interface FetcherOptions {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  readonly subscriptions: SubscriptionState
  readonly config: ConsumerConfig
  readonly logger: Logger
}

/** Records of one partition handed to the application. */
export interface FetchedBatch {
  readonly topic: string
  readonly partition: number
  /** The partition state's epoch they were fetched in (stale once it changes). */
  readonly epoch: number
  /** The position epoch to report progress with (`SubscriptionState.advance`). */
  readonly positionEpoch: number
  readonly records: readonly ConsumerRecord[]
  /** The position once every record is processed (past compacted-away offsets too). */
  readonly nextOffset: number
  readonly highWatermark: number
}

/** An error of one partition for the application (OFFSET_OUT_OF_RANGE with 'none', corrupt data…). */
export interface FetchError {
  readonly topic: string
  readonly partition: number
  readonly error: Error
}

interface PartitionBuffer {
  readonly epoch: number
  /** Batches not yet wholly handed out, oldest first; records are decoded as they are taken. */
  readonly chunks: RecordChunk[]
  bytes: number
  fetchOffset: number
  inFlight: boolean
  error: Error | null
  /** OFFSET_OUT_OF_RANGE at fetchOffset: reset once the buffered records are taken. */
  outOfRange: boolean
  retryAt: number
  /** `partitionMaxBytes` of this partition's next fetch: grows from FIRST_FETCH_BYTES (slow start). */
  fetchSize: number
}

/**
 * Slow start: a partition's first fetch after an assignment, seek or reset asks for this many
 * bytes (or `maxPartitionFetchBytes`, when smaller), and each answered fetch raises the size
 * FETCH_GROWTH times, up to `maxPartitionFetchBytes`. The first records arrive after a short
 * transfer, and the application works through them while the larger fetches are in flight,
 * instead of waiting for whole `maxPartitionFetchBytes` responses of every partition at once.
 */
const FIRST_FETCH_BYTES = 256 * 1024
const FETCH_GROWTH = 4

/** Errors after which the partition's leader or topic must be looked up again. */
const METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE, ErrorCode.OFFSET_NOT_AVAILABLE, ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
])

export class Fetcher {
  readonly #transport: Transport
  readonly #metadata: ClusterMetadata
  readonly #subscriptions: SubscriptionState
  readonly #config: ConsumerConfig
  readonly #logger: Logger
  readonly #buffers = new PartitionMap<PartitionBuffer>()
  /** The fetch in flight per node (a token per fetch). */
  readonly #inFlight = new Map<number, object>()
  /**
   * One abort controller per node, shared by its fetches (one in flight at a time) and aborted
   * by `close()`: a fetch needs a signal, not a controller (and a signal) of its own.
   */
  readonly #controllers = new Map<number, AbortController>()
  readonly #nodeRetryAt = new Map<number, number>()
  readonly #waiters = new Set<() => void>()
  readonly #unsubscribe: () => void
  #cursor = 0
  #refreshing = false
  #retryTimer: NodeJS.Timeout | undefined
  #scheduled = false
  #closed = false

  constructor(options: FetcherOptions) {
    this.#transport = options.transport
    this.#metadata = options.metadata
    this.#subscriptions = options.subscriptions
    this.#config = options.config
    this.#logger = options.logger
    this.#unsubscribe = this.#subscriptions.onChange(() => this.#onSubscriptionChange())
    // The first fetch is sent right after an assignment: ready its codecs while the group join
    // is still under way, not then.
    if (this.#transport.prepare !== undefined) setImmediate(() => this.#prepareFetch()).unref()
  }

  #prepareFetch(): void {
    try {
      this.#transport.prepare?.(Fetch)
    } catch (error) {
      // Only a head start: the first fetch meets the same failure and reports it.
      this.#logger.debug('Readying Fetch requests failed', { cause: String(error) })
    }
  }

  /** Bytes buffered for a partition (for tests and metrics). */
  bufferedBytes(tp: TopicPartition): number {
    return this.#buffers.get(tp)?.bytes ?? 0
  }

  #onSubscriptionChange(): void {
    for (const [tp, buffer] of this.#buffers.list()) {
      const state = this.#subscriptions.state(tp)
      if (!state || state.epoch !== buffer.epoch) this.#buffers.delete(tp)
    }
    this.#schedule()
    this.wakeup()
  }

  /** Sends fetches soon (once per tick, however many changes asked for it). */
  #schedule(): void {
    if (this.#scheduled || this.#closed) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      this.#sendFetches()
    })
  }

  #sendFetches(): void {
    if (this.#closed) return
    const now = Date.now()
    // Created when first needed: most calls (after each take) find every partition in flight.
    let byNode: Map<number, { tp: TopicPartition; buffer: PartitionBuffer; caughtUp: boolean }[]> | null = null
    /** Nodes leading a partition with records still to fetch whose buffer has no room for a fetch. */
    let withBacklog: Set<number> | null = null
    let unknownLeaders: Set<string> | null = null
    let nextRetry = Infinity
    for (const [tp, state] of this.#subscriptions.list()) {
      if (state.position === null || state.paused) continue
      let buffer = this.#buffers.get(tp)
      if (!buffer || buffer.epoch !== state.epoch) {
        buffer = {
          epoch: state.epoch, chunks: [], bytes: 0, fetchOffset: state.position, inFlight: false, error: null, outOfRange: false, retryAt: 0,
          fetchSize: Math.min(FIRST_FETCH_BYTES, this.#config.maxPartitionFetchBytes),
        }
        this.#buffers.set(tp, buffer)
      }
      if (buffer.inFlight || buffer.error || buffer.outOfRange) continue
      // As of the last response there is nothing past fetchOffset: fetched alone, it would wait.
      const caughtUp = state.highWatermark >= 0 && buffer.fetchOffset >= state.highWatermark
      const bound = this.#config.maxBufferedBytesPerPartition
      if (buffer.bytes > 0 && bound - buffer.bytes < Math.min(buffer.fetchSize, bound)) {
        if (!caughtUp) (withBacklog ??= new Set()).add(this.#metadata.leaderFor(tp.topic, tp.partition))
        continue
      }
      const leader = this.#metadata.leaderFor(tp.topic, tp.partition)
      if (leader < 0) {
        (unknownLeaders ??= new Set()).add(tp.topic)
        continue
      }
      const retryAt = Math.max(buffer.retryAt, this.#nodeRetryAt.get(leader) ?? 0)
      if (retryAt > now) {
        nextRetry = Math.min(nextRetry, retryAt)
        continue
      }
      if (this.#inFlight.has(leader)) continue
      byNode ??= new Map()
      const list = byNode.get(leader)
      if (list === undefined) byNode.set(leader, [{ tp, buffer, caughtUp }])
      else list.push({ tp, buffer, caughtUp })
    }
    if (byNode !== null) {
      for (const [nodeId, list] of byNode) {
        // A fetch of caught-up partitions only long-polls, and meanwhile the node gets no other
        // fetch: partitions with records still to fetch (their buffers full now) would run dry and
        // wait up to fetchMaxWaitMs. Those go with the next fetch of such a partition instead.
        if (withBacklog?.has(nodeId) === true && list.every((entry) => entry.caughtUp)) continue
        void this.#fetchFrom(nodeId, list)
      }
    }
    if (unknownLeaders !== null) this.#refreshMetadata(unknownLeaders)
    if (nextRetry < Infinity) {
      clearTimeout(this.#retryTimer)
      this.#retryTimer = setTimeout(() => this.#schedule(), nextRetry - now)
    }
  }

  async #fetchFrom(nodeId: number, list: readonly { tp: TopicPartition; buffer: PartitionBuffer }[]): Promise<void> {
    const token = {}
    this.#inFlight.set(nodeId, token)
    let controller = this.#controllers.get(nodeId)
    if (controller === undefined) this.#controllers.set(nodeId, (controller = new AbortController()))
    const sent = list.map(({ tp, buffer }) => ({ tp, buffer, fetchOffset: buffer.fetchOffset }))
    for (const { buffer } of sent) buffer.inFlight = true
    try {
      const response = await this.#transport.send(Fetch, this.#request(sent), { nodeId, signal: controller.signal })
      if (response.errorCode !== ErrorCode.NONE) {
        this.#logger.warn(`Fetch from broker ${nodeId} answered ${new KafkaApiError(response.errorCode).errorName}`)
        this.#nodeRetryAt.set(nodeId, Date.now() + this.#config.retryBackoffMs)
      }
      await this.#handleResponse(response, sent)
    } catch (error) {
      if (!this.#closed) {
        this.#logger.warn(`Fetch from broker ${nodeId} failed; retrying after ${this.#config.retryBackoffMs} ms`, { cause: String(error) })
        this.#nodeRetryAt.set(nodeId, Date.now() + this.#config.retryBackoffMs)
        this.#refreshMetadata(new Set(sent.map((s) => s.tp.topic)))
      }
    } finally {
      if (this.#inFlight.get(nodeId) === token) this.#inFlight.delete(nodeId)
      for (const { buffer } of sent) buffer.inFlight = false
      this.#schedule()
      if (this.hasData()) this.wakeup()
    }
  }

  #request(sent: readonly { tp: TopicPartition; buffer: PartitionBuffer; fetchOffset: number }[]): FetchRequest {
    const offsets = PartitionMap.of(sent.map((s) => [s.tp, s] as const))
    return {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1 },
      maxWaitMs: this.#config.fetchMaxWaitMs,
      minBytes: this.#config.fetchMinBytes,
      maxBytes: this.#config.fetchMaxBytes,
      isolationLevel: this.#config.isolationLevel === 'read_committed' ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
      // Sessionless full fetches (session id 0, final epoch -1), which every broker serves.
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...groupByTopic(offsets.keys())].map(([topic, partitions]) => ({
        topic,
        topicId: this.#metadata.topic(topic)?.topicId ?? ZERO_UUID,
        partitions: partitions.map((partition) => ({
          partition,
          currentLeaderEpoch: -1,
          fetchOffset: offsets.get({ topic, partition })!.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1,
          partitionMaxBytes: offsets.get({ topic, partition })!.buffer.fetchSize,
          replicaDirectoryId: ZERO_UUID,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    }
  }

  async #handleResponse(response: FetchResponse, sent: readonly { tp: TopicPartition; buffer: PartitionBuffer; fetchOffset: number }[]): Promise<void> {
    const byPartition = PartitionMap.of(sent.map((s) => [s.tp, s] as const))
    for (const topic of response.responses) {
      // Topics come back by name: Creek fetches at versions below 13 (no topic ids).
      for (const data of topic.partitions) {
        const entry = byPartition.get({ topic: topic.topic, partition: data.partitionIndex })
        if (entry) await this.#handlePartition(entry, data)
      }
    }
  }

  async #handlePartition(
    { tp, buffer, fetchOffset }: { tp: TopicPartition; buffer: PartitionBuffer; fetchOffset: number },
    data: FetchResponse['responses'][number]['partitions'][number],
  ): Promise<void> {
    if (this.#buffers.get(tp) !== buffer || buffer.fetchOffset !== fetchOffset) return
    const code = data.errorCode
    if (code === ErrorCode.NONE) {
      this.#subscriptions.setWatermarks(tp, data.highWatermark, data.logStartOffset)
      let decoded
      try {
        const readCommitted = this.#config.isolationLevel === 'read_committed'
        decoded = await decodeCompletedFetch(tp.topic, tp.partition, data.records, fetchOffset, readCommitted, data.abortedTransactions, this.#config.checkCrcs)
      } catch (error) {
        buffer.error = new CoreError('CORE_CORRUPT_RECORD', `Records of ${formatTopicPartition(tp)} fetched at offset ${fetchOffset} cannot be decoded; seek past them to go on`, { cause: error })
        return
      }
      if (this.#buffers.get(tp) !== buffer) return
      for (const chunk of decoded.chunks) {
        buffer.chunks.push(chunk)
        buffer.bytes += chunk.bytes
      }
      buffer.fetchOffset = decoded.nextFetchOffset
      if (decoded.chunks.length > 0) buffer.fetchSize = Math.min(buffer.fetchSize * FETCH_GROWTH, this.#config.maxPartitionFetchBytes)
    } else if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (this.#config.autoOffsetReset === 'none') {
        buffer.error = new CoreError('CORE_OFFSET_OUT_OF_RANGE', `Offset ${fetchOffset} of ${formatTopicPartition(tp)} is out of range (log start ${data.logStartOffset}, high watermark ${data.highWatermark}) and autoOffsetReset is 'none'; seek to a valid offset`)
      } else {
        this.#logger.info(`Offset ${fetchOffset} of ${formatTopicPartition(tp)} is out of range; resetting to ${this.#config.autoOffsetReset}`)
        buffer.outOfRange = true
        if (buffer.chunks.length === 0) this.#subscriptions.requestReset(tp, this.#config.autoOffsetReset)
      }
    } else if (METADATA_ERRORS.has(code)) {
      buffer.retryAt = Date.now() + this.#config.retryBackoffMs
      this.#refreshMetadata(new Set([tp.topic]))
    } else {
      buffer.error = new KafkaApiError(code, `fetching ${formatTopicPartition(tp)} at offset ${fetchOffset}`)
    }
  }

  #refreshMetadata(topics: ReadonlySet<string>): void {
    if (this.#refreshing || this.#closed) return
    this.#refreshing = true
    this.#metadata.refresh(topics).catch((error: unknown) => {
      this.#logger.warn('Metadata refresh for fetching failed', { cause: String(error) })
    }).finally(() => {
      this.#refreshing = false
      setTimeout(() => this.#schedule(), this.#config.retryBackoffMs)
    })
  }

  /**
   * Takes up to `maxRecords` records of the next partition (round-robin) that has some, or its
   * error. Undefined when nothing is buffered.
   */
  take(maxRecords: number): FetchedBatch | FetchError | undefined {
    const entries = this.#buffers.list()
    for (let i = 0; i < entries.length; i++) {
      const [tp, buffer] = entries[(this.#cursor + i) % entries.length]
      const state = this.#subscriptions.state(tp)
      if (!state || state.epoch !== buffer.epoch || state.paused || state.position === null) continue
      if (buffer.error) return { topic: tp.topic, partition: tp.partition, error: buffer.error }
      if (buffer.chunks.length === 0) continue
      this.#cursor = (this.#cursor + i + 1) % entries.length
      return this.#takeFrom(tp, buffer, state.position, maxRecords, state.highWatermark, state.positionEpoch)
    }
    return undefined
  }

  #takeFrom(
    tp: TopicPartition, buffer: PartitionBuffer, position: number, maxRecords: number, highWatermark: number, positionEpoch: number,
  ): FetchedBatch | FetchError {
    // Sized once (records die young; growing the array would copy it several times).
    let capacity = 0
    for (let i = 0; i < buffer.chunks.length && capacity < maxRecords; i++) capacity += buffer.chunks[i].remaining
    const records = new Array<ConsumerRecord>(Math.min(capacity, maxRecords))
    let count = 0
    let nextOffset = position
    while (buffer.chunks.length > 0 && count < maxRecords) {
      const chunk = buffer.chunks[0]
      try {
        count += chunk.take(maxRecords - count, records, count)
      } catch (error) {
        // Records of the batches before are handed out; the error comes next.
        buffer.error = new CoreError('CORE_CORRUPT_RECORD', `Records of ${formatTopicPartition(tp)} fetched at offset ${nextOffset} cannot be decoded; seek past them to go on`, { cause: error })
        buffer.chunks.length = 0
        buffer.bytes = 0
        if (count === 0) return { topic: tp.topic, partition: tp.partition, error: buffer.error }
        break
      }
      if (!chunk.done) {
        nextOffset = records[count - 1].offset + 1
        break
      }
      buffer.chunks.shift()
      buffer.bytes -= chunk.bytes
      nextOffset = chunk.nextOffset
    }
    records.length = count
    if (buffer.chunks.length === 0 && buffer.outOfRange) {
      // Queued after the handed-out records; their positions no longer count once reset.
      queueMicrotask(() => {
        if (this.#buffers.get(tp) === buffer && this.#config.autoOffsetReset !== 'none') {
          this.#subscriptions.requestReset(tp, this.#config.autoOffsetReset)
        }
      })
    }
    this.#schedule()
    return { topic: tp.topic, partition: tp.partition, epoch: buffer.epoch, positionEpoch, records, nextOffset, highWatermark }
  }

  /** True when `take` would return something. */
  hasData(): boolean {
    for (const [tp, buffer] of this.#buffers.list()) {
      const state = this.#subscriptions.state(tp)
      if (!state || state.epoch !== buffer.epoch || state.paused || state.position === null) continue
      if (buffer.error || buffer.chunks.length > 0) return true
    }
    return false
  }

  /**
   * Resolves when records are buffered, after `timeoutMs`, or at `wakeup()` (a change of
   * assignment or positions), whichever is first; callers check `take` again, in a loop.
   */
  waitForData(timeoutMs: number): Promise<void> {
    this.#schedule()
    if (this.hasData() || this.#closed) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#waiters.add(done)
    })
  }

  /** Ends every `waitForData` now. */
  wakeup(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  /** Aborts fetches in flight and drops every buffer. */
  close(): void {
    this.#closed = true
    this.#unsubscribe()
    clearTimeout(this.#retryTimer)
    for (const controller of this.#controllers.values()) controller.abort()
    this.#controllers.clear()
    this.#inFlight.clear()
    this.#buffers.clear()
    this.wakeup()
  }
}
