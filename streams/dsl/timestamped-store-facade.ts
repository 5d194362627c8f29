/**
 * `TimestampedKeyValueStoreFacade`: a KTable store (values are `ValueAndTimestamp`s) seen as a
 * plain `KeyValueStore<K, V>`, as Kafka Streams' `KeyValueStoreFacade` does for interactive
 * queries and the test driver's `getKeyValueStore`. Reads drop the timestamps; writes stamp
 * values with −1 (no timestamp). Lifecycle calls go to the store underneath.
 */
import type { KeyValue, KeyValueStore, StateStoreContext } from '../state/api.ts'
import { ValueAndTimestamp } from './value-and-timestamp.ts'

function* values<K, V>(entries: Iterable<KeyValue<K, ValueAndTimestamp<V>>>): Generator<KeyValue<K, V>, void, undefined> {
  for (const entry of entries) yield { key: entry.key, value: entry.value.value }
}

export class TimestampedKeyValueStoreFacade<K, V> implements KeyValueStore<K, V> {
  readonly #inner: KeyValueStore<K, ValueAndTimestamp<V>>

  constructor(inner: KeyValueStore<K, ValueAndTimestamp<V>>) {
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

  init(context: StateStoreContext): Promise<void> {
    return this.#inner.init(context)
  }

  flush(): Promise<void> {
    return this.#inner.flush()
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  get(key: K): V | undefined {
    return this.#inner.get(key)?.value
  }

  range(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    return values(this.#inner.range(from, to))
  }

  reverseRange(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    return values(this.#inner.reverseRange(from, to))
  }

  all(): Iterable<KeyValue<K, V>> {
    return values(this.#inner.all())
  }

  prefixScan(prefix: K): Iterable<KeyValue<K, V>> {
    return values(this.#inner.prefixScan(prefix))
  }

  approximateNumEntries(): number {
    return this.#inner.approximateNumEntries()
  }

  put(key: K, value: V | null): void {
    this.#inner.put(key, value === null ? null : ValueAndTimestamp.make(value, -1))
  }

  putIfAbsent(key: K, value: V): V | undefined {
    return this.#inner.putIfAbsent(key, ValueAndTimestamp.make(value, -1))?.value
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const { key, value } of entries) this.put(key, value)
  }

  delete(key: K): V | undefined {
    return this.#inner.delete(key)?.value
  }
}
