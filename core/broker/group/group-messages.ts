/**
 * Requests and responses of the group coordinator as plain objects whose fields are the Kafka
 * message fields (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, ListGroups, DeleteGroups), camelCased, so that wire handlers only copy fields.
 * Fields a version lacks are optional in requests; responses always carry every field and the
 * encoder drops what its version does not have (and writes null strings as "" before the
 * version where they became nullable, e.g. JoinGroup ProtocolName below v7).
 */

export interface GroupProtocol {
  readonly name: string
  readonly metadata: Buffer
}

export interface JoinGroupRequest {
  readonly groupId: string
  readonly sessionTimeoutMs: number
  /** v1+; when absent or negative the session timeout is used, as Kafka does for v0. */
  readonly rebalanceTimeoutMs?: number
  /** "" for a member joining for the first time. */
  readonly memberId: string
  /** v5+: static membership (KIP-345). */
  readonly groupInstanceId?: string | null
  readonly protocolType: string
  readonly protocols: readonly GroupProtocol[]
  /** v8+: why the member rejoins (logged). */
  readonly reason?: string | null
}

export interface JoinGroupOptions {
  /** JoinGroup v4+ (KIP-394): a new dynamic member first gets MEMBER_ID_REQUIRED and its id. */
  readonly requireKnownMemberId: boolean
  /** From the request header. */
  readonly clientId: string
  /** The client's address as the broker sees it. */
  readonly clientHost: string
  /** JoinGroup v9+ (KIP-814): a rejoining static leader may be told to skip the assignment. */
  readonly supportSkippingAssignment?: boolean
}

export interface JoinGroupResponseMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly metadata: Buffer
}

export interface JoinGroupResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  /** -1 with an error. */
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  /** The leader's member id ("" with an error). */
  readonly leader: string
  readonly skipAssignment: boolean
  readonly memberId: string
  /** Every member with its metadata for the leader; empty for the others. */
  readonly members: readonly JoinGroupResponseMember[]
}

export interface SyncGroupAssignment {
  readonly memberId: string
  readonly assignment: Buffer
}

export interface SyncGroupRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId?: string | null
  /** v5+: checked against the group's when given. */
  readonly protocolType?: string | null
  readonly protocolName?: string | null
  /** The leader's assignment; empty from followers. */
  readonly assignments: readonly SyncGroupAssignment[]
}

export interface SyncGroupResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  /** The member's assignment (empty with an error). */
  readonly assignment: Buffer
}

export interface HeartbeatRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId?: string | null
}

export interface HeartbeatResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
}

export interface LeaveGroupMember {
  /** "" to remove a static member by its groupInstanceId alone (administrative removal). */
  readonly memberId: string
  readonly groupInstanceId?: string | null
  readonly reason?: string | null
}

export interface LeaveGroupRequest {
  readonly groupId: string
  /** v0–2: the single leaving member. Ignored when `members` is given. */
  readonly memberId?: string
  /** v3+: a batch of leaving members. */
  readonly members?: readonly LeaveGroupMember[]
}

export interface LeaveGroupResponseMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly errorCode: number
}

export interface LeaveGroupResponse {
  readonly throttleTimeMs: number
  /** Group-level error; for a v0–2 request (no `members`), the single member's error. */
  readonly errorCode: number
  readonly members: readonly LeaveGroupResponseMember[]
}

export interface OffsetCommitRequestPartition {
  readonly partitionIndex: number
  readonly committedOffset: number
  /** v6+; -1 when unknown. */
  readonly committedLeaderEpoch?: number
  readonly committedMetadata: string | null
}

export interface OffsetCommitRequestTopic {
  readonly name: string
  readonly partitions: readonly OffsetCommitRequestPartition[]
}

export interface OffsetCommitRequest {
  readonly groupId: string
  /** -1 with an empty memberId: a "simple" commit by a client that does not use group management. */
  readonly generationIdOrMemberEpoch: number
  readonly memberId: string
  readonly groupInstanceId?: string | null
  readonly topics: readonly OffsetCommitRequestTopic[]
}

export interface OffsetCommitResponsePartition {
  readonly partitionIndex: number
  readonly errorCode: number
}

export interface OffsetCommitResponseTopic {
  readonly name: string
  readonly partitions: readonly OffsetCommitResponsePartition[]
}

export interface OffsetCommitResponse {
  readonly throttleTimeMs: number
  readonly topics: readonly OffsetCommitResponseTopic[]
}

export interface OffsetFetchRequestTopic {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

export interface OffsetFetchResponsePartition {
  readonly partitionIndex: number
  /** -1 when nothing is committed. */
  readonly committedOffset: number
  readonly committedLeaderEpoch: number
  /** "" when nothing is committed (never null: Sarama needs a string). */
  readonly metadata: string
  readonly errorCode: number
}

export interface OffsetFetchResponseTopic {
  readonly name: string
  readonly partitions: readonly OffsetFetchResponsePartition[]
}

/** One group's answer: the v0–7 body, or one entry of v8+ `groups`. */
export interface OffsetFetchResponseGroup {
  readonly groupId: string
  readonly topics: readonly OffsetFetchResponseTopic[]
  readonly errorCode: number
}

export interface DescribedGroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** The member's metadata for the group's protocol; empty unless the group is Stable. */
  readonly memberMetadata: Buffer
  /** Empty unless the group is Stable. */
  readonly memberAssignment: Buffer
}

export interface DescribedGroup {
  readonly errorCode: number
  readonly groupId: string
  readonly groupState: string
  readonly protocolType: string
  /** The selected protocol when Stable, "" otherwise. */
  readonly protocolData: string
  readonly members: readonly DescribedGroupMember[]
  /** INT32_MIN: authorized operations were not computed. */
  readonly authorizedOperations: number
}

export interface DescribeGroupsResponse {
  readonly throttleTimeMs: number
  readonly groups: readonly DescribedGroup[]
}

export interface ListedGroup {
  readonly groupId: string
  readonly protocolType: string
  readonly groupState: string
  /** v5+: "classic" for every group of this coordinator. */
  readonly groupType: string
}

export interface ListGroupsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly groups: readonly ListedGroup[]
}

export interface DeleteGroupsResult {
  readonly groupId: string
  readonly errorCode: number
}

export interface DeleteGroupsResponse {
  readonly throttleTimeMs: number
  readonly results: readonly DeleteGroupsResult[]
}

const EMPTY = Buffer.alloc(0)

/** A JoinGroup error response (Kafka's JoinGroupResult(memberId, error)). */
export function joinGroupError(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

/** A SyncGroup error response. */
export function syncGroupError(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY }
}
