import { describe, expect, it, vi } from 'vitest'
import type { GroupCoordinator } from '../../../../core/broker/group/group-coordinator.ts'
import type { OffsetCommitRequestPartition } from '../../../../core/broker/group/group-messages.ts'
import { OFFSETS_TOPIC } from '../../../../core/broker/group/offset-store.ts'
import { decodeOffsetsTopicKey } from '../../../../core/broker/group/offsets-topic-records.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { decodeRecordBatches } from '../../../../core/protocol/record-batch.ts'
import { LogCleaner } from '../../../../core/storage/log-cleaner.ts'
import type { PartitionLog } from '../../../../core/storage/partition-log.ts'
import { tempDir } from '../../../helpers/temp-dir.ts'
import { heartbeat, join, joinNew, openBroker, stableGroup, sync } from './helpers.ts'

const T0 = 1_700_000_000_000
const RETENTION_MS = 60_000

function commit(
  coordinator: GroupCoordinator,
  partitions: Record<string, readonly Partial<OffsetCommitRequestPartition>[]>,
  member: { groupId?: string; generation?: number; memberId?: string; groupInstanceId?: string | null } = {},
) {
  return coordinator.commitOffsets({
    groupId: member.groupId ?? 'g',
    generationIdOrMemberEpoch: member.generation ?? -1,
    memberId: member.memberId ?? '',
    groupInstanceId: member.groupInstanceId ?? null,
    topics: Object.entries(partitions).map(([name, ps]) => ({
      name,
      partitions: ps.map((p) => ({
        partitionIndex: p.partitionIndex ?? 0,
        committedOffset: p.committedOffset ?? 0,
        committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
        committedMetadata: p.committedMetadata === undefined ? '' : p.committedMetadata,
      })),
    })),
  })
}

/** Error codes of a commit response, flattened in request order. */
async function codes(response: ReturnType<typeof commit>): Promise<number[]> {
  return (await response).topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
}

async function committed(coordinator: GroupCoordinator, groupId = 'g'): Promise<Record<string, [number, number, string]>> {
  const fetched = await coordinator.fetchOffsets(groupId, null)
  expect(fetched.errorCode).toBe(ErrorCode.NONE)
  const out: Record<string, [number, number, string]> = {}
  for (const t of fetched.topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = [p.committedOffset, p.committedLeaderEpoch, p.metadata]
  return out
}

/** Every record key of a log, decoded, in offset order. */
async function keysOf(log: PartitionLog): Promise<string[]> {
  const out: string[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const batches = await decodeRecordBatches(log.read(offset, 1 << 20).records)
    for (const batch of batches) {
      for (const record of batch.records) out.push(JSON.stringify(decodeOffsetsTopicKey(record.key!)) + (record.value === null ? ' (tombstone)' : ''))
      offset = batch.lastOffset + 1
    }
  }
  return out
}

describe('GroupCoordinator: committing and fetching offsets', () => {
  it('round-trips offsets, leader epochs and metadata, durably', async () => {
    const { coordinator, manager } = await openBroker(tempDir())
    const response = await commit(coordinator, {
      orders: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: 'checkpoint-7' }, { partitionIndex: 2, committedOffset: 9, committedMetadata: null }],
      payments: [{ partitionIndex: 1, committedOffset: 0 }],
    })
    expect(response).toEqual({
      throttleTimeMs: 0,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 0 }] },
        { name: 'payments', partitions: [{ partitionIndex: 1, errorCode: 0 }] },
      ],
    })
    const log = manager.log(OFFSETS_TOPIC, coordinator.partitionFor('g'))!
    expect(log.recoveryPoint).toBe(log.logEndOffset)
    expect(await committed(coordinator)).toEqual({ 'orders-0': [42, 3, 'checkpoint-7'], 'orders-2': [9, -1, ''], 'payments-1': [0, -1, ''] })

    const some = await coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0, 1] }, { name: 'unknown', partitionIndexes: [5] }])
    expect(some).toEqual({
      groupId: 'g',
      errorCode: 0,
      topics: [
        { name: 'orders', partitions: [
          { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'checkpoint-7', errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ] },
        { name: 'unknown', partitions: [{ partitionIndex: 5, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    })
    expect((await coordinator.fetchOffsets('nobody', null)).topics).toEqual([])
    // A later commit replaces the earlier one.
    await commit(coordinator, { orders: [{ partitionIndex: 0, committedOffset: 50 }] })
    expect((await committed(coordinator))['orders-0']).toEqual([50, -1, ''])
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION and OFFSET_METADATA_TOO_LARGE per partition', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'offset.metadata.max.bytes': 8 } })
    const result = await codes(commit(coordinator, {
      orders: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '12345678' }, { partitionIndex: 1, committedMetadata: '123456789' }, { partitionIndex: 3 }],
      nope: [{ partitionIndex: 0 }],
    }))
    expect(result).toEqual([ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(await committed(coordinator)).toEqual({ 'orders-0': [1, -1, '12345678'] })
  })

  it('uses the injected topic-partition check', async () => {
    const { coordinator } = await openBroker(tempDir(), { topicPartitionExists: (topic) => topic === 'virtual' })
    expect(await codes(commit(coordinator, { virtual: [{ partitionIndex: 99 }], orders: [{ partitionIndex: 0 }] }))).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  })

  it('accepts simple commits for an unknown or Empty group only', async () => {
    const { coordinator } = await openBroker(tempDir())
    expect(await codes(commit(coordinator, { orders: [{ committedOffset: 5 }] }, { groupId: 'standalone' }))).toEqual([ErrorCode.NONE])
    expect((await coordinator.describeGroups(['standalone'])).groups[0]).toMatchObject({ groupState: 'Empty', protocolType: '', members: [] })
    expect(await codes(commit(coordinator, { orders: [{ committedOffset: 6 }] }, { groupId: 'standalone' }))).toEqual([ErrorCode.NONE])

    await stableGroup(coordinator, 1)
    expect(await codes(commit(coordinator, { orders: [{}] }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    // A group generation for a group that does not exist: a member of a lost generation.
    expect(await codes(commit(coordinator, { orders: [{}] }, { groupId: 'gone', generation: 3, memberId: 'm' }))).toEqual([ErrorCode.ILLEGAL_GENERATION])
    expect((await coordinator.describeGroups(['gone'])).groups[0].groupState).toBe('Dead')
  })

  it('checks the member and generation of group commits, state by state', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a' })
    const b = await joinNew(coordinator, { clientId: 'b' })
    await Promise.all([a.joined, b.joined])
    // CompletingRebalance: the member must wait for its assignment.
    expect(await codes(commit(coordinator, { orders: [{}] }, { generation: 1, memberId: a.memberId }))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS])
    await Promise.all([sync(coordinator, a.memberId, 1, { [a.memberId]: 'x', [b.memberId]: 'y' }), sync(coordinator, b.memberId, 1)])
    // Stable.
    expect(await codes(commit(coordinator, { orders: [{ committedOffset: 1 }] }, { generation: 1, memberId: a.memberId }))).toEqual([ErrorCode.NONE])
    expect(await codes(commit(coordinator, { orders: [{}] }, { generation: 2, memberId: a.memberId }))).toEqual([ErrorCode.ILLEGAL_GENERATION])
    expect(await codes(commit(coordinator, { orders: [{}] }, { generation: 1, memberId: 'ghost' }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    // PreparingRebalance: still allowed (the heartbeat tells the member to rejoin).
    await joinNew(coordinator, { clientId: 'c' })
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('PreparingRebalance')
    expect(await codes(commit(coordinator, { orders: [{ committedOffset: 2 }] }, { generation: 1, memberId: b.memberId }))).toEqual([ErrorCode.NONE])
    expect((await committed(coordinator))['orders-0']).toEqual([2, -1, ''])
  })

  it('fences commits of a replaced static member', async () => {
    const { coordinator } = await openBroker(tempDir())
    const first = await join(coordinator, { groupInstanceId: 'i', clientId: 'a' })
    await sync(coordinator, first.memberId, 1, { [first.memberId]: 'x' }, { groupInstanceId: 'i' })
    const second = await join(coordinator, { groupInstanceId: 'i', clientId: 'a' })
    expect(await codes(commit(coordinator, { orders: [{}] }, { generation: 1, memberId: first.memberId, groupInstanceId: 'i' }))).toEqual([ErrorCode.FENCED_INSTANCE_ID])
    expect(await codes(commit(coordinator, { orders: [{}] }, { generation: 1, memberId: second.memberId, groupInstanceId: 'i' }))).toEqual([ErrorCode.NONE])
  })
})

describe('GroupCoordinator: restart', () => {
  it('restores committed offsets, generations, members and assignments', async () => {
    const dir = tempDir()
    const first = await openBroker(dir)
    const { memberIds: [a, b] } = await stableGroup(first.coordinator, 2)
    // The leader rejoining forces generation 2.
    const [ja] = await Promise.all([join(first.coordinator, { memberId: a, clientId: 'c0' }), join(first.coordinator, { memberId: b, clientId: 'c1' })])
    expect(ja.generationId).toBe(2)
    await Promise.all([sync(first.coordinator, a, 2, { [a]: 'two-a', [b]: 'two-b' }), sync(first.coordinator, b, 2)])
    await commit(first.coordinator, { orders: [{ partitionIndex: 1, committedOffset: 77, committedLeaderEpoch: 4, committedMetadata: 'm' }] }, { generation: 2, memberId: a })
    await commit(first.coordinator, { payments: [{ committedOffset: 3 }] }, { groupId: 'standalone' })
    await first.close()

    const second = await openBroker(dir)
    const { coordinator } = second
    expect(await committed(coordinator)).toEqual({ 'orders-1': [77, 4, 'm'] })
    expect(await committed(coordinator, 'standalone')).toEqual({ 'payments-0': [3, -1, ''] })
    const [g, standalone] = (await coordinator.describeGroups(['g', 'standalone'])).groups
    expect(g).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' })
    expect(g.members.map((m) => [m.memberId, m.memberAssignment.toString(), m.memberMetadata.toString()])).toEqual([[a, 'two-a', 'range-meta'], [b, 'two-b', 'range-meta']])
    expect(standalone).toMatchObject({ groupState: 'Empty', protocolType: '' })
    expect(await heartbeat(coordinator, a, 2)).toBe(ErrorCode.NONE)
    expect(await heartbeat(coordinator, a, 1)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await sync(coordinator, b, 2)).assignment.toString()).toBe('two-b')
    // The restored leader rejoining starts generation 3.
    const [ra] = await Promise.all([join(coordinator, { memberId: a, clientId: 'c0' }), join(coordinator, { memberId: b, clientId: 'c1' })])
    expect(ra).toMatchObject({ generationId: 3, leader: a })
  })

  it('expires restored members that do not come back, leaving the group Empty', async () => {
    const dir = tempDir()
    const first = await openBroker(dir)
    await stableGroup(first.coordinator, 2, { sessionTimeoutMs: 100 })
    await first.close()
    const { coordinator } = await openBroker(dir)
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Stable')
    await vi.waitFor(async () => expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Empty'), { timeout: 3000, interval: 20 })
  })
})

describe('GroupCoordinator: offsets expiry', () => {
  it('expires the offsets of a group Empty for offsets.retention.minutes, then the group', async () => {
    const dir = tempDir()
    let now = T0
    const clock = () => now
    const first = await openBroker(dir, { clock, config: { 'offsets.retention.minutes': 1 } })
    const { coordinator } = first
    const { memberIds: [a] } = await stableGroup(coordinator, 1)
    await commit(coordinator, { orders: [{ partitionIndex: 0, committedOffset: 10 }, { partitionIndex: 1, committedOffset: 11 }] }, { generation: 1, memberId: a })
    now = T0 + 5_000
    await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a }] })
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Empty')

    expect(await coordinator.expireOffsets(T0 + 5_000 + RETENTION_MS - 1)).toBe(0)
    expect(Object.keys(await committed(coordinator))).toHaveLength(2)
    expect(await coordinator.expireOffsets(T0 + 5_000 + RETENTION_MS)).toBe(2)
    expect(await committed(coordinator)).toEqual({})
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Dead')
    expect((await coordinator.listGroups()).groups).toEqual([])
    await first.close()

    const { coordinator: reopened, manager } = await openBroker(dir, { clock })
    expect(await committed(reopened)).toEqual({})
    expect((await reopened.describeGroups(['g'])).groups[0].groupState).toBe('Dead')
    const keys = await keysOf(manager.log(OFFSETS_TOPIC, reopened.partitionFor('g'))!)
    expect(keys.filter((k) => k.endsWith('(tombstone)'))).toEqual([
      '{"type":"offset","groupId":"g","topic":"orders","partition":0} (tombstone)',
      '{"type":"offset","groupId":"g","topic":"orders","partition":1} (tombstone)',
      '{"type":"group","groupId":"g"} (tombstone)',
    ])
  })

  it('expires each simple commit by its own commit timestamp', async () => {
    let now = T0
    const { coordinator } = await openBroker(tempDir(), { clock: () => now, config: { 'offsets.retention.minutes': 1 } })
    await commit(coordinator, { orders: [{ partitionIndex: 0, committedOffset: 1 }] })
    now = T0 + 30_000
    await commit(coordinator, { orders: [{ partitionIndex: 1, committedOffset: 2 }] })
    expect(await coordinator.expireOffsets(T0 + RETENTION_MS)).toBe(1)
    expect(await committed(coordinator)).toEqual({ 'orders-1': [2, -1, ''] })
    expect(await coordinator.expireOffsets(T0 + 30_000 + RETENTION_MS)).toBe(1)
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Dead')
  })

  it('keeps the offsets of active groups', async () => {
    const { coordinator } = await openBroker(tempDir(), { clock: () => T0, config: { 'offsets.retention.minutes': 1 } })
    const { memberIds: [a] } = await stableGroup(coordinator, 1)
    await commit(coordinator, { orders: [{ committedOffset: 10 }] }, { generation: 1, memberId: a })
    expect(await coordinator.expireOffsets(T0 + 100 * RETENTION_MS)).toBe(0)
    expect(await committed(coordinator)).toEqual({ 'orders-0': [10, -1, ''] })
  })
})

describe('GroupCoordinator: deleting groups', () => {
  it('deletes only Empty groups, with tombstones that survive a restart', async () => {
    const dir = tempDir()
    const first = await openBroker(dir)
    await stableGroup(first.coordinator, 1, { groupId: 'active' })
    await commit(first.coordinator, { orders: [{ committedOffset: 4 }], payments: [{ committedOffset: 8 }] }, { groupId: 'idle' })
    const result = await first.coordinator.deleteGroups(['idle', 'active', 'missing'])
    expect(result).toEqual({
      throttleTimeMs: 0,
      results: [
        { groupId: 'idle', errorCode: ErrorCode.NONE },
        { groupId: 'active', errorCode: ErrorCode.NON_EMPTY_GROUP },
        { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      ],
    })
    expect(await committed(first.coordinator, 'idle')).toEqual({})
    expect((await first.coordinator.deleteGroups(['idle'])).results[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    await first.close()

    const { coordinator } = await openBroker(dir)
    expect(await committed(coordinator, 'idle')).toEqual({})
    const [idle, active] = (await coordinator.describeGroups(['idle', 'active'])).groups
    expect(idle.groupState).toBe('Dead')
    expect(active.groupState).toBe('Stable')
  })
})

describe('GroupCoordinator: __consumer_offsets compaction', () => {
  it('keeps the latest commit of each partition through compaction and a restart', async () => {
    const dir = tempDir()
    const first = await openBroker(dir, { config: { 'offsets.topic.num.partitions': 1 } })
    for (let i = 0; i < 200; i++) await commit(first.coordinator, { orders: [{ partitionIndex: 0, committedOffset: i, committedMetadata: `m${i}` }] })
    await commit(first.coordinator, { orders: [{ partitionIndex: 1, committedOffset: 1000 }] })
    const log = first.manager.log(OFFSETS_TOPIC, 0)!
    expect(log.logEndOffset).toBe(201)
    log.roll()
    const result = await new LogCleaner().clean(log, { force: true })
    expect(result).toMatchObject({ completed: true, recordsRemoved: 199 })
    expect(await keysOf(log)).toEqual([
      '{"type":"offset","groupId":"g","topic":"orders","partition":0}',
      '{"type":"offset","groupId":"g","topic":"orders","partition":1}',
    ])
    await first.close()

    const { coordinator } = await openBroker(dir, { config: { 'offsets.topic.num.partitions': 1 } })
    expect(await committed(coordinator)).toEqual({ 'orders-0': [199, -1, 'm199'], 'orders-1': [1000, -1, ''] })
  })
})
