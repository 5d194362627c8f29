import { describe, expect, it } from 'vitest'
import { DeleteGroups, DeleteGroupsRequestSchema, DeleteGroupsResponseSchema } from '../../../../core/protocol/apis/delete-groups.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = () => ({ throttleTimeMs: 0, results: [{ groupId: 'billing', errorCode: 0 }, { groupId: 'busy', errorCode: 68 }] })

describe('DeleteGroups schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(DeleteGroupsRequestSchema, 'DeleteGroupsRequest')
    expectMatchesKafkaDefinition(DeleteGroupsResponseSchema, 'DeleteGroupsResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(DeleteGroupsRequestSchema, () => ({ groupsNames: ['billing', 'busy'] }))).toBe(3)
    expect(expectRoundTripAllVersions(DeleteGroupsResponseSchema, response)).toBe(3)
  })

  it('advertises 0–2', () => {
    expect(DeleteGroups.advertisedVersions).toEqual({ min: 0, max: 2 })
  })

  it('golden bytes: v2 (flexible)', () => {
    expect(encodeMessage(DeleteGroupsRequestSchema, 2, { groupsNames: ['g'] }).toString('hex')).toBe(hex('02 02 67 00').toString('hex'))
    expect(encodeMessage(DeleteGroupsResponseSchema, 2, { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 69 }] }).toString('hex'))
      .toBe(hex('00000000 02 02 67 0045 00 00').toString('hex'))
  })
})

describe('DeleteGroups against kafkajs 2.2.4', () => {
  for (const version of [0, 1]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame; kafkajs reads the response`, async () => {
      expect((await decodeKafkajsRequest(DeleteGroups, version, 'deleteGroups', ['billing', 'busy'])).groupsNames).toEqual(['billing', 'busy'])
      const theirs = await kafkajsReadsResponse(DeleteGroups, version, 'deleteGroups', response())
      expect(theirs.results.map((r: any) => [r.groupId, r.errorCode])).toEqual([['billing', 0], ['busy', 68]])
    })
  }
})
