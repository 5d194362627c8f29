/**
 * A whole consumer-group life through the broker's handlers, twice:
 * - at the versions kafkajs 2.2.4 uses (FindCoordinator v2, JoinGroup v5, SyncGroup v3,
 *   Heartbeat v3, OffsetCommit v5, OffsetFetch v4, DescribeGroups v2, ListGroups v2,
 *   LeaveGroup v3, DeleteGroups v1), every request built by kafkajs' encoders and every
 *   response read by its decoders;
 * - at the newest advertised versions (FindCoordinator v4, JoinGroup v9, SyncGroup v5,
 *   Heartbeat v4, OffsetCommit v8, OffsetFetch v8, DescribeGroups v5, ListGroups v4,
 *   LeaveGroup v5, DeleteGroups v2) through Creek's codecs, with a static member.
 * The leader assigns with Creek's consumer-protocol codecs in both.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { ApiVersions } from '../../../../core/protocol/apis/api-versions.ts'
import { GROUP_AUTHORIZED_OPERATIONS } from '../../../../core/broker/handlers/describe-groups.ts'
import { DeleteGroups } from '../../../../core/protocol/apis/delete-groups.ts'
import { DescribeGroups } from '../../../../core/protocol/apis/describe-groups.ts'
import { FindCoordinator } from '../../../../core/protocol/apis/find-coordinator.ts'
import { Heartbeat } from '../../../../core/protocol/apis/heartbeat.ts'
import { JoinGroup, type JoinGroupRequest } from '../../../../core/protocol/apis/join-group.ts'
import { LeaveGroup } from '../../../../core/protocol/apis/leave-group.ts'
import { ListGroups } from '../../../../core/protocol/apis/list-groups.ts'
import { OffsetCommit } from '../../../../core/protocol/apis/offset-commit.ts'
import { OffsetFetch } from '../../../../core/protocol/apis/offset-fetch.ts'
import { SyncGroup, type SyncGroupRequest } from '../../../../core/protocol/apis/sync-group.ts'
import {
  CONSUMER_PROTOCOL_TYPE, decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription,
} from '../../../../core/protocol/consumer-protocol.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { CLIENT_HOST, call, kafkajsCall, openGroupBroker } from './group-helpers.ts'

const { MemberMetadata, MemberAssignment } = createRequire(import.meta.url)('kafkajs/src/consumer/assignerProtocol')

const TOPICS = { orders: 3, payments: 2 }

/** A round-robin assignment over every partition of TOPICS, in member order, as consumer-protocol bytes. */
function assign(memberIds: string[], version = 0): Map<string, Buffer> {
  const owned = new Map(memberIds.map((id) => [id, new Map<string, number[]>()]))
  let next = 0
  for (const [topic, count] of Object.entries(TOPICS)) {
    for (let p = 0; p < count; p++) {
      const topics = owned.get(memberIds[next++ % memberIds.length])!
      topics.set(topic, [...(topics.get(topic) ?? []), p])
    }
  }
  return new Map([...owned].map(([id, topics]) => [
    id, encodeConsumerAssignment({ assignedPartitions: [...topics].map(([topic, partitions]) => ({ topic, partitions })) }, version),
  ]))
}

describe('group APIs in ApiVersions', () => {
  it('advertises all ten at the versions their descriptors name (librdkafka needs all group APIs for its consumer)', async () => {
    const broker = await openGroupBroker({})
    const { apiKeys } = await call(broker, ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    const advertised = new Map(apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect([8, 9, 10, 11, 12, 13, 14, 15, 16, 42].map((key) => [key, advertised.get(key)])).toEqual([
      [8, [2, 8]], [9, [1, 8]], [10, [0, 4]], [11, [0, 9]], [12, [0, 4]], [13, [0, 5]], [14, [0, 5]], [15, [0, 5]], [16, [0, 4]], [42, [0, 2]],
    ])
  })
})

describe('consumer group flow at kafkajs versions, with kafkajs encoders and decoders', () => {
  it('find, join (MEMBER_ID_REQUIRED), rebalance to two members, sync, heartbeat, commit, fetch, describe, list, leave, delete', async () => {
    const broker = await openGroupBroker(TOPICS)
    const groupId = 'billing'
    const found = await kafkajsCall(broker, FindCoordinator, 'findCoordinator', 2, { coordinatorKey: groupId, coordinatorType: 0 })
    expect(found).toMatchObject({ errorCode: 0, coordinator: { nodeId: broker.nodeId, host: broker.endpoint.host, port: broker.endpoint.port } })

    // Member A is a kafkajs consumer (v0 metadata); member B subscribes with Creek's v1 encoding.
    const metadataA: Buffer = MemberMetadata.encode({ version: 0, topics: ['orders', 'payments'] })
    const metadataB = encodeConsumerSubscription({ topics: ['orders', 'payments'], ownedPartitions: [] }, 1)
    const join = (memberId: string, metadata: Buffer) => kafkajsCall(broker, JoinGroup, 'joinGroup', 5, {
      groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, memberId, protocolType: CONSUMER_PROTOCOL_TYPE,
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata }],
    })
    const sync = (generationId: number, memberId: string, assignments: Map<string, Buffer>) => kafkajsCall(broker, SyncGroup, 'syncGroup', 3, {
      groupId, generationId, memberId, groupAssignment: [...assignments].map(([id, memberAssignment]) => ({ memberId: id, memberAssignment })),
    })
    const heartbeat = (generationId: number, memberId: string) =>
      kafkajsCall(broker, Heartbeat, 'heartbeat', 3, { groupId, groupGenerationId: generationId, memberId, groupInstanceId: null })

    // KIP-394: the first JoinGroup only hands out a member id.
    const firstA = await join('', metadataA)
    expect(firstA.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const memberA: string = firstA.memberId
    expect(memberA).toMatch(/^kafkajs-[0-9a-f-]{36}$/)
    const joinedA = await join(memberA, metadataA)
    expect(joinedA).toMatchObject({ errorCode: 0, generationId: 1, groupProtocol: 'RoundRobinAssigner', leaderId: memberA, memberId: memberA })
    expect(joinedA.members).toEqual([{ memberId: memberA, groupInstanceId: null, memberMetadata: metadataA }])
    expect((await sync(1, memberA, assign([memberA]))).errorCode).toBe(0)
    expect((await heartbeat(1, memberA)).errorCode).toBe(0)

    // B joins: the group rebalances; A hears of it from its heartbeat and rejoins.
    const firstB = await join('', metadataB)
    expect(firstB.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const memberB: string = firstB.memberId
    const joiningB = join(memberB, metadataB)
    await new Promise((resolve) => setImmediate(resolve))
    expect((await heartbeat(1, memberA)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [rejoinedA, joinedB] = await Promise.all([join(memberA, metadataA), joiningB])
    expect(rejoinedA).toMatchObject({ errorCode: 0, generationId: 2, leaderId: memberA })
    expect(joinedB).toMatchObject({ errorCode: 0, generationId: 2, leaderId: memberA, memberId: memberB, members: [] })

    // The leader reads both subscriptions and assigns; B's SyncGroup waits for the leader's.
    const subscriptions = new Map(rejoinedA.members.map((m: any) => [m.memberId, decodeConsumerSubscription(m.memberMetadata)]))
    expect(subscriptions.get(memberA)).toMatchObject({ version: 0, topics: ['orders', 'payments'] })
    expect(subscriptions.get(memberB)).toMatchObject({ version: 1, topics: ['orders', 'payments'], ownedPartitions: [] })
    const assignments = assign([memberA, memberB])
    const syncingB = sync(2, memberB, new Map())
    const syncedA = await sync(2, memberA, assignments)
    const syncedB = await syncingB
    expect([syncedA.errorCode, syncedB.errorCode]).toEqual([0, 0])
    expect(MemberAssignment.decode(syncedA.memberAssignment).assignment).toEqual({ orders: [0, 2], payments: [1] })
    expect(decodeConsumerAssignment(syncedB.memberAssignment).assignedPartitions).toEqual([
      { topic: 'orders', partitions: [1] }, { topic: 'payments', partitions: [0] },
    ])
    expect((await heartbeat(2, memberA)).errorCode).toBe(0)
    expect((await heartbeat(2, memberB)).errorCode).toBe(0)

    // Commits of the current generation; a stale generation is refused.
    const commit = (generationId: number, memberId: string, offset: string) => kafkajsCall(broker, OffsetCommit, 'offsetCommit', 5, {
      groupId, groupGenerationId: generationId, memberId,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset, metadata: 'from A' }, { partition: 2, offset: '7' }] }],
    })
    expect((await commit(2, memberA, '42')).responses).toEqual([{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }, { partition: 2, errorCode: 0 }] }])
    expect((await commit(1, memberA, '43')).responses[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    const fetched = await kafkajsCall(broker, OffsetFetch, 'offsetFetch', 4, {
      groupId, topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 1 }, { partition: 2 }] }],
    })
    expect(fetched.errorCode).toBe(0)
    expect(fetched.responses).toEqual([{
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '42', metadata: 'from A', errorCode: 0 },
        { partition: 1, offset: '-1', metadata: '', errorCode: 0 },
        { partition: 2, offset: '7', metadata: '', errorCode: 0 },
      ],
    }])

    const described = await kafkajsCall(broker, DescribeGroups, 'describeGroups', 2, { groupIds: [groupId, 'nobody'] })
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' })
    expect(described.groups[0].members.map((m: any) => [m.memberId, m.clientId, m.clientHost, m.memberMetadata, m.memberAssignment]).sort()).toEqual([
      [memberA, 'kafkajs', CLIENT_HOST, metadataA, assignments.get(memberA)],
      [memberB, 'kafkajs', CLIENT_HOST, metadataB, assignments.get(memberB)],
    ].sort())
    expect(described.groups[1]).toMatchObject({ errorCode: 0, groupId: 'nobody', state: 'Dead', members: [] })
    expect(await kafkajsCall(broker, ListGroups, 'listGroups', 2, {})).toMatchObject({ errorCode: 0, groups: [{ groupId, protocolType: 'consumer' }] })

    const deleteGroup = () => kafkajsCall(broker, DeleteGroups, 'deleteGroups', 1, [groupId])
    expect((await deleteGroup()).results).toMatchObject([{ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP }])
    const left = await kafkajsCall(broker, LeaveGroup, 'leaveGroup', 3, { groupId, members: [{ memberId: memberA }, { memberId: memberB }, { memberId: 'gone' }] })
    expect(left.errorCode).toBe(0)
    expect(left.members).toEqual([
      { memberId: memberA, groupInstanceId: null, errorCode: 0 },
      { memberId: memberB, groupInstanceId: null, errorCode: 0 },
      { memberId: 'gone', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ])
    expect((await kafkajsCall(broker, DescribeGroups, 'describeGroups', 2, { groupIds: [groupId] })).groups[0].state).toBe('Empty')
    expect((await deleteGroup()).results).toMatchObject([{ groupId, errorCode: 0 }])
    expect((await deleteGroup()).results).toMatchObject([{ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND }])
    const afterDelete = await kafkajsCall(broker, OffsetFetch, 'offsetFetch', 4, { groupId, topics: [{ topic: 'orders', partitions: [{ partition: 0 }] }] })
    expect(afterDelete.responses[0].partitions[0]).toMatchObject({ offset: '-1', errorCode: 0 })
  })
})

describe('consumer group flow at the newest advertised versions, through Creek\'s codecs', () => {
  it('batched FindCoordinator, a dynamic and a static member, multi-group OffsetFetch, authorized operations, states filter', async () => {
    const broker = await openGroupBroker(TOPICS)
    const groupId = 'billing'
    const found = await call(broker, FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [groupId, 'audit'] })
    const { host, port } = broker.endpoint
    expect(found.coordinators).toEqual([
      { key: groupId, nodeId: broker.nodeId, host, port, errorCode: 0, errorMessage: null },
      { key: 'audit', nodeId: broker.nodeId, host, port, errorCode: 0, errorMessage: null },
    ])

    const subscription = encodeConsumerSubscription({ topics: ['orders', 'payments'], rackId: 'rack-a' })
    const joinRequest = (memberId: string, groupInstanceId: string | null): JoinGroupRequest => ({
      groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId, protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: [{ name: 'cooperative-sticky', metadata: subscription }, { name: 'range', metadata: subscription }], reason: 'starting',
    })
    const syncRequest = (generationId: number, memberId: string, groupInstanceId: string | null, assignments: Map<string, Buffer>): SyncGroupRequest => ({
      groupId, generationId, memberId, groupInstanceId, protocolType: CONSUMER_PROTOCOL_TYPE, protocolName: 'cooperative-sticky',
      assignments: [...assignments].map(([id, assignment]) => ({ memberId: id, assignment })),
    })

    // A: dynamic, so KIP-394's extra round trip.
    const firstA = await call(broker, JoinGroup, 9, joinRequest('', null), 'app-a')
    expect(firstA).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, protocolType: null, protocolName: null, leader: '' })
    const memberA = firstA.memberId
    const joinedA = await call(broker, JoinGroup, 9, joinRequest(memberA, null), 'app-a')
    expect(joinedA).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'cooperative-sticky', leader: memberA, skipAssignment: false })
    expect((await call(broker, SyncGroup, 5, syncRequest(1, memberA, null, assign([memberA], 3)))).errorCode).toBe(0)

    // B: static (groupInstanceId), joins at once with the id the coordinator gives it.
    const joiningB = call(broker, JoinGroup, 9, joinRequest('', 'instance-b'), 'app-b')
    await new Promise((resolve) => setImmediate(resolve))
    const beat = await call(broker, Heartbeat, 4, { groupId, generationId: 1, memberId: memberA, groupInstanceId: null })
    expect(beat.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [rejoinedA, joinedB] = await Promise.all([call(broker, JoinGroup, 9, joinRequest(memberA, null), 'app-a'), joiningB])
    const memberB = joinedB.memberId
    expect(memberB).toMatch(/^app-b-/)
    expect(joinedB).toMatchObject({ errorCode: 0, generationId: 2, leader: memberA, members: [] })
    expect(rejoinedA.members.map((m) => [m.memberId, m.groupInstanceId]).sort()).toEqual([[memberA, null], [memberB, 'instance-b']].sort())
    for (const m of rejoinedA.members) expect(decodeConsumerSubscription(m.metadata)).toMatchObject({ version: 3, rackId: 'rack-a' })

    const assignments = assign([memberA, memberB], 3)
    const syncingB = call(broker, SyncGroup, 5, syncRequest(2, memberB, 'instance-b', new Map()))
    const syncedA = await call(broker, SyncGroup, 5, syncRequest(2, memberA, null, assignments))
    const syncedB = await syncingB
    expect(syncedA).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'cooperative-sticky' })
    expect(decodeConsumerAssignment(syncedB.assignment)).toEqual({
      version: 3, assignedPartitions: [{ topic: 'orders', partitions: [1] }, { topic: 'payments', partitions: [0] }], userData: null,
    })
    expect((await call(broker, Heartbeat, 4, { groupId, generationId: 2, memberId: memberB, groupInstanceId: 'instance-b' })).errorCode).toBe(0)

    const committed = await call(broker, OffsetCommit, 8, {
      groupId, generationIdOrMemberEpoch: 2, memberId: memberB, groupInstanceId: 'instance-b', retentionTimeMs: -1,
      topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 99, committedLeaderEpoch: 4, commitTimestamp: -1, committedMetadata: null }] }],
    })
    expect(committed.topics).toEqual([{ name: 'payments', partitions: [{ partitionIndex: 0, errorCode: 0 }] }])

    const fetched = await call(broker, OffsetFetch, 8, {
      groupId: '', topics: [], requireStable: true,
      groups: [
        { groupId, memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'audit', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [0] }] },
      ],
    })
    expect(fetched.groups).toEqual([
      { groupId, errorCode: 0, topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 99, committedLeaderEpoch: 4, metadata: '', errorCode: 0 }] }] },
      { groupId: 'audit', errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }] },
    ])

    const described = await call(broker, DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: true })
    const group = described.groups[0]
    expect(group).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'cooperative-sticky', authorizedOperations: GROUP_AUTHORIZED_OPERATIONS })
    expect(group.members.find((m) => m.memberId === memberB)).toEqual({
      memberId: memberB, groupInstanceId: 'instance-b', clientId: 'app-b', clientHost: CLIENT_HOST, memberMetadata: subscription, memberAssignment: assignments.get(memberB),
    })

    const list = (statesFilter: string[]) => call(broker, ListGroups, 4, { statesFilter, typesFilter: [] })
    expect((await list(['stable'])).groups).toEqual([{ groupId, protocolType: 'consumer', groupState: 'Stable', groupType: '' }])
    expect((await list(['Empty'])).groups.map((g) => g.groupId)).toEqual([])

    const left = await call(broker, LeaveGroup, 5, {
      groupId, memberId: '', members: [{ memberId: memberA, groupInstanceId: null, reason: 'shutdown' }, { memberId: memberB, groupInstanceId: 'instance-b', reason: 'shutdown' }],
    })
    expect(left).toEqual({
      throttleTimeMs: 0, errorCode: 0,
      members: [{ memberId: memberA, groupInstanceId: null, errorCode: 0 }, { memberId: memberB, groupInstanceId: 'instance-b', errorCode: 0 }],
    })
    expect((await list(['Empty'])).groups.map((g) => g.groupId)).toEqual([groupId])
    expect((await call(broker, DeleteGroups, 2, { groupsNames: [groupId, 'audit'] })).results).toEqual([
      { groupId, errorCode: 0 }, { groupId: 'audit', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ])
    expect((await call(broker, DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: false })).groups[0])
      .toMatchObject({ groupState: 'Dead', authorizedOperations: -2147483648 })
  })
})
