/**
 * Model-based test of the partition log: random sequences of append, read, roll, retention,
 * compaction, clean reopen and crash reopen, checked after every step against an in-memory
 * model (a plain array of records by offset).
 */
import { describe, expect, it } from 'vitest'
import { CompressionType } from '../../../core/protocol/compression/codecs.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../core/protocol/record-batch.ts'
import { LogCleaner } from '../../../core/storage/log-cleaner.ts'
import { type LogConfig, resolveLogConfig } from '../../../core/storage/log-config.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

interface ModelRecord {
  offset: number
  key: string
  value: string | null
  timestamp: number
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function readFrom(log: PartitionLog, from: number, maxBytes: number): Promise<ModelRecord[]> {
  const { records } = log.read(from, maxBytes)
  const batches = await decodeRecordBatches(records)
  return batches.flatMap((b) =>
    b.records.map((r) => ({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null, timestamp: r.timestamp })),
  )
}

async function readAll(log: PartitionLog): Promise<ModelRecord[]> {
  const out: ModelRecord[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 64 * 1024)
    if (records.length === 0) break
    const batches = await decodeRecordBatches(records)
    for (const b of batches) {
      for (const r of b.records) {
        if (r.offset >= log.logStartOffset) out.push({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null, timestamp: r.timestamp })
      }
      offset = b.lastOffset + 1
    }
  }
  return out
}

async function runModel(seed: number, steps: number, overrides: Record<string, unknown>): Promise<void> {
  const random = rng(seed)
  const dir = tempDir()
  let now = 1_700_000_000_000
  const clock = () => now
  const config: LogConfig = resolveLogConfig({ 'segment.bytes': 2048, 'index.interval.bytes': 200, ...overrides })
  const cleaner = new LogCleaner({ clock })
  let log = await PartitionLog.open(dir, { config, clock })
  let model: ModelRecord[] = []
  let nextOffset = 0
  const history: string[] = []

  for (let step = 0; step < steps; step++) {
    const op = random()
    if (op < 0.45) {
      const count = 1 + Math.floor(random() * 6)
      const records: ModelRecord[] = []
      for (let i = 0; i < count; i++) {
        const key = `k${Math.floor(random() * 12)}`
        const value = random() < 0.1 ? null : `v${step}-${i}-${'x'.repeat(Math.floor(random() * 80))}`
        records.push({ offset: nextOffset + i, key, value, timestamp: now + i })
      }
      const compression = [CompressionType.None, CompressionType.None, CompressionType.Gzip, CompressionType.Lz4][Math.floor(random() * 4)]
      const batch = await encodeRecordBatch({
        compression,
        records: records.map((r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp: r.timestamp })),
      })
      const info = log.append(batch)
      expect(info.firstOffset).toBe(nextOffset)
      model.push(...records)
      nextOffset += count
      history.push(`append ${count}`)
    } else if (op < 0.7) {
      const from = log.logStartOffset + Math.floor(random() * (nextOffset - log.logStartOffset + 1))
      // Read as a consumer does: a compacted batch may hold only records below `from` (it keeps
      // its original last offset), so move past each returned batch until records show up.
      const maxBytes = 1 + Math.floor(random() * 4096)
      let position = from
      let got: ModelRecord[] = []
      while (got.length === 0 && position < log.logEndOffset) {
        const { records } = log.read(position, maxBytes)
        const batches = await decodeRecordBatches(records)
        expect(batches.length).toBeGreaterThan(0)
        got = (await readFrom(log, position, maxBytes)).filter((r) => r.offset >= from)
        position = batches[batches.length - 1].lastOffset + 1
      }
      const wanted = model.filter((r) => r.offset >= from)
      expect(got).toEqual(wanted.slice(0, got.length))
      if (wanted.length > 0) expect(got.length).toBeGreaterThan(0)
      history.push(`read ${from}`)
    } else if (op < 0.78) {
      log.roll()
      history.push('roll')
    } else if (op < 0.84) {
      now += Math.floor(random() * 4000)
      const before = log.logStartOffset
      log.deleteRetainedSegments()
      const cutoff = now - config.retentionMs
      // Only whole segments go, from the front; nothing newer than retention.ms is lost.
      expect(log.logStartOffset).toBeGreaterThanOrEqual(before)
      for (const r of model) if (r.timestamp >= cutoff && config.cleanupPolicy.includes('delete')) expect(r.offset).toBeGreaterThanOrEqual(log.logStartOffset)
      model = model.filter((r) => r.offset >= log.logStartOffset)
      history.push(`retention -> start ${log.logStartOffset}`)
    } else if (op < 0.9 && config.cleanupPolicy.includes('compact')) {
      now += Math.floor(random() * 3000)
      const activeBase = log.activeSegment.baseOffset
      await cleaner.clean(log, { force: true })
      const after = await readAll(log)
      // Compaction only removes records: what remains is unchanged, the active segment is
      // untouched, and the newest record of every key survives (unless an expired tombstone).
      const byOffset = new Map(model.map((r) => [r.offset, r]))
      for (const r of after) expect(r).toEqual(byOffset.get(r.offset))
      const kept = new Set(after.map((r) => r.offset))
      for (const r of model) if (r.offset >= activeBase) expect(kept.has(r.offset)).toBe(true)
      const latest = new Map<string, ModelRecord>()
      for (const r of model) latest.set(r.key, r)
      for (const r of latest.values()) if (r.value !== null) expect(kept.has(r.offset), `latest of ${r.key}`).toBe(true)
      expect(log.logEndOffset).toBe(nextOffset)
      model = after
      history.push('compact')
    } else if (op < 0.95) {
      await log.close()
      log = await PartitionLog.open(dir, { config, clock })
      history.push('reopen')
    } else {
      // As a crash leaves it: no flush, no clean-shutdown marker. Same process, so the page
      // cache still holds every write: nothing acknowledged may be missing.
      log.abandon()
      log = await PartitionLog.open(dir, { config, clock })
      history.push('crash')
    }
    expect(log.logEndOffset, history.slice(-5).join(', ')).toBe(nextOffset)
  }
  expect(await readAll(log)).toEqual(model)
  await log.close()
}

describe('PartitionLog against a model', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`delete policy, seed ${seed}`, async () => {
      await runModel(seed, 250, { 'retention.ms': 5000 })
    })
  }
  for (const seed of [5, 6, 7, 8]) {
    it(`compact policy, seed ${seed}`, async () => {
      await runModel(seed, 250, { 'cleanup.policy': 'compact', 'delete.retention.ms': 3000 })
    })
  }
  it('compact,delete policy', async () => {
    await runModel(9, 250, { 'cleanup.policy': 'compact,delete', 'retention.ms': 8000, 'delete.retention.ms': 3000 })
  })
})
