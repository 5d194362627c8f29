/**
 * Produce (key 0): append record batches to partitions. Valid versions 0–11, flexible from 9.
 *
 * Version notes that matter to a broker:
 * - v3 adds transactionalId and requires record batch v2 (magic 2); v0–2 carry legacy message
 *   sets, which Creek refuses (CORE_UNSUPPORTED_FORMAT), so Creek advertises 3–9.
 * - v5 logStartOffset in the response; v7 allows zstd; v8 recordErrors and errorMessage;
 *   v10 tagged currentLeader / nodeEndpoints; v11 TRANSACTION_ABORTABLE.
 * - acks = 0: the broker sends no response at all (`Produce.expectsResponse`).
 * - `records` is the raw record-batch blob, decoded as a zero-copy view of the request frame.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const ProduceRequestSchema = message({
  name: 'ProduceRequest',
  type: 'request',
  apiKey: 0,
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: {
    transactionalId: { type: t.string, versions: '3+', nullableVersions: '3+', default: null },
    acks: { type: t.int16, versions: '0+' },
    timeoutMs: { type: t.int32, versions: '0+' },
    topicData: {
      type: t.array(t.struct('TopicProduceData', {
        name: { type: t.string, versions: '0+' },
        partitionData: {
          type: t.array(t.struct('PartitionProduceData', {
            index: { type: t.int32, versions: '0+' },
            records: { type: t.records, versions: '0+', nullableVersions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export const ProduceResponseSchema = message({
  name: 'ProduceResponse',
  type: 'response',
  apiKey: 0,
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: {
    responses: {
      type: t.array(t.struct('TopicProduceResponse', {
        name: { type: t.string, versions: '0+' },
        partitionResponses: {
          type: t.array(t.struct('PartitionProduceResponse', {
            index: { type: t.int32, versions: '0+' },
            errorCode: { type: t.int16, versions: '0+' },
            baseOffset: { type: t.int64, versions: '0+' },
            logAppendTimeMs: { type: t.int64, versions: '2+', default: -1, ignorable: true },
            logStartOffset: { type: t.int64, versions: '5+', default: -1, ignorable: true },
            recordErrors: {
              type: t.array(t.struct('BatchIndexAndErrorMessage', {
                batchIndex: { type: t.int32, versions: '8+' },
                batchIndexErrorMessage: { type: t.string, versions: '8+', nullableVersions: '8+', default: null },
              })),
              versions: '8+', ignorable: true,
            },
            errorMessage: { type: t.string, versions: '8+', nullableVersions: '8+', default: null, ignorable: true },
            currentLeader: {
              type: t.struct('LeaderIdAndEpoch', {
                leaderId: { type: t.int32, versions: '10+', default: -1 },
                leaderEpoch: { type: t.int32, versions: '10+', default: -1 },
              }),
              versions: '10+', tag: 0, taggedVersions: '10+',
            },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    throttleTimeMs: { type: t.int32, versions: '1+', default: 0, ignorable: true },
    nodeEndpoints: {
      type: t.array(t.struct('NodeEndpoint', {
        nodeId: { type: t.int32, versions: '10+' },
        host: { type: t.string, versions: '10+' },
        port: { type: t.int32, versions: '10+' },
        rack: { type: t.string, versions: '10+', nullableVersions: '10+', default: null },
      })),
      versions: '10+', tag: 0, taggedVersions: '10+',
    },
  },
})

export type ProduceRequest = MessageType<typeof ProduceRequestSchema>
export type ProduceResponse = MessageType<typeof ProduceResponseSchema>

export const Produce = defineApi({
  request: ProduceRequestSchema,
  response: ProduceResponseSchema,
  advertisedVersions: '3-9',
  expectsResponse: (request) => request.acks !== 0,
})
