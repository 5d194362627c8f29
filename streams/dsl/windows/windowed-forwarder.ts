/**
 * How a windowed KTable node forwards its changes (Kafka Streams' `TimestampedTupleForwarder`
 * with a `TimestampedCacheFlushListener`, and `SessionTupleForwarder` with a
 * `SessionCacheFlushListener`): from the store's flush listener when the store has one (with
 * caching, once per window per commit), else at every `maybeForward`.
 *
 * Records carry `Windowed<K>` keys and `Change(newValue, oldValue)` (old only when asked for).
 * Timestamps: time windows use the timestamp stored with the aggregate (the latest input time;
 * the write's time for a deletion); sessions use the session's end, as Kafka does.
 */
import { type Change, change } from '../../processor/change.ts'
import type { ProcessorContext } from '../../processor/api.ts'
import { createRecord } from '../../processor/records.ts'
import type { CachedStateStore, FlushedEntry } from '../../state/api.ts'
import type { Windowed } from '../../state/window-api.ts'

export interface StoredValue<V> {
  readonly value: V
  readonly timestamp: number
}

export class WindowedTupleForwarder<K, S, V> {
  readonly #context: ProcessorContext<Windowed<K>, Change<V>>
  readonly #sendOldValues: boolean
  readonly #viaListener: boolean
  readonly #unwrap: (stored: S) => StoredValue<V>
  readonly #sessions: boolean

  /**
   * `unwrap` reads a stored value (a `ValueAndTimestamp` for time windows, the aggregate for
   * sessions); `sessions`: stamp records with the session end. `emitFinal`: never forward from
   * the listener (the processor emits closed windows itself).
   */
  constructor(
    store: object, context: ProcessorContext<Windowed<K>, Change<V>>, sendOldValues: boolean, unwrap: (stored: S) => StoredValue<V>, sessions: boolean,
    emitFinal = false,
  ) {
    this.#context = context
    this.#sendOldValues = sendOldValues
    this.#unwrap = unwrap
    this.#sessions = sessions
    const cached = store as Partial<CachedStateStore<Windowed<K>, S>>
    this.#viaListener = emitFinal || typeof cached.setFlushListener === 'function'
    if (!emitFinal && typeof cached.setFlushListener === 'function') cached.setFlushListener((entry) => this.#forwardFlushed(entry), sendOldValues)
  }

  maybeForward(key: Windowed<K>, newValue: V | null, oldValue: V | null, timestamp: number): void {
    if (this.#viaListener) return
    this.forward(key, newValue, oldValue, timestamp)
  }

  /** Forwards unconditionally (emit-final results). */
  forward(key: Windowed<K>, newValue: V | null, oldValue: V | null, timestamp: number): void {
    const time = this.#sessions ? key.window.endMs : timestamp
    this.#context.forward(createRecord(key, change(newValue, this.#sendOldValues ? oldValue : null), time))
  }

  #forwardFlushed(entry: FlushedEntry<Windowed<K>, S>): void {
    const newValue = entry.newValue === null ? null : this.#unwrap(entry.newValue)
    const oldValue = this.#sendOldValues && entry.oldValue !== null ? this.#unwrap(entry.oldValue).value : null
    const timestamp = this.#sessions ? entry.key.window.endMs : newValue === null ? entry.timestamp : newValue.timestamp
    this.#context.forward(createRecord(entry.key, change(newValue === null ? null : newValue.value, oldValue), timestamp))
  }
}
