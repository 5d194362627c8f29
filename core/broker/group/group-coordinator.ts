/**
 * Kafka's classic group coordinator for Creek's broker, independent of sockets and wire codecs:
 * every method takes and returns plain objects whose fields are the Kafka message fields (see
 * `group-messages.ts`), and reports failures as error codes in them, never as rejections.
 *
 * One coordinator owns every group (Creek is a single broker): FindCoordinator answers this
 * broker for all of them. Group metadata and committed offsets live in the compacted topic
 * `__consumer_offsets` of the given LogManager (see `offset-store.ts`).
 *
 * Start: `open` creates `__consumer_offsets` if needed and replays it. A group restored with
 * members is Stable in its stored generation, with fresh session timers (members that do not
 * come back expire and the group rebalances); one without members is Empty.
 *
 * Close: every timer is cleared, held JoinGroup/SyncGroup responses are answered
 * COORDINATOR_NOT_AVAILABLE, later calls get the same, and `close` resolves once writes in
 * flight have settled, so the LogManager can be closed right after. The LogManager is not closed.
 *
 * Concurrency: one thread. Each request's checks and state changes run without interruption;
 * the only waits are fsyncs of `__consumer_offsets`, after which a response re-checks the
 * group's state and generation before acting on it (Kafka's per-group lock and callbacks).
 */
import type { Logger } from '../../logger.ts'
import { silentLogger } from '../../logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { LogManager } from '../../storage/log-manager.ts'
import { ClassicGroup } from './classic-group.ts'
import { type GroupCoordinatorConfig, type GroupCoordinatorConfigOverrides, resolveGroupCoordinatorConfig } from './group-coordinator-config.ts'
import type { GroupContext } from './group-context.ts'
import { GroupMember } from './group-member.ts'
import { GroupMembership } from './group-membership.ts'
import type {
  DescribeGroupsResponse,
  DeleteGroupsResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupOptions,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequestTopic,
  OffsetFetchResponseGroup,
  SyncGroupRequest,
  SyncGroupResponse,
} from './group-messages.ts'
import { GroupOffsets, type TopicPartitionExists } from './group-offsets.ts'
import { GroupRebalancer } from './group-rebalancer.ts'
import { GroupState, parseGroupState } from './group-state.ts'
import { GroupTimers } from './group-timers.ts'
import { type LoadedGroup, OffsetStore } from './offset-store.ts'

export interface GroupCoordinatorOptions {
  readonly logManager: LogManager
  /** Overrides by Kafka key (`group.min.session.timeout.ms`) or field name. */
  readonly config?: GroupCoordinatorConfigOverrides
  /** Whether a topic partition exists, for OffsetCommit; default: the LogManager has its log. */
  readonly topicPartitionExists?: TopicPartitionExists
  /** Wall clock in ms (state timestamps, commit timestamps, expiry). */
  readonly clock?: () => number
  readonly logger?: Logger
  /** Run the offsets-expiry timer every `offsets.retention.check.interval.ms` (default true). */
  readonly background?: boolean
}

const INT32_MIN = -(2 ** 31)

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig
  readonly #ctx: GroupContext & { closed: boolean }
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #membership: GroupMembership
  readonly #offsets: GroupOffsets
  readonly #rebalancer: GroupRebalancer
  #expiryTimer: NodeJS.Timeout | undefined
  #closing: Promise<void> | undefined

  private constructor(options: GroupCoordinatorOptions, config: GroupCoordinatorConfig, store: OffsetStore) {
    this.config = config
    const logger = options.logger ?? silentLogger
    const inFlight = this.#inFlight
    this.#ctx = {
      config,
      clock: options.clock ?? (() => Date.now()),
      logger,
      timers: new GroupTimers(logger),
      store,
      groups: new Map(),
      closed: false,
      track(write: Promise<unknown>): void {
        const settled = write.then(() => undefined, () => undefined)
        inFlight.add(settled)
        void settled.then(() => inFlight.delete(settled))
      },
    }
    this.#rebalancer = new GroupRebalancer(this.#ctx)
    this.#membership = new GroupMembership(this.#ctx, this.#rebalancer)
    const manager = options.logManager
    const exists = options.topicPartitionExists ?? ((topic: string, partition: number) => manager.log(topic, partition) !== undefined)
    this.#offsets = new GroupOffsets(this.#ctx, this.#rebalancer, exists)
  }

  /** Creates `__consumer_offsets` if missing, restores every group from it, and starts the expiry timer. */
  static async open(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const config = resolveGroupCoordinatorConfig(options.config)
    const logger = options.logger ?? silentLogger
    const store = await OffsetStore.open(options.logManager, config, logger)
    const loaded = await store.load()
    const coordinator = new GroupCoordinator(options, config, store)
    for (const group of loaded.values()) coordinator.#restore(group)
    logger.info(`Group coordinator loaded ${coordinator.#ctx.groups.size} groups from ${store.partitionCount} partitions`)
    if (options.background !== false) {
      coordinator.#expiryTimer = setInterval(() => {
        coordinator.expireOffsets().catch((error: unknown) => logger.error('Offsets expiry failed', { cause: String(error) }))
      }, config.offsetsRetentionCheckIntervalMs)
      coordinator.#expiryTimer.unref()
    }
    return coordinator
  }

  #restore(loaded: LoadedGroup): void {
    const meta = loaded.metadata
    const active = meta !== undefined && meta.members.length > 0 && meta.protocol !== null
    const stateTimestamp = meta && meta.currentStateTimestamp >= 0 ? meta.currentStateTimestamp : null
    const group = new ClassicGroup(loaded.groupId, active ? GroupState.STABLE : GroupState.EMPTY, stateTimestamp)
    if (meta) {
      group.generationId = meta.generation
      group.protocolType = meta.protocolType === '' ? null : meta.protocolType
    }
    if (active) {
      group.protocolName = meta.protocol
      for (const m of meta.members) {
        group.add(new GroupMember({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeout,
          sessionTimeoutMs: m.sessionTimeout,
          protocolType: meta.protocolType,
          protocols: [{ name: meta.protocol!, metadata: m.subscription }],
          assignment: m.assignment,
        }))
      }
      if (meta.leader !== null && group.has(meta.leader)) group.leaderId = meta.leader
      for (const member of group.members.values()) this.#rebalancer.scheduleSession(group, member)
    }
    for (const [topic, partitions] of loaded.offsets) {
      for (const [partition, value] of partitions) {
        group.setOffset(topic, partition, {
          committedOffset: value.offset,
          committedLeaderEpoch: value.leaderEpoch,
          metadata: value.metadata,
          commitTimestamp: value.commitTimestamp,
          ...(value.expireTimestamp === undefined ? {} : { expireTimestamp: value.expireTimestamp }),
        })
      }
    }
    this.#ctx.groups.set(group.groupId, group)
  }

  /** The `__consumer_offsets` partition that holds `groupId`. */
  partitionFor(groupId: string): number {
    return this.#ctx.store.partitionFor(groupId)
  }

  /** JoinGroup; resolves when the member's join is complete (possibly after a whole rebalance). */
  joinGroup(req: JoinGroupRequest, options: JoinGroupOptions): Promise<JoinGroupResponse> {
    return this.#membership.joinGroup(req, options)
  }

  /** SyncGroup; a follower's resolves once the leader's assignment is stored. */
  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.#membership.syncGroup(req)
  }

  heartbeat(req: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.#membership.heartbeat(req)
  }

  /** LeaveGroup in the v3+ shape (`members`), or v0–2 (`memberId`). */
  leaveGroup(req: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    return this.#membership.leaveGroup(req)
  }

  /** OffsetCommit; resolves once the accepted offsets are durable in `__consumer_offsets`. */
  commitOffsets(req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    return this.#offsets.commitOffsets(req)
  }

  /** OffsetFetch of one group; `topics` null returns every committed offset. */
  fetchOffsets(groupId: string, topics: readonly OffsetFetchRequestTopic[] | null): Promise<OffsetFetchResponseGroup> {
    return this.#offsets.fetchOffsets(groupId, topics)
  }

  /** Expires offsets as the periodic check does; resolves the number of offsets expired. */
  expireOffsets(now: number = this.#ctx.clock()): Promise<number> {
    return this.#offsets.expireOffsets(now)
  }

  /** A deleted topic's committed offsets leave every group (see GroupOffsets.deleteTopicOffsets). */
  deleteTopicOffsets(topic: string): Promise<number> {
    return this.#offsets.deleteTopicOffsets(topic)
  }

  /** DeleteGroups: only Empty groups; their offsets and metadata get tombstones. */
  deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupsResponse> {
    return this.#offsets.deleteGroups(groupIds)
  }

  /** DescribeGroups; an unknown group is reported Dead with no error, as Kafka does. */
  describeGroups(groupIds: readonly string[]): Promise<DescribeGroupsResponse> {
    const groups = groupIds.map((groupId) => {
      const errorCode = this.#ctx.closed ? ErrorCode.COORDINATOR_NOT_AVAILABLE : typeof groupId !== 'string' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE
      const group = errorCode === ErrorCode.NONE ? this.#ctx.groups.get(groupId) : undefined
      if (group) return group.describe()
      return { errorCode, groupId, groupState: GroupState.DEAD, protocolType: '', protocolData: '', members: [], authorizedOperations: INT32_MIN }
    })
    return Promise.resolve({ throttleTimeMs: 0, groups })
  }

  /**
   * ListGroups: every live group, optionally only those in `statesFilter` (state names, any
   * case) and of `typesFilter` (all groups here are "classic").
   */
  listGroups(statesFilter: readonly string[] = [], typesFilter: readonly string[] = []): Promise<ListGroupsResponse> {
    if (this.#ctx.closed) return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] })
    const states = new Set(statesFilter.map(parseGroupState))
    const typeOk = typesFilter.length === 0 || typesFilter.some((t) => t.toLowerCase() === 'classic')
    const groups = typeOk
      ? [...this.#ctx.groups.values()]
          .filter((g) => !g.is(GroupState.DEAD) && (statesFilter.length === 0 || states.has(g.state)))
          .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' }))
      : []
    return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups })
  }

  get isClosed(): boolean {
    return this.#ctx.closed
  }

  /** Clears every timer, answers held requests COORDINATOR_NOT_AVAILABLE, and waits for writes in flight. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#ctx.closed = true
    if (this.#expiryTimer) clearInterval(this.#expiryTimer)
    this.#ctx.timers.close()
    this.#membership.abandonPending()
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }
}
