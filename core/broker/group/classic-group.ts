/**
 * A classic consumer group (Kafka's GroupMetadata): its state machine, generation, selected
 * protocol, leader, members (dynamic and static), members that were told MEMBER_ID_REQUIRED
 * and have not rejoined yet ("pending"), members whose SyncGroup is still expected after a
 * join completed ("pending sync"), and its committed offsets.
 *
 * Invariants:
 * - `leaderId` is a member id of the group, or null exactly when there are no members.
 * - `staticMembers` maps each static member's groupInstanceId to its current member id.
 * - `generationId` only grows; it is bumped once per completed join phase.
 * - Dead groups are no longer in the coordinator's registry.
 *
 * This class holds state and answers questions about it; timers, persistence and responses to
 * requests are the coordinator's (`group-membership.ts`, `group-offsets.ts`).
 *
 * Concurrency: used from one thread; methods are synchronous.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { type DescribedGroup, joinGroupError, type JoinGroupResponseMember, syncGroupError } from './group-messages.ts'
import type { GroupMember } from './group-member.ts'
import { assertTransition, GroupState } from './group-state.ts'

/** A committed offset as kept in memory and in `__consumer_offsets`. */
export interface CommittedOffset {
  readonly committedOffset: number
  readonly committedLeaderEpoch: number
  readonly metadata: string
  readonly commitTimestamp: number
  /** Only for offsets restored from v1 records: when the offset expires regardless of the group. */
  readonly expireTimestamp?: number
}

/** Which kind of delayed join is running while PreparingRebalance. */
export type DelayedJoinKind = 'initial' | 'normal'

const INT32_MIN = -(2 ** 31)
const EMPTY = Buffer.alloc(0)

export class ClassicGroup {
  readonly groupId: string
  #state: GroupState
  /** When the group entered its current state (null: unknown, for groups restored without it). */
  currentStateTimestamp: number | null
  generationId = 0
  /** Set by the first member ever to join; null for groups that only hold simple commits. */
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  /** Insertion-ordered: the first member of the map is the oldest. */
  readonly members = new Map<string, GroupMember>()
  readonly staticMembers = new Map<string, string>()
  readonly pendingMembers = new Set<string>()
  readonly pendingSyncMembers = new Set<string>()
  /** A member joined during the initial delayed join, which therefore waits again (Kafka's newMemberAdded). */
  newMemberAdded = false
  /** The delayed join in progress while PreparingRebalance. */
  delayedJoin: DelayedJoinKind | undefined
  /** topic → partition → offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>()

  constructor(groupId: string, state: GroupState, now: number | null) {
    this.groupId = groupId
    this.#state = state
    this.currentStateTimestamp = now
  }

  get state(): GroupState {
    return this.#state
  }

  is(state: GroupState): boolean {
    return this.#state === state
  }

  /** Moves to `state` (throws on a move the transition table forbids) and records when. */
  transitionTo(state: GroupState, now: number): void {
    assertTransition(this.groupId, this.#state, state)
    this.#state = state
    this.currentStateTimestamp = now
  }

  get size(): number {
    return this.members.size
  }

  has(memberId: string): boolean {
    return this.members.has(memberId)
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId)
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  /** The largest rebalance timeout of the members (0 without members). */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs)
    return max
  }

  /** Adds a member; the first member fixes the protocol type and the first member becomes leader. */
  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.members.set(member.memberId, member)
    this.leaderId ??= member.memberId
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    this.pendingMembers.delete(member.memberId)
  }

  /** Removes a member (a leader is replaced by the oldest remaining member); returns it if it was there. */
  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId)
    this.pendingMembers.delete(memberId)
    this.pendingSyncMembers.delete(memberId)
    if (!member) return undefined
    this.members.delete(memberId)
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId)
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  /** The current member id of a static member, if any. */
  staticMemberId(groupInstanceId: string | null | undefined): string | undefined {
    return groupInstanceId == null ? undefined : this.staticMembers.get(groupInstanceId)
  }

  /** True if `groupInstanceId` now belongs to a member other than `memberId` (an older instance). */
  isStaticMemberFenced(groupInstanceId: string | null | undefined, memberId: string): boolean {
    const current = this.staticMemberId(groupInstanceId)
    return current !== undefined && current !== memberId
  }

  /**
   * Kafka's validateCurrentMember: FENCED_INSTANCE_ID when `groupInstanceId` now belongs to
   * another member id, UNKNOWN_MEMBER_ID when `memberId` is not a member, else NONE.
   */
  validateMember(memberId: string, groupInstanceId: string | null | undefined): number {
    if (this.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID
    if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID
    return ErrorCode.NONE
  }

  /**
   * Gives a static member its new member id. The old instance's pending JoinGroup and
   * SyncGroup are answered FENCED_INSTANCE_ID; leadership and pending-sync follow the member.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.members.get(oldMemberId)
    if (!member) throw new Error(`Group '${this.groupId}' has no member ${oldMemberId} for instance ${groupInstanceId}`)
    member.completeJoin(joinGroupError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID))
    member.completeSync(syncGroupError(ErrorCode.FENCED_INSTANCE_ID))
    // Rebuilt so the member keeps its place (leader succession and member lists follow join order).
    const entries = [...this.members]
    this.members.clear()
    for (const [id, m] of entries) this.members.set(id === oldMemberId ? newMemberId : id, m)
    member.memberId = newMemberId
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId)
    this.staticMembers.set(groupInstanceId, newMemberId)
    return member
  }

  /** True when every member awaits its join response and no member is pending. */
  hasAllMembersJoined(): boolean {
    for (const member of this.members.values()) if (!member.isAwaitingJoin) return false
    return this.pendingMembers.size === 0
  }

  /** Members whose JoinGroup has not arrived in this rebalance. */
  notYetRejoinedMembers(): GroupMember[] {
    return [...this.members.values()].filter((member) => !member.isAwaitingJoin)
  }

  /**
   * Keeps the leader if it rejoined, else makes the oldest rejoined member leader. False when
   * there is no leader or no member rejoined.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId
        return true
      }
    }
    return false
  }

  /**
   * Whether a member with these protocols may be in the group: any non-empty protocol type and
   * list in an Empty group; otherwise the group's protocol type and at least one protocol that
   * every other member supports. (Kafka counts the joining member's old protocols too, which
   * rejects a lone member that changes protocols; here its old protocols do not count.)
   */
  supportsProtocols(protocolType: string, protocolNames: readonly string[], memberId?: string): boolean {
    if (protocolType === '' || protocolNames.length === 0) return false
    if (this.is(GroupState.EMPTY)) return true
    if (this.protocolType !== protocolType) return false
    return protocolNames.some((name) => {
      for (const member of this.members.values()) {
        if (member.memberId !== memberId && !member.supports(name)) return false
      }
      return true
    })
  }

  /**
   * The protocol for the next generation: among the protocols every member supports, the one
   * most members list first (each member votes for its most preferred candidate). Ties go to
   * the candidate the leader prefers.
   */
  selectProtocol(): string {
    const members = [...this.members.values()]
    if (members.length === 0) throw new Error(`Group '${this.groupId}' has no members to select a protocol for`)
    const candidates = new Set(members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.supports(name))))
    if (candidates.size === 0) throw new Error(`Members of group '${this.groupId}' share no protocol`)
    const votes = new Map<string, number>()
    for (const member of members) {
      const vote = member.vote(candidates)!
      votes.set(vote, (votes.get(vote) ?? 0) + 1)
    }
    const leader = (this.leaderId !== null ? this.members.get(this.leaderId) : undefined) ?? members[0]
    let best: string | undefined
    for (const { name } of leader.protocols) {
      if (!candidates.has(name)) continue
      if (best === undefined || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name
    }
    return best!
  }

  /** Ends a join phase: next generation, protocol selected, CompletingRebalance (or Empty without members). */
  initNextGeneration(now: number): void {
    this.generationId++
    this.pendingSyncMembers.clear()
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.transitionTo(GroupState.COMPLETING_REBALANCE, now)
    } else {
      this.protocolName = null
      this.transitionTo(GroupState.EMPTY, now)
    }
  }

  /** Every member with its metadata for the selected protocol: what the leader's JoinGroup response lists. */
  currentMemberMetadata(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.metadata(this.protocolName),
    }))
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition)
  }

  setOffset(topic: string, partition: number, offset: CommittedOffset): void {
    let partitions = this.offsets.get(topic)
    if (!partitions) this.offsets.set(topic, (partitions = new Map()))
    partitions.set(partition, offset)
  }

  deleteOffset(topic: string, partition: number): void {
    const partitions = this.offsets.get(topic)
    if (!partitions) return
    partitions.delete(partition)
    if (partitions.size === 0) this.offsets.delete(topic)
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0
  }

  /** Every committed offset, sorted by topic and partition. */
  allOffsets(): { topic: string; partition: number; offset: CommittedOffset }[] {
    const out: { topic: string; partition: number; offset: CommittedOffset }[] = []
    for (const topic of [...this.offsets.keys()].sort()) {
      const partitions = this.offsets.get(topic)!
      for (const partition of [...partitions.keys()].sort((a, b) => a - b)) out.push({ topic, partition, offset: partitions.get(partition)! })
    }
    return out
  }

  /** DescribeGroups' view: member metadata and assignments only when Stable, as in Kafka. */
  describe(): DescribedGroup {
    const stable = this.is(GroupState.STABLE)
    return {
      errorCode: ErrorCode.NONE,
      groupId: this.groupId,
      groupState: this.#state,
      protocolType: this.protocolType ?? '',
      protocolData: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        memberMetadata: stable ? member.metadata(this.protocolName) : EMPTY,
        memberAssignment: stable ? member.assignment : EMPTY,
      })),
      authorizedOperations: INT32_MIN,
    }
  }
}
