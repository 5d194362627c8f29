/**
 * Heartbeat (key 12): a member tells the coordinator it is alive and learns of rebalances.
 * Valid versions 0–4, flexible from 4. v1 adds throttleTimeMs, v3 groupInstanceId.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const HeartbeatRequestSchema = message({
  name: 'HeartbeatRequest',
  type: 'request',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: {
    groupId: { type: t.string, versions: '0+' },
    generationId: { type: t.int32, versions: '0+' },
    memberId: { type: t.string, versions: '0+' },
    groupInstanceId: { type: t.string, versions: '3+', nullableVersions: '3+', default: null },
  },
})

export const HeartbeatResponseSchema = message({
  name: 'HeartbeatResponse',
  type: 'response',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '0+' },
  },
})

export type HeartbeatRequest = MessageType<typeof HeartbeatRequestSchema>
export type HeartbeatResponse = MessageType<typeof HeartbeatResponseSchema>

export const Heartbeat = defineApi({
  request: HeartbeatRequestSchema,
  response: HeartbeatResponseSchema,
  advertisedVersions: '0-4',
})
