import { describe, expect, it } from 'vitest'
import { DescribeGroups } from '../../../../core/protocol/apis/describe-groups.ts'
import { JoinGroup, type JoinGroupRequest } from '../../../../core/protocol/apis/join-group.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

const request = (overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest => ({
  groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
  protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }], reason: null, ...overrides,
})

describe('JoinGroup handler', () => {
  it('the empty group id is INVALID_GROUP_ID at every version, encodable (protocolName "" before v7, null from v7)', async () => {
    const broker = await openGroupBroker()
    for (let version = 0; version <= 9; version++) {
      const response = await call(broker, JoinGroup, version, request({ groupId: '' }))
      expect(response, `v${version}`).toMatchObject({ errorCode: ErrorCode.INVALID_GROUP_ID, generationId: -1, leader: '', protocolName: version >= 7 ? null : '' })
    }
  })

  it('before v4 a new member joins at once; from v4 it first gets MEMBER_ID_REQUIRED (KIP-394)', async () => {
    const broker = await openGroupBroker()
    const v3 = await call(broker, JoinGroup, 3, request({ groupId: 'old' }), 'legacy')
    expect(v3).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' })
    expect(v3.memberId).toMatch(/^legacy-/)
    const v4 = await call(broker, JoinGroup, 4, request({ groupId: 'new' }))
    expect(v4).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, protocolName: '' })
  })

  it('v0 joins without a rebalance timeout (the session timeout stands in)', async () => {
    const broker = await openGroupBroker()
    const response = await call(broker, JoinGroup, 0, request())
    expect(response).toMatchObject({ errorCode: 0, generationId: 1, leader: response.memberId })
  })

  it('groupInstanceId counts only from v5: below, an in-process caller\'s is ignored and the member is dynamic', async () => {
    const broker = await openGroupBroker()
    const context = { apiVersion: 4, clientId: 'c', clientHost: 'in-process' }
    const v4 = await broker.handle(JoinGroup, request({ groupInstanceId: 'static-1' }), context)
    expect(v4.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const v5 = await broker.handle(JoinGroup, request({ groupId: 'g2', groupInstanceId: 'static-1' }), { ...context, apiVersion: 5 })
    expect(v5.errorCode).toBe(0)
    const described = await broker.handle(DescribeGroups, { groups: ['g2'], includeAuthorizedOperations: false }, { ...context, apiVersion: 5 })
    expect(described.groups[0].members[0].groupInstanceId).toBe('static-1')
  })

  it('a null client id names members with an empty prefix', async () => {
    const broker = await openGroupBroker()
    const response = await call(broker, JoinGroup, 3, request(), null)
    expect(response.memberId).toMatch(/^-[0-9a-f-]{36}$/)
  })

  it('an inconsistent protocol type is refused, and the error encodes at a flexible version before v7', async () => {
    const broker = await openGroupBroker()
    await joinAlone(broker, 'g')
    const response = await call(broker, JoinGroup, 6, request({ protocolType: 'connect' }))
    expect(response).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolName: '', memberId: '' })
  })

  it('v9: a restarted static leader of a Stable group is told to skip the assignment; v8 gets the old leader id', async () => {
    const broker = await openGroupBroker()
    for (const [version, groupId] of [[9, 'g9'], [8, 'g8']] as const) {
      const first = await joinAlone(broker, groupId, { groupInstanceId: 'leader' })
      const rejoined = await call(broker, JoinGroup, version, request({ groupId, groupInstanceId: 'leader' }))
      expect(rejoined.errorCode).toBe(0)
      expect(rejoined.memberId).not.toBe(first.memberId)
      expect(rejoined.generationId).toBe(first.generationId)
      if (version === 9) expect(rejoined).toMatchObject({ skipAssignment: true, leader: rejoined.memberId })
      else expect(rejoined).toMatchObject({ skipAssignment: false, leader: first.memberId, members: [] })
    }
  })
})
