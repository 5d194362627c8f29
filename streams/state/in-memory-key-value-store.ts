/**
 * `InMemoryKeyValueStore`: a bytes store kept in memory (Kafka Streams' `InMemoryKeyValueStore`),
 * for tests and for small state that is cheap to restore.
 *
 * Contract: the one of `KeyValueBytesStore` in api.ts. Keys are ordered by unsigned bytes;
 * point reads are O(1), writes and the start of a range scan O(log n), a scan O(k) (see
 * sorted-key-map.ts); iterators are snapshots. `approximateNumEntries` is exact.
 *
 * Persistence: none. `flush` has nothing to do; `close` drops the data. A logged in-memory
 * store is rebuilt from its changelog whenever its task starts (`persistent` is false, so the
 * runtime never trusts a checkpoint for it).
 *
 * Buffers: the store keeps the key and value buffers it is given (no copy); callers must not
 * change them afterwards. The typed layer always passes freshly serialized buffers.
 *
 * Concurrency: single-threaded; one instance per task.
 */
import type { KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { ALL_KEYS, binaryBounds, binaryKey, closedRange, prefixRange, type BytesRange } from './bytes-range.ts'
import { SortedKeyMap } from './sorted-key-map.ts'
import { StoreLifecycle } from './store-lifecycle.ts'

const NOTHING: readonly KeyValue<Buffer, Buffer>[] = Object.freeze([])

export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly name: string
  readonly persistent = false
  readonly #lifecycle: StoreLifecycle
  readonly #entries = new SortedKeyMap<KeyValue<Buffer, Buffer>>()

  constructor(name: string) {
    this.name = name
    this.#lifecycle = new StoreLifecycle(name)
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  async init(_context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    this.#lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
  }

  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    this.#lifecycle.closed()
    this.#entries.clear()
  }

  get(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    return this.#entries.get(binaryKey(key))?.value
  }

  put(key: Buffer, value: Buffer | null): void {
    this.#lifecycle.check()
    if (value === null) this.#entries.delete(binaryKey(key))
    else this.#entries.set(binaryKey(key), { key, value })
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const id = binaryKey(key)
    const existing = this.#entries.get(id)
    if (existing !== undefined) return existing.value
    this.#entries.set(id, { key, value })
    return undefined
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) this.put(key, value)
  }

  delete(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const id = binaryKey(key)
    const existing = this.#entries.get(id)
    if (existing === undefined) return undefined
    this.#entries.delete(id)
    return existing.value
  }

  range(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), false)
  }

  reverseRange(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), true)
  }

  all(): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(ALL_KEYS, false)
  }

  prefixScan(prefix: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(prefixRange(prefix), false)
  }

  approximateNumEntries(): number {
    this.#lifecycle.check()
    return this.#entries.size
  }

  #scan(range: BytesRange | null, reverse: boolean): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    if (range === null) return NOTHING
    const { lo, hi, hiInclusive } = binaryBounds(range)
    return this.#entries.scan(lo, hi, hiInclusive, reverse)
  }
}
