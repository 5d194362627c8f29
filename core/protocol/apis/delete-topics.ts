/**
 * DeleteTopics (key 20): delete topics and their data. Valid versions 0–6, flexible from 4.
 *
 * Version notes that matter to a broker:
 * - v0–5 name topics in `topicNames`; v6 in `topics`, each by name or by topic id (exactly one
 *   of the two), and the response may then carry a null name with the id.
 * - v1 throttleTimeMs; v5 errorMessage (and THROTTLING_QUOTA_EXCEEDED, unused by Creek).
 * - With deletion disabled Kafka answers INVALID_REQUEST below v3 and TOPIC_DELETION_DISABLED
 *   from v3, whose clients know that code.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const DeleteTopicsRequestSchema = message({
  name: 'DeleteTopicsRequest',
  type: 'request',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: {
    topics: {
      type: t.array(t.struct('DeleteTopicState', {
        name: { type: t.string, versions: '6+', nullableVersions: '6+', default: null },
        topicId: { type: t.uuid, versions: '6+' },
      })),
      versions: '6+',
    },
    topicNames: { type: t.array(t.string), versions: '0-5', ignorable: true },
    timeoutMs: { type: t.int32, versions: '0+' },
  },
})

export const DeleteTopicsResponseSchema = message({
  name: 'DeleteTopicsResponse',
  type: 'response',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    responses: {
      type: t.array(t.struct('DeletableTopicResult', {
        name: { type: t.string, versions: '0+', nullableVersions: '6+' },
        topicId: { type: t.uuid, versions: '6+', ignorable: true },
        errorCode: { type: t.int16, versions: '0+' },
        errorMessage: { type: t.string, versions: '5+', nullableVersions: '5+', ignorable: true, default: null },
      })),
      versions: '0+',
    },
  },
})

export type DeleteTopicsRequest = MessageType<typeof DeleteTopicsRequestSchema>
export type DeleteTopicsResponse = MessageType<typeof DeleteTopicsResponseSchema>

export const DeleteTopics = defineApi({
  request: DeleteTopicsRequestSchema,
  response: DeleteTopicsResponseSchema,
  advertisedVersions: '0-6',
})
