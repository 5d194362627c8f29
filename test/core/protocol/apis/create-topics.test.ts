import { describe, expect, it } from 'vitest'
import {
  CreateTopics, type CreateTopicsRequest, CreateTopicsRequestSchema, type CreateTopicsResponse, CreateTopicsResponseSchema,
} from '../../../../core/protocol/apis/create-topics.ts'
import { decodeResponse, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const TOPIC_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
const ZERO = '00000000-0000-0000-0000-000000000000'

const request = (): CreateTopicsRequest => ({
  topics: [
    { name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] },
    { name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [1, 2] }], configs: [] },
  ],
  timeoutMs: 5000,
  validateOnly: true,
})

const response = (): CreateTopicsResponse => ({
  throttleTimeMs: 0,
  topics: [
    {
      name: 'orders', topicId: TOPIC_ID, errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: 3, replicationFactor: 1,
      configs: [{ name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false }, { name: 'x', value: null, readOnly: true, configSource: 5, isSensitive: true }],
    },
    { name: 'bad', topicId: ZERO, errorCode: 38, errorMessage: 'Replication factor 3 cannot be satisfied', topicConfigErrorCode: 29, numPartitions: -1, replicationFactor: -1, configs: null },
  ],
})

describe('CreateTopics golden bytes', () => {
  it('v5 request (flexible): compact arrays and strings, a null config value, tag buffers', () => {
    const body = encodeMessage(CreateTopicsRequestSchema, 5, {
      topics: [{ name: 'a', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [{ name: 'x', value: null }] }],
      timeoutMs: 1000, validateOnly: true,
    })
    expect(body.toString('hex')).toBe(hex('02 0261 ffffffff ffff 01 02 0278 00 00 00 000003e8 01 00').toString('hex'))
  })

  it('v7 response: topic id, and topicConfigErrorCode as tagged field 0 only when set', () => {
    const result = { ...response().topics[0], configs: [{ name: 'x', value: 'y', readOnly: false, configSource: 1, isSensitive: false }] }
    const plain = encodeMessage(CreateTopicsResponseSchema, 7, { throttleTimeMs: 0, topics: [result] })
    const id = TOPIC_ID.replaceAll('-', '')
    expect(plain.toString('hex')).toBe(hex(`00000000 02 076f7264657273 ${id} 0000 00 00000003 0001 02 0278 0279 00 01 00 00 00 00`).toString('hex'))
    const tagged = encodeMessage(CreateTopicsResponseSchema, 7, { throttleTimeMs: 0, topics: [{ ...result, topicConfigErrorCode: 40 }] })
    expect(tagged.toString('hex')).toBe(hex(`00000000 02 076f7264657273 ${id} 0000 00 00000003 0001 02 0278 0279 00 01 00 00 01 00 02 0028 00`).toString('hex'))
  })
})

describe('CreateTopics round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(CreateTopicsRequestSchema, () => request())).toBe(8)
    expect(expectRoundTripAllVersions(CreateTopicsResponseSchema, () => response())).toBe(8)
  })

  it('defaults for fields older versions lack: validateOnly false, numPartitions and replicationFactor -1', () => {
    const req = decodeMessage(CreateTopicsRequestSchema, 0, encodeMessage(CreateTopicsRequestSchema, 0, request()))
    expect(req.validateOnly).toBe(false)
    const res = decodeMessage(CreateTopicsResponseSchema, 4, encodeMessage(CreateTopicsResponseSchema, 4, response()))
    expect([res.topics[0].numPartitions, res.topics[0].replicationFactor, res.topics[0].configs]).toEqual([-1, -1, []])
    expect(res.topics[0].topicId).toBe(ZERO)
  })

  it('response frames: header v0 up to v4, v1 from v5', () => {
    for (const version of [4, 5, 7]) {
      const frame = encodeResponse(CreateTopics, version, 9, response())
      expect(decodeResponse(CreateTopics, version, new Reader(frame, 4)).correlationId).toBe(9)
    }
  })
})

describe('CreateTopics against kafkajs 2.2.4', () => {
  const args = {
    topics: [
      { topic: 'orders', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1] }] },
    ],
    timeout: 2000,
    validateOnly: true,
  }

  for (const version of [0, 1, 2, 3]) {
    it(`v${version}: Creek reads kafkajs' request (−1 defaults included) and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(CreateTopics, version, 'createTopics', args)
      expect(decoded.topics.map((t) => [t.name, t.numPartitions, t.replicationFactor])).toEqual([['orders', 3, 1], ['manual', -1, -1]])
      expect(decoded.topics[0].configs).toEqual([{ name: 'cleanup.policy', value: 'compact' }])
      expect(decoded.topics[1].assignments).toEqual([{ partitionIndex: 0, brokerIds: [1] }])
      expect(decoded.timeoutMs).toBe(2000)
      expect(decoded.validateOnly).toBe(version >= 1)
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsReadsResponse(CreateTopics, version, 'createTopics', response())
      expect(theirs.topicErrors.map((t: any) => [t.topic, t.errorCode])).toEqual([['bad', 38], ['orders', 0]])
      if (version >= 1) expect(theirs.topicErrors[0].errorMessage).toBe('Replication factor 3 cannot be satisfied')
      if (version >= 2) expect(theirs.clientSideThrottleTime ?? theirs.throttleTime).toBe(0)
    })
  }
})
