/**
 * The leader's part of a rebalance: decode every member's subscription (consumer protocol),
 * look up the partition counts of the subscribed topics, run the selected assignor, and encode
 * each member's assignment for SyncGroup; and, on every member, decode the assignment received.
 *
 * A topic without metadata (deleted, or not created because auto-creation is off) is left out
 * of `partitionsPerTopic`, so assignors skip it, as Kafka's leader does; the snapshot of partition
 * counts is returned so the leader can rejoin when they change.
 */
import { CoreError } from '../errors.ts'
import {
  CONSUMER_PROTOCOL_VERSION, decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment,
  encodeConsumerSubscription,
} from '../protocol/consumer-protocol.ts'
import type { MemberAssignment, MemberSubscription, PartitionAssignor } from './assignors/assignor.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import { type TopicPartition, compareTopicPartitions, groupByTopic } from './partition-map.ts'

export interface JoinedMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly metadata: Buffer
}

export interface LeaderAssignment {
  readonly assignments: { memberId: string; assignment: Buffer }[]
  /** Partition count of every subscribed topic known at assignment time. */
  readonly partitionsPerTopic: ReadonlyMap<string, number>
}

/** This member's subscription as JoinGroup protocol metadata for `assignor`. */
export function encodeSubscription(
  assignor: PartitionAssignor, topics: readonly string[], owned: readonly TopicPartition[], generationId: number,
): Buffer {
  const sorted = [...topics].sort()
  return encodeConsumerSubscription({
    topics: sorted,
    userData: assignor.subscriptionUserData?.(sorted) ?? null,
    ownedPartitions: [...groupByTopic(owned)].map(([topic, partitions]) => ({ topic, partitions })),
    generationId,
    rackId: null,
  })
}

/** Runs `assignor` over the members of the generation (leader only). */
export async function assignGroup(
  assignor: PartitionAssignor, members: readonly JoinedMember[], metadata: ClusterMetadata,
): Promise<LeaderAssignment> {
  const subscriptions = new Map<string, MemberSubscription>()
  let version = CONSUMER_PROTOCOL_VERSION
  for (const member of members) {
    let decoded
    try {
      decoded = decodeConsumerSubscription(member.metadata)
    } catch (error) {
      throw new CoreError('CORE_PROTOCOL', `Member '${member.memberId}' sent a subscription that is not a consumer protocol subscription`, { cause: error })
    }
    version = Math.min(version, decoded.version)
    subscriptions.set(member.memberId, {
      topics: decoded.topics,
      userData: decoded.userData,
      ownedPartitions: decoded.ownedPartitions.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition }))),
      generationId: decoded.generationId,
      groupInstanceId: member.groupInstanceId,
      rackId: decoded.rackId,
    })
  }
  const topics = [...new Set([...subscriptions.values()].flatMap((s) => s.topics))]
  const partitionsPerTopic = new Map<string, number>()
  if (topics.length > 0) {
    await metadata.refresh(topics)
    for (const topic of topics) {
      const count = metadata.partitionCount(topic)
      if (count !== undefined && count > 0) partitionsPerTopic.set(topic, count)
    }
  }
  const result = assignor.assign(partitionsPerTopic, subscriptions)
  const assignments = [...subscriptions.keys()].map((memberId) => {
    const assignment: MemberAssignment = result.get(memberId) ?? { partitions: [], userData: null }
    const assignedPartitions = [...groupByTopic(assignment.partitions)].map(([topic, partitions]) => ({ topic, partitions }))
    // The assignment layout is the same in every version; write the oldest one members sent.
    return { memberId, assignment: encodeConsumerAssignment({ assignedPartitions, userData: assignment.userData }, Math.max(0, version)) }
  })
  return { assignments, partitionsPerTopic }
}

/** This member's partitions from SyncGroup's assignment bytes, sorted. */
export function decodeAssignment(bytes: Buffer): MemberAssignment {
  const decoded = decodeConsumerAssignment(bytes)
  const partitions = decoded.assignedPartitions
    .flatMap(({ topic, partitions: ps }) => ps.map((partition) => ({ topic, partition })))
    .sort(compareTopicPartitions)
  return { partitions, userData: decoded.userData }
}
