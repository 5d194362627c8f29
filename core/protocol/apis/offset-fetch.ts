/**
 * OffsetFetch (key 9): read a group's committed offsets. Valid versions 0–9, flexible from 6.
 *
 * Version notes that matter to a broker:
 * - v0 read offsets from ZooKeeper; v1 from `__consumer_offsets`.
 * - v2: null `topics` asks for every committed offset; a top-level errorCode for group errors.
 * - v3 throttleTimeMs; v5 committedLeaderEpoch; v7 requireStable.
 * - v8 fetches several groups at once: `groups` replaces groupId/topics in the request, and
 *   the response has one entry per group with its own errorCode.
 * - v9 adds KIP-848 memberId/memberEpoch.
 *
 * Creek advertises 1–8: Kafka 4 dropped v0 (KIP-896), and v9 needs KIP-848 (NOTES.md §8).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const OffsetFetchRequestSchema = message({
  name: 'OffsetFetchRequest',
  type: 'request',
  apiKey: 9,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: {
    groupId: { type: t.string, versions: '0-7' },
    topics: {
      type: t.array(t.struct('OffsetFetchRequestTopic', {
        name: { type: t.string, versions: '0-7' },
        partitionIndexes: { type: t.array(t.int32), versions: '0-7' },
      })),
      versions: '0-7', nullableVersions: '2-7',
    },
    groups: {
      type: t.array(t.struct('OffsetFetchRequestGroup', {
        groupId: { type: t.string, versions: '8+' },
        memberId: { type: t.string, versions: '9+', nullableVersions: '9+', default: null, ignorable: true },
        memberEpoch: { type: t.int32, versions: '9+', default: -1, ignorable: true },
        topics: {
          type: t.array(t.struct('OffsetFetchRequestTopics', {
            name: { type: t.string, versions: '8+' },
            partitionIndexes: { type: t.array(t.int32), versions: '8+' },
          })),
          versions: '8+', nullableVersions: '8+',
        },
      })),
      versions: '8+',
    },
    requireStable: { type: t.bool, versions: '7+', default: false },
  },
})

export const OffsetFetchResponseSchema = message({
  name: 'OffsetFetchResponse',
  type: 'response',
  apiKey: 9,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '3+', ignorable: true },
    topics: {
      type: t.array(t.struct('OffsetFetchResponseTopic', {
        name: { type: t.string, versions: '0-7' },
        partitions: {
          type: t.array(t.struct('OffsetFetchResponsePartition', {
            partitionIndex: { type: t.int32, versions: '0-7' },
            committedOffset: { type: t.int64, versions: '0-7' },
            committedLeaderEpoch: { type: t.int32, versions: '5-7', default: -1, ignorable: true },
            metadata: { type: t.string, versions: '0-7', nullableVersions: '0-7' },
            errorCode: { type: t.int16, versions: '0-7' },
          })),
          versions: '0-7',
        },
      })),
      versions: '0-7',
    },
    errorCode: { type: t.int16, versions: '2-7', default: 0, ignorable: true },
    groups: {
      type: t.array(t.struct('OffsetFetchResponseGroup', {
        groupId: { type: t.string, versions: '8+' },
        topics: {
          type: t.array(t.struct('OffsetFetchResponseTopics', {
            name: { type: t.string, versions: '8+' },
            partitions: {
              type: t.array(t.struct('OffsetFetchResponsePartitions', {
                partitionIndex: { type: t.int32, versions: '8+' },
                committedOffset: { type: t.int64, versions: '8+' },
                committedLeaderEpoch: { type: t.int32, versions: '8+', default: -1, ignorable: true },
                metadata: { type: t.string, versions: '8+', nullableVersions: '8+' },
                errorCode: { type: t.int16, versions: '8+' },
              })),
              versions: '8+',
            },
          })),
          versions: '8+',
        },
        errorCode: { type: t.int16, versions: '8+', default: 0 },
      })),
      versions: '8+',
    },
  },
})

export type OffsetFetchRequest = MessageType<typeof OffsetFetchRequestSchema>
export type OffsetFetchResponse = MessageType<typeof OffsetFetchResponseSchema>

export const OffsetFetch = defineApi({
  request: OffsetFetchRequestSchema,
  response: OffsetFetchResponseSchema,
  advertisedVersions: '1-8',
})
