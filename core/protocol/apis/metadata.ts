/**
 * Metadata (key 3): brokers, controller, topics and partition leaders. Valid versions 0–12,
 * flexible from 9.
 *
 * Version notes that matter to a broker:
 * - v0: an empty topic list means all topics; v1+: null means all topics, empty means none.
 * - v1 controllerId, rack, isInternal; v2 clusterId; v3 throttle; v4 allowAutoTopicCreation;
 *   v5 offlineReplicas; v7 leaderEpoch; v8 authorized operations; v9 flexible.
 * - v10 topic ids (UUIDs); v11 drops clusterAuthorizedOperations (moved to DescribeCluster);
 *   v12 topics may be requested by id alone (name null).
 *
 * Creek advertises every valid version, 0–12: the broker serves real topic ids (persisted with
 * each topic) and, for v11+, DescribeCluster, where cluster authorized operations moved.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const MetadataRequestSchema = message({
  name: 'MetadataRequest',
  type: 'request',
  apiKey: 3,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: {
    topics: {
      type: t.array(t.struct('MetadataRequestTopic', {
        topicId: { type: t.uuid, versions: '10+', ignorable: true },
        name: { type: t.string, versions: '0+', nullableVersions: '10+' },
      })),
      versions: '0+', nullableVersions: '1+',
    },
    allowAutoTopicCreation: { type: t.bool, versions: '4+', default: true, ignorable: false },
    includeClusterAuthorizedOperations: { type: t.bool, versions: '8-10' },
    includeTopicAuthorizedOperations: { type: t.bool, versions: '8+' },
  },
})

export const MetadataResponseSchema = message({
  name: 'MetadataResponse',
  type: 'response',
  apiKey: 3,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '3+', ignorable: true },
    brokers: {
      type: t.array(t.struct('MetadataResponseBroker', {
        nodeId: { type: t.int32, versions: '0+' },
        host: { type: t.string, versions: '0+' },
        port: { type: t.int32, versions: '0+' },
        rack: { type: t.string, versions: '1+', nullableVersions: '1+', ignorable: true, default: null },
      })),
      versions: '0+',
    },
    clusterId: { type: t.string, versions: '2+', nullableVersions: '2+', ignorable: true, default: null },
    controllerId: { type: t.int32, versions: '1+', default: -1, ignorable: true },
    topics: {
      type: t.array(t.struct('MetadataResponseTopic', {
        errorCode: { type: t.int16, versions: '0+' },
        name: { type: t.string, versions: '0+', nullableVersions: '12+' },
        topicId: { type: t.uuid, versions: '10+', ignorable: true },
        isInternal: { type: t.bool, versions: '1+', default: false, ignorable: true },
        partitions: {
          type: t.array(t.struct('MetadataResponsePartition', {
            errorCode: { type: t.int16, versions: '0+' },
            partitionIndex: { type: t.int32, versions: '0+' },
            leaderId: { type: t.int32, versions: '0+' },
            leaderEpoch: { type: t.int32, versions: '7+', default: -1, ignorable: true },
            replicaNodes: { type: t.array(t.int32), versions: '0+' },
            isrNodes: { type: t.array(t.int32), versions: '0+' },
            offlineReplicas: { type: t.array(t.int32), versions: '5+', ignorable: true },
          })),
          versions: '0+',
        },
        topicAuthorizedOperations: { type: t.int32, versions: '8+', default: -2147483648 },
      })),
      versions: '0+',
    },
    clusterAuthorizedOperations: { type: t.int32, versions: '8-10', default: -2147483648 },
  },
})

export type MetadataRequest = MessageType<typeof MetadataRequestSchema>
export type MetadataResponse = MessageType<typeof MetadataResponseSchema>

export const Metadata = defineApi({
  request: MetadataRequestSchema,
  response: MetadataResponseSchema,
  advertisedVersions: '0-12',
})
