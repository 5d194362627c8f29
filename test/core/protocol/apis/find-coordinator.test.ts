import { describe, expect, it } from 'vitest'
import {
  FindCoordinator, type FindCoordinatorResponse, FindCoordinatorRequestSchema, FindCoordinatorResponseSchema,
} from '../../../../core/protocol/apis/find-coordinator.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { decodeKafkajsRequest, kafkajsReadsResponse } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): FindCoordinatorResponse => ({
  throttleTimeMs: 5, errorCode: 0, errorMessage: 'NONE', nodeId: 1, host: 'localhost', port: 9092,
  coordinators: [
    { key: 'billing', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null },
    { key: 'tx-1', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'no transactions' },
  ],
})

describe('FindCoordinator schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(FindCoordinatorRequestSchema, 'FindCoordinatorRequest')
    expectMatchesKafkaDefinition(FindCoordinatorResponseSchema, 'FindCoordinatorResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(FindCoordinatorRequestSchema, () => ({ key: 'billing', keyType: 1, coordinatorKeys: ['a', 'b'] }))).toBe(7)
    expect(expectRoundTripAllVersions(FindCoordinatorResponseSchema, response)).toBe(7)
  })

  it('advertises 0–4', () => {
    expect(FindCoordinator.advertisedVersions).toEqual({ min: 0, max: 4 })
  })

  it('golden bytes: v0 single key; v3 flexible single key; v4 batched keys', () => {
    const request = { key: 'g', keyType: 0, coordinatorKeys: ['a', 'bc'] }
    expect(encodeMessage(FindCoordinatorRequestSchema, 0, request).toString('hex')).toBe(hex('0001 67').toString('hex'))
    expect(encodeMessage(FindCoordinatorRequestSchema, 3, request).toString('hex')).toBe(hex('02 67  00  00').toString('hex'))
    expect(encodeMessage(FindCoordinatorRequestSchema, 4, request).toString('hex')).toBe(hex('00  03 02 61 03 6263  00').toString('hex'))
    const v4 = encodeMessage(FindCoordinatorResponseSchema, 4, { ...response(), coordinators: [response().coordinators[0]] })
    expect(v4.toString('hex')).toBe(hex('00000005  02  08 62696c6c696e67 00000001 0a 6c6f63616c686f7374 00002384 0000 00 00  00').toString('hex'))
  })
})

describe('FindCoordinator against kafkajs 2.2.4', () => {
  it('v0: Creek reads kafkajs\' request and writes the same frame; kafkajs reads the response', async () => {
    const decoded = await decodeKafkajsRequest(FindCoordinator, 0, 'findCoordinator', { groupId: 'billing' })
    expect(decoded.key).toBe('billing')
    const theirs = await kafkajsReadsResponse(FindCoordinator, 0, 'findCoordinator', response())
    expect(theirs).toEqual({ errorCode: 0, coordinator: { nodeId: 1, host: 'localhost', port: 9092 } })
  })

  for (const version of [1, 2]) {
    it(`v${version}: request and response`, async () => {
      const decoded = await decodeKafkajsRequest(FindCoordinator, version, 'findCoordinator', { coordinatorKey: 'tx', coordinatorType: 1 })
      expect([decoded.key, decoded.keyType]).toEqual(['tx', 1])
      const theirs = await kafkajsReadsResponse(FindCoordinator, version, 'findCoordinator', response())
      expect(theirs).toMatchObject({ errorCode: 0, errorMessage: 'NONE', coordinator: { nodeId: 1, host: 'localhost', port: 9092 } })
    })
  }
})
