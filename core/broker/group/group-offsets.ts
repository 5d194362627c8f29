/**
 * Committed offsets of groups: OffsetCommit, OffsetFetch, offsets expiry and DeleteGroups,
 * with Kafka's rules (GroupCoordinator.handleCommitOffsets, GroupMetadata.removeExpiredOffsets).
 *
 * Commits:
 * - generation -1 with an empty memberId and no groupInstanceId is a "simple" commit, allowed
 *   when the group is Empty or unknown (an unknown group is then created, without a protocol
 *   type); a non-empty group answers UNKNOWN_MEMBER_ID.
 * - Otherwise the member must be current (FENCED_INSTANCE_ID, UNKNOWN_MEMBER_ID) and of the
 *   current generation (ILLEGAL_GENERATION); an unknown group answers ILLEGAL_GENERATION.
 * - Allowed while Stable or PreparingRebalance (the member learns of the rebalance from its
 *   heartbeat; the commit counts as one), refused with REBALANCE_IN_PROGRESS while
 *   CompletingRebalance.
 * - Per partition: UNKNOWN_TOPIC_OR_PARTITION for partitions the injected check does not know
 *   (before any group error, as Kafka's request handler does), OFFSET_METADATA_TOO_LARGE for
 *   metadata longer than `offset.metadata.max.bytes` (counted in UTF-16 units, like Java's
 *   String.length()).
 * - The accepted partitions are written as one batch and the response waits for its fsync.
 *   The in-memory offsets change when the batch is appended, so a fetch may see a commit whose
 *   fsync is still running, as a consumer may read produced records before they are fsynced.
 *
 * Expiry: the offsets of an Empty group with a protocol type expire `offsets.retention.minutes`
 * after the group became Empty; those of a group without one (simple commits only) each expire
 * that long after their commit; offsets restored from v1 records at their expire timestamp.
 * Offsets of active groups are kept (Kafka also expires those of topics a Stable consumer group
 * no longer subscribes to; Creek does not parse subscriptions). An Empty group left without
 * offsets dies; a tombstone is written for each expired offset and for the dead group.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ClassicGroup, type CommittedOffset } from './classic-group.ts'
import type { GroupContext } from './group-context.ts'
import type {
  DeleteGroupsResponse,
  DeleteGroupsResult,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequestTopic,
  OffsetFetchResponseGroup,
  OffsetFetchResponsePartition,
} from './group-messages.ts'
import type { GroupRebalancer } from './group-rebalancer.ts'
import { GroupState } from './group-state.ts'
import { appendErrorCode, type OffsetsTopicRecord } from './offset-store.ts'
import { encodeGroupMetadataKey, encodeOffsetCommitKey, encodeOffsetCommitValue } from './offsets-topic-records.ts'

/** Tells whether a topic partition exists (injected: the broker's metadata). */
export type TopicPartitionExists = (topic: string, partition: number) => boolean

export class GroupOffsets {
  readonly #ctx: GroupContext
  readonly #rebalancer: GroupRebalancer
  readonly #exists: TopicPartitionExists

  constructor(ctx: GroupContext, rebalancer: GroupRebalancer, exists: TopicPartitionExists) {
    this.#ctx = ctx
    this.#rebalancer = rebalancer
    this.#exists = exists
  }

  async commitOffsets(req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const ctx = this.#ctx
    const now = ctx.clock()
    const groupError = this.#validateCommit(req)
    const group = groupError === ErrorCode.NONE ? (ctx.groups.get(req.groupId) ?? new ClassicGroup(req.groupId, GroupState.EMPTY, now)) : undefined
    const maxMetadata = ctx.config.offsetMetadataMaxBytes
    const codes = req.topics.map((topic) =>
      topic.partitions.map((p) => {
        if (!this.#exists(topic.name, p.partitionIndex)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        if (groupError !== ErrorCode.NONE) return groupError
        if (p.committedMetadata !== null && p.committedMetadata.length > maxMetadata) return ErrorCode.OFFSET_METADATA_TOO_LARGE
        return ErrorCode.NONE
      }),
    )
    const accepted: { topic: string; partition: number; offset: CommittedOffset }[] = []
    req.topics.forEach((topic, t) =>
      topic.partitions.forEach((p, i) => {
        if (codes[t][i] !== ErrorCode.NONE) return
        const offset = { committedOffset: p.committedOffset, committedLeaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.committedMetadata ?? '', commitTimestamp: now }
        accepted.push({ topic: topic.name, partition: p.partitionIndex, offset })
      }),
    )
    if (group && accepted.length > 0) {
      const writeError = await this.#store(group, accepted, now)
      if (writeError !== ErrorCode.NONE) {
        for (const row of codes) row.forEach((code, i) => (row[i] = code === ErrorCode.NONE ? writeError : code))
      }
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic, t) => ({
        name: topic.name,
        partitions: topic.partitions.map((p, i) => ({ partitionIndex: p.partitionIndex, errorCode: codes[t][i] })),
      })),
    }
  }

  /** The group-level error of a commit (NONE: go ahead); a member's commit counts as its heartbeat. */
  #validateCommit(req: OffsetCommitRequest): number {
    if (this.#ctx.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (typeof req.groupId !== 'string') return ErrorCode.INVALID_GROUP_ID
    const generation = req.generationIdOrMemberEpoch
    const group = this.#ctx.groups.get(req.groupId)
    if (!group) return generation < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION
    if (group.is(GroupState.DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (generation >= 0 || req.memberId !== '' || (req.groupInstanceId ?? null) !== null) {
      const error = group.validateMember(req.memberId, req.groupInstanceId)
      if (error !== ErrorCode.NONE) return error
      if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (!group.is(GroupState.EMPTY)) {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    if (group.is(GroupState.COMPLETING_REBALANCE)) return ErrorCode.REBALANCE_IN_PROGRESS
    const member = group.get(req.memberId)
    if (member) this.#rebalancer.scheduleSession(group, member)
    return ErrorCode.NONE
  }

  /** Appends the commits, applies them in memory, and resolves NONE once durable (or the error code). */
  async #store(group: ClassicGroup, accepted: { topic: string; partition: number; offset: CommittedOffset }[], now: number): Promise<number> {
    const records: OffsetsTopicRecord[] = accepted.map(({ topic, partition, offset }) => ({
      key: encodeOffsetCommitKey(group.groupId, topic, partition),
      value: encodeOffsetCommitValue({
        offset: offset.committedOffset,
        leaderEpoch: offset.committedLeaderEpoch,
        metadata: offset.metadata,
        commitTimestamp: offset.commitTimestamp,
      }),
    }))
    let durable: Promise<void>
    try {
      durable = this.#ctx.store.append(group.groupId, records, now)
    } catch (error) {
      this.#ctx.logger.error(`Cannot append offsets of group '${group.groupId}'`, { cause: String(error) })
      return appendErrorCode(error, true)
    }
    if (!this.#ctx.groups.has(group.groupId)) this.#ctx.groups.set(group.groupId, group)
    for (const { topic, partition, offset } of accepted) group.setOffset(topic, partition, offset)
    this.#ctx.track(durable)
    try {
      await durable
      return ErrorCode.NONE
    } catch (error) {
      this.#ctx.logger.error(`Cannot flush offsets of group '${group.groupId}'`, { cause: String(error) })
      return appendErrorCode(error, true)
    }
  }

  /** OffsetFetch for one group: `topics` null means every committed offset. */
  fetchOffsets(groupId: string, topics: readonly OffsetFetchRequestTopic[] | null): Promise<OffsetFetchResponseGroup> {
    const errorCode = this.#ctx.closed ? ErrorCode.COORDINATOR_NOT_AVAILABLE : typeof groupId !== 'string' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE
    if (errorCode !== ErrorCode.NONE) {
      const failed = (partitionIndex: number): OffsetFetchResponsePartition => ({ ...noOffset(partitionIndex), errorCode })
      return Promise.resolve({ groupId, errorCode, topics: (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map(failed) })) })
    }
    const group = this.#ctx.groups.get(groupId)
    if (topics === null) {
      const byTopic = new Map<string, OffsetFetchResponsePartition[]>()
      for (const { topic, partition, offset } of group?.allOffsets() ?? []) {
        let partitions = byTopic.get(topic)
        if (!partitions) byTopic.set(topic, (partitions = []))
        partitions.push(fetched(partition, offset))
      }
      return Promise.resolve({ groupId, errorCode, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) })
    }
    return Promise.resolve({
      groupId,
      errorCode,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const offset = group?.offset(t.name, p)
          return offset ? fetched(p, offset) : noOffset(p)
        }),
      })),
    })
  }

  /** Expires offsets (see the file comment); resolves the number expired once the tombstones are durable. */
  async expireOffsets(now: number): Promise<number> {
    if (this.#ctx.closed) return 0
    const retentionMs = this.#ctx.config.offsetsRetentionMinutes * 60_000
    let expired = 0
    const writes: Promise<unknown>[] = []
    for (const group of [...this.#ctx.groups.values()]) {
      let base: ((offset: CommittedOffset) => number) | undefined
      if (group.protocolType === null) base = (offset) => offset.commitTimestamp
      else if (group.is(GroupState.EMPTY)) base = (offset) => group.currentStateTimestamp ?? offset.commitTimestamp
      if (!base) continue
      const records: OffsetsTopicRecord[] = []
      for (const { topic, partition, offset } of group.allOffsets()) {
        const due = offset.expireTimestamp !== undefined ? now >= offset.expireTimestamp : now - base(offset) >= retentionMs
        if (!due) continue
        group.deleteOffset(topic, partition)
        records.push({ key: encodeOffsetCommitKey(group.groupId, topic, partition), value: null })
      }
      expired += records.length
      if (group.is(GroupState.EMPTY) && !group.hasOffsets) {
        this.#kill(group)
        records.push({ key: encodeGroupMetadataKey(group.groupId), value: null })
      }
      if (records.length > 0) {
        const count = records.length - (group.is(GroupState.DEAD) ? 1 : 0)
        this.#ctx.logger.info(`Expired ${count} offsets of group '${group.groupId}'${group.is(GroupState.DEAD) ? '; the group is removed' : ''}`, { groupId: group.groupId })
        writes.push(this.#writeTombstones(group.groupId, records, now))
      }
    }
    await Promise.all(writes)
    return expired
  }

  /**
   * A topic was deleted: every group forgets its committed offsets for it (tombstones written),
   * and an Empty group left without offsets is removed, as Kafka's coordinator does. Resolves
   * with the number of offsets removed once the tombstones are durable.
   */
  async deleteTopicOffsets(topic: string): Promise<number> {
    if (this.#ctx.closed) return 0
    const now = this.#ctx.clock()
    let removed = 0
    const writes: Promise<unknown>[] = []
    for (const group of [...this.#ctx.groups.values()]) {
      const records: OffsetsTopicRecord[] = []
      for (const { topic: t, partition } of group.allOffsets()) {
        if (t !== topic) continue
        group.deleteOffset(t, partition)
        records.push({ key: encodeOffsetCommitKey(group.groupId, t, partition), value: null })
      }
      if (records.length === 0) continue
      removed += records.length
      if (group.is(GroupState.EMPTY) && !group.hasOffsets) {
        this.#kill(group)
        records.push({ key: encodeGroupMetadataKey(group.groupId), value: null })
      }
      this.#ctx.logger.info(`Removed ${records.length - (group.is(GroupState.DEAD) ? 1 : 0)} committed offsets of deleted topic '${topic}' from group '${group.groupId}'`, { groupId: group.groupId, topic })
      writes.push(this.#writeTombstones(group.groupId, records, now))
    }
    await Promise.all(writes)
    return removed
  }

  deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupsResponse> {
    const now = this.#ctx.clock()
    const writes: Promise<unknown>[] = []
    const results = groupIds.map((groupId): DeleteGroupsResult => {
      if (this.#ctx.closed) return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
      if (typeof groupId !== 'string') return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID }
      const group = this.#ctx.groups.get(groupId)
      if (!group || group.is(GroupState.DEAD)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND }
      if (!group.is(GroupState.EMPTY)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP }
      const records: OffsetsTopicRecord[] = group.allOffsets().map(({ topic, partition }) => ({ key: encodeOffsetCommitKey(groupId, topic, partition), value: null }))
      records.push({ key: encodeGroupMetadataKey(groupId), value: null })
      this.#kill(group)
      this.#ctx.logger.info(`Deleted group '${groupId}' and its ${records.length - 1} committed offsets`, { groupId })
      writes.push(this.#writeTombstones(groupId, records, now))
      return { groupId, errorCode: ErrorCode.NONE }
    })
    return Promise.all(writes).then(() => ({ throttleTimeMs: 0, results }))
  }

  #kill(group: ClassicGroup): void {
    group.transitionTo(GroupState.DEAD, this.#ctx.clock())
    this.#rebalancer.cancelGroupTimers(group)
    this.#ctx.groups.delete(group.groupId)
  }

  /** Writes tombstones; a failure is logged, as in Kafka (the group is already gone from memory). */
  #writeTombstones(groupId: string, records: OffsetsTopicRecord[], now: number): Promise<void> {
    let durable: Promise<void>
    try {
      durable = this.#ctx.store.append(groupId, records, now)
    } catch (error) {
      durable = Promise.reject(error)
    }
    const settled = durable.catch((error: unknown) => {
      this.#ctx.logger.error(`Cannot write tombstones for group '${groupId}'; its offsets may reappear after a restart`, { cause: String(error) })
    })
    this.#ctx.track(settled)
    return settled
  }
}

function noOffset(partitionIndex: number): OffsetFetchResponsePartition {
  return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
}

function fetched(partitionIndex: number, offset: CommittedOffset): OffsetFetchResponsePartition {
  return {
    partitionIndex,
    committedOffset: offset.committedOffset,
    committedLeaderEpoch: offset.committedLeaderEpoch,
    metadata: offset.metadata,
    errorCode: ErrorCode.NONE,
  }
}
