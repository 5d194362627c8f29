/**
 * `ValueAndTimestamp<V>`: a KTable row's value with the timestamp of the record that last
 * changed it (Kafka Streams' `ValueAndTimestamp`). The DSL's KTable stores hold these, so a
 * table keeps event time: aggregations stamp results with the latest input time.
 *
 * Store format (`ValueAndTimestampSerde`), as Kafka's timestamped stores: the 8-byte big-endian
 * timestamp, then the inner serde's bytes of the value. A row is never stored with a null value
 * (null deletes it).
 *
 * Over a count serde (`count()` stores), the 16 bytes are written and read in one go: one
 * buffer per write, no copy and no view per read.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import { checkCount, isCountSerde, readInt64, writeInt64 } from './count-serde.ts'

export class ValueAndTimestamp<V> {
  readonly value: V
  readonly timestamp: number

  private constructor(value: V, timestamp: number) {
    this.value = value
    this.timestamp = timestamp
  }

  static make<V>(value: V, timestamp: number): ValueAndTimestamp<V> {
    return new ValueAndTimestamp(value, timestamp)
  }

  /** The value of `entry`, or null for a missing entry. */
  static getValueOrNull<V>(entry: ValueAndTimestamp<V> | null | undefined): V | null {
    return entry === null || entry === undefined ? null : entry.value
  }
}

function sync<T>(result: T | Promise<T>, what: string): T {
  if (result instanceof Promise) {
    result.catch(() => undefined)
    throw new StreamsError('STREAMS_INVALID_CONFIG', `The value serde of a KTable store answered with a Promise to ${what}; store serdes must be synchronous`)
  }
  return result
}

/**
 * The store serde of `ValueAndTimestamp<V>` over a value serde. Without one, the application's
 * default value serde is used: the KTable processor that owns the store supplies it at `init`
 * (`resolveDefault`), before any read or write.
 */
export class ValueAndTimestampSerde<V> implements Serde<ValueAndTimestamp<V>> {
  #inner: Serde<V> | null
  #count: boolean

  constructor(inner: Serde<V> | null) {
    this.#inner = inner
    this.#count = isCountSerde(inner)
  }

  /** Uses `serde` when no value serde was given. */
  resolveDefault(serde: Serde<unknown>): void {
    if (this.#inner !== null) return
    this.#inner = serde as Serde<V>
    this.#count = isCountSerde(serde)
  }

  serialize(topic: string, entry: ValueAndTimestamp<V> | null, headers?: RecordHeader[]): Buffer | null {
    if (entry === null) return null
    if (this.#count) {
      if (entry.value === null) return null
      checkCount(entry.value, topic)
      const out = Buffer.allocUnsafe(16)
      writeInt64(out, entry.timestamp, 0)
      writeInt64(out, entry.value as number, 8)
      return out
    }
    const bytes = sync(this.#serde().serialize(topic, entry.value, headers), 'serialize')
    if (bytes === null) return null
    const out = Buffer.allocUnsafe(8 + bytes.length)
    writeInt64(out, entry.timestamp, 0)
    bytes.copy(out, 8)
    return out
  }

  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): ValueAndTimestamp<V> | null {
    if (data === null) return null
    if (data.length < 8) throw new StreamsError('STREAMS_STATE_STORE', `A KTable store value of ${data.length} bytes is too short for its 8-byte timestamp (topic ${topic})`)
    const timestamp = readInt64(data, 0)
    if (this.#count && data.length === 16) return ValueAndTimestamp.make(readInt64(data, 8) as V, timestamp)
    const value = sync(this.#serde().deserialize(topic, data.subarray(8), headers), 'deserialize')
    return ValueAndTimestamp.make(value as V, timestamp)
  }

  #serde(): Serde<V> {
    if (this.#inner === null) throw new StreamsError('STREAMS_ILLEGAL_STATE', 'A KTable store was used before its processor supplied the default value serde')
    return this.#inner
  }
}
