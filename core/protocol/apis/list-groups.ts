/**
 * ListGroups (key 16): every group a coordinator owns (admin tools).
 * Valid versions 0–5, flexible from 3.
 *
 * Version notes: v1 throttleTimeMs; v4 statesFilter and groupState (KIP-518); v5 typesFilter
 * and groupType (KIP-848).
 *
 * Creek advertises 0–4: group types come with KIP-848, which Creek does not implement yet.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const ListGroupsRequestSchema = message({
  name: 'ListGroupsRequest',
  type: 'request',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: {
    statesFilter: { type: t.array(t.string), versions: '4+' },
    typesFilter: { type: t.array(t.string), versions: '5+' },
  },
})

export const ListGroupsResponseSchema = message({
  name: 'ListGroupsResponse',
  type: 'response',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '0+' },
    groups: {
      type: t.array(t.struct('ListedGroup', {
        groupId: { type: t.string, versions: '0+' },
        protocolType: { type: t.string, versions: '0+' },
        groupState: { type: t.string, versions: '4+', ignorable: true },
        groupType: { type: t.string, versions: '5+', ignorable: true },
      })),
      versions: '0+',
    },
  },
})

export type ListGroupsRequest = MessageType<typeof ListGroupsRequestSchema>
export type ListGroupsResponse = MessageType<typeof ListGroupsResponseSchema>

export const ListGroups = defineApi({
  request: ListGroupsRequestSchema,
  response: ListGroupsResponseSchema,
  advertisedVersions: '0-4',
})
