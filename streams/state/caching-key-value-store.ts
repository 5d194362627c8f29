/**
 * `CachingKeyValueStore`: the record-cache layer (Kafka Streams' `CachingKeyValueStore` over a
 * `NamedCache`), between the typed store and the change-logging (or bytes) store.
 *
 * What it is for: a KTable updated many times per key between two commits should write the
 * key once to the store and its changelog and forward it once downstream. So writes stay here
 * as dirty entries, collapsed per key (the last value and its record timestamp win), and reach
 * the layer below and the flush listener only when:
 * - the cache is flushed (`flush()`, at every commit): every dirty entry, in the order of its
 *   first write since the previous flush; or
 * - the cache is over budget and evicts (see record-cache.ts for how the budget is shared):
 *   the least-recently-used entry goes; if it was dirty, it and then every other dirty entry
 *   are flushed first (Kafka's rule), so downstream sees a key's updates in order.
 * Reads (`get`) are served from the cache; a miss reads the layer below and keeps the value (or
 * its absence) as a clean entry. Scans merge a snapshot of the cache with the layer below
 * (deletions in the cache hide keys). Deleting a key that the layer below does not hold is
 * dropped at flush: no changelog tombstone and no listener call for a key that never existed.
 * This relies on the layer below changing only through this layer once the task runs
 * (restoration, which writes below directly, happens before the first read).
 *
 * At a flush, the entries are first written below, each stamped with its record timestamp (the
 * change-logging layer reads it through its context), and only then given to the listener with
 * the value the layer below held before (`oldValue`, when old values are sent). A listener that
 * throws does not stop the others; the first error is rethrown after all have run.
 *
 * Crash behaviour: the cache is memory only. Dirty entries lost in a crash were neither in the
 * store nor in the changelog, and the input offsets that produced them were not committed
 * (a commit flushes first), so they are processed again.
 *
 * Concurrency: single-threaded, one instance per task. A listener may write to this store:
 * those writes become new dirty entries; evictions wait until the flush in progress has ended.
 */
import type { CachedStateStore, FlushedEntry, KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { ALL_KEYS, binaryBounds, binaryKey, closedRange, entrySize, prefixRange, type BytesRange } from './bytes-range.ts'
import { derivedContext } from './derived-context.ts'
import { LruList, type LruNode } from './lru-list.ts'
import { mergeSorted } from './merge-sorted.ts'
import { RecordCache } from './record-cache.ts'
import { SortedKeyMap } from './sorted-key-map.ts'
import { StoreLifecycle } from './store-lifecycle.ts'

/**
 * A cached key. Entries are replaced, not changed, except a dirty entry that no scan can see
 * (made since the last scan began, see `SortedKeyMap.scanEpoch`): a write of its key then
 * updates `key`, `value`, `timestamp` and `size` in place (a word count writes its hot keys
 * thousands of times between commits; each write would otherwise allocate an entry and
 * update two hash tables).
 */
interface CacheEntry {
  key: Buffer
  value: Buffer | null
  /** Written since the last flush, and not yet below. */
  readonly dirty: boolean
  /**
   * What the layer below holds for the key, when known (null: nothing), so that a flush needs
   * no read below for old values. A clean entry's value is what is below: a clean entry with a
   * null value remembers that the key is absent below (only this layer writes below).
   */
  readonly below: Buffer | null | undefined
  /** Record timestamp of the last write (dirty entries). */
  timestamp: number
  size: number
  /** `SortedKeyMap.scanEpoch` when the entry was made. */
  readonly epoch: number
  /** The key's place in the recency list, shared by the successive entries of the key. */
  readonly node: LruNode
}

type FlushListener = (entry: FlushedEntry<Buffer, Buffer>) => void

export class CachingKeyValueStore implements KeyValueBytesStore, CachedStateStore<Buffer, Buffer> {
  readonly name: string
  readonly #inner: KeyValueBytesStore
  readonly #lifecycle: StoreLifecycle
  readonly #entries = new SortedKeyMap<CacheEntry>()
  /** Keys by recency of use, least recent first. */
  readonly #lru = new LruList()
  /** Ids of dirty entries, in order of first write since the last flush. */
  readonly #dirty = new Set<string>()
  #bytes = 0
  #cache: RecordCache | null = null
  #context: StateStoreContext | null = null
  #listener: FlushListener | null = null
  #sendOldValues = false
  /** The record timestamp the layers below see while this layer writes a flushed entry. */
  #stamp: number | undefined
  #flushing = false
  /**
   * The last key converted to its binary-string id, and the id: a read-modify-write of one key
   * (get then put with the same buffer, as the typed layer above hands it) converts it once.
   * Keys are not mutated once given to a store (entries keep them), so identity is enough.
   */
  #lastKey: Buffer | null = null
  #lastId = ''

  constructor(inner: KeyValueBytesStore) {
    this.name = inner.name
    this.#inner = inner
    this.#lifecycle = new StoreLifecycle(inner.name)
  }

  get persistent(): boolean {
    return this.#inner.persistent
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  /** Bytes this store's cache holds (entries counted as in record-cache.ts). */
  get cachedBytes(): number {
    return this.#bytes
  }

  setFlushListener(listener: FlushListener, sendOldValues: boolean): void {
    this.#listener = listener
    this.#sendOldValues = sendOldValues
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    const stamped = derivedContext(context, { recordTimestamp: () => this.#stamp ?? context.recordTimestamp() })
    await this.#inner.init(stamped)
    this.#context = context
    this.#cache = RecordCache.forConfig(context.config)
    this.#cache.join()
    this.#lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
    this.#flushDirty(undefined)
    this.#trimToFairShare()
    await this.#inner.flush()
  }

  /** Flushes the dirty entries (listener included), then closes the layers below. */
  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    let failure: unknown
    if (this.#lifecycle.isOpen) {
      try {
        this.#flushDirty(undefined)
      } catch (error) {
        failure = error
      }
      this.#cache!.leave(this.#bytes)
    }
    this.#lifecycle.closed()
    this.#entries.clear()
    this.#lru.clear()
    this.#dirty.clear()
    this.#bytes = 0
    this.#lastKey = null
    try {
      await this.#inner.close()
    } catch (error) {
      failure ??= error
    }
    if (failure !== undefined) throw failure
  }

  get(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const id = this.#id(key)
    const cached = this.#entries.get(id)
    if (cached !== undefined) {
      this.#lru.touch(cached.node)
      return cached.value ?? undefined
    }
    const value = this.#inner.get(key)
    this.#keep(id, undefined, key, value ?? null, false, -1)
    this.#evictIfOverBudget()
    return value
  }

  put(key: Buffer, value: Buffer | null): void {
    this.#lifecycle.check()
    const id = this.#id(key)
    const timestamp = this.#context!.recordTimestamp()
    const entries = this.#entries
    const previous = entries.get(id)
    if (previous !== undefined && previous.dirty && previous.epoch === entries.scanEpoch) {
      // Still dirty (so already in `#dirty`, in its place) and in no scan: update it in place.
      const size = entrySize(key, value)
      this.#account(size - previous.size)
      previous.key = key
      previous.value = value
      previous.timestamp = timestamp
      previous.size = size
      this.#lru.touch(previous.node)
    } else {
      this.#keep(id, previous, key, value, true, timestamp)
      this.#dirty.add(id)
    }
    this.#evictIfOverBudget()
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key)
    if (existing === undefined) this.put(key, value)
    return existing
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) this.put(key, value)
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.get(key)
    if (existing !== undefined) this.put(key, null)
    return existing
  }

  range(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), false, () => this.#inner.range(from, to))
  }

  reverseRange(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), true, () => this.#inner.reverseRange(from, to))
  }

  all(): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(ALL_KEYS, false, () => this.#inner.all())
  }

  prefixScan(prefix: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(prefixRange(prefix), false, () => this.#inner.prefixScan(prefix))
  }

  /** The layer below's estimate, adjusted by the dirty puts and deletions. */
  approximateNumEntries(): number {
    this.#lifecycle.check()
    let delta = 0
    for (const id of this.#dirty) {
      const { value, below } = this.#entries.get(id)!
      if (below === undefined) delta += value === null ? -1 : 1
      else delta += (value === null ? 0 : 1) - (below === null ? 0 : 1)
    }
    return Math.max(0, this.#inner.approximateNumEntries() + delta)
  }

  #scan(range: BytesRange | null, reverse: boolean, below: () => Iterable<KeyValue<Buffer, Buffer>>): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    if (range === null) return []
    if (this.#entries.size === 0) return below()
    const { lo, hi, hiInclusive } = binaryBounds(range)
    const cached = this.#entries.scan(lo, hi, hiInclusive, reverse)
    return mergeSorted([cached, below()[Symbol.iterator]()], reverse)
  }

  #id(key: Buffer): string {
    if (key === this.#lastKey) return this.#lastId
    const id = binaryKey(key)
    this.#lastKey = key
    this.#lastId = id
    return id
  }

  /** Sets a new entry for `id`; `previous` is its current entry. */
  #keep(id: string, previous: CacheEntry | undefined, key: Buffer, value: Buffer | null, dirty: boolean, timestamp: number): void {
    const node = previous === undefined ? LruList.node(id) : previous.node
    const below = dirty ? previous?.below : value
    const entry: CacheEntry = { key, value, dirty, below, timestamp, size: entrySize(key, value), node, epoch: this.#entries.scanEpoch }
    this.#entries.set(id, entry)
    this.#account(entry.size - (previous === undefined ? 0 : previous.size))
    this.#lru.touch(node)
  }

  #drop(id: string, entry: CacheEntry): void {
    this.#entries.delete(id)
    this.#lru.remove(entry.node)
    this.#account(-entry.size)
  }

  #account(deltaBytes: number): void {
    this.#bytes += deltaBytes
    this.#cache!.resize(deltaBytes)
  }

  #evictIfOverBudget(): void {
    const cache = this.#cache!
    if (this.#flushing || !cache.overBudget) return
    while (cache.overBudget && this.#lru.size > 0) this.#evictOldest()
  }

  #evictOldest(): void {
    const id = this.#lru.oldest!.id
    const entry = this.#entries.get(id)!
    this.#drop(id, entry)
    if (entry.dirty) {
      this.#dirty.delete(id)
      this.#flushDirty(entry)
    }
  }

  /** After a flush: clean entries beyond this store's fair share of the budget go. */
  #trimToFairShare(): void {
    const share = this.#cache!.fairShareBytes
    while (this.#bytes > share && this.#lru.size > 0) {
      const id = this.#lru.oldest!.id
      const entry = this.#entries.get(id)!
      if (entry.dirty) return
      this.#drop(id, entry)
    }
  }

  /** Writes `evicted` (already dropped from the cache) and then every dirty entry below; they stay cached as clean entries (deletions are dropped). */
  #flushDirty(evicted: CacheEntry | undefined): void {
    const batch: CacheEntry[] = evicted === undefined ? [] : [evicted]
    for (const id of this.#dirty) {
      const entry = this.#entries.get(id)!
      batch.push(entry)
      if (entry.value === null) this.#drop(id, entry)
      else this.#entries.set(id, { ...entry, dirty: false, below: entry.value })
    }
    this.#dirty.clear()
    if (batch.length === 0) return
    this.#flushing = true
    try {
      this.#writeBelow(batch)
    } finally {
      this.#flushing = false
    }
    this.#evictIfOverBudget()
  }

  #writeBelow(batch: readonly CacheEntry[]): void {
    const listener = this.#listener
    const sendOldValues = this.#sendOldValues
    const written: FlushedEntry<Buffer, Buffer>[] = []
    for (const entry of batch) {
      const needOld = entry.value === null || (listener !== null && sendOldValues)
      const oldValue = entry.below !== undefined ? entry.below : needOld ? (this.#inner.get(entry.key) ?? null) : null
      if (entry.value === null && oldValue === null) continue
      this.#stamp = entry.timestamp
      try {
        this.#inner.put(entry.key, entry.value)
      } finally {
        this.#stamp = undefined
      }
      if (listener !== null) {
        written.push({ key: entry.key, newValue: entry.value, oldValue: sendOldValues ? oldValue : null, timestamp: entry.timestamp })
      }
    }
    if (listener === null) return
    let failure: { error: unknown } | undefined
    for (const flushed of written) {
      try {
        listener(flushed)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }
}
