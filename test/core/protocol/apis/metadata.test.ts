import { describe, expect, it } from 'vitest'
import {
  Metadata, type MetadataRequest, type MetadataResponse, MetadataRequestSchema, MetadataResponseSchema,
} from '../../../../core/protocol/apis/metadata.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestBody, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const TOPIC_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

const request = (topics: string[] | null): MetadataRequest => ({
  ...createDefault(MetadataRequestSchema),
  topics: topics === null ? null : topics.map((name) => ({ topicId: '00000000-0000-0000-0000-000000000000', name })),
})

const response = (version = 12): MetadataResponse => ({
  throttleTimeMs: 0,
  brokers: [
    { nodeId: 1, host: 'localhost', port: 9092, rack: null },
    { nodeId: 2, host: 'b2.example', port: 9093, rack: 'rack-a' },
  ],
  clusterId: 'creek-cluster',
  controllerId: 1,
  topics: [
    {
      errorCode: 0, name: 'orders', topicId: TOPIC_ID, isInternal: false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
        { errorCode: 9, partitionIndex: 1, leaderId: 2, leaderEpoch: 0, replicaNodes: [2, 1], isrNodes: [2], offlineReplicas: [1] },
      ],
      topicAuthorizedOperations: 0b1111_1000,
    },
    {
      errorCode: 3, name: version >= 12 ? null : 'missing', topicId: '00000000-0000-0000-0000-000000000000', isInternal: true,
      partitions: [], topicAuthorizedOperations: -2147483648,
    },
  ],
  clusterAuthorizedOperations: -2147483648,
})

describe('Metadata golden bytes', () => {
  it('v0 request with topics: header v1, INT32 array of INT16 strings', () => {
    const frame = encodeRequest(Metadata, 0, 7, null, request(['a', 'bc']))
    expect(frame.toString('hex')).toBe(hex('00000015 0003 0000 00000007 ffff  00000002 0001 61 0002 6263').toString('hex'))
    const reader = new Reader(frame, 4)
    decodeRequestHeader(reader)
    expect(decodeRequestBody(Metadata, 0, reader)).toEqual({
      ...request(['a', 'bc']), allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    })
  })

  it('v9 request (flexible): header v2, compact nullable array, per-topic and final tag buffers', () => {
    const frame = encodeRequest(Metadata, 9, 7, 'creek', request(['a']))
    expect(frame.toString('hex')).toBe(hex('00000018 0003 0009 00000007 0005 637265656b 00   02 02 61 00  01 00 00  00').toString('hex'))
  })

  it('v10 request adds topic ids; v12 allows a null name', () => {
    const body = { ...request(null), topics: [{ topicId: TOPIC_ID, name: null }] }
    const encoded = encodeMessage(MetadataRequestSchema, 12, body)
    expect(encoded.toString('hex')).toBe(hex(`02 ${TOPIC_ID.replaceAll('-', '')} 00 00  01 00 00`).toString('hex'))
    expect(() => encodeMessage(MetadataRequestSchema, 9, body)).toThrow(/at topics\[0\]\.name: null is not allowed in version 9/)
  })

  it('v1 response: controller id and rack, no cluster id', () => {
    const encoded = encodeMessage(MetadataResponseSchema, 1, {
      ...response(), brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      topics: [{ ...response().topics[0], partitions: [{ ...response().topics[0].partitions[0], replicaNodes: [1], isrNodes: [1] }] }],
    })
    expect(encoded.toString('hex')).toBe(hex(`
      00000001 00000001 0001 68 00002384 ffff
      00000001
      00000001 0000 0006 6f7264657273 00  00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001`).toString('hex'))
  })
})

describe('Metadata topic ids and the versions that carry them', () => {
  const unknownId = (): MetadataResponse => ({
    throttleTimeMs: 0, brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }], clusterId: 'c', controllerId: 1,
    topics: [{ errorCode: 100, name: null, topicId: TOPIC_ID, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 }],
    clusterAuthorizedOperations: -2147483648,
  })
  const head = '00000000 02 00000001 02 68 00002384 00 00  02 63  00000001'
  const id = TOPIC_ID.replaceAll('-', '')

  it('advertises every valid version, 0–12', () => {
    expect(Metadata.advertisedVersions).toEqual({ min: 0, max: 12 })
  })

  it('v12 response: a topic unknown by id has a null name and carries the id', () => {
    expect(encodeMessage(MetadataResponseSchema, 12, unknownId()).toString('hex'))
      .toBe(hex(`${head}  02  0064 00 ${id} 00 01 80000000 00  00`).toString('hex'))
    expect(() => encodeMessage(MetadataResponseSchema, 11, unknownId())).toThrow(/name: null is not allowed in version 11/)
  })

  it('v10 ends with cluster authorized operations; v11 drops them (DescribeCluster carries them)', () => {
    const named = { ...unknownId(), topics: [{ ...unknownId().topics[0], errorCode: 0, name: 'a' }] }
    const topic = `02  0000 02 61 ${id} 00 01 80000000 00`
    expect(encodeMessage(MetadataResponseSchema, 10, named).toString('hex')).toBe(hex(`${head}  ${topic}  80000000 00`).toString('hex'))
    expect(encodeMessage(MetadataResponseSchema, 11, named).toString('hex')).toBe(hex(`${head}  ${topic}  00`).toString('hex'))
    expect(encodeMessage(MetadataRequestSchema, 11, { ...request(['a']), includeClusterAuthorizedOperations: true }).toString('hex'))
      .toBe(hex(`02 ${'00'.repeat(16)} 02 61 00  01 00 00`).toString('hex'))
  })
})

describe('Metadata round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(MetadataRequestSchema, (v) => ({
      topics: [{ topicId: v >= 10 ? TOPIC_ID : '00000000-0000-0000-0000-000000000000', name: 'orders' }],
      allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true,
    }))).toBe(13)
    expect(expectRoundTripAllVersions(MetadataResponseSchema, (v) => response(v))).toBe(13)
  })

  it('defaults for fields older versions lack: controllerId -1, clusterId null, leaderEpoch -1, authorized ops MIN_INT', () => {
    const decoded = decodeMessage(MetadataResponseSchema, 0, encodeMessage(MetadataResponseSchema, 0, response(0)))
    expect(decoded.controllerId).toBe(-1)
    expect(decoded.clusterId).toBeNull()
    expect(decoded.brokers[1].rack).toBeNull()
    expect(decoded.topics[0].partitions[0].leaderEpoch).toBe(-1)
    expect(decoded.topics[0].topicAuthorizedOperations).toBe(-2147483648)
    expect(decoded.topics[0].topicId).toBe('00000000-0000-0000-0000-000000000000')
  })

  it('response frames: header v0 up to v8, v1 from v9', () => {
    for (const version of [8, 9, 12]) {
      const frame = encodeResponse(Metadata, version, 11, response(version))
      expect(decodeResponse(Metadata, version, new Reader(frame, 4)).correlationId).toBe(11)
    }
    const v9 = encodeResponse(Metadata, 9, 11, response(9))
    expect(v9.subarray(4, 9).toString('hex')).toBe('0000000b00') // correlation id, empty header tag buffer
  })
})

describe('Metadata against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3, 4, 5, 6]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const args = { topics: ['orders', 'payments'], allowAutoTopicCreation: version === 5 }
      const frame = await kafkajsRequestFrame('metadata', version, args, 3, 'kafkajs')
      const reader = new Reader(frame, 4)
      expect(decodeRequestHeader(reader)).toEqual({ apiKey: 3, apiVersion: version, correlationId: 3, clientId: 'kafkajs', headerVersion: 1 })
      const decoded = decodeRequestBody(Metadata, version, reader)
      expect(reader.remaining).toBe(0)
      expect(decoded.topics!.map((t) => t.name)).toEqual(['orders', 'payments'])
      expect(decoded.allowAutoTopicCreation).toBe(version < 4 ? true : version === 5)
      expect(encodeRequest(Metadata, version, 3, 'kafkajs', decoded).equals(frame)).toBe(true)
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const ours = response(version)
      const theirs = await kafkajsDecodeResponse('metadata', version, encodeMessage(MetadataResponseSchema, version, ours))
      expect(theirs.brokers.map((b: any) => [b.nodeId, b.host, b.port])).toEqual(ours.brokers.map((b) => [b.nodeId, b.host, b.port]))
      if (version >= 1) {
        expect(theirs.controllerId).toBe(1)
        expect(theirs.brokers[1].rack).toBe('rack-a')
        expect(theirs.topicMetadata[1].isInternal).toBe(true)
      }
      if (version >= 2) expect(theirs.clusterId).toBe('creek-cluster')
      const partition = theirs.topicMetadata[0].partitionMetadata[1]
      expect(theirs.topicMetadata[0].topic).toBe('orders')
      expect([partition.partitionErrorCode, partition.partitionId, partition.leader, partition.replicas, partition.isr]).toEqual([9, 1, 2, [2, 1], [2]])
      if (version >= 5) expect(partition.offlineReplicas).toEqual([1])
      expect(theirs.topicMetadata[1].topicErrorCode).toBe(3)
    })
  }

  it('kafkajs v1+ asks for all topics with an empty list, sent as a null array (INT32 -1)', async () => {
    const body = await kafkajsRequestBody('metadata', 1, { topics: [] })
    expect(body.toString('hex')).toBe('ffffffff')
    expect(decodeMessage(MetadataRequestSchema, 1, body).topics).toBeNull()
  })
})
