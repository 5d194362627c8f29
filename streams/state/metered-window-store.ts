/**
 * `MeteredWindowStore<K, V>`: the outermost, typed layer of a window store (Kafka Streams'
 * `MeteredWindowStore` over `RocksDBWindowStore`), what processors get from
 * `context.getStateStore(name)` for a window store. Contract: window-api.ts.
 *
 * Layers below (built by `WindowStoreBuilder`): caching (optional) → change-logging (optional)
 * → `SegmentedBytesStore` over RocksDB or memory. Below this layer everything is a key-value
 * bytes store keyed by window store keys `[key][window start][seq]` (window-key-schema.ts), so
 * the changelog holds Kafka's layout and the key-value caching and logging layers are reused.
 *
 * - `put(key, value, start)`: the segmented store's observed stream time moves to `start`; a
 *   window already expired (`start <= observed − retention`) is ignored: not cached, not
 *   logged, counted in the segmented store's `expiredRecords`. With `retainDuplicates`, each
 *   put gets the next sequence number (so none overwrites another) and null puts are ignored.
 * - Reads filter by exact key and time (a byte range over variable-length keys also covers
 *   other keys that extend the key), and skip expired windows still held by the cache.
 * - Flush listener (`CachedStateStore<Windowed<K>, V>`): as the typed key-value store's, keys
 *   decoded as `Windowed<K>` with window `[start, start + windowSize)`.
 *   Every flushed entry is forwarded, also one whose window expired while it was cached (as
 *   Kafka's caching window store): a window's last update is never lost to the retention.
 *
 * Concurrency: single-threaded, one instance per task.
 */
import type { Serde } from '../../serdes/index.ts'
import type { KeyValue, KeyValueBytesStore } from './api.ts'
import { isCached, MeteredSegmentedStore } from './metered-segmented-store.ts'
import type { SegmentedBytesStore } from './segmented-bytes-store.ts'
import type { Windowed, WindowStore } from './window-api.ts'
import {
  hasKey, WINDOW_SUFFIX_SIZE, windowLowerBound, windowStoreKey, windowStoreKeyBytes, windowStoreKeyStart, windowUpperBound,
} from './window-key-schema.ts'

export class MeteredWindowStore<K, V> extends MeteredSegmentedStore<K, V> implements WindowStore<K, V> {
  readonly windowSizeMs: number
  readonly retainDuplicates: boolean
  /** Whether a record cache sits between this layer and the segments (reads must then go through it). */
  readonly #cached: boolean
  #seqnum = 0
  /**
   * The last (key, window start) turned into a store key, and that key: an aggregation reads a
   * window and then writes it back, and the put then reuses the fetch's bytes (no second
   * serialization, and the caching layer recognises the buffer). Only for primitive keys,
   * whose bytes cannot change behind the store's back (an object key could be mutated).
   */
  #lastKey: unknown = undefined
  #lastStart = 0
  #lastStoreKey: Buffer | null = null

  constructor(inner: KeyValueBytesStore, segments: SegmentedBytesStore, windowSizeMs: number, retainDuplicates: boolean, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(inner, segments, keySerde, valueSerde)
    this.windowSizeMs = windowSizeMs
    this.retainDuplicates = retainDuplicates
    this.#cached = isCached(inner)
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.lifecycle.check()
    const segments = this.segments
    segments.observe(windowStartMs)
    if (segments.isExpired(windowStartMs)) {
      if (value !== null && value !== undefined) segments.countExpired()
      return
    }
    const valueBytes = this.serdes.valueBytes(value)
    if (this.retainDuplicates && valueBytes === null) return
    let storeKey: Buffer
    if (this.retainDuplicates) {
      this.#seqnum = (this.#seqnum + 1) & 0x7fffffff
      storeKey = windowStoreKey(this.serdes.keyBytes(key), windowStartMs, this.#seqnum)
    } else storeKey = this.#storeKey(key, windowStartMs)
    const listener = this.listener
    if (listener === null) {
      this.inner.put(storeKey, valueBytes)
      return
    }
    const old = valueBytes === null || this.sendOldValues ? this.inner.get(storeKey) : undefined
    if (valueBytes === null && old === undefined) return
    this.inner.put(storeKey, valueBytes)
    listener({
      key: { key, window: { startMs: windowStartMs, endMs: windowStartMs + this.windowSizeMs } },
      newValue: valueBytes === null ? null : (value as V),
      oldValue: this.sendOldValues && old !== undefined ? this.serdes.value(old) : null,
      timestamp: this.context!.recordTimestamp(),
    })
  }

  fetch(key: K, windowStartMs: number): V | undefined {
    this.lifecycle.check()
    if (this.segments.isExpired(windowStartMs)) return undefined
    if (!this.retainDuplicates) {
      const bytes = this.inner.get(this.#storeKey(key, windowStartMs))
      return bytes === undefined ? undefined : this.serdes.value(bytes)
    }
    for (const entry of this.#keyRows(this.serdes.keyBytes(key), windowStartMs, windowStartMs, false)) return this.serdes.value(entry.value)
    return undefined
  }

  /** The store key of `key`'s window at `windowStartMs` (sequence number 0), reused for a repeat of the last one. */
  #storeKey(key: K, windowStartMs: number): Buffer {
    if (key === this.#lastKey && windowStartMs === this.#lastStart && this.#lastStoreKey !== null) return this.#lastStoreKey
    const storeKey = windowStoreKey(this.serdes.keyBytes(key), windowStartMs, 0)
    if (typeof key !== 'object' && typeof key !== 'function') {
      this.#lastKey = key
      this.#lastStart = windowStartMs
      this.#lastStoreKey = storeKey
    }
    return storeKey
  }

  fetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    this.lifecycle.check()
    return this.#byTime(this.#keyRows(this.serdes.keyBytes(key), timeFromMs, timeToMs, false))
  }

  backwardFetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    this.lifecycle.check()
    return this.#byTime(this.#keyRows(this.serdes.keyBytes(key), timeFromMs, timeToMs, true))
  }

  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    this.lifecycle.check()
    return this.#typed(this.#keyRangeRows(keyFrom, keyTo, timeFromMs, timeToMs, false))
  }

  backwardFetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    this.lifecycle.check()
    return this.#typed(this.#keyRangeRows(keyFrom, keyTo, timeFromMs, timeToMs, true))
  }

  fetchAll(timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    this.lifecycle.check()
    return this.#typed(this.#keyRangeRows(undefined, undefined, timeFromMs, timeToMs, false))
  }

  /** Every unexpired window, in key then start order. */
  all(): Iterable<KeyValue<Windowed<K>, V>> {
    this.lifecycle.check()
    return this.#typed(this.#unexpired(this.inner.all()))
  }

  /** Kafka's `WindowStore.backwardAll`. */
  backwardAll(): Iterable<KeyValue<Windowed<K>, V>> {
    this.lifecycle.check()
    return this.#typed(this.#unexpired(this.inner.reverseRange()))
  }

  *#keyRows(keyBytes: Buffer, from: number, to: number, reverse: boolean): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    if (from > to) return
    const lo = windowLowerBound(keyBytes, from)
    const hi = windowUpperBound(keyBytes, to)
    for (const row of this.#rows(lo, hi, from, to, reverse, true)) {
      if (!hasKey(row.key, WINDOW_SUFFIX_SIZE, keyBytes)) continue
      const start = windowStoreKeyStart(row.key)
      if (start >= from && start <= to && !this.segments.isExpired(start)) yield row
    }
  }

  *#keyRangeRows(keyFrom: K | undefined, keyTo: K | undefined, from: number, to: number, reverse: boolean): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    if (from > to) return
    const fromBytes = keyFrom === undefined || keyFrom === null ? undefined : this.serdes.keyBytes(keyFrom)
    const toBytes = keyTo === undefined || keyTo === null ? undefined : this.serdes.keyBytes(keyTo)
    if (fromBytes !== undefined && toBytes !== undefined && Buffer.compare(fromBytes, toBytes) > 0) return
    const lo = fromBytes === undefined ? undefined : windowLowerBound(fromBytes, from)
    const hi = toBytes === undefined ? undefined : windowUpperBound(toBytes, to)
    for (const row of this.#rows(lo, hi, from, to, reverse)) {
      const keyBytes = windowStoreKeyBytes(row.key)
      if (fromBytes !== undefined && Buffer.compare(keyBytes, fromBytes) < 0) continue
      if (toBytes !== undefined && Buffer.compare(keyBytes, toBytes) > 0) continue
      const start = windowStoreKeyStart(row.key)
      if (start >= from && start <= to && !this.segments.isExpired(start)) yield row
    }
  }

  /**
   * Store rows in `[lo, hi]` (key order), of which the caller keeps times in `[from, to]`;
   * `oneKey`: the bounds are those of one key's windows (see `SegmentedBytesStore.rangeInTime`).
   * Without a cache, reads go straight to the segments that may hold those times (the
   * change-logging layer only passes reads through), so a fetch over a short time range scans
   * one or two segments, not every live one; with a cache, through the cache.
   */
  #rows(lo: Buffer | undefined, hi: Buffer | undefined, from: number, to: number, reverse: boolean, oneKey = false): Iterable<KeyValue<Buffer, Buffer>> {
    if (!this.#cached) return this.segments.rangeInTime(lo, hi, from, to, reverse, oneKey)
    return reverse ? this.inner.reverseRange(lo, hi) : this.inner.range(lo, hi)
  }

  *#unexpired(rows: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    for (const row of rows) if (!this.segments.isExpired(windowStoreKeyStart(row.key))) yield row
  }

  *#byTime(rows: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<number, V>, void, undefined> {
    for (const row of rows) yield { key: windowStoreKeyStart(row.key), value: this.serdes.value(row.value) }
  }

  *#typed(rows: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<Windowed<K>, V>, void, undefined> {
    for (const row of rows) yield { key: this.windowed(row.key), value: this.serdes.value(row.value) }
  }

  protected windowed(storeKey: Buffer): Windowed<K> {
    const start = windowStoreKeyStart(storeKey)
    return { key: this.serdes.key(windowStoreKeyBytes(storeKey)), window: { startMs: start, endMs: start + this.windowSizeMs } }
  }
}
