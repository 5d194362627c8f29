import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  CONSUMER_PROTOCOL_VERSION, ConsumerProtocolAssignmentSchema, ConsumerProtocolSubscriptionSchema,
  decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription,
} from '../../../core/protocol/consumer-protocol.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../helpers/kafka-message-definitions.ts'
import { hex, projectToVersion } from '../../helpers/protocol.ts'

/** kafkajs 2.2.4's consumer-protocol codecs (`src/consumer/assignerProtocol.js`). */
const { MemberMetadata, MemberAssignment } = createRequire(import.meta.url)('kafkajs/src/consumer/assignerProtocol')

const subscription = {
  topics: ['orders', 'payments'],
  userData: Buffer.from('ud'),
  ownedPartitions: [{ topic: 'orders', partitions: [0, 2] }],
  generationId: 7,
  rackId: 'rack-a',
}
const assignment = { assignedPartitions: [{ topic: 'orders', partitions: [1, 3] }, { topic: 'payments', partitions: [0] }], userData: null }

describe('consumer protocol schemas', () => {
  it.skipIf(!hasKafkaDefinitions)('match Kafka\'s ConsumerProtocolSubscription and ConsumerProtocolAssignment', () => {
    expectMatchesKafkaDefinition(ConsumerProtocolSubscriptionSchema, 'ConsumerProtocolSubscription')
    expectMatchesKafkaDefinition(ConsumerProtocolAssignmentSchema, 'ConsumerProtocolAssignment')
  })

  it('round-trip every version with the version in front', () => {
    for (let version = 0; version <= 3; version++) {
      const s = encodeConsumerSubscription(subscription, version)
      expect(s.readInt16BE(0)).toBe(version)
      expect(decodeConsumerSubscription(s)).toEqual({ version, ...projectToVersion(ConsumerProtocolSubscriptionSchema, version, subscription) })
      const a = encodeConsumerAssignment(assignment, version)
      expect(decodeConsumerAssignment(a)).toEqual({ version, ...assignment })
    }
  })

  it('writes the highest version by default, with defaults for fields not given', () => {
    expect(CONSUMER_PROTOCOL_VERSION).toBe(3)
    expect(decodeConsumerSubscription(encodeConsumerSubscription({ topics: ['t'] })))
      .toEqual({ version: 3, topics: ['t'], userData: null, ownedPartitions: [], generationId: -1, rackId: null })
    expect(decodeConsumerAssignment(encodeConsumerAssignment({ assignedPartitions: [] }))).toEqual({ version: 3, assignedPartitions: [], userData: null })
  })

  it('golden bytes: v0 and v3 subscriptions use the classic encoding (INT16 strings, INT32 arrays, no tag buffers)', () => {
    expect(encodeConsumerSubscription({ topics: ['t'], userData: null }, 0).toString('hex')).toBe(hex('0000  00000001 0001 74  ffffffff').toString('hex'))
    expect(encodeConsumerSubscription({ topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [1] }], generationId: 2, rackId: 'r' }, 3).toString('hex'))
      .toBe(hex('0003  00000001 0001 74  ffffffff  00000001 0001 74 00000001 00000001  00000002  0001 72').toString('hex'))
    expect(encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: Buffer.from('u') }, 1).toString('hex'))
      .toBe(hex('0001  00000001 0001 74 00000002 00000000 00000001  00000001 75').toString('hex'))
  })

  it('reads a newer version as the highest known one and ignores what follows', () => {
    const v3 = encodeConsumerSubscription(subscription, 3)
    const v5 = Buffer.concat([Buffer.from([0, 5]), v3.subarray(2), Buffer.from('future fields')])
    expect(decodeConsumerSubscription(v5)).toEqual({ version: 5, ...subscription })
    const a = Buffer.concat([encodeConsumerAssignment(assignment, 0), Buffer.from([1, 2, 3])])
    expect(decodeConsumerAssignment(a)).toEqual({ version: 0, ...assignment })
  })

  it('an empty assignment is no partitions; an empty subscription, a negative version or a truncation is CORE_PROTOCOL', () => {
    expect(decodeConsumerAssignment(Buffer.alloc(0))).toEqual({ version: 0, assignedPartitions: [], userData: null })
    expect(() => decodeConsumerSubscription(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'CORE_PROTOCOL' }))
    expect(() => decodeConsumerSubscription(Buffer.from([0xff, 0xff, 0, 0, 0, 0]))).toThrow(/version -1 is negative/)
    const bytes = encodeConsumerSubscription(subscription, 3)
    for (let end = 1; end < bytes.length; end++) {
      expect(() => decodeConsumerSubscription(bytes.subarray(0, end)), `${end} bytes`).toThrow(expect.objectContaining({ code: 'CORE_PROTOCOL' }))
    }
  })
})

describe('consumer protocol against kafkajs 2.2.4', () => {
  it('subscription: kafkajs v0 bytes equal Creek\'s, and each reads the other\'s', () => {
    const theirs: Buffer = MemberMetadata.encode({ version: 0, topics: ['orders', 'payments'], userData: Buffer.from('ud') })
    expect(encodeConsumerSubscription({ topics: ['orders', 'payments'], userData: Buffer.from('ud') }, 0).toString('hex')).toBe(theirs.toString('hex'))
    expect(decodeConsumerSubscription(theirs)).toMatchObject({ version: 0, topics: ['orders', 'payments'], userData: Buffer.from('ud') })
    // kafkajs reads only the v0 fields, whatever the version: Creek's (and Java's) v3 metadata still works.
    expect(MemberMetadata.decode(encodeConsumerSubscription(subscription))).toEqual({ version: 3, topics: ['orders', 'payments'], userData: Buffer.from('ud') })
  })

  it('assignment: kafkajs v0 bytes equal Creek\'s, and each reads the other\'s', () => {
    const theirs: Buffer = MemberAssignment.encode({ version: 0, assignment: { orders: [1, 3], payments: [0] }, userData: Buffer.from('ud') })
    expect(encodeConsumerAssignment({ ...assignment, userData: Buffer.from('ud') }, 0).toString('hex')).toBe(theirs.toString('hex'))
    expect(decodeConsumerAssignment(theirs)).toEqual({ version: 0, ...assignment, userData: Buffer.from('ud') })
    // kafkajs' default user data is an empty buffer, not null.
    expect(decodeConsumerAssignment(MemberAssignment.encode({ version: 0, assignment: {} })).userData).toEqual(Buffer.alloc(0))
    expect(MemberAssignment.decode(encodeConsumerAssignment(assignment))).toEqual({ version: 3, assignment: { orders: [1, 3], payments: [0] }, userData: null })
  })
})
