/**
 * IncrementalAlterConfigs (key 44, KIP-339): change single config keys of topics or brokers
 * with an operation per key: SET (0), DELETE (1), APPEND (2) and SUBTRACT (3) (the last two for
 * list-type keys). Valid versions 0–1, flexible from 1.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

/** Kafka's `AlterConfigOp.OpType` ids. */
export const ConfigOperation = Object.freeze({ SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 })

export const IncrementalAlterConfigsRequestSchema = message({
  name: 'IncrementalAlterConfigsRequest',
  type: 'request',
  apiKey: 44,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: {
    resources: {
      type: t.array(t.struct('AlterConfigsResource', {
        resourceType: { type: t.int8, versions: '0+' },
        resourceName: { type: t.string, versions: '0+' },
        configs: {
          type: t.array(t.struct('AlterableConfig', {
            name: { type: t.string, versions: '0+' },
            configOperation: { type: t.int8, versions: '0+' },
            value: { type: t.string, versions: '0+', nullableVersions: '0+' },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
    validateOnly: { type: t.bool, versions: '0+' },
  },
})

export const IncrementalAlterConfigsResponseSchema = message({
  name: 'IncrementalAlterConfigsResponse',
  type: 'response',
  apiKey: 44,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    responses: {
      type: t.array(t.struct('AlterConfigsResourceResponse', {
        errorCode: { type: t.int16, versions: '0+' },
        errorMessage: { type: t.string, versions: '0+', nullableVersions: '0+' },
        resourceType: { type: t.int8, versions: '0+' },
        resourceName: { type: t.string, versions: '0+' },
      })),
      versions: '0+',
    },
  },
})

export type IncrementalAlterConfigsRequest = MessageType<typeof IncrementalAlterConfigsRequestSchema>
export type IncrementalAlterConfigsResponse = MessageType<typeof IncrementalAlterConfigsResponseSchema>

export const IncrementalAlterConfigs = defineApi({
  request: IncrementalAlterConfigsRequestSchema,
  response: IncrementalAlterConfigsResponseSchema,
  advertisedVersions: '0-1',
})
