/**
 * The serde of `Change<V>` records on the repartition topic of `KTable#groupBy` (Kafka
 * Streams' `ChangedSerializer`/`ChangedDeserializer`; the format is Creek's own, the topic being
 * internal). Bytes: one flags byte (bit 0: a new value follows, bit 1: an old value follows);
 * when both follow, a 4-byte big-endian length of the new value's bytes comes first; then the
 * new value's bytes, then the old value's bytes.
 *
 * The inner serde may be the application's default value serde, supplied by the task pipeline's
 * `ProcessorContext.valueSerde()` before use (`resolveDefault`), as for store serdes.
 */
import type { RecordHeader, RecordHeaders } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import { type Change, change } from '../processor/change.ts'

const NEW = 1
const OLD = 2

export class ChangeSerde<V> implements Serde<Change<V>> {
  #inner: Serde<V> | null

  constructor(inner: Serde<V> | null) {
    this.#inner = inner
  }

  resolveDefault(serde: Serde<unknown>): void {
    this.#inner ??= serde as Serde<V>
  }

  serialize(topic: string, value: Change<V> | null, headers?: RecordHeaders): Buffer | null | Promise<Buffer | null> {
    if (value === null) return null
    const serde = this.#serde()
    const newBytes = value.newValue === null ? null : serde.serialize(topic, value.newValue, headers)
    const oldBytes = value.oldValue === null ? null : serde.serialize(topic, value.oldValue, headers)
    if (newBytes instanceof Promise || oldBytes instanceof Promise) {
      return Promise.all([newBytes, oldBytes]).then(([n, o]) => encode(n, o))
    }
    return encode(newBytes, oldBytes)
  }

  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): Change<V> | null | Promise<Change<V> | null> {
    if (data === null) return null
    if (data.length < 1) throw new StreamsError('STREAMS_DESERIALIZATION', `An empty change record on ${topic}`)
    const flags = data[0]
    let newBytes: Buffer | null = null
    let oldBytes: Buffer | null = null
    if ((flags & NEW) !== 0 && (flags & OLD) !== 0) {
      const length = data.readUInt32BE(1)
      newBytes = data.subarray(5, 5 + length)
      oldBytes = data.subarray(5 + length)
    } else if ((flags & NEW) !== 0) newBytes = data.subarray(1)
    else if ((flags & OLD) !== 0) oldBytes = data.subarray(1)
    const serde = this.#serde()
    const newValue = newBytes === null ? null : serde.deserialize(topic, newBytes, headers)
    const oldValue = oldBytes === null ? null : serde.deserialize(topic, oldBytes, headers)
    if (newValue instanceof Promise || oldValue instanceof Promise) {
      return Promise.all([newValue, oldValue]).then(([n, o]) => change(n as V | null, o as V | null))
    }
    return change(newValue as V | null, oldValue as V | null)
  }

  #serde(): Serde<V> {
    if (this.#inner === null) throw new StreamsError('STREAMS_ILLEGAL_STATE', 'A KTable repartition serde was used before the default value serde was supplied')
    return this.#inner
  }
}

function encode(newBytes: Buffer | null, oldBytes: Buffer | null): Buffer {
  const flags = (newBytes === null ? 0 : NEW) | (oldBytes === null ? 0 : OLD)
  if (newBytes !== null && oldBytes !== null) {
    const out = Buffer.allocUnsafe(5 + newBytes.length + oldBytes.length)
    out[0] = flags
    out.writeUInt32BE(newBytes.length, 1)
    newBytes.copy(out, 5)
    oldBytes.copy(out, 5 + newBytes.length)
    return out
  }
  const bytes = newBytes ?? oldBytes
  const out = Buffer.allocUnsafe(1 + (bytes?.length ?? 0))
  out[0] = flags
  bytes?.copy(out, 1)
  return out
}
