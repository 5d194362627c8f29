/**
 * `SegmentedBytesStore`: the innermost layer of window and session stores (Kafka Streams'
 * `AbstractRocksDBSegmentedBytesStore` with `KeyValueSegments`), a `KeyValueBytesStore` whose
 * keys are window store keys (`[key][start][seq]`) or session keys (`[key][end][start]`), see
 * window-key-schema.ts. Because it is a key-value bytes store, the key-value change-logging and
 * caching layers stack on it unchanged, and its changelog holds Kafka's windowed key layout.
 *
 * Segments (the choice made here, and why): the store keeps ONE key-value database (RocksDB or
 * memory) and puts each entry under an 8-byte big-endian segment id prefix:
 * `[segment id][store key]`, segment id = floor(segment time / segmentIntervalMs), the segment
 * time being the window start (window stores) or the session end (session stores). Dropping an
 * expired segment is then one RocksDB `DeleteRange` over the segment's prefix (O(1) whatever its
 * size; RocksDB reclaims the space at compaction), instead of Kafka's one database per segment,
 * which would need an asynchronous open in the middle of a synchronous `put`. In memory, the
 * segment's keys are deleted one by one.
 *
 * Retention: `observedStreamTimeMs` is the largest segment time put so far (−1 at first; after
 * a restart, the start of the newest segment on disk, a lower bound of the time observed
 * before, until a later put or restored record moves it). An entry whose segment
 * time is `<= observed − retentionPeriod` is expired (window stores; session stores expire
 * whole segments only, see `recordLevelExpiry`): a `put` of it is ignored and counted in
 * `expiredRecords` (Kafka's `expired-window-record-drop` sensor), reads skip it, and a segment
 * all of whose times are expired is dropped as soon as the observed time passes it.
 *
 * Order of scans: store-key byte order (key, then time, as Kafka's stores), merged across the
 * live segments. Scans are snapshots (the backends' are).
 *
 * Restart: the live segment ids are found again at `init` by skipping through the database
 * segment by segment (one seek per segment).
 *
 * Concurrency: single-threaded, one instance per task.
 */
import type { KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import type { BytesEntry } from './bytes-range.ts'
import { mergeSorted } from './merge-sorted.ts'
import { restoreFromRecords, type BatchRestorable, type ChangelogBatch } from './restore.ts'
import { StoreLifecycle } from './store-lifecycle.ts'
import { readTimestamp, SESSION_SUFFIX_SIZE, TIMESTAMP_SIZE, WINDOW_SUFFIX_SIZE, writeTimestamp } from './window-key-schema.ts'

const SEGMENT_PREFIX_SIZE = 8

/** Where the segment time sits in a store key. */
export type SegmentTimeOf = (storeKey: Buffer) => number

/** Window store keys: the window start. */
export const windowStartTime: SegmentTimeOf = (storeKey) => readTimestamp(storeKey, storeKey.length - WINDOW_SUFFIX_SIZE)
/** Session keys: the session end. */
export const sessionEndTime: SegmentTimeOf = (storeKey) => readTimestamp(storeKey, storeKey.length - SESSION_SUFFIX_SIZE)
/** Bytes that follow the key in each layout (the time of a store key is found from its end). */
export const SUFFIX_SIZES = { window: WINDOW_SUFFIX_SIZE, session: SESSION_SUFFIX_SIZE, timestamp: TIMESTAMP_SIZE } as const

/** A backend that can drop a key range at once (the RocksDB store). */
interface RangeDeletable {
  deleteRange(from: Buffer, to: Buffer): void
}

function isRangeDeletable(store: object): store is RangeDeletable {
  return typeof (store as Partial<RangeDeletable>).deleteRange === 'function'
}

function segmentPrefix(id: number): Buffer {
  const out = Buffer.allocUnsafe(SEGMENT_PREFIX_SIZE)
  writeTimestamp(out, id, 0)
  return out
}

function prefixed(prefix: Buffer, storeKey: Buffer): Buffer {
  const out = Buffer.allocUnsafe(SEGMENT_PREFIX_SIZE + storeKey.length)
  prefix.copy(out, 0)
  storeKey.copy(out, SEGMENT_PREFIX_SIZE)
  return out
}

function* stripped(entries: Iterable<KeyValue<Buffer, Buffer>>): Generator<BytesEntry, void, undefined> {
  for (const entry of entries) yield { key: entry.key.subarray(SEGMENT_PREFIX_SIZE), value: entry.value }
}

export interface SegmentedBytesStoreOptions {
  readonly retentionPeriodMs: number
  readonly segmentIntervalMs: number
  readonly segmentTimeOf: SegmentTimeOf
  /**
   * True (window stores): an entry expires on its own time, as Kafka's window stores filter
   * fetches by `observed − retention`. False (session stores): an entry expires with its whole
   * segment, as Kafka's session stores, so a session a little older than the retention can
   * still be merged.
   */
  readonly recordLevelExpiry: boolean
}

export class SegmentedBytesStore implements KeyValueBytesStore, BatchRestorable {
  readonly name: string
  readonly retentionPeriodMs: number
  readonly segmentIntervalMs: number
  readonly #inner: KeyValueBytesStore
  readonly #timeOf: SegmentTimeOf
  readonly #recordLevel: boolean
  readonly #lifecycle: StoreLifecycle
  /** Live segment ids, ascending. */
  #segments: number[] = []
  #observed = -1
  #expired = 0

  constructor(inner: KeyValueBytesStore, options: SegmentedBytesStoreOptions) {
    this.name = inner.name
    this.#inner = inner
    this.retentionPeriodMs = options.retentionPeriodMs
    this.segmentIntervalMs = options.segmentIntervalMs
    this.#timeOf = options.segmentTimeOf
    this.#recordLevel = options.recordLevelExpiry
    this.#lifecycle = new StoreLifecycle(inner.name)
  }

  get persistent(): boolean {
    return this.#inner.persistent
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  /** The largest segment time put or restored so far (−1: none since the store opened). */
  get observedStreamTimeMs(): number {
    return this.#observed
  }

  /** Puts ignored because their window (or session) had expired. */
  get expiredRecords(): number {
    return this.#expired
  }

  /** Counts a put that an upper layer ignored because it had expired. */
  countExpired(): void {
    this.#expired++
  }

  /** Live segment ids, ascending (for tests and metrics). */
  get segmentIds(): readonly number[] {
    return this.#segments
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    await this.#inner.init(context)
    this.#segments = this.#discoverSegments()
    // The start of the newest segment is a lower bound of the time observed before the restart.
    if (this.#segments.length > 0) this.#observed = this.#segments[this.#segments.length - 1]! * this.segmentIntervalMs
    this.#lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
    await this.#inner.flush()
  }

  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    this.#lifecycle.closed()
    await this.#inner.close()
  }

  segmentId(timeMs: number): number {
    return Math.floor(Math.max(0, timeMs) / this.segmentIntervalMs)
  }

  /** Whether an entry with this segment time is expired (given the time observed so far). */
  isExpired(timeMs: number): boolean {
    if (this.#observed < 0) return false
    if (this.#recordLevel) return timeMs <= this.#observed - this.retentionPeriodMs
    return this.segmentId(timeMs) < this.#minLiveSegment()
  }

  /** Segments below this id hold only expired times. */
  #minLiveSegment(): number {
    return Math.floor((this.#observed - this.retentionPeriodMs + 1) / this.segmentIntervalMs)
  }

  /** Moves the observed stream time forward (to `timeMs` if later) and drops expired segments. */
  observe(timeMs: number): void {
    if (timeMs <= this.#observed) return
    this.#observed = timeMs
    // A segment is expired when its last time, (id + 1) * interval − 1, is.
    const minLive = this.#minLiveSegment()
    let drop = 0
    while (drop < this.#segments.length && this.#segments[drop]! < minLive) drop++
    if (drop === 0) return
    for (const id of this.#segments.slice(0, drop)) this.#dropSegment(id)
    this.#segments = this.#segments.slice(drop)
  }

  get(storeKey: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const time = this.#timeOf(storeKey)
    if (this.isExpired(time)) return undefined
    const id = this.segmentId(time)
    if (!this.#hasSegment(id)) return undefined
    return this.#inner.get(prefixed(segmentPrefix(id), storeKey))
  }

  put(storeKey: Buffer, value: Buffer | null): void {
    this.#lifecycle.check()
    this.#put(storeKey, value)
  }

  putIfAbsent(storeKey: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(storeKey)
    if (existing === undefined) this.put(storeKey, value)
    return existing
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) this.#put(key, value)
  }

  delete(storeKey: Buffer): Buffer | undefined {
    const existing = this.get(storeKey)
    if (existing !== undefined) this.put(storeKey, null)
    return existing
  }

  range(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(from, to, false, this.#segments)
  }

  reverseRange(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(from, to, true, this.#segments)
  }

  all(): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(undefined, undefined, false, this.#segments)
  }

  prefixScan(prefix: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    const sources = this.#segments.map((id) => stripped(this.#inner.prefixScan(prefixed(segmentPrefix(id), prefix))))
    return this.#unexpired(mergeSorted(sources, false))
  }

  /**
   * A scan limited to the segments that may hold times in `[timeFromMs, timeToMs]` (the caller
   * still filters by time): what window fetches use, so that a fetch of a short time range
   * does not open iterators on every segment.
   *
   * `oneKey`: the caller keeps the entries of one key only (a fetch of one key's windows; the
   * range may also hold keys that extend it byte-wise, which the caller drops). That key's
   * entries sort by time, and segments split time, so segments are read one after the other in
   * segment order (each opened when the previous one is done, none once the caller stops)
   * instead of merged; the other keys' entries may then come out of order.
   */
  rangeInTime(
    from: Buffer | undefined, to: Buffer | undefined, timeFromMs: number, timeToMs: number, reverse: boolean, oneKey = false,
  ): Iterable<KeyValue<Buffer, Buffer>> {
    const first = this.segmentId(timeFromMs)
    const last = timeToMs === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : this.segmentId(timeToMs)
    const segments = this.#segments.filter((id) => id >= first && id <= last)
    if (!oneKey || segments.length <= 1) return this.#scan(from, to, reverse, segments)
    this.#lifecycle.check()
    if (from !== undefined && to !== undefined && Buffer.compare(from, to) > 0) return []
    return this.#unexpired(this.#concat(from, to, reverse, reverse ? segments.reverse() : segments))
  }

  *#concat(from: Buffer | undefined, to: Buffer | undefined, reverse: boolean, segments: readonly number[]): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    for (const id of segments) {
      const prefix = segmentPrefix(id)
      const lo = from === undefined ? prefix : prefixed(prefix, from)
      const hi = to === undefined ? segmentPrefix(id + 1) : prefixed(prefix, to)
      for (const entry of reverse ? this.#inner.reverseRange(lo, hi) : this.#inner.range(lo, hi)) {
        yield { key: entry.key.subarray(SEGMENT_PREFIX_SIZE), value: entry.value }
      }
    }
  }

  approximateNumEntries(): number {
    this.#lifecycle.check()
    return this.#inner.approximateNumEntries()
  }

  /** Restoration: changelog records go into their segments (expired ones are skipped), in one batch where the backend takes batches. */
  restoreBatch(batch: ChangelogBatch): void | Promise<void> {
    this.#lifecycle.check()
    const routed: KeyValue<Buffer, Buffer | null>[] = []
    for (const { key, value } of batch) {
      const time = this.#timeOf(key)
      this.observe(time)
      if (this.isExpired(time)) continue
      routed.push({ key: prefixed(segmentPrefix(this.#segmentFor(time)), key), value })
    }
    // Records of segments dropped while this batch was routed are dropped with them.
    const live = routed.filter((entry) => this.#hasSegment(readTimestamp(entry.key, 0)))
    if (live.length === 0) return
    return restoreFromRecords(this.#inner, live)
  }

  #put(storeKey: Buffer, value: Buffer | null): void {
    const time = this.#timeOf(storeKey)
    this.observe(time)
    if (this.isExpired(time)) {
      if (value !== null) this.#expired++
      return
    }
    const id = value === null ? this.segmentId(time) : this.#segmentFor(time)
    if (value === null && !this.#hasSegment(id)) return
    this.#inner.put(prefixed(segmentPrefix(id), storeKey), value)
  }

  /** The id of the segment of `time`, created (noted as live) if needed. */
  #segmentFor(time: number): number {
    const id = this.segmentId(time)
    const segments = this.#segments
    if (segments.length === 0 || segments[segments.length - 1]! < id) segments.push(id)
    else if (!this.#hasSegment(id)) {
      segments.push(id)
      segments.sort((a, b) => a - b)
    }
    return id
  }

  #hasSegment(id: number): boolean {
    const segments = this.#segments
    let lo = 0
    let hi = segments.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const at = segments[mid]!
      if (at === id) return true
      if (at < id) lo = mid + 1
      else hi = mid - 1
    }
    return false
  }

  #dropSegment(id: number): void {
    const from = segmentPrefix(id)
    const to = segmentPrefix(id + 1)
    const inner = this.#inner
    if (isRangeDeletable(inner)) {
      inner.deleteRange(from, to)
      return
    }
    const keys = [...inner.prefixScan(from)].map((entry) => entry.key)
    for (const key of keys) inner.delete(key)
  }

  #scan(from: Buffer | undefined, to: Buffer | undefined, reverse: boolean, segments: readonly number[]): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    if (from !== undefined && to !== undefined && Buffer.compare(from, to) > 0) return []
    const sources: Iterator<BytesEntry>[] = []
    for (const id of segments) {
      const prefix = segmentPrefix(id)
      const lo = from === undefined ? prefix : prefixed(prefix, from)
      const hi = to === undefined ? segmentPrefix(id + 1) : prefixed(prefix, to)
      // `hi` for an open end is the next segment's bare prefix: no store key equals it (store keys are longer).
      const rows = reverse ? this.#inner.reverseRange(lo, hi) : this.#inner.range(lo, hi)
      sources.push(stripped(rows))
    }
    return this.#unexpired(mergeSorted(sources, reverse))
  }

  *#unexpired(entries: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    for (const entry of entries) if (!this.isExpired(this.#timeOf(entry.key))) yield entry
  }

  /** The segment ids present in the database: one seek per segment. */
  #discoverSegments(): number[] {
    const ids: number[] = []
    let from: Buffer | undefined
    for (;;) {
      let found: number | undefined
      for (const entry of this.#inner.range(from, undefined)) {
        if (entry.key.length >= SEGMENT_PREFIX_SIZE) found = readTimestamp(entry.key, 0)
        break
      }
      if (found === undefined) return ids
      ids.push(found)
      from = segmentPrefix(found + 1)
    }
  }
}
