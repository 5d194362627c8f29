import { describe, expect, it } from 'vitest'
import { DescribeGroups } from '../../../../core/protocol/apis/describe-groups.ts'
import { JoinGroup } from '../../../../core/protocol/apis/join-group.ts'
import { SyncGroup, type SyncGroupRequest } from '../../../../core/protocol/apis/sync-group.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, openGroupBroker } from './group-helpers.ts'

/** A group whose only member has joined (generation 1) and not yet synced. */
async function joined(groupId = 'g') {
  const broker = await openGroupBroker()
  const join = await call(broker, JoinGroup, 3, {
    groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }], reason: null,
  })
  const sync = (overrides: Partial<SyncGroupRequest> = {}): SyncGroupRequest => ({
    groupId, generationId: join.generationId, memberId: join.memberId, groupInstanceId: null,
    protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: join.memberId, assignment: Buffer.from('mine') }], ...overrides,
  })
  return { broker, memberId: join.memberId, sync }
}

describe('SyncGroup handler', () => {
  it('v5+ must name the protocol type and name (KIP-559), else INCONSISTENT_GROUP_PROTOCOL; before v5 they are ignored', async () => {
    const { broker, sync } = await joined()
    expect((await call(broker, SyncGroup, 5, sync({ protocolType: null }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await call(broker, SyncGroup, 5, sync({ protocolName: null }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await call(broker, SyncGroup, 5, sync({ protocolName: 'roundrobin' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const v4 = await broker.handle(SyncGroup, sync({ protocolType: 'connect', protocolName: 'other' }), { apiVersion: 4, clientId: 'c', clientHost: 'in-process' })
    expect(v4).toMatchObject({ errorCode: 0, assignment: Buffer.from('mine') })
    const v5 = await call(broker, SyncGroup, 5, sync())
    expect(v5).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('mine') })
  })

  it('the empty group id is INVALID_GROUP_ID', async () => {
    const { broker, sync } = await joined()
    for (const version of [0, 3, 5]) expect((await call(broker, SyncGroup, version, sync({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('keeps its own copy of the assignment, not a view of the request', async () => {
    const { broker, memberId, sync } = await joined()
    const bytes = Buffer.from('mine')
    expect((await broker.handle(SyncGroup, sync({ assignments: [{ memberId, assignment: bytes }] }), { apiVersion: 3, clientId: 'c', clientHost: 'h' })).errorCode).toBe(0)
    bytes.fill(0)
    const described = await call(broker, DescribeGroups, 0, { groups: ['g'], includeAuthorizedOperations: false })
    expect(described.groups[0].members[0].memberAssignment).toEqual(Buffer.from('mine'))
  })
})
