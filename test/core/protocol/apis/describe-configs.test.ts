import { describe, expect, it } from 'vitest'
import {
  DescribeConfigs, type DescribeConfigsResponse, DescribeConfigsRequestSchema, DescribeConfigsResponseSchema,
} from '../../../../core/protocol/apis/describe-configs.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const entry = { name: 'k', value: 'v', readOnly: false, isDefault: true, configSource: 5, isSensitive: false, synonyms: [], configType: 3, documentation: null }

const response = (): DescribeConfigsResponse => ({
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders',
      configs: [
        {
          name: 'retention.ms', value: '1000', readOnly: false, isDefault: false, configSource: 1, isSensitive: false,
          synonyms: [{ name: 'retention.ms', value: '1000', source: 1 }, { name: 'log.retention.hours', value: '168', source: 5 }],
          configType: 5, documentation: 'How long a segment is kept.',
        },
        { name: 'unset', value: null, readOnly: true, isDefault: true, configSource: 5, isSensitive: false, synonyms: [{ name: 'unset', value: null, source: 5 }], configType: 2, documentation: null },
      ],
    },
    { errorCode: 3, errorMessage: "Topic 'missing' does not exist", resourceType: 2, resourceName: 'missing', configs: [] },
  ],
})

describe('DescribeConfigs golden bytes', () => {
  it('v0 response: isDefault, no config source', () => {
    const body = encodeMessage(DescribeConfigsResponseSchema, 0, {
      throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'a', configs: [entry] }],
    })
    expect(body.toString('hex')).toBe(hex('00000000 00000001 0000 ffff 02 0001 61 00000001 0001 6b 0001 76 00 01 00').toString('hex'))
  })

  it('v4 response (flexible): config source, synonyms, config type and a null documentation', () => {
    const body = encodeMessage(DescribeConfigsResponseSchema, 4, {
      throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'a', configs: [entry] }],
    })
    expect(body.toString('hex')).toBe(hex('00000000 02 0000 00 02 0261 02 026b 0276 00 05 00 01 03 00 00 00 00').toString('hex'))
  })
})

describe('DescribeConfigs round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(DescribeConfigsRequestSchema, () => ({
      resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }],
      includeSynonyms: true, includeDocumentation: true,
    }))).toBe(5)
    expect(expectRoundTripAllVersions(DescribeConfigsResponseSchema, () => response())).toBe(5)
  })

  it('defaults for fields older versions lack: configSource -1, configType 0', () => {
    const decoded = decodeMessage(DescribeConfigsResponseSchema, 0, encodeMessage(DescribeConfigsResponseSchema, 0, response()))
    expect([decoded.results[0].configs[0].configSource, decoded.results[0].configs[0].configType, decoded.results[0].configs[0].synonyms]).toEqual([-1, 0, []])
  })
})

describe('DescribeConfigs against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2]) {
    it(`v${version}: Creek reads kafkajs' request (no config names: null) and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(DescribeConfigs, version, 'describeConfigs', {
        resources: [{ type: 2, name: 'orders', configNames: ['retention.ms', 'cleanup.policy'] }, { type: 4, name: '1' }],
        includeSynonyms: true,
      })
      expect(decoded.resources).toEqual([
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ])
      expect(decoded.includeSynonyms).toBe(version >= 1)
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsReadsResponse(DescribeConfigs, version, 'describeConfigs', response())
      const [orders, missing] = theirs.resources
      expect([orders.resourceName, missing.errorCode, missing.errorMessage]).toEqual(['orders', 3, "Topic 'missing' does not exist"])
      expect(orders.configEntries.map((e: any) => [e.configName, e.configValue, e.isDefault])).toEqual([['retention.ms', '1000', false], ['unset', null, true]])
      if (version === 0) expect(orders.configEntries[0].configSource).toBe(1) // kafkajs infers TOPIC_CONFIG from !isDefault
      if (version >= 1) {
        expect(orders.configEntries[0].configSource).toBe(1)
        expect(orders.configEntries[0].configSynonyms).toEqual([
          { configName: 'retention.ms', configValue: '1000', configSource: 1 },
          { configName: 'log.retention.hours', configValue: '168', configSource: 5 },
        ])
      }
    })
  }
})
