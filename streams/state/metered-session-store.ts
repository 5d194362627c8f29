/**
 * `MeteredSessionStore<K, AGG>`: the outermost, typed layer of a session store (Kafka Streams'
 * `MeteredSessionStore` over `RocksDBSessionStore`). Contract: window-api.ts.
 *
 * Layers below (built by `SessionStoreBuilder`): caching (optional) → change-logging (optional)
 * → `SegmentedBytesStore` segmented by session END time, keyed by Kafka's session keys
 * `[key][end][start]` (window-key-schema.ts; also the changelog's key layout).
 *
 * - `put(session, agg)`: the observed stream time moves to the session's end; a session in a
 *   segment already expired (all its ends `<= observed − retention`) is ignored (and counted as
 *   expired); expiry is per segment, as Kafka's session stores. A null aggregate removes the
 *   session.
 * - `findSessions(key, earliestEnd, latestStart)`: the sessions of exactly `key` with
 *   `end >= earliestEnd` and `start <= latestStart`, by end time (then start). Every live
 *   segment from the one of `earliestEnd` on is searched: a session's end may lie far past
 *   `latestStart`.
 * - Flush listener: keys decoded as `Windowed<K>` with the session's `[start, end]`.
 *
 * Concurrency: single-threaded, one instance per task.
 */
import type { Serde } from '../../serdes/index.ts'
import type { CachedStateStore, FlushedEntry, KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { derivedContext } from './derived-context.ts'
import type { SegmentedBytesStore } from './segmented-bytes-store.ts'
import { StoreLifecycle } from './store-lifecycle.ts'
import { StoreSerdes } from './store-serdes.ts'
import type { SessionStore, Windowed } from './window-api.ts'
import { hasKey, SESSION_SUFFIX_SIZE, sessionKey, sessionKeyBytes, sessionKeyEnd, sessionKeyStart } from './window-key-schema.ts'

type Listener<K, AGG> = (entry: FlushedEntry<Windowed<K>, AGG>) => void

function isCached(store: KeyValueBytesStore): store is KeyValueBytesStore & CachedStateStore<Buffer, Buffer> {
  return typeof (store as Partial<CachedStateStore<Buffer, Buffer>>).setFlushListener === 'function'
}

/** `[key]` followed by sixteen 0xff bytes: above every session key of `key`. */
function upperBound(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + SESSION_SUFFIX_SIZE, 0xff)
  key.copy(out, 0)
  return out
}

export class MeteredSessionStore<K, AGG> implements SessionStore<K, AGG>, CachedStateStore<Windowed<K>, AGG> {
  readonly name: string
  readonly #inner: KeyValueBytesStore
  readonly #segments: SegmentedBytesStore
  readonly #serdes: StoreSerdes<K, AGG>
  readonly #lifecycle: StoreLifecycle
  #context: StateStoreContext | null = null
  #listener: Listener<K, AGG> | null = null
  #sendOldValues = false

  constructor(inner: KeyValueBytesStore, segments: SegmentedBytesStore, keySerde: Serde<K> | null, valueSerde: Serde<AGG> | null) {
    this.name = inner.name
    this.#inner = inner
    this.#segments = segments
    this.#serdes = new StoreSerdes(inner.name, keySerde, valueSerde)
    this.#lifecycle = new StoreLifecycle(inner.name)
  }

  get retentionPeriodMs(): number {
    return this.#segments.retentionPeriodMs
  }

  get persistent(): boolean {
    return this.#inner.persistent
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  get observedStreamTimeMs(): number {
    return this.#segments.observedStreamTimeMs
  }

  get expiredRecords(): number {
    return this.#segments.expiredRecords
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    this.#serdes.resolve(context)
    await this.#inner.init(derivedContext(context, { register: (_store, restore) => context.register(this, restore) }))
    this.#context = context
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

  setFlushListener(listener: Listener<K, AGG>, sendOldValues: boolean): void {
    const inner = this.#inner
    if (isCached(inner)) {
      inner.setFlushListener((entry) => {
        listener({
          key: this.#windowed(entry.key),
          newValue: entry.newValue === null ? null : this.#serdes.value(entry.newValue),
          oldValue: entry.oldValue === null ? null : this.#serdes.value(entry.oldValue),
          timestamp: entry.timestamp,
        })
      }, sendOldValues)
      return
    }
    this.#listener = listener
    this.#sendOldValues = sendOldValues
  }

  put(session: Windowed<K>, aggregate: AGG | null): void {
    this.#lifecycle.check()
    const { startMs, endMs } = session.window
    const segments = this.#segments
    segments.observe(endMs)
    if (segments.isExpired(endMs)) {
      if (aggregate !== null && aggregate !== undefined) segments.countExpired()
      return
    }
    const valueBytes = this.#serdes.valueBytes(aggregate)
    const storeKey = sessionKey(this.#serdes.keyBytes(session.key), startMs, endMs)
    const listener = this.#listener
    if (listener === null) {
      this.#inner.put(storeKey, valueBytes)
      return
    }
    const old = valueBytes === null || this.#sendOldValues ? this.#inner.get(storeKey) : undefined
    if (valueBytes === null && old === undefined) return
    this.#inner.put(storeKey, valueBytes)
    listener({
      key: session,
      newValue: valueBytes === null ? null : (aggregate as AGG),
      oldValue: this.#sendOldValues && old !== undefined ? this.#serdes.value(old) : null,
      timestamp: this.#context!.recordTimestamp(),
    })
  }

  remove(session: Windowed<K>): void {
    this.put(session, null)
  }

  findSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.#lifecycle.check()
    return this.#typed(this.#rows(this.#serdes.keyBytes(key), earliestSessionEndTimeMs, latestSessionStartTimeMs, false))
  }

  backwardFindSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.#lifecycle.check()
    return this.#typed(this.#rows(this.#serdes.keyBytes(key), earliestSessionEndTimeMs, latestSessionStartTimeMs, true))
  }

  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): AGG | undefined {
    this.#lifecycle.check()
    if (this.#segments.isExpired(sessionEndMs)) return undefined
    const bytes = this.#inner.get(sessionKey(this.#serdes.keyBytes(key), sessionStartMs, sessionEndMs))
    return bytes === undefined ? undefined : this.#serdes.value(bytes)
  }

  fetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }

  backwardFetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return this.backwardFindSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }

  /** Every unexpired session, in key then end order. */
  all(): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.#lifecycle.check()
    const segments = this.#segments
    const rows = this.#inner.all()
    return this.#typed((function* () {
      for (const row of rows) if (!segments.isExpired(sessionKeyEnd(row.key))) yield row
    })())
  }

  *#rows(keyBytes: Buffer, earliestEnd: number, latestStart: number, reverse: boolean): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    const lo = sessionKey(keyBytes, 0, Math.max(0, earliestEnd))
    const hi = upperBound(keyBytes)
    const rows = reverse ? this.#inner.reverseRange(lo, hi) : this.#inner.range(lo, hi)
    for (const row of rows) {
      if (!hasKey(row.key, SESSION_SUFFIX_SIZE, keyBytes)) continue
      const end = sessionKeyEnd(row.key)
      if (end >= earliestEnd && sessionKeyStart(row.key) <= latestStart && !this.#segments.isExpired(end)) yield row
    }
  }

  *#typed(rows: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<Windowed<K>, AGG>, void, undefined> {
    for (const row of rows) yield { key: this.#windowed(row.key), value: this.#serdes.value(row.value) }
  }

  #windowed(storeKey: Buffer): Windowed<K> {
    return { key: this.#serdes.key(sessionKeyBytes(storeKey)), window: { startMs: sessionKeyStart(storeKey), endMs: sessionKeyEnd(storeKey) } }
  }
}
