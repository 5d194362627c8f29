import { describe, expect, it } from 'vitest'
import {
  CreatePartitions, type CreatePartitionsResponse, CreatePartitionsRequestSchema, CreatePartitionsResponseSchema,
} from '../../../../core/protocol/apis/create-partitions.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): CreatePartitionsResponse => ({
  throttleTimeMs: 0,
  results: [
    { name: 'orders', errorCode: 0, errorMessage: null },
    { name: 'events', errorCode: 37, errorMessage: "Topic 'events' already has 4 partitions" },
  ],
})

describe('CreatePartitions golden bytes', () => {
  it('v2 request (flexible): null assignments as compact length 0', () => {
    const body = encodeMessage(CreatePartitionsRequestSchema, 2, { topics: [{ name: 'a', count: 2, assignments: null }], timeoutMs: 0, validateOnly: false })
    expect(body.toString('hex')).toBe(hex('02 0261 00000002 00 00  00000000 00 00').toString('hex'))
  })

  it('v0 request: null assignments as INT32 -1', () => {
    const body = encodeMessage(CreatePartitionsRequestSchema, 0, { topics: [{ name: 'a', count: 2, assignments: null }], timeoutMs: 0, validateOnly: true })
    expect(body.toString('hex')).toBe(hex('00000001 0001 61 00000002 ffffffff  00000000 01').toString('hex'))
  })
})

describe('CreatePartitions round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(CreatePartitionsRequestSchema, () => ({
      topics: [{ name: 'orders', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [1, 2] }] }, { name: 'events', count: 2, assignments: null }],
      timeoutMs: 30000, validateOnly: true,
    }))).toBe(4)
    expect(expectRoundTripAllVersions(CreatePartitionsResponseSchema, () => response())).toBe(4)
  })
})

describe('CreatePartitions against kafkajs 2.2.4', () => {
  for (const version of [0, 1]) {
    it(`v${version}: Creek reads kafkajs' request (no assignments: null) and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(CreatePartitions, version, 'createPartitions', {
        topicPartitions: [{ topic: 'orders', count: 4, assignments: [[1], [1]] }, { topic: 'events', count: 2 }],
        validateOnly: true, timeout: 1000,
      })
      expect(decoded.topics).toEqual([
        { name: 'orders', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] },
        { name: 'events', count: 2, assignments: null },
      ])
      expect([decoded.timeoutMs, decoded.validateOnly]).toEqual([1000, true])
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsReadsResponse(CreatePartitions, version, 'createPartitions', response())
      expect(theirs.topicErrors).toEqual([
        { topic: 'events', errorCode: 37, errorMessage: "Topic 'events' already has 4 partitions" },
        { topic: 'orders', errorCode: 0, errorMessage: null },
      ])
    })
  }
})
