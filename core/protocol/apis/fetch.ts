/**
 * Fetch (key 1): read record batches from partitions, waiting for data when there is too
 * little. Valid versions 0–17, flexible from 12.
 *
 * Version notes that matter to a broker:
 * - v3 maxBytes (KIP-74: the first batch is returned whole even above the limits); v4
 *   isolationLevel, lastStableOffset, abortedTransactions and record batch v2; v5 logStartOffset.
 * - v7 incremental fetch sessions (sessionId, sessionEpoch, forgottenTopicsData); a broker
 *   without sessions answers sessionId 0. v9 currentLeaderEpoch; v10 zstd allowed; v11 rackId
 *   and preferredReadReplica.
 * - v12 flexible, lastFetchedEpoch, tagged divergingEpoch / currentLeader / snapshotId.
 * - v13 names topics by topic id instead of name; v15 tagged replicaState replaces replicaId;
 *   v16 tagged nodeEndpoints; v17 tagged replicaDirectoryId.
 * - `records` is the raw record-batch blob, decoded as a zero-copy view of the response frame.
 *
 * Creek advertises 4–12: v0–3 carry legacy message sets, and v13+ pairs with topic ids in
 * Metadata v10+ (NOTES.md §9), which Creek does not advertise yet.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const FetchRequestSchema = message({
  name: 'FetchRequest',
  type: 'request',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: {
    clusterId: { type: t.string, versions: '12+', nullableVersions: '12+', default: null, taggedVersions: '12+', tag: 0, ignorable: true },
    replicaId: { type: t.int32, versions: '0-14', default: -1 },
    replicaState: {
      type: t.struct('ReplicaState', {
        replicaId: { type: t.int32, versions: '15+', default: -1 },
        replicaEpoch: { type: t.int64, versions: '15+', default: -1 },
      }),
      versions: '15+', taggedVersions: '15+', tag: 1,
    },
    maxWaitMs: { type: t.int32, versions: '0+' },
    minBytes: { type: t.int32, versions: '0+' },
    maxBytes: { type: t.int32, versions: '3+', default: 0x7fffffff, ignorable: true },
    isolationLevel: { type: t.int8, versions: '4+', default: 0, ignorable: true },
    sessionId: { type: t.int32, versions: '7+', default: 0, ignorable: true },
    sessionEpoch: { type: t.int32, versions: '7+', default: -1, ignorable: true },
    topics: {
      type: t.array(t.struct('FetchTopic', {
        topic: { type: t.string, versions: '0-12', ignorable: true },
        topicId: { type: t.uuid, versions: '13+', ignorable: true },
        partitions: {
          type: t.array(t.struct('FetchPartition', {
            partition: { type: t.int32, versions: '0+' },
            currentLeaderEpoch: { type: t.int32, versions: '9+', default: -1, ignorable: true },
            fetchOffset: { type: t.int64, versions: '0+' },
            lastFetchedEpoch: { type: t.int32, versions: '12+', default: -1, ignorable: false },
            logStartOffset: { type: t.int64, versions: '5+', default: -1, ignorable: true },
            partitionMaxBytes: { type: t.int32, versions: '0+' },
            replicaDirectoryId: { type: t.uuid, versions: '17+', taggedVersions: '17+', tag: 0, ignorable: true },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    forgottenTopicsData: {
      type: t.array(t.struct('ForgottenTopic', {
        topic: { type: t.string, versions: '7-12', ignorable: true },
        topicId: { type: t.uuid, versions: '13+', ignorable: true },
        partitions: { type: t.array(t.int32), versions: '7+' },
      })),
      versions: '7+', ignorable: false,
    },
    rackId: { type: t.string, versions: '11+', default: '', ignorable: true },
  },
})

export const FetchResponseSchema = message({
  name: 'FetchResponse',
  type: 'response',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    errorCode: { type: t.int16, versions: '7+', ignorable: true },
    sessionId: { type: t.int32, versions: '7+', default: 0, ignorable: false },
    responses: {
      type: t.array(t.struct('FetchableTopicResponse', {
        topic: { type: t.string, versions: '0-12', ignorable: true },
        topicId: { type: t.uuid, versions: '13+', ignorable: true },
        partitions: {
          type: t.array(t.struct('PartitionData', {
            partitionIndex: { type: t.int32, versions: '0+' },
            errorCode: { type: t.int16, versions: '0+' },
            highWatermark: { type: t.int64, versions: '0+' },
            lastStableOffset: { type: t.int64, versions: '4+', default: -1, ignorable: true },
            logStartOffset: { type: t.int64, versions: '5+', default: -1, ignorable: true },
            divergingEpoch: {
              type: t.struct('EpochEndOffset', {
                epoch: { type: t.int32, versions: '12+', default: -1 },
                endOffset: { type: t.int64, versions: '12+', default: -1 },
              }),
              versions: '12+', taggedVersions: '12+', tag: 0,
            },
            currentLeader: {
              type: t.struct('LeaderIdAndEpoch', {
                leaderId: { type: t.int32, versions: '12+', default: -1 },
                leaderEpoch: { type: t.int32, versions: '12+', default: -1 },
              }),
              versions: '12+', taggedVersions: '12+', tag: 1,
            },
            snapshotId: {
              type: t.struct('SnapshotId', {
                endOffset: { type: t.int64, versions: '0+', default: -1 },
                epoch: { type: t.int32, versions: '0+', default: -1 },
              }),
              versions: '12+', taggedVersions: '12+', tag: 2,
            },
            abortedTransactions: {
              type: t.array(t.struct('AbortedTransaction', {
                producerId: { type: t.int64, versions: '4+' },
                firstOffset: { type: t.int64, versions: '4+' },
              })),
              versions: '4+', nullableVersions: '4+', ignorable: true,
            },
            preferredReadReplica: { type: t.int32, versions: '11+', default: -1, ignorable: false },
            records: { type: t.records, versions: '0+', nullableVersions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    nodeEndpoints: {
      type: t.array(t.struct('NodeEndpoint', {
        nodeId: { type: t.int32, versions: '16+' },
        host: { type: t.string, versions: '16+' },
        port: { type: t.int32, versions: '16+' },
        rack: { type: t.string, versions: '16+', nullableVersions: '16+', default: null },
      })),
      versions: '16+', taggedVersions: '16+', tag: 0,
    },
  },
})

export type FetchRequest = MessageType<typeof FetchRequestSchema>
export type FetchResponse = MessageType<typeof FetchResponseSchema>

export const Fetch = defineApi({
  request: FetchRequestSchema,
  response: FetchResponseSchema,
  advertisedVersions: '4-12',
})

/** Fetch and ListOffsets isolation levels. */
export const IsolationLevel = {
  ReadUncommitted: 0,
  ReadCommitted: 1,
} as const
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]
