/**
 * Committing and reading a group's offsets (OffsetCommit, OffsetFetch) for the consumer, with
 * Kafka's error handling:
 *
 * - COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, REQUEST_TIMED_OUT and network failures: the
 *   coordinator is looked up again and the request retried (retry.ts), as are
 *   COORDINATOR_LOAD_IN_PROGRESS and UNSTABLE_OFFSET_COMMIT.
 * - UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID: the commit
 *   is refused for good (Kafka's CommitFailedException): the member is told (it rejoins, or is
 *   fenced) and the error names what to do.
 * - Partition errors (unknown partition, metadata too large): refused, naming the partition.
 *
 * Commits carry the member's generation and id while it is in the group, and -1 / "" otherwise
 * (a consumer using `assign` commits as a "simple" member, which Kafka allows while the group
 * has no members).
 */
import { CoreError, isRetriable } from '../errors.ts'
import { OffsetCommit } from '../protocol/apis/offset-commit.ts'
import { OffsetFetch } from '../protocol/apis/offset-fetch.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import type { ConsumerConfig } from './consumer-config.ts'
import {
  type MemberIdentity, type OffsetAndMetadata, offsetCommitRequest, offsetFetchRequest, parseOffsetCommit, parseOffsetFetch,
} from './group-requests.ts'
import { PartitionMap, type TopicPartition, formatTopicPartition } from './partition-map.ts'
import { retry } from './retry.ts'
import type { SubscriptionState } from './subscription-state.ts'
import type { Transport } from './transport.ts'

export interface GroupOffsetsClientOptions {
  readonly transport: Transport
  readonly config: ConsumerConfig & { readonly groupId: string }
  readonly subscriptions: SubscriptionState
  /** The coordinator's node id (looked up when unknown). */
  readonly coordinator: () => Promise<number>
  readonly coordinatorUnknown: () => void
  readonly identity: () => MemberIdentity
  /** A commit was refused because of the member's standing (fenced, out of its generation, rebalancing). */
  readonly onMemberError: (errorCode: number, api: string) => void
}

const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.REQUEST_TIMED_OUT,
])
const MEMBER_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.FENCED_INSTANCE_ID,
])

export class GroupOffsetsClient {
  readonly #options: GroupOffsetsClientOptions

  constructor(options: GroupOffsetsClientOptions) {
    this.#options = options
  }

  /** Commits the current positions of `partitions` (default: all assigned) that changed since the last commit. */
  commitPositions(partitions?: Iterable<TopicPartition>): Promise<void> {
    const offsets = new PartitionMap<OffsetAndMetadata>()
    for (const [tp, offset] of this.#options.subscriptions.uncommitted(partitions)) offsets.set(tp, { offset, metadata: null })
    return this.commit(offsets)
  }

  /** Commits `offsets` (each the next offset to consume); resolves once every partition is stored. */
  async commit(offsets: PartitionMap<OffsetAndMetadata>): Promise<void> {
    if (offsets.size === 0) return
    const { transport, config } = this.#options
    await this.#retry(async () => {
      const nodeId = await this.#options.coordinator()
      const identity = this.#options.identity()
      const response = await this.#send(() => transport.send(OffsetCommit, offsetCommitRequest(identity, offsets), { nodeId }))
      let failure: Error | undefined
      for (const [tp, code] of parseOffsetCommit(response)) {
        if (code === ErrorCode.NONE) {
          const committed = offsets.get(tp)
          if (committed) this.#options.subscriptions.setCommitted(tp, committed.offset)
        } else {
          failure ??= this.#commitError(code, tp, identity)
        }
      }
      if (failure) throw failure
    }, `committing offsets of group '${config.groupId}'`)
  }

  #commitError(code: number, tp: TopicPartition, identity: MemberIdentity): Error {
    const groupId = this.#options.config.groupId
    if (COORDINATOR_ERRORS.has(code)) {
      this.#options.coordinatorUnknown()
      return new KafkaApiError(code, `committing offsets of group '${groupId}'`)
    }
    if (MEMBER_ERRORS.has(code)) {
      this.#options.onMemberError(code, 'OffsetCommit')
      // Not retriable (Kafka's table agrees): the same commit can never succeed in a later generation.
      return new KafkaApiError(code, `Commit of group '${groupId}' refused: the member (generation ${identity.generationId}) is no longer in a stable generation; its partitions may have been reassigned. Offsets are committed when partitions are revoked; commit again after the rebalance`)
    }
    if (code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return new KafkaApiError(code, `committing offsets of group '${groupId}'`)
    const error = new KafkaApiError(code, `Commit of ${formatTopicPartition(tp)} for group '${groupId}' refused`)
    if (code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return error
    // Retriable for a fetch (a topic being created), but a commit to a partition that does not exist stays refused.
    return new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', `Cannot commit ${formatTopicPartition(tp)} for group '${groupId}': the partition does not exist`, { cause: error, retriable: false })
  }

  /** The committed offsets of `partitions`; null where nothing is committed. */
  async fetchCommitted(partitions: readonly TopicPartition[]): Promise<PartitionMap<OffsetAndMetadata | null>> {
    const { transport, config } = this.#options
    const result = new PartitionMap<OffsetAndMetadata | null>()
    if (partitions.length === 0) return result
    return this.#retry(async () => {
      const nodeId = await this.#options.coordinator()
      const response = await this.#send(() => transport.send(OffsetFetch, offsetFetchRequest(config.groupId, partitions), { nodeId }))
      const parsed = parseOffsetFetch(response)
      if (parsed.errorCode !== ErrorCode.NONE) throw this.#fetchError(parsed.errorCode)
      for (const tp of partitions) {
        const entry = parsed.partitions.get(tp)
        if (entry && entry.errorCode !== ErrorCode.NONE && entry.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          throw this.#fetchError(entry.errorCode, tp)
        }
        result.set(tp, entry && entry.errorCode === ErrorCode.NONE && entry.offset >= 0 ? { offset: entry.offset, metadata: entry.metadata } : null)
      }
      return result
    }, `fetching committed offsets of group '${config.groupId}'`)
  }

  #fetchError(code: number, tp?: TopicPartition): Error {
    const what = `fetching committed offsets of group '${this.#options.config.groupId}'${tp ? ` for ${formatTopicPartition(tp)}` : ''}`
    if (COORDINATOR_ERRORS.has(code)) this.#options.coordinatorUnknown()
    return new KafkaApiError(code, what)
  }

  /** A request to the coordinator; a transport failure makes it unknown (looked up again on retry). */
  async #send<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (error) {
      this.#options.coordinatorUnknown()
      throw error
    }
  }

  #retry<T>(operation: () => Promise<T>, what: string): Promise<T> {
    const { config } = this.#options
    return retry(operation, {
      retries: 10,
      initialBackoffMs: config.retryBackoffMs,
      maxBackoffMs: config.retryBackoffMaxMs,
      timeoutMs: config.requestTimeoutMs,
      retriable: isRetriable,
    }).catch((error: unknown) => {
      if (error instanceof CoreError) throw error
      throw new CoreError('CORE_KAFKA_ERROR', `Failed ${what}`, { cause: error })
    })
  }
}
