/**
 * A consumer's membership in a classic group (Kafka's ConsumerCoordinator): finding the
 * coordinator, JoinGroup and SyncGroup (running the assignor when leader), heartbeats,
 * revoking and assigning partitions with the rebalance listener, leaving, and committing and
 * fetching offsets with the member's generation.
 *
 * The member's life is the explicit state machine of `member-state.ts`; a needed rejoin is a
 * flag beside it. Rebalances happen only inside `poll()`, which the consumer calls between
 * records, so an eager revocation (commit, then `onPartitionsRevoked`) never races the
 * application's processing. Heartbeats run on their own timer, as Java's heartbeat thread does;
 * they only raise flags (rejoin needed, partitions lost, coordinator unknown) and wake the
 * consumer, except that a member whose application has not polled for `maxPollIntervalMs`
 * leaves the group from the heartbeat timer, as Kafka's does.
 *
 * Errors (Kafka's rules):
 * - MEMBER_ID_REQUIRED: join again at once with the member id given.
 * - REBALANCE_IN_PROGRESS: rejoin (keeping member id and generation).
 * - UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION: the member is out of the group: its partitions are
 *   lost (`onPartitionsLost`, no commit) and it rejoins (a new member id for UNKNOWN_MEMBER_ID).
 * - COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, network errors: find the coordinator again.
 * - FENCED_INSTANCE_ID, and join errors no retry can fix (INCONSISTENT_GROUP_PROTOCOL,
 *   INVALID_SESSION_TIMEOUT, GROUP_MAX_SIZE_REACHED…): fatal; `poll` throws from then on.
 *
 * Concurrency: one join at a time (`poll` calls share it); identity of the generation is checked
 * after every await, so a late response of an older generation changes nothing.
 */
import { CoreError, isRetriable } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { Heartbeat } from '../protocol/apis/heartbeat.ts'
import { JoinGroup } from '../protocol/apis/join-group.ts'
import { LeaveGroup } from '../protocol/apis/leave-group.ts'
import { SyncGroup } from '../protocol/apis/sync-group.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import type { ConsumerConfig } from './consumer-config.ts'
import { CoordinatorLocator } from './coordinator-locator.ts'
import { assignGroup, decodeAssignment, encodeSubscription } from './group-assignment.ts'
import { GroupOffsetsClient } from './group-offsets-client.ts'
import { type MemberIdentity, joinGroupRequest, leaveGroupRequest, parseLeaveGroup, syncGroupRequest } from './group-requests.ts'
import { MemberState, MemberStateMachine } from './member-state.ts'
import { PartitionSet, type TopicPartition, formatTopicPartition } from './partition-map.ts'
import { RebalanceCallbacks, type RebalanceListener } from './rebalance-callbacks.ts'
import { sleep } from './retry.ts'
import type { SubscriptionState } from './subscription-state.ts'
import type { Transport } from './transport.ts'

/** A JoinGroup waits for the rebalance: the rebalance timeout plus this (Kafka's JOIN_GROUP_TIMEOUT_LAPSE). */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5000

export interface ConsumerCoordinatorOptions {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  readonly config: ConsumerConfig & { readonly groupId: string }
  readonly subscriptions: SubscriptionState
  readonly listener: RebalanceListener
  readonly logger: Logger
  /** Called when a rejoin becomes needed, so that a waiting poll loop comes back to `poll`. */
  readonly wakeup: () => void
}

const NO_GENERATION = -1

/** Join errors that no retry can fix. */
const FATAL_JOIN_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ErrorCode.INVALID_SESSION_TIMEOUT, ErrorCode.GROUP_MAX_SIZE_REACHED,
  ErrorCode.INVALID_GROUP_ID, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.UNRELEASED_INSTANCE_ID,
  ErrorCode.FENCED_INSTANCE_ID, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_REQUEST,
])

interface Joined {
  readonly generationId: number
  readonly memberId: string
  readonly leader: string
  readonly protocolName: string
  readonly skipAssignment: boolean
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

export class ConsumerCoordinator {
  readonly #transport: Transport
  readonly #metadata: ClusterMetadata
  readonly #config: ConsumerCoordinatorOptions['config']
  readonly #subscriptions: SubscriptionState
  readonly #logger: Logger
  readonly #wakeup: () => void
  readonly #state: MemberStateMachine
  readonly #callbacks: RebalanceCallbacks
  readonly #offsets: GroupOffsetsClient
  readonly #coordinator: CoordinatorLocator
  #generationId = NO_GENERATION
  #memberId = ''
  #leaderId = ''
  #protocolName: string | null = null
  #rejoinNeeded = true
  #lost = false
  #needsJoinPrepare = true
  #joining: Promise<void> | null = null
  #fatal: Error | null = null
  #killed = false
  #heartbeatTimer: NodeJS.Timeout | undefined
  #lastPollAt = Date.now()
  /** Partition counts the leader assigned with; a change triggers a rebalance. */
  #assignedSnapshot: ReadonlyMap<string, number> | null = null

  constructor(options: ConsumerCoordinatorOptions) {
    this.#transport = options.transport
    this.#metadata = options.metadata
    this.#config = options.config
    this.#subscriptions = options.subscriptions
    this.#logger = options.logger
    this.#wakeup = options.wakeup
    this.#state = new MemberStateMachine(options.config.groupId)
    this.#callbacks = new RebalanceCallbacks(options.listener, options.logger, options.config.groupId)
    this.#coordinator = new CoordinatorLocator(options.transport, options.config.groupId, {
      initialBackoffMs: options.config.retryBackoffMs, maxBackoffMs: options.config.retryBackoffMaxMs,
    })
    this.#offsets = new GroupOffsetsClient({
      transport: options.transport,
      config: options.config,
      subscriptions: options.subscriptions,
      coordinator: () => this.#coordinator.get(),
      coordinatorUnknown: () => this.#coordinator.markUnknown(),
      identity: () => this.#identity(),
      onMemberError: (code, why) => this.#onMemberError(code, why),
    })
  }

  get state(): MemberState {
    return this.#state.state
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

  /** True when the consumer should stop handing out records and come back to `poll`. */
  get rejoinNeeded(): boolean {
    return this.#rejoinNeeded || this.#lost || this.#fatal !== null
  }

  get offsets(): GroupOffsetsClient {
    return this.#offsets
  }

  /** Asks for a rebalance at the next `poll` (subscription or metadata changed). */
  requestRejoin(reason: string): void {
    if (this.#rejoinNeeded || this.#state.is(MemberState.CLOSED, MemberState.FATAL)) return
    this.#logger.info(`Consumer of group '${this.#config.groupId}' will rejoin: ${reason}`)
    this.#rejoinNeeded = true
    this.#wakeup()
  }

  /**
   * Called by the consumer between records: completes a needed (re)join, including revocation
   * and assignment callbacks. Throws the fatal error once the member is fenced.
   */
  async poll(): Promise<void> {
    this.#lastPollAt = Date.now()
    if (this.#fatal) throw this.#fatal
    if (this.#state.is(MemberState.CLOSED)) throw new CoreError('CORE_CLOSED', `The consumer of group '${this.#config.groupId}' is closed`)
    if (!this.rejoinNeeded && this.#state.is(MemberState.STABLE)) return
    this.#joining ??= this.#ensureActiveGroup().finally(() => {
      this.#joining = null
    })
    await this.#joining
  }

  /** The application is alive (it is processing a long batch): resets the max poll interval clock. */
  touch(): void {
    this.#lastPollAt = Date.now()
  }

  /** For the leader: rejoin when a subscribed topic's partition count changed since the assignment. */
  checkMetadata(): void {
    if (!this.isLeader || this.#assignedSnapshot === null || !this.#state.is(MemberState.STABLE)) return
    for (const topic of this.#subscriptions.topics) {
      const count = this.#metadata.partitionCount(topic)
      if (count !== undefined && count !== (this.#assignedSnapshot.get(topic) ?? 0)) {
        this.requestRejoin(`the partition count of topic '${topic}' changed to ${count}`)
        return
      }
    }
  }

  async #ensureActiveGroup(): Promise<void> {
    let failures = 0
    while (this.rejoinNeeded && !this.#stopped()) {
      if (this.#fatal) throw this.#fatal
      try {
        await this.#joinOnce()
        failures = 0
      } catch (error) {
        if (this.#fatal || this.#stopped()) throw this.#fatal ?? error
        if (!isRetriable(error)) throw error
        failures++
        this.#logger.warn(`Consumer of group '${this.#config.groupId}' could not join yet, retrying`, { cause: String(error) })
        await sleep(Math.min(this.#config.retryBackoffMs * 2 ** Math.min(failures - 1, 10), this.#config.retryBackoffMaxMs))
      }
    }
  }

  async #joinOnce(): Promise<void> {
    await this.#coordinator.get()
    if (this.#needsJoinPrepare) {
      await this.#onJoinPrepare()
      this.#needsJoinPrepare = false
    }
    if (this.#stopped()) return
    this.#transition(MemberState.JOINING)
    this.#rejoinNeeded = false
    this.#stopHeartbeats()
    const joined = await this.#join()
    if (joined === null || this.#stopped()) return
    this.#transition(MemberState.SYNCING)
    this.#generationId = joined.generationId
    this.#memberId = joined.memberId
    this.#leaderId = joined.leader
    this.#protocolName = joined.protocolName
    this.#scheduleHeartbeat(this.#config.heartbeatIntervalMs)
    const assignmentBytes = await this.#sync(joined)
    if (assignmentBytes === null || this.#stopped()) return
    this.#transition(MemberState.STABLE)
    this.#needsJoinPrepare = true
    await this.#onJoinComplete(assignmentBytes)
  }

  /** Before joining: partitions lost are dropped; eager members revoke everything, cooperative ones what they no longer subscribe to. */
  async #onJoinPrepare(): Promise<void> {
    const owned = this.#subscriptions.assignment()
    if (this.#lost || this.#generationId === NO_GENERATION) {
      this.#lost = false
      if (owned.length > 0) {
        this.#subscriptions.removePartitions(owned)
        await this.#callbacks.lost(owned)
      }
      return
    }
    const revoked = this.#config.rebalanceProtocol === 'eager' ? owned : owned.filter((tp) => !this.#subscriptions.topics.has(tp.topic))
    if (this.#config.rebalanceProtocol === 'eager' || revoked.length > 0) await this.#revoke(revoked)
  }

  /** Commits the positions of `partitions` (auto-commit), calls `onPartitionsRevoked`, and drops them. */
  async #revoke(partitions: readonly TopicPartition[]): Promise<void> {
    if (this.#config.enableAutoCommit && partitions.length > 0) {
      try {
        await this.#offsets.commitPositions(partitions)
      } catch (error) {
        this.#logger.warn(`Consumer of group '${this.#config.groupId}' could not commit before revoking partitions`, { cause: String(error) })
      }
    }
    // Eager members hear of every rebalance; cooperative ones only of partitions they give up.
    if (partitions.length > 0 || this.#config.rebalanceProtocol === 'eager') await this.#callbacks.revoked(partitions)
    this.#subscriptions.removePartitions(partitions)
  }

  async #join(): Promise<Joined | null> {
    const topics = [...this.#subscriptions.topics]
    const owned = this.#subscriptions.assignment()
    for (;;) {
      const request = joinGroupRequest(this.#config, this.#memberId, this.#config.partitionAssignors.map((a) => ({
        name: a.name, metadata: encodeSubscription(a, topics, owned, this.#generationId),
      })))
      // The broker answers once the rebalance completes: wait for it as Kafka's clients do.
      const timeoutMs = this.#config.rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS
      const response = await this.#coordinator.send((nodeId) => this.#transport.send(JoinGroup, request, { nodeId, timeoutMs }))
      if (this.#stopped()) return null
      const code = response.errorCode
      if (code === ErrorCode.NONE) {
        return {
          generationId: response.generationId,
          memberId: response.memberId,
          leader: response.leader,
          protocolName: response.protocolName ?? '',
          skipAssignment: response.skipAssignment,
          members: response.members,
        }
      }
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        this.#memberId = response.memberId
        this.#transition(MemberState.JOINING)
        continue
      }
      this.#onJoinOrSyncError(code, 'JoinGroup')
      return null
    }
  }

  async #sync(joined: Joined): Promise<Buffer | null> {
    let assignments: { memberId: string; assignment: Buffer }[] = []
    if (joined.leader === joined.memberId) {
      if (!joined.skipAssignment) {
        const assignor = this.#config.partitionAssignors.find((a) => a.name === joined.protocolName)
        if (!assignor) {
          throw this.#setFatal(new CoreError('CORE_PROTOCOL', `Group '${this.#config.groupId}' chose assignor '${joined.protocolName}', which this consumer does not have`))
        }
        const result = await assignGroup(assignor, joined.members, this.#metadata)
        assignments = result.assignments
        this.#assignedSnapshot = result.partitionsPerTopic
      }
    } else {
      this.#assignedSnapshot = null
    }
    if (this.#stopped()) return null
    const request = syncGroupRequest({ ...this.#identity(), generationId: joined.generationId, memberId: joined.memberId }, joined.protocolName, assignments)
    const response = await this.#coordinator.send((nodeId) => this.#transport.send(SyncGroup, request, { nodeId }))
    if (this.#stopped() || this.#generationId !== joined.generationId) return null
    if (response.errorCode === ErrorCode.NONE) return response.assignment
    this.#onJoinOrSyncError(response.errorCode, 'SyncGroup')
    return null
  }

  #onJoinOrSyncError(code: number, api: string): void {
    const why = `${api} answered ${new KafkaApiError(code).errorName}`
    if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
      this.#resetGeneration(why, code === ErrorCode.UNKNOWN_MEMBER_ID)
    } else if (code === ErrorCode.REBALANCE_IN_PROGRESS) {
      this.#transition(MemberState.JOINING)
      this.#rejoinNeeded = true
    } else if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
      this.#coordinator.markUnknown()
      this.#rejoinNeeded = true
      throw new KafkaApiError(code, `${why} for group '${this.#config.groupId}'`)
    } else if (FATAL_JOIN_ERRORS.has(code)) {
      throw this.#setFatal(new KafkaApiError(code, `${why}: the consumer of group '${this.#config.groupId}' cannot be a member`))
    } else {
      this.#rejoinNeeded = true
      throw new KafkaApiError(code, `${why} for group '${this.#config.groupId}'`)
    }
  }

  /** After SyncGroup: assign (eager: everything; cooperative: what is new, revoking what moved away). */
  async #onJoinComplete(bytes: Buffer): Promise<void> {
    const assignment = decodeAssignment(bytes)
    const assignor = this.#config.partitionAssignors.find((a) => a.name === this.#protocolName)
    assignor?.onAssignment?.(assignment, this.#generationId)
    const assigned = new PartitionSet(assignment.partitions)
    const owned = new PartitionSet(this.#subscriptions.assignment())
    const added = assignment.partitions.filter((tp) => !owned.has(tp))
    const revoked = [...owned].filter((tp) => !assigned.has(tp))
    this.#logger.info(`Consumer '${this.#memberId}' joined group '${this.#config.groupId}' generation ${this.#generationId}`, {
      assigned: assignment.partitions.map(formatTopicPartition),
    })
    if (revoked.length > 0) {
      // Cooperative: give them up now, then rejoin so that the leader can hand them on.
      await this.#revoke(revoked)
      this.requestRejoin(`${revoked.length} partitions were revoked`)
    }
    this.#subscriptions.addPartitions(added)
    await this.#callbacks.assigned(added)
    for (const tp of assignment.partitions) {
      if (!this.#subscriptions.topics.has(tp.topic) && this.#subscriptions.type !== 'pattern') {
        this.requestRejoin(`the assignment has ${formatTopicPartition(tp)} of a topic this consumer does not subscribe to`)
        break
      }
    }
  }

  // ------------------------------------------------------------------------------ heartbeats

  #scheduleHeartbeat(delayMs: number): void {
    clearTimeout(this.#heartbeatTimer)
    this.#heartbeatTimer = setTimeout(() => void this.#heartbeat(), delayMs)
  }

  #stopHeartbeats(): void {
    clearTimeout(this.#heartbeatTimer)
    this.#heartbeatTimer = undefined
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped() || !this.#state.is(MemberState.SYNCING, MemberState.STABLE)) return
    if (Date.now() - this.#lastPollAt > this.#config.maxPollIntervalMs) {
      this.#logger.warn(`Consumer '${this.#memberId}' of group '${this.#config.groupId}' did not poll for maxPollIntervalMs (${this.#config.maxPollIntervalMs} ms): leaving the group; process faster or raise maxPollIntervalMs`)
      await this.#leave('consumer poll timeout has expired')
      return
    }
    const identity = this.#identity()
    try {
      const { groupId, generationId, memberId, groupInstanceId } = identity
      const response = await this.#coordinator.send((nodeId) => this.#transport.send(Heartbeat, { groupId, generationId, memberId, groupInstanceId }, { nodeId }))
      if (this.#stopped() || identity.generationId !== this.#generationId || identity.memberId !== this.#memberId) return
      if (!this.#state.is(MemberState.SYNCING, MemberState.STABLE)) return
      const code = response.errorCode
      if (code === ErrorCode.REBALANCE_IN_PROGRESS) this.requestRejoin('the group is rebalancing')
      else if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.#coordinator.markUnknown()
      else if (code !== ErrorCode.NONE) this.#onMemberError(code, 'Heartbeat')
      this.#scheduleHeartbeat(this.#config.heartbeatIntervalMs)
    } catch (error) {
      if (this.#stopped()) return
      this.#logger.warn(`Heartbeat of group '${this.#config.groupId}' failed`, { cause: String(error) })
      this.#coordinator.markUnknown()
      this.#scheduleHeartbeat(this.#config.retryBackoffMs)
    }
  }

  /** A request of this member was refused: fenced (fatal), or out of the generation (lost). */
  #onMemberError(code: number, api: string): void {
    const why = `${api} answered ${new KafkaApiError(code).errorName}`
    if (code === ErrorCode.FENCED_INSTANCE_ID) {
      this.#setFatal(new KafkaApiError(code, `${why}: another consumer uses groupInstanceId '${this.#config.groupInstanceId}' in group '${this.#config.groupId}'`))
      this.#wakeup()
    } else if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
      if (this.#state.is(MemberState.SYNCING, MemberState.STABLE)) this.#resetGeneration(why, code === ErrorCode.UNKNOWN_MEMBER_ID)
    } else if (code === ErrorCode.REBALANCE_IN_PROGRESS) {
      this.requestRejoin(why)
    } else {
      this.#logger.warn(`Consumer of group '${this.#config.groupId}': ${why}`)
    }
  }

  /** Out of the group: partitions lost, rejoin from scratch (a new member id when asked). */
  #resetGeneration(why: string, resetMemberId: boolean): void {
    this.#logger.warn(`Consumer '${this.#memberId}' of group '${this.#config.groupId}' is out of generation ${this.#generationId} (${why}); its partitions are lost and it rejoins`)
    this.#generationId = NO_GENERATION
    if (resetMemberId) this.#memberId = ''
    this.#leaderId = ''
    this.#assignedSnapshot = null
    this.#lost = true
    this.#rejoinNeeded = true
    this.#needsJoinPrepare = true
    this.#stopHeartbeats()
    if (!this.#state.is(MemberState.UNJOINED)) this.#transition(MemberState.UNJOINED)
    this.#wakeup()
  }

  #identity(): MemberIdentity {
    const inGroup = this.#state.is(MemberState.STABLE, MemberState.SYNCING, MemberState.JOINING) && this.#generationId !== NO_GENERATION
    return {
      groupId: this.#config.groupId,
      generationId: inGroup ? this.#generationId : NO_GENERATION,
      memberId: inGroup ? this.#memberId : '',
      groupInstanceId: this.#config.groupInstanceId,
    }
  }

  // ------------------------------------------------------------------------------ ending

  #transition(next: MemberState): void {
    if (this.#state.state === next && next !== MemberState.JOINING) return
    this.#state.transitionTo(next)
  }

  #stopped(): boolean {
    return this.#killed || this.#state.is(MemberState.CLOSED)
  }

  #setFatal(error: Error): Error {
    if (this.#fatal === null) {
      this.#fatal = error
      this.#stopHeartbeats()
      if (!this.#state.is(MemberState.CLOSED)) this.#state.transitionTo(MemberState.FATAL)
    }
    return this.#fatal
  }

  /** Sends LeaveGroup (dynamic members; static ones leave by session timeout, as Kafka's do) and resets. */
  async #leave(reason: string): Promise<void> {
    this.#stopHeartbeats()
    const identity = { ...this.#identity(), memberId: this.#memberId }
    const nodeId = this.#coordinator.known
    if (identity.memberId !== '' && this.#config.groupInstanceId === null && nodeId !== null) {
      try {
        const response = await this.#transport.send(LeaveGroup, leaveGroupRequest(identity, reason), { nodeId })
        const code = parseLeaveGroup(response)
        if (code !== ErrorCode.NONE) this.#logger.info(`LeaveGroup of group '${this.#config.groupId}' answered ${new KafkaApiError(code).errorName}`)
      } catch (error) {
        this.#logger.warn(`LeaveGroup of group '${this.#config.groupId}' failed`, { cause: String(error) })
      }
    }
    if (this.#state.is(MemberState.CLOSED, MemberState.FATAL)) return
    this.#generationId = NO_GENERATION
    this.#memberId = ''
    this.#leaderId = ''
    this.#lost = this.#subscriptions.assignment().length > 0
    this.#rejoinNeeded = true
    this.#needsJoinPrepare = true
    if (!this.#state.is(MemberState.UNJOINED)) this.#transition(MemberState.UNJOINED)
    this.#wakeup()
  }

  /**
   * Leaves the group: commits positions (auto-commit), revokes the partitions, sends LeaveGroup.
   * A join in progress is abandoned (LeaveGroup answers it).
   */
  async close(): Promise<void> {
    if (this.#state.is(MemberState.CLOSED) || this.#killed) return
    const owned = this.#subscriptions.assignment()
    if (!this.#fatal && !this.#lost && this.#generationId !== NO_GENERATION) {
      // Still in its generation (stable, or a rebalance under way): commit, then revoke.
      await this.#revoke(owned)
    } else if (owned.length > 0) {
      this.#subscriptions.removePartitions(owned)
      await this.#callbacks.lost(owned)
    }
    const leaving = this.#leave('the consumer is closing')
    this.#state.transitionTo(MemberState.CLOSED)
    await leaving
    this.#stopHeartbeats()
    const joining = this.#joining
    if (joining) {
      // LeaveGroup answers a held JoinGroup; do not wait longer than a request for it anyway.
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#config.requestTimeoutMs)
      })
      await Promise.race([joining.catch(() => undefined), timeout])
      clearTimeout(timer)
    }
  }

  /** Stops at once without leaving, committing or calling listeners (a crashed process, for tests). */
  kill(): void {
    this.#killed = true
    this.#stopHeartbeats()
  }
}
