/**
 * ListOffsets (key 2): offsets of partitions by time: the earliest, the latest, the one with
 * the largest timestamp, or the first at or after a timestamp. Valid versions 0–10, flexible
 * from 6.
 *
 * Version notes that matter to a broker:
 * - v0 answers a list of offsets (`oldStyleOffsets`, at most `maxNumOffsets`); v1+ a single
 *   offset with its timestamp.
 * - v2 isolationLevel (read_committed answers "latest" with the last stable offset); v4
 *   currentLeaderEpoch in the request and leaderEpoch in the response; v6 flexible.
 * - Special timestamps (`ListOffsetsTimestamp`): −1 latest, −2 earliest, −3 max timestamp
 *   (v7+), −4 earliest local (v8+, tiered storage), −5 latest tiered (v9+); v10 timeoutMs.
 *
 * Creek advertises 1–7 (v0 is deprecated; v8+ only add tiered-storage timestamps).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const ListOffsetsRequestSchema = message({
  name: 'ListOffsetsRequest',
  type: 'request',
  apiKey: 2,
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: {
    replicaId: { type: t.int32, versions: '0+' },
    isolationLevel: { type: t.int8, versions: '2+' },
    topics: {
      type: t.array(t.struct('ListOffsetsTopic', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('ListOffsetsPartition', {
            partitionIndex: { type: t.int32, versions: '0+' },
            currentLeaderEpoch: { type: t.int32, versions: '4+', default: -1, ignorable: true },
            timestamp: { type: t.int64, versions: '0+' },
            maxNumOffsets: { type: t.int32, versions: '0', default: 1 },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    timeoutMs: { type: t.int32, versions: '10+', ignorable: true },
  },
})

export const ListOffsetsResponseSchema = message({
  name: 'ListOffsetsResponse',
  type: 'response',
  apiKey: 2,
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '2+', ignorable: true },
    topics: {
      type: t.array(t.struct('ListOffsetsTopicResponse', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('ListOffsetsPartitionResponse', {
            partitionIndex: { type: t.int32, versions: '0+' },
            errorCode: { type: t.int16, versions: '0+' },
            oldStyleOffsets: { type: t.array(t.int64), versions: '0', ignorable: false },
            timestamp: { type: t.int64, versions: '1+', default: -1, ignorable: false },
            offset: { type: t.int64, versions: '1+', default: -1, ignorable: false },
            leaderEpoch: { type: t.int32, versions: '4+', default: -1 },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export type ListOffsetsRequest = MessageType<typeof ListOffsetsRequestSchema>
export type ListOffsetsResponse = MessageType<typeof ListOffsetsResponseSchema>

export const ListOffsets = defineApi({
  request: ListOffsetsRequestSchema,
  response: ListOffsetsResponseSchema,
  advertisedVersions: '1-7',
})

/** The special values of `ListOffsetsPartition.timestamp`. */
export const ListOffsetsTimestamp = {
  Latest: -1,
  Earliest: -2,
  MaxTimestamp: -3,
  EarliestLocal: -4,
  LatestTiered: -5,
} as const
