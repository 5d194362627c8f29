import { describe, expect, it } from 'vitest'
import {
  OffsetFetch, type OffsetFetchRequest, type OffsetFetchResponse, OffsetFetchRequestSchema, OffsetFetchResponseSchema,
} from '../../../../core/protocol/apis/offset-fetch.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const partitions = [
  { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 2, metadata: 'meta', errorCode: 0 },
  { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
]

const request = (version: number): OffsetFetchRequest => ({
  groupId: 'billing', topics: version >= 2 ? null : [{ name: 'orders', partitionIndexes: [0, 1] }],
  groups: [
    { groupId: 'billing', memberId: version >= 9 ? 'm-1' : null, memberEpoch: version >= 9 ? 5 : -1, topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
    { groupId: 'audit', memberId: null, memberEpoch: -1, topics: null },
  ],
  requireStable: version >= 7,
})

const response = (): OffsetFetchResponse => ({
  throttleTimeMs: 0, topics: [{ name: 'orders', partitions }], errorCode: 0,
  groups: [{ groupId: 'billing', topics: [{ name: 'orders', partitions }], errorCode: 0 }, { groupId: 'audit', topics: [], errorCode: 15 }],
})

describe('OffsetFetch schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(OffsetFetchRequestSchema, 'OffsetFetchRequest')
    expectMatchesKafkaDefinition(OffsetFetchResponseSchema, 'OffsetFetchResponse')
  })

  it('round-trips every valid version (single group to v7, groups from v8)', () => {
    expect(expectRoundTripAllVersions(OffsetFetchRequestSchema, request)).toBe(10)
    expect(expectRoundTripAllVersions(OffsetFetchResponseSchema, response)).toBe(10)
  })

  it('advertises 1–8', () => {
    expect(OffsetFetch.advertisedVersions).toEqual({ min: 1, max: 8 })
  })

  it('null topics (all offsets) only from v2', () => {
    expect(() => encodeMessage(OffsetFetchRequestSchema, 1, { ...request(1), topics: null })).toThrow(/topics: null is not allowed in version 1/)
    expect(encodeMessage(OffsetFetchRequestSchema, 2, request(2)).toString('hex')).toBe(hex('0007 62696c6c696e67 ffffffff').toString('hex'))
  })

  it('golden bytes: v8 (flexible) request for two groups (one for all topics, requireStable set) and a response', () => {
    expect(encodeMessage(OffsetFetchRequestSchema, 8, request(8)).toString('hex')).toBe(hex(`
      03  08 62696c6c696e67  02 07 6f7264657273 03 00000000 00000001 00  00
          06 6175646974      00  00
      01  00`).toString('hex'))
    const body = { ...response(), groups: [{ groupId: 'g', topics: [{ name: 't', partitions: [partitions[1]] }], errorCode: 0 }] }
    expect(encodeMessage(OffsetFetchResponseSchema, 8, body).toString('hex')).toBe(hex(`
      00000000  02  02 67  02  02 74  02 00000001 ffffffffffffffff ffffffff 01 0000 00  00  0000 00  00`).toString('hex'))
  })

  it('decoding v1 gives the group-level fields their defaults', () => {
    const decoded = decodeMessage(OffsetFetchResponseSchema, 1, encodeMessage(OffsetFetchResponseSchema, 1, response()))
    expect([decoded.errorCode, decoded.groups, decoded.topics[0].partitions[0].committedLeaderEpoch]).toEqual([0, [], -1])
  })
})

describe('OffsetFetch against kafkajs 2.2.4', () => {
  for (const version of [1, 2, 3, 4]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const args = { groupId: 'billing', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 1 }] }] }
      const decoded = await decodeKafkajsRequest(OffsetFetch, version, 'offsetFetch', args)
      expect([decoded.groupId, decoded.topics]).toEqual(['billing', [{ name: 'orders', partitionIndexes: [0, 1] }]])
      const theirs = await kafkajsReadsResponse(OffsetFetch, version, 'offsetFetch', { ...response(), errorCode: version >= 2 ? 16 : 0 })
      expect(theirs.responses).toEqual([{
        topic: 'orders',
        partitions: [{ partition: 0, offset: '42', metadata: 'meta', errorCode: 0 }, { partition: 1, offset: '-1', metadata: '', errorCode: 0 }],
      }])
      if (version >= 2) expect(theirs.errorCode).toBe(16)
    })
  }

  it('v3+: kafkajs asks for every topic with an empty list, sent as a null array', async () => {
    const decoded = await decodeKafkajsRequest(OffsetFetch, 3, 'offsetFetch', { groupId: 'billing', topics: [] })
    expect(decoded.topics).toBeNull()
  })
})
