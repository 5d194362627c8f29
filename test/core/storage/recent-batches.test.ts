import { describe, expect, it } from 'vitest'
import { LogSegment } from '../../../core/storage/log-segment.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { RecentBatches } from '../../../core/storage/recent-batches.ts'
import { resolveLogConfig } from '../../../core/storage/log-config.ts'
import { batchOfCount } from '../../helpers/batches.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

/** Batches of `sizes[i]` bytes and `counts[i]` records, contiguous from position 0 and offset 0. */
function filled(recent: RecentBatches, sizes: readonly number[], counts: readonly number[]): { position: number; offset: number }[] {
  const starts: { position: number; offset: number }[] = []
  let position = 0
  let offset = 0
  for (let i = 0; i < sizes.length; i++) {
    starts.push({ position, offset })
    recent.push(position, sizes[i], offset, offset + counts[i] - 1, 1000 + i)
    position += sizes[i]
    offset += counts[i]
  }
  return starts
}

describe('RecentBatches', () => {
  it('finds the first batch whose last offset reaches an offset, and says when none does', () => {
    const recent = new RecentBatches(8)
    filled(recent, [100, 200, 50], [10, 5, 1])
    expect(recent.find(0)).toEqual({ position: 0, size: 100, baseOffset: 0, lastOffset: 9, maxTimestamp: 1000 })
    expect(recent.find(9)?.position).toBe(0)
    expect(recent.find(10)).toEqual({ position: 100, size: 200, baseOffset: 10, lastOffset: 14, maxTimestamp: 1001 })
    expect(recent.find(15)?.position).toBe(300)
    expect(recent.find(16)).toBeNull()
    expect(recent.find(0, 100)?.position).toBe(100)
  })

  it('keeps only the newest entries, growing its storage up to the capacity', () => {
    const recent = new RecentBatches(4)
    const starts = filled(recent, [10, 10, 10, 10, 10, 10], [1, 1, 1, 1, 1, 1])
    expect(recent.size).toBe(4)
    expect(recent.firstOffset).toBe(2)
    // Before the oldest entry: the caller must scan the file.
    expect(recent.find(1)).toBeUndefined()
    for (let i = 2; i < 6; i++) expect(recent.find(i)?.position).toBe(starts[i].position)
    expect(recent.find(6)).toBeNull()
  })

  it('wraps around many times and still answers in file order', () => {
    const recent = new RecentBatches(5)
    const sizes = Array.from({ length: 23 }, (_, i) => 20 + (i % 7))
    const counts = Array.from({ length: 23 }, (_, i) => 1 + (i % 3))
    const starts = filled(recent, sizes, counts)
    for (let i = 18; i < 23; i++) {
      expect(recent.find(starts[i].offset)?.position).toBe(starts[i].position)
      expect(recent.find(starts[i].offset + counts[i] - 1)?.position).toBe(starts[i].position)
    }
    expect(recent.find(starts[17].offset)).toBeUndefined()
  })

  it('ends a read at whole batches within maxBytes, and takes the first batch whole', () => {
    const recent = new RecentBatches(16)
    filled(recent, [100, 200, 50, 70], [1, 1, 1, 1])
    const end = 420
    expect(recent.endOfBatchesFrom(0, 1000, end)).toBe(420)
    expect(recent.endOfBatchesFrom(0, 300, end)).toBe(300)
    expect(recent.endOfBatchesFrom(0, 299, end)).toBe(100)
    expect(recent.endOfBatchesFrom(0, 10, end)).toBe(100)
    expect(recent.endOfBatchesFrom(100, 1000, 350)).toBe(350)
    expect(recent.endOfBatchesFrom(100, 1000, 200)).toBe(100)
    expect(recent.endOfBatchesFrom(101, 1000, end)).toBeUndefined()
  })

  it('forgets everything on clear', () => {
    const recent = new RecentBatches(4)
    filled(recent, [10, 10], [1, 1])
    recent.clear()
    expect(recent.size).toBe(0)
    expect(recent.find(0)).toBeUndefined()
  })

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentBatches(0)).toThrow(RangeError)
    expect(() => new RecentBatches(1.5)).toThrow(RangeError)
  })
})

describe('LogSegment reads near the end of the log', () => {
  const segmentConfig = { indexIntervalBytes: 4096, maxIndexSize: 1 << 20 }

  function appendBatches(segment: LogSegment, count: number, recordsEach: number, valueSize: number): { offset: number; position: number; size: number }[] {
    const out: { offset: number; position: number; size: number }[] = []
    let offset = segment.nextOffset
    for (let i = 0; i < count; i++) {
      const batch = batchOfCount(recordsEach, `b${i}`, valueSize)
      batch.writeInt32BE(0, 0)
      batch.writeUInt32BE(offset, 4)
      const position = segment.size
      segment.append(batch, 0, batch.length, [{ bufPos: 0, size: batch.length, baseOffset: offset, lastOffset: offset + recordsEach - 1, maxTimestamp: 1_700_000_000_000 }])
      out.push({ offset, position, size: batch.length })
      offset += recordsEach
    }
    return out
  }

  it('answers as a scan of the file does, for offsets in and before the remembered batches', () => {
    const dir = tempDir()
    const segment = LogSegment.create(dir, 0, segmentConfig, Date.now())
    try {
      // More batches than the segment remembers (512), so early offsets take the file path.
      const batches = appendBatches(segment, 600, 3, 20)
      const reopened = LogSegment.open(dir, 0, segmentConfig, false)
      try {
        for (const offset of [0, 1, 5, 300, 1000, 1799, 1500, 262, 264]) {
          const fromMemory = segment.translateOffset(offset)
          const fromFile = reopened.translateOffset(offset)
          expect(fromMemory).toEqual(fromFile)
          const read = segment.read(offset, 200)
          const fileRead = reopened.read(offset, 200)
          expect(read?.records.equals(fileRead!.records)).toBe(true)
          expect(read?.firstBatch).toEqual(fileRead?.firstBatch)
        }
        expect(segment.translateOffset(1800)).toBeUndefined()
        expect(segment.read(1800, 1000)).toBeUndefined()
        // Whole batches only, the first one even when larger than maxBytes.
        const last = batches[batches.length - 1]
        expect(segment.read(last.offset, 1)?.records.length).toBe(last.size)
        const twoBefore = batches[batches.length - 3]
        const sized = segment.read(twoBefore.offset, twoBefore.size + batches[batches.length - 2].size + 1)
        expect(sized?.records.length).toBe(twoBefore.size + batches[batches.length - 2].size)
      } finally {
        reopened.close()
      }
    } finally {
      segment.close()
    }
  })

  it('forgets batches removed by truncation', () => {
    const dir = tempDir()
    const segment = LogSegment.create(dir, 0, segmentConfig, Date.now())
    try {
      const batches = appendBatches(segment, 10, 2, 10)
      segment.truncateTo(batches[6].offset)
      expect(segment.translateOffset(batches[6].offset)).toBeUndefined()
      expect(segment.read(batches[7].offset, 1000)).toBeUndefined()
      expect(segment.translateOffset(batches[5].offset)?.position).toBe(batches[5].position)
      // Appends after the truncation are found again.
      const again = appendBatches(segment, 2, 2, 10)
      expect(again[0].offset).toBe(batches[6].offset)
      expect(segment.translateOffset(again[1].offset)?.position).toBe(again[1].position)
    } finally {
      segment.close()
    }
  })
})

describe('PartitionLog reads of the active segment after recovery and rolls', () => {
  it('reads every batch back the same way whether remembered or scanned', async () => {
    const dir = tempDir()
    const log = await PartitionLog.open(dir, { config: resolveLogConfig({ 'segment.bytes': 4096 }) })
    const expected: number[] = []
    for (let i = 0; i < 60; i++) {
      const info = log.append(batchOfCount(2, `r${i}`, 40))
      expected.push(info.firstOffset)
    }
    expect(log.segmentCount).toBeGreaterThan(2)
    const reads = expected.map((offset) => log.read(offset, 1).records)
    await log.close()
    const reopened = await PartitionLog.open(dir, { config: resolveLogConfig({ 'segment.bytes': 4096 }) })
    try {
      expected.forEach((offset, i) => expect(reopened.read(offset, 1).records.equals(reads[i])).toBe(true))
      const info = reopened.append(batchOfCount(2, 'after', 40))
      expect(reopened.read(info.firstOffset, 1 << 20).records.readUInt32BE(4)).toBe(info.firstOffset)
      expect(reopened.read(expected[expected.length - 1], 1 << 20).records.length).toBeGreaterThan(reads[reads.length - 1].length)
    } finally {
      await reopened.close()
    }
  })
})
