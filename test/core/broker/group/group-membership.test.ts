import { describe, expect, it, vi } from 'vitest'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { tempDir } from '../../../helpers/temp-dir.ts'
import { heartbeat, join, joinNew, openBroker, range, roundRobin, sleep, stableGroup, sync } from './helpers.ts'

describe('GroupCoordinator: joining', () => {
  it('makes new members rejoin with the id from MEMBER_ID_REQUIRED, then forms one generation', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'alpha', protocols: [range('a-meta')] })
    const b = await joinNew(coordinator, { clientId: 'beta', protocols: [range('b-meta')] })
    const c = await joinNew(coordinator, { clientId: 'gamma', protocols: [range('c-meta')] })
    const [ra, rb, rc] = await Promise.all([a.joined, b.joined, c.joined])

    for (const r of [ra, rb, rc]) {
      expect(r).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: a.memberId })
    }
    expect([ra.memberId, rb.memberId, rc.memberId]).toEqual([a.memberId, b.memberId, c.memberId])
    // Only the leader gets the members with their metadata.
    expect(ra.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([
      [a.memberId, 'a-meta'],
      [b.memberId, 'b-meta'],
      [c.memberId, 'c-meta'],
    ])
    expect(rb.members).toEqual([])
    expect(rc.members).toEqual([])
  })

  it('lets a v0–3 member join without MEMBER_ID_REQUIRED', async () => {
    const { coordinator } = await openBroker(tempDir())
    const response = await coordinator.joinGroup(
      { groupId: 'g', memberId: '', sessionTimeoutMs: 10_000, protocolType: 'consumer', protocols: [range()] },
      { requireKnownMemberId: false, clientId: 'old', clientHost: '/10.0.0.1' },
    )
    expect(response).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: response.memberId })
    expect(response.memberId.startsWith('old-')).toBe(true)
  })

  it('waits group.initial.rebalance.delay.ms for more members before the first rebalance', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'group.initial.rebalance.delay.ms': 150 } })
    const a = await joinNew(coordinator, { clientId: 'a' })
    let done = false
    void a.joined.then(() => (done = true))
    await sleep(60)
    expect(done).toBe(false)
    const b = await joinNew(coordinator, { clientId: 'b' })
    const [ra, rb] = await Promise.all([a.joined, b.joined])
    expect(ra.generationId).toBe(1)
    expect(rb.generationId).toBe(1)
    expect(ra.members).toHaveLength(2)
  })

  it('distributes the leader\'s assignment, holding followers until it arrives', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a' })
    const b = await joinNew(coordinator, { clientId: 'b' })
    const [ra] = await Promise.all([a.joined, b.joined])
    const follower = sync(coordinator, b.memberId, ra.generationId)
    let followerDone = false
    void follower.then(() => (followerDone = true))
    await sleep(10)
    expect(followerDone).toBe(false)
    const leader = await sync(coordinator, a.memberId, ra.generationId, { [a.memberId]: 'for-a', [b.memberId]: 'for-b' })
    expect(leader).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' })
    expect(leader.assignment.toString()).toBe('for-a')
    expect((await follower).assignment.toString()).toBe('for-b')

    const described = (await coordinator.describeGroups(['g'])).groups[0]
    expect(described).toMatchObject({ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' })
    expect(described.members.map((m) => [m.clientId, m.clientHost, m.memberAssignment.toString()])).toEqual([
      ['a', '/127.0.0.1', 'for-a'],
      ['b', '/127.0.0.1', 'for-b'],
    ])
    // A member syncing again in Stable gets its assignment at once.
    expect((await sync(coordinator, b.memberId, ra.generationId)).assignment.toString()).toBe('for-b')
  })

  it('gives members the leader left out an empty assignment', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a' })
    const b = await joinNew(coordinator, { clientId: 'b' })
    const [ra] = await Promise.all([a.joined, b.joined])
    const [, sb] = await Promise.all([sync(coordinator, a.memberId, 1, { [a.memberId]: 'x' }), sync(coordinator, b.memberId, 1)])
    expect(ra.generationId).toBe(1)
    expect(sb).toMatchObject({ errorCode: ErrorCode.NONE })
    expect(sb.assignment.length).toBe(0)
  })

  it('selects the protocol every member supports, by the members\' preference votes', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a', protocols: [roundRobin(), range()] })
    const b = await joinNew(coordinator, { clientId: 'b', protocols: [roundRobin(), range()] })
    const c = await joinNew(coordinator, { clientId: 'c', protocols: [range(), roundRobin()] })
    const responses = await Promise.all([a.joined, b.joined, c.joined])
    expect(responses.map((r) => r.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin'])

    const { coordinator: other } = await openBroker(tempDir())
    const d = await joinNew(other, { clientId: 'd', protocols: [roundRobin(), range()] })
    const e = await joinNew(other, { clientId: 'e', protocols: [range()] })
    const [rd] = await Promise.all([d.joined, e.joined])
    expect(rd.protocolName).toBe('range')
    expect(rd.members.map((m) => m.metadata.toString())).toEqual(['range-meta', 'range-meta'])
  })

  it('rejects a member sharing no protocol or another protocol type (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const { coordinator } = await openBroker(tempDir())
    await stableGroup(coordinator, 1)
    const kafkajs = await join(coordinator, { protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] })
    expect(kafkajs.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const connect = await join(coordinator, { protocolType: 'connect' })
    expect(connect.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const none = await join(coordinator, { groupId: 'other', protocols: [] })
    expect(none.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  })

  it('validates the session timeout, the group id and unknown member ids', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'group.min.session.timeout.ms': 6000, 'group.max.session.timeout.ms': 60_000 } })
    expect((await join(coordinator, { sessionTimeoutMs: 5999 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect((await join(coordinator, { sessionTimeoutMs: 60_001 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect((await join(coordinator, { groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    expect((await join(coordinator, { groupId: 'nobody', memberId: 'ghost' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('turns members away beyond group.max.size (GROUP_MAX_SIZE_REACHED)', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'group.max.size': 2 } })
    await stableGroup(coordinator, 2)
    // Checked before MEMBER_ID_REQUIRED, as in Kafka.
    expect((await join(coordinator, { clientId: 'third' })).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED)
    expect((await join(coordinator, { clientId: 'static', groupInstanceId: 'i' })).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED)
  })
})

describe('GroupCoordinator: rebalancing', () => {
  it('tells members of a rebalance through heartbeats and bumps the generation', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a, b], generationId } = await stableGroup(coordinator, 2)
    expect(generationId).toBe(1)
    expect(await heartbeat(coordinator, a, 1)).toBe(ErrorCode.NONE)

    const c = await joinNew(coordinator, { clientId: 'c2' })
    expect(await heartbeat(coordinator, a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(await heartbeat(coordinator, b, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect((await sync(coordinator, b, 1)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    // A member committing during PreparingRebalance still may (see the offsets tests); the
    // join completes once every known member rejoined.
    const ra = join(coordinator, { memberId: a, clientId: 'c0' })
    const rb = join(coordinator, { memberId: b, clientId: 'c1' })
    const responses = await Promise.all([ra, rb, c.joined])
    expect(responses.map((r) => r.generationId)).toEqual([2, 2, 2])
    expect(responses.map((r) => r.leader)).toEqual([a, a, a])
    expect(responses[0].members.map((m) => m.memberId)).toEqual([a, b, c.memberId])
    expect(await heartbeat(coordinator, a, 1)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await heartbeat(coordinator, a, 2)).toBe(ErrorCode.NONE)
  })

  it('rebalances when a member leaves, and the others rejoin', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a, b, c] } = await stableGroup(coordinator, 3)
    const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: b, reason: 'shutting down' }] })
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, members: [{ memberId: b, groupInstanceId: null, errorCode: ErrorCode.NONE }] })
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('PreparingRebalance')
    expect(await heartbeat(coordinator, b, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await heartbeat(coordinator, c, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [ra, rc] = await Promise.all([join(coordinator, { memberId: a, clientId: 'c0' }), join(coordinator, { memberId: c, clientId: 'c2' })])
    expect(ra).toMatchObject({ generationId: 2, leader: a })
    expect(rc).toMatchObject({ generationId: 2, leader: a, members: [] })
    expect(ra.members.map((m) => m.memberId)).toEqual([a, c])
  })

  it('elects a new leader when the leader leaves', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a, b] } = await stableGroup(coordinator, 2)
    await coordinator.leaveGroup({ groupId: 'g', memberId: a })
    const rb = await join(coordinator, { memberId: b, clientId: 'c1' })
    expect(rb).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: b })
    expect(rb.members.map((m) => m.memberId)).toEqual([b])
  })

  it('answers batch leaves per member, and a v0–2 leave with the member\'s error at the top', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a] } = await stableGroup(coordinator, 2)
    const batch = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a }, { memberId: 'ghost' }, { memberId: '', groupInstanceId: 'nobody' }] })
    expect(batch.errorCode).toBe(ErrorCode.NONE)
    expect(batch.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID])
    const legacy = await coordinator.leaveGroup({ groupId: 'g', memberId: 'ghost' })
    expect(legacy.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const unknownGroup = await coordinator.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x' }] })
    expect(unknownGroup.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a, b] } = await stableGroup(coordinator, 2, { rebalanceTimeoutMs: 150 })
    const c = await joinNew(coordinator, { clientId: 'late', rebalanceTimeoutMs: 150 })
    const ra = join(coordinator, { memberId: a, clientId: 'c0', rebalanceTimeoutMs: 150 })
    const [joinedA, joinedC] = await Promise.all([ra, c.joined])
    expect(joinedA.generationId).toBe(2)
    expect(joinedA.members.map((m) => m.memberId)).toEqual([a, c.memberId])
    expect(joinedC.generationId).toBe(2)
    expect(await heartbeat(coordinator, b, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('removes a member that stops heartbeating after its session timeout, and rebalances', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'steady', sessionTimeoutMs: 10_000 })
    const b = await joinNew(coordinator, { clientId: 'silent', sessionTimeoutMs: 150 })
    const [ra] = await Promise.all([a.joined, b.joined])
    await Promise.all([sync(coordinator, a.memberId, 1, { [a.memberId]: 'x', [b.memberId]: 'y' }), sync(coordinator, b.memberId, 1)])
    expect(ra.generationId).toBe(1)

    await vi.waitFor(async () => expect(await heartbeat(coordinator, a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS), { timeout: 3000, interval: 20 })
    expect(await heartbeat(coordinator, b.memberId, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const again = await join(coordinator, { memberId: a.memberId, clientId: 'steady', sessionTimeoutMs: 10_000 })
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: a.memberId })
    expect(again.members.map((m) => m.memberId)).toEqual([a.memberId])
  })

  it('keeps members that heartbeat within their session timeout', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a, b] } = await stableGroup(coordinator, 2, { sessionTimeoutMs: 300 })
    for (let i = 0; i < 10; i++) {
      await sleep(50)
      expect(await heartbeat(coordinator, a, 1)).toBe(ErrorCode.NONE)
      expect(await heartbeat(coordinator, b, 1)).toBe(ErrorCode.NONE)
    }
  })

  it('forgets a member told MEMBER_ID_REQUIRED that does not come back within its session timeout', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a] } = await stableGroup(coordinator, 1)
    const pending = await join(coordinator, { clientId: 'flaky', sessionTimeoutMs: 300 })
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    // The leader's rejoin starts a rebalance that waits for the pending member...
    const ra = join(coordinator, { memberId: a, clientId: 'c0' })
    let done = false
    void ra.then(() => (done = true))
    await sleep(30)
    expect(done).toBe(false)
    // ...until its session expires.
    expect(await ra).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 })
    expect((await join(coordinator, { memberId: pending.memberId, clientId: 'flaky' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('removes members that do not send SyncGroup within the rebalance timeout', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a', rebalanceTimeoutMs: 100 })
    const b = await joinNew(coordinator, { clientId: 'b', rebalanceTimeoutMs: 100 })
    await Promise.all([a.joined, b.joined])
    await sync(coordinator, a.memberId, 1, { [a.memberId]: 'x', [b.memberId]: 'y' })
    // b never syncs.
    await vi.waitFor(async () => expect(await heartbeat(coordinator, a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS), { timeout: 3000, interval: 20 })
    expect(await heartbeat(coordinator, b.memberId, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and protocol mismatches in SyncGroup and Heartbeat', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { memberIds: [a] } = await stableGroup(coordinator, 1)
    expect((await sync(coordinator, a, 7)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await sync(coordinator, 'ghost', 1)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await sync(coordinator, a, 1, {}, { groupId: 'nope' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await sync(coordinator, a, 1, {}, { protocolName: 'roundrobin' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await sync(coordinator, a, 1, {}, { protocolType: 'connect' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await sync(coordinator, a, 1, {}, { protocolType: 'consumer', protocolName: 'range' })).errorCode).toBe(ErrorCode.NONE)
    expect(await heartbeat(coordinator, a, 0)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await heartbeat(coordinator, 'ghost', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await heartbeat(coordinator, a, 1, null, 'nope')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await heartbeat(coordinator, a, 1, null, '')).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('sends the current generation again to a member rejoining unchanged during CompletingRebalance', async () => {
    const { coordinator } = await openBroker(tempDir())
    const a = await joinNew(coordinator, { clientId: 'a' })
    const b = await joinNew(coordinator, { clientId: 'b' })
    await Promise.all([a.joined, b.joined])
    const again = await join(coordinator, { memberId: b.memberId, clientId: 'b' })
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: a.memberId, members: [] })
    const leaderAgain = await join(coordinator, { memberId: a.memberId, clientId: 'a' })
    expect(leaderAgain.members).toHaveLength(2)
  })
})

describe('GroupCoordinator: static membership', () => {
  async function staticPair(coordinator: Awaited<ReturnType<typeof openBroker>>['coordinator']) {
    const ra = join(coordinator, { groupInstanceId: 'instance-a', clientId: 'a' })
    const rb = join(coordinator, { groupInstanceId: 'instance-b', clientId: 'b' })
    const [ja, jb] = await Promise.all([ra, rb])
    expect(ja).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: ja.memberId })
    await Promise.all([
      sync(coordinator, ja.memberId, 1, { [ja.memberId]: 'for-a', [jb.memberId]: 'for-b' }, { groupInstanceId: 'instance-a' }),
      sync(coordinator, jb.memberId, 1, {}, { groupInstanceId: 'instance-b' }),
    ])
    return { a: ja.memberId, b: jb.memberId }
  }

  it('lets a restarted static member take over without a rebalance and fences the old member id', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { a, b } = await staticPair(coordinator)
    const restarted = await join(coordinator, { groupInstanceId: 'instance-b', clientId: 'b' })
    expect(restarted.errorCode).toBe(ErrorCode.NONE)
    expect(restarted.memberId).not.toBe(b)
    expect(restarted).toMatchObject({ generationId: 1, leader: a, members: [], skipAssignment: false })
    expect((await coordinator.describeGroups(['g'])).groups[0].groupState).toBe('Stable')

    const synced = await sync(coordinator, restarted.memberId, 1, {}, { groupInstanceId: 'instance-b' })
    expect(synced.assignment.toString()).toBe('for-b')
    expect(await heartbeat(coordinator, b, 1, 'instance-b')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await sync(coordinator, b, 1, {}, { groupInstanceId: 'instance-b' })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(await heartbeat(coordinator, restarted.memberId, 1, 'instance-b')).toBe(ErrorCode.NONE)
    expect(await heartbeat(coordinator, a, 1, 'instance-a')).toBe(ErrorCode.NONE)
    const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: b, groupInstanceId: 'instance-b' }] })
    expect(left.members[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })

  it('tells a restarted static leader (v9+) to skip the assignment, and an older one the previous leader id', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { a, b } = await staticPair(coordinator)
    const old = await join(coordinator, { groupInstanceId: 'instance-a', clientId: 'a' })
    expect(old).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: a, members: [], skipAssignment: false })
    const v9 = await join(coordinator, { groupInstanceId: 'instance-a', clientId: 'a', supportSkippingAssignment: true })
    expect(v9).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: v9.memberId, skipAssignment: true })
    expect(v9.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([[v9.memberId, 'instance-a'], [b, 'instance-b']])
    expect((await sync(coordinator, v9.memberId, 1, {}, { groupInstanceId: 'instance-a' })).assignment.toString()).toBe('for-a')
  })

  it('accepts a restarted static member into a full group', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'group.max.size': 2 } })
    const { b } = await staticPair(coordinator)
    const restarted = await join(coordinator, { groupInstanceId: 'instance-b', clientId: 'b' })
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 })
    expect(restarted.memberId).not.toBe(b)
    expect((await join(coordinator, { groupInstanceId: 'instance-c', clientId: 'c' })).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED)
  })

  it('rebalances when a lone restarted static member switches to a protocol its old instance lacked', async () => {
    const { coordinator } = await openBroker(tempDir())
    const first = await join(coordinator, { groupInstanceId: 'i', clientId: 'a', protocols: [range()] })
    await sync(coordinator, first.memberId, 1, { [first.memberId]: 'x' }, { groupInstanceId: 'i' })
    const restarted = await join(coordinator, { groupInstanceId: 'i', clientId: 'a', protocols: [roundRobin()] })
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, protocolName: 'roundrobin' })
  })

  it('rebalances when a restarted static member changes the selected protocol', async () => {
    const { coordinator } = await openBroker(tempDir())
    const ra = join(coordinator, { groupInstanceId: 'i', clientId: 'a', protocols: [range(), roundRobin()] })
    const [ja] = await Promise.all([ra])
    await sync(coordinator, ja.memberId, 1, { [ja.memberId]: 'x' }, { groupInstanceId: 'i' })
    expect(ja.protocolName).toBe('range')
    const restarted = await join(coordinator, { groupInstanceId: 'i', clientId: 'a', protocols: [roundRobin()] })
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, protocolName: 'roundrobin' })
  })

  it('removes a static member by its instance id alone', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { a } = await staticPair(coordinator)
    const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'instance-b' }] })
    expect(left.members).toEqual([{ memberId: '', groupInstanceId: 'instance-b', errorCode: ErrorCode.NONE }])
    expect(await heartbeat(coordinator, a, 1, 'instance-a')).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })
})

describe('GroupCoordinator: admin and lifecycle', () => {
  it('lists groups with their state and protocol type, filtered by state', async () => {
    const { coordinator } = await openBroker(tempDir())
    await stableGroup(coordinator, 1)
    await stableGroup(coordinator, 1, { groupId: 'h', protocolType: 'connect' })
    const all = await coordinator.listGroups()
    expect(all.groups).toEqual([
      { groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'h', protocolType: 'connect', groupState: 'Stable', groupType: 'classic' },
    ])
    expect((await coordinator.listGroups(['stable'])).groups).toHaveLength(2)
    expect((await coordinator.listGroups(['Empty'])).groups).toEqual([])
    expect((await coordinator.listGroups([], ['consumer'])).groups).toEqual([])
  })

  it('describes an unknown group as Dead without an error', async () => {
    const { coordinator } = await openBroker(tempDir())
    const { groups } = await coordinator.describeGroups(['unknown'])
    expect(groups).toEqual([{ errorCode: 0, groupId: 'unknown', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -(2 ** 31) }])
  })

  it('answers held joins COORDINATOR_NOT_AVAILABLE on close, and every later request too', async () => {
    const { coordinator } = await openBroker(tempDir(), { config: { 'group.initial.rebalance.delay.ms': 60_000 } })
    const a = await joinNew(coordinator, { clientId: 'a' })
    await coordinator.close()
    expect((await a.joined).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect((await join(coordinator)).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(await heartbeat(coordinator, a.memberId, 1)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect((await coordinator.listGroups()).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  })
})
