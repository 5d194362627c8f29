/**
 * Window and session store suppliers and builders (Kafka Streams' `WindowBytesStoreSupplier`,
 * `SessionBytesStoreSupplier`, `WindowStoreBuilder`, `SessionStoreBuilder`), reached through
 * `Stores` (stores.ts):
 *
 * ```ts
 * const pairs = Stores.windowStoreBuilder(
 *   Stores.persistentWindowStore('pairs', 60_000, 10_000, true), serdes.string(), serdes.string())
 * topology.addStateStore(pairs, 'joiner')       // each task then gets pairs.build(): a WindowStore
 * ```
 *
 * A supplier makes the innermost `SegmentedBytesStore` (segmented-bytes-store.ts) over one
 * RocksDB database (`<taskDir>/rocksdb/<name>`) or memory. A builder wraps it per task as Kafka
 * Streams does: typed store → caching (off by default; never with `retainDuplicates`, as
 * Kafka) → change-logging (on by default; changelog `<applicationId>-<name>-changelog`
 * with `cleanup.policy=compact,delete` and `retention.ms` = retention + 1 day, as Kafka's
 * windowed changelogs; keys in Kafka's windowed layouts) → segmented store.
 *
 * Durations are milliseconds. Segment interval, as Kafka's `Stores`:
 * `max(retentionPeriod / 2, 60 000)`.
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { KeyValueBytesStore, StoreBuilder } from './api.ts'
import { CachingKeyValueStore } from './caching-key-value-store.ts'
import { ChangeLoggingKeyValueStore } from './change-logging-key-value-store.ts'
import { relativeChangelogTopicName } from './changelog-topic.ts'
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts'
import { MeteredSessionStore } from './metered-session-store.ts'
import { MeteredWindowStore } from './metered-window-store.ts'
import { RocksDBKeyValueStore, type RocksDBKeyValueStoreOptions } from './rocksdb-key-value-store.ts'
import { SegmentedBytesStore, sessionEndTime, windowStartTime } from './segmented-bytes-store.ts'
import { validateStoreName, validateTopicConfig } from './store-name.ts'

const MIN_SEGMENT_INTERVAL_MS = 60_000
/** Kafka's `windowstore.changelog.additional.retention.ms` default: a day more than the store keeps. */
const CHANGELOG_ADDITIONAL_RETENTION_MS = 24 * 60 * 60 * 1000

/** Makes the segmented bytes store of one task for a window store. */
export interface WindowBytesStoreSupplier {
  readonly name: string
  readonly kind: 'rocksdb' | 'in-memory'
  readonly retentionPeriodMs: number
  readonly windowSizeMs: number
  readonly segmentIntervalMs: number
  readonly retainDuplicates: boolean
  /** Made by `persistentTimestampedWindowStore` (values are `ValueAndTimestamp`s, as the DSL stores them). */
  readonly timestamped: boolean
  get(): SegmentedBytesStore
}

/** Makes the segmented bytes store of one task for a session store. */
export interface SessionBytesStoreSupplier {
  readonly name: string
  readonly kind: 'rocksdb' | 'in-memory'
  readonly retentionPeriodMs: number
  readonly segmentIntervalMs: number
  get(): SegmentedBytesStore
}

function duration(storeName: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `Invalid ${what} for store "${storeName}": ${String(value)}; expected an integer number of milliseconds >= 0`)
  }
  return value
}

function segmentInterval(retentionPeriodMs: number): number {
  return Math.max(Math.floor(retentionPeriodMs / 2), MIN_SEGMENT_INTERVAL_MS)
}

function backend(kind: 'rocksdb' | 'in-memory', name: string, options: RocksDBKeyValueStoreOptions): KeyValueBytesStore {
  return kind === 'rocksdb' ? new RocksDBKeyValueStore(name, options) : new InMemoryKeyValueStore(name)
}

export function windowStoreSupplier(
  kind: 'rocksdb' | 'in-memory', name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean, timestamped: boolean,
  options: RocksDBKeyValueStoreOptions = {},
): WindowBytesStoreSupplier {
  const storeName = validateStoreName(name)
  const retention = duration(storeName, 'retention period', retentionPeriodMs)
  const size = duration(storeName, 'window size', windowSizeMs)
  if (retention < size) {
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `The retention period of the window store ${storeName} must be no smaller than its window size. Got size=[${size}], retention=[${retention}]`,
    )
  }
  if (typeof retainDuplicates !== 'boolean') throw new StreamsError('STREAMS_INVALID_CONFIG', `Invalid retainDuplicates for store "${storeName}": expected a boolean`)
  if (kind === 'rocksdb') new RocksDBKeyValueStore(storeName, options)
  const interval = segmentInterval(retention)
  return Object.freeze({
    name: storeName, kind, retentionPeriodMs: retention, windowSizeMs: size, segmentIntervalMs: interval, retainDuplicates, timestamped,
    get: () => new SegmentedBytesStore(backend(kind, storeName, options), { retentionPeriodMs: retention, segmentIntervalMs: interval, segmentTimeOf: windowStartTime, recordLevelExpiry: true }),
  })
}

export function sessionStoreSupplier(kind: 'rocksdb' | 'in-memory', name: string, retentionPeriodMs: number, options: RocksDBKeyValueStoreOptions = {}): SessionBytesStoreSupplier {
  const storeName = validateStoreName(name)
  const retention = duration(storeName, 'retention period', retentionPeriodMs)
  if (kind === 'rocksdb') new RocksDBKeyValueStore(storeName, options)
  const interval = segmentInterval(retention)
  return Object.freeze({
    name: storeName, kind, retentionPeriodMs: retention, segmentIntervalMs: interval,
    get: () => new SegmentedBytesStore(backend(kind, storeName, options), { retentionPeriodMs: retention, segmentIntervalMs: interval, segmentTimeOf: sessionEndTime, recordLevelExpiry: false }),
  })
}

/** Caching and logging switches shared by the window and session builders. */
abstract class LayeredStoreBuilder<S extends MeteredWindowStore<any, any> | MeteredSessionStore<any, any>> implements StoreBuilder<S> {
  readonly name: string
  readonly #retentionMs: number
  #caching = false
  #logging = true
  #logConfig: Record<string, string> = {}

  constructor(name: string, retentionMs: number) {
    this.name = name
    this.#retentionMs = retentionMs
  }

  get cachingEnabled(): boolean {
    return this.#caching
  }

  get loggingEnabled(): boolean {
    return this.#logging
  }

  /**
   * As Kafka's windowed changelogs (`WindowedChangelogTopicConfig`): compacted AND deleted, with
   * `retention.ms` = the store's retention + one day (unless configured), so that windows the
   * store dropped also leave the changelog.
   */
  get logConfig(): Readonly<Record<string, string>> {
    return Object.freeze({ 'retention.ms': String(this.#retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS), ...this.#logConfig, 'cleanup.policy': 'compact,delete' })
  }

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

  /** The caching and logging layers over `segments`, as configured. */
  protected layers(segments: SegmentedBytesStore, cachingAllowed: boolean): KeyValueBytesStore {
    if (segments.name !== this.name) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `The supplier of store "${this.name}" made a store named "${segments.name}"`)
    }
    let store: KeyValueBytesStore = segments
    if (this.#logging) store = new ChangeLoggingKeyValueStore(store)
    if (this.#caching && cachingAllowed) store = new CachingKeyValueStore(store)
    return store
  }

  abstract build(): S
}

export class WindowStoreBuilder<K, V> extends LayeredStoreBuilder<MeteredWindowStore<K, V>> {
  readonly supplier: WindowBytesStoreSupplier
  readonly #keySerde: Serde<K> | null
  readonly #valueSerde: Serde<V> | null

  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(supplier.name, supplier.retentionPeriodMs)
    this.supplier = supplier
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
  }

  build(): MeteredWindowStore<K, V> {
    const segments = this.supplier.get()
    // Kafka: a store that retains duplicates is never cached (a cache keeps one value per key).
    const inner = this.layers(segments, !this.supplier.retainDuplicates)
    return new MeteredWindowStore(inner, segments, this.supplier.windowSizeMs, this.supplier.retainDuplicates, this.#keySerde, this.#valueSerde)
  }
}

export class SessionStoreBuilder<K, AGG> extends LayeredStoreBuilder<MeteredSessionStore<K, AGG>> {
  readonly supplier: SessionBytesStoreSupplier
  readonly #keySerde: Serde<K> | null
  readonly #valueSerde: Serde<AGG> | null

  constructor(supplier: SessionBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<AGG> | null) {
    super(supplier.name, supplier.retentionPeriodMs)
    this.supplier = supplier
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
  }

  build(): MeteredSessionStore<K, AGG> {
    const segments = this.supplier.get()
    return new MeteredSessionStore(this.layers(segments, true), segments, this.#keySerde, this.#valueSerde)
  }
}

function checkSupplier(what: string, supplier: unknown): void {
  if (supplier === null || typeof supplier !== 'object' || typeof (supplier as { get?: unknown }).get !== 'function') {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `${what} needs a store supplier`)
  }
}

/** The window and session parts of `Stores` (merged into it in stores.ts). */
export const WindowStores = Object.freeze({
  /** A RocksDB window store, segmented by window start, in `<taskDir>/rocksdb/<name>`. */
  persistentWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean, options?: RocksDBKeyValueStoreOptions): WindowBytesStoreSupplier {
    return windowStoreSupplier('rocksdb', name, retentionPeriodMs, windowSizeMs, retainDuplicates, false, options)
  },

  /** As `persistentWindowStore`, for values that are `ValueAndTimestamp`s (the DSL's windowed KTables). */
  persistentTimestampedWindowStore(
    name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean, options?: RocksDBKeyValueStoreOptions,
  ): WindowBytesStoreSupplier {
    return windowStoreSupplier('rocksdb', name, retentionPeriodMs, windowSizeMs, retainDuplicates, true, options)
  },

  /** A window store in memory (rebuilt from its changelog at every start). */
  inMemoryWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return windowStoreSupplier('in-memory', name, retentionPeriodMs, windowSizeMs, retainDuplicates, false)
  },

  /** A RocksDB session store, segmented by session end. */
  persistentSessionStore(name: string, retentionPeriodMs: number, options?: RocksDBKeyValueStoreOptions): SessionBytesStoreSupplier {
    return sessionStoreSupplier('rocksdb', name, retentionPeriodMs, options)
  },

  inMemorySessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
    return sessionStoreSupplier('in-memory', name, retentionPeriodMs)
  },

  /** A builder of typed window stores; null serdes: the application's defaults (else bytes). */
  windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): WindowStoreBuilder<K, V> {
    checkSupplier('Stores.windowStoreBuilder', supplier)
    return new WindowStoreBuilder(supplier, keySerde, valueSerde)
  },

  sessionStoreBuilder<K, AGG>(supplier: SessionBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<AGG> | null): SessionStoreBuilder<K, AGG> {
    checkSupplier('Stores.sessionStoreBuilder', supplier)
    return new SessionStoreBuilder(supplier, keySerde, valueSerde)
  },
})
