/**
 * The plumbing every Admin operation shares: sending a request (refusing an API the broker does
 * not support), the admin's retry policy, group coordinators, partition leaders from
 * `ClusterMetadata`, ListOffsets fanned out to leaders, and turning error codes into errors that
 * name what they concern.
 *
 * Request objects carry every field of every version (the transport encodes what the
 * negotiated version has); where a newer version moved a field (FindCoordinator v4 batches its
 * keys), both forms are filled and the response is read by the version the transport reports.
 *
 * Concurrency: stateless between calls apart from the shared `ClusterMetadata` cache.
 */
import { CoreError } from '../errors.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'
import { FindCoordinator } from '../protocol/apis/find-coordinator.ts'
import { ListOffsets, type ListOffsetsRequest } from '../protocol/apis/list-offsets.ts'
import { ErrorCode, KafkaApiError, errorInfo } from '../protocol/error-codes.ts'
import type { ClusterMetadata, TopicInfo } from './cluster-metadata.ts'
import { type RetryOptions, retry } from './retry.ts'
import type { Transport } from './transport.ts'

/** A Kafka error code as an error that says what it concerns: `Cannot delete topic 'x': <message>`. */
export function apiError(code: number, context: string, message?: string | null): KafkaApiError {
  const detail = message || errorInfo(code)?.message || 'unknown Kafka error code'
  return new KafkaApiError(code, `${context}: ${detail}`)
}

/** The offset and timestamp ListOffsets answered for one partition. */
export interface ListedOffset {
  readonly offset: number
  readonly timestamp: number
}

export interface AdminChannelOptions {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  /** The broker-side timeout put in requests that have one. */
  readonly requestTimeoutMs: number
  readonly retry: RetryOptions
}

export class AdminChannel {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  readonly requestTimeoutMs: number
  readonly #retry: RetryOptions

  constructor(options: AdminChannelOptions) {
    this.transport = options.transport
    this.metadata = options.metadata
    this.requestTimeoutMs = options.requestTimeoutMs
    this.#retry = options.retry
  }

  /** The version the transport will use for `api`; throws CORE_PROTOCOL when the broker lacks it. */
  version(api: ApiDescriptor, nodeId?: number): number {
    const version = this.transport.version(api, nodeId)
    if (version < 0) throw new CoreError('CORE_PROTOCOL', `The broker does not support the ${api.name} API, which this operation needs`)
    return version
  }

  async send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, nodeId?: number): Promise<ResponseOf<A>> {
    this.version(api, nodeId)
    return this.transport.send(api, request, nodeId === undefined ? {} : { nodeId })
  }

  /** Runs `operation` again after retriable errors, under the admin's retry policy. */
  retry<T>(operation: () => Promise<T>): Promise<T> {
    return retry(operation, this.#retry)
  }

  /**
   * Runs a batch operation item by item: each attempt sends the items still pending; items that
   * succeed or fail for good are settled, items with retriable errors are tried again, so that
   * a retry never repeats an item that already took effect. Returns every item's outcome.
   */
  async settle<I, R>(items: readonly I[], attempt: (pending: readonly I[]) => Promise<Map<I, R | Error>>): Promise<Map<I, R | Error>> {
    const outcomes = new Map<I, R | Error>()
    let pending = [...items]
    try {
      await this.retry(async () => {
        const results = await attempt(pending)
        const next: I[] = []
        for (const item of pending) {
          const result = results.get(item) ?? new CoreError('CORE_PROTOCOL', `The broker answered nothing for '${String(item)}'`)
          outcomes.set(item, result)
          if (result instanceof CoreError && result.retriable) next.push(item)
        }
        pending = next
        if (next.length > 0) throw outcomes.get(next[0])
      })
    } catch (error) {
      // Retries spent: the items still pending keep their last error. Anything else is a
      // failure of the request itself.
      if (pending.length === 0 || outcomes.get(pending[0]) !== error) throw error
    }
    return outcomes
  }

  /** The node id of the coordinator of `groupId`. */
  async coordinator(groupId: string): Promise<number> {
    const version = this.version(FindCoordinator)
    const response = await this.send(FindCoordinator, { key: groupId, keyType: 0, coordinatorKeys: [groupId] })
    const found = version >= 4
      ? response.coordinators.find((c) => c.key === groupId)
      : { nodeId: response.nodeId, errorCode: response.errorCode, errorMessage: response.errorMessage }
    if (found === undefined) throw new CoreError('CORE_PROTOCOL', `FindCoordinator answered nothing for group '${groupId}'`)
    if (found.errorCode !== ErrorCode.NONE) throw apiError(found.errorCode, `Cannot find the coordinator of group '${groupId}'`, found.errorMessage)
    return found.nodeId
  }

  /**
   * Fresh metadata of `topics` (one Metadata request). A topic the broker does not know is
   * missing from the map; `required` turns that into UNKNOWN_TOPIC_OR_PARTITION.
   */
  async topics(topics: readonly string[], required = true): Promise<Map<string, TopicInfo>> {
    const found = new Map<string, TopicInfo>()
    if (topics.length === 0) return found
    await this.metadata.refresh(topics)
    for (const topic of topics) {
      const info = this.metadata.topic(topic)
      if (info !== undefined) found.set(topic, info)
      else if (required) throw new KafkaApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist`)
    }
    return found
  }

  /**
   * ListOffsets for partitions (by topic) at one timestamp (−1 latest, −2 earliest, or a time),
   * each request sent to the partition's leader. Partitions of topics missing from `topics`
   * are skipped. Errors of single partitions are thrown, naming the partition.
   */
  async listOffsets(topics: ReadonlyMap<string, TopicInfo>, partitions: ReadonlyMap<string, readonly number[]>, timestamp: number): Promise<Map<string, ListedOffset>> {
    const byLeader = new Map<number, Map<string, number[]>>()
    for (const [topic, indexes] of partitions) {
      const info = topics.get(topic)
      if (info === undefined) continue
      for (const partition of indexes) {
        const leader = info.partitions[partition]?.leaderId ?? -1
        if (leader < 0) throw apiError(ErrorCode.LEADER_NOT_AVAILABLE, `Partition ${topic}-${partition}`, 'it has no leader')
        const forLeader = byLeader.get(leader) ?? new Map<string, number[]>()
        byLeader.set(leader, forLeader)
        forLeader.set(topic, [...(forLeader.get(topic) ?? []), partition])
      }
    }
    const results = new Map<string, ListedOffset>()
    await Promise.all([...byLeader].map(async ([leader, forLeader]) => {
      const request: ListOffsetsRequest = {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...forLeader].map(([name, indexes]) => ({
          name,
          partitions: indexes.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
        })),
        timeoutMs: this.requestTimeoutMs,
      }
      const response = await this.send(ListOffsets, request, leader)
      for (const topic of response.topics) {
        for (const p of topic.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw apiError(p.errorCode, `Cannot list offsets of ${topic.name}-${p.partitionIndex}`)
          results.set(partitionKey(topic.name, p.partitionIndex), { offset: p.offset, timestamp: p.timestamp })
        }
      }
    }))
    return results
  }
}

/** The key of a partition in maps: `topic:partition`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`
}
