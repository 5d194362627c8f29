/** kafkajs 2.2.4 has no IncrementalAlterConfigs encoder, so the cross-checks are golden bytes from SCHEMAS.txt. */
import { describe, expect, it } from 'vitest'
import {
  ConfigOperation, IncrementalAlterConfigs, IncrementalAlterConfigsRequestSchema, IncrementalAlterConfigsResponseSchema,
} from '../../../../core/protocol/apis/incremental-alter-configs.ts'
import { decodeResponse, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const request = {
  resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'k', configOperation: ConfigOperation.APPEND, value: 'v' }] }],
  validateOnly: false,
}
const response = { throttleTimeMs: 0, responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 'a' }] }

describe('IncrementalAlterConfigs golden bytes', () => {
  it('v0 request: INT32 arrays, INT16 strings, the operation as INT8', () => {
    expect(encodeMessage(IncrementalAlterConfigsRequestSchema, 0, request).toString('hex'))
      .toBe(hex('00000001 02 0001 61 00000001 0001 6b 02 0001 76 00').toString('hex'))
  })

  it('v1 request (flexible): compact forms and tag buffers', () => {
    const body = hex('02 02 0261 02 026b 02 0276 00 00 00 00')
    expect(encodeMessage(IncrementalAlterConfigsRequestSchema, 1, request).toString('hex')).toBe(body.toString('hex'))
    expect(decodeMessage(IncrementalAlterConfigsRequestSchema, 1, body)).toEqual(request)
  })

  it('v1 response (flexible) and its frame with response header v1', () => {
    expect(encodeMessage(IncrementalAlterConfigsResponseSchema, 1, response).toString('hex'))
      .toBe(hex('00000000 02 0028 04 626164 02 0261 00 00').toString('hex'))
    const frame = encodeResponse(IncrementalAlterConfigs, 1, 5, response)
    expect(decodeResponse(IncrementalAlterConfigs, 1, new Reader(frame, 4))).toMatchObject({ correlationId: 5, body: response })
  })
})

describe('IncrementalAlterConfigs round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(IncrementalAlterConfigsRequestSchema, () => ({
      resources: [{
        resourceType: 2, resourceName: 'orders',
        configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }, { name: 'segment.ms', configOperation: 1, value: null }],
      }],
      validateOnly: true,
    }))).toBe(2)
    expect(expectRoundTripAllVersions(IncrementalAlterConfigsResponseSchema, () => ({
      throttleTimeMs: 0, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }],
    }))).toBe(2)
  })
})
