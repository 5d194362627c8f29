/**
 * JoinGroup (key 11): a member joins (or rejoins) a classic group and waits for the rebalance.
 * Valid versions 0–9, flexible from 6.
 *
 * Version notes that matter to a broker:
 * - v0 has no rebalanceTimeoutMs (the session timeout stands in for it); v2 throttleTimeMs.
 * - v4: a new member first gets MEMBER_ID_REQUIRED with its id and joins again with it (KIP-394).
 * - v5 groupInstanceId: static membership (KIP-345).
 * - v7 protocolType in the response, and protocolName becomes nullable (older versions get "").
 * - v8 reason (KIP-800); v9 skipAssignment for a rejoining static leader (KIP-814).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const JoinGroupRequestSchema = message({
  name: 'JoinGroupRequest',
  type: 'request',
  apiKey: 11,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: {
    groupId: { type: t.string, versions: '0+' },
    sessionTimeoutMs: { type: t.int32, versions: '0+' },
    rebalanceTimeoutMs: { type: t.int32, versions: '1+', default: -1, ignorable: true },
    memberId: { type: t.string, versions: '0+' },
    groupInstanceId: { type: t.string, versions: '5+', nullableVersions: '5+', default: null },
    protocolType: { type: t.string, versions: '0+' },
    protocols: {
      type: t.array(t.struct('JoinGroupRequestProtocol', {
        name: { type: t.string, versions: '0+' },
        metadata: { type: t.bytes, versions: '0+' },
      })),
      versions: '0+',
    },
    reason: { type: t.string, versions: '8+', nullableVersions: '8+', default: null, ignorable: true },
  },
})

export const JoinGroupResponseSchema = message({
  name: 'JoinGroupResponse',
  type: 'response',
  apiKey: 11,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '2+', ignorable: true },
    errorCode: { type: t.int16, versions: '0+' },
    generationId: { type: t.int32, versions: '0+', default: -1 },
    protocolType: { type: t.string, versions: '7+', nullableVersions: '7+', default: null, ignorable: true },
    protocolName: { type: t.string, versions: '0+', nullableVersions: '7+' },
    leader: { type: t.string, versions: '0+' },
    skipAssignment: { type: t.bool, versions: '9+', default: false },
    memberId: { type: t.string, versions: '0+' },
    members: {
      type: t.array(t.struct('JoinGroupResponseMember', {
        memberId: { type: t.string, versions: '0+' },
        groupInstanceId: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
        metadata: { type: t.bytes, versions: '0+' },
      })),
      versions: '0+',
    },
  },
})

export type JoinGroupRequest = MessageType<typeof JoinGroupRequestSchema>
export type JoinGroupResponse = MessageType<typeof JoinGroupResponseSchema>

export const JoinGroup = defineApi({
  request: JoinGroupRequestSchema,
  response: JoinGroupResponseSchema,
  advertisedVersions: '0-9',
})
