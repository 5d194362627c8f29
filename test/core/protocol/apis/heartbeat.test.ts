import { describe, expect, it } from 'vitest'
import { Heartbeat, HeartbeatRequestSchema, HeartbeatResponseSchema } from '../../../../core/protocol/apis/heartbeat.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

describe('Heartbeat schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(HeartbeatRequestSchema, 'HeartbeatRequest')
    expectMatchesKafkaDefinition(HeartbeatResponseSchema, 'HeartbeatResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(HeartbeatRequestSchema, (v) => ({ groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: v >= 3 ? 'i' : null }))).toBe(5)
    expect(expectRoundTripAllVersions(HeartbeatResponseSchema, () => ({ throttleTimeMs: 3, errorCode: 27 }))).toBe(5)
  })

  it('advertises 0–4', () => {
    expect(Heartbeat.advertisedVersions).toEqual({ min: 0, max: 4 })
  })

  it('golden bytes: v0 and v4 (flexible)', () => {
    const body = { groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: null }
    expect(encodeMessage(HeartbeatRequestSchema, 0, body).toString('hex')).toBe(hex('0001 67 00000007 0001 6d').toString('hex'))
    expect(encodeMessage(HeartbeatRequestSchema, 4, body).toString('hex')).toBe(hex('02 67 00000007 02 6d 00 00').toString('hex'))
    expect(encodeMessage(HeartbeatResponseSchema, 4, { throttleTimeMs: 0, errorCode: 27 }).toString('hex')).toBe('00000000001b00')
  })
})

describe('Heartbeat against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const decoded = await decodeKafkajsRequest(Heartbeat, version, 'heartbeat', { groupId: 'g', groupGenerationId: 7, memberId: 'm', groupInstanceId: 'i' })
      expect(decoded).toEqual({ groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: version >= 3 ? 'i' : null })
      const theirs = await kafkajsReadsResponse(Heartbeat, version, 'heartbeat', { throttleTimeMs: 0, errorCode: 27 })
      expect(theirs.errorCode).toBe(27)
    })
  }
})
