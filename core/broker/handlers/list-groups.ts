/**
 * ListGroups: every live group with its protocol type, and from v4 its state, optionally only
 * those in `statesFilter` (state names in any case; an unknown name matches nothing). The types
 * filter (v5) is passed on only in the versions that carry it.
 */
import { ListGroups } from '../../protocol/apis/list-groups.ts'
import { defineHandler } from '../handler.ts'

export const listGroupsHandler = defineHandler(ListGroups, async (broker, request, context) => {
  const version = context.apiVersion
  const response = await broker.groups.listGroups(version >= 4 ? request.statesFilter : [], version >= 5 ? request.typesFilter : [])
  return {
    throttleTimeMs: response.throttleTimeMs,
    errorCode: response.errorCode,
    groups: response.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState, groupType: g.groupType })),
  }
})
