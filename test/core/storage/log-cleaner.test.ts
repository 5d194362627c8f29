import { closeSync, cpSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import type { CompressionType } from '../../../core/protocol/compression/codecs.ts'
import { batchSize } from '../../../core/protocol/record-batch-header.ts'
import { decodeRecordBatches } from '../../../core/protocol/record-batch.ts'
import { CLEANER_CHECKPOINT_FILE, isCleanable, LogCleaner } from '../../../core/storage/log-cleaner.ts'
import type { PartitionLog } from '../../../core/storage/partition-log.ts'
import {
  appendBatch,
  cleanerTempDir,
  compactConfig,
  compacted,
  compactionLeftovers,
  encodeBatch,
  latestByKey,
  manualClock,
  type ModelRecord,
  type NewRecord,
  openLog,
  readAll,
  readBatches,
  seededRandom,
  T0,
} from './cleaner-helpers.ts'

const CODECS: readonly CompressionType[] = [0, 1, 2, 3, 4]

/** Appends `batches` random batches: keys from `keys`, some keyless records, some tombstones. */
async function appendRandom(log: PartitionLog, random: () => number, batches: number, keys: number, clock: { now: number }): Promise<ModelRecord[]> {
  const written: ModelRecord[] = []
  for (let b = 0; b < batches; b++) {
    const count = 1 + Math.floor(random() * 4)
    const records: NewRecord[] = []
    for (let i = 0; i < count; i++) {
      const roll = random()
      const key = roll < 0.1 ? null : `k${Math.floor(random() * keys)}`
      const value = key !== null && roll > 0.85 ? null : `v${Math.floor(random() * 1e9).toString(36)}`
      const headers = random() < 0.2 ? [{ key: 'h', value: `x${b}` }] : []
      records.push({ key, value, headers })
    }
    clock.now++
    written.push(...(await appendBatch(log, records, { compression: CODECS[b % CODECS.length], timestamp: clock.now })))
  }
  return written
}

function expectStrictlyIncreasing(records: readonly ModelRecord[]): void {
  for (let i = 1; i < records.length; i++) expect(records[i].offset).toBeGreaterThan(records[i - 1].offset)
}

describe('LogCleaner against a model', () => {
  it.each([
    { keys: 15, seed: 7 },
    { keys: 200, seed: 8 },
  ])('keeps the latest record of every key at its original offset, over several passes ($keys keys)', async ({ keys, seed }) => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig(), clock.clock)
    const cleaner = new LogCleaner({ clock: clock.clock })
    const random = seededRandom(seed)
    const all: ModelRecord[] = []

    for (let round = 0; round < 3; round++) {
      all.push(...(await appendRandom(log, random, 120, keys, clock)))
      log.roll()
      all.push(...(await appendRandom(log, random, 3, keys, clock))) // stays in the active segment
      const active = log.activeSegment
      const activeSize = active.size
      const end = log.logEndOffset
      const sizeBefore = log.size
      const result = await cleaner.clean(log, { force: true })
      expect(result).toBeDefined()
      expect(result!.completed).toBe(true)
      expect(result!.endOffset).toBe(active.baseOffset)
      expect(result!.recordsRemoved).toBeGreaterThan(0)
      expect(log.activeSegment).toBe(active)
      expect(active.size).toBe(activeSize)
      expect(log.logEndOffset).toBe(end)
      expect(log.size).toBeLessThan(sizeBefore)

      const actual = await readAll(log)
      expectStrictlyIncreasing(actual)
      expect(actual).toEqual(compacted(all, active.baseOffset))
      expect(latestByKey(actual)).toEqual(latestByKey(all))
      expect(cleaner.cleanableInfo(log)).toMatchObject({ firstDirtyOffset: active.baseOffset, dirtyBytes: 0, dirtyRatio: 0 })
    }
    await log.close()
  })

  it('bounds the offset map with maxKeysPerPass and converges over passes', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'min.cleanable.dirty.ratio': 0 }), clock.clock)
    const cleaner = new LogCleaner({ clock: clock.clock, maxKeysPerPass: 6 })
    const all = await appendRandom(log, seededRandom(11), 100, 30, clock)
    log.roll()
    const activeBase = log.activeSegment.baseOffset
    const first = await cleaner.clean(log)
    expect(first!.endOffset).toBe(log.segments[1].baseOffset)
    expect(first!.endOffset).toBeLessThan(activeBase)
    let passes = 1
    while ((await cleaner.clean(log)) !== undefined) {
      passes++
      expect(passes).toBeLessThan(100)
    }
    expect(passes).toBeGreaterThan(2)
    expect(cleaner.cleanableInfo(log).firstDirtyOffset).toBe(activeBase)
    expect(await readAll(log)).toEqual(compacted(all, activeBase))
    await log.close()
  })

  it('keeps records appended and segments rolled while a pass runs', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig(), clock.clock)
    const cleaner = new LogCleaner({ clock: clock.clock })
    const random = seededRandom(3)
    const all = await appendRandom(log, random, 60, 10, clock)
    log.roll()
    const cleanEnd = log.activeSegment.baseOffset
    const pass = cleaner.clean(log, { force: true })
    all.push(...(await appendRandom(log, random, 40, 10, clock)))
    expect(log.activeSegment.baseOffset).toBeGreaterThan(cleanEnd)
    expect(await cleaner.clean(log, { force: true })).toBeUndefined() // one pass per log at a time
    expect((await pass)!.completed).toBe(true)
    expect(await readAll(log)).toEqual(compacted(all, cleanEnd))
    await log.close()
  })
})

describe('LogCleaner batches', () => {
  it('copies fully kept batches byte for byte and re-encodes partly kept ones with their header', async () => {
    const clock = manualClock(T0 + 100)
    const log = await openLog(cleanerTempDir(), compactConfig(), clock.clock)
    const partly = await encodeBatch(
      [{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1', headers: [{ key: 'h', value: 'hv' }] }, { key: 'c', value: 'c1', timestamp: T0 + 7 }],
      { compression: 1, producerId: 42, producerEpoch: 3, baseSequence: 7 },
    )
    log.append(partly)
    const whole = await encodeBatch([{ key: 'd', value: 'd1' }, { key: 'e', value: null }], { compression: 4 })
    log.append(whole) // the log patches offsets in place: `whole` now holds the stored bytes
    log.append(await encodeBatch([{ key: 'b', value: 'b2' }]))
    log.roll()
    const result = await cleaner(clock).clean(log, { force: true })
    expect(result).toMatchObject({ recordsRead: 6, recordsRemoved: 1, tombstonesRemoved: 0, segmentsCleaned: 1 })

    const batches = await readBatches(log)
    expect(batches).toHaveLength(3)
    expect(batches[0]).toMatchObject({ baseOffset: 0, lastOffset: 2, compression: 1, producerId: 42, producerEpoch: 3, baseSequence: 7, baseTimestamp: T0 })
    expect(batches[0].maxTimestamp).toBe(T0 + 7)
    expect(batches[0].records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
      [0, 'a', 'a1'],
      [2, 'c', 'c1'],
    ])
    expect(batches[0].records[1].timestamp).toBe(T0 + 7)
    const raw = log.read(3, 1 << 20).records
    expect(raw.subarray(0, batchSize(raw))).toEqual(whole)
    expect(batches[1].records.map((r) => r.offset)).toEqual([3, 4])
    await log.close()
  })

  it('keeps the append time of LogAppendTime batches it re-encodes', async () => {
    const clock = manualClock(T0 + 5000)
    const log = await openLog(cleanerTempDir(), compactConfig({ 'message.timestamp.type': 'LogAppendTime' }), clock.clock)
    await appendBatch(log, [{ key: 'a', value: 'a1', timestamp: T0 }, { key: 'b', value: 'b1', timestamp: T0 + 1 }], { compression: 2 })
    clock.now += 10
    await appendBatch(log, [{ key: 'a', value: 'a2' }])
    log.roll()
    await cleaner(clock).clean(log, { force: true })
    const [first] = await readBatches(log)
    expect(first).toMatchObject({ baseOffset: 0, lastOffset: 1, timestampType: 1, maxTimestamp: T0 + 5000, compression: 2 })
    expect(first.records.map((r) => [r.offset, r.key?.toString(), r.timestamp])).toEqual([[1, 'b', T0 + 5000]])
    await log.close()
  })
})

function cleaner(clock: { clock: () => number }, options: ConstructorParameters<typeof LogCleaner>[0] = {}): LogCleaner {
  return new LogCleaner({ clock: clock.clock, ...options })
}

describe('LogCleaner tombstones', () => {
  it('keeps tombstones while recent and drops them delete.retention.ms after their segment\'s largest timestamp', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'delete.retention.ms': 60_000 }), clock.clock)
    const c = cleaner(clock)
    const all: ModelRecord[] = []
    all.push(...(await appendBatch(log, [{ key: 'k1', value: 'a1' }, { key: 'k2', value: 'b1' }], { timestamp: T0 })))
    log.roll()
    all.push(...(await appendBatch(log, [{ key: 'k1', value: null }], { timestamp: T0 })))
    log.roll()
    clock.now = T0 + 1000
    await c.clean(log, { force: true })
    expect((await readAll(log)).map((r) => [r.key, r.value])).toEqual([
      ['k2', 'b1'],
      ['k1', null],
    ])

    clock.now = T0 + 90_000
    all.push(...(await appendBatch(log, [{ key: 'k2', value: null }], { timestamp: T0 + 90_000 })))
    log.roll()
    const second = await c.clean(log, { force: true })
    expect(second!.tombstonesRemoved).toBe(1)
    // The k1 tombstone is past retention (segment time T0); the k2 tombstone is recent.
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([[3, 'k2', null]])

    clock.now = T0 + 200_000
    all.push(...(await appendBatch(log, [{ key: 'k9', value: 'z' }], { timestamp: T0 + 200_000 })))
    log.roll()
    await c.clean(log, { force: true })
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([[4, 'k9', 'z']])
    expect(log.logEndOffset).toBe(5)
    await log.close()
  })

  it('never resurrects a value whose expired tombstone sits in segments that kept nothing', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'delete.retention.ms': 1000 }), clock.clock)
    const c = cleaner(clock)
    await appendBatch(log, [{ key: 'k1', value: 'v' }])
    log.roll()
    await appendBatch(log, [{ key: 'k1', value: null }])
    log.roll()
    clock.now = T0 + 10_000
    const first = await c.clean(log, { force: true })
    // Neither segment keeps anything, and there is no later batch for a swap to end with:
    // both stay as they are and remain dirty.
    expect(first).toMatchObject({ segmentsCleaned: 0, endOffset: 0, completed: true })
    expect((await readAll(log)).map((r) => [r.key, r.value])).toEqual([
      ['k1', 'v'],
      ['k1', null],
    ])
    await appendBatch(log, [{ key: 'k9', value: 'z' }], { timestamp: T0 + 10_000 })
    log.roll()
    const second = await c.clean(log, { force: true })
    expect(second).toMatchObject({ segmentsCleaned: 3, endOffset: 3 })
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([[2, 'k9', 'z']])
    await log.close()
  })
})

describe('LogCleaner segments that keep nothing', () => {
  it('folds them into the next swap, or leaves a trailing one dirty until a later segment follows', async () => {
    const clock = manualClock()
    const dir = cleanerTempDir()
    const log = await openLog(dir, compactConfig(), clock.clock)
    const c = cleaner(clock)
    await appendBatch(log, [{ key: 'k1', value: 'a' }])
    log.roll()
    await appendBatch(log, [{ key: null, value: 'x' }])
    log.roll()
    await appendBatch(log, [{ key: 'k1', value: 'c' }])
    log.roll()
    expect(await c.clean(log, { force: true })).toMatchObject({ segmentsCleaned: 3, endOffset: 3, recordsRemoved: 2 })
    expect(log.segmentBaseOffsets).toEqual([0, 3])
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([[2, 'c']])

    await appendBatch(log, [{ key: null, value: 'y' }])
    log.roll()
    const trailing = await c.clean(log, { force: true })
    expect(trailing).toMatchObject({ segmentsCleaned: 1, endOffset: 3 })
    expect(log.segmentBaseOffsets).toEqual([0, 3, 4])
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([
      [2, 'c'],
      [3, 'y'],
    ])

    await appendBatch(log, [{ key: 'k5', value: 'e' }])
    log.roll()
    expect(await c.clean(log, { force: true })).toMatchObject({ segmentsCleaned: 3, endOffset: 5 })
    expect(log.segmentBaseOffsets).toEqual([0, 5])
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([
      [2, 'c'],
      [4, 'e'],
    ])
    await log.close()
    const reopened = await openLog(dir, compactConfig(), clock.clock)
    expect((await readAll(reopened)).map((r) => [r.offset, r.value])).toEqual([
      [2, 'c'],
      [4, 'e'],
    ])
    await reopened.close()
  })
})

describe('LogCleaner scheduling', () => {
  it('leaves segments younger than min.compaction.lag.ms uncleaned', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'min.compaction.lag.ms': 3_600_000 }), clock.clock)
    const c = cleaner(clock)
    const old = T0 - 7_200_000
    const recent = T0 - 60_000
    await appendBatch(log, [{ key: 'k1', value: 'a1' }, { key: 'k2', value: 'b1' }], { timestamp: old })
    log.roll()
    await appendBatch(log, [{ key: 'k1', value: 'a2' }], { timestamp: old })
    log.roll()
    await appendBatch(log, [{ key: 'k1', value: 'a3' }, { key: 'k2', value: 'b2' }], { timestamp: recent })
    log.roll()
    await appendBatch(log, [{ key: 'k1', value: 'a4' }], { timestamp: recent })
    log.roll()
    const info = c.cleanableInfo(log)
    expect(info).toMatchObject({ firstDirtyOffset: 0, cleanableEndOffset: 3, dirtyRatio: 1 })
    expect(info.dirtyBytes).toBe(log.segments[0].size + log.segments[1].size)
    await c.clean(log, { force: true })
    expect((await readAll(log)).map((r) => r.value)).toEqual(['b1', 'a2', 'a3', 'b2', 'a4'])
    expect(c.cleanableInfo(log)).toMatchObject({ firstDirtyOffset: 3, cleanableEndOffset: 3, dirtyBytes: 0 })

    clock.now = T0 + 3_600_000
    expect(c.cleanableInfo(log)).toMatchObject({ firstDirtyOffset: 3, cleanableEndOffset: 6 })
    await c.clean(log)
    expect((await readAll(log)).map((r) => r.value)).toEqual(['b2', 'a4'])
    await log.close()
  })

  it('cleans only when the dirty ratio reaches min.cleanable.dirty.ratio, unless forced', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'min.cleanable.dirty.ratio': 0.5, 'segment.bytes': 4096 }), clock.clock)
    const c = cleaner(clock)
    expect(await c.clean(log)).toBeUndefined() // nothing cleanable yet
    for (let i = 0; i < 20; i++) await appendBatch(log, [{ key: `k${i}`, value: 'x'.repeat(50) }])
    log.roll()
    expect(c.cleanableInfo(log).dirtyRatio).toBe(1)
    const first = await c.clean(log)
    expect(first).toMatchObject({ recordsRemoved: 0, completed: true })
    expect(JSON.parse(readFileSync(join(log.dir, CLEANER_CHECKPOINT_FILE), 'utf8'))).toEqual({ firstDirtyOffset: 20 })
    expect(c.cleanableInfo(log)).toMatchObject({ firstDirtyOffset: 20, dirtyBytes: 0, dirtyRatio: 0 })
    expect(await c.clean(log)).toBeUndefined()

    await appendBatch(log, [{ key: 'k0', value: 'y' }])
    log.roll()
    const info = c.cleanableInfo(log)
    expect(info.dirtyBytes).toBe(log.segments[1].size)
    expect(info.dirtyRatio).toBeCloseTo(info.dirtyBytes / info.totalBytes)
    expect(info.dirtyRatio).toBeLessThan(0.5)
    expect(await c.clean(log)).toBeUndefined()
    expect(await c.clean(log, { force: true })).toMatchObject({ recordsRemoved: 1, endOffset: 21 })
    await log.close()
  })

  it('does nothing for logs whose policy does not include compact', async () => {
    const clock = manualClock()
    const log = await openLog(cleanerTempDir(), compactConfig({ 'cleanup.policy': 'delete' }), clock.clock)
    await appendBatch(log, [{ key: 'k', value: 'a' }])
    await appendBatch(log, [{ key: 'k', value: 'b' }])
    log.roll()
    expect(isCleanable(log)).toBe(false)
    expect(await cleaner(clock).clean(log, { force: true })).toBeUndefined()
    expect(await readAll(log)).toHaveLength(2)
    log.updateConfig(compactConfig({ 'cleanup.policy': 'compact,delete' }))
    expect(isCleanable(log)).toBe(true)
    await log.close()
  })

  it('rejects an invalid maxKeysPerPass', () => {
    expect(() => new LogCleaner({ maxKeysPerPass: 0 })).toThrow(expect.objectContaining({ code: 'CORE_INVALID_ARGUMENT' }))
  })
})

/** A log with three sealed segments that compact into one, and one record in the active segment. */
async function crashFixture(dir: string, clock: { now: number; clock: () => number }): Promise<{ log: PartitionLog; all: ModelRecord[] }> {
  const log = await openLog(dir, compactConfig(), clock.clock)
  const all: ModelRecord[] = []
  all.push(...(await appendBatch(log, [{ key: 'k1', value: 'a1' }, { key: 'k2', value: 'b1' }], { compression: 1 })))
  all.push(...(await appendBatch(log, [{ key: 'k3', value: 'c1' }])))
  log.roll()
  all.push(...(await appendBatch(log, [{ key: 'k1', value: 'a2' }, { key: 'k2', value: null }], { compression: 3 })))
  all.push(...(await appendBatch(log, [{ key: null, value: 'x' }])))
  log.roll()
  all.push(...(await appendBatch(log, [{ key: 'k3', value: 'c2' }, { key: 'k4', value: 'd1' }], { compression: 4 })))
  log.roll()
  all.push(...(await appendBatch(log, [{ key: 'k1', value: 'a3' }])))
  await log.flush()
  return { log, all }
}

/** Runs a pass that "crashes" at the swap: `crashDir` gets a copy of the directory at that moment. */
async function crashAtSwap(log: PartitionLog, clock: { clock: () => number }, crashDir: string): Promise<void> {
  const c = cleaner(clock, {
    beforeSwap: () => {
      cpSync(log.dir, crashDir, { recursive: true })
      throw new Error('simulated crash')
    },
  })
  await expect(c.clean(log, { force: true })).rejects.toThrow(CoreError)
  // The live log abandoned the pass: nothing left behind, nothing changed.
  expect(compactionLeftovers(log.dir)).toEqual([])
  expect(log.segmentBaseOffsets).toEqual([0, 3, 6, 8])
}

describe('LogCleaner crash safety', () => {
  it('(a) drops a leftover .cleaned file at open and keeps the data', async () => {
    const clock = manualClock()
    const { log, all } = await crashFixture(cleanerTempDir(), clock)
    const crashDir = cleanerTempDir()
    await crashAtSwap(log, clock, crashDir)
    expect(await readAll(log)).toEqual(all)
    const stem = '00000000000000000000.log'
    renameSync(join(crashDir, stem + '.swap'), join(crashDir, stem + '.cleaned'))
    const recovered = await openLog(crashDir, compactConfig(), clock.clock)
    expect(compactionLeftovers(crashDir)).toEqual([])
    expect(await readAll(recovered)).toEqual(all)
    expect(recovered.segmentBaseOffsets).toEqual([0, 3, 6, 8])
    await recovered.close()
  })

  it('(b) completes a swap whose old segments are all still there', async () => {
    const clock = manualClock()
    const { log, all } = await crashFixture(cleanerTempDir(), clock)
    const crashDir = cleanerTempDir()
    await crashAtSwap(log, clock, crashDir)
    expect(readdirSync(crashDir)).toContain('00000000000000000000.log.swap')
    const recovered = await openLog(crashDir, compactConfig(), clock.clock)
    expect(compactionLeftovers(crashDir)).toEqual([])
    expect(recovered.segmentBaseOffsets).toEqual([0, 8])
    const expected = compacted(all, 8)
    expect(expected.map((r) => [r.key, r.value])).toEqual([
      ['k1', 'a2'],
      ['k2', null],
      ['k3', 'c2'],
      ['k4', 'd1'],
      ['k1', 'a3'],
    ])
    expect(await readAll(recovered)).toEqual(expected)
    // A later pass on the recovered log finds it consistent.
    await cleaner(clock).clean(recovered, { force: true })
    expect(await readAll(recovered)).toEqual(expected)
    await recovered.close()
  })

  it('(c) completes a swap when some old segments were already renamed to .deleted', async () => {
    const clock = manualClock()
    const { log, all } = await crashFixture(cleanerTempDir(), clock)
    const crashDir = cleanerTempDir()
    await crashAtSwap(log, clock, crashDir)
    for (const stem of ['00000000000000000000', '00000000000000000003']) {
      for (const suffix of ['.log', '.index', '.timeindex']) {
        const path = join(crashDir, stem + suffix)
        if (existsSync(path)) renameSync(path, path + '.deleted')
      }
    }
    const recovered = await openLog(crashDir, compactConfig(), clock.clock)
    expect(readdirSync(crashDir).filter((f) => f.endsWith('.deleted') || f.endsWith('.swap'))).toEqual([])
    expect(recovered.segmentBaseOffsets).toEqual([0, 8])
    expect(await readAll(recovered)).toEqual(compacted(all, 8))
    await recovered.close()
  })

  it('(d) a swap that leaves a trailing segment without survivors recovers consistently', async () => {
    const clock = manualClock()
    const dir = cleanerTempDir()
    const log = await openLog(dir, compactConfig(), clock.clock)
    await appendBatch(log, [{ key: 'k1', value: 'a' }, { key: 'k2', value: 'b' }])
    log.roll()
    await appendBatch(log, [{ key: 'k2', value: 'b2' }, { key: null, value: 'x' }])
    log.roll()
    await appendBatch(log, [{ key: null, value: 'y' }])
    log.roll()
    await log.flush()
    // The pass swaps [0, 2) for one segment and leaves segment 4 (keyless only) alone.
    const crashDir = cleanerTempDir()
    const c = cleaner(clock, {
      beforeSwap: (swapPath) => {
        expect(swapPath).toBe(join(dir, '00000000000000000000.log.swap'))
        cpSync(dir, crashDir, { recursive: true })
      },
    })
    expect(await c.clean(log, { force: true })).toMatchObject({ segmentsCleaned: 2, endOffset: 4 })
    const expected = [
      [0, 'k1', 'a'],
      [2, 'k2', 'b2'],
      [4, null, 'y'],
    ]
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual(expected)
    expect(log.segmentBaseOffsets).toEqual([0, 4, 5])
    const recovered = await openLog(crashDir, compactConfig(), clock.clock)
    expect(recovered.segmentBaseOffsets).toEqual([0, 4, 5])
    expect((await readAll(recovered)).map((r) => [r.offset, r.key, r.value])).toEqual(expected)
    await recovered.close()
    await log.close()
  })

  it('reopens cleanly after a pass and reads the same', async () => {
    const clock = manualClock()
    const dir = cleanerTempDir()
    const { log, all } = await crashFixture(dir, clock)
    await cleaner(clock).clean(log, { force: true })
    const before = await readAll(log)
    expect(before).toEqual(compacted(all, 8))
    await log.close()
    const reopened = await openLog(dir, compactConfig(), clock.clock)
    expect(await readAll(reopened)).toEqual(before)
    expect(reopened.logEndOffset).toBe(9)
    expect(cleaner(clock).cleanableInfo(reopened).firstDirtyOffset).toBe(8)
    // And after a crash (no clean shutdown), recovery accepts the compacted segment too.
    reopened.abandon()
    const recovered = await openLog(dir, compactConfig(), clock.clock)
    expect(await readAll(recovered)).toEqual(before)
    await recovered.close()
  })
})

describe('LogCleaner errors and races', () => {
  it('abandons the pass on a corrupt batch, names the log and segment, and leaves the log intact', async () => {
    const clock = manualClock()
    const { log, all } = await crashFixture(cleanerTempDir(), clock)
    const victim = log.segments[1]
    const fd = openSync(victim.logPath, 'r+')
    writeSync(fd, Buffer.from([0xff]), 0, 1, 70)
    closeSync(fd)
    const bytes = log.segments.map((s) => s.readRaw(0, s.size))
    const error = await cleaner(clock).clean(log, { force: true }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CoreError)
    expect(error).toMatchObject({ code: 'CORE_CORRUPT_RECORD', retriable: false })
    expect((error as Error).message).toContain(log.name)
    expect((error as Error).message).toContain(victim.logPath)
    expect(compactionLeftovers(log.dir)).toEqual([])
    expect(existsSync(join(log.dir, CLEANER_CHECKPOINT_FILE))).toBe(false)
    expect(log.segmentBaseOffsets).toEqual([0, 3, 6, 8])
    expect(log.segments.map((s) => s.readRaw(0, s.size))).toEqual(bytes)
    // Segments around the damaged one still read as written.
    const offsetsFrom = async (offset: number, maxBytes: number) =>
      (await decodeRecordBatches(log.read(offset, maxBytes).records)).flatMap((b) => b.records.map((r) => r.offset))
    expect(await offsetsFrom(0, 1)).toEqual([0, 1])
    expect(await offsetsFrom(6, 1 << 20)).toEqual([6, 7])
    expect(await offsetsFrom(8, 1 << 20)).toEqual([8])
    expect(all).toHaveLength(9)
    await log.close()
  })

  it('stops quietly when retention removes segments during the pass', async () => {
    const clock = manualClock()
    const { log, all } = await crashFixture(cleanerTempDir(), clock)
    const c = cleaner(clock, { beforeSwap: () => void log.deleteRecordsBefore(3) })
    const result = await c.clean(log, { force: true })
    expect(result).toMatchObject({ completed: false, segmentsCleaned: 0, endOffset: 0 })
    expect(compactionLeftovers(log.dir)).toEqual([])
    expect(existsSync(join(log.dir, CLEANER_CHECKPOINT_FILE))).toBe(false)
    expect(log.segmentBaseOffsets).toEqual([3, 6, 8])
    expect(await readAll(log)).toEqual(all.filter((r) => r.offset >= 3))
    // The next pass works on what is left.
    expect((await cleaner(clock).clean(log, { force: true }))!.completed).toBe(true)
    expect(await readAll(log)).toEqual(compacted(all.filter((r) => r.offset >= 3), 8))
    await log.close()
  })

  it('stops quietly when the log is closed during the pass', async () => {
    const clock = manualClock()
    const dir = cleanerTempDir()
    const { log, all } = await crashFixture(dir, clock)
    const c = cleaner(clock, { beforeSwap: () => log.close() })
    expect(await c.clean(log, { force: true })).toMatchObject({ completed: false })
    expect(compactionLeftovers(dir)).toEqual([])
    expect(await c.clean(log, { force: true })).toBeUndefined()
    const reopened = await openLog(dir, compactConfig(), clock.clock)
    expect(await readAll(reopened)).toEqual(all)
    await reopened.close()
  })
})
