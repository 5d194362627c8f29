/**
 * How a KTable node with a store forwards its changes (Kafka Streams'
 * `TimestampedTupleForwarder` with a `TimestampedCacheFlushListener`):
 *
 * - If the store tells about its writes (`CachedStateStore.setFlushListener`, which the typed
 *   stores of `Stores` implement), changes are forwarded from the listener only: with caching,
 *   when the cache flushes or evicts (once per key per commit: emit-on-flush); without caching,
 *   on every write. `maybeForward` then does nothing.
 * - Otherwise (a store without the listener), `maybeForward` forwards every change.
 *
 * Forwarded records carry `Change(newValue, oldValue)` (old only when asked for) and the
 * timestamp stored with the new value (the latest input time), or the write's time for a
 * deletion.
 */
import { type Change, change } from '../../processor/change.ts'
import type { ProcessorContext } from '../../processor/api.ts'
import { createRecord } from '../../processor/records.ts'
import type { CachedStateStore, FlushedEntry, KeyValueStore } from '../../state/api.ts'
import type { ValueAndTimestamp } from '../value-and-timestamp.ts'

export class TimestampedTupleForwarder<K, V> {
  readonly #context: ProcessorContext<K, Change<V>>
  readonly #sendOldValues: boolean
  readonly #viaListener: boolean

  constructor(store: KeyValueStore<K, ValueAndTimestamp<V>>, context: ProcessorContext<K, Change<V>>, sendOldValues: boolean) {
    this.#context = context
    this.#sendOldValues = sendOldValues
    const cached = store as Partial<CachedStateStore<K, ValueAndTimestamp<V>>>
    this.#viaListener = typeof cached.setFlushListener === 'function'
    if (this.#viaListener) cached.setFlushListener!((entry) => this.#forwardFlushed(entry), sendOldValues)
  }

  maybeForward(key: K, newValue: V | null, oldValue: V | null, timestamp: number): void {
    if (this.#viaListener) return
    this.#context.forward(createRecord(key, change(newValue, this.#sendOldValues ? oldValue : null), timestamp))
  }

  #forwardFlushed(entry: FlushedEntry<K, ValueAndTimestamp<V>>): void {
    const newValue = entry.newValue
    const oldValue = this.#sendOldValues && entry.oldValue !== null ? entry.oldValue.value : null
    const timestamp = newValue === null ? entry.timestamp : newValue.timestamp
    this.#context.forward(createRecord(entry.key, change(newValue === null ? null : newValue.value, oldValue), timestamp))
  }
}
