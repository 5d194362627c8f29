/**
 * `Stores`: the factory of state stores (Kafka Streams' `Stores`), and the key-value
 * `StoreBuilder` that layers them.
 *
 * ```ts
 * const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), serdes.string(), serdes.int64())
 *   .withCachingEnabled()
 * topology.addStateStore(counts, 'counter')   // each task then gets counts.build()
 * ```
 *
 * A supplier makes the innermost bytes store (RocksDB or memory); the builder wraps it, per
 * task, as Kafka Streams does (api.ts): typed store → caching (off by default) → change-logging
 * (on by default) → bytes store. Logged stores write to the changelog topic
 * `<applicationId>-<name>-changelog` (relative name `<name>-changelog`), created with
 * `cleanup.policy=compact` plus the configs given to `withLoggingEnabled`.
 *
 * Store names must be stable (they name directories and topics that must survive a restart)
 * and made of the characters of a topic name: letters, digits, '.', '_' and '-'.
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { KeyValueBytesStore, StoreBuilder } from './api.ts'
import { CachingKeyValueStore } from './caching-key-value-store.ts'
import { ChangeLoggingKeyValueStore } from './change-logging-key-value-store.ts'
import { relativeChangelogTopicName } from './changelog-topic.ts'
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts'
import { MeteredKeyValueStore } from './metered-key-value-store.ts'
import { RocksDBKeyValueStore, type RocksDBKeyValueStoreOptions } from './rocksdb-key-value-store.ts'
import { validateStoreName, validateTopicConfig } from './store-name.ts'
import { WindowStores } from './window-stores.ts'

/** Makes the bytes store of one task (Kafka Streams' `KeyValueBytesStoreSupplier`). */
export interface KeyValueBytesStoreSupplier {
  readonly name: string
  /** 'rocksdb' or 'in-memory' (Kafka's `metricsScope`). */
  readonly kind: 'rocksdb' | 'in-memory'
  /** A new, unopened bytes store. */
  get(): KeyValueBytesStore
}

/**
 * Builds a store's layers for each task. Like Kafka's builder, the `with…` methods change this
 * builder and return it.
 */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<MeteredKeyValueStore<K, V>> {
  readonly name: string
  readonly #supplier: KeyValueBytesStoreSupplier
  readonly #keySerde: Serde<K> | null
  readonly #valueSerde: Serde<V> | null
  #caching = false
  #logging = true
  #logConfig: Record<string, string> = {}

  constructor(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    this.name = supplier.name
    this.#supplier = supplier
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
  }

  get cachingEnabled(): boolean {
    return this.#caching
  }

  get loggingEnabled(): boolean {
    return this.#logging
  }

  get logConfig(): Readonly<Record<string, string>> {
    return Object.freeze({ ...this.#logConfig, 'cleanup.policy': 'compact' })
  }

  /** The relative changelog topic (`<name>-changelog`), or null when logging is disabled. */
  get changelogTopic(): string | null {
    return this.#logging ? relativeChangelogTopicName(this.name) : null
  }

  withCachingEnabled(): this {
    this.#caching = true
    return this
  }

  withCachingDisabled(): this {
    this.#caching = false
    return this
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    this.#logConfig = validateTopicConfig(this.name, config)
    this.#logging = true
    return this
  }

  withLoggingDisabled(): this {
    this.#logging = false
    this.#logConfig = {}
    return this
  }

  build(): MeteredKeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.#supplier.get()
    if (store.name !== this.name) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `The supplier of store "${this.name}" made a store named "${store.name}"`)
    }
    if (this.#logging) store = new ChangeLoggingKeyValueStore(store)
    if (this.#caching) store = new CachingKeyValueStore(store)
    return new MeteredKeyValueStore(store, this.#keySerde, this.#valueSerde)
  }
}

export const Stores = Object.freeze({
  // Window and session stores: window-stores.ts.
  ...WindowStores,

  /** A RocksDB bytes store in `<state.dir>/<applicationId>/<taskId>/rocksdb/<name>`. */
  persistentKeyValueStore(name: string, options: RocksDBKeyValueStoreOptions = {}): KeyValueBytesStoreSupplier {
    const storeName = validateStoreName(name)
    // Validates the options now rather than in each task.
    new RocksDBKeyValueStore(storeName, options)
    return Object.freeze({ name: storeName, kind: 'rocksdb' as const, get: () => new RocksDBKeyValueStore(storeName, options) })
  },

  /** A bytes store in memory: for tests and small state; rebuilt from its changelog at every start. */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    const storeName = validateStoreName(name)
    return Object.freeze({ name: storeName, kind: 'in-memory' as const, get: () => new InMemoryKeyValueStore(storeName) })
  },

  /** A builder of typed stores over `supplier`; null serdes: the application's default serdes (else bytes). */
  keyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): KeyValueStoreBuilder<K, V> {
    if (supplier === null || typeof supplier !== 'object' || typeof supplier.get !== 'function') {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'Stores.keyValueStoreBuilder needs a store supplier (Stores.persistentKeyValueStore or Stores.inMemoryKeyValueStore)')
    }
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },
})
