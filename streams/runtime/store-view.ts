/**
 * Interactive queries (Kafka Streams' `CompositeReadOnlyKeyValueStore`): a read-only view of one
 * store name over every local instance of it — the store of each running task of this
 * application instance, or the global store of that name.
 *
 * - The view resolves the instances at each call, so it stays valid across rebalances; while
 *   the application is not RUNNING or REBALANCING, calls throw STREAMS_INVALID_STATE_STORE.
 * - `get` returns the first instance's value (a key lives in one task's store only).
 * - `range`, `all`, `prefixScan` concatenate the instances' iterators, each in key order, task
 *   after task (not one global key order, as in Kafka Streams).
 * - Only this instance's tasks are seen: keys of tasks running elsewhere are not.
 * - Timestamped stores (the DSL's KTable stores, holding `ValueAndTimestamp`s) are unwrapped:
 *   the view returns plain values, as Kafka's `QueryableStoreTypes.keyValueStore()` does.
 */
import { StreamsError } from '../errors.ts'
import type { KeyValue, ReadOnlyKeyValueStore, StateStore } from '../state/api.ts'

function isKeyValueStore(store: StateStore): store is StateStore & ReadOnlyKeyValueStore<unknown, unknown> {
  const s = store as unknown as Partial<ReadOnlyKeyValueStore<unknown, unknown>>
  return typeof s.get === 'function' && typeof s.range === 'function' && typeof s.all === 'function'
}

export class CompositeKeyValueView<K, V> implements ReadOnlyKeyValueStore<K, V> {
  readonly name: string
  readonly #instances: () => readonly StateStore[]
  readonly #unwrap: boolean

  /**
   * `instances` is asked at each call and throws when the store cannot be queried now;
   * `unwrap`: values are `{ value, timestamp }` rows whose `value` is returned.
   */
  constructor(name: string, instances: () => readonly StateStore[], unwrap = false) {
    this.name = name
    this.#instances = instances
    this.#unwrap = unwrap
  }

  #value(stored: unknown): V {
    return (this.#unwrap ? (stored as { value: V }).value : stored) as V
  }

  #stores(): ReadOnlyKeyValueStore<K, V>[] {
    const stores = this.#instances()
    for (const store of stores) {
      if (!isKeyValueStore(store)) throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Store '${this.name}' is not a key-value store; it cannot be queried as one`)
      if (!store.isOpen) throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Store '${this.name}' is being closed or migrated; retry the query`)
    }
    return stores as unknown as ReadOnlyKeyValueStore<K, V>[]
  }

  get(key: K): V | undefined {
    for (const store of this.#stores()) {
      const value = store.get(key)
      if (value !== undefined && value !== null) return this.#value(value)
    }
    return undefined
  }

  /** The instances' iterables, all created now (each takes its snapshot at creation; see state/api.ts). */
  #concat(each: (store: ReadOnlyKeyValueStore<K, V>) => Iterable<KeyValue<K, V>>): Iterable<KeyValue<K, V>> {
    const iterables = this.#stores().map(each)
    if (iterables.length === 1 && !this.#unwrap) return iterables[0]
    const view = this
    return {
      *[Symbol.iterator]() {
        for (const it of iterables) {
          if (!view.#unwrap) yield* it
          else for (const kv of it) yield { key: kv.key, value: view.#value(kv.value) }
        }
      },
    }
  }

  range(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    return this.#concat((s) => s.range(from, to))
  }

  reverseRange(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    return this.#concat((s) => s.reverseRange(from, to))
  }

  all(): Iterable<KeyValue<K, V>> {
    return this.#concat((s) => s.all())
  }

  prefixScan(prefix: K): Iterable<KeyValue<K, V>> {
    return this.#concat((s) => s.prefixScan(prefix))
  }

  approximateNumEntries(): number {
    return this.#stores().reduce((n, s) => n + s.approximateNumEntries(), 0)
  }
}
