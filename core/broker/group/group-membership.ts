/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup of the classic group protocol, with Kafka's
 * semantics (GroupCoordinator.handleJoinGroup and friends). Requests are validated in Kafka's
 * order; every error is an error code in the response, never a rejected promise.
 *
 * JoinGroup:
 * - A new dynamic member (empty memberId) gets an id `${clientId}-${uuid}`. With
 *   `requireKnownMemberId` (v4+, and no groupInstanceId) it is answered MEMBER_ID_REQUIRED
 *   with that id and kept pending until it rejoins with it or its session timeout passes;
 *   a pending member holds up the join phase like a member that has not rejoined.
 * - A new static member (groupInstanceId not yet known) is added like a dynamic one. A known
 *   groupInstanceId arriving with an empty memberId replaces the old member id; the old id is
 *   fenced (FENCED_INSTANCE_ID). In a Stable group whose selected protocol would not change the
 *   group does not rebalance: the member gets the current generation (after the new member id
 *   is persisted) and its current assignment in SyncGroup. A v9+ leader gets the member list
 *   with skipAssignment; older leaders are told the previous leader id so they do not assign.
 * - A known member rejoining while PreparingRebalance is held for the join phase; in
 *   CompletingRebalance with unchanged protocols it gets the current generation again; in
 *   Stable a follower with unchanged protocols gets the current generation, while the leader or
 *   a member with changed protocols starts a rebalance.
 *
 * Responses held for a rebalance are promises resolved by the rebalancer. A second JoinGroup
 * (or SyncGroup) from a member whose previous one is still held replaces it; the replaced one
 * is answered REBALANCE_IN_PROGRESS.
 */
import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ClassicGroup } from './classic-group.ts'
import type { GroupContext } from './group-context.ts'
import { GroupMember } from './group-member.ts'
import {
  type HeartbeatRequest,
  type HeartbeatResponse,
  joinGroupError,
  type JoinGroupOptions,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type LeaveGroupResponseMember,
  syncGroupError,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from './group-messages.ts'
import { type GroupRebalancer, NEW_MEMBER_JOIN_TIMEOUT_MS } from './group-rebalancer.ts'
import { GroupState } from './group-state.ts'

type Resolve = (response: JoinGroupResponse) => void

const supersededJoin = (memberId: string): JoinGroupResponse => joinGroupError(memberId, ErrorCode.REBALANCE_IN_PROGRESS)
const supersededSync = (): SyncGroupResponse => syncGroupError(ErrorCode.REBALANCE_IN_PROGRESS)

export class GroupMembership {
  readonly #ctx: GroupContext
  readonly #rebalancer: GroupRebalancer

  constructor(ctx: GroupContext, rebalancer: GroupRebalancer) {
    this.#ctx = ctx
    this.#rebalancer = rebalancer
  }

  joinGroup(req: JoinGroupRequest, options: JoinGroupOptions): Promise<JoinGroupResponse> {
    const { config, groups } = this.#ctx
    const memberId = req.memberId ?? ''
    if (this.#ctx.closed) return Promise.resolve(joinGroupError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
    if (!req.groupId) return Promise.resolve(joinGroupError(memberId, ErrorCode.INVALID_GROUP_ID))
    if (!(req.sessionTimeoutMs >= config.groupMinSessionTimeoutMs && req.sessionTimeoutMs <= config.groupMaxSessionTimeoutMs)) {
      return Promise.resolve(joinGroupError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT))
    }
    let group = groups.get(req.groupId)
    if (!group) {
      if (memberId !== '') return Promise.resolve(joinGroupError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
      group = new ClassicGroup(req.groupId, GroupState.EMPTY, this.#ctx.clock())
      groups.set(req.groupId, group)
    }
    const target = group
    return new Promise<JoinGroupResponse>((resolve) => {
      if (!this.#acceptJoiningMember(target, memberId, req.groupInstanceId ?? null)) {
        const member = target.get(memberId)
        if (member) this.#rebalancer.removeMember(target, member, 'the group is full')
        resolve(joinGroupError('', ErrorCode.GROUP_MAX_SIZE_REACHED))
      } else if (memberId === '') {
        this.#newMemberJoin(target, req, options, resolve)
      } else {
        this.#currentMemberJoin(target, memberId, req, options, resolve)
      }
      if (target.is(GroupState.PREPARING_REBALANCE)) this.#rebalancer.tryCompleteJoin(target)
    })
  }

  /**
   * group.max.size: awaiting members count while preparing (so the last rejoiners are turned
   * away), members otherwise. A known static instance is always accepted: replacing it does not
   * grow the group (Kafka turns it away from a full group because its member id is new).
   */
  #acceptJoiningMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): boolean {
    const max = this.#ctx.config.groupMaxSize
    if (group.staticMemberId(groupInstanceId) !== undefined) return true
    switch (group.state) {
      case GroupState.EMPTY:
      case GroupState.DEAD:
        return true
      case GroupState.PREPARING_REBALANCE: {
        if (group.get(memberId)?.isAwaitingJoin) return true
        let awaiting = 0
        for (const member of group.members.values()) if (member.isAwaitingJoin) awaiting++
        return awaiting < max
      }
      default:
        return group.has(memberId) || group.size < max
    }
  }

  #newMemberJoin(group: ClassicGroup, req: JoinGroupRequest, options: JoinGroupOptions, resolve: Resolve): void {
    if (group.is(GroupState.DEAD)) return resolve(joinGroupError('', ErrorCode.COORDINATOR_NOT_AVAILABLE))
    const groupInstanceId = req.groupInstanceId ?? null
    // A restarted static member replaces its old instance, whose protocols therefore do not count.
    const oldMemberId = group.staticMemberId(groupInstanceId)
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name), oldMemberId)) {
      return resolve(joinGroupError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    }
    const newMemberId = `${options.clientId}-${randomUUID()}`
    if (groupInstanceId !== null) {
      if (oldMemberId !== undefined) return this.#replaceStaticMember(group, groupInstanceId, oldMemberId, newMemberId, req, options, resolve)
      return this.#addMemberAndRebalance(group, newMemberId, groupInstanceId, req, options, resolve)
    }
    if (options.requireKnownMemberId) {
      this.#rebalancer.addPendingMember(group, newMemberId, req.sessionTimeoutMs)
      return resolve(joinGroupError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
    }
    this.#addMemberAndRebalance(group, newMemberId, null, req, options, resolve)
  }

  #currentMemberJoin(group: ClassicGroup, memberId: string, req: JoinGroupRequest, options: JoinGroupOptions, resolve: Resolve): void {
    if (group.is(GroupState.DEAD)) return resolve(joinGroupError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name), memberId)) {
      return resolve(joinGroupError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    }
    if (group.pendingMembers.has(memberId)) {
      // Pending members are dynamic by construction; one coming back as static is sent to start over.
      if ((req.groupInstanceId ?? null) !== null) return resolve(joinGroupError('', ErrorCode.UNKNOWN_MEMBER_ID))
      return this.#addMemberAndRebalance(group, memberId, null, req, options, resolve)
    }
    const error = group.validateMember(memberId, req.groupInstanceId)
    if (error !== ErrorCode.NONE) return resolve(joinGroupError(memberId, error))
    const member = group.get(memberId)!
    switch (group.state) {
      case GroupState.PREPARING_REBALANCE:
        return this.#updateMemberAndRebalance(group, member, req, resolve, `member ${memberId} joined during PreparingRebalance`)
      case GroupState.COMPLETING_REBALANCE:
        // Same metadata: most likely the member lost the JoinGroup response, so it is sent again.
        if (member.matches(req.protocols)) return resolve(this.#currentGeneration(group, member, group.isLeader(memberId)))
        return this.#updateMemberAndRebalance(group, member, req, resolve, `member ${memberId} changed its metadata`)
      case GroupState.STABLE:
        // The leader rejoins to trigger a rebalance for changes the coordinator cannot see (topic metadata).
        if (group.isLeader(memberId)) return this.#updateMemberAndRebalance(group, member, req, resolve, `leader ${memberId} rejoined`)
        if (!member.matches(req.protocols)) return this.#updateMemberAndRebalance(group, member, req, resolve, `member ${memberId} changed its metadata`)
        return resolve(this.#currentGeneration(group, member, false))
      default:
        return resolve(joinGroupError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  #addMemberAndRebalance(
    group: ClassicGroup, memberId: string, groupInstanceId: string | null, req: JoinGroupRequest, options: JoinGroupOptions, resolve: Resolve,
  ): void {
    const member = new GroupMember({
      memberId,
      groupInstanceId,
      clientId: options.clientId,
      clientHost: options.clientHost,
      rebalanceTimeoutMs: rebalanceTimeoutOf(req),
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    })
    member.isNew = true
    // Members arriving during the first rebalance extend the initial delay.
    if (group.is(GroupState.PREPARING_REBALANCE) && group.generationId === 0) group.newMemberAdded = true
    group.add(member)
    member.awaitJoin(resolve, supersededJoin)
    // A new member cannot heartbeat before its first join response; the long join timeout stops
    // members that gave up (a client-side timeout) from piling up.
    this.#rebalancer.scheduleSession(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    this.#rebalancer.maybePrepareRebalance(group, `new member ${memberId} joined${reasonSuffix(req)}`)
  }

  #updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, req: JoinGroupRequest, resolve: Resolve, reason: string): void {
    member.protocols = req.protocols
    member.rebalanceTimeoutMs = rebalanceTimeoutOf(req)
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.awaitJoin(resolve, supersededJoin)
    this.#rebalancer.maybePrepareRebalance(group, reason + reasonSuffix(req))
  }

  #replaceStaticMember(
    group: ClassicGroup, groupInstanceId: string, oldMemberId: string, newMemberId: string,
    req: JoinGroupRequest, options: JoinGroupOptions, resolve: Resolve,
  ): void {
    const previousLeader = group.leaderId
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId)
    const previous = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs }
    this.#rebalancer.cancelSession(group, oldMemberId)
    this.#rebalancer.scheduleSession(group, member)
    member.protocols = req.protocols
    member.rebalanceTimeoutMs = rebalanceTimeoutOf(req)
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.awaitJoin(resolve, supersededJoin)
    const reason = `static member ${groupInstanceId} rejoined as ${newMemberId}, replacing ${oldMemberId}${reasonSuffix(req)}`
    this.#ctx.logger.info(`Group '${group.groupId}': ${reason}`, { groupId: group.groupId })
    switch (group.state) {
      case GroupState.STABLE:
        if (group.selectProtocol() !== group.protocolName) return this.#rebalancer.maybePrepareRebalance(group, reason)
        void this.#rebalancer.storeGroup(group).then((errorCode) => {
          if (errorCode !== ErrorCode.NONE) {
            member.completeJoin({ ...joinGroupError('', errorCode), generationId: group.generationId, leader: previousLeader ?? '' })
            if (group.staticMemberId(groupInstanceId) === newMemberId) {
              Object.assign(member, previous)
              group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId)
              this.#rebalancer.cancelSession(group, newMemberId)
              this.#rebalancer.scheduleSession(group, member)
            }
            return
          }
          const isLeader = group.isLeader(newMemberId)
          const skip = options.supportSkippingAssignment === true
          member.completeJoin({
            ...this.#currentGeneration(group, member, skip && isLeader),
            // Before v9 the previous leader id keeps a rejoining leader from running an assignment the stable group would ignore.
            leader: (skip ? group.leaderId : previousLeader) ?? '',
            skipAssignment: skip && isLeader,
          })
          this.#rebalancer.scheduleSession(group, member)
        })
        return
      case GroupState.COMPLETING_REBALANCE:
        // The leader may already be assigning to the old member id: start over.
        return this.#rebalancer.prepareRebalance(group, reason)
      case GroupState.PREPARING_REBALANCE:
        return
      default:
        member.completeJoin(joinGroupError('', ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  /** The current generation as a JoinGroup response (with the member list when `withMembers`). */
  #currentGeneration(group: ClassicGroup, member: GroupMember, withMembers: boolean): JoinGroupResponse {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: withMembers ? group.currentMemberMetadata() : [],
    }
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const fail = (errorCode: number): Promise<SyncGroupResponse> => Promise.resolve(syncGroupError(errorCode))
    if (this.#ctx.closed) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID)
    const group = this.#ctx.groups.get(req.groupId)
    if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (group.is(GroupState.DEAD)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const error = group.validateMember(req.memberId, req.groupInstanceId)
    if (error !== ErrorCode.NONE) return fail(error)
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION)
    if ((req.protocolType != null && req.protocolType !== group.protocolType) || (req.protocolName != null && req.protocolName !== group.protocolName)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const member = group.get(req.memberId)!
    switch (group.state) {
      case GroupState.PREPARING_REBALANCE:
        return fail(ErrorCode.REBALANCE_IN_PROGRESS)
      case GroupState.STABLE:
        this.#rebalancer.markSynced(group, member.memberId)
        this.#rebalancer.scheduleSession(group, member)
        return Promise.resolve({
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        })
      case GroupState.COMPLETING_REBALANCE:
        return new Promise<SyncGroupResponse>((resolve) => {
          member.awaitSync(resolve, supersededSync)
          this.#rebalancer.markSynced(group, member.memberId)
          if (group.isLeader(member.memberId)) this.#storeAssignment(group, req)
        })
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  /** Persists the leader's assignment, then delivers it (if the group is still in that generation's sync phase). */
  #storeAssignment(group: ClassicGroup, req: SyncGroupRequest): void {
    const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
    const assignments = new Map<string, Buffer>()
    for (const memberId of group.members.keys()) assignments.set(memberId, given.get(memberId) ?? Buffer.alloc(0))
    const generation = group.generationId
    void this.#rebalancer.storeGroup(group, assignments).then((errorCode) => {
      if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId !== generation) return
      if (errorCode !== ErrorCode.NONE) {
        this.#rebalancer.resetAndPropagateAssignmentError(group, errorCode)
        this.#rebalancer.maybePrepareRebalance(group, `storing the assignment of generation ${generation} failed`)
        return
      }
      this.#rebalancer.setAndPropagateAssignment(group, assignments)
      group.transitionTo(GroupState.STABLE, this.#ctx.clock())
    })
  }

  heartbeat(req: HeartbeatRequest): Promise<HeartbeatResponse> {
    return Promise.resolve({ throttleTimeMs: 0, errorCode: this.#heartbeat(req) })
  }

  #heartbeat(req: HeartbeatRequest): number {
    if (this.#ctx.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (!req.groupId) return ErrorCode.INVALID_GROUP_ID
    const group = this.#ctx.groups.get(req.groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.is(GroupState.DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const error = group.validateMember(req.memberId, req.groupInstanceId)
    if (error !== ErrorCode.NONE) return error
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (group.is(GroupState.EMPTY)) return ErrorCode.UNKNOWN_MEMBER_ID
    this.#rebalancer.scheduleSession(group, group.get(req.memberId)!)
    return group.is(GroupState.PREPARING_REBALANCE) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  leaveGroup(req: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    const legacy = req.members === undefined
    const leaving = req.members ?? [{ memberId: req.memberId ?? '', groupInstanceId: null }]
    const respond = (errorCode: number, members: LeaveGroupResponseMember[]): Promise<LeaveGroupResponse> =>
      Promise.resolve({ throttleTimeMs: 0, errorCode: legacy && members.length > 0 ? members[0].errorCode : errorCode, members })
    if (this.#ctx.closed) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE, [])
    if (!req.groupId) return respond(ErrorCode.INVALID_GROUP_ID, [])
    const group = this.#ctx.groups.get(req.groupId)
    const result = (m: { memberId: string; groupInstanceId?: string | null }, errorCode: number): LeaveGroupResponseMember => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode,
    })
    if (!group) return respond(ErrorCode.NONE, leaving.map((m) => result(m, ErrorCode.UNKNOWN_MEMBER_ID)))
    if (group.is(GroupState.DEAD)) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE, [])
    const members = leaving.map((m) => {
      const reason = `left the group${m.reason ? ` (${m.reason})` : ''}`
      if (m.memberId === '') {
        // Administrative removal of a static member by its instance id alone.
        const current = group.get(group.staticMemberId(m.groupInstanceId) ?? '')
        if (!current) return result(m, ErrorCode.UNKNOWN_MEMBER_ID)
        this.#rebalancer.removeMember(group, current, reason)
        return result(m, ErrorCode.NONE)
      }
      if (group.pendingMembers.has(m.memberId)) {
        this.#rebalancer.removePendingMember(group, m.memberId)
        return result(m, ErrorCode.NONE)
      }
      const error = group.validateMember(m.memberId, m.groupInstanceId)
      if (error !== ErrorCode.NONE) return result(m, error)
      this.#rebalancer.removeMember(group, group.get(m.memberId)!, reason)
      return result(m, ErrorCode.NONE)
    })
    return respond(ErrorCode.NONE, members)
  }

  /** Answers every held JoinGroup and SyncGroup with COORDINATOR_NOT_AVAILABLE (the coordinator is closing). */
  abandonPending(): void {
    for (const group of this.#ctx.groups.values()) {
      for (const member of group.members.values()) {
        member.completeJoin(joinGroupError(member.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
        member.completeSync(syncGroupError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
      }
    }
  }
}

/** JoinGroup v0 has no rebalance timeout: the session timeout stands in for it, as in Kafka. */
function rebalanceTimeoutOf(req: JoinGroupRequest): number {
  return req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs
}

function reasonSuffix(req: JoinGroupRequest): string {
  return req.reason ? ` (client reason: ${req.reason})` : ''
}
