/**
 * State store contracts (Kafka Streams' `StateStore`, `KeyValueStore`, `StoreBuilder`).
 *
 * Layers, outermost first, as Kafka Streams builds them; serdes only on the outermost layer:
 *
 *   typed store (K, V; serdes)  →  caching (optional)  →  change-logging (optional)  →  bytes store
 *                                                                                   (RocksDB | memory)
 *
 * Contracts:
 * - Reads and writes are synchronous (processors are synchronous): a write is visible to the
 *   next read at once. Durability comes from `flush()` (async), which the runtime calls at each
 *   commit before it commits input offsets; a bytes store may buffer writes until then (the
 *   RocksDB store writes them in one batch).
 * - Keys are ordered by their serialized bytes (unsigned lexicographic), so ranges and prefix
 *   scans follow byte order, as in Kafka Streams.
 * - Iterators are synchronous and take a snapshot of what they cover when created; later
 *   writes do not change an iterator already returned.
 * - A store used before `init` or after `close` throws STREAMS_INVALID_STATE_STORE naming it.
 * - `null` is never stored as a value: `put(key, null)` deletes `key` (Kafka's rule).
 * - Buffers given to a store (keys, values) belong to it from then on and must not be changed:
 *   layers keep them without copying (caches, write buffers), and may recognise a key buffer
 *   they were given before (Kafka's `Bytes.wrap` shares the array the same way).
 */
import type { StreamsConfig } from '../runtime/config.ts'
import type { TaskId } from '../processor/task-id.ts'

export interface KeyValue<K, V> {
  readonly key: K
  readonly value: V
}

export interface StateStore {
  readonly name: string
  /** True for stores that keep data on disk (and may skip restoration when a checkpoint is valid). */
  readonly persistent: boolean
  readonly isOpen: boolean
  /** Opens the store for a task; restoration (if logged) happens between `init` and first use. */
  init(context: StateStoreContext): Promise<void>
  /** Makes every write so far durable in the store (and, for logged stores, in the changelog buffer). */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined
  /** Entries with `from <= key <= to` (either bound omitted: open), in key order. */
  range(from?: K, to?: K): Iterable<KeyValue<K, V>>
  reverseRange(from?: K, to?: K): Iterable<KeyValue<K, V>>
  all(): Iterable<KeyValue<K, V>>
  /** Entries whose serialized key starts with the serialized `prefix`. */
  prefixScan(prefix: K): Iterable<KeyValue<K, V>>
  /** An estimate, as RocksDB's `rocksdb.estimate-num-keys` (exact for in-memory stores). */
  approximateNumEntries(): number
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V>, StateStore {
  /** `value` null deletes the key. */
  put(key: K, value: V | null): void
  /** Puts when absent; returns the value already there, or undefined when it put. */
  putIfAbsent(key: K, value: V): V | undefined
  putAll(entries: Iterable<KeyValue<K, V>>): void
  /** Deletes; returns the old value. */
  delete(key: K): V | undefined
}

/** The innermost layer: bytes in, bytes out. RocksDB and in-memory stores implement it. */
export type KeyValueBytesStore = KeyValueStore<Buffer, Buffer>

/**
 * What a store needs from the task that owns it. The runtime gives one to each store's
 * `init`; the topology test driver gives its own.
 */
export interface StateStoreContext {
  readonly applicationId: string
  readonly taskId: TaskId
  /** `<state.dir>/<applicationId>/<taskId>`: where persistent stores keep their files. */
  readonly taskDir: string
  readonly config: StreamsConfig
  /**
   * Sends a change of a logged store to its changelog topic (`<applicationId>-<store>-changelog`,
   * partition = the task's partition), through the task's producer; delivered before the
   * task commits its input offsets.
   */
  logChange(storeName: string, key: Buffer, value: Buffer | null, timestamp: number): void
  /**
   * Registers a store so that the runtime restores it from its changelog before the task runs:
   * `restore` is given batches of changelog records, in offset order (null value: delete).
   */
  register(store: StateStore, restore: (batch: readonly KeyValue<Buffer, Buffer | null>[]) => void | Promise<void>): void
  /** Timestamp of the record being processed (what a write is stamped with in caches and changelogs). */
  recordTimestamp(): number
}

/** A change of one key, as a cache flush reports it (Kafka Streams' `Change` with the record's time). */
export interface FlushedEntry<K, V> {
  readonly key: K
  readonly newValue: V | null
  /** The value before the first change since the previous flush; null unless old values are sent. */
  readonly oldValue: V | null
  readonly timestamp: number
}

/**
 * A store with a record cache (Kafka Streams' `CachedStateStore`): repeated writes of a key
 * between flushes reach the inner store, the changelog and the listener once, when the cache
 * flushes (at commit) or evicts the entry (when `cacheMaxBytes` is reached). Without caching,
 * the listener is called on every write.
 */
export interface CachedStateStore<K, V> {
  setFlushListener(listener: (entry: FlushedEntry<K, V>) => void, sendOldValues: boolean): void
}

/** Builds the layered store of one task (Kafka Streams' `StoreBuilder`). */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string
  readonly loggingEnabled: boolean
  /** Topic configs for the changelog (`cleanup.policy=compact` is always set). */
  readonly logConfig: Readonly<Record<string, string>>
  withCachingEnabled(): StoreBuilder<S>
  withCachingDisabled(): StoreBuilder<S>
  withLoggingEnabled(config?: Record<string, string>): StoreBuilder<S>
  withLoggingDisabled(): StoreBuilder<S>
  /** A new, unopened store for one task. */
  build(): S
}
