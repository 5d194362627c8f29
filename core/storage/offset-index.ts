/**
 * The sparse offset index of one log segment (Kafka's offset index).
 *
 * Format: `<20-digit base offset>.index`, a flat array of 8-byte entries
 *
 *     relative offset  int32 BE   offset - baseOffset
 *     position         int32 BE   byte position of a batch in the segment's `.log`
 *
 * An entry (offset, position) says "the batch at `position` ends at `offset`", so a reader looks
 * up the largest entry whose offset is <= its target and scans the log forward from there.
 *
 * Invariants: both fields strictly increase from one entry to the next; relative offsets and
 * positions lie in [0, 2^31).
 *
 * Writable (active segment) and read-only (sealed segment):
 * - A writable index keeps every entry in memory (a growable Int32Array of pairs) and keeps its
 *   file preallocated to `maxIndexSize` (rounded down to a multiple of 8) so that appends never
 *   grow it. `append` only touches memory; `flush()` writes the pending tail in one positional
 *   write. `makeReadOnly()` and `close()` flush and trim the file to its entries.
 * - A read-only index keeps only its entry count and last entry in memory and binary-searches the
 *   file with 8-byte positional reads; the OS page cache does the caching.
 * - `truncateTo()` and `reset()` leave the index writable (the segment is becoming the active one,
 *   or is being rebuilt); call `makeReadOnly()` again to seal it.
 *
 * Crash behaviour: the index is derived data and never fsynced; recovery rebuilds it from the
 * log. On open, the entry count is file size / 8 when the file is trimmed or full (its last slot
 * is not all zeros). Otherwise the file is a preallocated one left by a crash, and the entries are
 * the leading run of strictly increasing entries (an all-zero slot ends the run). In both cases a
 * lone all-zero first entry counts as no entry: (baseOffset, 0) is also what `lookup` answers for
 * an empty index, so nothing is lost. Truncation zeroes the removed tail on disk, so a later crash
 * cannot resurrect removed entries. `sanityCheck()` tells the caller when to rebuild.
 *
 * Concurrency: synchronous I/O on Node's single thread. One instance per file, owned by its
 * segment; no other instance or process writes the file while it is open.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { CoreError } from '../errors.ts'

const ENTRY_SIZE = 8
const INT32_MAX = 0x7fffffff
/** Entries read per system call when a whole file is scanned or loaded. */
const CHUNK_ENTRIES = 8192

/** One entry of the offset index, with the absolute offset. */
export interface OffsetIndexEntry {
  readonly offset: number
  readonly position: number
}

export interface OffsetIndexOptions {
  /** Largest file size in bytes (`segment.index.bytes`), rounded down to a multiple of 8. */
  readonly maxIndexSize: number
  /** True for the active segment: entries kept in memory, file preallocated. */
  readonly writable: boolean
}

export class OffsetIndex {
  readonly baseOffset: number
  readonly #maxEntries: number
  #path: string
  #fd: number | undefined
  #fdWritable: boolean
  #writable = false
  #entries = 0
  /** Relative offset and position of the last entry; -1 when empty. */
  #lastRel = -1
  #lastPos = -1
  /** Writable only: entries as [rel0, pos0, rel1, pos1, ...]. */
  #mem: Int32Array | undefined
  /** Writable only: entries already written to the file. */
  #flushed = 0
  /** Writable only: slots of the preallocated file. */
  #fileSlots = 0
  /** Read-only lookups: one reused read buffer and the last binary search. */
  readonly #buf = Buffer.alloc(ENTRY_SIZE)
  #cachedTarget = Number.NaN
  #cachedSlot = -1

  private constructor(path: string, baseOffset: number, maxEntries: number, fd: number, fdWritable: boolean) {
    this.#path = path
    this.baseOffset = baseOffset
    this.#maxEntries = maxEntries
    this.#fd = fd
    this.#fdWritable = fdWritable
  }

  /** Opens (creating if absent) the index file at `path`. */
  static open(path: string, baseOffset: number, options: OffsetIndexOptions): OffsetIndex {
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Base offset of offset index ${path} must be a non-negative integer, got ${baseOffset}`)
    }
    if (!Number.isSafeInteger(options.maxIndexSize) || options.maxIndexSize < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `maxIndexSize of offset index ${path} must be a non-negative integer, got ${options.maxIndexSize}`)
    }
    const flags = (options.writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_CREAT
    const fd = io(path, 'open', () => openSync(path, flags, 0o644))
    const index = new OffsetIndex(path, baseOffset, Math.floor(options.maxIndexSize / ENTRY_SIZE), fd, options.writable)
    try {
      index.#load()
      if (options.writable) index.#becomeWritable()
    } catch (error) {
      index.#closeFd()
      throw error
    }
    return index
  }

  get path(): string {
    return this.#path
  }

  get entries(): number {
    return this.#entries
  }

  get isWritable(): boolean {
    return this.#writable
  }

  /** True when `append` would fail for lack of room (always true for a read-only index). */
  get isFull(): boolean {
    return !this.#writable || this.#entries >= this.#maxEntries
  }

  /** Offset of the last entry, or the base offset when empty. */
  get lastOffset(): number {
    return this.#entries === 0 ? this.baseOffset : this.baseOffset + this.#lastRel
  }

  /** Position of the last entry, or 0 when empty. */
  get lastPosition(): number {
    return this.#entries === 0 ? 0 : this.#lastPos
  }

  /** Adds an entry; both `offset` and `position` must exceed the last entry's. Writable only. */
  append(offset: number, position: number): void {
    this.#requireOpen()
    if (!this.#writable) throw new CoreError('CORE_INVALID_ARGUMENT', `Offset index ${this.#path} is read-only (its segment is sealed)`)
    const rel = offset - this.baseOffset
    if (!Number.isSafeInteger(offset) || rel < 0 || rel > INT32_MAX) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Offset ${offset} does not fit offset index ${this.#path}: it must be in [${this.baseOffset}, ${this.baseOffset + INT32_MAX}]`)
    }
    if (!Number.isSafeInteger(position) || position < 0 || position > INT32_MAX) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Position ${position} for offset ${offset} in offset index ${this.#path} must be in [0, ${INT32_MAX}]`)
    }
    if (this.#entries > 0 && (rel <= this.#lastRel || position <= this.#lastPos)) {
      throw new CoreError(
        'CORE_INVALID_ARGUMENT',
        `Entry (offset ${offset}, position ${position}) does not follow the last entry (offset ${this.lastOffset}, position ${this.#lastPos}) of offset index ${this.#path}; both must strictly increase`,
      )
    }
    if (this.isFull) {
      throw new CoreError('CORE_STORAGE_IO', `Offset index ${this.#path} is full (${this.#entries} entries); roll the segment before appending`)
    }
    this.#reserve(this.#entries + 1)
    const mem = this.#mem as Int32Array
    mem[2 * this.#entries] = rel
    mem[2 * this.#entries + 1] = position
    this.#entries++
    this.#lastRel = rel
    this.#lastPos = position
  }

  /** The entry with the largest offset <= `targetOffset`, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetIndexEntry {
    this.#requireOpen()
    if (Number.isNaN(targetOffset)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot look up offset NaN in offset index ${this.#path}`)
    const slot = this.#floorSlot(targetOffset - this.baseOffset)
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.#entryAt(slot)
  }

  /** The `i`-th entry (0-based). */
  entryAt(i: number): OffsetIndexEntry {
    this.#requireOpen()
    if (!Number.isInteger(i) || i < 0 || i >= this.#entries) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Entry ${i} is out of range for offset index ${this.#path} (${this.#entries} entries)`)
    }
    return this.#entryAt(i)
  }

  /** Removes every entry whose offset is >= `offset`, in memory and on disk; leaves the index writable. */
  truncateTo(offset: number): void {
    this.#requireOpen()
    if (!Number.isSafeInteger(offset)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot truncate offset index ${this.#path} to ${offset}: not an integer`)
    const keep = offset <= this.baseOffset ? 0 : this.#floorSlot(offset - 1 - this.baseOffset) + 1
    if (!this.#writable) this.#becomeWritable()
    if (keep < this.#entries) this.#truncateEntries(keep)
  }

  /** Removes all entries (before a rebuild); leaves the index writable. */
  reset(): void {
    this.#requireOpen()
    if (!this.#writable) this.#becomeWritable()
    this.#truncateEntries(0)
  }

  /**
   * Throws CORE_CORRUPT_RECORD when entries do not strictly increase, or when the last entry
   * points at or past `logSize`. With `full: false` only the file length, first and last
   * entries are checked (O(1)); the default reads every entry (sequential 64 KiB reads).
   */
  sanityCheck(logSize?: number, options: { readonly full?: boolean } = {}): void {
    this.#requireOpen()
    const n = this.#entries
    if (!this.#writable) {
      const size = io(this.#path, 'stat', () => fstatSync(this.#fd as number).size)
      if (size % ENTRY_SIZE !== 0 || size < n * ENTRY_SIZE) {
        throw this.#corrupt(`its size ${size} is not a multiple of ${ENTRY_SIZE} or is too small for ${n} entries`)
      }
    }
    let prevRel = -1
    let prevPos = -1
    const check = (rel: number, pos: number, i: number): boolean => {
      if (rel < 0 || pos < 0 || (i > 0 && (rel <= prevRel || pos <= prevPos))) {
        throw this.#corrupt(`entry ${i} (relative offset ${rel}, position ${pos}) does not follow (${prevRel}, ${prevPos})`)
      }
      prevRel = rel
      prevPos = pos
      return true
    }
    if (options.full === false) {
      if (n > 0) check(this.#relAt(0), this.#posAt(0), 0)
      if (n > 1) check(this.#lastRel, this.#lastPos, n - 1)
    } else if (this.#writable) {
      const mem = this.#mem as Int32Array
      for (let i = 0; i < n; i++) check(mem[2 * i], mem[2 * i + 1], i)
    } else {
      scan(this.#fd as number, this.#path, n, check)
    }
    if (logSize !== undefined && n > 0 && this.#lastPos >= logSize) {
      throw this.#corrupt(`its last entry points at position ${this.#lastPos} but the log has ${logSize} bytes`)
    }
  }

  /** Writes entries appended since the last flush (no fsync: the index is rebuilt after a crash). */
  flush(): void {
    this.#requireOpen()
    if (!this.#writable || this.#flushed === this.#entries) return
    const mem = this.#mem as Int32Array
    const count = this.#entries - this.#flushed
    const out = Buffer.allocUnsafe(count * ENTRY_SIZE)
    for (let k = 0, i = this.#flushed; k < count; k++, i++) {
      out.writeInt32BE(mem[2 * i], k * ENTRY_SIZE)
      out.writeInt32BE(mem[2 * i + 1], k * ENTRY_SIZE + 4)
    }
    const fd = this.#fd as number
    const at = this.#flushed * ENTRY_SIZE
    io(this.#path, 'write', () => {
      for (let done = 0; done < out.length; ) done += writeSync(fd, out, done, out.length - done, at + done)
    })
    this.#flushed = this.#entries
  }

  /** Flushes, trims the file to its entries and drops the in-memory entries (segment sealed). */
  makeReadOnly(): void {
    this.#requireOpen()
    if (!this.#writable) return
    this.flush()
    this.#ftruncate(this.#entries * ENTRY_SIZE)
    this.#mem = undefined
    this.#writable = false
    this.#cachedTarget = Number.NaN
  }

  /** Flushes and trims a writable index, then closes the file. Idempotent. */
  close(): void {
    if (this.#fd === undefined) return
    try {
      if (this.#writable) this.makeReadOnly()
    } finally {
      this.#closeFd()
    }
  }

  /** Closes the index and removes its file; false when the file did not exist. */
  delete(): boolean {
    this.close()
    try {
      unlinkSync(this.#path)
      return true
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw ioError(this.#path, 'delete', cause)
    }
  }

  /** Renames the file (e.g. to add `.deleted`); the index stays usable. */
  renameTo(newPath: string): void {
    io(this.#path, `rename to ${newPath}`, () => renameSync(this.#path, newPath))
    this.#path = newPath
  }

  /** Counts the entries of the file (see the class comment) and remembers the last one. */
  #load(): void {
    const fd = this.#fd as number
    const slots = Math.floor(io(this.#path, 'stat', () => fstatSync(fd).size) / ENTRY_SIZE)
    let count = 0
    if (slots > 0) {
      this.#readSlot(slots - 1)
      if (this.#buf.readInt32BE(0) !== 0 || this.#buf.readInt32BE(4) !== 0) {
        count = slots
      } else {
        let prevRel = -1
        let prevPos = -1
        count = scan(fd, this.#path, slots, (rel, pos, i) => {
          const ok = i === 0 ? rel >= 0 && pos >= 0 : rel > prevRel && pos > prevPos
          prevRel = rel
          prevPos = pos
          return ok
        })
      }
      if (count === 1 && this.#relAt(0) === 0 && this.#posAt(0) === 0) count = 0
    }
    this.#entries = count
    this.#lastRel = count > 0 ? this.#relAt(count - 1) : -1
    this.#lastPos = count > 0 ? this.#posAt(count - 1) : -1
  }

  /** Loads the entries into memory and preallocates the file, zeroing anything past them. */
  #becomeWritable(): void {
    if (!this.#fdWritable) {
      const fd = io(this.#path, 'open', () => openSync(this.#path, constants.O_RDWR))
      this.#closeFd()
      this.#fd = fd
      this.#fdWritable = true
    }
    const n = this.#entries
    const mem = new Int32Array(2 * Math.max(n, 16))
    scan(this.#fd as number, this.#path, n, (rel, pos, i) => {
      mem[2 * i] = rel
      mem[2 * i + 1] = pos
      return true
    })
    this.#mem = mem
    this.#fileSlots = Math.max(this.#maxEntries, n)
    this.#ftruncate(n * ENTRY_SIZE)
    this.#ftruncate(this.#fileSlots * ENTRY_SIZE)
    this.#flushed = n
    this.#writable = true
    this.#cachedTarget = Number.NaN
  }

  #truncateEntries(keep: number): void {
    const flushed = this.#flushed
    const mem = this.#mem as Int32Array
    this.#entries = keep
    this.#flushed = Math.min(flushed, keep)
    this.#lastRel = keep > 0 ? mem[2 * keep - 2] : -1
    this.#lastPos = keep > 0 ? mem[2 * keep - 1] : -1
    if (flushed > keep) {
      this.#ftruncate(keep * ENTRY_SIZE)
      this.#ftruncate(this.#fileSlots * ENTRY_SIZE)
    }
  }

  #reserve(n: number): void {
    const mem = this.#mem as Int32Array
    if (mem.length >= 2 * n) return
    const grown = new Int32Array(2 * Math.max(n, Math.min(mem.length, this.#fileSlots)))
    grown.set(mem)
    this.#mem = grown
  }

  /** Largest slot whose relative offset is <= `targetRel`, or -1. */
  #floorSlot(targetRel: number): number {
    const n = this.#entries
    if (n === 0) return -1
    if (targetRel >= this.#lastRel) return n - 1
    if (targetRel === this.#cachedTarget) return this.#cachedSlot
    if (targetRel < this.#relAt(0)) return -1
    let lo = 0
    let hi = n - 1 // rel(lo) <= targetRel < rel(hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (this.#relAt(mid) <= targetRel) lo = mid
      else hi = mid
    }
    if (!this.#writable) {
      this.#cachedTarget = targetRel
      this.#cachedSlot = lo
    }
    return lo
  }

  #entryAt(i: number): OffsetIndexEntry {
    return { offset: this.baseOffset + this.#relAt(i), position: this.#posAt(i) }
  }

  #relAt(i: number): number {
    if (this.#writable) return (this.#mem as Int32Array)[2 * i]
    this.#readSlot(i)
    return this.#buf.readInt32BE(0)
  }

  #posAt(i: number): number {
    if (this.#writable) return (this.#mem as Int32Array)[2 * i + 1]
    this.#readSlot(i)
    return this.#buf.readInt32BE(4)
  }

  #readSlot(i: number): void {
    readExactly(this.#fd as number, this.#path, this.#buf, ENTRY_SIZE, i * ENTRY_SIZE)
  }

  #ftruncate(size: number): void {
    const fd = this.#fd as number
    io(this.#path, `resize to ${size} bytes`, () => ftruncateSync(fd, size))
  }

  #closeFd(): void {
    const fd = this.#fd
    this.#fd = undefined
    this.#mem = undefined
    this.#writable = false
    if (fd !== undefined) io(this.#path, 'close', () => closeSync(fd))
  }

  #requireOpen(): void {
    if (this.#fd === undefined) throw new CoreError('CORE_CLOSED', `Offset index ${this.#path} is closed`)
  }

  #corrupt(detail: string): CoreError {
    return new CoreError('CORE_CORRUPT_RECORD', `Offset index ${this.#path} is corrupt: ${detail}; rebuild it from the log`)
  }
}

/** Calls `visit` on slots 0..count-1 of the file, reading in chunks, until it returns false; returns where it stopped. */
function scan(fd: number, path: string, count: number, visit: (rel: number, pos: number, i: number) => boolean): number {
  const buf = Buffer.allocUnsafe(Math.min(count, CHUNK_ENTRIES) * ENTRY_SIZE)
  let i = 0
  while (i < count) {
    const n = Math.min(count - i, CHUNK_ENTRIES)
    readExactly(fd, path, buf, n * ENTRY_SIZE, i * ENTRY_SIZE)
    for (let k = 0; k < n; k++, i++) {
      if (!visit(buf.readInt32BE(k * ENTRY_SIZE), buf.readInt32BE(k * ENTRY_SIZE + 4), i)) return i
    }
  }
  return i
}

function readExactly(fd: number, path: string, buf: Buffer, length: number, position: number): void {
  let done = 0
  while (done < length) {
    const n = io(path, 'read', () => readSync(fd, buf, done, length - done, position + done))
    if (n === 0) {
      throw new CoreError('CORE_CORRUPT_RECORD', `Offset index ${path} ends at byte ${position + done}, before its entries do; rebuild it from the log`)
    }
    done += n
  }
}

function io<T>(path: string, action: string, fn: () => T): T {
  try {
    return fn()
  } catch (cause) {
    throw ioError(path, action, cause)
  }
}

function ioError(path: string, action: string, cause: unknown): CoreError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new CoreError('CORE_STORAGE_IO', `Cannot ${action} offset index ${path}: ${detail}`, { cause })
}
