/**
 * Window and session store contracts (Kafka Streams' `WindowStore`, `SessionStore`, `Windowed`).
 *
 * The same rules as key-value stores (see api.ts): synchronous reads and writes, durability at
 * `flush()`, serdes only on the outermost layer, snapshot iterators, `null` deletes.
 *
 * Window stores keep `(key, windowStart) → value`. They are segmented by time: data older than
 * `retentionPeriod` behind the highest window start seen ("observed stream time") is dropped a
 * segment at a time, and a `put` for a window already expired is ignored (and not logged).
 * With `retainDuplicates` (stream–stream joins) every `put` of the same key and window start is
 * kept, in put order, and `null` puts are ignored.
 *
 * Iteration order: by key bytes, then window start, as Kafka Streams' RocksDB stores iterate
 * (`fetch(key, from, to)`: window start ascending; the `backward…` variants descending).
 * Time bounds are inclusive on both ends and refer to window *start* times.
 *
 * Session stores keep `(key, sessionStart, sessionEnd) → aggregate`; `findSessions` returns the
 * sessions of a key that overlap `[earliestSessionEndTime, latestSessionStartTime]`, i.e. with
 * `end >= earliestSessionEndTime` and `start <= latestSessionStartTime`, ordered by end time.
 */
import type { KeyValue, StateStore } from './api.ts'

/** A time window: `[startMs, endMs)` for time windows, `[startMs, endMs]` for sessions. */
export interface Window {
  readonly startMs: number
  readonly endMs: number
}

/** A key with its window (Kafka Streams' `Windowed<K>`): the key of a windowed KTable. */
export interface Windowed<K> {
  readonly key: K
  readonly window: Window
}

export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window that starts at `windowStartMs`. */
  fetch(key: K, windowStartMs: number): V | undefined
  /** The windows of `key` starting in `[timeFromMs, timeToMs]`, oldest first: window start → value. */
  fetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>>
  backwardFetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>>
  /** Keys in `[keyFrom, keyTo]` (either omitted: open) with windows starting in the time range. */
  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>>
  backwardFetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>>
  /** Every key's windows starting in the time range. */
  fetchAll(timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>>
  all(): Iterable<KeyValue<Windowed<K>, V>>
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V>, StateStore {
  readonly windowSizeMs: number
  readonly retentionPeriodMs: number
  readonly retainDuplicates: boolean
  /** `value` null deletes (ignored with `retainDuplicates`). */
  put(key: K, value: V | null, windowStartMs: number): void
}

export interface ReadOnlySessionStore<K, AGG> {
  /** Sessions of `key` overlapping the range (see above), ordered by session end. */
  findSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>>
  backwardFindSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>>
  /** The aggregate of exactly this session. */
  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): AGG | undefined
  /** Every session of `key`. */
  fetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>>
  backwardFetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>>
}

export interface SessionStore<K, AGG> extends ReadOnlySessionStore<K, AGG>, StateStore {
  readonly retentionPeriodMs: number
  /** `aggregate` null removes the session. */
  put(session: Windowed<K>, aggregate: AGG | null): void
  remove(session: Windowed<K>): void
}

/**
 * Bytes-only window and session stores. The stores `Stores` builds do not use these types
 * below their typed layer: their innermost layer is a `SegmentedBytesStore`
 * (segmented-bytes-store.ts), a key-value bytes store keyed by Kafka's window/session store
 * keys, so that the key-value change-logging and caching layers stack on it unchanged. Build
 * window stores with `Stores.windowStoreBuilder(Stores.persistentWindowStore(…) | Stores.inMemoryWindowStore(…), keySerde, valueSerde)`.
 */
export type WindowBytesStore = WindowStore<Buffer, Buffer>
export type SessionBytesStore = SessionStore<Buffer, Buffer>
