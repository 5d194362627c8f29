/**
 * CreatePartitions (key 37): grow topics to a new partition count, optionally with the replicas
 * of each new partition. Valid versions 0–3, flexible from 2.
 *
 * Version notes: v1 is v0 with throttling before the response (KIP-219); v2 flexible; v3 may
 * answer THROTTLING_QUOTA_EXCEEDED. `assignments` is null (or empty, as kafkajs sends it) to let
 * the broker place the new partitions; otherwise it has one entry per new partition.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const CreatePartitionsRequestSchema = message({
  name: 'CreatePartitionsRequest',
  type: 'request',
  apiKey: 37,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: {
    topics: {
      type: t.array(t.struct('CreatePartitionsTopic', {
        name: { type: t.string, versions: '0+' },
        count: { type: t.int32, versions: '0+' },
        assignments: {
          type: t.array(t.struct('CreatePartitionsAssignment', {
            brokerIds: { type: t.array(t.int32), versions: '0+' },
          })),
          versions: '0+', nullableVersions: '0+',
        },
      })),
      versions: '0+',
    },
    timeoutMs: { type: t.int32, versions: '0+' },
    validateOnly: { type: t.bool, versions: '0+' },
  },
})

export const CreatePartitionsResponseSchema = message({
  name: 'CreatePartitionsResponse',
  type: 'response',
  apiKey: 37,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    results: {
      type: t.array(t.struct('CreatePartitionsTopicResult', {
        name: { type: t.string, versions: '0+' },
        errorCode: { type: t.int16, versions: '0+' },
        errorMessage: { type: t.string, versions: '0+', nullableVersions: '0+', default: null },
      })),
      versions: '0+',
    },
  },
})

export type CreatePartitionsRequest = MessageType<typeof CreatePartitionsRequestSchema>
export type CreatePartitionsResponse = MessageType<typeof CreatePartitionsResponseSchema>

export const CreatePartitions = defineApi({
  request: CreatePartitionsRequestSchema,
  response: CreatePartitionsResponseSchema,
  advertisedVersions: '0-3',
})
