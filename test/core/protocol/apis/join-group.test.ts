import { describe, expect, it } from 'vitest'
import {
  JoinGroup, type JoinGroupRequest, type JoinGroupResponse, JoinGroupRequestSchema, JoinGroupResponseSchema,
} from '../../../../core/protocol/apis/join-group.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const META = Buffer.from('0000000000010006746f7069633100000000', 'hex')

const request = (version: number): JoinGroupRequest => ({
  groupId: 'billing', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, memberId: 'm-1',
  groupInstanceId: version >= 5 ? 'instance-1' : null, protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: META }, { name: 'roundrobin', metadata: Buffer.alloc(0) }],
  reason: version >= 8 ? 'rebalance needed' : null,
})

const response = (version: number): JoinGroupResponse => ({
  throttleTimeMs: 0, errorCode: 0, generationId: 3, protocolType: version >= 7 ? 'consumer' : null,
  protocolName: version >= 7 ? null : 'range', leader: 'm-1', skipAssignment: version >= 9, memberId: 'm-1',
  members: [
    { memberId: 'm-1', groupInstanceId: version >= 5 ? 'instance-1' : null, metadata: META },
    { memberId: 'm-2', groupInstanceId: null, metadata: Buffer.from('x') },
  ],
})

describe('JoinGroup schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(JoinGroupRequestSchema, 'JoinGroupRequest')
    expectMatchesKafkaDefinition(JoinGroupResponseSchema, 'JoinGroupResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(JoinGroupRequestSchema, request)).toBe(10)
    expect(expectRoundTripAllVersions(JoinGroupResponseSchema, response)).toBe(10)
  })

  it('advertises 0–9', () => {
    expect(JoinGroup.advertisedVersions).toEqual({ min: 0, max: 9 })
  })

  it('v0 has no rebalance timeout: decoding fills in -1 (the handler uses the session timeout)', () => {
    expect(decodeMessage(JoinGroupRequestSchema, 0, encodeMessage(JoinGroupRequestSchema, 0, request(0))).rebalanceTimeoutMs).toBe(-1)
  })

  it('protocolName is nullable only from v7', () => {
    const noProtocol = { ...response(9), protocolName: null, protocolType: null }
    expect(() => encodeMessage(JoinGroupResponseSchema, 6, noProtocol)).toThrow(/protocolName: null is not allowed in version 6/)
    expect(decodeMessage(JoinGroupResponseSchema, 7, encodeMessage(JoinGroupResponseSchema, 7, noProtocol)).protocolName).toBeNull()
  })

  it('golden bytes: v6 request (flexible) with a null group instance id', () => {
    const body = { ...request(6), groupInstanceId: null, protocols: [{ name: 'range', metadata: Buffer.from('ab') }] }
    expect(encodeMessage(JoinGroupRequestSchema, 6, body).toString('hex')).toBe(hex(`
      08 62696c6c696e67  00007530  0000ea60  04 6d2d31  00  09 636f6e73756d6572
      02 06 72616e6765 03 6162 00
      00`).toString('hex'))
  })

  it('golden bytes: v9 response with skipAssignment and a null protocol type', () => {
    const body: JoinGroupResponse = { ...response(9), protocolType: null, protocolName: 'range', members: [] }
    expect(encodeMessage(JoinGroupResponseSchema, 9, body).toString('hex')).toBe(hex(`
      00000000 0000 00000003  00  06 72616e6765  04 6d2d31  01  04 6d2d31  01  00`).toString('hex'))
  })
})

describe('JoinGroup against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2, 3, 4, 5]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const args = {
        groupId: 'billing', sessionTimeout: 30_000, rebalanceTimeout: 60_000, memberId: '', groupInstanceId: 'instance-1',
        protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata: META }],
      }
      const decoded = await decodeKafkajsRequest(JoinGroup, version, 'joinGroup', args)
      expect(decoded).toMatchObject({ groupId: 'billing', sessionTimeoutMs: 30_000, memberId: '', protocolType: 'consumer' })
      expect(decoded.rebalanceTimeoutMs).toBe(version >= 1 ? 60_000 : -1)
      expect(decoded.groupInstanceId).toBe(version >= 5 ? 'instance-1' : null)
      expect(decoded.protocols).toEqual([{ name: 'RoundRobinAssigner', metadata: META }])

      const theirs = await kafkajsReadsResponse(JoinGroup, version, 'joinGroup', response(version))
      expect(theirs).toMatchObject({ errorCode: 0, generationId: 3, groupProtocol: 'range', leaderId: 'm-1', memberId: 'm-1' })
      expect(theirs.members.map((m: any) => [m.memberId, m.memberMetadata])).toEqual([['m-1', META], ['m-2', Buffer.from('x')]])
      if (version >= 5) expect(theirs.members[0].groupInstanceId).toBe('instance-1')
    })
  }
})
