import { describe, expect, it } from 'vitest'
import {
  Fetch, type FetchRequest, type FetchResponse, FetchRequestSchema, FetchResponseSchema,
} from '../../../../core/protocol/apis/fetch.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

/** shared/kafka-protocol/testvector.txt: one record, value 'hi', null key, timestamp 1700000000000 (70 bytes). */
const BATCH_HEX =
  '00000000000000000000003affffffff02bbcc41150000000000000000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000001100000000104686900'
const BATCH = hex(BATCH_HEX)
const TOPIC = Buffer.from('topic').toString('hex')
const TOPIC_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

const request = (overrides: Partial<FetchRequest> = {}): FetchRequest => ({
  ...createDefault(FetchRequestSchema),
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 1_048_576,
  isolationLevel: 1,
  topics: [{
    topic: 'topic', topicId: '00000000-0000-0000-0000-000000000000',
    partitions: [{ ...createDefault(FetchRequestSchema.fields.topics.type.items.fields.partitions.type.items), partition: 0, fetchOffset: 5, partitionMaxBytes: 65_536 }],
  }],
  ...overrides,
})

const partition = (overrides: Partial<FetchResponse['responses'][number]['partitions'][number]> = {}) => ({
  partitionIndex: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0,
  divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1, epoch: -1 },
  abortedTransactions: null as { producerId: number; firstOffset: number }[] | null, preferredReadReplica: -1, records: BATCH as Buffer | null,
  ...overrides,
})

const response = (version = 17): FetchResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: [{
    topic: version >= 13 ? '' : 'topic',
    topicId: version >= 13 ? TOPIC_ID : '00000000-0000-0000-0000-000000000000',
    partitions: [
      partition(),
      partition({
        partitionIndex: 1, errorCode: 1, highWatermark: 2 ** 40, lastStableOffset: 2 ** 40 - 1, logStartOffset: 7,
        abortedTransactions: [{ producerId: 9, firstOffset: 3 }], preferredReadReplica: 2, records: Buffer.alloc(0),
        ...(version >= 12 ? { divergingEpoch: { epoch: 1, endOffset: 10 }, currentLeader: { leaderId: 0, leaderEpoch: 3 }, snapshotId: { endOffset: 4, epoch: 1 } } : {}),
      }),
    ],
  }],
  nodeEndpoints: version >= 16 ? [{ nodeId: 0, host: 'h', port: 9092, rack: null }] : [],
})

describe('Fetch golden bytes', () => {
  it('v4 request: isolation level, INT32 arrays, no sessions', () => {
    const frame = encodeRequest(Fetch, 4, 5, 'creek', request())
    const expected = hex(`0000003f 0001 0004 00000005 0005 637265656b
      ffffffff 000001f4 00000001 00100000 01
      00000001 0005 ${TOPIC} 00000001 00000000 0000000000000005 00010000`)
    expect(frame.toString('hex')).toBe(expected.toString('hex'))
    const reader = new Reader(frame, 4)
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 1, apiVersion: 4, headerVersion: 1 })
    expect(decodeRequestBody(Fetch, 4, reader)).toEqual(request())
  })

  it('v12 request (flexible): sessions, epochs, rack id, clusterId as tag 0 of the request', () => {
    const body = encodeMessage(FetchRequestSchema, 12, request({ clusterId: 'c' }))
    expect(body.toString('hex')).toBe(hex(`ffffffff 000001f4 00000001 00100000 01 00000000 ffffffff
      02 06 ${TOPIC} 02 00000000 ffffffff 0000000000000005 ffffffff ffffffffffffffff 00010000 00 00
      01 01
      01 00 02 02 63`).toString('hex'))
    expect(decodeMessage(FetchRequestSchema, 12, body)).toEqual(request({ clusterId: 'c' }))
  })

  it('v13 request names topics by id; v15 moves the replica id into tag 1', () => {
    const byId = request({ topics: [{ ...request().topics[0], topic: '', topicId: TOPIC_ID }] })
    const v13 = encodeMessage(FetchRequestSchema, 13, byId)
    expect(v13.toString('hex')).toContain(`02${TOPIC_ID.replaceAll('-', '')}02`)
    const v15 = encodeMessage(FetchRequestSchema, 15, { ...byId, replicaState: { replicaId: 1, replicaEpoch: 2 } })
    expect(v15.subarray(0, 4).toString('hex')).toBe('000001f4') // no ReplicaId field any more
    expect(v15.subarray(-16).toString('hex')).toBe(hex('01 01 0d 00000001 0000000000000002 00').toString('hex'))
  })

  it('v4 response: null aborted transactions are INT32 -1, records NULLABLE_BYTES', () => {
    const encoded = encodeMessage(FetchResponseSchema, 4, { ...response(4), responses: [{ ...response(4).responses[0], partitions: [partition()] }] })
    expect(encoded.toString('hex')).toBe(hex(`00000000 00000001 0005 ${TOPIC} 00000001
      00000000 0000 0000000000000001 0000000000000001 ffffffff 00000046 ${BATCH_HEX}`).toString('hex'))
  })

  it('v12 response: compact records, the tagged currentLeader only when set', () => {
    const leader = partition({ abortedTransactions: [], currentLeader: { leaderId: 0, leaderEpoch: 0 } })
    const encoded = encodeMessage(FetchResponseSchema, 12, { ...response(12), responses: [{ ...response(12).responses[0], partitions: [leader] }] })
    expect(encoded.toString('hex')).toBe(hex(`00000000 0000 00000000 02 06 ${TOPIC} 02
      00000000 0000 0000000000000001 0000000000000001 0000000000000000 01 ffffffff 47 ${BATCH_HEX}
      01 01 09 00000000 00000000 00
      00 00`).toString('hex'))
  })

  it('response frames use header v0 up to v11 and v1 from v12', () => {
    for (const version of [11, 12, 17]) {
      const frame = encodeResponse(Fetch, version, 8, response(version))
      const decoded = decodeResponse(Fetch, version, new Reader(frame, 4))
      expect(decoded.correlationId).toBe(8)
      expect(decoded.body.responses[0].partitions[0].records).toEqual(BATCH)
    }
    expect(encodeResponse(Fetch, 12, 8, response(12)).subarray(4, 9).toString('hex')).toBe('0000000800')
  })

  it('advertises 4-12', () => {
    expect(Fetch.advertisedVersions).toEqual({ min: 4, max: 12 })
  })
})

describe('Fetch round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(FetchRequestSchema, (v) => request({
      clusterId: v >= 12 ? 'cluster' : null,
      replicaId: v <= 14 ? 3 : -1,
      replicaState: v >= 15 ? { replicaId: 3, replicaEpoch: 5 } : { replicaId: -1, replicaEpoch: -1 },
      sessionId: 7, sessionEpoch: 2, rackId: 'rack',
      topics: [{
        topic: v >= 13 ? '' : 'topic', topicId: v >= 13 ? TOPIC_ID : '00000000-0000-0000-0000-000000000000',
        partitions: [{
          partition: 2, currentLeaderEpoch: 4, fetchOffset: 2 ** 40, lastFetchedEpoch: 3, logStartOffset: 1, partitionMaxBytes: 100,
          replicaDirectoryId: v >= 17 ? TOPIC_ID : '00000000-0000-0000-0000-000000000000',
        }],
      }],
      forgottenTopicsData: [{ topic: v >= 13 ? '' : 'old', topicId: v >= 13 ? TOPIC_ID : '00000000-0000-0000-0000-000000000000', partitions: [1, 2] }],
    }))).toBe(18)
    expect(expectRoundTripAllVersions(FetchResponseSchema, (v) => response(v))).toBe(18)
  })

  it('fills fields older versions lack with Kafka\'s defaults', () => {
    const decoded = decodeMessage(FetchRequestSchema, 0, encodeMessage(FetchRequestSchema, 0, request()))
    expect(decoded).toMatchObject({ maxBytes: 0x7fffffff, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '' })
    expect(decoded.topics[0].partitions[0]).toMatchObject({ currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1 })
    const old = decodeMessage(FetchResponseSchema, 3, encodeMessage(FetchResponseSchema, 3, response(3))).responses[0].partitions[1]
    expect(old).toMatchObject({ lastStableOffset: -1, logStartOffset: -1, abortedTransactions: [], preferredReadReplica: -1 })
  })
})

describe('Fetch against kafkajs 2.2.4', () => {
  const topics = [
    { topic: 'orders', partitions: [{ partition: 0, fetchOffset: '12', maxBytes: 1_048_576 }, { partition: 3, fetchOffset: '0', maxBytes: 512 }] },
  ]
  for (const version of [4, 5, 6, 7, 8, 9, 10, 11]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const args = { replicaId: -1, maxWaitTime: 5000, minBytes: 1, maxBytes: 10_485_760, topics, isolationLevel: 1, rackId: 'r1' }
      const frame = await kafkajsRequestFrame('fetch', version, args, 42, 'kafkajs')
      const reader = new Reader(frame, 4)
      expect(decodeRequestHeader(reader)).toEqual({ apiKey: 1, apiVersion: version, correlationId: 42, clientId: 'kafkajs', headerVersion: 1 })
      const decoded = decodeRequestBody(Fetch, version, reader)
      expect(reader.remaining).toBe(0)
      expect(decoded).toMatchObject({ replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 10_485_760, isolationLevel: 1 })
      if (version >= 7) expect([decoded.sessionId, decoded.sessionEpoch]).toEqual([0, -1])
      if (version >= 11) expect(decoded.rackId).toBe('r1')
      expect(decoded.topics[0].partitions.map((p) => [p.partition, p.fetchOffset, p.partitionMaxBytes])).toEqual([[0, 12, 1_048_576], [3, 0, 512]])
      expect(encodeRequest(Fetch, version, 42, 'kafkajs', decoded).equals(frame)).toBe(true)
    })

    it(`v${version}: kafkajs reads Creek's response, records included`, async () => {
      const ours = response(version)
      const theirs = await kafkajsDecodeResponse('fetch', version, encodeMessage(FetchResponseSchema, version, ours))
      if (version >= 7) expect([theirs.errorCode, theirs.sessionId]).toEqual([0, 0])
      expect(theirs.responses[0].topicName).toBe('topic')
      const [first, second] = theirs.responses[0].partitions
      expect(first).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '1', lastStableOffset: '1' })
      expect(first.messages.map((m: any) => [m.offset, m.value.toString(), m.timestamp])).toEqual([['0', 'hi', '1700000000000']])
      expect(second).toMatchObject({ partition: 1, errorCode: 1, highWatermark: String(2 ** 40), messages: [] })
      expect(second.abortedTransactions).toEqual([{ producerId: '9', firstOffset: '3' }])
      if (version >= 5) expect(second.lastStartOffset).toBe('7')
      if (version >= 11) expect(second.preferredReadReplica).toBe(2)
    })
  }
})
