/**
 * `SortedKeyMap<V>`: an ordered map from binary-string keys (see bytes-range.ts) to values,
 * with O(1) point reads and writes and range scans that are snapshots. It is the index of the
 * in-memory store, the RocksDB store's write buffer and the record cache.
 *
 * Structure:
 * - a hash index (`Map`): the current value of every key; `get`, `set`, `delete` touch only it
 *   (and note the key as stale), so a store that is written and read but not scanned (a word
 *   count's cache, a write buffer between flushes) never pays for ordering;
 * - the keys in order, in chunks of at most `MAX_CHUNK` keys, each chunk a sorted array with
 *   the values beside it, brought up to date with the stale keys when a scan needs them: each
 *   stale key is placed by binary search over the chunks' first keys, then within its chunk
 *   (O(log n) compares plus an O(chunk) splice), or, when more than an eighth of the keys are
 *   stale, the chunks are rebuilt by sorting every key (O(n log n)). A full chunk splits in
 *   two; an empty one is dropped. Repeated writes of a key between scans cost one update.
 *   Once a rebuild is due (more than an eighth stale, or no chunks yet), stale keys are no
 *   longer tracked: writes then touch the hash index only.
 *
 * Invariants: the chunks' keys, read in order, are strictly increasing; unless a rebuild is
 * due, the index and the chunks hold the same keys with the same values apart from the stale
 * keys; no chunk is empty.
 * Values are never `undefined` (it means "absent").
 *
 * Snapshots (copy-on-write): `scan` captures the chunk list as it is and bumps an epoch; every
 * chunk older than the epoch is shared from then on, so the next change to it copies it first
 * (and the chunk list is copied before its next change). A scan therefore never sees later
 * writes, and taking one costs no copy of the data; it then runs in O(log n + k).
 *
 * Concurrency: single-threaded, synchronous; scans may be consumed while the map changes.
 */

/** Most keys in one chunk; a chunk that grows past it splits in two halves. */
const MAX_CHUNK = 512

interface Chunk<V> {
  readonly keys: string[]
  readonly values: V[]
  /** The map's epoch when this chunk was made: older chunks may be shared with a scan. */
  readonly epoch: number
}

const EMPTY_ITERATOR: IterableIterator<never> = [][Symbol.iterator]()

export class SortedKeyMap<V> {
  #index = new Map<string, V>()
  /** Keys set or deleted since the chunks were last brought up to date. */
  #stale = new Set<string>()
  #chunks: Chunk<V>[] = []
  /** The chunks must be rebuilt from the index before the next scan (`#stale` is then unused). */
  #rebuildDue = true
  /** True when a scan holds the current `#chunks` array: copy it before changing it. */
  #chunksShared = false
  #epoch = 0

  get size(): number {
    return this.#index.size
  }

  /**
   * Bumped by every `scan`: a value stored while `scanEpoch` has not changed since cannot be
   * in any scan's snapshot, so its owner may change it in place instead of setting a new one.
   */
  get scanEpoch(): number {
    return this.#epoch
  }

  get(key: string): V | undefined {
    return this.#index.get(key)
  }

  has(key: string): boolean {
    return this.#index.has(key)
  }

  /** Values in insertion order of their keys (not key order): for batch writes where order does not matter. */
  unorderedValues(): IterableIterator<V> {
    return this.#index.values()
  }

  set(key: string, value: V): void {
    this.#index.set(key, value)
    if (!this.#rebuildDue) this.#markStale(key)
  }

  delete(key: string): boolean {
    if (!this.#index.delete(key)) return false
    if (!this.#rebuildDue) this.#markStale(key)
    return true
  }

  clear(): void {
    this.#index = new Map()
    this.#stale = new Set()
    this.#chunks = []
    this.#chunksShared = false
    this.#rebuildDue = true
  }

  #markStale(key: string): void {
    const stale = this.#stale
    stale.add(key)
    if (stale.size * 8 > this.#index.size) {
      this.#rebuildDue = true
      this.#stale = new Set()
    }
  }

  /**
   * The values of keys in `[lo, hi]` (`[lo, hi)` when `hiInclusive` is false; an undefined
   * bound is open), in key order or reversed: a snapshot taken now, consumed lazily.
   */
  scan(lo: string | undefined, hi: string | undefined, hiInclusive: boolean, reverse: boolean): IterableIterator<V> {
    if (this.#index.size === 0) return EMPTY_ITERATOR
    this.#order()
    const chunks = this.#chunks
    this.#chunksShared = true
    this.#epoch++
    return reverse ? scanBackward(chunks, lo, hi, hiInclusive) : scanForward(chunks, lo, hi, hiInclusive)
  }

  /** Brings the chunks up to date with the stale keys. */
  #order(): void {
    if (this.#rebuildDue) {
      this.#rebuild()
      return
    }
    const stale = this.#stale
    if (stale.size === 0) return
    this.#stale = new Set()
    for (const key of stale) {
      const value = this.#index.get(key)
      if (value === undefined) this.#unplace(key)
      else this.#place(key, value)
    }
  }

  #rebuild(): void {
    const keys = [...this.#index.keys()].sort()
    const chunks: Chunk<V>[] = []
    const size = MAX_CHUNK >> 1
    for (let start = 0; start < keys.length; start += size) {
      const chunkKeys = keys.slice(start, start + size)
      chunks.push({ keys: chunkKeys, values: chunkKeys.map((key) => this.#index.get(key)!), epoch: this.#epoch })
    }
    // Scans keep the old chunk list: the new one is not shared.
    this.#chunks = chunks
    this.#chunksShared = false
    this.#rebuildDue = false
    this.#stale = new Set()
  }

  #place(key: string, value: V): void {
    if (this.#chunks.length === 0) {
      this.#mutableChunks().push({ keys: [key], values: [value], epoch: this.#epoch })
      return
    }
    const ci = chunkIndex(this.#chunks, key)
    const chunk = this.#writableChunk(ci)
    const i = lowerBound(chunk.keys, key)
    if (chunk.keys[i] === key) {
      chunk.values[i] = value
      return
    }
    chunk.keys.splice(i, 0, key)
    chunk.values.splice(i, 0, value)
    if (chunk.keys.length > MAX_CHUNK) {
      const half = chunk.keys.length >> 1
      const right: Chunk<V> = { keys: chunk.keys.splice(half), values: chunk.values.splice(half), epoch: this.#epoch }
      this.#mutableChunks().splice(ci + 1, 0, right)
    }
  }

  #unplace(key: string): void {
    if (this.#chunks.length === 0) return
    const ci = chunkIndex(this.#chunks, key)
    const i = lowerBound(this.#chunks[ci]!.keys, key)
    if (this.#chunks[ci]!.keys[i] !== key) return
    const chunk = this.#writableChunk(ci)
    chunk.keys.splice(i, 1)
    chunk.values.splice(i, 1)
    if (chunk.keys.length === 0) this.#mutableChunks().splice(ci, 1)
  }

  #mutableChunks(): Chunk<V>[] {
    if (this.#chunksShared) {
      this.#chunks = this.#chunks.slice()
      this.#chunksShared = false
    }
    return this.#chunks
  }

  #writableChunk(ci: number): Chunk<V> {
    const chunk = this.#chunks[ci]!
    if (chunk.epoch === this.#epoch) return chunk
    const copy: Chunk<V> = { keys: chunk.keys.slice(), values: chunk.values.slice(), epoch: this.#epoch }
    this.#mutableChunks()[ci] = copy
    return copy
  }
}

/** Index of the last chunk whose first key is <= key (0 when key is below every chunk). */
function chunkIndex<V>(chunks: readonly Chunk<V>[], key: string): number {
  let lo = 0
  let hi = chunks.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (chunks[mid]!.keys[0]! <= key) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** First index whose key is >= key. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (keys[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose key is > key. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (keys[mid]! <= key) lo = mid + 1
    else hi = mid
  }
  return lo
}

function* scanForward<V>(chunks: readonly Chunk<V>[], lo: string | undefined, hi: string | undefined, hiInclusive: boolean): Generator<V, void, undefined> {
  let ci = 0
  let i = 0
  if (lo !== undefined) {
    ci = chunkIndex(chunks, lo)
    i = lowerBound(chunks[ci]!.keys, lo)
  }
  for (; ci < chunks.length; ci++, i = 0) {
    const { keys, values } = chunks[ci]!
    for (; i < keys.length; i++) {
      if (hi !== undefined) {
        const key = keys[i]!
        if (hiInclusive ? key > hi : key >= hi) return
      }
      yield values[i]!
    }
  }
}

function* scanBackward<V>(chunks: readonly Chunk<V>[], lo: string | undefined, hi: string | undefined, hiInclusive: boolean): Generator<V, void, undefined> {
  let ci = chunks.length - 1
  let i = chunks[ci]!.keys.length - 1
  if (hi !== undefined) {
    ci = chunkIndex(chunks, hi)
    const keys = chunks[ci]!.keys
    i = (hiInclusive ? upperBound(keys, hi) : lowerBound(keys, hi)) - 1
  }
  for (; ci >= 0; ci--, i = ci >= 0 ? chunks[ci]!.keys.length - 1 : -1) {
    const { keys, values } = chunks[ci]!
    for (; i >= 0; i--) {
      if (lo !== undefined && keys[i]! < lo) return
      yield values[i]!
    }
  }
}
