/**
 * `ChangeLoggingKeyValueStore`: the change-logging layer (Kafka Streams'
 * `ChangeLoggingKeyValueBytesStore`) over a bytes store.
 *
 * Contract:
 * - Every write that reaches this layer goes to the store below and then to the changelog:
 *   `context.logChange(name, key, value, timestamp)`, value null for a deletion, timestamp the
 *   record timestamp the context reports (the caching layer above stamps the timestamp of the
 *   cached write when it flushes). The runtime sends it to `<applicationId>-<name>-changelog`,
 *   partition = the task's, before it commits the task's input offsets.
 * - `putIfAbsent` logs only when it wrote; `delete` always logs a tombstone (as Kafka does).
 * - On `init` it registers the store for restoration (`context.register`): the callback applies
 *   changelog batches straight to the bytes store below (restore.ts): not logged again, not
 *   seen by a cache or a flush listener. The store registered is this layer, or the outermost
 *   (typed) store when there is one, since the typed layer substitutes itself (derived-context.ts).
 *
 * Crash behaviour: nothing of its own; the changelog is what survives a lost local store.
 * Concurrency: single-threaded, one instance per task.
 */
import type { KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { restoreFromRecords } from './restore.ts'
import { StoreLifecycle } from './store-lifecycle.ts'

export class ChangeLoggingKeyValueStore implements KeyValueBytesStore {
  readonly name: string
  readonly #inner: KeyValueBytesStore
  readonly #lifecycle: StoreLifecycle
  #context: StateStoreContext | null = null

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

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    await this.#inner.init(context)
    this.#context = context
    const inner = this.#inner
    context.register(this, (batch) => restoreFromRecords(inner, batch))
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

  get(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    return this.#inner.get(key)
  }

  put(key: Buffer, value: Buffer | null): void {
    this.#lifecycle.check()
    this.#inner.put(key, value)
    this.#log(key, value)
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const existing = this.#inner.putIfAbsent(key, value)
    if (existing === undefined) this.#log(key, value)
    return existing
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) {
      this.#inner.put(key, value)
      this.#log(key, value)
    }
  }

  delete(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    const existing = this.#inner.delete(key)
    this.#log(key, null)
    return existing
  }

  range(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    return this.#inner.range(from, to)
  }

  reverseRange(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    return this.#inner.reverseRange(from, to)
  }

  all(): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    return this.#inner.all()
  }

  prefixScan(prefix: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    return this.#inner.prefixScan(prefix)
  }

  approximateNumEntries(): number {
    this.#lifecycle.check()
    return this.#inner.approximateNumEntries()
  }

  #log(key: Buffer, value: Buffer | null): void {
    const context = this.#context!
    context.logChange(this.name, key, value, context.recordTimestamp())
  }
}
