/**
 * Loads a partition directory into segments when a log opens, and recovers it after a crash.
 *
 * Files in a partition directory:
 * - `<base>.log|.index|.timeindex`: segments (see LogSegment).
 * - `<base>.log.cleaned` etc.: output of an interrupted compaction, not yet swapped in: deleted.
 * - `<base>.log.swap` etc.: a compacted replacement whose swap was interrupted: completed, by
 *   deleting the segments it replaces and renaming it to `.log`.
 * - `<base>.log.deleted` etc.: segments on their way out: deleted.
 * - `partition.checkpoint`: JSON `{ recoveryPoint, logStartOffset }`, written atomically. Every
 *   offset below `recoveryPoint` was fsynced before the checkpoint was written.
 * - `.clean_shutdown`: present only between a clean close and the next open.
 *
 * Recovery cost is bounded by unflushed data: after a clean shutdown nothing is scanned; after
 * an unclean stop only segments from the one holding the recovery point onward are re-read,
 * batch by batch, and the first invalid batch truncates the log there (later segments, which
 * cannot be trusted past a hole, are deleted). Segments below the recovery point only get an
 * index sanity check, and their indexes are rebuilt if it fails or they are missing.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { fsyncDirectorySync, readFileIfExistsSync, writeFileAtomicSync } from './atomic-file.ts'
import { BatchScanner } from './batch-scanner.ts'
import { INDEX_SUFFIX, LOG_SUFFIX, LogSegment, type SegmentConfig, segmentFileStem, TIME_INDEX_SUFFIX } from './log-segment.ts'

export const CHECKPOINT_FILE = 'partition.checkpoint'
export const CLEAN_SHUTDOWN_FILE = '.clean_shutdown'
export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'
export const DELETED_SUFFIX = '.deleted'

export interface PartitionCheckpoint {
  readonly recoveryPoint: number
  readonly logStartOffset: number
}

export function readCheckpoint(dir: string): PartitionCheckpoint | undefined {
  const raw = readFileIfExistsSync(join(dir, CHECKPOINT_FILE))
  if (!raw) return undefined
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as Partial<PartitionCheckpoint>
    if (Number.isSafeInteger(parsed.recoveryPoint) && Number.isSafeInteger(parsed.logStartOffset)) {
      return { recoveryPoint: parsed.recoveryPoint!, logStartOffset: parsed.logStartOffset! }
    }
  } catch {
    // A damaged checkpoint only costs a full recovery.
  }
  return undefined
}

export function writeCheckpoint(dir: string, checkpoint: PartitionCheckpoint): void {
  writeFileAtomicSync(join(dir, CHECKPOINT_FILE), JSON.stringify(checkpoint))
}

export interface LoadedLog {
  readonly segments: LogSegment[]
  readonly recoveryPoint: number
  readonly logStartOffset: number
  readonly hadCleanShutdown: boolean
}

export interface LoadOptions {
  readonly dir: string
  readonly segmentConfig: SegmentConfig
  readonly maxBatchBytes: number
  readonly now: number
  readonly logger: Logger
  /** For log lines: `topic-partition`. */
  readonly name: string
}

/** Parses `<20 digits><suffix>` into a base offset. */
function baseOffsetOf(file: string, suffix: string): number | undefined {
  if (!file.endsWith(suffix)) return undefined
  const stem = file.slice(0, -suffix.length)
  return /^\d{20}$/.test(stem) ? Number(stem) : undefined
}

export function loadLog(options: LoadOptions): LoadedLog {
  const { dir, segmentConfig, logger, name } = options
  const cleanMarker = join(dir, CLEAN_SHUTDOWN_FILE)
  const hadCleanShutdown = existsSync(cleanMarker)
  const checkpoint = readCheckpoint(dir)

  removeLeftovers(dir)
  completeSwaps(dir, logger, name)

  const bases = readdirSync(dir)
    .map((file) => baseOffsetOf(file, LOG_SUFFIX))
    .filter((base): base is number => base !== undefined)
    .sort((a, b) => a - b)

  const segments: LogSegment[] = []
  let recoveryPoint = hadCleanShutdown ? Number.MAX_SAFE_INTEGER : (checkpoint?.recoveryPoint ?? 0)
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]
    const next = bases[i + 1]
    const isLast = next === undefined
    // A segment needs a full scan if it may hold unflushed data: it reaches the recovery point.
    const needsRecovery = !hadCleanShutdown && (isLast || next > recoveryPoint)
    const stem = join(dir, segmentFileStem(base))
    const indexesMissing = !existsSync(stem + INDEX_SUFFIX) || !existsSync(stem + TIME_INDEX_SUFFIX)
    const segment = LogSegment.open(dir, base, segmentConfig, isLast || needsRecovery || indexesMissing)
    if (needsRecovery || indexesMissing) {
      const result = segment.recover(options.maxBatchBytes)
      if (result.truncatedBytes > 0) {
        logger.warn(`Recovery truncated ${result.truncatedBytes} bytes of ${segment.logPath} at position ${result.validBytes}: ${result.reason}`, {
          log: name,
          file: segment.logPath,
          position: result.validBytes,
        })
        segments.push(segment)
        if (!isLast) {
          // Nothing after a damaged batch can be trusted to be contiguous: drop later segments.
          for (const later of bases.slice(i + 1)) {
            const doomed = LogSegment.open(dir, later, segmentConfig, false)
            logger.warn(`Recovery deleted segment ${doomed.logPath} after a damaged batch in an earlier segment`, { log: name })
            doomed.deleteFiles()
          }
        }
        break
      }
    } else if (segment.checkIndexes(options.maxBatchBytes)) {
      logger.warn(`Rebuilt damaged indexes of ${segment.logPath}`, { log: name })
    }
    segments.push(segment)
  }
  // Every segment but the last is sealed (read-only indexes, trimmed files).
  for (let i = 0; i < segments.length - 1; i++) segments[i].seal()

  let logStartOffset = checkpoint?.logStartOffset ?? 0
  if (segments.length === 0) {
    segments.push(LogSegment.create(dir, logStartOffset, segmentConfig, options.now))
  } else {
    logStartOffset = Math.max(logStartOffset, segments[0].baseOffset)
  }
  const logEnd = segments[segments.length - 1].nextOffset
  if (logStartOffset > logEnd) logStartOffset = logEnd
  recoveryPoint = Math.min(recoveryPoint, logEnd)
  if (hadCleanShutdown) {
    // Remove the marker so that a crash from here on is detected as unclean.
    writeCheckpoint(dir, { recoveryPoint, logStartOffset })
    unlinkSync(cleanMarker)
  }
  return { segments, recoveryPoint, logStartOffset, hadCleanShutdown }
}

/** Deletes `.cleaned`, `.deleted` and temporary files left by an interrupted operation. */
function removeLeftovers(dir: string): void {
  for (const file of readdirSync(dir)) {
    if (file.endsWith(CLEANED_SUFFIX) || file.endsWith(DELETED_SUFFIX) || file.endsWith('.tmp')) {
      unlinkSync(join(dir, file))
    }
  }
}

/**
 * Finishes interrupted compaction swaps. A `.swap` log (complete and fsynced before it got that
 * name) replaces every segment whose base offset lies in `[swap base, swap next offset)`. Those
 * are deleted first and the swap renamed to `.log` last, so a crash at any step leaves either
 * the swap to finish again or a consistent set of segments; never two segments overlapping.
 * The swapped segment's indexes are rebuilt by the loader (they are missing).
 */
function completeSwaps(dir: string, logger: Logger, name: string): void {
  const swaps = readdirSync(dir)
    .map((file) => baseOffsetOf(file, LOG_SUFFIX + SWAP_SUFFIX))
    .filter((base): base is number => base !== undefined)
    .sort((a, b) => a - b)
  for (const base of swaps) {
    const stem = segmentFileStem(base)
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      const path = join(dir, stem + suffix + SWAP_SUFFIX)
      if (existsSync(path)) unlinkSync(path)
    }
    const swapLog = join(dir, stem + LOG_SUFFIX + SWAP_SUFFIX)
    const end = nextOffsetOfFile(swapLog, base)
    const replaced = readdirSync(dir)
      .map((file) => baseOffsetOf(file, LOG_SUFFIX))
      .filter((b): b is number => b !== undefined && b >= base && b < end)
    for (const other of replaced) deleteSegmentFiles(dir, other)
    fsyncDirectorySync(dir)
    try {
      renameSync(swapLog, join(dir, stem + LOG_SUFFIX))
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot rename ${swapLog} into place`, { cause })
    }
    fsyncDirectorySync(dir)
    logger.info(`Completed an interrupted compaction swap of ${swapLog}`, { log: name, replaced })
  }
}

/** Offset after the last whole batch of a log file (its torn tail, if any, is ignored). */
function nextOffsetOfFile(path: string, base: number): number {
  const fd = openSync(path, 'r')
  try {
    const scanner = new BatchScanner(fd, path, fstatSync(fd).size)
    let next = base
    for (let batch = scanner.next(); batch; batch = scanner.next()) next = batch.lastOffset + 1
    return next
  } finally {
    closeSync(fd)
  }
}

function deleteSegmentFiles(dir: string, base: number): void {
  const stem = segmentFileStem(base)
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    try {
      unlinkSync(join(dir, stem + suffix))
    } catch {
      // already gone
    }
  }
}
