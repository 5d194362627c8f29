/**
 * FindCoordinator (key 10): which broker coordinates a group (key type 0) or a transactional id
 * (key type 1). Valid versions 0–6, flexible from 3.
 *
 * Version notes that matter to a broker:
 * - v0 has a single group key; v1 adds keyType, throttleTimeMs and errorMessage; v2 is v1.
 * - v4 batches: `coordinatorKeys` in the request, one `coordinators` entry per key in the
 *   response, and the v0–3 single-key fields are gone (KIP-699).
 * - v5 only allows TRANSACTION_ABORTABLE; v6 adds key type 2 (share groups, KIP-932).
 *
 * Creek advertises 0–4: v5 and v6 add nothing a group-only coordinator uses.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const FindCoordinatorRequestSchema = message({
  name: 'FindCoordinatorRequest',
  type: 'request',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: {
    key: { type: t.string, versions: '0-3' },
    keyType: { type: t.int8, versions: '1+', default: 0, ignorable: false },
    coordinatorKeys: { type: t.array(t.string), versions: '4+' },
  },
})

export const FindCoordinatorResponseSchema = message({
  name: 'FindCoordinatorResponse',
  type: 'response',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '0-3' },
    errorMessage: { type: t.string, versions: '1-3', nullableVersions: '1-3', ignorable: true },
    nodeId: { type: t.int32, versions: '0-3' },
    host: { type: t.string, versions: '0-3' },
    port: { type: t.int32, versions: '0-3' },
    coordinators: {
      type: t.array(t.struct('Coordinator', {
        key: { type: t.string, versions: '4+' },
        nodeId: { type: t.int32, versions: '4+' },
        host: { type: t.string, versions: '4+' },
        port: { type: t.int32, versions: '4+' },
        errorCode: { type: t.int16, versions: '4+' },
        errorMessage: { type: t.string, versions: '4+', nullableVersions: '4+', ignorable: true },
      })),
      versions: '4+',
    },
  },
})

export type FindCoordinatorRequest = MessageType<typeof FindCoordinatorRequestSchema>
export type FindCoordinatorResponse = MessageType<typeof FindCoordinatorResponseSchema>

export const FindCoordinator = defineApi({
  request: FindCoordinatorRequestSchema,
  response: FindCoordinatorResponseSchema,
  advertisedVersions: '0-4',
})
