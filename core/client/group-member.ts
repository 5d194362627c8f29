/**
 * `GroupMember`: membership in a classic group for any protocol type (Kafka's
 * `AbstractCoordinator` without the consumer's parts): JoinGroup, SyncGroup with the leader's
 * assignments, heartbeats, LeaveGroup. Kafka Connect workers use it with protocol type
 * "connect"; what the metadata and assignment bytes mean is the handler's business.
 *
 * ```ts
 * const member = creek.groupMember({ groupId: 'connect-cluster', protocolType: 'connect', handler })
 * member.start()          // joins in the background; handler.onAssigned(bytes, generation) per generation
 * member.requestRejoin('configs changed')
 * await member.close()    // handler.onRevoked(), then LeaveGroup
 * ```
 *
 * Contracts (eager protocol):
 * - Before every (re)join the member gives up what it holds: `onRevoked()` when a previous
 *   `onAssigned` was delivered. `onAssigned` and `onRevoked` never overlap and alternate.
 * - The leader's `assign(generation)` gets every member's metadata and returns each member's
 *   assignment bytes (members it leaves out get empty bytes).
 * - Heartbeats run every `heartbeatIntervalMs` once joined. REBALANCE_IN_PROGRESS asks for a
 *   rejoin; UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION means the member was dropped (its session
 *   expired): it rejoins from scratch after revoking. Coordinator errors find the coordinator
 *   again. Join errors no retry can fix (INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT…)
 *   stop the member: `failure` holds the error and `onFatal` is told. So does an error thrown by
 *   `protocols`, `assign` or `onAssigned`; a member stopped that way leaves the group (LeaveGroup)
 *   so that the others rebalance without waiting out its session.
 * - `kill()` stops heartbeating and joining without leaving or revoking, as a crashed process
 *   would: the coordinator drops the member after `sessionTimeoutMs` (for tests of failover).
 *
 * Concurrency: one join cycle at a time in a background loop; responses of an older generation
 * change nothing; handler calls are queued one after another.
 */
import { CoreError, isRetriable } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { Heartbeat } from '../protocol/apis/heartbeat.ts'
import { JoinGroup } from '../protocol/apis/join-group.ts'
import { LeaveGroup } from '../protocol/apis/leave-group.ts'
import { SyncGroup } from '../protocol/apis/sync-group.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import { SerialQueue } from '../serial-queue.ts'
import { CoordinatorLocator } from './coordinator-locator.ts'
import { leaveGroupRequest, parseLeaveGroup } from './group-requests.ts'
import { backoffDelay, sleep } from './retry.ts'
import type { Transport } from './transport.ts'

export const GROUP_MEMBER_DEFAULTS = Object.freeze({
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 3000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
})

/** One generation of the group as this member joined it. */
export interface GroupGeneration {
  readonly generationId: number
  readonly memberId: string
  readonly leaderId: string
  readonly protocolName: string
  readonly isLeader: boolean
  /** Every member with its metadata (only the leader gets them; empty for followers). */
  readonly members: readonly { readonly memberId: string; readonly metadata: Buffer }[]
}

export interface GroupMemberHandler {
  /** The protocols this member speaks, by preference, with its metadata; asked at every join. */
  protocols(): readonly { readonly name: string; readonly metadata: Buffer }[] | Promise<readonly { readonly name: string; readonly metadata: Buffer }[]>
  /** Leader only: each member's assignment bytes. */
  assign(generation: GroupGeneration): ReadonlyMap<string, Buffer> | Promise<ReadonlyMap<string, Buffer>>
  /** Gives up the previous assignment (before a rejoin, when dropped, and on close). */
  onRevoked(): Promise<void>
  /** The assignment of a new generation. */
  onAssigned(assignment: Buffer, generation: GroupGeneration): Promise<void>
  /** The member stopped for good (a join error no retry can fix). */
  onFatal?(error: Error): void
}

export interface GroupMemberOptions {
  readonly groupId: string
  readonly protocolType: string
  readonly handler: GroupMemberHandler
  /** The client id the broker sees (default `creek-group-member-<n>`). */
  readonly clientId?: string
  readonly sessionTimeoutMs?: number
  readonly rebalanceTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
  readonly retryBackoffMs?: number
  readonly retryBackoffMaxMs?: number
  readonly logger?: Logger
}

const NO_GENERATION = -1

const FATAL_JOIN_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ErrorCode.INVALID_SESSION_TIMEOUT, ErrorCode.GROUP_MAX_SIZE_REACHED,
  ErrorCode.INVALID_GROUP_ID, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_REQUEST,
])

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v <= 0) throw new CoreError('CORE_INVALID_ARGUMENT', `GroupMember option ${name} must be a positive integer (ms), got ${String(value)}`)
  return v
}

export class GroupMember {
  readonly groupId: string
  readonly protocolType: string
  readonly #transport: Transport
  readonly #handler: GroupMemberHandler
  readonly #logger: Logger
  readonly #coordinator: CoordinatorLocator
  readonly #sessionTimeoutMs: number
  readonly #rebalanceTimeoutMs: number
  readonly #heartbeatIntervalMs: number
  readonly #retryBackoffMs: number
  readonly #retryBackoffMaxMs: number
  #generationId = NO_GENERATION
  #memberId = ''
  #leaderId = ''
  #rejoinNeeded = true
  #joining = false
  #assigned = false
  #stopping = false
  #killed = false
  #failure: Error | null = null
  #heartbeatTimer: NodeJS.Timeout | undefined
  #wake: (() => void) | null = null
  #loop: Promise<void> | null = null
  readonly #serial = new SerialQueue()
  #closing: Promise<void> | null = null

  constructor(transport: Transport, options: GroupMemberOptions) {
    if (typeof options?.groupId !== 'string' || options.groupId === '') throw new CoreError('CORE_INVALID_ARGUMENT', 'GroupMember needs a groupId')
    if (typeof options.protocolType !== 'string' || options.protocolType === '') throw new CoreError('CORE_INVALID_ARGUMENT', `GroupMember of group '${options.groupId}' needs a protocolType`)
    this.groupId = options.groupId
    this.protocolType = options.protocolType
    this.#transport = transport
    this.#handler = options.handler
    this.#logger = options.logger ?? silentLogger
    this.#sessionTimeoutMs = positive('sessionTimeoutMs', options.sessionTimeoutMs, GROUP_MEMBER_DEFAULTS.sessionTimeoutMs)
    this.#rebalanceTimeoutMs = positive('rebalanceTimeoutMs', options.rebalanceTimeoutMs, GROUP_MEMBER_DEFAULTS.rebalanceTimeoutMs)
    this.#heartbeatIntervalMs = positive('heartbeatIntervalMs', options.heartbeatIntervalMs, GROUP_MEMBER_DEFAULTS.heartbeatIntervalMs)
    this.#retryBackoffMs = positive('retryBackoffMs', options.retryBackoffMs, GROUP_MEMBER_DEFAULTS.retryBackoffMs)
    this.#retryBackoffMaxMs = positive('retryBackoffMaxMs', options.retryBackoffMaxMs, GROUP_MEMBER_DEFAULTS.retryBackoffMaxMs)
    if (this.#heartbeatIntervalMs >= this.#sessionTimeoutMs) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `GroupMember of group '${this.groupId}': heartbeatIntervalMs (${this.#heartbeatIntervalMs}) must be below sessionTimeoutMs (${this.#sessionTimeoutMs})`)
    }
    this.#coordinator = new CoordinatorLocator(transport, this.groupId, { initialBackoffMs: this.#retryBackoffMs, maxBackoffMs: this.#retryBackoffMaxMs })
  }

  get memberId(): string {
    return this.#memberId
  }

  get generationId(): number {
    return this.#generationId
  }

  get isLeader(): boolean {
    return this.#memberId !== '' && this.#memberId === this.#leaderId
  }

  /** The error that stopped the member for good, if any. */
  get failure(): Error | null {
    return this.#failure
  }

  /** Starts joining in the background (once). */
  start(): void {
    if (this.#stopping || this.#killed) throw new CoreError('CORE_CLOSED', `The member of group '${this.groupId}' is closed`)
    this.#loop ??= this.#run()
  }

  /**
   * Gives up the assignment and rejoins. The leader rejoining (or any member with changed
   * metadata) makes every member rejoin; a follower with unchanged metadata gets the current
   * generation and its assignment back, as from Kafka's coordinator.
   */
  requestRejoin(reason: string): void {
    if (this.#stopping || this.#killed || this.#rejoinNeeded) return
    this.#logger.info(`Member '${this.#memberId}' of group '${this.groupId}' rejoins: ${reason}`)
    this.#rejoinNeeded = true
    this.#wakeUp()
  }

  #wakeUp(): void {
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }

  #stopped(): boolean {
    return this.#stopping || this.#killed || this.#failure !== null
  }

  async #run(): Promise<void> {
    let failures = 0
    while (!this.#stopped()) {
      if (!this.#rejoinNeeded) {
        await new Promise<void>((resolve) => { this.#wake = resolve })
        continue
      }
      try {
        await this.#joinOnce()
        failures = 0
      } catch (error) {
        if (this.#stopped()) break
        if (!isRetriable(error)) {
          this.#failure = error instanceof Error ? error : new Error(String(error))
          this.#stopHeartbeats()
          this.#logger.error(`Member of group '${this.groupId}' stops: ${this.#failure.message}`)
          this.#handler.onFatal?.(this.#failure)
          // A member still in the group (a handler threw) leaves it: the others need not wait out its session.
          await this.#leave(`the member stopped: ${this.#failure.message}`)
          break
        }
        failures++
        this.#rejoinNeeded = true
        this.#logger.warn(`Member of group '${this.groupId}' could not join yet, retrying`, { cause: String(error) })
        await sleep(backoffDelay(failures, { initialBackoffMs: this.#retryBackoffMs, maxBackoffMs: this.#retryBackoffMaxMs }))
      }
    }
  }

  async #revokeIfAssigned(): Promise<void> {
    await this.#serial.run(async () => {
      if (!this.#assigned) return
      this.#assigned = false
      try {
        await this.#handler.onRevoked()
      } catch (error) {
        this.#logger.error(`onRevoked of group '${this.groupId}' failed`, { cause: String(error) })
      }
    })
  }

  async #joinOnce(): Promise<void> {
    await this.#revokeIfAssigned()
    if (this.#stopped()) return
    this.#rejoinNeeded = false
    this.#joining = true
    try {
      const joined = await this.#join()
      if (joined === null || this.#stopped()) return
      this.#generationId = joined.generationId
      this.#memberId = joined.memberId
      this.#leaderId = joined.leaderId
      // Joined: heartbeats run from here on, through the leader's assign() and SyncGroup (the
      // coordinator expires a member between its JoinGroup answer and its SyncGroup otherwise).
      this.#joining = false
      this.#scheduleHeartbeat(this.#heartbeatIntervalMs)
      let assignments: { memberId: string; assignment: Buffer }[] = []
      if (joined.isLeader) {
        const map = await this.#handler.assign(joined)
        assignments = joined.members.map((m) => ({ memberId: m.memberId, assignment: map.get(m.memberId) ?? Buffer.alloc(0) }))
      }
      if (this.#stopped()) return
      const response = await this.#coordinator.send((nodeId) => this.#transport.send(SyncGroup, {
        groupId: this.groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null,
        protocolType: this.protocolType, protocolName: joined.protocolName, assignments,
      }, { nodeId }))
      if (this.#stopped() || this.#generationId !== joined.generationId) return
      if (response.errorCode !== ErrorCode.NONE) {
        this.#onJoinOrSyncError(response.errorCode, 'SyncGroup')
        return
      }
      await this.#serial.run(async () => {
        if (this.#stopped() || this.#generationId !== joined.generationId) return
        this.#assigned = true
        await this.#handler.onAssigned(response.assignment, joined)
      })
    } finally {
      this.#joining = false
    }
  }

  async #join(): Promise<GroupGeneration | null> {
    for (;;) {
      const protocols = [...await this.#handler.protocols()]
      const response = await this.#coordinator.send((nodeId) => this.#transport.send(JoinGroup, {
        groupId: this.groupId, sessionTimeoutMs: this.#sessionTimeoutMs, rebalanceTimeoutMs: this.#rebalanceTimeoutMs,
        memberId: this.#memberId, groupInstanceId: null, protocolType: this.protocolType, protocols, reason: null,
      }, { nodeId, timeoutMs: this.#rebalanceTimeoutMs + 5000 }))
      if (this.#stopped()) return null
      if (response.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.#memberId = response.memberId
        continue
      }
      if (response.errorCode !== ErrorCode.NONE) {
        this.#onJoinOrSyncError(response.errorCode, 'JoinGroup')
        return null
      }
      return {
        generationId: response.generationId,
        memberId: response.memberId,
        leaderId: response.leader,
        protocolName: response.protocolName ?? '',
        isLeader: response.leader === response.memberId,
        members: response.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata })),
      }
    }
  }

  #onJoinOrSyncError(code: number, api: string): void {
    const why = `${api} of group '${this.groupId}' answered ${new KafkaApiError(code).errorName}`
    this.#rejoinNeeded = true
    if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
      this.#resetGeneration(code === ErrorCode.UNKNOWN_MEMBER_ID)
    } else if (code === ErrorCode.REBALANCE_IN_PROGRESS) {
      // Join again with the same member id.
    } else if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
      this.#coordinator.markUnknown()
      throw new KafkaApiError(code, why)
    } else if (FATAL_JOIN_ERRORS.has(code)) {
      throw new CoreError('CORE_PROTOCOL', `${why}: this member cannot be part of the group`, { cause: new KafkaApiError(code, why), retriable: false })
    } else {
      throw new KafkaApiError(code, why)
    }
  }

  #resetGeneration(newMemberId: boolean): void {
    this.#generationId = NO_GENERATION
    this.#leaderId = ''
    if (newMemberId) this.#memberId = ''
    this.#stopHeartbeats()
  }

  #scheduleHeartbeat(delayMs: number): void {
    clearTimeout(this.#heartbeatTimer)
    if (this.#stopped()) return
    this.#heartbeatTimer = setTimeout(() => void this.#heartbeat(), delayMs)
  }

  #stopHeartbeats(): void {
    clearTimeout(this.#heartbeatTimer)
    this.#heartbeatTimer = undefined
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped() || this.#generationId === NO_GENERATION) return
    if (this.#joining) {
      // A JoinGroup in flight keeps the member alive; heartbeats resume once it is answered.
      this.#scheduleHeartbeat(this.#heartbeatIntervalMs)
      return
    }
    const generationId = this.#generationId
    const memberId = this.#memberId
    try {
      const response = await this.#coordinator.send((nodeId) => this.#transport.send(Heartbeat, { groupId: this.groupId, generationId, memberId, groupInstanceId: null }, { nodeId }))
      if (this.#stopped() || generationId !== this.#generationId || memberId !== this.#memberId) return
      const code = response.errorCode
      if (code === ErrorCode.REBALANCE_IN_PROGRESS) this.requestRejoin('the group is rebalancing')
      else if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.#coordinator.markUnknown()
      else if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
        this.#logger.warn(`Member '${memberId}' of group '${this.groupId}' was dropped from generation ${generationId} (Heartbeat answered ${new KafkaApiError(code).errorName}); it rejoins`)
        this.#resetGeneration(code === ErrorCode.UNKNOWN_MEMBER_ID)
        this.#rejoinNeeded = true
        this.#wakeUp()
        return
      } else if (code !== ErrorCode.NONE) this.#logger.warn(`Heartbeat of group '${this.groupId}' answered ${new KafkaApiError(code).errorName}`)
      this.#scheduleHeartbeat(this.#heartbeatIntervalMs)
    } catch (error) {
      if (this.#stopped()) return
      this.#logger.warn(`Heartbeat of group '${this.groupId}' failed`, { cause: String(error) })
      this.#coordinator.markUnknown()
      this.#scheduleHeartbeat(this.#retryBackoffMs)
    }
  }

  /** Revokes (`onRevoked`), leaves the group (LeaveGroup) and stops. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    if (this.#killed) return
    this.#stopping = true
    this.#wakeUp()
    await this.#revokeIfAssigned()
    this.#stopHeartbeats()
    await this.#leave('the member is closing')
    this.#generationId = NO_GENERATION
    // A JoinGroup the broker still holds is answered by the LeaveGroup; do not wait long for it anyway.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.#loop ?? Promise.resolve(), new Promise<void>((resolve) => { timer = setTimeout(resolve, 5000) })])
    clearTimeout(timer)
  }

  /** Sends LeaveGroup when the member has an id, so that the others rebalance at once; never throws. */
  async #leave(reason: string): Promise<void> {
    const nodeId = this.#coordinator.known
    if (this.#memberId === '' || nodeId === null) return
    try {
      const response = await this.#transport.send(LeaveGroup, leaveGroupRequest({ groupId: this.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: null }, reason), { nodeId })
      const code = parseLeaveGroup(response)
      if (code !== ErrorCode.NONE) this.#logger.info(`LeaveGroup of group '${this.groupId}' answered ${new KafkaApiError(code).errorName}`)
    } catch (error) {
      this.#logger.warn(`LeaveGroup of group '${this.groupId}' failed`, { cause: String(error) })
    }
  }

  /** Stops at once without revoking or leaving, as a crashed process would (for tests). */
  kill(): void {
    this.#killed = true
    this.#stopHeartbeats()
    this.#wakeUp()
  }
}
