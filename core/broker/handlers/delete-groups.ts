/**
 * DeleteGroups: deletes Empty groups with their committed offsets; one result per requested
 * group id (GROUP_ID_NOT_FOUND for unknown ones, NON_EMPTY_GROUP while members remain).
 */
import { DeleteGroups } from '../../protocol/apis/delete-groups.ts'
import { defineHandler } from '../handler.ts'

export const deleteGroupsHandler = defineHandler(DeleteGroups, async (broker, request) => {
  const response = await broker.groups.deleteGroups(request.groupsNames)
  return {
    throttleTimeMs: response.throttleTimeMs,
    results: response.results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })),
  }
})
