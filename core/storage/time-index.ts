/**
 * The sparse time index of one log segment (Kafka's time index).
 *
 * Format: `<20-digit base offset>.timeindex`, a flat array of 12-byte entries
 *
 *     timestamp        int64 BE   largest batch timestamp seen so far in the segment (ms)
 *     relative offset  int32 BE   offset - baseOffset of the record holding that timestamp
 *
 * To find the first offset with a timestamp >= T, a reader takes the entry with the largest
 * timestamp <= T, then the offset index position of its offset, and scans the log from there.
 *
 * Invariants: timestamps and relative offsets both strictly increase from one entry to the next;
 * relative offsets lie in [0, 2^31); timestamps are safe integers (|t| < 2^53), written as int64.
 *
 * Writable and read-only indexes, preallocation, trimming, lazy `flush()`, crash behaviour and
 * the open-time entry count follow the same rules as `OffsetIndex` (see its class comment), with
 * 12-byte slots: a trimmed or full file has size / 12 entries, a preallocated one the leading run
 * of strictly increasing entries, and a lone all-zero first entry counts as none.
 *
 * Room: `isFull` is true one slot early. The last slot is kept for the entry a segment writes
 * when it is sealed or closed (`maybeAppend(..., skipFullCheck = true)`); if even that slot is
 * gone the entry is dropped, which only makes timestamp lookups scan further.
 *
 * Concurrency: synchronous I/O on Node's single thread. One instance per file, owned by its
 * segment; no other instance or process writes the file while it is open.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { CoreError } from '../errors.ts'

const ENTRY_SIZE = 12
const INT32_MAX = 0x7fffffff
const TWO_32 = 2 ** 32
const CHUNK_ENTRIES = 5461 // ~64 KiB per read

/** One entry of the time index, with the absolute offset. */
export interface TimeIndexEntry {
  readonly timestamp: number
  readonly offset: number
}

export interface TimeIndexOptions {
  /** Largest file size in bytes (`segment.index.bytes`), rounded down to a multiple of 12. */
  readonly maxIndexSize: number
  /** True for the active segment: entries kept in memory, file preallocated. */
  readonly writable: boolean
}

export class TimeIndex {
  readonly baseOffset: number
  readonly #maxEntries: number
  #path: string
  #fd: number | undefined
  #fdWritable: boolean
  #writable = false
  #entries = 0
  #lastTs = -1
  #lastRel = -1
  /** Writable only: timestamps and relative offsets of the entries. */
  #memTs: Float64Array | undefined
  #memRel: Int32Array | undefined
  #flushed = 0
  #fileSlots = 0
  /** Read-only lookups: one reused read buffer, the last slot read and the last binary search. */
  readonly #buf = Buffer.alloc(ENTRY_SIZE)
  #slotTs = 0
  #slotRel = 0
  #cachedTarget = Number.NaN
  #cachedSlot = -1

  private constructor(path: string, baseOffset: number, maxEntries: number, fd: number, fdWritable: boolean) {
    this.#path = path
    this.baseOffset = baseOffset
    this.#maxEntries = maxEntries
    this.#fd = fd
    this.#fdWritable = fdWritable
  }

  /** Opens (creating if absent) the time index file at `path`. */
  static open(path: string, baseOffset: number, options: TimeIndexOptions): TimeIndex {
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Base offset of time index ${path} must be a non-negative integer, got ${baseOffset}`)
    }
    if (!Number.isSafeInteger(options.maxIndexSize) || options.maxIndexSize < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `maxIndexSize of time index ${path} must be a non-negative integer, got ${options.maxIndexSize}`)
    }
    const flags = (options.writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_CREAT
    const fd = io(path, 'open', () => openSync(path, flags, 0o644))
    const index = new TimeIndex(path, baseOffset, Math.floor(options.maxIndexSize / ENTRY_SIZE), fd, options.writable)
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

  /** True when a regular `maybeAppend` could fail for lack of room (the last slot is reserved). */
  get isFull(): boolean {
    return !this.#writable || this.#entries >= this.#maxEntries - 1
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  get lastEntry(): TimeIndexEntry {
    return this.#entries === 0 ? { timestamp: -1, offset: this.baseOffset } : { timestamp: this.#lastTs, offset: this.baseOffset + this.#lastRel }
  }

  /**
   * Appends (timestamp, offset) if the index is empty or both exceed the last entry; otherwise
   * does nothing (also on a read-only index). An offset below the last entry's is a caller bug.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    this.#requireOpen()
    if (!Number.isSafeInteger(timestamp)) throw new CoreError('CORE_INVALID_ARGUMENT', `Timestamp ${timestamp} for time index ${this.#path} must be an integer (ms)`)
    const rel = offset - this.baseOffset
    if (!Number.isSafeInteger(offset) || rel < 0 || rel > INT32_MAX) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Offset ${offset} does not fit time index ${this.#path}: it must be in [${this.baseOffset}, ${this.baseOffset + INT32_MAX}]`)
    }
    if (this.#entries > 0) {
      if (rel < this.#lastRel) {
        throw new CoreError(
          'CORE_INVALID_ARGUMENT',
          `Offset ${offset} is below the last entry's offset ${this.baseOffset + this.#lastRel} in time index ${this.#path}; offsets must not go backwards`,
        )
      }
      if (timestamp <= this.#lastTs || rel === this.#lastRel) return
    }
    if (!this.#writable) throw new CoreError('CORE_INVALID_ARGUMENT', `Time index ${this.#path} is read-only (its segment is sealed)`)
    if (this.#entries >= this.#fileSlots) {
      if (skipFullCheck) return
      throw new CoreError('CORE_STORAGE_IO', `Time index ${this.#path} is full (${this.#entries} entries); roll the segment before appending`)
    }
    if (!skipFullCheck && this.isFull) {
      throw new CoreError('CORE_STORAGE_IO', `Time index ${this.#path} is full (${this.#entries} entries); roll the segment before appending`)
    }
    this.#reserve(this.#entries + 1)
    ;(this.#memTs as Float64Array)[this.#entries] = timestamp
    ;(this.#memRel as Int32Array)[this.#entries] = rel
    this.#entries++
    this.#lastTs = timestamp
    this.#lastRel = rel
  }

  /** The entry with the largest timestamp <= `targetTimestamp`, or (-1, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimeIndexEntry {
    this.#requireOpen()
    if (Number.isNaN(targetTimestamp)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot look up timestamp NaN in time index ${this.#path}`)
    const n = this.#entries
    let slot: number
    if (n === 0) slot = -1
    else if (targetTimestamp >= this.#lastTs) slot = n - 1
    else if (!this.#writable && targetTimestamp === this.#cachedTarget) slot = this.#cachedSlot
    else {
      slot = this.#floorSlot(targetTimestamp, (i) => this.#tsAt(i))
      if (!this.#writable) {
        this.#cachedTarget = targetTimestamp
        this.#cachedSlot = slot
      }
    }
    return slot < 0 ? { timestamp: -1, offset: this.baseOffset } : this.#entryAt(slot)
  }

  /** The `i`-th entry (0-based). */
  entryAt(i: number): TimeIndexEntry {
    this.#requireOpen()
    if (!Number.isInteger(i) || i < 0 || i >= this.#entries) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Entry ${i} is out of range for time index ${this.#path} (${this.#entries} entries)`)
    }
    return this.#entryAt(i)
  }

  /** Removes every entry whose offset is >= `offset`, in memory and on disk; leaves the index writable. */
  truncateTo(offset: number): void {
    this.#requireOpen()
    if (!Number.isSafeInteger(offset)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot truncate time index ${this.#path} to ${offset}: not an integer`)
    let keep = 0
    if (offset > this.baseOffset && this.#entries > 0) {
      const targetRel = offset - 1 - this.baseOffset
      keep = targetRel >= this.#lastRel ? this.#entries : this.#floorSlot(targetRel, (i) => this.#relAt(i)) + 1
    }
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
   * Throws CORE_CORRUPT_RECORD when timestamps or offsets do not strictly increase. With
   * `full: false` only the file length, first and last entries are checked (O(1)).
   */
  sanityCheck(options: { readonly full?: boolean } = {}): void {
    this.#requireOpen()
    const n = this.#entries
    if (!this.#writable) {
      const size = io(this.#path, 'stat', () => fstatSync(this.#fd as number).size)
      if (size % ENTRY_SIZE !== 0 || size < n * ENTRY_SIZE) {
        throw this.#corrupt(`its size ${size} is not a multiple of ${ENTRY_SIZE} or is too small for ${n} entries`)
      }
    }
    let prevTs = 0
    let prevRel = -1
    const check = (ts: number, rel: number, i: number): boolean => {
      if (rel < 0 || (i > 0 && (ts <= prevTs || rel <= prevRel))) {
        throw this.#corrupt(`entry ${i} (timestamp ${ts}, relative offset ${rel}) does not follow (${prevTs}, ${prevRel})`)
      }
      prevTs = ts
      prevRel = rel
      return true
    }
    if (options.full === false) {
      if (n > 0) check(this.#tsAt(0), this.#relAt(0), 0)
      if (n > 1) check(this.#lastTs, this.#lastRel, n - 1)
    } else if (this.#writable) {
      const ts = this.#memTs as Float64Array
      const rel = this.#memRel as Int32Array
      for (let i = 0; i < n; i++) check(ts[i], rel[i], i)
    } else {
      scan(this.#fd as number, this.#path, n, check)
    }
  }

  /** Writes entries appended since the last flush (no fsync: the index is rebuilt after a crash). */
  flush(): void {
    this.#requireOpen()
    if (!this.#writable || this.#flushed === this.#entries) return
    const ts = this.#memTs as Float64Array
    const rel = this.#memRel as Int32Array
    const count = this.#entries - this.#flushed
    const out = Buffer.allocUnsafe(count * ENTRY_SIZE)
    for (let k = 0, i = this.#flushed; k < count; k++, i++) {
      writeInt64(out, ts[i], k * ENTRY_SIZE)
      out.writeInt32BE(rel[i], k * ENTRY_SIZE + 8)
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
    this.#memTs = undefined
    this.#memRel = undefined
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

  #load(): void {
    const fd = this.#fd as number
    const slots = Math.floor(io(this.#path, 'stat', () => fstatSync(fd).size) / ENTRY_SIZE)
    let count = 0
    if (slots > 0) {
      this.#readSlot(slots - 1)
      if (!this.#buf.every((byte) => byte === 0)) {
        count = slots
      } else {
        let prevTs = 0
        let prevRel = -1
        count = scan(fd, this.#path, slots, (ts, rel, i) => {
          const ok = i === 0 ? rel >= 0 : ts > prevTs && rel > prevRel
          prevTs = ts
          prevRel = rel
          return ok
        })
      }
      if (count === 1 && this.#tsAt(0) === 0 && this.#relAt(0) === 0) count = 0
    }
    this.#entries = count
    this.#lastTs = count > 0 ? this.#tsAt(count - 1) : -1
    this.#lastRel = count > 0 ? this.#relAt(count - 1) : -1
  }

  #becomeWritable(): void {
    if (!this.#fdWritable) {
      const fd = io(this.#path, 'open', () => openSync(this.#path, constants.O_RDWR))
      this.#closeFd()
      this.#fd = fd
      this.#fdWritable = true
    }
    const n = this.#entries
    const ts = new Float64Array(Math.max(n, 16))
    const rel = new Int32Array(Math.max(n, 16))
    scan(this.#fd as number, this.#path, n, (t, r, i) => {
      ts[i] = t
      rel[i] = r
      return true
    })
    this.#memTs = ts
    this.#memRel = rel
    this.#fileSlots = Math.max(this.#maxEntries, n)
    this.#ftruncate(n * ENTRY_SIZE)
    this.#ftruncate(this.#fileSlots * ENTRY_SIZE)
    this.#flushed = n
    this.#writable = true
    this.#cachedTarget = Number.NaN
  }

  #truncateEntries(keep: number): void {
    const flushed = this.#flushed
    this.#entries = keep
    this.#flushed = Math.min(flushed, keep)
    this.#lastTs = keep > 0 ? (this.#memTs as Float64Array)[keep - 1] : -1
    this.#lastRel = keep > 0 ? (this.#memRel as Int32Array)[keep - 1] : -1
    if (flushed > keep) {
      this.#ftruncate(keep * ENTRY_SIZE)
      this.#ftruncate(this.#fileSlots * ENTRY_SIZE)
    }
  }

  #reserve(n: number): void {
    const ts = this.#memTs as Float64Array
    if (ts.length >= n) return
    const capacity = Math.max(n, Math.min(ts.length * 2, this.#fileSlots))
    const grownTs = new Float64Array(capacity)
    const grownRel = new Int32Array(capacity)
    grownTs.set(ts)
    grownRel.set(this.#memRel as Int32Array)
    this.#memTs = grownTs
    this.#memRel = grownRel
  }

  /** Largest slot whose key is <= `target` (keys strictly increase), or -1. */
  #floorSlot(target: number, keyAt: (i: number) => number): number {
    if (target < keyAt(0)) return -1
    let lo = 0
    let hi = this.#entries // key(lo) <= target < key(hi), key(entries) = +infinity
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (keyAt(mid) <= target) lo = mid
      else hi = mid
    }
    return lo
  }

  #entryAt(i: number): TimeIndexEntry {
    return { timestamp: this.#tsAt(i), offset: this.baseOffset + this.#relAt(i) }
  }

  #tsAt(i: number): number {
    if (this.#writable) return (this.#memTs as Float64Array)[i]
    this.#readSlot(i)
    return this.#slotTs
  }

  #relAt(i: number): number {
    if (this.#writable) return (this.#memRel as Int32Array)[i]
    this.#readSlot(i)
    return this.#slotRel
  }

  #readSlot(i: number): void {
    readExactly(this.#fd as number, this.#path, this.#buf, ENTRY_SIZE, i * ENTRY_SIZE)
    this.#slotTs = readInt64(this.#buf, 0)
    this.#slotRel = this.#buf.readInt32BE(8)
  }

  #ftruncate(size: number): void {
    const fd = this.#fd as number
    io(this.#path, `resize to ${size} bytes`, () => ftruncateSync(fd, size))
  }

  #closeFd(): void {
    const fd = this.#fd
    this.#fd = undefined
    this.#memTs = undefined
    this.#memRel = undefined
    this.#writable = false
    if (fd !== undefined) io(this.#path, 'close', () => closeSync(fd))
  }

  #requireOpen(): void {
    if (this.#fd === undefined) throw new CoreError('CORE_CLOSED', `Time index ${this.#path} is closed`)
  }

  #corrupt(detail: string): CoreError {
    return new CoreError('CORE_CORRUPT_RECORD', `Time index ${this.#path} is corrupt: ${detail}; rebuild it from the log`)
  }
}

/** Writes a safe integer as int64 BE (two's complement through its high and low 32-bit halves). */
function writeInt64(buf: Buffer, value: number, at: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, at)
  buf.writeUInt32BE(value - hi * TWO_32, at + 4)
}

/** Reads an int64 BE; exact when the value is a safe integer. */
function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4)
}

/** Calls `visit` on slots 0..count-1 of the file, reading in chunks, until it returns false; returns where it stopped. */
function scan(fd: number, path: string, count: number, visit: (ts: number, rel: number, i: number) => boolean): number {
  const buf = Buffer.allocUnsafe(Math.min(count, CHUNK_ENTRIES) * ENTRY_SIZE)
  let i = 0
  while (i < count) {
    const n = Math.min(count - i, CHUNK_ENTRIES)
    readExactly(fd, path, buf, n * ENTRY_SIZE, i * ENTRY_SIZE)
    for (let k = 0; k < n; k++, i++) {
      if (!visit(readInt64(buf, k * ENTRY_SIZE), buf.readInt32BE(k * ENTRY_SIZE + 8), i)) return i
    }
  }
  return i
}

function readExactly(fd: number, path: string, buf: Buffer, length: number, position: number): void {
  let done = 0
  while (done < length) {
    const n = io(path, 'read', () => readSync(fd, buf, done, length - done, position + done))
    if (n === 0) {
      throw new CoreError('CORE_CORRUPT_RECORD', `Time index ${path} ends at byte ${position + done}, before its entries do; rebuild it from the log`)
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
  return new CoreError('CORE_STORAGE_IO', `Cannot ${action} time index ${path}: ${detail}`, { cause })
}
