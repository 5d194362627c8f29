/**
 * Kafka's primitive serdes, byte for byte (`org.apache.kafka.common.serialization`):
 *
 * | serde       | T        | bytes                                                         |
 * |-------------|----------|---------------------------------------------------------------|
 * | `string()`  | string   | UTF-8                                                         |
 * | `int32()`   | number   | 4 bytes, big-endian two's complement                          |
 * | `int64()`   | bigint   | 8 bytes, big-endian two's complement                          |
 * | `float64()` | number   | 8 bytes, IEEE 754 big-endian                                  |
 * | `bytes()`   | Buffer   | as is                                                         |
 * | `uuid()`    | string   | UTF-8 of the canonical lower-case text form (as Kafka's UUIDSerializer) |
 * | `void()`    | null     | nothing: only null is accepted and produced                   |
 *
 * Every one maps null to null. Deserializers check the length as Kafka's do ("size of data
 * received is not 4"), so a key written by another serde fails loudly instead of decoding garbage.
 */
import { SerdesError } from './errors.ts'
import type { SyncSerde } from './serde.ts'
import { decodeUtf8, encodeUtf8 } from './utf8.ts'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function fixedSize(topic: string, data: Buffer, size: number, name: string): void {
  if (data.length !== size) {
    throw new SerdesError('SERDES_DESERIALIZATION', `${name} expects ${size} bytes but got ${data.length}; was this written by another serde?`, { topic })
  }
}

function invalid(topic: string, detail: string): SerdesError {
  return new SerdesError('SERDES_SERIALIZATION', detail, { topic })
}

export function stringSerde(): SyncSerde<string> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (typeof value !== 'string') throw invalid(topic, `string serde expects a string, got ${typeof value}`)
      return encodeUtf8(value)
    },
    deserialize: (_topic, data) => (data === null ? null : decodeUtf8(data)),
  }
}

export function int32Serde(): SyncSerde<number> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
        throw invalid(topic, `int32 serde expects an integer in [-2^31, 2^31-1], got ${String(value)}`)
      }
      const out = Buffer.allocUnsafe(4)
      out.writeInt32BE(value, 0)
      return out
    },
    deserialize(topic, data) {
      if (data === null) return null
      fixedSize(topic, data, 4, 'int32 serde')
      return data.readInt32BE(0)
    },
  }
}

export function int64Serde(): SyncSerde<bigint> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
        throw invalid(topic, `int64 serde expects a bigint in [-2^63, 2^63-1], got ${String(value)}`)
      }
      const out = Buffer.allocUnsafe(8)
      out.writeBigInt64BE(value, 0)
      return out
    },
    deserialize(topic, data) {
      if (data === null) return null
      fixedSize(topic, data, 8, 'int64 serde')
      return data.readBigInt64BE(0)
    },
  }
}

export function float64Serde(): SyncSerde<number> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (typeof value !== 'number') throw invalid(topic, `float64 serde expects a number, got ${typeof value}`)
      const out = Buffer.allocUnsafe(8)
      out.writeDoubleBE(value, 0)
      return out
    },
    deserialize(topic, data) {
      if (data === null) return null
      fixedSize(topic, data, 8, 'float64 serde')
      return data.readDoubleBE(0)
    },
  }
}

export function bytesSerde(): SyncSerde<Buffer> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (!Buffer.isBuffer(value)) throw invalid(topic, 'bytes serde expects a Buffer')
      return value
    },
    deserialize: (_topic, data) => data,
  }
}

export function uuidSerde(): SyncSerde<string> {
  return {
    serialize(topic, value) {
      if (value === null) return null
      if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw invalid(topic, `uuid serde expects a UUID string (8-4-4-4-12 hex digits), got ${String(value)}`)
      return Buffer.from(value.toLowerCase(), 'utf8')
    },
    deserialize(topic, data) {
      if (data === null) return null
      const text = data.toString('utf8')
      if (!UUID_PATTERN.test(text)) throw new SerdesError('SERDES_DESERIALIZATION', `uuid serde read "${text.slice(0, 40)}", not a UUID string`, { topic })
      return text.toLowerCase()
    },
  }
}

export function voidSerde(): SyncSerde<null> {
  return {
    serialize(topic, value) {
      if (value !== null) throw invalid(topic, 'void serde accepts only null')
      return null
    },
    deserialize(topic, data) {
      if (data !== null) throw new SerdesError('SERDES_DESERIALIZATION', `void serde expects null data, got ${data.length} bytes`, { topic })
      return null
    },
  }
}
