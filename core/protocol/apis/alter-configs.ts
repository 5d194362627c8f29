/**
 * AlterConfigs (key 33): replace the whole set of config overrides of topics or brokers;
 * keys not listed revert to their defaults. Valid versions 0–2, flexible from 2 (v1 is v0
 * with throttling before the response). IncrementalAlterConfigs is its per-key successor.
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

export const AlterConfigsRequestSchema = message({
  name: 'AlterConfigsRequest',
  type: 'request',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: {
    resources: {
      type: t.array(t.struct('AlterConfigsResource', {
        resourceType: { type: t.int8, versions: '0+' },
        resourceName: { type: t.string, versions: '0+' },
        configs: {
          type: t.array(t.struct('AlterableConfig', {
            name: { type: t.string, versions: '0+' },
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

export const AlterConfigsResponseSchema = message({
  name: 'AlterConfigsResponse',
  type: 'response',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
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

export type AlterConfigsRequest = MessageType<typeof AlterConfigsRequestSchema>
export type AlterConfigsResponse = MessageType<typeof AlterConfigsResponseSchema>

export const AlterConfigs = defineApi({
  request: AlterConfigsRequestSchema,
  response: AlterConfigsResponseSchema,
  advertisedVersions: '0-2',
})
