/**
 * CreateTopics (key 19): create topics with a partition count and replication factor or a
 * manual replica assignment, and config overrides. Valid versions 0–7, flexible from 5.
 *
 * Version notes that matter to a broker:
 * - v1 validateOnly and a per-topic errorMessage; v2 throttleTimeMs; v3 same layout as v2.
 * - v4 (KIP-464): numPartitions and replicationFactor −1 mean the broker defaults. kafkajs sends
 *   −1 at every version, so Creek's broker accepts −1 at every version (NOTES.md §9 item 17).
 * - v5 flexible; the response echoes numPartitions, replicationFactor and the topic's configs
 *   (KIP-525), with a tagged topicConfigErrorCode.
 * - v6 may answer THROTTLING_QUOTA_EXCEEDED (Creek has no quotas); v7 returns the topic id.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const CreateTopicsRequestSchema = message({
  name: 'CreateTopicsRequest',
  type: 'request',
  apiKey: 19,
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: {
    topics: {
      type: t.array(t.struct('CreatableTopic', {
        name: { type: t.string, versions: '0+' },
        numPartitions: { type: t.int32, versions: '0+' },
        replicationFactor: { type: t.int16, versions: '0+' },
        assignments: {
          type: t.array(t.struct('CreatableReplicaAssignment', {
            partitionIndex: { type: t.int32, versions: '0+' },
            brokerIds: { type: t.array(t.int32), versions: '0+' },
          })),
          versions: '0+',
        },
        configs: {
          type: t.array(t.struct('CreatableTopicConfig', {
            name: { type: t.string, versions: '0+' },
            value: { type: t.string, versions: '0+', nullableVersions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    timeoutMs: { type: t.int32, versions: '0+', default: 60000 },
    validateOnly: { type: t.bool, versions: '1+', default: false, ignorable: false },
  },
})

export const CreateTopicsResponseSchema = message({
  name: 'CreateTopicsResponse',
  type: 'response',
  apiKey: 19,
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '2+', ignorable: true },
    topics: {
      type: t.array(t.struct('CreatableTopicResult', {
        name: { type: t.string, versions: '0+' },
        topicId: { type: t.uuid, versions: '7+', ignorable: true },
        errorCode: { type: t.int16, versions: '0+' },
        errorMessage: { type: t.string, versions: '1+', nullableVersions: '0+', ignorable: true },
        topicConfigErrorCode: { type: t.int16, versions: '5+', tag: 0, taggedVersions: '5+', ignorable: true },
        numPartitions: { type: t.int32, versions: '5+', default: -1, ignorable: true },
        replicationFactor: { type: t.int16, versions: '5+', default: -1, ignorable: true },
        configs: {
          type: t.array(t.struct('CreatableTopicConfigs', {
            name: { type: t.string, versions: '5+' },
            value: { type: t.string, versions: '5+', nullableVersions: '5+' },
            readOnly: { type: t.bool, versions: '5+' },
            configSource: { type: t.int8, versions: '5+', default: -1, ignorable: true },
            isSensitive: { type: t.bool, versions: '5+' },
          })),
          versions: '5+', nullableVersions: '5+', ignorable: true,
        },
      })),
      versions: '0+',
    },
  },
})

export type CreateTopicsRequest = MessageType<typeof CreateTopicsRequestSchema>
export type CreateTopicsResponse = MessageType<typeof CreateTopicsResponseSchema>

export const CreateTopics = defineApi({
  request: CreateTopicsRequestSchema,
  response: CreateTopicsResponseSchema,
  advertisedVersions: '0-7',
})
