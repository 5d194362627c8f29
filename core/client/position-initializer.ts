/**
 * Gives every assigned partition a position before it is fetched (Kafka's
 * `updateFetchPositions`):
 *
 * 1. A newly assigned partition of a group consumer starts at its committed offset
 *    (OffsetFetch); one without a commit, or of a consumer without a group, is reset by
 *    `autoOffsetReset`; with 'none' that is an error (Kafka's NoOffsetForPartitionException).
 * 2. A pending reset (earliest or latest, from `seekToBeginning/End` or OFFSET_OUT_OF_RANGE) is
 *    resolved with ListOffsets (-2 earliest, -1 latest), one request per leader broker.
 *
 * A result is applied only if the partition is still assigned and still waiting for it (a seek
 * by the application meanwhile wins). Runs are serialized: concurrent callers share one run.
 */
import { CoreError } from '../errors.ts'
import { IsolationLevel } from '../protocol/apis/fetch.ts'
import { ListOffsets, ListOffsetsTimestamp } from '../protocol/apis/list-offsets.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import type { ConsumerConfig } from './consumer-config.ts'
import type { GroupOffsetsClient } from './group-offsets-client.ts'
import { type TopicPartition, formatTopicPartition, groupByTopic } from './partition-map.ts'
import { retry } from './retry.ts'
import type { OffsetResetStrategy, SubscriptionState } from './subscription-state.ts'
import type { Transport } from './transport.ts'

export interface PositionInitializerOptions {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  readonly subscriptions: SubscriptionState
  readonly config: ConsumerConfig
  /** The group's offsets; undefined for a consumer without a groupId. */
  readonly offsets: GroupOffsetsClient | undefined
}

export class PositionInitializer {
  readonly #options: PositionInitializerOptions
  #running: Promise<void> | null = null

  constructor(options: PositionInitializerOptions) {
    this.#options = options
  }

  /** True when some assigned partition has no position yet. */
  get pending(): boolean {
    for (const [, state] of this.#options.subscriptions.list()) if (state.position === null) return true
    return false
  }

  /** Initializes every partition without a position. Throws for 'none' without a committed offset. */
  run(): Promise<void> {
    if (!this.pending) return Promise.resolve()
    this.#running ??= this.#run().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  async #run(): Promise<void> {
    const { subscriptions, config, offsets } = this.#options
    const needCommitted: TopicPartition[] = []
    for (const [tp, state] of subscriptions.entries()) {
      if (state.position === null && state.reset === null && !state.committedFetched) needCommitted.push(tp)
    }
    if (needCommitted.length > 0) {
      const committed = offsets ? await offsets.fetchCommitted(needCommitted) : undefined
      for (const tp of needCommitted) {
        const state = subscriptions.state(tp)
        if (!state || state.position !== null || state.reset !== null || state.committedFetched) continue
        const found = committed?.get(tp) ?? null
        subscriptions.markCommittedFetched(tp, found?.offset ?? null)
        if (found !== null) {
          subscriptions.seek(tp, found.offset)
        } else if (config.autoOffsetReset === 'none') {
          throw new CoreError('CORE_OFFSET_OUT_OF_RANGE', `${formatTopicPartition(tp)} has no committed offset${config.groupId === null ? ' (no groupId)' : ` in group '${config.groupId}'`} and autoOffsetReset is 'none'; seek it to an offset first`)
        } else {
          subscriptions.requestReset(tp, config.autoOffsetReset)
        }
      }
    }
    await this.#resetPending()
  }

  async #resetPending(): Promise<void> {
    const { subscriptions, metadata } = this.#options
    const pending: { tp: TopicPartition; strategy: OffsetResetStrategy; epoch: number }[] = []
    for (const [tp, state] of subscriptions.entries()) {
      if (state.position === null && state.reset !== null) pending.push({ tp, strategy: state.reset, epoch: state.epoch })
    }
    if (pending.length === 0) return
    await retry(async () => {
      const unknown = pending.filter(({ tp }) => metadata.leaderFor(tp.topic, tp.partition) < 0).map(({ tp }) => tp.topic)
      if (unknown.length > 0) await metadata.ensureTopics([...new Set(unknown)], { forceRefresh: true })
      const byLeader = new Map<number, typeof pending>()
      for (const p of pending) {
        const leader = metadata.leaderFor(p.tp.topic, p.tp.partition)
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
      }
      await Promise.all([...byLeader].map(([leader, list]) => this.#listOffsets(leader, list)))
    }, { initialBackoffMs: this.#options.config.retryBackoffMs, maxBackoffMs: this.#options.config.retryBackoffMaxMs })
  }

  async #listOffsets(leader: number, list: readonly { tp: TopicPartition; strategy: OffsetResetStrategy; epoch: number }[]): Promise<void> {
    const { transport, subscriptions, config, metadata } = this.#options
    const timestampOf = new Map(list.map((p) => [formatTopicPartition(p.tp), p.strategy === 'earliest' ? ListOffsetsTimestamp.Earliest : ListOffsetsTimestamp.Latest]))
    const response = await transport.send(ListOffsets, {
      replicaId: -1,
      isolationLevel: config.isolationLevel === 'read_committed' ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
      topics: [...groupByTopic(list.map((p) => p.tp))].map(([name, partitions]) => ({
        name,
        partitions: partitions.map((partitionIndex) => ({
          partitionIndex,
          currentLeaderEpoch: -1,
          timestamp: timestampOf.get(`${name}-${partitionIndex}`)!,
          maxNumOffsets: 1,
        })),
      })),
      timeoutMs: config.requestTimeoutMs,
    }, { nodeId: leader })
    let failure: Error | undefined
    for (const topic of response.topics) {
      for (const p of topic.partitions) {
        const tp = { topic: topic.name, partition: p.partitionIndex }
        const wanted = list.find((w) => w.tp.topic === tp.topic && w.tp.partition === tp.partition)
        const state = subscriptions.state(tp)
        if (!wanted || !state || state.epoch !== wanted.epoch || state.position !== null) continue
        if (p.errorCode === ErrorCode.NONE && p.offset >= 0) {
          subscriptions.seek(tp, p.offset)
        } else if (p.errorCode !== ErrorCode.NONE) {
          if (p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
            void metadata.refresh([tp.topic]).catch(() => undefined)
          }
          failure ??= new KafkaApiError(p.errorCode, `resetting ${formatTopicPartition(tp)} to the ${wanted.strategy} offset`)
        }
      }
    }
    if (failure) throw failure
  }
}
