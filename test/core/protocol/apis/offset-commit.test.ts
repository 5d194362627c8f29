import { describe, expect, it } from 'vitest'
import {
  OffsetCommit, type OffsetCommitRequest, type OffsetCommitResponse, OffsetCommitRequestSchema, OffsetCommitResponseSchema,
} from '../../../../core/protocol/apis/offset-commit.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const request = (version: number): OffsetCommitRequest => ({
  groupId: 'billing', generationIdOrMemberEpoch: 4, memberId: 'm-1', groupInstanceId: version >= 7 ? 'i-1' : null, retentionTimeMs: 86_400_000,
  topics: [{
    name: 'orders',
    partitions: [
      { partitionIndex: 0, committedOffset: 2 ** 40, committedLeaderEpoch: 3, commitTimestamp: 1_700_000_000_000, committedMetadata: 'meta' },
      { partitionIndex: 1, committedOffset: 0, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null },
    ],
  }],
})

const response = (): OffsetCommitResponse => ({
  throttleTimeMs: 0,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }],
})

describe('OffsetCommit schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(OffsetCommitRequestSchema, 'OffsetCommitRequest')
    expectMatchesKafkaDefinition(OffsetCommitResponseSchema, 'OffsetCommitResponse')
  })

  it('round-trips every valid version (commitTimestamp only in v1, retention only in v2–4)', () => {
    expect(expectRoundTripAllVersions(OffsetCommitRequestSchema, request)).toBe(10)
    expect(expectRoundTripAllVersions(OffsetCommitResponseSchema, response)).toBe(10)
  })

  it('advertises 2–8', () => {
    expect(OffsetCommit.advertisedVersions).toEqual({ min: 2, max: 8 })
  })

  it('golden bytes: v8 (flexible) with a leader epoch and null metadata', () => {
    const body = { ...request(8), groupInstanceId: null, topics: [{ name: 't', partitions: [{ ...request(8).topics[0].partitions[1], committedOffset: 5 }] }] }
    expect(encodeMessage(OffsetCommitRequestSchema, 8, body).toString('hex')).toBe(hex(`
      08 62696c6c696e67  00000004  04 6d2d31  00
      02 02 74  02 00000001 0000000000000005 ffffffff 00 00  00
      00`).toString('hex'))
  })
})

describe('OffsetCommit against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3, 4, 5]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const args = {
        groupId: 'billing', groupGenerationId: 4, memberId: 'm-1', retentionTime: -1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '1099511627776', timestamp: 1_700_000_000_000, metadata: 'meta' }, { partition: 1, offset: '7', timestamp: 1 }] }],
      }
      const decoded = await decodeKafkajsRequest(OffsetCommit, version, 'offsetCommit', args)
      expect(decoded.groupId).toBe('billing')
      if (version >= 1) expect([decoded.generationIdOrMemberEpoch, decoded.memberId]).toEqual([4, 'm-1'])
      expect(decoded.retentionTimeMs).toBe(-1)
      expect(decoded.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedMetadata, p.commitTimestamp]))
        .toEqual([[0, 2 ** 40, 'meta', version === 1 ? 1_700_000_000_000 : -1], [1, 7, null, version === 1 ? 1 : -1]])
      const theirs = await kafkajsReadsResponse(OffsetCommit, version, 'offsetCommit', response())
      expect(theirs.responses).toEqual([{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 22 }] }])
    })
  }
})
