/**
 * The file mechanism shared by a segment's sparse indexes (Kafka's `AbstractIndex`): `OffsetIndex`
 * and `TimeIndex` extend it and add only their entry format and their lookups.
 *
 * Format: a flat array of fixed-size entries, each a (key, value) pair of numbers whose encoding
 * the subclass's `IndexFileFormat` declares. Values are int32, the value column in memory is an
 * Int32Array, and the key column is an Int32Array or a Float64Array.
 *
 * Invariants: keys and values both strictly increase from one entry to the next; values are never
 * negative and keys never below the format's `minKey`. One of the two columns is the relative
 * offset (offset - baseOffset), in [0, 2^31); `truncateTo()` searches that column.
 *
 * Writable (active segment) and read-only (sealed segment):
 * - A writable index keeps every entry in memory (two growable typed arrays, one per column) and
 *   keeps its file preallocated to `maxIndexSize` (rounded down to a multiple of the entry size)
 *   so that appends never grow it. Appends only touch memory; `flush()` writes the pending tail
 *   in one positional write. `makeReadOnly()` and `close()` flush and trim the file to its entries.
 * - A read-only index keeps only its entry count and last entry in memory and binary-searches the
 *   file with one-entry positional reads into a reused buffer, remembering the last search by key;
 *   the OS page cache does the caching.
 * - `truncateTo()` and `reset()` leave the index writable (the segment is becoming the active one,
 *   or is being rebuilt); call `makeReadOnly()` again to seal it.
 *
 * Crash behaviour: the index is derived data and never fsynced; recovery rebuilds it from the
 * log. On open, the entry count is file size / entry size when the file is trimmed or full (its
 * last slot is not all zeros). Otherwise the file is a preallocated one left by a crash, and the
 * entries are the leading run of strictly increasing entries (an all-zero slot ends the run). In
 * both cases a lone all-zero first entry counts as no entry: it points at the base offset (and
 * position 0), where a lookup in an empty index also sends a reader, so nothing is lost.
 * Truncation zeroes the removed tail on disk, so a later crash cannot resurrect removed entries.
 * `checkEntries()` (the subclasses' `sanityCheck()`) tells the caller when to rebuild.
 *
 * Concurrency: synchronous I/O on Node's single thread. One instance per file, owned by its
 * segment; no other instance or process writes the file while it is open.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { CoreError } from '../errors.ts'

const INT32_MAX = 0x7fffffff
/** Bytes read per system call when a whole file is scanned or loaded. */
const CHUNK_BYTES = 64 * 1024

/** How one kind of index lays out its entries; declared once per subclass. */
export interface IndexFileFormat {
  /** Lower-case name used in messages, e.g. `offset index`. */
  readonly name: string
  /** Bytes per entry. */
  readonly entrySize: number
  /** The in-memory key column of a writable index; Float64Array holds safe integers exactly. */
  readonly KeyArray: Int32ArrayConstructor | Float64ArrayConstructor
  /** Smallest valid key (values are never negative). */
  readonly minKey: number
  /** What the key and the value are, for corruption messages. */
  readonly keyName: string
  readonly valueName: string
  /** The column holding the relative offset, which `truncateTo()` searches. */
  readonly offsetColumn: 'key' | 'value'
  /** Decode the key and the value of the entry that starts at `at`. */
  readKey(buf: Buffer, at: number): number
  readValue(buf: Buffer, at: number): number
  /** Encode an entry at `at`. */
  write(buf: Buffer, at: number, key: number, value: number): void
}

export interface IndexFileOptions {
  /** Largest file size in bytes (`segment.index.bytes`), rounded down to a multiple of the entry size. */
  readonly maxIndexSize: number
  /** True for the active segment: entries kept in memory, file preallocated. */
  readonly writable: boolean
}

export abstract class IndexFile {
  readonly baseOffset: number
  /** Slots of a preallocated file: `maxIndexSize` / entry size. */
  protected readonly maxEntries: number
  readonly #format: IndexFileFormat
  /** `Offset index`, `Time index`: the name at the start of a message. */
  readonly #title: string
  #path: string
  #fd: number | undefined
  #fdWritable = false
  #writable = false
  #entries = 0
  /** Key and value of the last entry; -1 when empty. */
  #lastKey = -1
  #lastValue = -1
  /** Writable only: the entries, one typed array per column. */
  #keys: Int32Array | Float64Array | undefined
  #values: Int32Array | undefined
  /** Writable only: entries already written to the file. */
  #flushed = 0
  /** Writable only: slots of the preallocated file. */
  #fileSlots = 0
  /** Read-only lookups: one reused read buffer and the last binary search by key. */
  readonly #buf: Buffer
  #cachedTarget = Number.NaN
  #cachedSlot = -1

  /** Validates the arguments; the subclass's `open` then calls `openFile()`. */
  protected constructor(format: IndexFileFormat, path: string, baseOffset: number, maxIndexSize: number) {
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Base offset of ${format.name} ${path} must be a non-negative integer, got ${baseOffset}`)
    }
    if (!Number.isSafeInteger(maxIndexSize) || maxIndexSize < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `maxIndexSize of ${format.name} ${path} must be a non-negative integer, got ${maxIndexSize}`)
    }
    this.#format = format
    this.#title = titleOf(format)
    this.#path = path
    this.baseOffset = baseOffset
    this.maxEntries = Math.floor(maxIndexSize / format.entrySize)
    this.#buf = Buffer.alloc(format.entrySize)
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

  /** Removes every entry whose offset is >= `offset`, in memory and on disk; leaves the index writable. */
  truncateTo(offset: number): void {
    this.requireOpen()
    if (!Number.isSafeInteger(offset)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot truncate ${this.#format.name} ${this.#path} to ${offset}: not an integer`)
    if (!this.#writable) this.#becomeWritable()
    const column = (this.#format.offsetColumn === 'key' ? this.#keys : this.#values) as Int32Array | Float64Array
    const keep = offset <= this.baseOffset ? 0 : floorIn(column, this.#entries, offset - 1 - this.baseOffset) + 1
    if (keep < this.#entries) this.#truncateEntries(keep)
  }

  /** Removes all entries (before a rebuild); leaves the index writable. */
  reset(): void {
    this.requireOpen()
    if (!this.#writable) this.#becomeWritable()
    this.#truncateEntries(0)
  }

  /** Writes entries appended since the last flush (no fsync: the index is rebuilt after a crash). */
  flush(): void {
    this.requireOpen()
    if (!this.#writable || this.#flushed === this.#entries) return
    const { entrySize, write } = this.#format
    const keys = this.#keys as Int32Array | Float64Array
    const values = this.#values as Int32Array
    const count = this.#entries - this.#flushed
    const out = Buffer.allocUnsafe(count * entrySize)
    for (let k = 0, i = this.#flushed; k < count; k++, i++) write(out, k * entrySize, keys[i], values[i])
    const fd = this.#fd as number
    const at = this.#flushed * entrySize
    io(this.#format, this.#path, 'write', () => {
      for (let done = 0; done < out.length; ) done += writeSync(fd, out, done, out.length - done, at + done)
    })
    this.#flushed = this.#entries
  }

  /** Flushes, trims the file to its entries and drops the in-memory entries (segment sealed). */
  makeReadOnly(): void {
    this.requireOpen()
    if (!this.#writable) return
    this.flush()
    this.#ftruncate(this.#entries * this.#format.entrySize)
    this.#keys = undefined
    this.#values = undefined
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
      throw ioError(this.#format, this.#path, 'delete', cause)
    }
  }

  /** Renames the file (e.g. to add `.deleted`); the index stays usable. */
  renameTo(newPath: string): void {
    io(this.#format, this.#path, `rename to ${newPath}`, () => renameSync(this.#path, newPath))
    this.#path = newPath
  }

  /** Opens (creating if absent) the file, counts its entries and, if `writable`, loads and preallocates it. */
  protected openFile(writable: boolean): void {
    const path = this.#path
    const flags = (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_CREAT
    this.#fd = io(this.#format, path, 'open', () => openSync(path, flags, 0o644))
    this.#fdWritable = writable
    try {
      this.#load()
      if (writable) this.#becomeWritable()
    } catch (error) {
      this.#closeFd()
      throw error
    }
  }

  /** Key of the last entry; -1 when empty. */
  protected get lastKey(): number {
    return this.#lastKey
  }

  /** Value of the last entry; -1 when empty. */
  protected get lastValue(): number {
    return this.#lastValue
  }

  /** Slots of the preallocated file of a writable index (more than `maxEntries` when a larger file was reopened). */
  protected get fileSlots(): number {
    return this.#fileSlots
  }

  /**
   * Stores an entry in memory. The caller has checked that the index is open and writable, that
   * the entry follows the last one, that it fits the format, and that `entries < fileSlots`.
   */
  protected appendEntry(key: number, value: number): void {
    const n = this.#entries
    this.#reserve(n + 1)
    ;(this.#keys as Int32Array | Float64Array)[n] = key
    ;(this.#values as Int32Array)[n] = value
    this.#entries = n + 1
    this.#lastKey = key
    this.#lastValue = value
  }

  /** `offset` - baseOffset, or CORE_INVALID_ARGUMENT when that is not in [0, 2^31). */
  protected relativeOffset(offset: number): number {
    const rel = offset - this.baseOffset
    if (!Number.isSafeInteger(offset) || rel < 0 || rel > INT32_MAX) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Offset ${offset} does not fit ${this.#format.name} ${this.#path}: it must be in [${this.baseOffset}, ${this.baseOffset + INT32_MAX}]`)
    }
    return rel
  }

  /** Largest slot whose key is <= `targetKey`, or -1; a read-only index remembers its last binary search. */
  protected floorSlot(targetKey: number): number {
    const n = this.#entries
    if (n === 0) return -1
    if (targetKey >= this.#lastKey) return n - 1
    if (this.#writable) return floorIn(this.#keys as Int32Array | Float64Array, n, targetKey)
    if (targetKey !== this.#cachedTarget) {
      this.#cachedSlot = this.#floorInFile(targetKey)
      this.#cachedTarget = targetKey
    }
    return this.#cachedSlot
  }

  /** Key of the `i`-th entry: from memory, or one positional read of a read-only file. */
  protected keyAt(i: number): number {
    if (this.#writable) return (this.#keys as Int32Array | Float64Array)[i]
    this.#readSlot(i)
    return this.#format.readKey(this.#buf, 0)
  }

  /** Value of the `i`-th entry, like `keyAt`. */
  protected valueAt(i: number): number {
    if (this.#writable) return (this.#values as Int32Array)[i]
    this.#readSlot(i)
    return this.#format.readValue(this.#buf, 0)
  }

  /** Throws CORE_INVALID_ARGUMENT unless `i` is the number of an entry. */
  protected checkSlot(i: number): void {
    this.requireOpen()
    if (!Number.isInteger(i) || i < 0 || i >= this.#entries) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Entry ${i} is out of range for ${this.#format.name} ${this.#path} (${this.#entries} entries)`)
    }
  }

  /**
   * Throws CORE_CORRUPT_RECORD when a read-only file's length does not fit its entries, or when
   * keys or values do not strictly increase (or fall below their minimum). With `full: false`
   * only the file length, first and last entries are checked (O(1)); otherwise every entry is,
   * from memory or with sequential 64 KiB reads.
   */
  protected checkEntries(full: boolean): void {
    this.requireOpen()
    const { entrySize, minKey, keyName, valueName } = this.#format
    const n = this.#entries
    if (!this.#writable) {
      const fd = this.#fd as number
      const size = io(this.#format, this.#path, 'stat', () => fstatSync(fd).size)
      if (size % entrySize !== 0 || size < n * entrySize) {
        throw this.corrupt(`its size ${size} is not a multiple of ${entrySize} or is too small for ${n} entries`)
      }
    }
    let prevKey = -1
    let prevValue = -1
    const check = (key: number, value: number, i: number): boolean => {
      if (key < minKey || value < 0 || (i > 0 && (key <= prevKey || value <= prevValue))) {
        throw this.corrupt(`entry ${i} (${keyName} ${key}, ${valueName} ${value}) does not follow (${prevKey}, ${prevValue})`)
      }
      prevKey = key
      prevValue = value
      return true
    }
    if (!full) {
      if (n > 0) check(this.keyAt(0), this.valueAt(0), 0)
      if (n > 1) check(this.#lastKey, this.#lastValue, n - 1)
    } else if (this.#writable) {
      const keys = this.#keys as Int32Array | Float64Array
      const values = this.#values as Int32Array
      for (let i = 0; i < n; i++) check(keys[i], values[i], i)
    } else {
      scan(this.#format, this.#fd as number, this.#path, n, check)
    }
  }

  protected requireOpen(): void {
    if (this.#fd === undefined) throw new CoreError('CORE_CLOSED', `${this.#title} ${this.#path} is closed`)
  }

  protected corrupt(detail: string): CoreError {
    return new CoreError('CORE_CORRUPT_RECORD', `${this.#title} ${this.#path} is corrupt: ${detail}; rebuild it from the log`)
  }

  /** Counts the entries of the file (see the class comment) and remembers the last one. */
  #load(): void {
    const { entrySize, minKey } = this.#format
    const fd = this.#fd as number
    const slots = Math.floor(io(this.#format, this.#path, 'stat', () => fstatSync(fd).size) / entrySize)
    let count = 0
    if (slots > 0) {
      this.#readSlot(slots - 1)
      if (!this.#buf.every((byte) => byte === 0)) {
        count = slots
      } else {
        let prevKey = -1
        let prevValue = -1
        count = scan(this.#format, fd, this.#path, slots, (key, value, i) => {
          const ok = i === 0 ? key >= minKey && value >= 0 : key > prevKey && value > prevValue
          prevKey = key
          prevValue = value
          return ok
        })
      }
      if (count === 1 && this.keyAt(0) === 0 && this.valueAt(0) === 0) count = 0
    }
    this.#entries = count
    this.#lastKey = count > 0 ? this.keyAt(count - 1) : -1
    this.#lastValue = count > 0 ? this.valueAt(count - 1) : -1
  }

  /** Loads the entries into memory and preallocates the file, zeroing anything past them. */
  #becomeWritable(): void {
    if (!this.#fdWritable) {
      const fd = io(this.#format, this.#path, 'open', () => openSync(this.#path, constants.O_RDWR))
      this.#closeFd()
      this.#fd = fd
      this.#fdWritable = true
    }
    const n = this.#entries
    const keys = new this.#format.KeyArray(Math.max(n, 16))
    const values = new Int32Array(Math.max(n, 16))
    scan(this.#format, this.#fd as number, this.#path, n, (key, value, i) => {
      keys[i] = key
      values[i] = value
      return true
    })
    this.#keys = keys
    this.#values = values
    this.#fileSlots = Math.max(this.maxEntries, n)
    this.#ftruncate(n * this.#format.entrySize)
    this.#ftruncate(this.#fileSlots * this.#format.entrySize)
    this.#flushed = n
    this.#writable = true
    this.#cachedTarget = Number.NaN
  }

  #truncateEntries(keep: number): void {
    const flushed = this.#flushed
    this.#entries = keep
    this.#flushed = Math.min(flushed, keep)
    this.#lastKey = keep > 0 ? (this.#keys as Int32Array | Float64Array)[keep - 1] : -1
    this.#lastValue = keep > 0 ? (this.#values as Int32Array)[keep - 1] : -1
    if (flushed > keep) {
      this.#ftruncate(keep * this.#format.entrySize)
      this.#ftruncate(this.#fileSlots * this.#format.entrySize)
    }
  }

  /** Grows the in-memory columns to hold `n` entries, doubling up to the file's slots. */
  #reserve(n: number): void {
    const keys = this.#keys as Int32Array | Float64Array
    if (keys.length >= n) return
    const capacity = Math.max(n, Math.min(keys.length * 2, this.#fileSlots))
    const grownKeys = new this.#format.KeyArray(capacity)
    const grownValues = new Int32Array(capacity)
    grownKeys.set(keys)
    grownValues.set(this.#values as Int32Array)
    this.#keys = grownKeys
    this.#values = grownValues
  }

  /** `floorIn` over the keys in the file of a read-only index (one read per probe), given target < lastKey. */
  #floorInFile(target: number): number {
    if (target < this.keyAt(0)) return -1
    let lo = 0
    let hi = this.#entries - 1 // key(lo) <= target < key(hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (this.keyAt(mid) <= target) lo = mid
      else hi = mid
    }
    return lo
  }

  #readSlot(i: number): void {
    readExactly(this.#format, this.#fd as number, this.#path, this.#buf, this.#format.entrySize, i * this.#format.entrySize)
  }

  #ftruncate(size: number): void {
    const fd = this.#fd as number
    io(this.#format, this.#path, `resize to ${size} bytes`, () => ftruncateSync(fd, size))
  }

  #closeFd(): void {
    const fd = this.#fd
    this.#fd = undefined
    this.#keys = undefined
    this.#values = undefined
    this.#writable = false
    if (fd !== undefined) io(this.#format, this.#path, 'close', () => closeSync(fd))
  }
}

/** Largest i < n with column[i] <= target (the column strictly increases), or -1. */
function floorIn(column: Int32Array | Float64Array, n: number, target: number): number {
  if (n === 0 || target < column[0]) return -1
  let lo = 0
  let hi = n // column[lo] <= target < column[hi], with column[n] = +infinity
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (column[mid] <= target) lo = mid
    else hi = mid
  }
  return lo
}

/** Calls `visit` on slots 0..count-1 of the file, reading in chunks, until it returns false; returns where it stopped. */
function scan(format: IndexFileFormat, fd: number, path: string, count: number, visit: (key: number, value: number, i: number) => boolean): number {
  const { entrySize, readKey, readValue } = format
  const chunkEntries = Math.floor(CHUNK_BYTES / entrySize)
  const buf = Buffer.allocUnsafe(Math.min(count, chunkEntries) * entrySize)
  let i = 0
  while (i < count) {
    const n = Math.min(count - i, chunkEntries)
    readExactly(format, fd, path, buf, n * entrySize, i * entrySize)
    for (let k = 0; k < n; k++, i++) {
      if (!visit(readKey(buf, k * entrySize), readValue(buf, k * entrySize), i)) return i
    }
  }
  return i
}

/** Reads `length` bytes at `position` into `buf`; on the lookup path of a read-only index, so no closures. */
function readExactly(format: IndexFileFormat, fd: number, path: string, buf: Buffer, length: number, position: number): void {
  let done = 0
  while (done < length) {
    let n: number
    try {
      n = readSync(fd, buf, done, length - done, position + done)
    } catch (cause) {
      throw ioError(format, path, 'read', cause)
    }
    if (n === 0) {
      throw new CoreError('CORE_CORRUPT_RECORD', `${titleOf(format)} ${path} ends at byte ${position + done}, before its entries do; rebuild it from the log`)
    }
    done += n
  }
}

/** The format's name at the start of a message: `Offset index`. */
function titleOf(format: IndexFileFormat): string {
  return format.name.charAt(0).toUpperCase() + format.name.slice(1)
}

function io<T>(format: IndexFileFormat, path: string, action: string, fn: () => T): T {
  try {
    return fn()
  } catch (cause) {
    throw ioError(format, path, action, cause)
  }
}

function ioError(format: IndexFileFormat, path: string, action: string, cause: unknown): CoreError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new CoreError('CORE_STORAGE_IO', `Cannot ${action} ${format.name} ${path}: ${detail}`, { cause })
}
