/**
 * DescribeGroups (key 15): state, protocol and members of groups (admin tools).
 * Valid versions 0–5, flexible from 5.
 *
 * Version notes: v1 throttleTimeMs; v3 includeAuthorizedOperations / authorizedOperations
 * (INT32_MIN when not requested); v4 members' groupInstanceId.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const DescribeGroupsRequestSchema = message({
  name: 'DescribeGroupsRequest',
  type: 'request',
  apiKey: 15,
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: {
    groups: { type: t.array(t.string), versions: '0+' },
    includeAuthorizedOperations: { type: t.bool, versions: '3+' },
  },
})

export const DescribeGroupsResponseSchema = message({
  name: 'DescribeGroupsResponse',
  type: 'response',
  apiKey: 15,
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    groups: {
      type: t.array(t.struct('DescribedGroup', {
        errorCode: { type: t.int16, versions: '0+' },
        groupId: { type: t.string, versions: '0+' },
        groupState: { type: t.string, versions: '0+' },
        protocolType: { type: t.string, versions: '0+' },
        protocolData: { type: t.string, versions: '0+' },
        members: {
          type: t.array(t.struct('DescribedGroupMember', {
            memberId: { type: t.string, versions: '0+' },
            groupInstanceId: { type: t.string, versions: '4+', nullableVersions: '4+', default: null, ignorable: true },
            clientId: { type: t.string, versions: '0+' },
            clientHost: { type: t.string, versions: '0+' },
            memberMetadata: { type: t.bytes, versions: '0+' },
            memberAssignment: { type: t.bytes, versions: '0+' },
          })),
          versions: '0+',
        },
        authorizedOperations: { type: t.int32, versions: '3+', default: -2147483648 },
      })),
      versions: '0+',
    },
  },
})

export type DescribeGroupsRequest = MessageType<typeof DescribeGroupsRequestSchema>
export type DescribeGroupsResponse = MessageType<typeof DescribeGroupsResponseSchema>

export const DescribeGroups = defineApi({
  request: DescribeGroupsRequestSchema,
  response: DescribeGroupsResponseSchema,
  advertisedVersions: '0-5',
})
