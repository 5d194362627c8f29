/**
 * DescribeCluster (key 60): the cluster id, the controller, the brokers and the cluster's
 * authorized operations (KIP-700), which Metadata stops carrying at v11. Valid versions 0–1,
 * flexible from 0.
 *
 * Version notes: v1 adds endpointType to request and response (KIP-919: 1 = brokers,
 * 2 = controllers) and makes MISMATCHED_ENDPOINT_TYPE and UNSUPPORTED_ENDPOINT_TYPE valid
 * top-level errors.
 *
 * Creek advertises every valid version, 0–1.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

/** KIP-919's endpoint types: what a DescribeCluster v1+ request asks to be described. */
export const EndpointType = Object.freeze({ BROKER: 1, CONTROLLER: 2 })

export const DescribeClusterRequestSchema = message({
  name: 'DescribeClusterRequest',
  type: 'request',
  apiKey: 60,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: {
    includeClusterAuthorizedOperations: { type: t.bool, versions: '0+' },
    endpointType: { type: t.int8, versions: '1+', default: 1 },
  },
})

export const DescribeClusterResponseSchema = message({
  name: 'DescribeClusterResponse',
  type: 'response',
  apiKey: 60,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    errorCode: { type: t.int16, versions: '0+' },
    errorMessage: { type: t.string, versions: '0+', nullableVersions: '0+', default: null },
    endpointType: { type: t.int8, versions: '1+', default: 1 },
    clusterId: { type: t.string, versions: '0+' },
    controllerId: { type: t.int32, versions: '0+', default: -1 },
    brokers: {
      type: t.array(t.struct('DescribeClusterBroker', {
        brokerId: { type: t.int32, versions: '0+' },
        host: { type: t.string, versions: '0+' },
        port: { type: t.int32, versions: '0+' },
        rack: { type: t.string, versions: '0+', nullableVersions: '0+', default: null },
      })),
      versions: '0+',
    },
    clusterAuthorizedOperations: { type: t.int32, versions: '0+', default: -2147483648 },
  },
})

export type DescribeClusterRequest = MessageType<typeof DescribeClusterRequestSchema>
export type DescribeClusterResponse = MessageType<typeof DescribeClusterResponseSchema>

export const DescribeCluster = defineApi({
  request: DescribeClusterRequestSchema,
  response: DescribeClusterResponseSchema,
  advertisedVersions: '0-1',
})
