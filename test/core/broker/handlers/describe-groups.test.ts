import { describe, expect, it } from 'vitest'
import { GROUP_AUTHORIZED_OPERATIONS } from '../../../../core/broker/handlers/describe-groups.ts'
import { DescribeGroups } from '../../../../core/protocol/apis/describe-groups.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

const INT32_MIN = -2147483648

describe('DescribeGroups handler', () => {
  it('authorized operations (READ, DELETE, DESCRIBE as Kafka without an authorizer) only when asked for, from v3', async () => {
    expect(GROUP_AUTHORIZED_OPERATIONS).toBe(0b1_0100_1000)
    const broker = await openGroupBroker()
    await joinAlone(broker, 'g')
    const ops = async (version: number, include: boolean) =>
      (await broker.handle(DescribeGroups, { groups: ['g', 'unknown'], includeAuthorizedOperations: include }, { apiVersion: version, clientId: 'c', clientHost: 'h' }))
        .groups.map((g) => g.authorizedOperations)
    expect(await ops(2, true)).toEqual([INT32_MIN, INT32_MIN])
    expect(await ops(3, false)).toEqual([INT32_MIN, INT32_MIN])
    expect(await ops(3, true)).toEqual([GROUP_AUTHORIZED_OPERATIONS, GROUP_AUTHORIZED_OPERATIONS])
  })

  it('a Stable group with its members; an unknown and the empty group id are Dead with no error', async () => {
    const broker = await openGroupBroker()
    const { memberId } = await joinAlone(broker, 'g', { assignment: Buffer.from('mine') })
    const response = await call(broker, DescribeGroups, 4, { groups: ['g', '', 'unknown'], includeAuthorizedOperations: false })
    expect(response.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' })
    expect(response.groups[0].members).toEqual([{
      memberId, groupInstanceId: null, clientId: 'creek-test', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('subscription'), memberAssignment: Buffer.from('mine'),
    }])
    for (const group of response.groups.slice(1)) expect(group).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [], protocolType: '' })
  })

  it('a closed coordinator answers COORDINATOR_NOT_AVAILABLE without authorized operations', async () => {
    const broker = await openGroupBroker()
    await broker.groups.close()
    const response = await call(broker, DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: true })
    expect(response.groups[0]).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, authorizedOperations: INT32_MIN })
  })
})
