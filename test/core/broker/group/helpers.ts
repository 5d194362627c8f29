/**
 * Shared set-up for the group coordinator tests: a LogManager and GroupCoordinator on a
 * temporary directory (closed after each test), and members that join the KIP-394 way.
 */
import { afterEach, expect } from 'vitest'
import { GroupCoordinator, type GroupCoordinatorOptions } from '../../../../core/broker/group/group-coordinator.ts'
import type { GroupProtocol, JoinGroupResponse, SyncGroupResponse } from '../../../../core/broker/group/group-messages.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { LogManager } from '../../../../core/storage/log-manager.ts'

/** Fast settings: no initial delay, short sessions allowed, 3 offsets partitions. */
export const TEST_CONFIG = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 10,
  'offsets.topic.num.partitions': 3,
} as const

const open: { coordinator: GroupCoordinator; manager: LogManager }[] = []
afterEach(async () => {
  for (const { coordinator, manager } of open.splice(0).reverse()) {
    await coordinator.close()
    await manager.close()
  }
})

export interface Broker {
  readonly manager: LogManager
  readonly coordinator: GroupCoordinator
  /** Closes the coordinator, then the log manager. */
  close(): Promise<void>
}

/** Opens a LogManager (with `topics` created if missing) and a coordinator on `dataDir`. */
export async function openBroker(
  dataDir: string,
  options: Partial<Omit<GroupCoordinatorOptions, 'logManager'>> & { topics?: Record<string, number> } = {},
): Promise<Broker> {
  const manager = await LogManager.open({ dataDir, background: false })
  for (const [topic, partitions] of Object.entries(options.topics ?? { orders: 3, payments: 2 })) {
    if (!manager.topic(topic)) await manager.createTopic(topic, { partitions })
  }
  const coordinator = await GroupCoordinator.open({ ...options, config: { ...TEST_CONFIG, ...options.config }, logManager: manager })
  const entry = { coordinator, manager }
  open.push(entry)
  return {
    manager,
    coordinator,
    async close() {
      open.splice(open.indexOf(entry), 1)
      await coordinator.close()
      await manager.close()
    },
  }
}

export const range = (metadata = 'range-meta'): GroupProtocol => ({ name: 'range', metadata: Buffer.from(metadata) })
export const roundRobin = (metadata = 'rr-meta'): GroupProtocol => ({ name: 'roundrobin', metadata: Buffer.from(metadata) })

export interface JoinSpec {
  readonly groupId?: string
  readonly clientId?: string
  readonly protocols?: readonly GroupProtocol[]
  readonly protocolType?: string
  readonly sessionTimeoutMs?: number
  readonly rebalanceTimeoutMs?: number
  readonly groupInstanceId?: string | null
  readonly memberId?: string
  readonly supportSkippingAssignment?: boolean
}

/** One JoinGroup request (v4+ rules: unknown dynamic members get MEMBER_ID_REQUIRED). */
export function join(coordinator: GroupCoordinator, spec: JoinSpec = {}): Promise<JoinGroupResponse> {
  return coordinator.joinGroup(
    {
      groupId: spec.groupId ?? 'g',
      memberId: spec.memberId ?? '',
      groupInstanceId: spec.groupInstanceId ?? null,
      sessionTimeoutMs: spec.sessionTimeoutMs ?? 30_000,
      rebalanceTimeoutMs: spec.rebalanceTimeoutMs ?? 60_000,
      protocolType: spec.protocolType ?? 'consumer',
      protocols: spec.protocols ?? [range()],
    },
    { requireKnownMemberId: true, clientId: spec.clientId ?? 'client', clientHost: '/127.0.0.1', supportSkippingAssignment: spec.supportSkippingAssignment },
  )
}

/**
 * A new dynamic member: the MEMBER_ID_REQUIRED round trip, then the real join, which is held
 * until the rebalance completes (so the promise is returned, not awaited).
 */
export async function joinNew(coordinator: GroupCoordinator, spec: JoinSpec = {}): Promise<{ memberId: string; joined: Promise<JoinGroupResponse> }> {
  const first = await join(coordinator, { ...spec, memberId: '' })
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
  expect(first.memberId).toMatch(new RegExp(`^${spec.clientId ?? 'client'}-[0-9a-f-]{36}$`))
  return { memberId: first.memberId, joined: join(coordinator, { ...spec, memberId: first.memberId }) }
}

export function sync(
  coordinator: GroupCoordinator, memberId: string, generationId: number,
  assignments: Record<string, string> = {}, extra: { groupId?: string; groupInstanceId?: string | null; protocolType?: string; protocolName?: string } = {},
): Promise<SyncGroupResponse> {
  return coordinator.syncGroup({
    groupId: extra.groupId ?? 'g',
    generationId,
    memberId,
    groupInstanceId: extra.groupInstanceId ?? null,
    protocolType: extra.protocolType,
    protocolName: extra.protocolName,
    assignments: Object.entries(assignments).map(([id, assignment]) => ({ memberId: id, assignment: Buffer.from(assignment) })),
  })
}

export async function heartbeat(coordinator: GroupCoordinator, memberId: string, generationId: number, groupInstanceId: string | null = null, groupId = 'g'): Promise<number> {
  return (await coordinator.heartbeat({ groupId, memberId, generationId, groupInstanceId })).errorCode
}

/**
 * Forms a Stable group of `count` dynamic members in one rebalance, with assignment
 * `assignment-<i>` for member i; returns member ids in join order (the first is the leader).
 */
export async function stableGroup(coordinator: GroupCoordinator, count: number, spec: JoinSpec = {}): Promise<{ memberIds: string[]; generationId: number }> {
  const joins = []
  for (let i = 0; i < count; i++) joins.push(await joinNew(coordinator, { ...spec, clientId: `c${i}` }))
  const responses = await Promise.all(joins.map((j) => j.joined))
  for (const r of responses) expect(r.errorCode).toBe(ErrorCode.NONE)
  const memberIds = joins.map((j) => j.memberId)
  const generationId = responses[0].generationId
  const assignments = Object.fromEntries(memberIds.map((id, i) => [id, `assignment-${i}`]))
  const syncs = await Promise.all(memberIds.map((id, i) => sync(coordinator, id, generationId, i === 0 ? assignments : {}, { groupId: spec.groupId })))
  for (const s of syncs) expect(s.errorCode).toBe(ErrorCode.NONE)
  return { memberIds, generationId }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
