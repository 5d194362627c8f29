/**
 * The store serde of `count()` results: a JavaScript number (a safe integer) as 8 bytes,
 * big-endian, the bytes of Kafka's `LongSerde`, so a count store's changelog reads the same
 * as a Kafka Streams one.
 */
import type { SyncSerde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'

export function countSerde(): SyncSerde<number> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (!Number.isSafeInteger(value)) throw new StreamsError('STREAMS_STATE_STORE', `A count must be a safe integer, got ${String(value)} (topic ${topic})`)
      const out = Buffer.allocUnsafe(8)
      out.writeBigInt64BE(BigInt(value), 0)
      return out
    },
    deserialize(topic, data) {
      if (data === null) return null
      if (data.length !== 8) throw new StreamsError('STREAMS_STATE_STORE', `A count is 8 bytes, got ${data.length} (topic ${topic})`)
      return Number(data.readBigInt64BE(0))
    },
  }
}
