import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../../core/logger.ts'
import { decodeRecordBatches } from '../../../core/protocol/record-batch.ts'
import { resolveLogConfig } from '../../../core/storage/log-config.ts'
import { CHECKPOINT_FILE } from '../../../core/storage/log-loader.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { batchOfCount } from '../../helpers/batches.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const T0 = 1_700_000_000_000

/** About 200 bytes per batch of two records: five batches per 1000-byte segment. */
const SMALL_SEGMENTS = resolveLogConfig({ 'segment.bytes': 1000 })
const batch = (i: number): Buffer => batchOfCount(2, `b${i}`, 60)

/** Record values from `from` to the log end, CRCs verified (decodeRecordBatches throws on a bad one). */
async function valuesFrom(log: PartitionLog, from: number): Promise<string[]> {
  const out: string[] = []
  let offset = from
  while (offset < log.logEndOffset) {
    const batches = await decodeRecordBatches(log.read(offset, 1 << 20).records)
    expect(batches.length).toBeGreaterThan(0)
    for (const b of batches) {
      for (const record of b.records) if (record.offset >= offset) out.push((record.value?.toString() ?? '').replace(/\.+$/, ''))
      offset = b.lastOffset + 1
    }
  }
  return out
}

/** Values `b<i>-0`, `b<i>-1` of batches `first` to `last` inclusive. */
function expectedValues(first: number, last: number): string[] {
  return Array.from({ length: last - first + 1 }, (_, k) => [`b${first + k}-0`, `b${first + k}-1`]).flat()
}

/** Positions and sizes of the batches in a `.log` file, by their length fields. */
function batchesOf(file: string): { position: number; size: number }[] {
  const bytes = readFileSync(file)
  const out: { position: number; size: number }[] = []
  for (let pos = 0; pos + 12 <= bytes.length; ) {
    const size = 12 + bytes.readInt32BE(pos + 8)
    out.push({ position: pos, size })
    pos += size
  }
  return out
}

/**
 * Flips one byte in the last record of the middle batch of a `.log` file: inside the CRC'd part,
 * away from any length field, so only a CRC check can notice. Returns the batch's base offset.
 */
function corruptMiddleBatch(file: string): number {
  const batches = batchesOf(file)
  expect(batches.length).toBeGreaterThanOrEqual(3)
  const { position, size } = batches[Math.floor(batches.length / 2)]
  const fd = openSync(file, 'r+')
  try {
    const header = Buffer.alloc(8)
    readSync(fd, header, 0, 8, position)
    const byte = Buffer.alloc(1)
    readSync(fd, byte, 0, 1, position + size - 10)
    byte[0] ^= 0x5a
    writeSync(fd, byte, 0, 1, position + size - 10)
    return Number(header.readBigInt64BE(0))
  } finally {
    closeSync(fd)
  }
}

/** A logger that keeps warnings. */
function warningLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = []
  const noop = (): void => {}
  return { logger: { debug: noop, info: noop, warn: (message) => warnings.push(message), error: noop }, warnings }
}

describe('flush policies', () => {
  it('flushes in the background once flush.messages records are unflushed', async () => {
    const log = await PartitionLog.open(tempDir(), { config: resolveLogConfig({ 'flush.messages': 10 }) })
    expect(log.recoveryPoint).toBe(0)
    log.append(batchOfCount(4))
    log.append(batchOfCount(5))
    // A flush starts synchronously inside append and marks the segment clean at once.
    expect(log.activeSegment.isDirty).toBe(true)
    await new Promise((resolve) => setImmediate(resolve))
    expect(log.recoveryPoint).toBe(0)

    log.append(batchOfCount(1)) // 10 unflushed: flush
    expect(log.activeSegment.isDirty).toBe(false)
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(10), { timeout: 2000, interval: 2 })

    // The count restarts at the flush.
    log.append(batchOfCount(9))
    expect(log.activeSegment.isDirty).toBe(true)
    log.append(batchOfCount(3))
    expect(log.activeSegment.isDirty).toBe(false)
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(22), { timeout: 2000, interval: 2 })
    await log.close()
  })

  it('flushes once flush.ms has passed since the last flush, by the injected clock', async () => {
    let now = T0
    const log = await PartitionLog.open(tempDir(), { config: resolveLogConfig({ 'flush.ms': 1000 }), clock: () => now })
    now = T0 + 5000
    expect(log.flushIfDue()).toBeUndefined() // nothing to flush
    log.append(batchOfCount(3))
    expect(log.flushIfDue(T0 + 999)).toBeUndefined()
    const due = log.flushIfDue()
    expect(due).toBeInstanceOf(Promise)
    await due
    expect(log.recoveryPoint).toBe(3)

    // The interval restarts at the flush (T0 + 5000).
    log.append(batchOfCount(2))
    now = T0 + 5999
    expect(log.flushIfDue()).toBeUndefined()
    expect(log.recoveryPoint).toBe(3)
    now = T0 + 6000
    await log.flushIfDue()
    expect(log.recoveryPoint).toBe(5)
    await log.close()
  })
})

describe('recovery cost is bounded by unflushed data', () => {
  it('reads no segment when opening after a clean shutdown: corruption in an old segment goes unnoticed', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir, { config: SMALL_SEGMENTS })
    for (let i = 0; i < 40; i++) log.append(batch(i))
    expect(log.segmentCount).toBeGreaterThanOrEqual(6)
    const victim = log.segments[2]
    const after = log.segments[3].baseOffset
    await log.close()
    const victimSize = statSync(victim.logPath).size
    const corruptOffset = corruptMiddleBatch(victim.logPath)

    const { logger, warnings } = warningLogger()
    const reopened = await PartitionLog.open(dir, { config: SMALL_SEGMENTS, logger })
    expect(reopened.logEndOffset).toBe(80)
    expect(reopened.segmentCount).toBe(log.segmentCount)
    expect(statSync(victim.logPath).size).toBe(victimSize)
    expect(warnings).toEqual([])
    // Still corrupt: recovery never checked the batch's CRC.
    await expect(decodeRecordBatches(reopened.read(corruptOffset, 1).records)).rejects.toThrow()
    expect(await valuesFrom(reopened, after)).toEqual(expectedValues(after / 2, 39))
    await reopened.close()
  })

  it('after an unclean stop scans only from the recovery point: old corruption stays, a torn tail is cut', async () => {
    const dir = tempDir()
    const options = { config: SMALL_SEGMENTS, checkpointIntervalMs: 0 }
    const first = await PartitionLog.open(dir, options)
    for (let i = 0; i < 30; i++) first.append(batch(i))
    await first.close()

    const log = await PartitionLog.open(dir, options)
    expect(log.recoveryPoint).toBe(60)
    for (let i = 30; i < 50; i++) log.append(batch(i))
    await log.flush()
    expect(log.recoveryPoint).toBe(100)
    expect(JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')).recoveryPoint).toBe(100)
    for (let i = 50; i < 55; i++) log.append(batch(i)) // unflushed, but in the page cache
    expect(log.logEndOffset).toBe(110)
    // One victim from before the clean shutdown, one flushed since; both wholly below 100.
    const segments = log.segments.slice(0, -1)
    const oldVictim = segments[1]
    const newVictim = segments.find((s) => s.baseOffset >= 60 && s.nextOffset <= 100)
    if (!newVictim) throw new Error('expected a whole segment between offsets 60 and 100')
    const last = log.activeSegment.logPath
    const segmentCount = log.segmentCount
    log.abandon()

    const sizes = [oldVictim, newVictim].map((s) => statSync(s.logPath).size)
    const corruptOffsets = [oldVictim, newVictim].map((s) => corruptMiddleBatch(s.logPath))
    const lastSize = statSync(last).size
    appendFileSync(last, batch(55).subarray(0, 100)) // a torn write

    const { logger, warnings } = warningLogger()
    const reopened = await PartitionLog.open(dir, { ...options, logger })
    expect(reopened.logEndOffset).toBe(110)
    expect(reopened.segmentCount).toBe(segmentCount)
    expect(statSync(last).size).toBe(lastSize)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`Recovery truncated 100 bytes of ${last}`)
    expect([oldVictim, newVictim].map((s) => statSync(s.logPath).size)).toEqual(sizes)
    for (const offset of corruptOffsets) await expect(decodeRecordBatches(reopened.read(offset, 1).records)).rejects.toThrow()
    // Everything after the newer victim is there, unflushed batches included.
    const from = newVictim.nextOffset
    expect(await valuesFrom(reopened, from)).toEqual(expectedValues(from / 2, 54))
    expect(reopened.recoveryPoint).toBe(110)
    expect(reopened.append(batch(55)).firstOffset).toBe(110)
    await reopened.close()
  })

  it('does scan past the recovery point: corruption there truncates the log and drops later segments', async () => {
    const dir = tempDir()
    const options = { config: SMALL_SEGMENTS, checkpointIntervalMs: 0 }
    const log = await PartitionLog.open(dir, options)
    for (let i = 0; i < 10; i++) log.append(batch(i))
    await log.flush()
    for (let i = 10; i < 40; i++) log.append(batch(i))
    const victim = log.segments.find((s) => s.baseOffset > 20)
    if (!victim) throw new Error('expected a segment above the recovery point')
    const later = log.segments.filter((s) => s.baseOffset > victim.baseOffset).map((s) => s.logPath)
    expect(later.length).toBeGreaterThan(0)
    log.abandon()
    const corruptOffset = corruptMiddleBatch(victim.logPath)

    const { logger, warnings } = warningLogger()
    const reopened = await PartitionLog.open(dir, { ...options, logger })
    expect(reopened.logEndOffset).toBe(corruptOffset)
    expect(reopened.activeSegment.baseOffset).toBe(victim.baseOffset)
    for (const file of later) expect(existsSync(file)).toBe(false)
    expect(warnings[0]).toContain(`Recovery truncated`)
    expect(warnings.filter((w) => w.startsWith('Recovery deleted segment'))).toHaveLength(later.length)
    expect(await valuesFrom(reopened, 0)).toEqual(expectedValues(0, corruptOffset / 2 - 1))
    await reopened.close()
  })
})

describe('group commit', () => {
  it('resolves 10 concurrent appendDurable calls with unique, contiguous offsets, all durable', async () => {
    const dir = tempDir()
    const config = resolveLogConfig({ 'segment.bytes': 400 })
    const log = await PartitionLog.open(dir, { config })
    const pending: Promise<{ firstOffset: number; lastOffset: number; recordCount: number }>[] = []
    for (let i = 0; i < 10; i++) {
      pending.push(log.appendDurable(batchOfCount(i + 1, `p${i}`, 20)))
      // Let some callers arrive while an fsync is already running.
      if (i % 3 === 2) await new Promise((resolve) => setImmediate(resolve))
    }
    const infos = await Promise.all(pending)
    expect(infos.map((info) => info.recordCount)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
    const offsets = infos.flatMap((info) => Array.from({ length: info.lastOffset - info.firstOffset + 1 }, (_, k) => info.firstOffset + k))
    expect(new Set(offsets).size).toBe(55)
    expect([...offsets].sort((a, b) => a - b)).toEqual(Array.from({ length: 55 }, (_, k) => k))
    expect(log.logEndOffset).toBe(55)
    expect(log.recoveryPoint).toBe(log.logEndOffset)
    expect(log.segmentCount).toBeGreaterThan(1)
    log.abandon()

    const reopened = await PartitionLog.open(dir, { config })
    expect(reopened.logEndOffset).toBe(55)
    await reopened.close()
  })
})
