import { describe, expect, it } from 'vitest'
import { DescribeGroups } from '../../../../core/protocol/apis/describe-groups.ts'
import { LeaveGroup } from '../../../../core/protocol/apis/leave-group.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

describe('LeaveGroup handler', () => {
  it('v0–2: the single member\'s error is the top-level errorCode, with no member list', async () => {
    const broker = await openGroupBroker()
    const { memberId } = await joinAlone(broker, 'g')
    const leave = (version: number, groupId: string, member: string) => call(broker, LeaveGroup, version, { groupId, memberId: member, members: [] })
    expect(await leave(0, 'g', 'unknown')).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] })
    expect((await leave(1, '', memberId)).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    expect(await leave(2, 'g', memberId)).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [] })
    const described = await call(broker, DescribeGroups, 0, { groups: ['g'], includeAuthorizedOperations: false })
    expect(described.groups[0]).toMatchObject({ groupState: 'Empty', members: [] })
  })

  it('v3+: per-member results; a static member may be removed by its instance id alone', async () => {
    const broker = await openGroupBroker()
    await joinAlone(broker, 'g', { groupInstanceId: 'instance-1' })
    const response = await call(broker, LeaveGroup, 3, {
      groupId: 'g', memberId: '', members: [{ memberId: '', groupInstanceId: 'instance-1', reason: null }, { memberId: 'ghost', groupInstanceId: null, reason: null }],
    })
    expect(response).toEqual({
      throttleTimeMs: 0, errorCode: 0,
      members: [{ memberId: '', groupInstanceId: 'instance-1', errorCode: 0 }, { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    })
    expect((await call(broker, LeaveGroup, 4, { groupId: '', memberId: '', members: [] })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('below v3 an in-process caller\'s member batch is ignored: the single memberId leaves', async () => {
    const broker = await openGroupBroker()
    const { memberId } = await joinAlone(broker, 'g')
    const response = await broker.handle(LeaveGroup, { groupId: 'g', memberId, members: [{ memberId: 'other', groupInstanceId: null, reason: null }] }, {
      apiVersion: 2, clientId: 'c', clientHost: 'in-process',
    })
    expect(response).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [] })
  })
})
