/**
 * `TimestampedWindowStoreFacade`: a DSL window store (values are `ValueAndTimestamp`s) seen as
 * a plain `WindowStore<K, V>`, as Kafka Streams' `WindowStoreFacade` does for interactive
 * queries and the test driver's `getWindowStore`. Reads drop the timestamps; writes stamp
 * values with −1 (no timestamp). Lifecycle calls go to the store underneath.
 */
import type { KeyValue, StateStoreContext } from '../../state/api.ts'
import type { Windowed, WindowStore } from '../../state/window-api.ts'
import { ValueAndTimestamp } from '../value-and-timestamp.ts'

function* values<K, V>(entries: Iterable<KeyValue<K, ValueAndTimestamp<V>>>): Generator<KeyValue<K, V>, void, undefined> {
  for (const entry of entries) yield { key: entry.key, value: entry.value.value }
}

export class TimestampedWindowStoreFacade<K, V> implements WindowStore<K, V> {
  readonly #inner: WindowStore<K, ValueAndTimestamp<V>>

  constructor(inner: WindowStore<K, ValueAndTimestamp<V>>) {
    this.#inner = inner
  }

  get name(): string {
    return this.#inner.name
  }

  get persistent(): boolean {
    return this.#inner.persistent
  }

  get isOpen(): boolean {
    return this.#inner.isOpen
  }

  get windowSizeMs(): number {
    return this.#inner.windowSizeMs
  }

  get retentionPeriodMs(): number {
    return this.#inner.retentionPeriodMs
  }

  get retainDuplicates(): boolean {
    return this.#inner.retainDuplicates
  }

  init(context: StateStoreContext): Promise<void> {
    return this.#inner.init(context)
  }

  flush(): Promise<void> {
    return this.#inner.flush()
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.#inner.put(key, value === null ? null : ValueAndTimestamp.make(value, -1), windowStartMs)
  }

  fetch(key: K, windowStartMs: number): V | undefined {
    return this.#inner.fetch(key, windowStartMs)?.value
  }

  fetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    return values(this.#inner.fetchRange(key, timeFromMs, timeToMs))
  }

  backwardFetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    return values(this.#inner.backwardFetchRange(key, timeFromMs, timeToMs))
  }

  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return values(this.#inner.fetchKeyRange(keyFrom, keyTo, timeFromMs, timeToMs))
  }

  backwardFetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return values(this.#inner.backwardFetchKeyRange(keyFrom, keyTo, timeFromMs, timeToMs))
  }

  fetchAll(timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return values(this.#inner.fetchAll(timeFromMs, timeToMs))
  }

  all(): Iterable<KeyValue<Windowed<K>, V>> {
    return values(this.#inner.all())
  }
}
