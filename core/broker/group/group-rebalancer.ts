/**
 * The rebalance machinery of the classic group protocol (Kafka's GroupCoordinator timers and
 * delayed operations): starting a rebalance, completing the join phase, the pending-sync
 * deadline, session expiry, removing members, and persisting group metadata.
 *
 * Join phase. `prepareRebalance` moves a group to PreparingRebalance. From Empty it runs an
 * *initial* delayed join: it waits `group.initial.rebalance.delay.ms`, and again (up to the
 * rebalance timeout in total) whenever a new member arrived meanwhile. Otherwise it runs a
 * *normal* delayed join: complete as soon as every member rejoined and no member is pending
 * (told MEMBER_ID_REQUIRED but not back yet), or when the rebalance timeout (largest of the
 * members') expires. Completion removes dynamic members that did not rejoin (static ones stay
 * until their session expires), keeps the leader if it rejoined or picks the oldest rejoined
 * member, bumps the generation, selects the protocol, answers every held JoinGroup (the leader
 * gets the member list) and expects a SyncGroup from every member within the rebalance
 * timeout; members that do not send one are removed and the group rebalances again.
 *
 * Sessions. Every member has a session timer, re-armed by heartbeats, commits, and completed
 * joins and syncs. When it fires, a member that awaits a join or sync response is left alone
 * (the rebalance deadlines cover it) unless it is new (joined in this rebalance and never got
 * a generation), in which case the timer was the 5-minute new-member join timeout; any other
 * member is removed, which starts a rebalance. Pending members expire after their session timeout.
 *
 * Concurrency: one thread; timer callbacks re-check that the group is still the registered one.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { type ClassicGroup } from './classic-group.ts'
import type { GroupContext } from './group-context.ts'
import type { GroupMember } from './group-member.ts'
import { joinGroupError, syncGroupError } from './group-messages.ts'
import { canTransition, GroupState } from './group-state.ts'
import { encodeGroupMetadataKey, encodeGroupMetadataValue } from './offsets-topic-records.ts'
import { appendErrorCode, groupMetadataValueOf } from './offset-store.ts'

/** How long a new member's JoinGroup may be held before it is dropped (Kafka's NewMemberJoinTimeoutMs). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000

const EMPTY = Buffer.alloc(0)

export class GroupRebalancer {
  readonly #ctx: GroupContext

  constructor(ctx: GroupContext) {
    this.#ctx = ctx
  }

  // Sessions -------------------------------------------------------------------------------

  /** (Re)arms a member's session timer (its session timeout by default). */
  scheduleSession(group: ClassicGroup, member: GroupMember, timeoutMs = member.sessionTimeoutMs): void {
    const memberId = member.memberId
    this.#ctx.timers.schedule(sessionKey(group, memberId), timeoutMs, () => this.#onSessionExpired(group, memberId))
  }

  cancelSession(group: ClassicGroup, memberId: string): void {
    this.#ctx.timers.cancel(sessionKey(group, memberId))
  }

  /** Records a member told MEMBER_ID_REQUIRED; it is forgotten unless it rejoins within `sessionTimeoutMs`. */
  addPendingMember(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    group.pendingMembers.add(memberId)
    this.#ctx.timers.schedule(sessionKey(group, memberId), sessionTimeoutMs, () => this.#onSessionExpired(group, memberId))
  }

  removePendingMember(group: ClassicGroup, memberId: string): void {
    group.pendingMembers.delete(memberId)
    this.cancelSession(group, memberId)
    if (group.is(GroupState.PREPARING_REBALANCE)) this.tryCompleteJoin(group)
  }

  #onSessionExpired(group: ClassicGroup, memberId: string): void {
    if (!this.#isLive(group)) return
    if (group.pendingMembers.has(memberId)) {
      this.#ctx.logger.info(`Pending member ${memberId} of group '${group.groupId}' did not rejoin within its session timeout`)
      this.removePendingMember(group, memberId)
      return
    }
    const member = group.get(memberId)
    if (!member) return
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return
    this.removeMember(group, member, member.isNew ? 'new member join timeout' : 'session timeout')
  }

  /**
   * Removes a member (Kafka's removeMemberAndUpdateGroup): its held JoinGroup or SyncGroup is
   * answered UNKNOWN_MEMBER_ID, and the group rebalances (or its join phase may now complete).
   */
  removeMember(group: ClassicGroup, member: GroupMember, reason: string): void {
    member.completeJoin(joinGroupError('', ErrorCode.UNKNOWN_MEMBER_ID))
    member.completeSync(syncGroupError(ErrorCode.UNKNOWN_MEMBER_ID))
    group.remove(member.memberId)
    this.cancelSession(group, member.memberId)
    this.#ctx.logger.info(`Removed member ${member.memberId} from group '${group.groupId}': ${reason}`, { groupId: group.groupId })
    if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE)) {
      this.maybePrepareRebalance(group, `member ${member.memberId} left (${reason})`)
    } else if (group.is(GroupState.PREPARING_REBALANCE)) {
      this.tryCompleteJoin(group)
    }
  }

  // Join phase -----------------------------------------------------------------------------

  /** Starts a rebalance unless one is already preparing (or the group is Dead). */
  maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (canTransition(group.state, GroupState.PREPARING_REBALANCE)) this.prepareRebalance(group, reason)
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is(GroupState.COMPLETING_REBALANCE)) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS)
    this.#ctx.timers.cancel(syncKey(group))
    group.pendingSyncMembers.clear()
    const initial = group.is(GroupState.EMPTY)
    group.transitionTo(GroupState.PREPARING_REBALANCE, this.#ctx.clock())
    this.#ctx.logger.info(`Preparing to rebalance group '${group.groupId}' in generation ${group.generationId}: ${reason}`, { groupId: group.groupId })
    if (initial) {
      const delay = this.#ctx.config.groupInitialRebalanceDelayMs
      this.#scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0))
    } else {
      this.#scheduleJoin(group)
      this.tryCompleteJoin(group)
    }
  }

  #scheduleJoin(group: ClassicGroup): void {
    group.delayedJoin = 'normal'
    this.#ctx.timers.schedule(joinKey(group), group.rebalanceTimeoutMs, () => {
      if (this.#isLive(group) && group.is(GroupState.PREPARING_REBALANCE) && group.delayedJoin === 'normal') this.completeJoin(group)
    })
  }

  #scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    group.delayedJoin = 'initial'
    this.#ctx.timers.schedule(joinKey(group), delayMs, () => {
      if (!this.#isLive(group) || !group.is(GroupState.PREPARING_REBALANCE) || group.delayedJoin !== 'initial') return
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false
        const next = Math.min(this.#ctx.config.groupInitialRebalanceDelayMs, remainingMs)
        this.#scheduleInitialJoin(group, next, Math.max(remainingMs - next, 0))
      } else {
        this.completeJoin(group)
      }
    })
  }

  /** Completes a normal delayed join once every member rejoined (the initial one only ends by time). */
  tryCompleteJoin(group: ClassicGroup): void {
    if (group.is(GroupState.PREPARING_REBALANCE) && group.delayedJoin === 'normal' && group.hasAllMembersJoined()) this.completeJoin(group)
  }

  /** Ends the join phase (Kafka's onCompleteJoin). */
  completeJoin(group: ClassicGroup): void {
    const { logger, timers } = this.#ctx
    if (!group.is(GroupState.PREPARING_REBALANCE)) return
    timers.cancel(joinKey(group))
    group.delayedJoin = undefined
    group.newMemberAdded = false
    for (const member of group.notYetRejoinedMembers()) {
      if (member.isStatic) continue
      group.remove(member.memberId)
      this.cancelSession(group, member.memberId)
      logger.info(`Removed member ${member.memberId} from group '${group.groupId}': it did not rejoin in time`, { groupId: group.groupId })
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined are left: wait for them (or their session expiry).
      logger.warn(`Group '${group.groupId}' could not complete its rebalance because no member rejoined; waiting again`, { groupId: group.groupId })
      this.#scheduleJoin(group)
      return
    }
    group.initNextGeneration(this.#ctx.clock())
    if (group.is(GroupState.EMPTY)) {
      logger.info(`Group '${group.groupId}' is empty in generation ${group.generationId}`, { groupId: group.groupId })
      void this.storeGroup(group)
      return
    }
    logger.info(`Group '${group.groupId}' moves to generation ${group.generationId} with ${group.size} members (protocol ${group.protocolName})`, { groupId: group.groupId })
    for (const member of group.members.values()) {
      const isLeader = group.isLeader(member.memberId)
      member.completeJoin({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        memberId: member.memberId,
        members: isLeader ? group.currentMemberMetadata() : [],
      })
      this.scheduleSession(group, member)
      member.isNew = false
      group.pendingSyncMembers.add(member.memberId)
    }
    this.#schedulePendingSync(group)
  }

  // Sync phase -----------------------------------------------------------------------------

  #schedulePendingSync(group: ClassicGroup): void {
    const generation = group.generationId
    this.#ctx.timers.schedule(syncKey(group), group.rebalanceTimeoutMs, () => {
      if (!this.#isLive(group) || group.generationId !== generation || group.pendingSyncMembers.size === 0) return
      if (!group.is(GroupState.COMPLETING_REBALANCE) && !group.is(GroupState.STABLE)) return
      const missing = [...group.pendingSyncMembers]
      for (const memberId of missing) {
        const member = group.remove(memberId)
        member?.completeJoin(joinGroupError('', ErrorCode.UNKNOWN_MEMBER_ID))
        this.cancelSession(group, memberId)
      }
      this.prepareRebalance(group, `members ${missing.join(', ')} did not send SyncGroup within the rebalance timeout`)
    })
  }

  /** A member's SyncGroup arrived: once every member's has, the pending-sync deadline is dropped. */
  markSynced(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.pendingSyncMembers.size === 0) this.#ctx.timers.cancel(syncKey(group))
  }

  /** Gives every member its assignment and answers held SyncGroups. */
  setAndPropagateAssignment(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): void {
    for (const member of group.members.values()) member.assignment = assignments.get(member.memberId) ?? EMPTY
    this.#propagate(group, ErrorCode.NONE)
  }

  /** Clears every assignment and answers held SyncGroups with `errorCode`. */
  resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = EMPTY
    this.#propagate(group, errorCode)
  }

  #propagate(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE
    for (const member of group.members.values()) {
      const answered = member.completeSync({
        throttleTimeMs: 0,
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      })
      // Expiry is ignored while a member awaits sync, so its session restarts here.
      if (answered) this.scheduleSession(group, member)
    }
  }

  // Persistence ----------------------------------------------------------------------------

  /**
   * Writes the group's metadata (with `assignments`, or the members' current ones) to
   * `__consumer_offsets`; resolves NONE once durable, or the error code to answer.
   */
  storeGroup(group: ClassicGroup, assignments?: ReadonlyMap<string, Buffer>): Promise<number> {
    const { store, logger, clock } = this.#ctx
    let durable: Promise<void>
    try {
      const value = encodeGroupMetadataValue(groupMetadataValueOf(group, assignments))
      durable = store.append(group.groupId, [{ key: encodeGroupMetadataKey(group.groupId), value }], clock())
    } catch (error) {
      durable = Promise.reject(error)
    }
    const result = durable.then(
      () => ErrorCode.NONE,
      (error: unknown) => {
        logger.error(`Cannot store the metadata of group '${group.groupId}' in generation ${group.generationId}`, { cause: String(error) })
        return appendErrorCode(error, false)
      },
    )
    this.#ctx.track(result)
    return result
  }

  /** Drops every timer of a group (it died). */
  cancelGroupTimers(group: ClassicGroup): void {
    this.#ctx.timers.cancel(joinKey(group))
    this.#ctx.timers.cancel(syncKey(group))
    for (const memberId of [...group.members.keys(), ...group.pendingMembers]) this.cancelSession(group, memberId)
  }

  #isLive(group: ClassicGroup): boolean {
    return !this.#ctx.closed && this.#ctx.groups.get(group.groupId) === group && !group.is(GroupState.DEAD)
  }
}

// Timer keys; JSON keeps any group and member ids apart.
function sessionKey(group: ClassicGroup, memberId: string): string {
  return JSON.stringify(['session', group.groupId, memberId])
}

function joinKey(group: ClassicGroup): string {
  return JSON.stringify(['join', group.groupId])
}

function syncKey(group: ClassicGroup): string {
  return JSON.stringify(['sync', group.groupId])
}
