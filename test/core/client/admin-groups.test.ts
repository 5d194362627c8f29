import { describe, expect, it, vi } from 'vitest'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'
import type { Creek } from '../../../core/creek.ts'
import { JoinGroup } from '../../../core/protocol/apis/join-group.ts'
import { LeaveGroup } from '../../../core/protocol/apis/leave-group.ts'
import { SyncGroup } from '../../../core/protocol/apis/sync-group.ts'
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../../core/protocol/consumer-protocol.ts'
import { ErrorCode, KafkaApiError } from '../../../core/protocol/error-codes.ts'
import { commit, openCreek, produce } from './admin-helpers.ts'

/** A consumer-group member made by hand (JoinGroup + SyncGroup), owning every partition given. */
async function joinMember(creek: Creek, groupId: string, topic: string, partitions: number[]): Promise<{ memberId: string; leave(): Promise<void> }> {
  const transport = new InProcessTransport(creek.broker, { clientId: 'hand-made-consumer' })
  const join = (memberId: string) => transport.send(JoinGroup, {
    groupId,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 30_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeConsumerSubscription({ topics: [topic] }) }],
    reason: null,
  })
  let joined = await join('')
  if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) joined = await join(joined.memberId)
  expect(joined.errorCode).toBe(ErrorCode.NONE)
  const synced = await transport.send(SyncGroup, {
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic, partitions }] }) }],
  })
  expect(synced.errorCode).toBe(ErrorCode.NONE)
  return {
    memberId: joined.memberId,
    leave: async () => {
      await transport.send(LeaveGroup, { groupId, memberId: joined.memberId, members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] })
    },
  }
}

async function setUp(): Promise<Creek> {
  const creek = await openCreek()
  await creek.admin().createTopics([{ topic: 'orders', numPartitions: 2 }])
  await produce(creek, 'orders', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }, { value: 'd' }, { value: 'e' }])
  await produce(creek, 'orders', 1, [{ value: 'f' }, { value: 'g' }])
  return creek
}

describe('Admin: groups', () => {
  it('lists a committed group and its offsets with lag', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    await commit(creek, 'billing', 'orders', { 0: 3 })
    expect(await admin.listGroups()).toEqual([{ groupId: 'billing', protocolType: '', state: 'Empty' }])

    expect(await admin.listGroupOffsets('billing')).toEqual([
      { topic: 'orders', partition: 0, committedOffset: 3, metadata: 'test', logEndOffset: 5, lag: 2 },
    ])
    expect(await admin.listGroupOffsets('billing', { topics: ['orders'] })).toEqual([
      { topic: 'orders', partition: 0, committedOffset: 3, metadata: 'test', logEndOffset: 5, lag: 2 },
      { topic: 'orders', partition: 1, committedOffset: -1, metadata: null, logEndOffset: 2, lag: undefined },
    ])
  })

  it('describes members with decoded subscriptions and assignments', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    const member = await joinMember(creek, 'live', 'orders', [1, 0])
    const [group] = await admin.describeGroups(['live'])
    expect(group).toMatchObject({ groupId: 'live', state: 'Stable', protocolType: 'consumer', protocol: 'range' })
    expect(group.members).toEqual([{
      memberId: member.memberId,
      groupInstanceId: null,
      clientId: 'hand-made-consumer',
      clientHost: 'in-process',
      subscription: ['orders'],
      assignment: [{ topic: 'orders', partitions: [0, 1] }],
    }])
    const [unknown] = await admin.describeGroups(['nobody'])
    expect(unknown).toMatchObject({ groupId: 'nobody', state: 'Dead', members: [] })
    await member.leave()
  })

  it('resets offsets of an inactive group to every kind of target, dry run first', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    await commit(creek, 'g', 'orders', { 0: 3, 1: 1 })

    const dry = await admin.resetGroupOffsets('g', 'orders', { to: 'earliest', dryRun: true })
    expect(dry).toEqual([
      { topic: 'orders', partition: 0, previousOffset: 3, newOffset: 0 },
      { topic: 'orders', partition: 1, previousOffset: 1, newOffset: 0 },
    ])
    expect((await admin.listGroupOffsets('g')).map((o) => o.committedOffset)).toEqual([3, 1])

    await admin.resetGroupOffsets('g', 'orders', { to: 'latest' })
    expect((await admin.listGroupOffsets('g')).map((o) => [o.committedOffset, o.lag])).toEqual([[5, 0], [2, 0]])

    const shifted = await admin.resetGroupOffsets('g', 'orders', { to: { shiftBy: -3 } })
    expect(shifted.map((r) => r.newOffset)).toEqual([2, 0])

    const clamped = await admin.resetGroupOffsets('g', 'orders', { to: { offset: 4 }, partitions: [0, 1] })
    expect(clamped.map((r) => r.newOffset)).toEqual([4, 2])

    const byTime = await admin.resetGroupOffsets('g', 'orders', { to: { timestamp: 0 } })
    expect(byTime.map((r) => r.newOffset)).toEqual([0, 0])
    const future = await admin.resetGroupOffsets('g', 'orders', { to: { timestamp: Date.now() + 3_600_000 }, partitions: [1] })
    expect(future).toEqual([{ topic: 'orders', partition: 1, previousOffset: 0, newOffset: 2 }])
  })

  it('resets a group that never committed (Dead) but cannot shift it', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    expect((await admin.resetGroupOffsets('fresh', 'orders', { to: { offset: 1 } })).map((r) => r.newOffset)).toEqual([1, 1])
    await expect(admin.resetGroupOffsets('fresh2', 'orders', { to: { shiftBy: 1 } })).rejects.toThrow(/no committed offset/)
    await expect(admin.resetGroupOffsets('fresh2', 'orders', { to: 'earliest', partitions: [7] })).rejects.toThrow(/orders-7/)
  })

  it('refuses to reset or delete a group with members, naming its state', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    const member = await joinMember(creek, 'busy', 'orders', [0, 1])
    const error = await admin.resetGroupOffsets('busy', 'orders', { to: 'earliest' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KafkaApiError)
    expect((error as KafkaApiError).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect((error as Error).message).toMatch(/group 'busy'.*Stable with 1 member/)
    await expect(admin.deleteGroups(['busy'])).rejects.toMatchObject({ errorCode: ErrorCode.NON_EMPTY_GROUP })

    await member.leave()
    await admin.resetGroupOffsets('busy', 'orders', { to: 'earliest' })
    await admin.deleteGroups(['busy'])
    expect(await admin.listGroups()).toEqual([])
    await expect(admin.deleteGroups(['busy'])).rejects.toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND })
  })

  it('sees a running consumer as a member, its commits as lag, and resets after it left', async () => {
    const creek = await setUp()
    const admin = creek.admin()
    const consumer = creek.consumer({ groupId: 'real', autoOffsetReset: 'earliest', enableAutoCommit: false })
    await consumer.subscribe({ topics: ['orders'] })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
    await vi.waitFor(async () => {
      expect(seen).toHaveLength(7)
      await consumer.commit()
      expect((await admin.listGroupOffsets('real')).map((o) => o.lag)).toEqual([0, 0])
    })
    const [group] = await admin.describeGroups(['real'])
    expect(group).toMatchObject({ state: 'Stable', protocolType: 'consumer' })
    expect(group.members).toHaveLength(1)
    expect(group.members[0]).toMatchObject({ clientId: 'creek-consumer-1', subscription: ['orders'], assignment: [{ topic: 'orders', partitions: [0, 1] }] })
    await expect(admin.resetGroupOffsets('real', 'orders', { to: 'earliest' })).rejects.toMatchObject({ errorCode: ErrorCode.NON_EMPTY_GROUP })

    await consumer.close()
    await admin.resetGroupOffsets('real', 'orders', { to: 'earliest' })
    expect((await admin.listGroupOffsets('real')).map((o) => [o.partition, o.committedOffset, o.lag])).toEqual([[0, 0, 5], [1, 0, 2]])
  })
})
