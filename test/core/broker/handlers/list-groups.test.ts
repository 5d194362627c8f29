import { describe, expect, it } from 'vitest'
import { ListGroups } from '../../../../core/protocol/apis/list-groups.ts'
import { OffsetCommit } from '../../../../core/protocol/apis/offset-commit.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

describe('ListGroups handler', () => {
  it('every group with its protocol type; from v4 its state and the states filter (any case, unknown names match nothing)', async () => {
    const broker = await openGroupBroker()
    await joinAlone(broker, 'active')
    await call(broker, OffsetCommit, 2, {
      groupId: 'offsets-only', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }],
    })
    const list = (version: number, statesFilter: string[] = []) => call(broker, ListGroups, version, { statesFilter, typesFilter: [] })
    const v0 = await list(0)
    expect(v0.errorCode).toBe(0)
    expect(v0.groups.map((g) => [g.groupId, g.protocolType]).sort()).toEqual([['active', 'consumer'], ['offsets-only', '']])
    expect((await list(4)).groups.map((g) => [g.groupId, g.groupState]).sort()).toEqual([['active', 'Stable'], ['offsets-only', 'Empty']])
    expect((await list(4, ['EMPTY'])).groups.map((g) => g.groupId)).toEqual(['offsets-only'])
    expect((await list(4, ['stable', 'empty'])).groups).toHaveLength(2)
    expect((await list(4, ['Rebalancing'])).groups).toEqual([])
  })

  it('below v4 an in-process caller\'s states filter is ignored; a closed coordinator is not available', async () => {
    const broker = await openGroupBroker()
    await joinAlone(broker, 'active')
    const v3 = await broker.handle(ListGroups, { statesFilter: ['Dead'], typesFilter: ['consumer'] }, { apiVersion: 3, clientId: 'c', clientHost: 'h' })
    expect(v3.groups.map((g) => g.groupId)).toEqual(['active'])
    await broker.groups.close()
    expect(await call(broker, ListGroups, 3, { statesFilter: [], typesFilter: [] })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] })
  })
})
