/**
 * The group operations of `Admin`: listing and describing groups (decoding consumer groups'
 * subscriptions and assignments), deleting them, reading their committed offsets with lag, and
 * resetting them the way Kafka's `kafka-consumer-groups --reset-offsets` does.
 *
 * Requests about a group go to its coordinator, found with FindCoordinator on every attempt, so
 * a retry after NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS asks again; ListGroups goes to
 * every broker, since each lists only the groups it coordinates.
 */
import { CoreError } from '../errors.ts'
import { DeleteGroups } from '../protocol/apis/delete-groups.ts'
import { DescribeGroups } from '../protocol/apis/describe-groups.ts'
import { ListGroups, type ListGroupsResponse } from '../protocol/apis/list-groups.ts'
import { ListOffsetsTimestamp } from '../protocol/apis/list-offsets.ts'
import { OffsetCommit } from '../protocol/apis/offset-commit.ts'
import { OffsetFetch } from '../protocol/apis/offset-fetch.ts'
import { CONSUMER_PROTOCOL_TYPE, decodeConsumerAssignment, decodeConsumerSubscription } from '../protocol/consumer-protocol.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { type AdminChannel, apiError, partitionKey } from './admin-channel.ts'
import type {
  GroupDescription, GroupListing, GroupPartitionOffset, ListGroupOffsetsOptions, MemberDescription, ResetGroupOffsetsOptions,
  ResetOffset, ResetTarget,
} from './admin-types.ts'

/** States in which a group's offsets may be reset: no member is consuming. */
const INACTIVE_STATES = new Set(['Empty', 'Dead'])

interface Committed {
  readonly offset: number
  readonly metadata: string | null
}

export class AdminGroups {
  readonly #channel: AdminChannel

  constructor(channel: AdminChannel) {
    this.#channel = channel
  }

  async list(): Promise<GroupListing[]> {
    const channel = this.#channel
    await channel.retry(() => channel.metadata.refresh())
    const nodes = channel.metadata.brokers().map((b) => b.nodeId)
    const responses = await Promise.all((nodes.length > 0 ? nodes : [undefined]).map((nodeId) => channel.retry(async () => {
      const response: ListGroupsResponse = await channel.send(ListGroups, { statesFilter: [], typesFilter: [] }, nodeId)
      if (response.errorCode !== ErrorCode.NONE) throw apiError(response.errorCode, `Cannot list the groups of broker ${nodeId ?? ''}`.trimEnd())
      return response
    })))
    const groups = new Map<string, GroupListing>()
    for (const response of responses) {
      for (const g of response.groups) groups.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState })
    }
    return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId))
  }

  async describe(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const outcomes = await this.#channel.settle<string, GroupDescription>(groupIds, (pending) =>
      this.#byCoordinator(pending, async (nodeId, ids) => {
        const response = await this.#channel.send(DescribeGroups, { groups: [...ids], includeAuthorizedOperations: false }, nodeId)
        return response.groups.map((g) => [g.groupId, g.errorCode === ErrorCode.NONE
          ? {
              groupId: g.groupId,
              state: g.groupState,
              protocolType: g.protocolType,
              protocol: g.protocolData,
              members: g.members.map((m) => describeMember(g.protocolType, m)),
            }
          : apiError(g.errorCode, `Cannot describe group '${g.groupId}'`)])
      }))
    return groupIds.map((id) => {
      const outcome = outcomes.get(id)!
      if (outcome instanceof Error) throw outcome
      return outcome
    })
  }

  async delete(groupIds: readonly string[]): Promise<void> {
    const outcomes = await this.#channel.settle<string, true>(groupIds, (pending) =>
      this.#byCoordinator(pending, async (nodeId, ids) => {
        const response = await this.#channel.send(DeleteGroups, { groupsNames: [...ids] }, nodeId)
        return response.results.map((r) => [r.groupId, r.errorCode === ErrorCode.NONE
          ? true as const
          : apiError(r.errorCode, `Cannot delete group '${r.groupId}'`)])
      }))
    for (const id of groupIds) {
      const outcome = outcomes.get(id)
      if (outcome instanceof Error) throw outcome
    }
  }

  async offsets(groupId: string, options: ListGroupOffsetsOptions): Promise<GroupPartitionOffset[]> {
    const committed = await this.#committed(groupId, null)
    const topics = new Set([...committed.keys()].map((key) => key.slice(0, key.lastIndexOf(':'))))
    for (const topic of options.topics ?? []) topics.add(topic)
    const infos = await this.#channel.retry(() => this.#channel.topics([...topics], false))
    const partitions = new Map<string, number[]>()
    for (const key of committed.keys()) {
      const cut = key.lastIndexOf(':')
      const topic = key.slice(0, cut)
      partitions.set(topic, [...(partitions.get(topic) ?? []), Number(key.slice(cut + 1))])
    }
    for (const topic of options.topics ?? []) {
      const all = new Set([...(partitions.get(topic) ?? []), ...(infos.get(topic)?.partitions.map((p) => p.partition) ?? [])])
      partitions.set(topic, [...all])
    }
    // A committed partition the topic no longer has cannot be listed: it keeps log end −1.
    const existing = new Map([...partitions].map(([topic, indexes]) => [topic, indexes.filter((p) => (infos.get(topic)?.partitions.length ?? 0) > p)]))
    const ends = await this.#channel.retry(() => this.#channel.listOffsets(infos, existing, ListOffsetsTimestamp.Latest))
    const rows: GroupPartitionOffset[] = []
    for (const [topic, indexes] of partitions) {
      for (const partition of indexes) {
        const key = partitionKey(topic, partition)
        const commit = committed.get(key)
        const logEndOffset = ends.get(key)?.offset ?? -1
        const committedOffset = commit?.offset ?? -1
        rows.push({
          topic,
          partition,
          committedOffset,
          metadata: commit?.metadata ?? null,
          logEndOffset,
          lag: committedOffset >= 0 && logEndOffset >= 0 ? Math.max(0, logEndOffset - committedOffset) : undefined,
        })
      }
    }
    return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  }

  async resetOffsets(groupId: string, topic: string, options: ResetGroupOffsetsOptions): Promise<ResetOffset[]> {
    checkTarget(options.to)
    const [group] = await this.describe([groupId])
    if (!INACTIVE_STATES.has(group.state)) {
      throw apiError(ErrorCode.NON_EMPTY_GROUP, `Cannot reset the offsets of group '${groupId}'`,
        `offsets can only be reset while the group is inactive, but its state is ${group.state} with ${group.members.length} member(s); stop its consumers first`)
    }
    const channel = this.#channel
    const infos = await channel.retry(() => channel.topics([topic]))
    const all = infos.get(topic)!.partitions.map((p) => p.partition)
    for (const p of options.partitions ?? []) {
      if (!all.includes(p)) throw apiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Cannot reset offsets of ${topic}-${p}`, `topic '${topic}' has partitions 0 to ${all.length - 1}`)
    }
    const partitions = new Map([[topic, options.partitions ? [...new Set(options.partitions)].sort((a, b) => a - b) : all]])
    const [committed, earliest, latest, atTime] = await Promise.all([
      this.#committed(groupId, [{ name: topic, partitionIndexes: partitions.get(topic)! }]),
      channel.retry(() => channel.listOffsets(infos, partitions, ListOffsetsTimestamp.Earliest)),
      channel.retry(() => channel.listOffsets(infos, partitions, ListOffsetsTimestamp.Latest)),
      typeof options.to === 'object' && 'timestamp' in options.to
        ? channel.retry(() => channel.listOffsets(infos, partitions, (options.to as { timestamp: number }).timestamp))
        : undefined,
    ])
    const resets = partitions.get(topic)!.map((partition): ResetOffset => {
      const key = partitionKey(topic, partition)
      const low = earliest.get(key)!.offset
      const high = latest.get(key)!.offset
      const previousOffset = committed.get(key)?.offset ?? -1
      const clamp = (offset: number): number => Math.min(Math.max(offset, low), high)
      const to = options.to
      let newOffset: number
      if (to === 'earliest') newOffset = low
      else if (to === 'latest') newOffset = high
      else if ('offset' in to) newOffset = clamp(to.offset)
      else if ('timestamp' in to) {
        const found = atTime!.get(key)?.offset ?? -1
        newOffset = found >= 0 ? found : high
      } else {
        if (previousOffset < 0) {
          throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot shift the offset of ${topic}-${partition} for group '${groupId}': the group has no committed offset there; reset it --to-earliest, --to-latest or --to-offset first`)
        }
        newOffset = clamp(previousOffset + to.shiftBy)
      }
      return { topic, partition, previousOffset, newOffset }
    })
    if (!options.dryRun) await this.#commit(groupId, topic, resets)
    return resets
  }

  /** Commits offsets as a client outside the group would (generation −1, no member id). */
  async #commit(groupId: string, topic: string, resets: readonly ResetOffset[]): Promise<void> {
    await this.#channel.retry(async () => {
      const coordinator = await this.#channel.coordinator(groupId)
      const response = await this.#channel.send(OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [{
          name: topic,
          partitions: resets.map((r) => ({
            partitionIndex: r.partition, committedOffset: r.newOffset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '',
          })),
        }],
      }, coordinator)
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw apiError(p.errorCode, `Cannot commit the offset of ${t.name}-${p.partitionIndex} for group '${groupId}'`)
        }
      }
    })
  }

  /** A group's committed offsets by `topic:partition` (every committed one when `topics` is null). */
  async #committed(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): Promise<Map<string, Committed>> {
    const channel = this.#channel
    const version = channel.version(OffsetFetch)
    if (version < 2 && topics === null) {
      throw new CoreError('CORE_PROTOCOL', `The broker's OffsetFetch v${version} cannot list every committed offset of group '${groupId}'; name the topics`)
    }
    return channel.retry(async () => {
      const coordinator = await channel.coordinator(groupId)
      const response = await channel.send(OffsetFetch, {
        groupId,
        topics,
        groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
        requireStable: false,
      }, coordinator)
      const group = version >= 8
        ? response.groups.find((g) => g.groupId === groupId) ?? { errorCode: ErrorCode.NONE, topics: [] }
        : { errorCode: response.errorCode, topics: response.topics }
      if (group.errorCode !== ErrorCode.NONE) throw apiError(group.errorCode, `Cannot fetch the committed offsets of group '${groupId}'`)
      const committed = new Map<string, Committed>()
      for (const t of group.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw apiError(p.errorCode, `Cannot fetch the committed offset of ${t.name}-${p.partitionIndex} for group '${groupId}'`)
          if (p.committedOffset >= 0) committed.set(partitionKey(t.name, p.partitionIndex), { offset: p.committedOffset, metadata: p.metadata })
        }
      }
      return committed
    })
  }

  /** Sends one request per coordinator for the groups it coordinates; collects per-group outcomes. */
  async #byCoordinator<R>(
    groupIds: readonly string[],
    send: (nodeId: number, groupIds: readonly string[]) => Promise<[string, R | Error][]>,
  ): Promise<Map<string, R | Error>> {
    const outcomes = new Map<string, R | Error>()
    const byNode = new Map<number, string[]>()
    await Promise.all(groupIds.map(async (id) => {
      try {
        const nodeId = await this.#channel.coordinator(id)
        byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), id])
      } catch (error) {
        outcomes.set(id, error as Error)
      }
    }))
    await Promise.all([...byNode].map(async ([nodeId, ids]) => {
      for (const [id, outcome] of await send(nodeId, ids)) outcomes.set(id, outcome)
    }))
    return outcomes
  }
}

function describeMember(
  protocolType: string,
  m: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer },
): MemberDescription {
  let subscription: readonly string[] | undefined
  let assignment: MemberDescription['assignment']
  if (protocolType === CONSUMER_PROTOCOL_TYPE) {
    // Bytes another client wrote may not decode; the member is still worth showing.
    try {
      if (m.memberMetadata.length > 0) subscription = decodeConsumerSubscription(m.memberMetadata).topics
    } catch { /* left undefined */ }
    try {
      assignment = decodeConsumerAssignment(m.memberAssignment).assignedPartitions
        .map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions].sort((a, b) => a - b) }))
    } catch { /* left undefined */ }
  }
  return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, subscription, assignment }
}

function checkTarget(to: ResetTarget): void {
  const bad = (what: string): never => {
    throw new CoreError('CORE_INVALID_ARGUMENT', `resetGroupOffsets: ${what}`)
  }
  if (to === 'earliest' || to === 'latest') return
  if (typeof to !== 'object' || to === null) return bad(`unknown target ${JSON.stringify(to)}`)
  if ('offset' in to && !(Number.isSafeInteger(to.offset) && to.offset >= 0)) bad(`offset must be an integer ≥ 0, got ${to.offset}`)
  else if ('shiftBy' in to && !Number.isSafeInteger(to.shiftBy)) bad(`shiftBy must be an integer, got ${to.shiftBy}`)
  else if ('timestamp' in to && !(Number.isSafeInteger(to.timestamp) && to.timestamp >= 0)) bad(`timestamp must be ms since the epoch, got ${to.timestamp}`)
  else if (!('offset' in to) && !('shiftBy' in to) && !('timestamp' in to)) bad(`unknown target ${JSON.stringify(to)}`)
}
