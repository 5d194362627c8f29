import { describe, expect, it } from 'vitest'
import {
  LeaveGroup, type LeaveGroupResponse, LeaveGroupRequestSchema, LeaveGroupResponseSchema,
} from '../../../../core/protocol/apis/leave-group.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): LeaveGroupResponse => ({
  throttleTimeMs: 0, errorCode: 0,
  members: [{ memberId: 'm-1', groupInstanceId: null, errorCode: 0 }, { memberId: '', groupInstanceId: 'i-2', errorCode: 25 }],
})

describe('LeaveGroup schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(LeaveGroupRequestSchema, 'LeaveGroupRequest')
    expectMatchesKafkaDefinition(LeaveGroupResponseSchema, 'LeaveGroupResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(LeaveGroupRequestSchema, (v) => ({
      groupId: 'g', memberId: 'm-1', members: [{ memberId: 'm-1', groupInstanceId: 'i-1', reason: v >= 5 ? 'shutting down' : null }],
    }))).toBe(6)
    expect(expectRoundTripAllVersions(LeaveGroupResponseSchema, response)).toBe(6)
  })

  it('advertises 0–5', () => {
    expect(LeaveGroup.advertisedVersions).toEqual({ min: 0, max: 5 })
  })

  it('golden bytes: v0 names one member, v5 (flexible) a batch with reasons', () => {
    const body = { groupId: 'g', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null, reason: 'bye' }] }
    expect(encodeMessage(LeaveGroupRequestSchema, 0, body).toString('hex')).toBe(hex('0001 67 0001 6d').toString('hex'))
    expect(encodeMessage(LeaveGroupRequestSchema, 5, body).toString('hex')).toBe(hex('02 67  02 02 6d 00 04 627965 00  00').toString('hex'))
  })
})

describe('LeaveGroup against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2]) {
    it(`v${version}: one member`, async () => {
      const decoded = await decodeKafkajsRequest(LeaveGroup, version, 'leaveGroup', { groupId: 'g', memberId: 'm-1' })
      expect([decoded.groupId, decoded.memberId, decoded.members]).toEqual(['g', 'm-1', []])
      expect((await kafkajsReadsResponse(LeaveGroup, version, 'leaveGroup', { ...response(), errorCode: 25 })).errorCode).toBe(25)
    })
  }

  it('v3: a batch of members with per-member errors', async () => {
    const decoded = await decodeKafkajsRequest(LeaveGroup, 3, 'leaveGroup', { groupId: 'g', members: [{ memberId: 'm-1' }, { memberId: '', groupInstanceId: 'i-2' }] })
    expect(decoded.members).toEqual([{ memberId: 'm-1', groupInstanceId: null, reason: null }, { memberId: '', groupInstanceId: 'i-2', reason: null }])
    const theirs = await kafkajsReadsResponse(LeaveGroup, 3, 'leaveGroup', response())
    expect(theirs.members).toEqual([{ memberId: 'm-1', groupInstanceId: null, errorCode: 0 }, { memberId: '', groupInstanceId: 'i-2', errorCode: 25 }])
  })
})
