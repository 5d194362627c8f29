import { describe, expect, it } from 'vitest'
import {
  DeleteTopics, type DeleteTopicsResponse, DeleteTopicsRequestSchema, DeleteTopicsResponseSchema,
} from '../../../../core/protocol/apis/delete-topics.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const TOPIC_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
const ZERO = '00000000-0000-0000-0000-000000000000'

const response = (version: number): DeleteTopicsResponse => ({
  throttleTimeMs: 0,
  responses: [
    { name: 'orders', topicId: TOPIC_ID, errorCode: 0, errorMessage: null },
    { name: version >= 6 ? null : 'gone', topicId: ZERO, errorCode: 100, errorMessage: 'No topic has id' },
    { name: 'missing', topicId: ZERO, errorCode: 3, errorMessage: "Topic 'missing' does not exist" },
  ],
})

describe('DeleteTopics golden bytes', () => {
  it('v6 request: topics by id with a null compact name', () => {
    const body = encodeMessage(DeleteTopicsRequestSchema, 6, { topics: [{ name: null, topicId: TOPIC_ID }], topicNames: [], timeoutMs: 5000 })
    expect(body.toString('hex')).toBe(hex(`02 00 ${TOPIC_ID.replaceAll('-', '')} 00 00001388 00`).toString('hex'))
  })

  it('v4 request (flexible): topic names as a compact array of compact strings', () => {
    const body = encodeMessage(DeleteTopicsRequestSchema, 4, { topics: [], topicNames: ['a'], timeoutMs: 1 })
    expect(body.toString('hex')).toBe(hex('02 0261 00000001 00').toString('hex'))
  })
})

describe('DeleteTopics round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(DeleteTopicsRequestSchema, () => ({
      topics: [{ name: 'a', topicId: ZERO }, { name: null, topicId: TOPIC_ID }], topicNames: ['a', 'b'], timeoutMs: 30000,
    }))).toBe(7)
    expect(expectRoundTripAllVersions(DeleteTopicsResponseSchema, (v) => response(v))).toBe(7)
  })

  it('v0–5 requests carry names only; v6 topics only', () => {
    const v5 = decodeMessage(DeleteTopicsRequestSchema, 5, encodeMessage(DeleteTopicsRequestSchema, 5, { topics: [{ name: 'x', topicId: ZERO }], topicNames: ['a'], timeoutMs: 1 }))
    expect([v5.topics, v5.topicNames]).toEqual([[], ['a']])
    const v6 = decodeMessage(DeleteTopicsRequestSchema, 6, encodeMessage(DeleteTopicsRequestSchema, 6, { topics: [{ name: 'x', topicId: ZERO }], topicNames: ['a'], timeoutMs: 1 }))
    expect([v6.topics, v6.topicNames]).toEqual([[{ name: 'x', topicId: ZERO }], []])
  })
})

describe('DeleteTopics against kafkajs 2.2.4', () => {
  for (const version of [0, 1]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(DeleteTopics, version, 'deleteTopics', { topics: ['orders', 'payments'], timeout: 1500 })
      expect([decoded.topicNames, decoded.timeoutMs]).toEqual([['orders', 'payments'], 1500])
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      const theirs = await kafkajsReadsResponse(DeleteTopics, version, 'deleteTopics', response(version))
      expect(theirs.topicErrors).toEqual([{ topic: 'gone', errorCode: 100 }, { topic: 'missing', errorCode: 3 }, { topic: 'orders', errorCode: 0 }])
    })
  }
})
