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
import type { KeyValue } from './api.ts'
import { MeteredSegmentedStore } from './metered-segmented-store.ts'
import type { SessionStore, Windowed } from './window-api.ts'
import { hasKey, SESSION_SUFFIX_SIZE, sessionKey, sessionKeyBytes, sessionKeyEnd, sessionKeyStart } from './window-key-schema.ts'

/** `[key]` followed by sixteen 0xff bytes: above every session key of `key`. */
function upperBound(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + SESSION_SUFFIX_SIZE, 0xff)
  key.copy(out, 0)
  return out
}

export class MeteredSessionStore<K, AGG> extends MeteredSegmentedStore<K, AGG> implements SessionStore<K, AGG> {
  put(session: Windowed<K>, aggregate: AGG | null): void {
    this.lifecycle.check()
    const { startMs, endMs } = session.window
    const segments = this.segments
    segments.observe(endMs)
    if (segments.isExpired(endMs)) {
      if (aggregate !== null && aggregate !== undefined) segments.countExpired()
      return
    }
    const valueBytes = this.serdes.valueBytes(aggregate)
    const storeKey = sessionKey(this.serdes.keyBytes(session.key), startMs, endMs)
    const listener = this.listener
    if (listener === null) {
      this.inner.put(storeKey, valueBytes)
      return
    }
    const old = valueBytes === null || this.sendOldValues ? this.inner.get(storeKey) : undefined
    if (valueBytes === null && old === undefined) return
    this.inner.put(storeKey, valueBytes)
    listener({
      key: session,
      newValue: valueBytes === null ? null : (aggregate as AGG),
      oldValue: this.sendOldValues && old !== undefined ? this.serdes.value(old) : null,
      timestamp: this.context!.recordTimestamp(),
    })
  }

  remove(session: Windowed<K>): void {
    this.put(session, null)
  }

  findSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.lifecycle.check()
    return this.#typed(this.#rows(this.serdes.keyBytes(key), earliestSessionEndTimeMs, latestSessionStartTimeMs, false))
  }

  backwardFindSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.lifecycle.check()
    return this.#typed(this.#rows(this.serdes.keyBytes(key), earliestSessionEndTimeMs, latestSessionStartTimeMs, true))
  }

  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): AGG | undefined {
    this.lifecycle.check()
    if (this.segments.isExpired(sessionEndMs)) return undefined
    const bytes = this.inner.get(sessionKey(this.serdes.keyBytes(key), sessionStartMs, sessionEndMs))
    return bytes === undefined ? undefined : this.serdes.value(bytes)
  }

  fetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }

  backwardFetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return this.backwardFindSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }

  /** Every unexpired session, in key then end order. */
  all(): Iterable<KeyValue<Windowed<K>, AGG>> {
    this.lifecycle.check()
    const segments = this.segments
    const rows = this.inner.all()
    return this.#typed((function* () {
      for (const row of rows) if (!segments.isExpired(sessionKeyEnd(row.key))) yield row
    })())
  }

  *#rows(keyBytes: Buffer, earliestEnd: number, latestStart: number, reverse: boolean): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
    const lo = sessionKey(keyBytes, 0, Math.max(0, earliestEnd))
    const hi = upperBound(keyBytes)
    const rows = reverse ? this.inner.reverseRange(lo, hi) : this.inner.range(lo, hi)
    for (const row of rows) {
      if (!hasKey(row.key, SESSION_SUFFIX_SIZE, keyBytes)) continue
      const end = sessionKeyEnd(row.key)
      if (end >= earliestEnd && sessionKeyStart(row.key) <= latestStart && !this.segments.isExpired(end)) yield row
    }
  }

  *#typed(rows: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<Windowed<K>, AGG>, void, undefined> {
    for (const row of rows) yield { key: this.windowed(row.key), value: this.serdes.value(row.value) }
  }

  protected windowed(storeKey: Buffer): Windowed<K> {
    return { key: this.serdes.key(sessionKeyBytes(storeKey)), window: { startMs: sessionKeyStart(storeKey), endMs: sessionKeyEnd(storeKey) } }
  }
}
