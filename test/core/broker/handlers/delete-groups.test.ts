import { describe, expect, it } from 'vitest'
import { DeleteGroups } from '../../../../core/protocol/apis/delete-groups.ts'
import { LeaveGroup } from '../../../../core/protocol/apis/leave-group.ts'
import { ListGroups } from '../../../../core/protocol/apis/list-groups.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

describe('DeleteGroups handler', () => {
  it('one result per requested id, in order: deleted, NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND (the empty id included)', async () => {
    const broker = await openGroupBroker()
    const { memberId } = await joinAlone(broker, 'left')
    await call(broker, LeaveGroup, 0, { groupId: 'left', memberId, members: [] })
    await joinAlone(broker, 'busy')
    for (const version of [0, 2]) {
      const response = await call(broker, DeleteGroups, version, { groupsNames: ['busy', '', version === 0 ? 'left' : 'gone'] })
      expect(response.results).toEqual([
        { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
        { groupId: '', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
        { groupId: version === 0 ? 'left' : 'gone', errorCode: version === 0 ? 0 : ErrorCode.GROUP_ID_NOT_FOUND },
      ])
    }
    expect((await call(broker, ListGroups, 0, { statesFilter: [], typesFilter: [] })).groups.map((g) => g.groupId)).toEqual(['busy'])
  })
})
