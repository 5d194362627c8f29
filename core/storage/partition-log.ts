/**
 * The log of one topic partition: an ordered list of segments, of which the last is active.
 *
 * Offsets: `logStartOffset` (first readable offset) <= `highWatermark` <= `logEndOffset` (the
 * next offset to be assigned). Creek has a single replica, so an appended batch is committed at
 * once and the high watermark equals the log end offset; durability is a separate question,
 * answered by `flush()` and the recovery point.
 *
 * Durability: `append()` writes to the page cache. `flush()` makes everything appended before
 * the call durable with one fdatasync per dirty segment; concurrent callers share fsyncs (group
 * commit): while one fsync runs, later callers wait for the next, which covers them all.
 * `flush.messages` and `flush.ms` trigger flushes as in Kafka. The recovery point (everything
 * below it is on disk) is checkpointed at most every `checkpointIntervalMs` and at close.
 *
 * Crash behaviour: see `log-loader.ts`. A batch is either wholly present after recovery or
 * absent; batches acknowledged after `flush()` resolved are never lost.
 *
 * Concurrency: a PartitionLog belongs to one Node thread. Appends, reads and retention are
 * synchronous; fsyncs and compaction swaps are asynchronous and never interleave wrongly with
 * them because segment list changes happen synchronously.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import {
  setBatchBaseOffset,
  setBatchLogAppendTime,
  setBatchPartitionLeaderEpoch,
  validateBatch,
} from '../protocol/record-batch-header.ts'
import { decodeRecordBatch } from '../protocol/record-batch.ts'
import { fsyncDirectory, fsyncDirectorySync } from './atomic-file.ts'
import { CLEAN_SHUTDOWN_FILE, DELETED_SUFFIX, loadLog, SWAP_SUFFIX, writeCheckpoint } from './log-loader.ts'
import { GroupCommit } from './group-commit.ts'
import { DEFAULT_LOG_CONFIG, isDeleteEnabled, type LogConfig } from './log-config.ts'
import { type AppendedBatch, LOG_SUFFIX, LogSegment, segmentConfigOf, segmentFileStem, trimToOffset } from './log-segment.ts'

export interface PartitionLogOptions {
  readonly config?: LogConfig
  /** Wall clock in ms; injected by tests. */
  readonly clock?: () => number
  readonly logger?: Logger
  /** Shown in errors and log lines; defaults to the directory name. */
  readonly name?: string
  /** Partition leader epoch written into appended batches (default 0). */
  readonly leaderEpoch?: number
  /** Minimum ms between recovery-point checkpoint writes (default 10 s). */
  readonly checkpointIntervalMs?: number
}

/** What an append assigned. */
export interface LogAppendInfo {
  readonly firstOffset: number
  readonly lastOffset: number
  readonly recordCount: number
  readonly batchCount: number
  readonly maxTimestamp: number
  /** The broker's timestamp for LogAppendTime topics, -1 otherwise. */
  readonly logAppendTime: number
  readonly logStartOffset: number
  readonly validBytes: number
}

/** What a read returned. */
export interface LogReadInfo {
  /** Whole record batches, possibly empty. */
  readonly records: Buffer
  readonly highWatermark: number
  readonly logStartOffset: number
  readonly logEndOffset: number
}

export interface ReadOptions {
  /** Do not return batches at or beyond this offset (exclusive); default: high watermark. */
  readonly maxOffset?: number
}

export interface TimestampOffset {
  readonly offset: number
  readonly timestamp: number
}

const INT32_MAX = 0x7fffffff

export class PartitionLog {
  readonly dir: string
  readonly name: string
  #config: LogConfig
  readonly #clock: () => number
  readonly #logger: Logger
  readonly #leaderEpoch: number
  readonly #checkpointIntervalMs: number
  #segments: LogSegment[]
  #logStartOffset: number
  #nextOffset: number
  /** Everything below this offset has been fsynced. */
  #recoveryPoint: number
  #lastCheckpointAt = 0
  #checkpointedRecoveryPoint = -1
  #checkpointedLogStart = -1
  #unflushedMessages = 0
  #lastFlushAt: number
  /** Segments with writes that are not yet fsynced (includes sealed ones). */
  #dirtySegments = new Set<LogSegment>()
  #dirNeedsSync = false
  readonly #groupCommit = new GroupCommit(
    () => this.#doFlush(),
    () => this.#dirtySegments.size > 0 || this.#dirNeedsSync,
  )
  #failure: CoreError | undefined
  #closed = false

  private constructor(dir: string, name: string, options: PartitionLogOptions, segments: LogSegment[], logStartOffset: number, recoveryPoint: number) {
    this.dir = dir
    this.name = name
    this.#config = options.config ?? DEFAULT_LOG_CONFIG
    this.#clock = options.clock ?? Date.now
    this.#logger = options.logger ?? silentLogger
    this.#leaderEpoch = options.leaderEpoch ?? 0
    this.#checkpointIntervalMs = options.checkpointIntervalMs ?? 10_000
    this.#segments = segments
    this.#logStartOffset = logStartOffset
    this.#nextOffset = segments[segments.length - 1].nextOffset
    this.#recoveryPoint = recoveryPoint
    this.#lastFlushAt = this.#clock()
  }

  /** Opens (creating if needed) the log in `dir`, recovering it if the last stop was unclean. */
  static async open(dir: string, options: PartitionLogOptions = {}): Promise<PartitionLog> {
    try {
      mkdirSync(dir, { recursive: true })
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot create log directory ${dir}`, { cause })
    }
    const config = options.config ?? DEFAULT_LOG_CONFIG
    const clock = options.clock ?? Date.now
    const name = options.name ?? basename(dir)
    const loaded = loadLog({
      dir,
      segmentConfig: segmentConfigOf(config),
      maxBatchBytes: config.maxMessageBytes,
      now: clock(),
      logger: options.logger ?? silentLogger,
      name,
    })
    const log = new PartitionLog(dir, name, options, loaded.segments, loaded.logStartOffset, loaded.recoveryPoint)
    if (!loaded.hadCleanShutdown) {
      // Everything that survived recovery is now the durable truth; make it so on disk.
      for (const segment of loaded.segments) if (segment.isDirty) log.#dirtySegments.add(segment)
      log.#dirNeedsSync = true
      await log.flush()
      log.#writeCheckpoint()
    }
    return log
  }

  get config(): LogConfig {
    return this.#config
  }

  /** Applies new topic configs; they take effect from the next append, roll or retention pass. */
  updateConfig(config: LogConfig): void {
    this.#config = config
  }

  get logStartOffset(): number {
    return this.#logStartOffset
  }

  get logEndOffset(): number {
    return this.#nextOffset
  }

  get highWatermark(): number {
    return this.#nextOffset
  }

  /** Offsets below this are known to be on disk. */
  get recoveryPoint(): number {
    return this.#recoveryPoint
  }

  /** Total bytes of all segments. */
  get size(): number {
    let total = 0
    for (const segment of this.#segments) total += segment.size
    return total
  }

  get segmentCount(): number {
    return this.#segments.length
  }

  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset)
  }

  /** The segments, oldest first; the last is active. For the cleaner and tests. */
  get segments(): readonly LogSegment[] {
    return this.#segments
  }

  get activeSegment(): LogSegment {
    return this.#segments[this.#segments.length - 1]
  }

  /**
   * Appends one or more record batches (v2). Validates all of them first (size, magic, CRC,
   * record count) and writes nothing if any is invalid. Assigns offsets from the log end offset
   * by rewriting each batch's baseOffset and leader epoch in place: the log takes ownership of
   * `records`. Returns once the bytes are in the page cache; call `flush()` for durability.
   */
  append(records: Buffer): LogAppendInfo {
    this.#ensureWritable()
    const config = this.#config
    const end = records.length
    if (end === 0) throw new CoreError('CORE_CORRUPT_RECORD', `Empty append to ${this.name}`)
    if (end > config.segmentBytes) {
      throw new CoreError(
        'CORE_RECORD_TOO_LARGE',
        `Append of ${end} bytes to ${this.name} exceeds segment.bytes (${config.segmentBytes})`,
      )
    }
    const now = this.#clock()
    const logAppendTime = config.messageTimestampType === 'LogAppendTime' ? now : -1
    // Validate everything before touching anything.
    const batches: AppendedBatch[] = []
    let pos = 0
    let offset = this.#nextOffset
    let recordCount = 0
    let maxTimestamp = -1
    while (pos < end) {
      let info
      try {
        info = validateBatch(records, pos, end, { maxBatchBytes: config.maxMessageBytes })
      } catch (error) {
        if (error instanceof CoreError) {
          throw new CoreError(error.code, `Rejected append to ${this.name}: ${error.message}`, { cause: error })
        }
        throw error
      }
      const lastOffset = offset + info.lastOffsetDelta
      const batchMax = logAppendTime >= 0 ? logAppendTime : info.maxTimestamp
      batches.push({ bufPos: pos, size: info.size, baseOffset: offset, lastOffset, maxTimestamp: batchMax })
      if (batchMax > maxTimestamp) maxTimestamp = batchMax
      recordCount += info.recordCount
      offset = lastOffset + 1
      pos += info.size
    }
    // Patch offsets (outside the CRC) and, for LogAppendTime topics, the timestamps.
    let base = this.#nextOffset
    for (const batch of batches) {
      setBatchBaseOffset(records, batch.bufPos, base)
      setBatchPartitionLeaderEpoch(records, batch.bufPos, this.#leaderEpoch)
      if (logAppendTime >= 0) setBatchLogAppendTime(records, batch.bufPos, logAppendTime)
      base = batch.lastOffset + 1
    }
    const firstOffset = this.#nextOffset
    const lastOffset = offset - 1
    this.#maybeRoll(end, maxTimestamp, lastOffset, now)
    const segment = this.activeSegment
    segment.append(records, 0, end, batches)
    this.#dirtySegments.add(segment)
    this.#nextOffset = offset
    this.#unflushedMessages += recordCount
    if (this.#unflushedMessages >= config.flushMessages) this.#backgroundFlush()
    return {
      firstOffset,
      lastOffset,
      recordCount,
      batchCount: batches.length,
      maxTimestamp,
      logAppendTime,
      logStartOffset: this.#logStartOffset,
      validBytes: end,
    }
  }

  /** `append` followed by `flush`: resolves once the batches are on disk (group commit). */
  async appendDurable(records: Buffer): Promise<LogAppendInfo> {
    const info = this.append(records)
    await this.flush()
    return info
  }

  /** Rolls to a new segment if the next append would not fit the active one. */
  #maybeRoll(appendBytes: number, maxTimestamp: number, lastOffset: number, now: number): void {
    const segment = this.activeSegment
    if (segment.isEmpty) return
    const config = this.#config
    const reason =
      segment.size + appendBytes > config.segmentBytes
        ? 'segment.bytes'
        : segment.timeWaitedForRoll(now, maxTimestamp) > config.segmentMs
          ? 'segment.ms'
          : !segment.indexesHaveRoom
            ? 'index full'
            : lastOffset - segment.baseOffset > INT32_MAX
              ? 'relative offset overflow'
              : undefined
    if (reason) this.roll(reason)
  }

  /** Starts a new active segment at the log end offset (no-op if the active one is empty). */
  roll(reason = 'requested'): LogSegment {
    this.#ensureWritable()
    const current = this.activeSegment
    if (current.isEmpty) return current
    current.seal()
    const next = LogSegment.create(this.dir, this.#nextOffset, segmentConfigOf(this.#config), this.#clock())
    this.#segments.push(next)
    this.#dirNeedsSync = true
    this.#logger.debug(`Rolled ${this.name} to segment ${next.baseOffset} (${reason})`, { log: this.name })
    return next
  }

  /**
   * Reads whole batches starting with the one containing `offset`, up to `maxBytes` (the first
   * batch is returned whole even if larger). Reading at the log end offset returns no records;
   * an offset below the log start or above the log end throws CORE_OFFSET_OUT_OF_RANGE.
   */
  read(offset: number, maxBytes: number, options: ReadOptions = {}): LogReadInfo {
    this.#ensureOpen()
    if (!Number.isSafeInteger(offset) || offset < this.#logStartOffset || offset > this.#nextOffset) {
      throw new CoreError(
        'CORE_OFFSET_OUT_OF_RANGE',
        `Offset ${offset} is out of range for ${this.name}: valid offsets are ${this.#logStartOffset} to ${this.#nextOffset}`,
      )
    }
    const maxOffset = Math.min(options.maxOffset ?? this.highWatermark, this.#nextOffset)
    if (offset >= maxOffset) return this.#readInfo(EMPTY)
    let index = this.#segmentIndexFor(offset)
    for (; index < this.#segments.length; index++) {
      const segment = this.#segments[index]
      const read = segment.read(offset, maxBytes)
      if (read && read.records.length > 0) {
        if (read.firstBatch.baseOffset >= maxOffset) return this.#readInfo(EMPTY)
        return this.#readInfo(trimToOffset(read.records, maxOffset))
      }
    }
    return this.#readInfo(EMPTY)
  }

  #readInfo(records: Buffer): LogReadInfo {
    return { records, highWatermark: this.highWatermark, logStartOffset: this.#logStartOffset, logEndOffset: this.#nextOffset }
  }

  /**
   * The first offset whose record timestamp is >= `timestamp`, with that record's timestamp;
   * undefined if every record is older. Decodes the one batch where the answer lies.
   */
  async offsetForTimestamp(timestamp: number): Promise<TimestampOffset | undefined> {
    this.#ensureOpen()
    for (const segment of this.#segments) {
      if (segment.isEmpty || segment.maxTimestamp < timestamp) continue
      const batch = segment.findBatchByTimestamp(timestamp)
      if (!batch) continue
      const bytes = segment.readRaw(batch.position, batch.size)
      const decoded = await decodeRecordBatch(bytes, 0)
      for (const record of decoded.records) {
        if (record.timestamp >= timestamp && record.offset >= this.#logStartOffset) {
          return { offset: record.offset, timestamp: record.timestamp }
        }
      }
    }
    return undefined
  }

  /** The largest timestamp in the log and the offset of its batch's last record (ListOffsets -3). */
  maxTimestampOffset(): TimestampOffset | undefined {
    let best: TimestampOffset | undefined
    for (const segment of this.#segments) {
      if (segment.isEmpty) continue
      if (!best || segment.maxTimestamp > best.timestamp) {
        const batch = segment.findBatchByTimestamp(segment.maxTimestamp)
        if (batch) best = { offset: batch.lastOffset, timestamp: batch.maxTimestamp }
      }
    }
    return best
  }

  #segmentIndexFor(offset: number): number {
    const segments = this.#segments
    let lo = 0
    let hi = segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (segments[mid].baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /**
   * Makes every batch appended before this call durable. Concurrent callers share fsyncs:
   * while one fsync runs, all later callers wait for a single following one.
   */
  flush(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    return this.#groupCommit.request()
  }

  async #doFlush(): Promise<void> {
    const target = this.#nextOffset
    const segments = [...this.#dirtySegments]
    this.#dirtySegments.clear()
    const syncDir = this.#dirNeedsSync
    this.#dirNeedsSync = false
    this.#unflushedMessages = 0
    this.#lastFlushAt = this.#clock()
    try {
      await Promise.all(segments.map((segment) => segment.sync()))
      if (syncDir) await fsyncDirectory(this.dir)
    } catch (error) {
      // After a failed fsync the page cache may have dropped the data: stop accepting writes.
      this.#failure = new CoreError('CORE_STORAGE_IO', `Log ${this.name} is offline after a failed fsync; restart to recover it`, {
        cause: error,
      })
      this.#logger.error(this.#failure.message, { log: this.name, cause: String(error) })
      throw this.#failure
    }
    if (target > this.#recoveryPoint) this.#recoveryPoint = target
    if (this.#clock() - this.#lastCheckpointAt >= this.#checkpointIntervalMs) this.#writeCheckpoint()
  }

  #backgroundFlush(): void {
    this.flush().catch(() => {
      // Already recorded as #failure and logged; the next append reports it.
    })
  }

  /** Flushes if `flush.ms` has passed since the last flush (called by the log manager). */
  flushIfDue(now = this.#clock()): Promise<void> | undefined {
    if (this.#dirtySegments.size === 0) return undefined
    if (now - this.#lastFlushAt < this.#config.flushMs) return undefined
    return this.flush()
  }

  #writeCheckpoint(): void {
    if (this.#checkpointedRecoveryPoint === this.#recoveryPoint && this.#checkpointedLogStart === this.#logStartOffset) return
    try {
      writeCheckpoint(this.dir, { recoveryPoint: this.#recoveryPoint, logStartOffset: this.#logStartOffset })
      this.#checkpointedRecoveryPoint = this.#recoveryPoint
      this.#checkpointedLogStart = this.#logStartOffset
      this.#lastCheckpointAt = this.#clock()
    } catch (error) {
      // A stale checkpoint only makes the next recovery longer.
      this.#logger.warn(`Cannot write checkpoint of ${this.name}`, { log: this.name, cause: String(error) })
    }
  }

  /**
   * Deletes whole segments from the front that are past `retention.ms` (judged by their
   * largest record timestamp) or that make the log exceed `retention.bytes`, when
   * `cleanup.policy` includes delete. The active segment is rolled first if it must go.
   * Returns the number of segments deleted.
   */
  deleteRetainedSegments(now = this.#clock()): number {
    this.#ensureWritable()
    const config = this.#config
    if (!isDeleteEnabled(config)) return 0
    let deleted = 0
    if (config.retentionMs >= 0) {
      deleted += this.#deleteFront((segment) => segment.largestTimestamp < now - config.retentionMs, 'retention.ms')
    }
    if (config.retentionBytes >= 0) {
      let excess = this.size - config.retentionBytes
      deleted += this.#deleteFront((segment) => {
        if (excess - segment.size < 0) return false
        excess -= segment.size
        return true
      }, 'retention.bytes')
    }
    return deleted
  }

  /** Deletes a prefix of non-empty segments satisfying `predicate`. */
  #deleteFront(predicate: (segment: LogSegment) => boolean, reason: string): number {
    let count = 0
    while (this.#segments.length > 0) {
      const segment = this.#segments[0]
      if (segment.isEmpty || !predicate(segment)) break
      if (segment === this.activeSegment) this.roll(reason)
      this.#segments.shift()
      this.#dirtySegments.delete(segment)
      this.#logStartOffset = Math.max(this.#logStartOffset, this.#segments[0].baseOffset)
      this.#removeSegment(segment)
      this.#logger.info(`Deleted segment ${segment.logPath} of ${this.name} (${reason})`, { log: this.name })
      count++
    }
    if (count > 0) {
      this.#dirNeedsSync = true
      this.#writeCheckpoint()
    }
    return count
  }

  /** Renames a segment's files to `.deleted` now (out of the log) and removes them right after. */
  #removeSegment(segment: LogSegment): void {
    segment.close()
    segment.renameFiles('', DELETED_SUFFIX)
    segment.deleteFiles(DELETED_SUFFIX)
  }

  /**
   * Raises the log start offset (DeleteRecords): offsets below it become unreadable and whole
   * segments below it are deleted.
   */
  deleteRecordsBefore(offset: number): number {
    this.#ensureWritable()
    if (offset > this.#nextOffset) {
      throw new CoreError('CORE_OFFSET_OUT_OF_RANGE', `Cannot delete records of ${this.name} before ${offset}: log end is ${this.#nextOffset}`)
    }
    if (offset <= this.#logStartOffset) return this.#logStartOffset
    this.#logStartOffset = offset
    this.#deleteFront((segment) => segment.nextOffset <= offset, 'delete records')
    this.#writeCheckpoint()
    return this.#logStartOffset
  }

  /**
   * Swaps compacted data in for `oldSegments` (consecutive, sealed). The cleaner has written
   * and fsynced `<first base>.log.swap`. Order, as recovery expects: old files renamed to
   * `.deleted`, the swap renamed to `.log`, its indexes rebuilt, then the old files removed.
   * Returns false, changing nothing, if the segments are no longer all in the log (retention
   * or a close raced the cleaner); the caller then deletes its swap file.
   */
  replaceSegments(oldSegments: readonly LogSegment[]): boolean {
    if (this.#closed || this.#failure || oldSegments.length === 0) return false
    const first = this.#segments.indexOf(oldSegments[0])
    if (first < 0) return false
    for (let i = 0; i < oldSegments.length; i++) {
      if (this.#segments[first + i] !== oldSegments[i] || oldSegments[i] === this.activeSegment) return false
    }
    const base = oldSegments[0].baseOffset
    const stem = join(this.dir, segmentFileStem(base))
    for (const segment of oldSegments) {
      this.#dirtySegments.delete(segment)
      segment.close()
      segment.renameFiles('', DELETED_SUFFIX)
    }
    renameSync(stem + LOG_SUFFIX + SWAP_SUFFIX, stem + LOG_SUFFIX)
    fsyncDirectorySync(this.dir)
    const replacement = LogSegment.open(this.dir, base, segmentConfigOf(this.#config), true)
    replacement.recover(Math.max(this.#config.maxMessageBytes, this.#config.segmentBytes))
    replacement.seal()
    this.#segments.splice(first, oldSegments.length, replacement)
    for (const segment of oldSegments) segment.deleteFiles(DELETED_SUFFIX)
    return true
  }

  /** Flushes, records a clean shutdown, and closes every segment. */
  async close(): Promise<void> {
    if (this.#closed) return
    if (!this.#failure) {
      await this.flush()
      await this.#groupCommit.settle()
    }
    this.#closed = true
    for (const segment of this.#segments) segment.close()
    if (!this.#failure) {
      this.#checkpointedRecoveryPoint = -1
      this.#writeCheckpoint()
      writeFileSync(join(this.dir, CLEAN_SHUTDOWN_FILE), '')
      fsyncDirectorySync(this.dir)
    }
  }

  /** Closes without flushing or marking a clean shutdown, as a crash would leave things. For tests. */
  abandon(): void {
    this.#closed = true
    for (const segment of this.#segments) segment.close()
  }

  get isClosed(): boolean {
    return this.#closed
  }

  #ensureOpen(): void {
    if (this.#closed) throw new CoreError('CORE_CLOSED', `Log ${this.name} is closed`)
  }

  #ensureWritable(): void {
    this.#ensureOpen()
    if (this.#failure) throw this.#failure
  }
}

const EMPTY = Buffer.alloc(0)
