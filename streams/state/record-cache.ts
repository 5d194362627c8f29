/**
 * `RecordCache`: the memory budget of the record caches of one application instance
 * (Kafka Streams' `statestore.cache.max.bytes`, here `StreamsConfig.cacheMaxBytes`).
 *
 * Sharing: one `RecordCache` per resolved `StreamsConfig` object, i.e. per `CreekStreams`
 * instance (or per test driver); every cached store of that instance, whatever its task or
 * stream thread, counts its entries against it. Kafka Streams divides the budget by the number
 * of stream threads because its threads are OS threads with separate caches; Creek's "threads"
 * share one event loop and one heap, so one pool serves them all and a busy task can use what
 * an idle one does not.
 *
 * Division (how the pool is shared, and why the total stays within it):
 * - A store grows its cache freely while the instance total is within the budget.
 * - After each write or read-through, a store whose write made the total exceed the budget
 *   evicts its OWN least-recently-used entries until the total is back within the budget or
 *   its cache is empty (Kafka's rule). It never evicts another store's entries: evicting a
 *   dirty entry forwards it downstream, which must happen in the owning task, never in the
 *   middle of another task's record. So the total exceeds the budget by at most one entry.
 * - At each flush (commit) a store also trims its clean entries down to its fair share
 *   (budget / number of open cached stores), so that an idle store does not keep memory a
 *   busy one needs for longer than one commit interval.
 *
 * Concurrency: single-threaded; stores join on `init` and leave on `close`.
 */
import type { StreamsConfig } from '../runtime/config.ts'

const caches = new WeakMap<StreamsConfig, RecordCache>()

export class RecordCache {
  readonly maxBytes: number
  #sizeBytes = 0
  #members = 0

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  /** The cache of an application instance: one per config object. */
  static forConfig(config: StreamsConfig): RecordCache {
    let cache = caches.get(config)
    if (cache === undefined) {
      cache = new RecordCache(config.cacheMaxBytes)
      caches.set(config, cache)
    }
    return cache
  }

  /** Bytes held by every cached store of the instance. */
  get sizeBytes(): number {
    return this.#sizeBytes
  }

  get members(): number {
    return this.#members
  }

  get overBudget(): boolean {
    return this.#sizeBytes > this.maxBytes
  }

  /** What one open cached store may keep across a flush. */
  get fairShareBytes(): number {
    return Math.floor(this.maxBytes / Math.max(1, this.#members))
  }

  join(): void {
    this.#members++
  }

  /** A store closes, giving back the bytes it still held. */
  leave(heldBytes: number): void {
    this.#members = Math.max(0, this.#members - 1)
    this.resize(-heldBytes)
  }

  resize(deltaBytes: number): void {
    this.#sizeBytes = Math.max(0, this.#sizeBytes + deltaBytes)
  }
}
