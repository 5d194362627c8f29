import { describe, expect, it } from 'vitest'
import {
  ListOffsets, type ListOffsetsRequest, type ListOffsetsResponse, ListOffsetsRequestSchema, ListOffsetsResponseSchema,
} from '../../../../core/protocol/apis/list-offsets.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const TOPIC = Buffer.from('topic').toString('hex')

const request = (timestamp = -2): ListOffsetsRequest => ({
  replicaId: -1,
  isolationLevel: 1,
  topics: [{ name: 'topic', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }],
  timeoutMs: 0,
})

const response = (): ListOffsetsResponse => ({
  throttleTimeMs: 0,
  topics: [{
    name: 'topic',
    partitions: [
      { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [42], timestamp: 1_700_000_000_000, offset: 42, leaderEpoch: 0 },
      { partitionIndex: 1, errorCode: 3, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 },
    ],
  }],
})

describe('ListOffsets golden bytes', () => {
  it('v1 request: no isolation level, no maxNumOffsets', () => {
    const frame = encodeRequest(ListOffsets, 1, 4, 'creek', request())
    expect(frame.toString('hex')).toBe(hex(`0000002e 0002 0001 00000004 0005 637265656b
      ffffffff 00000001 0005 ${TOPIC} 00000001 00000000 fffffffffffffffe`).toString('hex'))
    const reader = new Reader(frame, 4)
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 2, apiVersion: 1, headerVersion: 1 })
    expect(decodeRequestBody(ListOffsets, 1, reader)).toEqual({ ...request(), isolationLevel: 0 })
  })

  it('v0 request carries maxNumOffsets; v0 response a list of offsets', () => {
    expect(encodeMessage(ListOffsetsRequestSchema, 0, request()).subarray(-12).toString('hex')).toBe('fffffffffffffffe00000001')
    const encoded = encodeMessage(ListOffsetsResponseSchema, 0, response())
    expect(encoded.toString('hex')).toBe(hex(`00000001 0005 ${TOPIC} 00000002
      00000000 0000 00000001 000000000000002a
      00000001 0003 00000000`).toString('hex'))
  })

  it('v7 request (flexible): isolation level, leader epoch, tag buffers', () => {
    const frame = encodeRequest(ListOffsets, 7, 4, 'creek', request(-3))
    expect(frame.toString('hex')).toBe(hex(`00000030 0002 0007 00000004 0005 637265656b 00
      ffffffff 01 02 06 ${TOPIC} 02 00000000 ffffffff fffffffffffffffd 00 00 00`).toString('hex'))
  })

  it('v4 response adds the leader epoch; v6 is compact', () => {
    expect(encodeMessage(ListOffsetsResponseSchema, 4, response()).toString('hex')).toBe(hex(`00000000 00000001 0005 ${TOPIC} 00000002
      00000000 0000 0000018bcfe56800 000000000000002a 00000000
      00000001 0003 ffffffffffffffff ffffffffffffffff ffffffff`).toString('hex'))
    const frame = encodeResponse(ListOffsets, 6, 9, response())
    expect(frame.subarray(4, 9).toString('hex')).toBe('0000000900')
    expect(decodeResponse(ListOffsets, 6, new Reader(frame, 4)).body).toEqual({ ...response(), topics: [{
      ...response().topics[0], partitions: response().topics[0].partitions.map((p) => ({ ...p, oldStyleOffsets: [] })),
    }] })
  })

  it('advertises 1-7', () => {
    expect(ListOffsets.advertisedVersions).toEqual({ min: 1, max: 7 })
  })
})

describe('ListOffsets round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(ListOffsetsRequestSchema, () => ({
      ...request(1_700_000_000_000), replicaId: 2, timeoutMs: 1000,
      topics: [{ name: 'a', partitions: [{ partitionIndex: 3, currentLeaderEpoch: 5, timestamp: -3, maxNumOffsets: 4 }] }, { name: 'b', partitions: [] }],
    }))).toBe(11)
    expect(expectRoundTripAllVersions(ListOffsetsResponseSchema, () => response())).toBe(11)
  })

  it('defaults: maxNumOffsets 1, currentLeaderEpoch -1, timestamp/offset/leaderEpoch -1', () => {
    const decodedRequest = decodeMessage(ListOffsetsRequestSchema, 1, encodeMessage(ListOffsetsRequestSchema, 1, request()))
    expect(decodedRequest.topics[0].partitions[0]).toEqual({ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 })
    const decoded = decodeMessage(ListOffsetsResponseSchema, 0, encodeMessage(ListOffsetsResponseSchema, 0, response()))
    expect(decoded.topics[0].partitions[0]).toEqual({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [42], timestamp: -1, offset: -1, leaderEpoch: -1 })
  })
})

describe('ListOffsets against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const args = {
        replicaId: -1, isolationLevel: 1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -1 }, { partition: 2, timestamp: 1_700_000_000_000 }] }],
      }
      const frame = await kafkajsRequestFrame('listOffsets', version, args, 6, 'kafkajs')
      const reader = new Reader(frame, 4)
      expect(decodeRequestHeader(reader)).toEqual({ apiKey: 2, apiVersion: version, correlationId: 6, clientId: 'kafkajs', headerVersion: 1 })
      const decoded = decodeRequestBody(ListOffsets, version, reader)
      expect(reader.remaining).toBe(0)
      expect(decoded.isolationLevel).toBe(version >= 2 ? 1 : 0)
      expect(decoded.topics[0].partitions.map((p) => [p.partitionIndex, p.timestamp, p.maxNumOffsets])).toEqual([[0, -1, 1], [2, 1_700_000_000_000, 1]])
      expect(encodeRequest(ListOffsets, version, 6, 'kafkajs', decoded).equals(frame)).toBe(true)
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsDecodeResponse('listOffsets', version, encodeMessage(ListOffsetsResponseSchema, version, response()))
      expect(theirs.responses[0].topic).toBe('topic')
      const [found, missing] = theirs.responses[0].partitions
      if (version === 0) expect(found).toEqual({ partition: 0, errorCode: 0, offsets: ['42'] })
      else expect(found).toEqual({ partition: 0, errorCode: 0, timestamp: '1700000000000', offset: '42' })
      expect(missing).toMatchObject({ partition: 1, errorCode: 3 })
    })
  }
})
