/**
 * DeleteGroups (key 42): delete empty groups and their committed offsets.
 * Valid versions 0–2, flexible from 2; v1 is v0.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const DeleteGroupsRequestSchema = message({
  name: 'DeleteGroupsRequest',
  type: 'request',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: {
    groupsNames: { type: t.array(t.string), versions: '0+' },
  },
})

export const DeleteGroupsResponseSchema = message({
  name: 'DeleteGroupsResponse',
  type: 'response',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    results: {
      type: t.array(t.struct('DeletableGroupResult', {
        groupId: { type: t.string, versions: '0+' },
        errorCode: { type: t.int16, versions: '0+' },
      })),
      versions: '0+',
    },
  },
})

export type DeleteGroupsRequest = MessageType<typeof DeleteGroupsRequestSchema>
export type DeleteGroupsResponse = MessageType<typeof DeleteGroupsResponseSchema>

export const DeleteGroups = defineApi({
  request: DeleteGroupsRequestSchema,
  response: DeleteGroupsResponseSchema,
  advertisedVersions: '0-2',
})
