/**
 * DeleteRecords (key 21): raise the log start offset of partitions, making earlier records
 * unreadable and letting whole segments below it be deleted. Valid versions 0–2, flexible
 * from 2 (v1 is v0 with throttling before the response). An offset of −1 means the high
 * watermark; the response gives each partition's new low watermark (log start offset).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const DeleteRecordsRequestSchema = message({
  name: 'DeleteRecordsRequest',
  type: 'request',
  apiKey: 21,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: {
    topics: {
      type: t.array(t.struct('DeleteRecordsTopic', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('DeleteRecordsPartition', {
            partitionIndex: { type: t.int32, versions: '0+' },
            offset: { type: t.int64, versions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    timeoutMs: { type: t.int32, versions: '0+' },
  },
})

export const DeleteRecordsResponseSchema = message({
  name: 'DeleteRecordsResponse',
  type: 'response',
  apiKey: 21,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    topics: {
      type: t.array(t.struct('DeleteRecordsTopicResult', {
        name: { type: t.string, versions: '0+' },
        partitions: {
          type: t.array(t.struct('DeleteRecordsPartitionResult', {
            partitionIndex: { type: t.int32, versions: '0+' },
            lowWatermark: { type: t.int64, versions: '0+' },
            errorCode: { type: t.int16, versions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export type DeleteRecordsRequest = MessageType<typeof DeleteRecordsRequestSchema>
export type DeleteRecordsResponse = MessageType<typeof DeleteRecordsResponseSchema>

export const DeleteRecords = defineApi({
  request: DeleteRecordsRequestSchema,
  response: DeleteRecordsResponseSchema,
  advertisedVersions: '0-2',
})
