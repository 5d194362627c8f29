import { describe, expect, it } from 'vitest'
import {
  ListGroups, type ListGroupsResponse, ListGroupsRequestSchema, ListGroupsResponseSchema,
} from '../../../../core/protocol/apis/list-groups.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): ListGroupsResponse => ({
  throttleTimeMs: 0, errorCode: 0,
  groups: [
    { groupId: 'billing', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
    { groupId: 'offsets-only', protocolType: '', groupState: 'Empty', groupType: 'classic' },
  ],
})

describe('ListGroups schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(ListGroupsRequestSchema, 'ListGroupsRequest')
    expectMatchesKafkaDefinition(ListGroupsResponseSchema, 'ListGroupsResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(ListGroupsRequestSchema, () => ({ statesFilter: ['Stable', 'empty'], typesFilter: ['classic'] }))).toBe(6)
    expect(expectRoundTripAllVersions(ListGroupsResponseSchema, response)).toBe(6)
  })

  it('advertises 0–4', () => {
    expect(ListGroups.advertisedVersions).toEqual({ min: 0, max: 4 })
  })

  it('golden bytes: v0 empty request; v4 (flexible) states filter and group state', () => {
    expect(encodeMessage(ListGroupsRequestSchema, 0, { statesFilter: ['Stable'], typesFilter: [] }).length).toBe(0)
    expect(encodeMessage(ListGroupsRequestSchema, 4, { statesFilter: ['Stable'], typesFilter: [] }).toString('hex')).toBe(hex('02 07 537461626c65 00').toString('hex'))
    expect(encodeMessage(ListGroupsResponseSchema, 4, { ...response(), groups: [response().groups[0]] }).toString('hex'))
      .toBe(hex('00000000 0000  02  08 62696c6c696e67 09 636f6e73756d6572 07 537461626c65 00  00').toString('hex'))
  })
})

describe('ListGroups against kafkajs 2.2.4', () => {
  for (const version of [0, 1, 2]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      expect(await decodeKafkajsRequest(ListGroups, version, 'listGroups', {})).toEqual({ statesFilter: [], typesFilter: [] })
      const theirs = await kafkajsReadsResponse(ListGroups, version, 'listGroups', response())
      expect(theirs.errorCode).toBe(0)
      expect(theirs.groups).toEqual([{ groupId: 'billing', protocolType: 'consumer' }, { groupId: 'offsets-only', protocolType: '' }])
    })
  }
})
