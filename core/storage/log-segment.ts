/**
 * One segment of a partition log: a `.log` file of record batches plus its two sparse indexes.
 *
 * Files, all named by the segment's base offset zero-padded to 20 digits so they sort:
 * - `00000000000000000000.log`: record batches v2 exactly as produced, with `baseOffset`
 *   (and partition leader epoch) rewritten at append. Batches are contiguous from byte 0.
 * - `.index` (OffsetIndex): every `index.interval.bytes` of log, the last offset of a batch and
 *   the batch's byte position.
 * - `.timeindex` (TimeIndex): at the same points, the largest timestamp so far and its offset.
 *
 * Invariants: batches are in increasing offset order; the segment's offsets are in
 * `[baseOffset, baseOffset + 2^31)`; index entries are strictly increasing and point at batch
 * starts inside the log.
 *
 * Crash behaviour: the `.log` is the only source of truth. Indexes are derived data: after an
 * unclean stop `recover()` re-reads the log batch by batch, validates each batch's CRC,
 * truncates the file at the first torn or corrupt batch, and rebuilds both indexes.
 *
 * Reads near the end of the log: the active segment remembers where its last batches are
 * (`RecentBatches`, filled by `append`, forgotten on truncation, recovery and `seal`), so that
 * `translateOffset` and `read` of a recent offset (consumers that keep up) find the batch and
 * the whole batches to return without reading the file first; older offsets are found as
 * before, from the offset index and a scan of the file. Both give the same answers.
 *
 * Concurrency: one writer, the partition log, on Node's single thread. Reads and appends are
 * synchronous; only `fsync` runs on libuv's thread pool, while appends may continue.
 */
import { closeSync, fdatasync, fstatSync, ftruncateSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import { validateBatch } from '../protocol/record-batch-header.ts'
import type { LogConfig } from './log-config.ts'
import { BatchScanner, readFully, type ScannedBatch } from './batch-scanner.ts'
import { OffsetIndex } from './offset-index.ts'
import { RecentBatches } from './recent-batches.ts'
import { TimeIndex } from './time-index.ts'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'

/** The 20-digit zero-padded file name stem of a base offset. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0')
}

export interface SegmentConfig {
  /** Bytes of log between index entries (`index.interval.bytes`). */
  readonly indexIntervalBytes: number
  /** Largest size of each index file (`segment.index.bytes`). */
  readonly maxIndexSize: number
}

/** Per-batch facts the partition log hands to `append` after validating and patching a batch. */
export interface AppendedBatch {
  /** Byte offset of the batch inside the buffer being appended. */
  readonly bufPos: number
  readonly size: number
  readonly baseOffset: number
  readonly lastOffset: number
  readonly maxTimestamp: number
}

/** Where a batch containing a given offset starts. */
export interface OffsetPosition {
  readonly position: number
  readonly batch: ScannedBatch
}

/**
 * Batches of the active segment whose positions are kept in memory (`RecentBatches`): with
 * 64 KiB batches, the last 32 MiB of the log; with single-record batches, the last 512 records.
 */
const RECENT_BATCHES = 512

export class LogSegment {
  readonly baseOffset: number
  readonly #dir: string
  readonly #logPath: string
  readonly #config: SegmentConfig
  #fd: number
  #size: number
  #offsetIndex: OffsetIndex
  #timeIndex: TimeIndex
  #bytesSinceLastIndexEntry = 0
  #maxTimestampSoFar = -1
  #offsetOfMaxTimestampSoFar = -1
  /** Offset after the last batch, or undefined until computed (sealed segments compute lazily). */
  #nextOffset: number | undefined
  /** maxTimestamp of the first batch: the reference for time-based rolling. */
  #rollingBasedTimestamp: number | undefined
  readonly #createdAt: number
  /** Bytes written since the last fsync started. */
  #dirty = false
  #closed = false
  /**
   * Positions of the batches appended last, while the segment is active (null once sealed), so
   * that reads near the end of the log find their batch without reading the file.
   */
  #recent: RecentBatches | null = null

  private constructor(dir: string, baseOffset: number, config: SegmentConfig, fd: number, size: number, offsetIndex: OffsetIndex, timeIndex: TimeIndex, createdAt: number) {
    this.#dir = dir
    this.#logPath = join(dir, segmentFileStem(baseOffset) + LOG_SUFFIX)
    this.baseOffset = baseOffset
    this.#config = config
    this.#fd = fd
    this.#size = size
    this.#offsetIndex = offsetIndex
    this.#timeIndex = timeIndex
    this.#createdAt = createdAt
  }

  /** Creates an empty, writable segment (files are created or truncated). */
  static create(dir: string, baseOffset: number, config: SegmentConfig, now: number): LogSegment {
    const stem = join(dir, segmentFileStem(baseOffset))
    const fd = openFile(stem + LOG_SUFFIX, 'w+')
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      try {
        unlinkSync(stem + suffix)
      } catch {
        // absent: nothing to remove
      }
    }
    const offsetIndex = OffsetIndex.open(stem + INDEX_SUFFIX, baseOffset, { maxIndexSize: config.maxIndexSize, writable: true })
    const timeIndex = TimeIndex.open(stem + TIME_INDEX_SUFFIX, baseOffset, { maxIndexSize: config.maxIndexSize, writable: true })
    const segment = new LogSegment(dir, baseOffset, config, fd, 0, offsetIndex, timeIndex, now)
    segment.#nextOffset = baseOffset
    return segment
  }

  /**
   * Opens an existing segment without reading its batches. `writable` keeps indexes in memory
   * for appends (the active segment). Call `recover()` when the log may be damaged, or
   * `checkIndexes()` to rebuild indexes that fail their sanity check.
   */
  static open(dir: string, baseOffset: number, config: SegmentConfig, writable: boolean): LogSegment {
    const stem = join(dir, segmentFileStem(baseOffset))
    const logPath = stem + LOG_SUFFIX
    const fd = openFile(logPath, 'r+')
    const stat = fstatSync(fd)
    const offsetIndex = OffsetIndex.open(stem + INDEX_SUFFIX, baseOffset, { maxIndexSize: config.maxIndexSize, writable })
    const timeIndex = TimeIndex.open(stem + TIME_INDEX_SUFFIX, baseOffset, { maxIndexSize: config.maxIndexSize, writable })
    const segment = new LogSegment(dir, baseOffset, config, fd, stat.size, offsetIndex, timeIndex, stat.mtimeMs)
    const last = timeIndex.lastEntry
    if (last.timestamp >= 0) {
      segment.#maxTimestampSoFar = last.timestamp
      segment.#offsetOfMaxTimestampSoFar = last.offset
    }
    return segment
  }

  get logPath(): string {
    return this.#logPath
  }

  get size(): number {
    return this.#size
  }

  get isEmpty(): boolean {
    return this.#size === 0
  }

  get offsetIndex(): OffsetIndex {
    return this.#offsetIndex
  }

  get timeIndex(): TimeIndex {
    return this.#timeIndex
  }

  get isDirty(): boolean {
    return this.#dirty
  }

  /** Largest batch timestamp in the segment, -1 when empty or unknown. */
  get maxTimestamp(): number {
    return this.#maxTimestampSoFar
  }

  /** The timestamp retention and tombstone expiry compare against: max timestamp, or file mtime. */
  get largestTimestamp(): number {
    return this.#maxTimestampSoFar >= 0 ? this.#maxTimestampSoFar : statSync(this.logPath).mtimeMs
  }

  /** Offset after the last batch (baseOffset when empty). */
  get nextOffset(): number {
    if (this.#nextOffset === undefined) this.#nextOffset = this.#computeNextOffset()
    return this.#nextOffset
  }

  /** maxTimestamp of the first batch, read on demand; undefined when empty. */
  get rollingBasedTimestamp(): number | undefined {
    if (this.#rollingBasedTimestamp === undefined && this.#size > 0) {
      const first = new BatchScanner(this.#fd, this.logPath, this.#size, 0, 128).next()
      this.#rollingBasedTimestamp = first?.maxTimestamp
    }
    return this.#rollingBasedTimestamp
  }

  /** Milliseconds this segment has been open for time-based rolling, judged by record time. */
  timeWaitedForRoll(now: number, batchMaxTimestamp: number): number {
    const reference = this.rollingBasedTimestamp
    return reference === undefined ? now - this.#createdAt : batchMaxTimestamp - reference
  }

  /** True when both indexes can take another entry. */
  get indexesHaveRoom(): boolean {
    return !this.#offsetIndex.isFull && !this.#timeIndex.isFull
  }

  /**
   * Writes already validated and offset-patched batches (`buf[start, end)`) at the end of the
   * file in one write, and adds index entries every `indexIntervalBytes`.
   */
  append(buf: Buffer, start: number, end: number, batches: readonly AppendedBatch[]): void {
    this.#ensureOpen()
    const position = this.#size
    const length = end - start
    let written = 0
    try {
      while (written < length) written += writeSync(this.#fd, buf, start + written, length - written, position + written)
    } catch (cause) {
      // A partial write leaves garbage past #size; the next append overwrites it and recovery truncates it.
      throw new CoreError('CORE_STORAGE_IO', `Cannot append ${length} bytes to ${this.logPath} at position ${position}`, { cause })
    }
    const recent = this.#recent ??= new RecentBatches(RECENT_BATCHES)
    for (const batch of batches) {
      const batchPosition = position + (batch.bufPos - start)
      if (this.#rollingBasedTimestamp === undefined && batchPosition === 0) this.#rollingBasedTimestamp = batch.maxTimestamp
      this.#indexBatch(batchPosition, batch.size, batch.lastOffset, batch.maxTimestamp)
      recent.push(batchPosition, batch.size, batch.baseOffset, batch.lastOffset, batch.maxTimestamp)
    }
    this.#size = position + length
    this.#nextOffset = batches[batches.length - 1].lastOffset + 1
    this.#dirty = true
  }

  #indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.#maxTimestampSoFar) {
      this.#maxTimestampSoFar = maxTimestamp
      this.#offsetOfMaxTimestampSoFar = lastOffset
    }
    if (this.#bytesSinceLastIndexEntry > this.#config.indexIntervalBytes) {
      this.#offsetIndex.append(lastOffset, position)
      this.#timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar)
      this.#bytesSinceLastIndexEntry = 0
    }
    this.#bytesSinceLastIndexEntry += size
  }

  /**
   * The position of the first batch whose last offset is >= `offset`, starting the search at
   * `startingPosition`; undefined when no batch in the segment reaches `offset`.
   */
  translateOffset(offset: number, startingPosition = 0): OffsetPosition | undefined {
    const known = this.#recent?.find(offset, startingPosition)
    if (known === null) return undefined
    if (known !== undefined) return { position: known.position, batch: known }
    const hint = this.#offsetIndex.lookup(offset)
    const scanner = new BatchScanner(this.#fd, this.logPath, this.#size, Math.max(hint.position, startingPosition), 64 * 1024)
    for (let batch = scanner.next(); batch; batch = scanner.next()) {
      if (batch.lastOffset >= offset) return { position: batch.position, batch }
    }
    return undefined
  }

  /**
   * Reads whole batches starting with the one that contains `offset`: up to `maxBytes`, but the
   * first batch is returned whole even if larger (so a consumer can always make progress).
   * `maxPosition` bounds the read (exclusive). Returns undefined when no batch reaches `offset`.
   */
  read(offset: number, maxBytes: number, maxPosition = this.#size): { records: Buffer; firstBatch: ScannedBatch } | undefined {
    this.#ensureOpen()
    const found = this.translateOffset(offset)
    if (!found || found.position >= maxPosition) return undefined
    const start = found.position
    // Near the end of the log the batch boundaries are known: read exactly the whole batches.
    const end = this.#recent?.endOfBatchesFrom(start, maxBytes, maxPosition)
    const available = maxPosition - start
    const wanted = end !== undefined ? end - start : Math.min(available, Math.max(maxBytes, found.batch.size))
    const buf = Buffer.allocUnsafe(wanted)
    const n = readFully(this.#fd, buf, wanted, start, this.logPath)
    return { records: buf.subarray(0, wholeBatchesLength(buf, n)), firstBatch: found.batch }
  }

  /** Bytes from `position` to `position + length` (clamped to the segment), copied. */
  readRaw(position: number, length: number): Buffer {
    const wanted = Math.max(0, Math.min(length, this.#size - position))
    const buf = Buffer.allocUnsafe(wanted)
    const n = readFully(this.#fd, buf, wanted, position, this.logPath)
    return buf.subarray(0, n)
  }

  /** A scanner over this segment's batches from `position`. */
  scanner(position = 0): BatchScanner {
    return new BatchScanner(this.#fd, this.logPath, this.#size, position)
  }

  /** Position of the first batch with maxTimestamp >= `timestamp`, scanning from the time index hint. */
  findBatchByTimestamp(timestamp: number): ScannedBatch | undefined {
    const entry = this.#timeIndex.lookup(timestamp)
    const position = this.#offsetIndex.lookup(entry.offset).position
    const scanner = new BatchScanner(this.#fd, this.logPath, this.#size, position, 64 * 1024)
    for (let batch = scanner.next(); batch; batch = scanner.next()) {
      if (batch.maxTimestamp >= timestamp) return batch
    }
    return undefined
  }

  /**
   * Re-reads the whole segment, validating every batch (CRC, magic, counts), rebuilds both
   * indexes, and truncates the file at the first invalid batch. Returns the number of bytes
   * truncated (0 when the segment was intact) and why.
   */
  recover(maxBatchBytes: number): { truncatedBytes: number; reason?: string; validBytes: number } {
    this.#ensureOpen()
    this.#recent?.clear()
    this.#offsetIndex.reset()
    this.#timeIndex.reset()
    this.#bytesSinceLastIndexEntry = 0
    this.#maxTimestampSoFar = -1
    this.#offsetOfMaxTimestampSoFar = -1
    this.#rollingBasedTimestamp = undefined
    let nextOffset = this.baseOffset
    let reason: string | undefined
    const scanner = this.scanner(0)
    let validEnd = 0
    for (let batch = scanner.next(); batch; batch = scanner.next()) {
      const bytes = scanner.readBatch(batch)
      try {
        validateBatch(bytes, 0, bytes.length, { checkRecords: false, requireContiguousOffsets: false })
      } catch (error) {
        reason = (error as Error).message
        break
      }
      if (batch.baseOffset < nextOffset || batch.lastOffset - this.baseOffset > 0x7fffffff) {
        reason = `batch offsets ${batch.baseOffset}..${batch.lastOffset} out of order after ${nextOffset - 1}`
        break
      }
      if (validEnd === 0) this.#rollingBasedTimestamp = batch.maxTimestamp
      this.#indexBatch(batch.position, batch.size, batch.lastOffset, batch.maxTimestamp)
      nextOffset = batch.lastOffset + 1
      validEnd = batch.position + batch.size
    }
    if (reason === undefined && scanner.tornAt !== undefined) reason = `torn batch header at position ${scanner.tornAt}`
    const truncatedBytes = this.#size - validEnd
    if (truncatedBytes > 0) {
      this.#truncateFile(validEnd)
      reason ??= 'bytes after the last batch'
    }
    this.#nextOffset = nextOffset
    this.#offsetIndex.flush()
    this.#timeIndex.flush()
    return { truncatedBytes, validBytes: validEnd, ...(truncatedBytes > 0 ? { reason } : {}) }
  }

  /**
   * Checks both indexes against the log file; on failure rebuilds them by recovering the
   * segment. Returns true if a rebuild was needed.
   */
  checkIndexes(maxBatchBytes: number): boolean {
    try {
      this.#offsetIndex.sanityCheck(this.#size)
      this.#timeIndex.sanityCheck()
      return false
    } catch {
      this.recover(maxBatchBytes)
      return true
    }
  }

  /** Removes every batch whose offsets reach `offset` or beyond; returns bytes removed. */
  truncateTo(offset: number): number {
    this.#ensureOpen()
    const found = this.translateOffset(offset)
    if (!found) return 0
    // Keep a batch that starts before `offset` only if it ends before it too (batches are atomic).
    const cut = found.batch.baseOffset >= offset ? found.position : found.position + found.batch.size
    const removed = this.#size - cut
    if (removed <= 0) return 0
    this.#truncateFile(cut)
    this.#offsetIndex.truncateTo(offset)
    this.#timeIndex.truncateTo(offset)
    this.#nextOffset = undefined
    // Timestamps are recomputed conservatively from the remaining time index.
    const last = this.#timeIndex.lastEntry
    this.#maxTimestampSoFar = last.timestamp
    this.#offsetOfMaxTimestampSoFar = last.timestamp >= 0 ? last.offset : -1
    if (cut === 0) this.#rollingBasedTimestamp = undefined
    this.#bytesSinceLastIndexEntry = 0
    return removed
  }

  #truncateFile(size: number): void {
    this.#recent?.clear()
    try {
      ftruncateSync(this.#fd, size)
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot truncate ${this.logPath} to ${size} bytes`, { cause })
    }
    this.#size = size
    this.#dirty = true
  }

  /** Writes pending index entries (no fsync: indexes are rebuilt after a crash). */
  flushIndexes(): void {
    this.#offsetIndex.flush()
    this.#timeIndex.flush()
  }

  /** fdatasync of the log file on the thread pool. Appends may continue meanwhile. */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#dirty = false
    this.flushIndexes()
    const fd = this.#fd
    return new Promise((resolve, reject) => {
      fdatasync(fd, (error) => {
        if (error) {
          this.#dirty = true
          reject(new CoreError('CORE_STORAGE_IO', `fsync of ${this.logPath} failed`, { cause: error }))
        } else resolve()
      })
    })
  }

  /**
   * Called when the segment stops being the active one: records the final time index entry,
   * trims preallocated index files to their content and drops in-memory index entries.
   */
  seal(): void {
    this.#recent = null
    if (this.#maxTimestampSoFar >= 0) this.#timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true)
    this.#offsetIndex.makeReadOnly()
    this.#timeIndex.makeReadOnly()
  }

  /** Renames the segment's files by appending `suffix` (e.g. `.deleted`, `.swap`) or removing one. */
  renameFiles(fromSuffix: string, toSuffix: string): void {
    const stem = join(this.#dir, segmentFileStem(this.baseOffset))
    for (const kind of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      try {
        renameSync(stem + kind + fromSuffix, stem + kind + toSuffix)
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || kind === LOG_SUFFIX) {
          throw new CoreError('CORE_STORAGE_IO', `Cannot rename ${stem + kind + fromSuffix} to ${stem + kind + toSuffix}`, { cause })
        }
      }
    }
  }

  /** Closes files (trimming writable indexes). Idempotent. */
  close(): void {
    if (this.#closed) return
    if (this.#maxTimestampSoFar >= 0) this.#timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true)
    this.#offsetIndex.close()
    this.#timeIndex.close()
    closeSync(this.#fd)
    this.#closed = true
  }

  /** Closes and removes the segment's files (with `suffix` if they were renamed). */
  deleteFiles(suffix = ''): void {
    this.close()
    const stem = join(this.#dir, segmentFileStem(this.baseOffset))
    for (const kind of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      try {
        unlinkSync(stem + kind + suffix)
      } catch {
        // already gone
      }
    }
  }

  #computeNextOffset(): number {
    const last = this.#offsetIndex.entries > 0 ? this.#offsetIndex.lastPosition : 0
    const scanner = this.scanner(last)
    let next = this.baseOffset
    for (let batch = scanner.next(); batch; batch = scanner.next()) next = batch.lastOffset + 1
    return next
  }

  #ensureOpen(): void {
    if (this.#closed) throw new CoreError('CORE_CLOSED', `Segment ${this.logPath} is closed`)
  }
}

/** Length of the longest prefix of `buf[0, n)` made of whole batches (at least 0). */
export function wholeBatchesLength(buf: Buffer, n: number): number {
  let pos = 0
  while (pos + 12 <= n) {
    const size = 12 + buf.readInt32BE(pos + 8)
    if (pos + size > n) break
    pos += size
  }
  return pos
}

function openFile(path: string, flags: string): number {
  try {
    return openSync(path, flags)
  } catch (cause) {
    throw new CoreError('CORE_STORAGE_IO', `Cannot open ${path}`, { cause })
  }
}

/** The segment settings of a topic config. */
export function segmentConfigOf(config: LogConfig): SegmentConfig {
  return { indexIntervalBytes: config.indexIntervalBytes, maxIndexSize: config.segmentIndexBytes }
}

/** Drops whole batches whose base offset is at or past `maxOffset`. */
export function trimToOffset(records: Buffer, maxOffset: number): Buffer {
  let pos = 0
  while (pos + 12 <= records.length) {
    const base = records.readInt32BE(pos) * 0x1_0000_0000 + records.readUInt32BE(pos + 4)
    if (base >= maxOffset) break
    pos += 12 + records.readInt32BE(pos + 8)
  }
  return pos === records.length ? records : records.subarray(0, pos)
}
