/**
 * The store serde of `count()` results: a JavaScript number (a safe integer) as 8 bytes,
 * big-endian, the bytes of Kafka's `LongSerde`, so a count store's changelog reads the same
 * as a Kafka Streams one.
 *
 * 64-bit values are read and written as two 32-bit halves (exact for safe integers), which
 * costs no BigInt per call. `ValueAndTimestampSerde` recognises these serdes (`isCountSerde`)
 * and writes a count and its timestamp into one 16-byte buffer.
 */
import type { SyncSerde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'

const TWO_32 = 2 ** 32

/** Writes a safe integer as a big-endian int64 at `offset`. */
export function writeInt64(out: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_32)
  out.writeInt32BE(high, offset)
  out.writeUInt32BE(value - high * TWO_32, offset + 4)
}

/** Reads a big-endian int64 at `offset` as a number (exact within the safe integers). */
export function readInt64(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) * TWO_32 + data.readUInt32BE(offset + 4)
}

const countSerdes = new WeakSet<object>()

/** Whether `serde` was made by `countSerde()` (its bytes are then known without calling it). */
export function isCountSerde(serde: unknown): boolean {
  return typeof serde === 'object' && serde !== null && countSerdes.has(serde)
}

/** Checks that `value` can be stored as a count. */
export function checkCount(value: unknown, topic: string): void {
  if (!Number.isSafeInteger(value)) throw new StreamsError('STREAMS_STATE_STORE', `A count must be a safe integer, got ${String(value)} (topic ${topic})`)
}

export function countSerde(): SyncSerde<number> {
  const serde: SyncSerde<number> = {
    serialize(topic, value) {
      if (value === null) return null
      checkCount(value, topic)
      const out = Buffer.allocUnsafe(8)
      writeInt64(out, value, 0)
      return out
    },
    deserialize(topic, data) {
      if (data === null) return null
      if (data.length !== 8) throw new StreamsError('STREAMS_STATE_STORE', `A count is 8 bytes, got ${data.length} (topic ${topic})`)
      return readInt64(data, 0)
    },
  }
  countSerdes.add(serde)
  return serde
}
