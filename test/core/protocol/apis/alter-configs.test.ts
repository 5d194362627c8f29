import { describe, expect, it } from 'vitest'
import {
  AlterConfigs, type AlterConfigsResponse, AlterConfigsRequestSchema, AlterConfigsResponseSchema,
} from '../../../../core/protocol/apis/alter-configs.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): AlterConfigsResponse => ({
  throttleTimeMs: 0,
  responses: [
    { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
    { errorCode: 42, errorMessage: 'Dynamic broker configs are not supported', resourceType: 4, resourceName: '1' },
  ],
})

describe('AlterConfigs golden bytes', () => {
  it('v2 request (flexible): a null value as compact length 0', () => {
    const body = encodeMessage(AlterConfigsRequestSchema, 2, {
      resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'k', value: null }] }], validateOnly: true,
    })
    expect(body.toString('hex')).toBe(hex('02 02 0261 02 026b 00 00 00 01 00').toString('hex'))
  })
})

describe('AlterConfigs round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(AlterConfigsRequestSchema, () => ({
      resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: null }] }],
      validateOnly: true,
    }))).toBe(3)
    expect(expectRoundTripAllVersions(AlterConfigsResponseSchema, () => response())).toBe(3)
  })
})

describe('AlterConfigs against kafkajs 2.2.4', () => {
  for (const version of [0, 1]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(AlterConfigs, version, 'alterConfigs', {
        resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: null }] }],
        validateOnly: true,
      })
      expect(decoded).toEqual({
        resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: null }] }],
        validateOnly: true,
      })
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsReadsResponse(AlterConfigs, version, 'alterConfigs', response())
      expect(theirs.resources).toEqual(response().responses)
    })
  }
})
