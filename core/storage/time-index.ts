/**
 * The sparse time index of one log segment (Kafka's time index).
 *
 * Format: `<20-digit base offset>.timeindex`, a flat array of 12-byte entries
 *
 *     timestamp        int64 BE   largest batch timestamp seen so far in the segment (ms)    (the key)
 *     relative offset  int32 BE   offset - baseOffset of the record holding that timestamp    (the value)
 *
 * To find the first offset with a timestamp >= T, a reader takes the entry with the largest
 * timestamp <= T, then the offset index position of its offset, and scans the log from there.
 *
 * Invariants: timestamps and relative offsets both strictly increase from one entry to the next;
 * relative offsets lie in [0, 2^31); timestamps are safe integers (|t| < 2^53), written as int64
 * and held in memory as float64 (exact for safe integers).
 *
 * Writable and read-only indexes, preallocation to `maxIndexSize` (rounded down to a multiple of
 * 12), lazy `flush()`, trimming, truncation, crash behaviour and the open-time entry count follow
 * `IndexFile` (see its class comment): a trimmed or full file has size / 12 entries, a
 * preallocated one the leading run of strictly increasing entries, and a lone all-zero first
 * entry counts as none.
 *
 * Room: `isFull` is true one slot early. The last slot is kept for the entry a segment writes
 * when it is sealed or closed (`maybeAppend(..., skipFullCheck = true)`); if even that slot is
 * gone the entry is dropped, which only makes timestamp lookups scan further.
 *
 * Concurrency: synchronous I/O on Node's single thread. One instance per file, owned by its
 * segment; no other instance or process writes the file while it is open.
 */
import { CoreError } from '../errors.ts'
import { IndexFile, type IndexFileFormat, type IndexFileOptions } from './index-file.ts'

const TWO_32 = 2 ** 32

const FORMAT: IndexFileFormat = {
  name: 'time index',
  entrySize: 12,
  KeyArray: Float64Array,
  minKey: Number.NEGATIVE_INFINITY,
  keyName: 'timestamp',
  valueName: 'relative offset',
  offsetColumn: 'value',
  readKey: readInt64,
  readValue: (buf, at) => buf.readInt32BE(at + 8),
  write: (buf, at, timestamp, rel) => {
    writeInt64(buf, timestamp, at)
    buf.writeInt32BE(rel, at + 8)
  },
}

/** One entry of the time index, with the absolute offset. */
export interface TimeIndexEntry {
  readonly timestamp: number
  readonly offset: number
}

export type TimeIndexOptions = IndexFileOptions

export class TimeIndex extends IndexFile {
  private constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(FORMAT, path, baseOffset, maxIndexSize)
  }

  /** Opens (creating if absent) the time index file at `path`. */
  static open(path: string, baseOffset: number, options: TimeIndexOptions): TimeIndex {
    const index = new TimeIndex(path, baseOffset, options.maxIndexSize)
    index.openFile(options.writable)
    return index
  }

  /** True when a regular `maybeAppend` could fail for lack of room (the last slot is reserved). */
  get isFull(): boolean {
    return !this.isWritable || this.entries >= this.maxEntries - 1
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  get lastEntry(): TimeIndexEntry {
    return this.entries === 0 ? { timestamp: -1, offset: this.baseOffset } : { timestamp: this.lastKey, offset: this.baseOffset + this.lastValue }
  }

  /**
   * Appends (timestamp, offset) if the index is empty or both exceed the last entry; otherwise
   * does nothing (also on a read-only index). An offset below the last entry's is a caller bug.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    this.requireOpen()
    if (!Number.isSafeInteger(timestamp)) throw new CoreError('CORE_INVALID_ARGUMENT', `Timestamp ${timestamp} for time index ${this.path} must be an integer (ms)`)
    const rel = this.relativeOffset(offset)
    if (this.entries > 0) {
      if (rel < this.lastValue) {
        throw new CoreError(
          'CORE_INVALID_ARGUMENT',
          `Offset ${offset} is below the last entry's offset ${this.baseOffset + this.lastValue} in time index ${this.path}; offsets must not go backwards`,
        )
      }
      if (timestamp <= this.lastKey || rel === this.lastValue) return
    }
    if (!this.isWritable) throw new CoreError('CORE_INVALID_ARGUMENT', `Time index ${this.path} is read-only (its segment is sealed)`)
    if (this.entries >= this.fileSlots) {
      if (skipFullCheck) return
      throw new CoreError('CORE_STORAGE_IO', `Time index ${this.path} is full (${this.entries} entries); roll the segment before appending`)
    }
    if (!skipFullCheck && this.isFull) {
      throw new CoreError('CORE_STORAGE_IO', `Time index ${this.path} is full (${this.entries} entries); roll the segment before appending`)
    }
    this.appendEntry(timestamp, rel)
  }

  /** The entry with the largest timestamp <= `targetTimestamp`, or (-1, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimeIndexEntry {
    this.requireOpen()
    if (Number.isNaN(targetTimestamp)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot look up timestamp NaN in time index ${this.path}`)
    const slot = this.floorSlot(targetTimestamp)
    return slot < 0 ? { timestamp: -1, offset: this.baseOffset } : this.#entryAt(slot)
  }

  /** The `i`-th entry (0-based). */
  entryAt(i: number): TimeIndexEntry {
    this.checkSlot(i)
    return this.#entryAt(i)
  }

  /**
   * Throws CORE_CORRUPT_RECORD when timestamps or offsets do not strictly increase. With
   * `full: false` only the file length, first and last entries are checked (O(1)).
   */
  sanityCheck(options: { readonly full?: boolean } = {}): void {
    this.checkEntries(options.full !== false)
  }

  #entryAt(i: number): TimeIndexEntry {
    return { timestamp: this.keyAt(i), offset: this.baseOffset + this.valueAt(i) }
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
