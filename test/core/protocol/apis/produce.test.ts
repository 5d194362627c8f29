import { describe, expect, it } from 'vitest'
import {
  Produce, type ProduceRequest, type ProduceResponse, ProduceRequestSchema, ProduceResponseSchema,
} from '../../../../core/protocol/apis/produce.ts'
import { decodeRequestBody, decodeRequestHeader, encodeRequest } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { decodeRecordBatchSync } from '../../../../core/protocol/record-batch.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

/** shared/kafka-protocol/testvector.txt: one record, value 'hi', null key, timestamp 1700000000000 (70 bytes). */
const BATCH_HEX =
  '00000000000000000000003affffffff02bbcc41150000000000000000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000001100000000104686900'
const BATCH = hex(BATCH_HEX)
const TOPIC = Buffer.from('topic').toString('hex')

const request = (records: Buffer | null = BATCH): ProduceRequest => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ name: 'topic', partitionData: [{ index: 0, records }] }],
})

const response = (version = 11): ProduceResponse => ({
  responses: [{
    name: 'topic',
    partitionResponses: [
      {
        index: 0, errorCode: 0, baseOffset: 2 ** 40 + 5, logAppendTimeMs: 1_700_000_000_123, logStartOffset: 17,
        recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 },
      },
      {
        index: 1, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1,
        recordErrors: [{ batchIndex: 3, batchIndexErrorMessage: 'bad record' }], errorMessage: 'not the leader',
        currentLeader: version >= 10 ? { leaderId: 2, leaderEpoch: 7 } : { leaderId: -1, leaderEpoch: -1 },
      },
    ],
  }],
  throttleTimeMs: 0,
  nodeEndpoints: version >= 10 ? [{ nodeId: 2, host: 'b2', port: 9092, rack: null }] : [],
})

describe('Produce golden bytes', () => {
  it('v3 request: nullable transactional id, INT32 arrays, NULLABLE_BYTES records', () => {
    const frame = encodeRequest(Produce, 3, 9, 'creek', request())
    const expected = hex(`00000074 0000 0003 00000009 0005 637265656b
      ffff ffff 00007530
      00000001 0005 ${TOPIC} 00000001 00000000 00000046 ${BATCH_HEX}`)
    expect(frame.toString('hex')).toBe(expected.toString('hex'))
    const reader = new Reader(frame, 4)
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 0, apiVersion: 3, headerVersion: 1 })
    expect(decodeRequestBody(Produce, 3, reader)).toEqual(request())
  })

  it('v9 request (flexible): compact nullable string and records, tag buffers at every level', () => {
    const frame = encodeRequest(Produce, 9, 9, 'creek', request())
    const expected = hex(`0000006d 0000 0009 00000009 0005 637265656b 00
      00 ffff 00007530
      02 06 ${TOPIC} 02 00000000 47 ${BATCH_HEX} 00 00
      00`)
    expect(frame.toString('hex')).toBe(expected.toString('hex'))
    const reader = new Reader(frame, 4)
    decodeRequestHeader(reader)
    expect(decodeRequestBody(Produce, 9, reader)).toEqual(request())
  })

  it('decodes records as a zero-copy view of the frame that decodes to the batch', () => {
    const frame = encodeRequest(Produce, 9, 9, null, request())
    const reader = new Reader(frame, 4)
    decodeRequestHeader(reader)
    const records = decodeRequestBody(Produce, 9, reader).topicData[0].partitionData[0].records!
    expect(records.buffer).toBe(frame.buffer)
    expect(records.byteOffset).toBe(frame.byteOffset + frame.length - 3 - 70)
    const batch = decodeRecordBatchSync(records)
    expect(batch.records.map((r) => r.value?.toString())).toEqual(['hi'])
  })

  it('null records are INT32 -1 and compact 0', () => {
    expect(encodeMessage(ProduceRequestSchema, 3, request(null)).subarray(-4).toString('hex')).toBe('ffffffff')
    expect(encodeMessage(ProduceRequestSchema, 9, request(null)).subarray(-4).toString('hex')).toBe('00000000')
  })

  it('v10 response writes currentLeader (tag 0 of the partition) and nodeEndpoints (tag 0 of the response) only when set', () => {
    const encoded = encodeMessage(ProduceResponseSchema, 10, response(10))
    const partition1 = hex(`00000001 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff
      02 00000003 0b 626164207265636f7264 00  0f 6e6f7420746865206c6561646572
      01 00 09 00000002 00000007 00`)
    expect(encoded.toString('hex')).toContain(partition1.toString('hex'))
    expect(encoded.subarray(-21).toString('hex')).toBe(hex('00000000 01 00 0e 02 00000002 03 6232 00002384 00 00').toString('hex'))
  })

  it('acks = 0 expects no response', () => {
    expect(Produce.expectsResponse({ ...request(), acks: 0 })).toBe(false)
    expect(Produce.expectsResponse(request())).toBe(true)
    expect(Produce.advertisedVersions).toEqual({ min: 3, max: 9 })
  })
})

describe('Produce round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(ProduceRequestSchema, () => ({
      ...request(), transactionalId: 'tx-1',
      topicData: [
        { name: 'a', partitionData: [{ index: 0, records: BATCH }, { index: 1, records: null }] },
        { name: 'b', partitionData: [] },
      ],
    }))).toBe(12)
    expect(expectRoundTripAllVersions(ProduceResponseSchema, (v) => response(v))).toBe(12)
  })

  it('fills response fields older versions lack with Kafka\'s defaults', () => {
    const decoded = decodeMessage(ProduceResponseSchema, 0, encodeMessage(ProduceResponseSchema, 0, response(0)))
    expect(decoded.responses[0].partitionResponses[0]).toEqual({
      index: 0, errorCode: 0, baseOffset: 2 ** 40 + 5, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [],
      errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 },
    })
    expect(decoded.nodeEndpoints).toEqual([])
  })
})

describe('Produce against kafkajs 2.2.4', () => {
  const messages = [
    { key: 'k1', value: 'v1', timestamp: 1_700_000_000_000 },
    { key: null, value: 'v2', timestamp: 1_700_000_000_001, headers: { h: 'x' } },
  ]
  for (const version of [3, 4, 5, 6, 7]) {
    it(`v${version}: Creek reads kafkajs' request (batch included) and writes the same frame`, async () => {
      const args = {
        acks: 1, timeout: 5000, transactionalId: version === 4 ? 'tx' : undefined,
        topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages }] }],
      }
      const frame = await kafkajsRequestFrame('produce', version, args, 21, 'kafkajs')
      const reader = new Reader(frame, 4)
      expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 0, apiVersion: version, correlationId: 21 })
      const decoded = decodeRequestBody(Produce, version, reader)
      expect(reader.remaining).toBe(0)
      expect(decoded).toMatchObject({ transactionalId: version === 4 ? 'tx' : null, acks: 1, timeoutMs: 5000 })
      const partition = decoded.topicData[0].partitionData[0]
      expect([decoded.topicData[0].name, partition.index]).toEqual(['orders', 2])
      const batch = decodeRecordBatchSync(partition.records!)
      expect(batch.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp])).toEqual([
        ['k1', 'v1', 1_700_000_000_000], [null, 'v2', 1_700_000_000_001],
      ])
      expect(batch.records[1].headers).toEqual([{ key: 'h', value: Buffer.from('x') }])
      expect(encodeRequest(Produce, version, 21, 'kafkajs', decoded).equals(frame)).toBe(true)
    })
  }

  for (const version of [3, 5, 7]) {
    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsDecodeResponse('produce', version, encodeMessage(ProduceResponseSchema, version, response(version)))
      expect(theirs.topics[0].topicName).toBe('topic')
      expect(theirs.topics[0].partitions[0]).toMatchObject({
        partition: 0, errorCode: 0, baseOffset: String(2 ** 40 + 5), logAppendTime: '1700000000123',
      })
      if (version >= 5) expect(theirs.topics[0].partitions[0].logStartOffset).toBe('17')
      expect(theirs.topics[0].partitions[1]).toMatchObject({ partition: 1, errorCode: 6, baseOffset: '-1' })
    })
  }
})
