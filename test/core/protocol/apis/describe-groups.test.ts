import { describe, expect, it } from 'vitest'
import {
  DescribeGroups, type DescribeGroupsResponse, DescribeGroupsRequestSchema, DescribeGroupsResponseSchema,
} from '../../../../core/protocol/apis/describe-groups.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (version: number): DescribeGroupsResponse => ({
  throttleTimeMs: 0,
  groups: [
    {
      errorCode: 0, groupId: 'billing', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range',
      members: [{
        memberId: 'm-1', groupInstanceId: version >= 4 ? 'i-1' : null, clientId: 'app', clientHost: '/127.0.0.1',
        memberMetadata: Buffer.from('meta'), memberAssignment: Buffer.from('assignment'),
      }],
      authorizedOperations: 328,
    },
    { errorCode: 0, groupId: 'unknown', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 },
  ],
})

describe('DescribeGroups schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(DescribeGroupsRequestSchema, 'DescribeGroupsRequest')
    expectMatchesKafkaDefinition(DescribeGroupsResponseSchema, 'DescribeGroupsResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(DescribeGroupsRequestSchema, (v) => ({ groups: ['billing', ''], includeAuthorizedOperations: v >= 3 }))).toBe(6)
    expect(expectRoundTripAllVersions(DescribeGroupsResponseSchema, response)).toBe(6)
  })

  it('advertises 0–5', () => {
    expect(DescribeGroups.advertisedVersions).toEqual({ min: 0, max: 5 })
  })

  it('authorized operations default to INT32_MIN below v3', () => {
    const decoded = decodeMessage(DescribeGroupsResponseSchema, 2, encodeMessage(DescribeGroupsResponseSchema, 2, response(2)))
    expect(decoded.groups[0].authorizedOperations).toBe(-2147483648)
  })

  it('golden bytes: v5 (flexible) request', () => {
    expect(encodeMessage(DescribeGroupsRequestSchema, 5, { groups: ['g'], includeAuthorizedOperations: true }).toString('hex'))
      .toBe(hex('02 02 67  01  00').toString('hex'))
  })
})

describe('DescribeGroups against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      const decoded = await decodeKafkajsRequest(DescribeGroups, version, 'describeGroups', { groupIds: ['billing', 'unknown'] })
      expect(decoded.groups).toEqual(['billing', 'unknown'])
      const theirs = await kafkajsReadsResponse(DescribeGroups, version, 'describeGroups', response(version))
      expect(theirs.groups[0]).toEqual({
        errorCode: 0, groupId: 'billing', state: 'Stable', protocolType: 'consumer', protocol: 'range',
        members: [{ memberId: 'm-1', clientId: 'app', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('meta'), memberAssignment: Buffer.from('assignment') }],
      })
      expect(theirs.groups[1]).toMatchObject({ groupId: 'unknown', state: 'Dead', members: [] })
    })
  }
})
