import { describe, expect, it } from 'vitest'
import {
  ApiVersions, type ApiVersionsResponse, ApiVersionsRequestSchema, ApiVersionsResponseSchema, decodeApiVersionsResponse,
} from '../../../../core/protocol/apis/api-versions.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const CREEK = '637265656b' // 'creek'

const response = (): ApiVersionsResponse => ({
  ...createDefault(ApiVersionsResponseSchema),
  apiKeys: [
    { apiKey: 0, minVersion: 3, maxVersion: 9 },
    { apiKey: 3, minVersion: 0, maxVersion: 9 },
    { apiKey: 18, minVersion: 0, maxVersion: 3 },
  ],
})

describe('ApiVersions golden bytes', () => {
  it('v0 request: header v1 and an empty body', () => {
    const frame = encodeRequest(ApiVersions, 0, 1, 'creek', createDefault(ApiVersionsRequestSchema))
    expect(frame.toString('hex')).toBe(hex(`0000000f 0012 0000 00000001 0005 ${CREEK}`).toString('hex'))
  })

  it('v3 request: header v2 (INT16 client id + tag buffer), compact software name and version', () => {
    const frame = encodeRequest(ApiVersions, 3, 1, 'creek', { clientSoftwareName: 'creek', clientSoftwareVersion: '0.1.0' })
    const expected = hex(`0000001d 0012 0003 00000001 0005 ${CREEK} 00   06 ${CREEK} 06 302e312e30 00`)
    expect(frame.toString('hex')).toBe(expected.toString('hex'))
    const reader = new Reader(frame, 4)
    expect(decodeRequestHeader(reader)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'creek', headerVersion: 2 })
    expect(decodeRequestBody(ApiVersions, 3, reader)).toEqual({ clientSoftwareName: 'creek', clientSoftwareVersion: '0.1.0' })
  })

  it('v3 response: header v0 (no tag buffer), compact array, tag buffers', () => {
    const frame = encodeResponse(ApiVersions, 3, 1, response())
    const expected = hex(`00000021 00000001
      0000 04  0000 0003 0009 00  0003 0000 0009 00  0012 0000 0003 00
      00000000 00`)
    expect(frame.toString('hex')).toBe(expected.toString('hex'))
    expect(decodeResponse(ApiVersions, 3, new Reader(frame, 4))).toEqual({ correlationId: 1, body: response() })
  })

  it('v3 response tagged fields: supported features (tag 0) and finalized epoch (tag 1), defaults omitted', () => {
    const body = { ...response(), apiKeys: [], supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }], finalizedFeaturesEpoch: 5 }
    const encoded = encodeMessage(ApiVersionsResponseSchema, 3, body)
    const name = Buffer.from('metadata.version').toString('hex')
    expect(encoded.toString('hex')).toBe(hex(`0000 01 00000000  02  00 17 02 11 ${name} 0001 0014 00  01 08 0000000000000005`).toString('hex'))
    expect(decodeResponse(ApiVersions, 3, new Reader(hex(`00000001 ${encoded.toString('hex')}`))).body).toEqual(body)
  })

  it('v0 response: INT32 array, no throttle time', () => {
    expect(encodeMessage(ApiVersionsResponseSchema, 0, response()).toString('hex')).toBe(
      hex('0000 00000003 0000 0003 0009 0003 0000 0009 0012 0000 0003').toString('hex'),
    )
  })
})

describe('ApiVersions round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(ApiVersionsRequestSchema, () => ({ clientSoftwareName: 'creek', clientSoftwareVersion: '1.0' }))).toBe(5)
    const full = {
      ...response(), throttleTimeMs: 12, supportedFeatures: [{ name: 'f', minVersion: 0, maxVersion: 2 }], finalizedFeaturesEpoch: 3,
      finalizedFeatures: [{ name: 'f', maxVersionLevel: 2, minVersionLevel: 1 }], zkMigrationReady: true,
    }
    expect(expectRoundTripAllVersions(ApiVersionsResponseSchema, () => full)).toBe(5)
  })

  it('reads a v0 UNSUPPORTED_VERSION answer to a v3 request by falling back to v0', () => {
    const body = { ...response(), errorCode: 35 }
    const reader = new Reader(encodeMessage(ApiVersionsResponseSchema, 0, body))
    expect(decodeApiVersionsResponse(3, reader)).toEqual(body)
    expect(reader.remaining).toBe(0)
    expect(() => decodeApiVersionsResponse(3, new Reader(hex('0000 00')))).toThrow(/Cannot decode ApiVersionsResponse v3/)
  })
})

describe('ApiVersions against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2]) {
    it(`v${version}: kafkajs' request frame is Creek's, and kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsRequestFrame('apiVersions', version, {}, 42, 'kafkajs')
      const reader = new Reader(theirs, 4)
      expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 18, apiVersion: version, correlationId: 42, clientId: 'kafkajs' })
      expect(decodeRequestBody(ApiVersions, version, reader)).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' })
      expect(encodeRequest(ApiVersions, version, 42, 'kafkajs', createDefault(ApiVersionsRequestSchema)).equals(theirs)).toBe(true)

      const body = { ...response(), throttleTimeMs: 7 }
      const decoded = await kafkajsDecodeResponse('apiVersions', version, encodeMessage(ApiVersionsResponseSchema, version, body))
      expect(decoded.errorCode).toBe(0)
      expect(decoded.apiVersions).toEqual(body.apiKeys)
      // kafkajs v2 reports the throttle as clientSideThrottleTime (KIP-219).
      if (version === 1) expect(decoded.throttleTime).toBe(7)
      if (version === 2) expect(decoded.clientSideThrottleTime).toBe(7)
    })
  }
})
