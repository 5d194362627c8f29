/**
 * DescribeConfigs (key 32): the configuration of topics and brokers. Valid versions 0–4,
 * flexible from 4.
 *
 * Version notes that matter to a broker:
 * - v0 says per entry whether it is a default (`isDefault`); v1 replaces that with
 *   `configSource` and adds synonyms (the same setting at other levels, most specific first),
 *   sent when the request asks for them (`includeSynonyms`).
 * - v2 is v1 with throttling before the response (KIP-219).
 * - v3 adds `configType` and `documentation` (KIP-569), the latter only when asked for.
 * - Resource types, config sources and config types are Kafka's ids (`ConfigResourceType`,
 *   `ConfigSource`, `ConfigType` below).
 */
import { defineApi } from '../api-descriptor.ts'
import { type MessageType, message, t } from '../schema.ts'

/** Kafka's `ConfigResource.Type` ids. */
export const ConfigResourceType = Object.freeze({ UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 })

/** Kafka's `DescribeConfigsResponse.ConfigSource` ids. */
export const ConfigSource = Object.freeze({
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
})

/** Kafka's `DescribeConfigsResponse.ConfigType` ids. */
export const ConfigType = Object.freeze({
  UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9,
})

export const DescribeConfigsRequestSchema = message({
  name: 'DescribeConfigsRequest',
  type: 'request',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: {
    resources: {
      type: t.array(t.struct('DescribeConfigsResource', {
        resourceType: { type: t.int8, versions: '0+' },
        resourceName: { type: t.string, versions: '0+' },
        configurationKeys: { type: t.array(t.string), versions: '0+', nullableVersions: '0+' },
      })),
      versions: '0+',
    },
    includeSynonyms: { type: t.bool, versions: '1+', default: false, ignorable: false },
    includeDocumentation: { type: t.bool, versions: '3+', default: false, ignorable: false },
  },
})

export const DescribeConfigsResponseSchema = message({
  name: 'DescribeConfigsResponse',
  type: 'response',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: {
    throttleTimeMs: { type: t.int32, versions: '0+' },
    results: {
      type: t.array(t.struct('DescribeConfigsResult', {
        errorCode: { type: t.int16, versions: '0+' },
        errorMessage: { type: t.string, versions: '0+', nullableVersions: '0+' },
        resourceType: { type: t.int8, versions: '0+' },
        resourceName: { type: t.string, versions: '0+' },
        configs: {
          type: t.array(t.struct('DescribeConfigsResourceResult', {
            name: { type: t.string, versions: '0+' },
            value: { type: t.string, versions: '0+', nullableVersions: '0+' },
            readOnly: { type: t.bool, versions: '0+' },
            isDefault: { type: t.bool, versions: '0' },
            configSource: { type: t.int8, versions: '1+', default: -1, ignorable: true },
            isSensitive: { type: t.bool, versions: '0+' },
            synonyms: {
              type: t.array(t.struct('DescribeConfigsSynonym', {
                name: { type: t.string, versions: '1+' },
                value: { type: t.string, versions: '1+', nullableVersions: '0+' },
                source: { type: t.int8, versions: '1+' },
              })),
              versions: '1+', ignorable: true,
            },
            configType: { type: t.int8, versions: '3+', default: 0, ignorable: true },
            documentation: { type: t.string, versions: '3+', nullableVersions: '0+', ignorable: true },
          })),
          versions: '0+',
        },
      })),
      versions: '0+',
    },
  },
})

export type DescribeConfigsRequest = MessageType<typeof DescribeConfigsRequestSchema>
export type DescribeConfigsResponse = MessageType<typeof DescribeConfigsResponseSchema>

export const DescribeConfigs = defineApi({
  request: DescribeConfigsRequestSchema,
  response: DescribeConfigsResponseSchema,
  advertisedVersions: '0-4',
})
