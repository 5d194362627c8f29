/**
 * OffsetCommit (key 8): store a group's consumed positions. Valid versions 0–9, flexible from 8.
 *
 * Version notes that matter to a broker:
 * - v0 stored offsets in ZooKeeper; v1 adds generation, member id and a per-partition
 *   commitTimestamp (v1 only); v2–4 retentionTimeMs; v5 drops it (broker config only).
 * - v6 committedLeaderEpoch; v7 groupInstanceId; v8 flexible.
 * - v9 is the KIP-848 version: `generationIdOrMemberEpoch` carries a member epoch there.
 *
 * Creek advertises 2–8: Kafka 4 dropped v0–1 (KIP-896), and v9 needs KIP-848 (NOTES.md §8).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const OffsetCommitRequestSchema = message({
  name: 'OffsetCommitRequest',
  type: 'request',
  apiKey: 8,
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: {
    groupId: { type: t.string, versions: '0+' },
    generationIdOrMemberEpoch: { type: t.int32, versions: '1+', default: -1, ignorable: true },
    memberId: { type: t.string, versions: '1+', ignorable: true },
    groupInstanceId: { type: t.string, versions: '7+', nullableVersions: '7+', default: null },
    retentionTimeMs: { type: t.int64, versions: '2-4', default: -1, ignorable: true },
    topics: {
      type: t.array(t.struct('OffsetCommitRequestTopic', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('OffsetCommitRequestPartition', {
            partitionIndex: { type: t.int32, versions: '0+' },
            committedOffset: { type: t.int64, versions: '0+' },
            committedLeaderEpoch: { type: t.int32, versions: '6+', default: -1, ignorable: true },
            commitTimestamp: { type: t.int64, versions: '1', default: -1 },
            committedMetadata: { type: t.string, versions: '0+', nullableVersions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export const OffsetCommitResponseSchema = message({
  name: 'OffsetCommitResponse',
  type: 'response',
  apiKey: 8,
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '3+', ignorable: true },
    topics: {
      type: t.array(t.struct('OffsetCommitResponseTopic', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('OffsetCommitResponsePartition', {
            partitionIndex: { type: t.int32, versions: '0+' },
            errorCode: { type: t.int16, versions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export type OffsetCommitRequest = MessageType<typeof OffsetCommitRequestSchema>
export type OffsetCommitResponse = MessageType<typeof OffsetCommitResponseSchema>

export const OffsetCommit = defineApi({
  request: OffsetCommitRequestSchema,
  response: OffsetCommitResponseSchema,
  advertisedVersions: '2-8',
})
