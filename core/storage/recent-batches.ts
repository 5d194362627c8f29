/**
 * Where the most recent batches of the active segment are, kept in memory as they are appended,
 * so that reads near the end of the log (consumers that keep up, long polls woken by an append)
 * find their batch without reading the file: `LogSegment.translateOffset` would otherwise read
 * the log from the nearest offset index entry to walk batch headers, on every fetch.
 *
 * Contracts:
 * - Entries are a suffix of the segment's batches, in file order, with contiguous offsets (the
 *   active segment is only ever appended to): `push` is called after each batch is written, and
 *   the owner calls `clear` whenever the file changes otherwise (truncation, recovery).
 * - Bounded: at most `capacity` entries (five numbers each); older entries are dropped as new
 *   ones come, and lookups that fall before the oldest entry answer undefined (the caller then
 *   scans the file as before). Storage starts small and grows with use.
 * - `find` answers exactly what a scan of the file from the oldest entry would: the first batch
 *   whose last offset reaches the offset, or null when no batch of the segment does.
 */
import type { ScannedBatch } from './batch-scanner.ts'

/** Numbers per entry: position, size, baseOffset, lastOffset, maxTimestamp. */
const STRIDE = 5
const INITIAL_ENTRIES = 16

/** Most recent batches of a segment; see the module comment. */
export class RecentBatches {
  readonly #capacity: number
  #entries: Float64Array
  /** Index (in entries) of the oldest entry. */
  #head = 0
  #count = 0

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RecentBatches capacity must be a positive integer, got ${capacity}`)
    this.#capacity = capacity
    this.#entries = new Float64Array(Math.min(capacity, INITIAL_ENTRIES) * STRIDE)
  }

  get size(): number {
    return this.#count
  }

  /** The first offset a lookup can answer for, or undefined when empty. */
  get firstOffset(): number | undefined {
    return this.#count === 0 ? undefined : this.#entries[this.#head * STRIDE + 2]
  }

  /** Records the batch just written after the previous one. */
  push(position: number, size: number, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    let slots = this.#entries.length / STRIDE
    if (this.#count === slots && slots < this.#capacity) {
      this.#grow(Math.min(this.#capacity, slots * 2))
      slots = this.#entries.length / STRIDE
    }
    let slot: number
    if (this.#count < slots) {
      slot = (this.#head + this.#count) % slots
      this.#count++
    } else {
      slot = this.#head
      this.#head = (this.#head + 1) % slots
    }
    const e = this.#entries
    const at = slot * STRIDE
    e[at] = position
    e[at + 1] = size
    e[at + 2] = baseOffset
    e[at + 3] = lastOffset
    e[at + 4] = maxTimestamp
  }

  /** Forgets every entry. */
  clear(): void {
    this.#head = 0
    this.#count = 0
  }

  /**
   * The first batch at or after `startingPosition` whose last offset is >= `offset`; null when
   * no batch of the segment reaches `offset`; undefined when the entries cannot tell (the
   * offset lies before the oldest entry, or there are none).
   */
  find(offset: number, startingPosition = 0): ScannedBatch | null | undefined {
    const count = this.#count
    if (count === 0) return undefined
    const e = this.#entries
    const slots = e.length / STRIDE
    const oldest = this.#head * STRIDE
    // Every batch before the oldest entry ends before its base offset: for an offset at or past
    // it, the answer is among the entries, whatever `startingPosition` is.
    if (offset < e[oldest + 2]) return undefined
    // Binary search over the logical order for the first entry with lastOffset >= offset.
    let lo = 0
    let hi = count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (e[((this.#head + mid) % slots) * STRIDE + 3] >= offset) hi = mid
      else lo = mid + 1
    }
    for (let i = lo; i < count; i++) {
      const at = ((this.#head + i) % slots) * STRIDE
      if (e[at] >= startingPosition) {
        return { position: e[at], size: e[at + 1], baseOffset: e[at + 2], lastOffset: e[at + 3], maxTimestamp: e[at + 4] }
      }
    }
    return null
  }

  /**
   * The end position of the longest run of whole batches starting at the batch at `position`
   * (which `find` returned) whose total size stays within `maxBytes` and whose end stays within
   * `maxPosition`; at least the first batch's end, even when it alone exceeds `maxBytes` (but
   * `position` itself when it crosses `maxPosition`). Undefined when `position` is not the
   * start of an entry.
   */
  endOfBatchesFrom(position: number, maxBytes: number, maxPosition: number): number | undefined {
    const count = this.#count
    const e = this.#entries
    const slots = e.length / STRIDE
    let lo = 0
    let hi = count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (e[((this.#head + mid) % slots) * STRIDE] >= position) hi = mid
      else lo = mid + 1
    }
    if (lo === count || e[((this.#head + lo) % slots) * STRIDE] !== position) return undefined
    let at = ((this.#head + lo) % slots) * STRIDE
    let end = position + e[at + 1]
    if (end > maxPosition) return position
    const limit = position + maxBytes
    for (let i = lo + 1; i < count; i++) {
      at = ((this.#head + i) % slots) * STRIDE
      const next = e[at] + e[at + 1]
      if (next > limit || next > maxPosition) break
      end = next
    }
    return end
  }

  #grow(slots: number): void {
    const grown = new Float64Array(slots * STRIDE)
    const e = this.#entries
    const old = e.length / STRIDE
    for (let i = 0; i < this.#count; i++) {
      const from = ((this.#head + i) % old) * STRIDE
      grown.set(e.subarray(from, from + STRIDE), i * STRIDE)
    }
    this.#entries = grown
    this.#head = 0
  }
}
