/**
 * Requests and responses of the group APIs the consumer sends (FindCoordinator, JoinGroup,
 * SyncGroup, OffsetCommit, OffsetFetch, LeaveGroup) in a version-independent shape. A request object carries the fields
 * of every version (the transport writes those of the version it negotiated); a response is
 * read from the fields its version has: the batched forms of FindCoordinator v4+ and
 * OffsetFetch v8+ when present, the single-group fields otherwise.
 *
 * Interpreting error codes is the coordinator's business; these functions only move fields.
 */
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/apis/find-coordinator.ts'
import type { JoinGroupRequest } from '../protocol/apis/join-group.ts'
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/apis/leave-group.ts'
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/apis/offset-commit.ts'
import type { OffsetFetchRequest, OffsetFetchResponse } from '../protocol/apis/offset-fetch.ts'
import type { SyncGroupRequest } from '../protocol/apis/sync-group.ts'
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { PartitionMap, type TopicPartition, groupByTopic } from './partition-map.ts'

/** The key type of consumer groups in FindCoordinator. */
const GROUP_KEY_TYPE = 0

export interface OffsetAndMetadata {
  readonly offset: number
  readonly metadata: string | null
}

export interface MemberIdentity {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export function findCoordinatorRequest(groupId: string): FindCoordinatorRequest {
  return { key: groupId, keyType: GROUP_KEY_TYPE, coordinatorKeys: [groupId] }
}

export function parseFindCoordinator(response: FindCoordinatorResponse, groupId: string): { errorCode: number; nodeId: number } {
  const entry = response.coordinators.find((c) => c.key === groupId) ?? response.coordinators[0]
  if (entry !== undefined) return { errorCode: entry.errorCode, nodeId: entry.nodeId }
  return { errorCode: response.errorCode, nodeId: response.nodeId }
}

export interface JoinSettings {
  readonly groupId: string
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
}

/** A consumer's JoinGroup ("" member id the first time), with its protocols in order of preference. */
export function joinGroupRequest(settings: JoinSettings, memberId: string, protocols: { name: string; metadata: Buffer }[]): JoinGroupRequest {
  return {
    groupId: settings.groupId,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
    memberId,
    groupInstanceId: settings.groupInstanceId,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocols,
    reason: null,
  }
}

/** SyncGroup of a generation: the leader's assignments, or none from a follower. */
export function syncGroupRequest(member: MemberIdentity, protocolName: string, assignments: { memberId: string; assignment: Buffer }[]): SyncGroupRequest {
  return {
    groupId: member.groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocolName,
    assignments,
  }
}

export function offsetCommitRequest(member: MemberIdentity, offsets: PartitionMap<OffsetAndMetadata>): OffsetCommitRequest {
  return {
    groupId: member.groupId,
    generationIdOrMemberEpoch: member.generationId,
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    retentionTimeMs: -1,
    topics: [...groupByTopic(offsets.keys())].map(([name, partitions]) => ({
      name,
      partitions: partitions.map((partitionIndex) => {
        const { offset, metadata } = offsets.get({ topic: name, partition: partitionIndex })!
        return { partitionIndex, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: metadata }
      }),
    })),
  }
}

/** Per-partition error codes of an OffsetCommit response. */
export function parseOffsetCommit(response: OffsetCommitResponse): PartitionMap<number> {
  const codes = new PartitionMap<number>()
  for (const topic of response.topics) {
    for (const p of topic.partitions) codes.set({ topic: topic.name, partition: p.partitionIndex }, p.errorCode)
  }
  return codes
}

export function offsetFetchRequest(groupId: string, partitions: readonly TopicPartition[]): OffsetFetchRequest {
  const topics = [...groupByTopic(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
  return {
    groupId,
    topics,
    groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
    requireStable: true,
  }
}

export interface CommittedOffset extends OffsetAndMetadata {
  readonly errorCode: number
}

export function parseOffsetFetch(response: OffsetFetchResponse): { errorCode: number; partitions: PartitionMap<CommittedOffset> } {
  const group = response.groups[0]
  const topics = group?.topics ?? response.topics
  const partitions = new PartitionMap<CommittedOffset>()
  for (const topic of topics) {
    for (const p of topic.partitions) {
      partitions.set({ topic: topic.name, partition: p.partitionIndex }, {
        offset: p.committedOffset,
        metadata: p.metadata,
        errorCode: p.errorCode,
      })
    }
  }
  return { errorCode: group?.errorCode ?? response.errorCode, partitions }
}

export function leaveGroupRequest(member: MemberIdentity, reason: string): LeaveGroupRequest {
  return {
    groupId: member.groupId,
    memberId: member.memberId,
    members: [{ memberId: member.memberId, groupInstanceId: member.groupInstanceId, reason }],
  }
}

/** The leaving member's error: the per-member code (v3+) when the group-level one is NONE. */
export function parseLeaveGroup(response: LeaveGroupResponse): number {
  if (response.errorCode !== ErrorCode.NONE) return response.errorCode
  return response.members[0]?.errorCode ?? ErrorCode.NONE
}
