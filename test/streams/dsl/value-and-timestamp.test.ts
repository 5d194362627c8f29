import { describe, expect, it } from 'vitest'
import type { SyncSerde } from '../../../serdes/index.ts'
import { countSerde, isCountSerde } from '../../../streams/dsl/count-serde.ts'
import { ValueAndTimestamp, ValueAndTimestampSerde } from '../../../streams/dsl/value-and-timestamp.ts'

/** Kafka's LongSerde bytes, computed with BigInt as the reference. */
function int64(value: number): Buffer {
  const out = Buffer.alloc(8)
  out.writeBigInt64BE(BigInt(value))
  return out
}

/** A count serde the ValueAndTimestamp serde does not recognise: its generic path. */
function opaque(inner: SyncSerde<number>): SyncSerde<number> {
  return { serialize: (topic, value) => inner.serialize(topic, value), deserialize: (topic, data) => inner.deserialize(topic, data) }
}

const VALUES = [0, 1, -1, 255, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_700_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]

describe('countSerde', () => {
  it('writes and reads the bytes of Kafka\'s LongSerde over the safe integers', () => {
    const serde = countSerde()
    for (const value of VALUES) {
      expect(serde.serialize('t', value)).toEqual(int64(value))
      expect(serde.deserialize('t', int64(value))).toBe(value)
    }
    expect(serde.serialize('t', null)).toBeNull()
    expect(() => serde.serialize('t', 1.5)).toThrow(/safe integer/)
    expect(() => serde.deserialize('t', Buffer.alloc(4))).toThrow(/8 bytes/)
    expect(isCountSerde(serde)).toBe(true)
    expect(isCountSerde(opaque(serde))).toBe(false)
  })
})

describe('ValueAndTimestampSerde', () => {
  it('over a count serde, writes the same bytes as the generic path and reads them back', () => {
    const fast = new ValueAndTimestampSerde(countSerde())
    const generic = new ValueAndTimestampSerde(opaque(countSerde()))
    for (const count of VALUES) {
      for (const timestamp of [-1, 0, 1_700_000_000_123]) {
        const entry = ValueAndTimestamp.make(count, timestamp)
        const bytes = fast.serialize('t', entry)!
        expect(bytes).toEqual(Buffer.concat([int64(timestamp), int64(count)]))
        expect(generic.serialize('t', entry)).toEqual(bytes)
        expect(fast.deserialize('t', bytes)).toEqual(entry)
        expect(generic.deserialize('t', bytes)).toEqual(entry)
      }
    }
  })

  it('recognises a count serde supplied as the default, and refuses bad counts and short values', () => {
    const serde = new ValueAndTimestampSerde<number>(null)
    serde.resolveDefault(countSerde())
    expect(serde.serialize('t', ValueAndTimestamp.make(3, 7))).toEqual(Buffer.concat([int64(7), int64(3)]))
    expect(() => serde.serialize('t', ValueAndTimestamp.make(0.5, 7))).toThrow(/safe integer/)
    expect(() => serde.deserialize('t', Buffer.alloc(12))).toThrow(/8 bytes/)
    expect(() => serde.deserialize('t', Buffer.alloc(4))).toThrow(/too short/)
  })
})
