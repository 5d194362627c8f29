/**
 * What the typed outer layers of window and session stores share (metered-window-store.ts,
 * metered-session-store.ts): the layers below them (a key-value bytes store, cached and logged
 * or not, over a `SegmentedBytesStore`), the store's serdes and lifecycle, `init`/`flush`/
 * `close`, the segments' stream time and expiry counts, and the flush listener, whose keys
 * each subclass decodes as `Windowed<K>` from its own store key layout (`windowed`).
 *
 * Flush listener (`CachedStateStore<Windowed<K>, V>`): with a caching layer below, the listener
 * receives the cache's flushed entries, decoded; without one, the subclass calls `listener`
 * on every write (with the old value when `sendOldValues`).
 *
 * Concurrency: single-threaded, one instance per task.
 */
import type { Serde } from '../../serdes/index.ts'
import type { CachedStateStore, FlushedEntry, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { derivedContext } from './derived-context.ts'
import type { SegmentedBytesStore } from './segmented-bytes-store.ts'
import { StoreLifecycle } from './store-lifecycle.ts'
import { StoreSerdes } from './store-serdes.ts'
import type { Windowed } from './window-api.ts'

export type WindowedListener<K, V> = (entry: FlushedEntry<Windowed<K>, V>) => void

/** Whether `store` is (or ends in) a caching layer that takes a flush listener. */
export function isCached(store: KeyValueBytesStore): store is KeyValueBytesStore & CachedStateStore<Buffer, Buffer> {
  return typeof (store as Partial<CachedStateStore<Buffer, Buffer>>).setFlushListener === 'function'
}

export abstract class MeteredSegmentedStore<K, V> implements CachedStateStore<Windowed<K>, V> {
  readonly name: string
  protected readonly inner: KeyValueBytesStore
  protected readonly segments: SegmentedBytesStore
  protected readonly serdes: StoreSerdes<K, V>
  protected readonly lifecycle: StoreLifecycle
  protected context: StateStoreContext | null = null
  /** The listener when no caching layer is below (the subclass calls it on every write). */
  protected listener: WindowedListener<K, V> | null = null
  protected sendOldValues = false

  constructor(inner: KeyValueBytesStore, segments: SegmentedBytesStore, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    this.name = inner.name
    this.inner = inner
    this.segments = segments
    this.serdes = new StoreSerdes(inner.name, keySerde, valueSerde)
    this.lifecycle = new StoreLifecycle(inner.name)
  }

  /** The windowed key of a store key of this store's layout. */
  protected abstract windowed(storeKey: Buffer): Windowed<K>

  get retentionPeriodMs(): number {
    return this.segments.retentionPeriodMs
  }

  get persistent(): boolean {
    return this.inner.persistent
  }

  get isOpen(): boolean {
    return this.lifecycle.isOpen
  }

  /** The largest segment time put (or restored) so far; −1 before any. */
  get observedStreamTimeMs(): number {
    return this.segments.observedStreamTimeMs
  }

  /** Puts ignored because their window or session had expired. */
  get expiredRecords(): number {
    return this.segments.expiredRecords
  }

  async init(context: StateStoreContext): Promise<void> {
    this.lifecycle.checkCreated()
    this.serdes.resolve(context)
    await this.inner.init(derivedContext(context, { register: (_store, restore) => context.register(this, restore) }))
    this.context = context
    this.lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.lifecycle.check()
    await this.inner.flush()
  }

  async close(): Promise<void> {
    if (this.lifecycle.state === 'CLOSED') return
    this.lifecycle.closed()
    await this.inner.close()
  }

  setFlushListener(listener: WindowedListener<K, V>, sendOldValues: boolean): void {
    const inner = this.inner
    if (isCached(inner)) {
      inner.setFlushListener((entry) => {
        listener({
          key: this.windowed(entry.key),
          newValue: entry.newValue === null ? null : this.serdes.value(entry.newValue),
          oldValue: entry.oldValue === null ? null : this.serdes.value(entry.oldValue),
          timestamp: entry.timestamp,
        })
      }, sendOldValues)
      return
    }
    this.listener = listener
    this.sendOldValues = sendOldValues
  }
}
