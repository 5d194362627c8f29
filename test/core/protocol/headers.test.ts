import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { ApiKey } from '../../../core/protocol/api-keys.ts'
import { ApiVersions } from '../../../core/protocol/apis/api-versions.ts'
import { Metadata } from '../../../core/protocol/apis/metadata.ts'
import { Fetch } from '../../../core/protocol/apis/fetch.ts'
import { Produce } from '../../../core/protocol/apis/produce.ts'
import {
  SHARED_VALUE_BYTES, decodeRequestBody, decodeRequestHeader, decodeResponse, decodeResponseHeader, encodeRequest,
  encodeRequestChunks, encodeResponse, encodeResponseChunks, requestHeaderVersion, responseHeaderVersion,
} from '../../../core/protocol/headers.ts'
import { Reader } from '../../../core/protocol/reader.ts'
import { createDefault } from '../../../core/protocol/schema.ts'

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex')
const payload = (frame: Buffer): Reader => {
  expect(frame.readInt32BE(0)).toBe(frame.length - 4)
  return new Reader(frame, 4)
}

describe('header versions', () => {
  it('follow the API\'s flexible versions', () => {
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1)
    expect(requestHeaderVersion(ApiKey.Metadata, 9)).toBe(2)
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0)
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1)
    expect(requestHeaderVersion(ApiKey.Produce, 9)).toBe(2)
    expect(requestHeaderVersion(ApiKey.SaslHandshake, 1)).toBe(1)
    expect(requestHeaderVersion(ApiKey.DescribeCluster, 0)).toBe(2)
  })

  it('ApiVersions responses always use header v0; requests use v2 from v3', () => {
    for (let v = 0; v <= 4; v++) expect(responseHeaderVersion(ApiKey.ApiVersions, v)).toBe(0)
    expect(requestHeaderVersion(ApiKey.ApiVersions, 2)).toBe(1)
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2)
  })

  it('ControlledShutdown v0 uses request header v0; unknown APIs are refused', () => {
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0)
    expect(() => requestHeaderVersion(ApiKey.DescribeAcls, 1)).toThrow(/flexible versions of API DescribeAcls/)
  })
})

describe('request frames', () => {
  it('header v1: INT16 nullable client id, no tag buffer', () => {
    const frame = encodeRequest(Metadata, 0, 7, null, { ...createDefault(Metadata.request), topics: [] })
    expect(frame.toString('hex')).toBe(bytes('0000000e 0003 0000 00000007 ffff 00000000').toString('hex'))
    const reader = payload(frame)
    expect(decodeRequestHeader(reader)).toEqual({ apiKey: 3, apiVersion: 0, correlationId: 7, clientId: null, headerVersion: 1 })
    expect(decodeRequestBody(Metadata, 0, reader).topics).toEqual([])
  })

  it('header v2: the client id keeps its INT16 length, then a tag buffer', () => {
    const frame = encodeRequest(Metadata, 9, 7, 'cli', { ...createDefault(Metadata.request), topics: null })
    expect(frame.toString('hex')).toBe(bytes('00000013 0003 0009 00000007 0003 636c69 00  00 01 00 00 00').toString('hex'))
    const reader = payload(frame)
    expect(decodeRequestHeader(reader)).toMatchObject({ clientId: 'cli', headerVersion: 2 })
    expect(decodeRequestBody(Metadata, 9, reader)).toEqual({
      topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    })
    expect(reader.remaining).toBe(0)
  })

  it('skips tags in a v2 request header', () => {
    const reader = new Reader(bytes('0003 0009 00000001 ffff 02 00 01 aa 07 00  00 01 00 00 00'))
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 3, correlationId: 1, clientId: null, headerVersion: 2 })
    expect(decodeRequestBody(Metadata, 9, reader).topics).toBeNull()
  })

  it('reads the header of any API and version, even ones Creek cannot answer', () => {
    expect(decodeRequestHeader(new Reader(bytes('001d 0003 00000009 0001 78')))).toEqual({
      apiKey: 29, apiVersion: 3, correlationId: 9, clientId: 'x', headerVersion: 1,
    })
    expect(decodeRequestHeader(new Reader(bytes('0012 0063 00000009 0001 78 00')))).toMatchObject({ apiVersion: 99, headerVersion: 2 })
    expect(decodeRequestHeader(new Reader(bytes('0007 0000 00000009')))).toMatchObject({ clientId: null, headerVersion: 0 })
  })

  it('refuses truncated headers and invalid body versions with CORE_PROTOCOL', () => {
    const error = (() => { try { decodeRequestHeader(new Reader(bytes('0003 0009 0000'))) } catch (e) { return e } })() as CoreError
    expect(error).toBeInstanceOf(CoreError)
    expect(error.code).toBe('CORE_PROTOCOL')
    expect(error.message).toMatch(/^Cannot decode request header: Truncated INT32 at byte 4/)
    expect(() => decodeRequestBody(Metadata, 13, new Reader(bytes('00')))).toThrow(/Metadata request v13 is not a valid version \(0-12\)/)
  })

  it('refuses to encode a version the API does not have', () => {
    expect(() => encodeRequest(Produce, 12, 1, null, createDefault(Produce.request))).toThrow(/ProduceRequest has no version 12/)
  })
})

describe('response frames', () => {
  it('header v0 for non-flexible versions, v1 (tag buffer) for flexible ones', () => {
    const body = { ...createDefault(Produce.response), responses: [] }
    expect(encodeResponse(Produce, 3, 5, body).toString('hex')).toBe(bytes('0000000c 00000005 00000000 00000000').toString('hex'))
    expect(encodeResponse(Produce, 9, 5, body).toString('hex')).toBe(bytes('0000000b 00000005 00 01 00000000 00').toString('hex'))
    const decoded = decodeResponse(Produce, 9, payload(encodeResponse(Produce, 9, 5, body)))
    expect(decoded).toEqual({ correlationId: 5, body })
  })

  it('ApiVersions v3 responses have header v0 and a flexible body', () => {
    const body = { ...createDefault(ApiVersions.response), apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] }
    const frame = encodeResponse(ApiVersions, 3, 1, body)
    expect(frame.toString('hex')).toBe(bytes('00000013 00000001 0000 02 0012 0000 0003 00 00000000 00').toString('hex'))
    expect(decodeResponse(ApiVersions, 3, payload(frame)).body).toEqual(body)
  })

  it('skips tags in a v1 response header', () => {
    expect(decodeResponseHeader(new Reader(bytes('00000003 01 05 01 ff')), 1)).toEqual({ correlationId: 3 })
    expect(() => decodeResponseHeader(new Reader(bytes('00000003 01 05 03 ff')), 1)).toThrow(/Truncated tagged field 5/)
  })
})

describe('frames as chunks', () => {
  const small = Buffer.alloc(100, 1)
  const large = Buffer.alloc(SHARED_VALUE_BYTES + 1, 2)

  it('a Fetch response: the same bytes as encodeResponse, large record sets not copied', () => {
    const partitions = [partitionOf(0, large), partitionOf(1, small), partitionOf(2, large)]
    const body = { ...createDefault(Fetch.response), responses: [{ topic: 't', topicId: '00000000-0000-0000-0000-000000000000', partitions }] }
    for (const version of [4, 11, 12]) {
      const chunks = encodeResponseChunks(Fetch, version, 9, body)
      expect(Buffer.concat(chunks)).toEqual(encodeResponse(Fetch, version, 9, body))
      expect(chunks.filter((c) => c === large)).toHaveLength(2)
      expect(chunks.includes(small)).toBe(false)
    }
  })

  it('a Produce request: the same bytes as encodeRequest', () => {
    const body = { ...createDefault(Produce.request), acks: 1, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records: large }, { index: 1, records: small }] }] }
    for (const version of [3, 9]) {
      const chunks = encodeRequestChunks(Produce, version, 3, 'client', body)
      expect(Buffer.concat(chunks)).toEqual(encodeRequest(Produce, version, 3, 'client', body))
      expect(chunks).toContain(large)
    }
  })
})

function partitionOf(partitionIndex: number, records: Buffer) {
  return {
    partitionIndex, errorCode: 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, abortedTransactions: null,
    preferredReadReplica: -1, records, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
  }
}
