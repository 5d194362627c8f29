import { describe, expect, it } from 'vitest'
import {
  SyncGroup, type SyncGroupRequest, type SyncGroupResponse, SyncGroupRequestSchema, SyncGroupResponseSchema,
} from '../../../../core/protocol/apis/sync-group.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const ASSIGNMENT = Buffer.from('00000000000100056f726465727300000001000000000000', 'hex')

const request = (version: number): SyncGroupRequest => ({
  groupId: 'billing', generationId: 4, memberId: 'm-1', groupInstanceId: version >= 3 ? 'i-1' : null,
  protocolType: version >= 5 ? 'consumer' : null, protocolName: version >= 5 ? 'range' : null,
  assignments: [{ memberId: 'm-1', assignment: ASSIGNMENT }, { memberId: 'm-2', assignment: Buffer.alloc(0) }],
})

const response = (version: number): SyncGroupResponse => ({
  throttleTimeMs: 0, errorCode: 0, protocolType: version >= 5 ? 'consumer' : null, protocolName: version >= 5 ? 'range' : null, assignment: ASSIGNMENT,
})

describe('SyncGroup schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(SyncGroupRequestSchema, 'SyncGroupRequest')
    expectMatchesKafkaDefinition(SyncGroupResponseSchema, 'SyncGroupResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(SyncGroupRequestSchema, request)).toBe(6)
    expect(expectRoundTripAllVersions(SyncGroupResponseSchema, response)).toBe(6)
  })

  it('advertises 0–5', () => {
    expect(SyncGroup.advertisedVersions).toEqual({ min: 0, max: 5 })
  })

  it('golden bytes: v5 request (flexible) with protocol type and name, and its response', () => {
    const body = { ...request(5), groupInstanceId: null, assignments: [{ memberId: 'm', assignment: Buffer.from('ab') }] }
    expect(encodeMessage(SyncGroupRequestSchema, 5, body).toString('hex')).toBe(hex(`
      08 62696c6c696e67  00000004  04 6d2d31  00  09 636f6e73756d6572  06 72616e6765
      02 02 6d 03 6162 00  00`).toString('hex'))
    expect(encodeMessage(SyncGroupResponseSchema, 5, { ...response(5), assignment: Buffer.from('ab') }).toString('hex'))
      .toBe(hex('00000000 0000 09 636f6e73756d6572 06 72616e6765 03 6162 00').toString('hex'))
  })
})

describe('SyncGroup against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const args = {
        groupId: 'billing', generationId: 4, memberId: 'm-1', groupInstanceId: 'i-1',
        groupAssignment: [{ memberId: 'm-1', memberAssignment: ASSIGNMENT }, { memberId: 'm-2', memberAssignment: Buffer.alloc(0) }],
      }
      const decoded = await decodeKafkajsRequest(SyncGroup, version, 'syncGroup', args)
      expect(decoded).toMatchObject({ groupId: 'billing', generationId: 4, memberId: 'm-1', groupInstanceId: version >= 3 ? 'i-1' : null })
      expect(decoded.assignments).toEqual([{ memberId: 'm-1', assignment: ASSIGNMENT }, { memberId: 'm-2', assignment: Buffer.alloc(0) }])
      const theirs = await kafkajsReadsResponse(SyncGroup, version, 'syncGroup', response(version))
      expect(theirs).toMatchObject({ errorCode: 0, memberAssignment: ASSIGNMENT })
    })
  }
})
