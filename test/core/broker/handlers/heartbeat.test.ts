import { describe, expect, it } from 'vitest'
import { Heartbeat } from '../../../../core/protocol/apis/heartbeat.ts'
import { JoinGroup } from '../../../../core/protocol/apis/join-group.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

describe('Heartbeat handler', () => {
  it('the empty group id is INVALID_GROUP_ID; an unknown group UNKNOWN_MEMBER_ID; a stale generation ILLEGAL_GENERATION', async () => {
    const broker = await openGroupBroker()
    const { memberId, generationId } = await joinAlone(broker, 'g')
    const beat = (groupId: string, generation: number) => call(broker, Heartbeat, 0, { groupId, generationId: generation, memberId, groupInstanceId: null })
    expect((await beat('', generationId)).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    expect((await beat('other', generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await beat('g', generationId + 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await beat('g', generationId)).errorCode).toBe(0)
  })

  it('groupInstanceId counts from v3: a replaced static member is fenced there, merely unknown below', async () => {
    const broker = await openGroupBroker()
    const old = await joinAlone(broker, 'g', { groupInstanceId: 'instance-1' })
    const restarted = await call(broker, JoinGroup, 5, {
      groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: 'instance-1',
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('subscription') }], reason: null,
    })
    expect(restarted.errorCode).toBe(0)
    const request = { groupId: 'g', generationId: old.generationId, memberId: old.memberId, groupInstanceId: 'instance-1' }
    expect((await call(broker, Heartbeat, 3, request)).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    const v2 = await broker.handle(Heartbeat, request, { apiVersion: 2, clientId: 'c', clientHost: 'in-process' })
    expect(v2.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })
})
