/**
 * The client's view of the cluster, shared by producer, consumer and admin: brokers, controller,
 * and for each topic the client uses its partitions with their leader and leader epoch, fetched
 * with Metadata requests through the transport.
 *
 * Contracts:
 * - Reads (`partitionCount`, `leaderFor`, `topic`) are synchronous lookups in the cache; they
 *   never fetch. `ensureTopics` is the one call that waits until topics are known.
 * - One refresh fetches every tracked topic (each topic asked for in the last
 *   `metadataMaxIdleMs`), so the whole cache has one age. Concurrent `refresh` calls coalesce:
 *   a call whose topics the running fetch already covers shares it; otherwise its topics join
 *   the one queued fetch that starts when the running one ends. At most one Metadata request is
 *   in flight per instance.
 * - Transport failures that are retriable (and retriable top-level errors) are retried with
 *   `retry.ts`; a topic-level error is not a failure of the refresh: it is recorded and
 *   `ensureTopics` decides. LEADER_NOT_AVAILABLE and UNKNOWN_TOPIC_OR_PARTITION (a topic being
 *   created) are retried a bounded number of times with backoff; then a topic still unknown is
 *   `CORE_UNKNOWN_TOPIC_OR_PARTITION`, not retriable (the retries are spent). Other topic errors
 *   (invalid name, authorization) are thrown at once as `KafkaApiError`.
 * - A cached topic older than `metadataMaxAgeMs` is stale: `isStale` says so, and the clients
 *   refresh it in the background while they keep using it (Kafka's behaviour).
 *
 * Concurrency: single-threaded; the cache is replaced topic by topic when a response arrives.
 */
import { CoreError } from '../errors.ts'
import { Metadata, type MetadataRequest, type MetadataResponse } from '../protocol/apis/metadata.ts'
import { ErrorCode, KafkaApiError, isRetriableErrorCode } from '../protocol/error-codes.ts'
import { ZERO_UUID } from '../protocol/writer.ts'
import { retry } from './retry.ts'
import type { Transport } from './transport.ts'

export interface BrokerNode {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

export interface PartitionInfo {
  readonly partition: number
  /** −1 when the partition has no leader (LEADER_NOT_AVAILABLE). */
  readonly leaderId: number
  /** −1 when the broker does not report epochs (Metadata < v7). */
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly errorCode: number
}

export interface TopicInfo {
  readonly name: string
  readonly topicId: string
  readonly isInternal: boolean
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionInfo[]
  /** Clock time of the response this came from. */
  readonly fetchedAt: number
}

export interface ClusterMetadataOptions {
  /** Ask the broker to create unknown topics (Metadata v4+; default true, as Kafka's producer). */
  readonly allowAutoTopicCreation?: boolean
  /** Age after which cached metadata is refreshed (default 300000, `metadata.max.age.ms`). */
  readonly metadataMaxAgeMs?: number
  /** A topic not asked for in this long is dropped from refreshes (default 300000). */
  readonly metadataMaxIdleMs?: number
  /** Backoff between attempts (defaults 100 and 1000, `retry.backoff.ms` / `.max.ms`). */
  readonly retryBackoffMs?: number
  readonly retryBackoffMaxMs?: number
  /** Retries of a failed Metadata request, and of topics being created (default 8). */
  readonly retries?: number
  readonly clock?: () => number
}

interface PendingFetch {
  /** Topics the fetch asks for (a queued fetch still collects them). */
  readonly topics: Set<string>
  readonly promise: Promise<void>
}

function checkNonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new CoreError('CORE_INVALID_CONFIG', `ClusterMetadata option ${name} must be a number ≥ 0, got ${value}`)
  return value
}

export class ClusterMetadata {
  readonly #transport: Transport
  readonly #allowAutoTopicCreation: boolean
  readonly #maxAgeMs: number
  readonly #maxIdleMs: number
  readonly #retryBackoffMs: number
  readonly #retryBackoffMaxMs: number
  readonly #retries: number
  readonly #clock: () => number
  readonly #topics = new Map<string, TopicInfo>()
  /** Topic-level error codes of the last response that mentioned each topic. */
  readonly #topicErrors = new Map<string, number>()
  /** Topic → last time it was asked for. */
  readonly #tracked = new Map<string, number>()
  #brokers = new Map<number, BrokerNode>()
  #clusterId: string | null = null
  #controllerId = -1
  #running: PendingFetch | null = null
  #queued: PendingFetch | null = null
  #closed = false

  constructor(transport: Transport, options: ClusterMetadataOptions = {}) {
    this.#transport = transport
    this.#allowAutoTopicCreation = options.allowAutoTopicCreation ?? true
    this.#maxAgeMs = checkNonNegative('metadataMaxAgeMs', options.metadataMaxAgeMs ?? 300_000)
    this.#maxIdleMs = checkNonNegative('metadataMaxIdleMs', options.metadataMaxIdleMs ?? 300_000)
    this.#retryBackoffMs = checkNonNegative('retryBackoffMs', options.retryBackoffMs ?? 100)
    this.#retryBackoffMaxMs = checkNonNegative('retryBackoffMaxMs', options.retryBackoffMaxMs ?? 1000)
    this.#retries = checkNonNegative('retries', options.retries ?? 8)
    this.#clock = options.clock ?? Date.now
  }

  get clusterId(): string | null {
    return this.#clusterId
  }

  /** The controller's node id, −1 when unknown. */
  get controllerId(): number {
    return this.#controllerId
  }

  brokers(): BrokerNode[] {
    return [...this.#brokers.values()]
  }

  broker(nodeId: number): BrokerNode | undefined {
    return this.#brokers.get(nodeId)
  }

  /** The cached metadata of a topic, stale or not; undefined when unknown. */
  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name)
  }

  /** The cached partition count of a topic, undefined when unknown. */
  partitionCount(topic: string): number | undefined {
    return this.#topics.get(topic)?.partitions.length
  }

  /** The cached leader node id of a partition; −1 when it has none or is unknown. */
  leaderFor(topic: string, partition: number): number {
    return this.#topics.get(topic)?.partitions[partition]?.leaderId ?? -1
  }

  /** The cached metadata of one partition (leader, leader epoch, replicas). */
  partition(topic: string, partition: number): PartitionInfo | undefined {
    return this.#topics.get(topic)?.partitions[partition]
  }

  /**
   * The cached topic for a client about to use it: marks it used (so refreshes keep it) and,
   * when stale, refreshes it in the background while the cached copy is returned. Undefined
   * when the topic is unknown: call `ensureTopics`.
   */
  use(topic: string): TopicInfo | undefined {
    const info = this.#topics.get(topic)
    if (info === undefined) return undefined
    const now = this.#clock()
    this.#tracked.set(topic, now)
    if (now - info.fetchedAt >= this.#maxAgeMs && !this.#closed) this.refresh([topic]).catch(noop)
    return info
  }

  /** True when the topic is unknown or its metadata is older than `metadataMaxAgeMs`. */
  isStale(topic: string): boolean {
    const info = this.#topics.get(topic)
    return info === undefined || this.#clock() - info.fetchedAt >= this.#maxAgeMs
  }

  /**
   * Fetches metadata for `topics` and every tracked topic; coalesces with a fetch in progress
   * (see the module comment). Rejects when the Metadata request itself keeps failing.
   */
  refresh(topics: Iterable<string> = []): Promise<void> {
    if (this.#closed) return Promise.reject(new CoreError('CORE_CLOSED', 'The cluster metadata is closed'))
    const now = this.#clock()
    const wanted: string[] = []
    for (const topic of topics) {
      this.#tracked.set(topic, now)
      wanted.push(topic)
    }
    const running = this.#running
    if (running !== null && wanted.every((t) => running.topics.has(t))) return running.promise
    if (this.#queued === null) {
      const queuedTopics = new Set<string>()
      const start = running === null ? Promise.resolve() : running.promise.then(noop, noop)
      const promise = start.then(() => this.#startQueued())
      this.#queued = { topics: queuedTopics, promise }
    }
    for (const topic of wanted) this.#queued.topics.add(topic)
    return this.#queued.promise
  }

  async #startQueued(): Promise<void> {
    const fetch = this.#queued!
    this.#queued = null
    this.#running = fetch
    try {
      const now = this.#clock()
      for (const [topic, usedAt] of this.#tracked) {
        if (now - usedAt > this.#maxIdleMs && !fetch.topics.has(topic)) {
          this.#tracked.delete(topic)
          this.#topics.delete(topic)
          this.#topicErrors.delete(topic)
        } else {
          fetch.topics.add(topic)
        }
      }
      const response = await retry(() => this.#fetch([...fetch.topics]), {
        retries: this.#retries,
        initialBackoffMs: this.#retryBackoffMs,
        maxBackoffMs: this.#retryBackoffMaxMs,
      })
      this.#apply(response)
    } finally {
      this.#running = null
    }
  }

  async #fetch(topics: readonly string[]): Promise<MetadataResponse> {
    const version = this.#transport.version(Metadata)
    if (version < 0) throw new CoreError('CORE_PROTOCOL', 'The broker does not support the Metadata API')
    const request: MetadataRequest = {
      // Metadata v0 reads an empty list as "all topics"; the clients always name at least one.
      topics: topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: this.#allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }
    return this.#transport.send(Metadata, request)
  }

  #apply(response: MetadataResponse): void {
    const fetchedAt = this.#clock()
    const brokers = new Map<number, BrokerNode>()
    for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })
    this.#brokers = brokers
    this.#clusterId = response.clusterId
    this.#controllerId = response.controllerId
    for (const t of response.topics) {
      if (t.name === null) continue
      if (t.errorCode !== ErrorCode.NONE) {
        this.#topicErrors.set(t.name, t.errorCode)
        // A topic that no longer exists must not keep routing records to its old leaders.
        if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) this.#topics.delete(t.name)
        continue
      }
      this.#topicErrors.delete(t.name)
      const partitions: PartitionInfo[] = []
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          leaderId: p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE ? -1 : p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          errorCode: p.errorCode,
        }
      }
      // A response that skipped a partition number leaves a hole: fill it as leaderless.
      for (let i = 0; i < partitions.length; i++) {
        partitions[i] ??= { partition: i, leaderId: -1, leaderEpoch: -1, replicas: [], isr: [], errorCode: ErrorCode.LEADER_NOT_AVAILABLE }
      }
      this.#topics.set(t.name, { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions, fetchedAt })
    }
  }

  /**
   * Waits until every topic in `topics` is known with its partitions (fetching, and retrying
   * topics being created), and returns their metadata in the same order. A topic already
   * cached and fresh costs no request. Throws `CORE_UNKNOWN_TOPIC_OR_PARTITION` for a topic
   * that does not exist and was not created, `KafkaApiError` for other topic errors.
   */
  async ensureTopics(topics: readonly string[], options: { signal?: AbortSignal; forceRefresh?: boolean } = {}): Promise<TopicInfo[]> {
    const now = this.#clock()
    for (const topic of topics) this.#tracked.set(topic, now)
    let force = options.forceRefresh === true
    let failing = ''
    const attempt = async (): Promise<TopicInfo[]> => {
      if (force || topics.some((t) => this.isStale(t))) await this.refresh(topics)
      force = true
      return topics.map((topic) => {
        const info = this.#topics.get(topic)
        const code = this.#topicErrors.get(topic)
        if (info !== undefined && info.partitions.length > 0 && code === undefined) return info
        failing = topic
        return this.#throwTopicError(topic, code ?? ErrorCode.LEADER_NOT_AVAILABLE)
      })
    }
    try {
      return await retry(attempt, {
        retries: this.#retries,
        initialBackoffMs: this.#retryBackoffMs,
        maxBackoffMs: this.#retryBackoffMaxMs,
        signal: options.signal,
      })
    } catch (error) {
      if (!(error instanceof KafkaApiError) || !isRetriableErrorCode(error.errorCode)) throw error
      if (error.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        throw new KafkaApiError(error.errorCode, `Metadata of topic '${failing}' still failing after ${this.#retries} retries`, { cause: error })
      }
      this.#tracked.delete(failing)
      const how = this.#allowAutoTopicCreation
        ? 'the broker did not create it (auto.create.topics.enable=false?)'
        : 'this client does not ask for automatic creation (allowAutoTopicCreation=false)'
      // Not retriable: the retries are spent; creating the topic is what helps.
      throw new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', `Topic '${failing}' does not exist and ${how}; create it first`, {
        cause: error,
        retriable: false,
      })
    }
  }

  #throwTopicError(topic: string, code: number): never {
    const what = code === ErrorCode.LEADER_NOT_AVAILABLE
      ? 'has no partition leaders yet (being created?)'
      : code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 'does not exist' : 'cannot be described'
    throw new KafkaApiError(code, `Topic '${topic}' ${what}`)
  }

  /** Stops further refreshes; pending ones complete. */
  close(): void {
    this.#closed = true
  }
}

function noop(): void {}
