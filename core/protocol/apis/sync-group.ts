/**
 * SyncGroup (key 14): the leader hands in the assignment; every member receives its own.
 * Valid versions 0–5, flexible from 4.
 *
 * Version notes that matter to a broker:
 * - v1 throttleTimeMs; v3 groupInstanceId (static membership).
 * - v5: protocolType and protocolName in request and response (KIP-559); the broker rejects a
 *   v5+ request without them, or with ones that differ from the group's.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const SyncGroupRequestSchema = message({
  name: 'SyncGroupRequest',
  type: 'request',
  apiKey: 14,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: {
    groupId: { type: t.string, versions: '0+' },
    generationId: { type: t.int32, versions: '0+' },
    memberId: { type: t.string, versions: '0+' },
    groupInstanceId: { type: t.string, versions: '3+', nullableVersions: '3+', default: null },
    protocolType: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
    protocolName: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
    assignments: {
      type: t.array(t.struct('SyncGroupRequestAssignment', {
        memberId: { type: t.string, versions: '0+' },
        assignment: { type: t.bytes, versions: '0+' },
      })),
      versions: '0+',
    },
  },
})

export const SyncGroupResponseSchema = message({
  name: 'SyncGroupResponse',
  type: 'response',
  apiKey: 14,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '0+' },
    protocolType: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
    protocolName: { type: t.string, versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
    assignment: { type: t.bytes, versions: '0+' },
  },
})

export type SyncGroupRequest = MessageType<typeof SyncGroupRequestSchema>
export type SyncGroupResponse = MessageType<typeof SyncGroupResponseSchema>

export const SyncGroup = defineApi({
  request: SyncGroupRequestSchema,
  response: SyncGroupResponseSchema,
  advertisedVersions: '0-5',
})
