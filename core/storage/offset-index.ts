/**
 * The sparse offset index of one log segment (Kafka's offset index).
 *
 * Format: `<20-digit base offset>.index`, a flat array of 8-byte entries
 *
 *     relative offset  int32 BE   offset - baseOffset    (the key)
 *     position         int32 BE   byte position of a batch in the segment's `.log`    (the value)
 *
 * An entry (offset, position) says "the batch at `position` ends at `offset`", so a reader looks
 * up the largest entry whose offset is <= its target and scans the log forward from there.
 *
 * Invariants: both fields strictly increase from one entry to the next; relative offsets and
 * positions lie in [0, 2^31).
 *
 * Writable and read-only indexes, preallocation to `maxIndexSize` (rounded down to a multiple of
 * 8), lazy `flush()`, trimming, truncation and the open-time entry count follow `IndexFile` (see
 * its class comment). After a crash, a lone all-zero first entry counts as no entry: (baseOffset,
 * 0) is also what `lookup` answers for an empty index, so nothing is lost. The index is derived
 * data, never fsynced and rebuilt from the log when `sanityCheck()` fails.
 *
 * Concurrency: synchronous I/O on Node's single thread. One instance per file, owned by its
 * segment; no other instance or process writes the file while it is open.
 */
import { CoreError } from '../errors.ts'
import { IndexFile, type IndexFileFormat, type IndexFileOptions } from './index-file.ts'

const INT32_MAX = 0x7fffffff

const FORMAT: IndexFileFormat = {
  name: 'offset index',
  entrySize: 8,
  KeyArray: Int32Array,
  minKey: 0,
  keyName: 'relative offset',
  valueName: 'position',
  offsetColumn: 'key',
  readKey: (buf, at) => buf.readInt32BE(at),
  readValue: (buf, at) => buf.readInt32BE(at + 4),
  write: (buf, at, rel, position) => {
    buf.writeInt32BE(rel, at)
    buf.writeInt32BE(position, at + 4)
  },
}

/** One entry of the offset index, with the absolute offset. */
export interface OffsetIndexEntry {
  readonly offset: number
  readonly position: number
}

export type OffsetIndexOptions = IndexFileOptions

export class OffsetIndex extends IndexFile {
  private constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(FORMAT, path, baseOffset, maxIndexSize)
  }

  /** Opens (creating if absent) the index file at `path`. */
  static open(path: string, baseOffset: number, options: OffsetIndexOptions): OffsetIndex {
    const index = new OffsetIndex(path, baseOffset, options.maxIndexSize)
    index.openFile(options.writable)
    return index
  }

  /** True when `append` would fail for lack of room (always true for a read-only index). */
  get isFull(): boolean {
    return !this.isWritable || this.entries >= this.maxEntries
  }

  /** Offset of the last entry, or the base offset when empty. */
  get lastOffset(): number {
    return this.entries === 0 ? this.baseOffset : this.baseOffset + this.lastKey
  }

  /** Position of the last entry, or 0 when empty. */
  get lastPosition(): number {
    return this.entries === 0 ? 0 : this.lastValue
  }

  /** Adds an entry; both `offset` and `position` must exceed the last entry's. Writable only. */
  append(offset: number, position: number): void {
    this.requireOpen()
    if (!this.isWritable) throw new CoreError('CORE_INVALID_ARGUMENT', `Offset index ${this.path} is read-only (its segment is sealed)`)
    const rel = this.relativeOffset(offset)
    if (!Number.isSafeInteger(position) || position < 0 || position > INT32_MAX) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Position ${position} for offset ${offset} in offset index ${this.path} must be in [0, ${INT32_MAX}]`)
    }
    if (this.entries > 0 && (rel <= this.lastKey || position <= this.lastValue)) {
      throw new CoreError(
        'CORE_INVALID_ARGUMENT',
        `Entry (offset ${offset}, position ${position}) does not follow the last entry (offset ${this.lastOffset}, position ${this.lastValue}) of offset index ${this.path}; both must strictly increase`,
      )
    }
    if (this.isFull) {
      throw new CoreError('CORE_STORAGE_IO', `Offset index ${this.path} is full (${this.entries} entries); roll the segment before appending`)
    }
    this.appendEntry(rel, position)
  }

  /** The entry with the largest offset <= `targetOffset`, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetIndexEntry {
    this.requireOpen()
    if (Number.isNaN(targetOffset)) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot look up offset NaN in offset index ${this.path}`)
    const slot = this.floorSlot(targetOffset - this.baseOffset)
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.#entryAt(slot)
  }

  /** The `i`-th entry (0-based). */
  entryAt(i: number): OffsetIndexEntry {
    this.checkSlot(i)
    return this.#entryAt(i)
  }

  /**
   * Throws CORE_CORRUPT_RECORD when entries do not strictly increase, or when the last entry
   * points at or past `logSize`. With `full: false` only the file length, first and last
   * entries are checked (O(1)); the default reads every entry (sequential 64 KiB reads).
   */
  sanityCheck(logSize?: number, options: { readonly full?: boolean } = {}): void {
    this.checkEntries(options.full !== false)
    if (logSize !== undefined && this.entries > 0 && this.lastValue >= logSize) {
      throw this.corrupt(`its last entry points at position ${this.lastValue} but the log has ${logSize} bytes`)
    }
  }

  #entryAt(i: number): OffsetIndexEntry {
    return { offset: this.baseOffset + this.keyAt(i), position: this.valueAt(i) }
  }
}
