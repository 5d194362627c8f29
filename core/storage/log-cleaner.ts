/**
 * Log compaction for `cleanup.policy=compact` (Kafka's log cleaner): rewrites the sealed segments
 * of a log so that, for every key, at least its latest record survives. Reading a compacted log
 * from the start still yields the latest value of every key, at its original offset.
 *
 * Sections of a log. The *clean* section `[log start, firstDirtyOffset)` was compacted by earlier
 * passes: no key appears in it twice. The *dirty* section `[firstDirtyOffset, cleanable end)` was
 * appended since. The cleanable end is the base offset of the first segment that is the active
 * one or holds a record younger than `min.compaction.lag.ms` (judged by the segment's largest
 * timestamp); the active segment is never touched. The dirty ratio is dirty bytes / cleanable
 * bytes; a log is cleaned once it reaches `min.cleanable.dirty.ratio`.
 *
 * A pass:
 * 1. Offset map: key (bytes as a latin1 string) → offset of its latest record in the dirty
 *    section, built segment by segment. When the next segment would push the map past
 *    `maxKeysPerPass` distinct keys, the dirty section ends before it (the first dirty segment is
 *    always mapped whole); the next pass continues from there.
 * 2. Rewrite every segment from the start of the log through the end of the dirty section. A
 *    record is kept iff it has a key and no later record of that key is in the map. A kept
 *    tombstone (null value) is removed anyway once its segment's largest timestamp is more than
 *    `delete.retention.ms` in the past: since that timestamp is never below the tombstone's own,
 *    a tombstone stays readable for at least `delete.retention.ms` after its record's timestamp
 *    (a producer's old CreateTime can make that short). Keyless records are removed. A batch
 *    whose records are all kept is copied byte for byte; a partly kept batch is re-encoded with
 *    the same header fields (base offset, original last offset delta, codec, timestamp type,
 *    producer id/epoch/sequence, flags, leader epoch) and its survivors' original offset deltas;
 *    an empty one is dropped. Control batches are copied as they are.
 * 3. Consecutive segments are grouped while their combined size fits `segment.bytes`, their
 *    offsets fit 2^31 past the group's base and their indexes fit `segment.index.bytes`. Each
 *    group is written to `<first base>.log.cleaned`, fsynced, renamed to `<first base>.log.swap`,
 *    the directory fsynced, and swapped in with `PartitionLog.replaceSegments`.
 * 4. `cleaner.checkpoint` (JSON `{ "firstDirtyOffset": N }`, written atomically) is set to the
 *    end of the dirty section.
 *
 * Swaps and empty tails. Recovery completes an interrupted swap by deleting the segments whose
 * base offsets lie in `[swap base, swap next offset)` (see `log-loader.ts`), so a swap may only
 * replace segments up to the last one that contributed a batch. Trailing segments of a group
 * that contribute nothing are carried into the next group, whose swap then covers them; after
 * the last group they are left as they are and the checkpoint stops at their base offset, so the
 * next pass maps them as dirty (leaving them while calling them clean could resurrect a value
 * whose tombstone expires later).
 *
 * Crash behaviour: a crash while writing leaves a `.cleaned` file, deleted at the next open; a
 * crash after the rename to `.swap` leaves a swap that the next open completes. Either way the
 * log holds, for every offset, the record it had or nothing that compaction would not also have
 * removed. A missing or stale checkpoint only makes the next pass map more.
 *
 * Errors: anything unexpected (a corrupt batch, an I/O error) abandons the pass, removes the
 * `.cleaned`/`.swap` file being written and throws a CoreError naming the log and the segment;
 * groups already swapped stay swapped and the rest of the log is untouched.
 *
 * Concurrency: a pass runs on the log's thread between awaits (decompression, fsync), while
 * appends, rolls and retention continue. Before each read it checks that the segment is still
 * in the log and the log still open; a segment list change detected that way, or a
 * `replaceSegments` that returns false, stops the pass quietly (files removed, checkpoint
 * unchanged, `completed: false`). At most one pass runs per log at a time.
 */
import { renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { batchIsControl, batchLastOffset, setBatchLogAppendTime, TimestampType } from '../protocol/record-batch-header.ts'
import { type DecodedRecord, type DecodedRecordBatch, decodeRecordBatch, encodeRecordBatch } from '../protocol/record-batch.ts'
import { fsyncDirectory, readFileIfExistsSync, writeFileAtomicSync } from './atomic-file.ts'
import { BufferedOutputFile } from './buffered-output-file.ts'
import { isCompacted, type LogConfig } from './log-config.ts'
import { CLEANED_SUFFIX, SWAP_SUFFIX } from './log-loader.ts'
import { LOG_SUFFIX, type LogSegment, segmentFileStem } from './log-segment.ts'
import type { PartitionLog } from './partition-log.ts'

/** The cleaner's checkpoint in a log directory: JSON `{ "firstDirtyOffset": N }`. */
export const CLEANER_CHECKPOINT_FILE = 'cleaner.checkpoint'

export interface LogCleanerOptions {
  /** Wall clock in ms (compaction lag and tombstone expiry); injected by tests. */
  readonly clock?: () => number
  readonly logger?: Logger
  /** Most distinct keys held in the offset map in one pass (log.cleaner.dedupe.buffer.size analogue). */
  readonly maxKeysPerPass?: number
  /**
   * Test hook, called once a group is complete as `<base>.log.swap` and before it is swapped in.
   * If it throws, the pass is abandoned like on any error (the swap file is removed), so a test
   * that copies the directory here gets what a crash at that moment would leave.
   */
  readonly beforeSwap?: (swapPath: string) => void | Promise<void>
}

/** Dirty ratio and cleanable range of a log. */
export interface CleanableInfo {
  readonly firstDirtyOffset: number
  readonly cleanableEndOffset: number
  readonly dirtyBytes: number
  readonly totalBytes: number
  readonly dirtyRatio: number
}

export interface CleanResult {
  /** Source segments replaced by cleaned ones. */
  segmentsCleaned: number
  /** Bytes of the replaced segments, and of what replaced them. */
  bytesBefore: number
  bytesAfter: number
  /** Records read from the replaced segments, and removed from them. */
  recordsRead: number
  recordsRemoved: number
  /** Removed records with a key and a null value (superseded or expired tombstones). */
  tombstonesRemoved: number
  /** Where the dirty section began. */
  firstDirtyOffset: number
  /** The new checkpoint: offsets below it are clean (unchanged firstDirtyOffset when not completed). */
  endOffset: number
  /** False when a segment list change (retention, close) stopped the pass early. */
  completed: boolean
}

/** True when the log's `cleanup.policy` includes compact. */
export function isCleanable(log: PartitionLog): boolean {
  return isCompacted(log.config)
}

const DEFAULT_MAX_KEYS_PER_PASS = 1_000_000
const INT32_MAX = 0x7fffffff
const OFFSET_INDEX_ENTRY_BYTES = 8
const TIME_INDEX_ENTRY_BYTES = 12

/** Logs with a pass in progress, across cleaner instances. */
const cleaning = new WeakSet<PartitionLog>()

/** Thrown inside a pass when the log's segment list changed under it; never escapes. */
class LogChanged extends Error {}

interface Survey {
  readonly info: CleanableInfo
  /** Snapshot of the log's segments. */
  readonly segments: readonly LogSegment[]
  /** segments[0, cleanableCount) are cleanable. */
  readonly cleanableCount: number
  /** Index of the first cleanable segment reaching firstDirtyOffset (cleanableCount if none). */
  readonly firstDirtyIndex: number
}

interface SegmentStats {
  bytes: number
  recordsRead: number
  recordsRemoved: number
  tombstonesRemoved: number
}

export class LogCleaner {
  readonly #clock: () => number
  readonly #logger: Logger
  readonly #maxKeys: number
  readonly #beforeSwap: ((swapPath: string) => void | Promise<void>) | undefined

  constructor(options: LogCleanerOptions = {}) {
    const maxKeys = options.maxKeysPerPass ?? DEFAULT_MAX_KEYS_PER_PASS
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `maxKeysPerPass must be a positive integer, got ${maxKeys}`)
    }
    this.#clock = options.clock ?? Date.now
    this.#logger = options.logger ?? silentLogger
    this.#maxKeys = maxKeys
    this.#beforeSwap = options.beforeSwap
  }

  /** Dirty ratio and cleanable range of a log (for scheduling and tests). */
  cleanableInfo(log: PartitionLog): CleanableInfo {
    return this.#survey(log, this.#clock()).info
  }

  /**
   * Cleans `log` if its policy includes compact and its dirty ratio is at least
   * `min.cleanable.dirty.ratio`; `force` skips the ratio check and also rewrites a log without
   * dirty data (dropping expired tombstones). Resolves undefined when nothing was done.
   */
  async clean(log: PartitionLog, options: { readonly force?: boolean } = {}): Promise<CleanResult | undefined> {
    if (!isCleanable(log) || log.isClosed || cleaning.has(log)) return undefined
    const now = this.#clock()
    const survey = this.#survey(log, now)
    if (survey.cleanableCount === 0) return undefined
    const { info } = survey
    if (options.force !== true && (info.dirtyBytes === 0 || info.dirtyRatio < log.config.minCleanableDirtyRatio)) return undefined
    cleaning.add(log)
    try {
      return await this.#pass(log, survey, now)
    } finally {
      cleaning.delete(log)
    }
  }

  #survey(log: PartitionLog, now: number): Survey {
    const segments = log.segments.slice()
    const horizon = now - log.config.minCompactionLagMs
    let cleanableCount = 0
    while (cleanableCount < segments.length - 1 && segments[cleanableCount].largestTimestamp <= horizon) cleanableCount++
    const checkpoint = this.#readCheckpoint(log)
    const firstDirtyOffset =
      checkpoint === undefined || checkpoint < log.logStartOffset || checkpoint > log.logEndOffset ? log.logStartOffset : checkpoint
    let dirtyBytes = 0
    let totalBytes = 0
    let firstDirtyIndex = cleanableCount
    for (let i = 0; i < cleanableCount; i++) {
      const size = segments[i].size
      totalBytes += size
      if (segments[i + 1].baseOffset > firstDirtyOffset) {
        dirtyBytes += size
        if (firstDirtyIndex === cleanableCount) firstDirtyIndex = i
      }
    }
    const cleanableEndOffset = Math.max(firstDirtyOffset, segments[cleanableCount].baseOffset)
    const dirtyRatio = totalBytes > 0 ? dirtyBytes / totalBytes : 0
    return { info: { firstDirtyOffset, cleanableEndOffset, dirtyBytes, totalBytes, dirtyRatio }, segments, cleanableCount, firstDirtyIndex }
  }

  async #pass(log: PartitionLog, survey: Survey, now: number): Promise<CleanResult> {
    const config = log.config
    const { segments, cleanableCount, firstDirtyIndex } = survey
    const firstDirtyOffset = survey.info.firstDirtyOffset
    const result: CleanResult = {
      segmentsCleaned: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      recordsRead: 0,
      recordsRemoved: 0,
      tombstonesRemoved: 0,
      firstDirtyOffset,
      endOffset: firstDirtyOffset,
      completed: false,
    }
    try {
      const { map, endIndex } = await this.#buildOffsetMap(log, segments, firstDirtyIndex, cleanableCount, firstDirtyOffset)
      const dirtyEnd = Math.max(firstDirtyOffset, segments[endIndex].baseOffset)
      const expired = (segment: LogSegment): boolean => segment.largestTimestamp < now - config.deleteRetentionMs
      const stats = new Map<LogSegment, SegmentStats>()
      let carried: LogSegment[] = []
      for (const group of groupSegments(segments.slice(0, endIndex), config)) {
        const sources = carried.concat(group)
        if (carried.length > 0 && !offsetsFit(sources)) {
          this.#logger.warn(`Compaction of ${log.name} stopped before segment ${group[0].baseOffset}: segments without surviving records span too many offsets to merge`, { log: log.name })
          return result
        }
        const { replaced, bytesAfter } = await this.#cleanGroup(log, sources, carried.length, map, expired, stats)
        for (const segment of sources.slice(0, replaced)) {
          const s = stats.get(segment) as SegmentStats
          result.segmentsCleaned++
          result.bytesBefore += s.bytes
          result.recordsRead += s.recordsRead
          result.recordsRemoved += s.recordsRemoved
          result.tombstonesRemoved += s.tombstonesRemoved
        }
        result.bytesAfter += bytesAfter
        carried = sources.slice(replaced)
      }
      result.endOffset = carried.length > 0 ? carried[0].baseOffset : dirtyEnd
      result.completed = true
    } catch (error) {
      if (!(error instanceof LogChanged)) throw error
      this.#logger.info(`Compaction of ${log.name} stopped: its segments changed (retention or close) during the pass`, { log: log.name })
      return result
    }
    this.#writeCheckpoint(log, result.endOffset)
    this.#logger.info(
      `Cleaned ${log.name}: ${result.segmentsCleaned} segments, ${result.bytesBefore} → ${result.bytesAfter} bytes, ` +
        `${result.recordsRemoved} of ${result.recordsRead} records removed; clean up to offset ${result.endOffset}`,
      { log: log.name, ...result },
    )
    return result
  }

  /** Maps the dirty section segment by segment; `endIndex` is the first segment not mapped. */
  async #buildOffsetMap(
    log: PartitionLog,
    segments: readonly LogSegment[],
    firstDirtyIndex: number,
    cleanableCount: number,
    firstDirtyOffset: number,
  ): Promise<{ map: Map<string, number>; endIndex: number }> {
    const map = new Map<string, number>()
    let endIndex = firstDirtyIndex
    for (let i = firstDirtyIndex; i < cleanableCount; i++) {
      const segment = segments[i]
      const latest = new Map<string, number>()
      try {
        for (const bytes of batchesOf(log, segment)) {
          if (batchIsControl(bytes) || batchLastOffset(bytes) < firstDirtyOffset) continue
          const batch = await decodeRecordBatch(bytes)
          for (const record of batch.records) {
            if (record.key !== null && record.offset >= firstDirtyOffset) latest.set(record.key.toString('latin1'), record.offset)
          }
        }
      } catch (error) {
        throw passError(log, segment, error)
      }
      if (i > firstDirtyIndex) {
        let added = 0
        for (const key of latest.keys()) if (!map.has(key)) added++
        if (map.size + added > this.#maxKeys) break
      }
      for (const [key, offset] of latest) map.set(key, offset)
      endIndex = i + 1
    }
    return { map, endIndex }
  }

  /**
   * Writes the cleaned records of `sources[skip..]` (the first `skip` were carried over and are
   * known to keep nothing) and swaps the result in for `sources` up to the last one that kept
   * a batch. Returns how many sources were replaced (0: none kept anything, nothing swapped).
   */
  async #cleanGroup(
    log: PartitionLog,
    sources: readonly LogSegment[],
    skip: number,
    map: ReadonlyMap<string, number>,
    expired: (segment: LogSegment) => boolean,
    stats: Map<LogSegment, SegmentStats>,
  ): Promise<{ replaced: number; bytesAfter: number }> {
    const stem = join(log.dir, segmentFileStem(sources[0].baseOffset)) + LOG_SUFFIX
    const cleanedPath = stem + CLEANED_SUFFIX
    const swapPath = stem + SWAP_SUFFIX
    let output: BufferedOutputFile | undefined
    let current = sources[skip]
    let lastKept = -1
    try {
      output = BufferedOutputFile.create(cleanedPath)
      for (let i = skip; i < sources.length; i++) {
        current = sources[i]
        const before = output.size
        stats.set(current, await this.#cleanSegment(log, current, output, map, expired))
        if (output.size > before) lastKept = i
      }
      if (lastKept < 0) {
        output.abandon()
        removeQuietly(cleanedPath)
        return { replaced: 0, bytesAfter: 0 }
      }
      await output.finish()
      renameSync(cleanedPath, swapPath)
      await fsyncDirectory(log.dir)
      if (this.#beforeSwap) await this.#beforeSwap(swapPath)
    } catch (error) {
      output?.abandon()
      removeQuietly(cleanedPath)
      removeQuietly(swapPath)
      if (error instanceof LogChanged) throw error
      throw passError(log, current, error)
    }
    const replaced = sources.slice(0, lastKept + 1)
    let swapped: boolean
    try {
      swapped = log.replaceSegments(replaced)
    } catch (cause) {
      // Old segments may already be renamed: leave the swap for recovery to finish.
      throw new CoreError(
        'CORE_STORAGE_IO',
        `Swapping compacted ${swapPath} into ${log.name} failed: ${(cause as Error).message}; reopen the log to complete the swap`,
        { cause },
      )
    }
    if (!swapped) {
      removeQuietly(swapPath)
      throw new LogChanged()
    }
    return { replaced: replaced.length, bytesAfter: output.size }
  }

  /** Writes what `segment` keeps to `output`. */
  async #cleanSegment(
    log: PartitionLog,
    segment: LogSegment,
    output: BufferedOutputFile,
    map: ReadonlyMap<string, number>,
    expired: (segment: LogSegment) => boolean,
  ): Promise<SegmentStats> {
    locate(log, segment, 0)
    const stats: SegmentStats = { bytes: segment.size, recordsRead: 0, recordsRemoved: 0, tombstonesRemoved: 0 }
    const dropTombstones = expired(segment)
    for (const bytes of batchesOf(log, segment)) {
      const batch = await decodeRecordBatch(bytes)
      if (batch.isControl) {
        output.write(bytes)
        continue
      }
      const kept: DecodedRecord[] = []
      for (const record of batch.records) {
        stats.recordsRead++
        const key = record.key
        const latest = key === null ? undefined : map.get(key.toString('latin1'))
        const keep = key !== null && (latest === undefined || record.offset >= latest) && !(record.value === null && dropTombstones)
        if (keep) {
          kept.push(record)
        } else {
          stats.recordsRemoved++
          if (key !== null && record.value === null) stats.tombstonesRemoved++
        }
      }
      if (kept.length === batch.records.length) output.write(bytes)
      else if (kept.length > 0) output.write(await reencode(batch, kept))
    }
    return stats
  }

  #readCheckpoint(log: PartitionLog): number | undefined {
    try {
      const raw = readFileIfExistsSync(join(log.dir, CLEANER_CHECKPOINT_FILE))
      if (!raw) return undefined
      const parsed = JSON.parse(raw.toString('utf8')) as { firstDirtyOffset?: unknown }
      const offset = parsed.firstDirtyOffset
      if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset
    } catch (error) {
      this.#logger.warn(`Ignoring unreadable cleaner checkpoint of ${log.name}`, { log: log.name, cause: String(error) })
    }
    return undefined
  }

  #writeCheckpoint(log: PartitionLog, firstDirtyOffset: number): void {
    try {
      writeFileAtomicSync(join(log.dir, CLEANER_CHECKPOINT_FILE), JSON.stringify({ firstDirtyOffset }))
    } catch (error) {
      // A stale checkpoint only makes the next pass map more.
      this.#logger.warn(`Cannot write cleaner checkpoint of ${log.name}`, { log: log.name, cause: String(error) })
    }
  }
}

/**
 * Consecutive runs of `segments` that fit one segment: combined size within `segment.bytes`,
 * offsets within 2^31 of the first base offset, index entries within `segment.index.bytes`.
 */
function groupSegments(segments: readonly LogSegment[], config: LogConfig): LogSegment[][] {
  const maxOffsetEntries = Math.floor(config.segmentIndexBytes / OFFSET_INDEX_ENTRY_BYTES)
  const maxTimeEntries = Math.floor(config.segmentIndexBytes / TIME_INDEX_ENTRY_BYTES)
  const groups: LogSegment[][] = []
  let i = 0
  while (i < segments.length) {
    const first = segments[i++]
    const group = [first]
    let bytes = first.size
    let offsetEntries = first.offsetIndex.entries + 1
    let timeEntries = first.timeIndex.entries + 1
    while (i < segments.length) {
      const next = segments[i]
      if (
        bytes + next.size > config.segmentBytes ||
        next.nextOffset - 1 - first.baseOffset > INT32_MAX ||
        offsetEntries + next.offsetIndex.entries + 1 > maxOffsetEntries ||
        timeEntries + next.timeIndex.entries + 1 > maxTimeEntries
      ) {
        break
      }
      group.push(next)
      bytes += next.size
      offsetEntries += next.offsetIndex.entries + 1
      timeEntries += next.timeIndex.entries + 1
      i++
    }
    groups.push(group)
  }
  return groups
}

/** True when every offset of `segments` lies within 2^31 of the first base offset. */
function offsetsFit(segments: readonly LogSegment[]): boolean {
  return segments[segments.length - 1].nextOffset - 1 - segments[0].baseOffset <= INT32_MAX
}

/** Where `segment` is in the log (starting the search at `hint`); LogChanged if it left it. */
function locate(log: PartitionLog, segment: LogSegment, hint: number): number {
  if (log.isClosed) throw new LogChanged()
  const segments = log.segments
  if (segments[hint] === segment) return hint
  const index = segments.indexOf(segment)
  if (index < 0) throw new LogChanged()
  return index
}

/**
 * The batches of `segment`, each copied out of the scanner's chunk. Checks before every read
 * that the segment is still in the open log, since the caller awaits between batches.
 */
function* batchesOf(log: PartitionLog, segment: LogSegment): Generator<Buffer> {
  const scanner = segment.scanner()
  let hint = 0
  for (;;) {
    hint = locate(log, segment, hint)
    const batch = scanner.next()
    if (!batch) break
    const bytes = scanner.readBatch(batch)
    if (bytes.length !== batch.size) {
      throw new CoreError('CORE_CORRUPT_RECORD', `Batch at position ${batch.position} is cut short at the end of the file`)
    }
    yield Buffer.from(bytes)
  }
  if (scanner.tornAt !== undefined) {
    throw new CoreError('CORE_CORRUPT_RECORD', `Torn or invalid batch header at position ${scanner.tornAt}`)
  }
}

/** A batch of the `kept` records of `batch` with the batch's header fields and offsets. */
async function reencode(batch: DecodedRecordBatch, kept: readonly DecodedRecord[]): Promise<Buffer> {
  const buf = await encodeRecordBatch({
    records: kept.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: batch.baseTimestamp + r.timestampDelta })),
    compression: batch.compression,
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControl: false,
    offsetDeltas: kept.map((r) => r.offsetDelta),
    lastOffsetDelta: batch.lastOffsetDelta,
    baseTimestamp: batch.baseTimestamp,
  })
  // The broker's append time is the batch's maxTimestamp, not derived from the records.
  if (batch.timestampType === TimestampType.LogAppendTime) setBatchLogAppendTime(buf, 0, batch.maxTimestamp)
  return buf
}

function passError(log: PartitionLog, segment: LogSegment, error: unknown): CoreError | LogChanged {
  if (error instanceof LogChanged) return error
  const code = error instanceof CoreError ? error.code : 'CORE_STORAGE_IO'
  const detail = error instanceof Error ? error.message : String(error)
  return new CoreError(
    code,
    `Compaction of ${log.name} failed in segment ${segment.logPath}: ${detail}. The pass was abandoned and the segment left as it was; ` +
      'compaction of this log fails until the segment is repaired or removed',
    { cause: error },
  )
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // absent: nothing to remove
  }
}
