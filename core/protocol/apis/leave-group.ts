/**
 * LeaveGroup (key 13): members leave a group at once instead of timing out.
 * Valid versions 0–5, flexible from 4.
 *
 * Version notes that matter to a broker:
 * - v0–2 remove the single `memberId`; the response has one errorCode for it.
 * - v3 removes a batch of `members` (memberId and groupInstanceId) with a per-member errorCode.
 * - v5 adds a per-member reason (KIP-800).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const LeaveGroupRequestSchema = message({
  name: 'LeaveGroupRequest',
  type: 'request',
  apiKey: 13,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: {
    groupId: { type: t.string, versions: '0+' },
    memberId: { type: t.string, versions: '0-2' },
    members: {
      type: t.array(t.struct('MemberIdentity', {
        memberId: { type: t.string, versions: '3+' },
        groupInstanceId: { type: t.string, versions: '3+', nullableVersions: '3+', default: null },
        reason: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
      })),
      versions: '3+',
    },
  },
})

export const LeaveGroupResponseSchema = message({
  name: 'LeaveGroupResponse',
  type: 'response',
  apiKey: 13,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '0+' },
    members: {
      type: t.array(t.struct('MemberResponse', {
        memberId: { type: t.string, versions: '3+' },
        groupInstanceId: { type: t.string, versions: '3+', nullableVersions: '3+' },
        errorCode: { type: t.int16, versions: '3+' },
      })),
      versions: '3+',
    },
  },
})

export type LeaveGroupRequest = MessageType<typeof LeaveGroupRequestSchema>
export type LeaveGroupResponse = MessageType<typeof LeaveGroupResponseSchema>

export const LeaveGroup = defineApi({
  request: LeaveGroupRequestSchema,
  response: LeaveGroupResponseSchema,
  advertisedVersions: '0-5',
})
