/**
 * Free buffers of the producer's full-size batches, for the next batches (the free list of
 * Kafka's `BufferPool`; the memory bound itself is `BufferMemory`'s).
 *
 * A batch buffer holds `batchSize` bytes and more: allocated fresh for every batch, each is an
 * ArrayBuffer outside the JS heap whose pages the process touches anew and that only a garbage
 * collection gives back. Reused, the same few buffers stay mapped.
 *
 * Contracts:
 * - Only buffers of exactly `poolableSize` bytes are kept, at most `maxBuffers` of them; others
 *   are left to the garbage collector.
 * - `release(buffer)` hands the buffer over: the caller must know that nothing reads or writes
 *   it any more (for a batch: answered by the broker on its one and only attempt, so that no
 *   transport or broker still holds its bytes; see `RecordAccumulator.done`).
 * - A buffer taken from the pool has undefined contents (as `Buffer.allocUnsafe`).
 *
 * Concurrency: single-threaded, no awaits.
 */
import { Buffer } from 'node:buffer'

export class BatchBufferPool {
  readonly poolableSize: number
  readonly #maxBuffers: number
  readonly #free: Buffer[] = []

  constructor(poolableSize: number, maxBuffers: number) {
    this.poolableSize = poolableSize
    this.#maxBuffers = Math.max(0, maxBuffers)
  }

  /** Free buffers kept (for tests). */
  get size(): number {
    return this.#free.length
  }

  /**
   * A buffer of at least `capacity` bytes to start a batch with: a free one when `capacity` is
   * at most `poolableSize`; else a new one, of `poolableSize` bytes when `capacity` is more than
   * half of that (a batch about to fill up; so that its buffer can come back) and the pool keeps
   * any, of `capacity` bytes otherwise.
   */
  allocate(capacity: number): Buffer {
    const poolableSize = this.poolableSize
    if (capacity <= poolableSize) {
      const free = this.#free.pop()
      if (free !== undefined) return free
      if (capacity * 2 > poolableSize && this.#maxBuffers > 0) return Buffer.allocUnsafe(poolableSize)
    }
    return Buffer.allocUnsafe(capacity)
  }

  /** Takes back a buffer nothing uses any more (see the module comment). */
  release(buffer: Buffer): void {
    if (buffer.length === this.poolableSize && this.#free.length < this.#maxBuffers) this.#free.push(buffer)
  }
}
