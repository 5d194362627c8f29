import { appendFileSync, existsSync, openSync, closeSync, readdirSync, statSync, truncateSync, writeSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { decodeRecordBatches } from '../../../core/protocol/record-batch.ts'
import { resolveLogConfig } from '../../../core/storage/log-config.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { batchOf, batchOfCount } from '../../helpers/batches.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const T0 = 1_700_000_000_000

async function values(records: Buffer): Promise<{ offset: number; value: string | null; key: string | null }[]> {
  const batches = await decodeRecordBatches(records)
  return batches.flatMap((b) =>
    b.records.map((r) => ({ offset: r.offset, value: r.value?.toString() ?? null, key: r.key?.toString() ?? null })),
  )
}

async function readAll(log: PartitionLog): Promise<{ offset: number; value: string | null; key: string | null }[]> {
  const out: { offset: number; value: string | null; key: string | null }[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20)
    if (records.length === 0) break
    const decoded = await values(records)
    for (const r of decoded) if (r.offset >= offset) out.push(r)
    offset = decoded[decoded.length - 1].offset + 1
    const lastBatches = await decodeRecordBatches(records)
    offset = Math.max(offset, lastBatches[lastBatches.length - 1].lastOffset + 1)
  }
  return out
}

function config(overrides: Record<string, unknown> = {}) {
  return resolveLogConfig(overrides)
}

describe('PartitionLog append and read', () => {
  it('assigns contiguous offsets and reads back whole batches', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir)
    const a = log.append(batchOfCount(3, 'a'))
    const b = log.append(batchOfCount(2, 'b'))
    expect([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset]).toEqual([0, 2, 3, 4])
    expect(log.logEndOffset).toBe(5)
    expect(log.highWatermark).toBe(5)
    const all = await values(log.read(0, 1 << 20).records)
    expect(all.map((r) => r.value)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1'])
    expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4])
    // A mid-batch offset returns the whole batch containing it.
    const mid = await values(log.read(1, 1 << 20).records)
    expect(mid[0].offset).toBe(0)
    await log.close()
  })

  it('returns the first batch whole even when larger than maxBytes, and respects maxBytes after it', async () => {
    const log = await PartitionLog.open(tempDir())
    log.append(batchOfCount(10, 'x', 100))
    log.append(batchOfCount(10, 'y', 100))
    const first = log.read(0, 10)
    const decoded = await values(first.records)
    expect(decoded).toHaveLength(10)
    const both = await values(log.read(0, 1 << 20).records)
    expect(both).toHaveLength(20)
    await log.close()
  })

  it('returns nothing at the log end and throws out of range beyond it', async () => {
    const log = await PartitionLog.open(tempDir())
    log.append(batchOfCount(2))
    expect(log.read(2, 1000).records.length).toBe(0)
    expect(() => log.read(3, 1000)).toThrow(expect.objectContaining({ code: 'CORE_OFFSET_OUT_OF_RANGE' }))
    expect(() => log.read(-1, 1000)).toThrow(CoreError)
    await log.close()
  })

  it('rejects invalid batches with a typed error and writes nothing', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir, { config: config({ 'max.message.bytes': 2000 }) })
    log.append(batchOfCount(1))
    const sizeBefore = log.size
    const corrupt = batchOfCount(3)
    corrupt[corrupt.length - 1] ^= 0xff
    expect(() => log.append(corrupt)).toThrow(expect.objectContaining({ code: 'CORE_CORRUPT_RECORD' }))
    const badMagic = batchOfCount(1)
    badMagic[16] = 1
    expect(() => log.append(badMagic)).toThrow(expect.objectContaining({ code: 'CORE_UNSUPPORTED_FORMAT' }))
    expect(() => log.append(batchOfCount(50, 'big', 100))).toThrow(expect.objectContaining({ code: 'CORE_RECORD_TOO_LARGE' }))
    expect(() => log.append(Buffer.alloc(0))).toThrow(CoreError)
    expect(() => log.append(batchOfCount(1).subarray(0, 30))).toThrow(expect.objectContaining({ code: 'CORE_CORRUPT_RECORD' }))
    // A valid batch followed by an invalid one: neither is written.
    const mixed = Buffer.concat([batchOfCount(2), corrupt])
    expect(() => log.append(mixed)).toThrow(CoreError)
    expect(log.logEndOffset).toBe(1)
    expect(log.size).toBe(sizeBefore)
    await log.close()
  })

  it('appends several batches in one call', async () => {
    const log = await PartitionLog.open(tempDir())
    const info = log.append(Buffer.concat([batchOfCount(2, 'a'), batchOfCount(3, 'b')]))
    expect(info).toMatchObject({ firstOffset: 0, lastOffset: 4, recordCount: 5, batchCount: 2 })
    expect((await values(log.read(0, 1 << 20).records)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4])
    await log.close()
  })

  it('sets the broker time on LogAppendTime topics', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'message.timestamp.type': 'LogAppendTime' }), clock: () => T0 + 5000 })
    const info = log.append(batchOf([{ value: 'x', timestamp: T0 }]))
    expect(info.logAppendTime).toBe(T0 + 5000)
    const [batch] = await decodeRecordBatches(log.read(0, 1000).records)
    expect(batch.timestampType).toBe(1)
    expect(batch.records[0].timestamp).toBe(T0 + 5000)
    await log.close()
  })
})

describe('PartitionLog segments', () => {
  it('rolls by segment.bytes and reads across segments', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 1024 }) })
    for (let i = 0; i < 40; i++) log.append(batchOfCount(2, `s${i}`, 50))
    expect(log.segmentCount).toBeGreaterThan(3)
    for (const base of log.segmentBaseOffsets) expect(readdirSync(log.dir)).toContain(`${String(base).padStart(20, '0')}.log`)
    const all = await readAll(log)
    expect(all.map((r) => r.offset)).toEqual([...Array(80).keys()])
    await log.close()
  })

  it('rolls by segment.ms judged by record timestamps', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.ms': 1000 }), clock: () => T0 })
    log.append(batchOf([{ value: 'a', timestamp: T0 }]))
    log.append(batchOf([{ value: 'b', timestamp: T0 + 500 }]))
    expect(log.segmentCount).toBe(1)
    log.append(batchOf([{ value: 'c', timestamp: T0 + 1500 }]))
    expect(log.segmentBaseOffsets).toEqual([0, 2])
    await log.close()
  })

  it('finds offsets by timestamp', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 600, 'index.interval.bytes': 100 }) })
    for (let i = 0; i < 50; i++) log.append(batchOf([{ value: `v${i}`, timestamp: T0 + i * 10 }, { value: `w${i}`, timestamp: T0 + i * 10 + 5 }]))
    expect(await log.offsetForTimestamp(T0)).toEqual({ offset: 0, timestamp: T0 })
    expect(await log.offsetForTimestamp(T0 + 3)).toEqual({ offset: 1, timestamp: T0 + 5 })
    expect(await log.offsetForTimestamp(T0 + 250)).toEqual({ offset: 50, timestamp: T0 + 250 })
    expect(await log.offsetForTimestamp(T0 + 10_000)).toBeUndefined()
    expect(log.maxTimestampOffset()).toEqual({ offset: 99, timestamp: T0 + 495 })
    await log.close()
  })
})

describe('PartitionLog retention', () => {
  it('deletes segments past retention.ms, never losing the log end', async () => {
    let now = T0
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 500, 'retention.ms': 10_000 }), clock: () => now })
    for (let i = 0; i < 30; i++) log.append(batchOf([{ value: `old-${i}`.padEnd(60), timestamp: T0 + i }]))
    now = T0 + 5000
    expect(log.deleteRetainedSegments()).toBe(0)
    for (let i = 0; i < 30; i++) log.append(batchOf([{ value: `new-${i}`.padEnd(60), timestamp: T0 + 20_000 + i }]))
    now = T0 + 25_000
    const deleted = log.deleteRetainedSegments()
    expect(deleted).toBeGreaterThan(0)
    const rest = await readAll(log)
    expect(rest.every((r) => r.value!.startsWith('new-') || r.offset >= log.logStartOffset)).toBe(true)
    expect(rest.some((r) => r.value!.startsWith('old-'))).toBe(false)
    expect(log.logEndOffset).toBe(60)
    expect(() => log.read(0, 100)).toThrow(expect.objectContaining({ code: 'CORE_OFFSET_OUT_OF_RANGE' }))
    // Everything expired: the active segment is rolled and deleted; the log stays appendable.
    now = T0 + 1_000_000
    log.deleteRetainedSegments()
    expect(log.logStartOffset).toBe(60)
    expect(log.append(batchOfCount(1)).firstOffset).toBe(60)
    await log.close()
  })

  it('deletes the oldest segments beyond retention.bytes', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 500, 'retention.bytes': 1500 }), clock: () => T0 })
    for (let i = 0; i < 60; i++) log.append(batchOfCount(1, `r${i}`, 60))
    log.deleteRetainedSegments()
    expect(log.size).toBeLessThanOrEqual(1500 + 500)
    expect(log.logStartOffset).toBeGreaterThan(0)
    const rest = await readAll(log)
    expect(rest[rest.length - 1].offset).toBe(59)
    expect(rest[0].offset).toBe(log.logStartOffset)
    await log.close()
  })

  it('does not apply retention to compact-only topics', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 500, 'retention.bytes': 100, 'cleanup.policy': 'compact' }) })
    for (let i = 0; i < 20; i++) log.append(batchOf([{ key: `k${i}`, value: 'x'.repeat(60) }]))
    expect(log.deleteRetainedSegments()).toBe(0)
    await log.close()
  })

  it('raises the log start offset with deleteRecordsBefore', async () => {
    const log = await PartitionLog.open(tempDir(), { config: config({ 'segment.bytes': 500 }) })
    for (let i = 0; i < 30; i++) log.append(batchOfCount(1, `d${i}`, 60))
    log.deleteRecordsBefore(17)
    expect(log.logStartOffset).toBe(17)
    expect((await readAll(log))[0].offset).toBe(17)
    expect(log.segmentBaseOffsets[0]).toBeLessThanOrEqual(17)
    await log.close()
    const reopened = await PartitionLog.open(log.dir, { config: config({ 'segment.bytes': 500 }) })
    expect(reopened.logStartOffset).toBe(17)
    await reopened.close()
  })
})

describe('PartitionLog durability and recovery', () => {
  it('reopens after a clean shutdown without recovery and with the same data', async () => {
    const dir = tempDir()
    const cfg = config({ 'segment.bytes': 2000 })
    const log = await PartitionLog.open(dir, { config: cfg })
    for (let i = 0; i < 50; i++) log.append(batchOfCount(3, `c${i}`, 20))
    const before = await readAll(log)
    await log.close()
    expect(existsSync(join(dir, '.clean_shutdown'))).toBe(true)
    const again = await PartitionLog.open(dir, { config: cfg })
    expect(existsSync(join(dir, '.clean_shutdown'))).toBe(false)
    expect(again.logEndOffset).toBe(150)
    expect(await readAll(again)).toEqual(before)
    expect(again.append(batchOfCount(1)).firstOffset).toBe(150)
    await again.close()
  })

  it('group-commits concurrent durable appends and advances the recovery point', async () => {
    const log = await PartitionLog.open(tempDir())
    const infos = await Promise.all(Array.from({ length: 200 }, (_, i) => log.appendDurable(batchOfCount(2, `g${i}`))))
    expect(infos.map((i) => i.firstOffset)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2))
    expect(log.recoveryPoint).toBe(400)
    await log.close()
  })

  it('truncates a torn tail after an unclean stop and keeps every whole batch', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir)
    for (let i = 0; i < 20; i++) log.append(batchOfCount(2, `t${i}`))
    log.abandon()
    const file = join(dir, '00000000000000000000.log')
    const size = statSync(file).size
    truncateSync(file, size - 7)
    const reopened = await PartitionLog.open(dir)
    expect(reopened.logEndOffset).toBe(38)
    expect((await readAll(reopened)).map((r) => r.value)).toEqual(
      Array.from({ length: 19 }, (_, i) => [`t${i}-0`, `t${i}-1`]).flat(),
    )
    expect(reopened.append(batchOfCount(1)).firstOffset).toBe(38)
    await reopened.close()
  })

  it('truncates at a corrupt batch and drops garbage appended after the last batch', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir)
    for (let i = 0; i < 10; i++) log.append(batchOfCount(1, `c${i}`, 30))
    log.abandon()
    const file = join(dir, '00000000000000000000.log')
    const batchSize = batchOfCount(1, 'c0', 30).length
    // Flip a byte inside batch 6 (offset 6): batches 6..9 are dropped.
    const fd = openSync(file, 'r+')
    const b = Buffer.alloc(1)
    readSync(fd, b, 0, 1, batchSize * 6 + 40)
    b[0] ^= 0x55
    writeSync(fd, b, 0, 1, batchSize * 6 + 40)
    closeSync(fd)
    appendFileSync(file, Buffer.from('garbage'))
    const reopened = await PartitionLog.open(dir)
    expect(reopened.logEndOffset).toBe(6)
    expect(statSync(file).size).toBe(batchSize * 6)
    await reopened.close()
  })

  it('rebuilds missing indexes', async () => {
    const dir = tempDir()
    const cfg = config({ 'segment.bytes': 1000, 'index.interval.bytes': 50 })
    const log = await PartitionLog.open(dir, { config: cfg })
    for (let i = 0; i < 40; i++) log.append(batchOfCount(1, `i${i}`, 40))
    const before = await readAll(log)
    await log.close()
    for (const f of readdirSync(dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) truncateSync(join(dir, f), 3)
    const reopened = await PartitionLog.open(dir, { config: cfg })
    expect(await readAll(reopened)).toEqual(before)
    for (let offset = 0; offset < 40; offset += 7) {
      const [first] = await values(reopened.read(offset, 1).records)
      expect(first.offset).toBe(offset)
    }
    await reopened.close()
  })
})
