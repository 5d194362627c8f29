import { describe, expect, it } from 'vitest'
import { javaStringHashCode, offsetsPartitionFor } from '../../../../core/broker/group/offset-store.ts'
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../../../core/broker/group/offsets-topic-records.ts'
import { CoreError } from '../../../../core/errors.ts'

const hex = (buf: Buffer): string => buf.toString('hex')

describe('__consumer_offsets records', () => {
  it('encodes keys in Kafka\'s layout', () => {
    // int16 version 1, "g", "t", int32 partition 2
    expect(hex(encodeOffsetCommitKey('g', 't', 2))).toBe('0001' + '000167' + '000174' + '00000002')
    // int16 version 2, "grp"
    expect(hex(encodeGroupMetadataKey('grp'))).toBe('0002' + '0003677270')
    expect(decodeOffsetsTopicKey(encodeOffsetCommitKey('g', 'orders', 7))).toEqual({ type: 'offset', groupId: 'g', topic: 'orders', partition: 7 })
    expect(decodeOffsetsTopicKey(encodeGroupMetadataKey('grp'))).toEqual({ type: 'group', groupId: 'grp' })
    expect(decodeOffsetsTopicKey(Buffer.from('0003000167', 'hex'))).toBeUndefined()
    expect(() => decodeOffsetsTopicKey(Buffer.from('000100', 'hex'))).toThrow(CoreError)
  })

  it('encodes offset commit values as version 3 and reads versions 0 to 3', () => {
    const value = { offset: 1234567890123, leaderEpoch: 5, metadata: 'meta', commitTimestamp: 1_700_000_000_000 }
    const bytes = encodeOffsetCommitValue(value)
    expect(hex(bytes)).toBe('0003' + '0000011f71fb04cb' + '00000005' + '00046d657461' + '0000018bcfe56800')
    expect(decodeOffsetCommitValue(bytes)).toEqual(value)
    // v1: offset, metadata, commitTimestamp, expireTimestamp
    const v1 = Buffer.from('0001' + '000000000000000a' + '0000' + '0000000000000064' + '00000000000000c8', 'hex')
    expect(decodeOffsetCommitValue(v1)).toEqual({ offset: 10, leaderEpoch: -1, metadata: '', commitTimestamp: 100, expireTimestamp: 200 })
    const v0 = Buffer.from('0000' + '000000000000000a' + '000178' + '0000000000000064', 'hex')
    expect(decodeOffsetCommitValue(v0)).toEqual({ offset: 10, leaderEpoch: -1, metadata: 'x', commitTimestamp: 100 })
  })

  it('round-trips group metadata values (version 3) and reads version 0', () => {
    const value: GroupMetadataValue = {
      protocolType: 'consumer',
      generation: 7,
      protocol: 'range',
      leader: 'a-1',
      currentStateTimestamp: 1_700_000_000_000,
      members: [
        { memberId: 'a-1', groupInstanceId: 'inst', clientId: 'a', clientHost: '/1.2.3.4', rebalanceTimeout: 60_000, sessionTimeout: 10_000, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) },
        { memberId: 'b-2', groupInstanceId: null, clientId: 'b', clientHost: '/5.6.7.8', rebalanceTimeout: 30_000, sessionTimeout: 6_000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
      ],
    }
    const bytes = encodeGroupMetadataValue(value)
    expect(bytes.readInt16BE(0)).toBe(3)
    expect(decodeGroupMetadataValue(bytes)).toEqual(value)
    const empty = encodeGroupMetadataValue({ protocolType: 'consumer', generation: 3, protocol: null, leader: null, currentStateTimestamp: 5, members: [] })
    expect(hex(empty)).toBe('0003' + '0008' + Buffer.from('consumer').toString('hex') + '00000003' + 'ffff' + 'ffff' + '0000000000000005' + '00000000')
    // v0: no rebalance timeout (the session timeout stands in), no state timestamp, no instance id.
    const v0 = Buffer.concat([
      Buffer.from('0000' + '0008', 'hex'), Buffer.from('consumer'), Buffer.from('00000001' + 'ffff' + 'ffff' + '00000001', 'hex'),
      Buffer.from('0001', 'hex'), Buffer.from('m'), Buffer.from('0001', 'hex'), Buffer.from('c'), Buffer.from('0001', 'hex'), Buffer.from('h'),
      Buffer.from('00001388' + '00000000' + '00000001' + '09', 'hex'),
    ])
    expect(decodeGroupMetadataValue(v0)).toEqual({
      protocolType: 'consumer', generation: 1, protocol: null, leader: null, currentStateTimestamp: -1,
      members: [{ memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeout: 5000, sessionTimeout: 5000, subscription: Buffer.alloc(0), assignment: Buffer.from([9]) }],
    })
  })
})

describe('group placement in __consumer_offsets', () => {
  it('hashes like Java\'s String.hashCode', () => {
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('a')).toBe(97)
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('my-group')).toBe(-1906497762)
    expect(javaStringHashCode('Ωmega')).toBe(868686747)
    // A supplementary character is two UTF-16 code units in Java.
    expect(javaStringHashCode('😀')).toBe(31 * 0xd83d + 0xde00)
  })

  it('uses abs(hash) % partitions, with Integer.MIN_VALUE mapped to 0 as Kafka\'s Utils.abs does', () => {
    expect(javaStringHashCode('polygenelubricants')).toBe(-(2 ** 31))
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0)
    expect(offsetsPartitionFor('my-group', 50)).toBe(12)
    expect(offsetsPartitionFor('console-consumer-12345', 50)).toBe(6)
    expect(offsetsPartitionFor('hello', 50)).toBe(22)
  })
})
