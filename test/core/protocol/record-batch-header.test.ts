import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { CompressionType } from '../../../core/protocol/compression/codecs.ts'
import { crc32c } from '../../../core/protocol/crc32c.ts'
import {
  RECORD_BATCH_HEADER_SIZE,
  TimestampType,
  batchAttributes,
  batchBaseOffset,
  batchBaseSequence,
  batchBaseTimestamp,
  batchCompression,
  batchCrc,
  batchIsControl,
  batchIsTransactional,
  batchLastOffset,
  batchLastOffsetDelta,
  batchLength,
  batchMagic,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchProducerEpoch,
  batchProducerId,
  batchRecordCount,
  batchSize,
  batchTimestampType,
  computeBatchCrc,
  isBatchCrcValid,
  readInt64,
  setBatchBaseOffset,
  setBatchLogAppendTime,
  setBatchPartitionLeaderEpoch,
  validateBatch,
  writeInt64,
} from '../../../core/protocol/record-batch-header.ts'
import { decodeRecordBatch, encodeRecordBatch, encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'

const records = [
  { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1000 },
  { key: Buffer.from('b'), value: null, timestamp: 1500 },
  { key: null, value: Buffer.from('3'), timestamp: 1200 },
]

function batch(): Buffer {
  return encodeRecordBatchSync({
    records, baseOffset: 77, partitionLeaderEpoch: 5, producerId: 9000, producerEpoch: 2, baseSequence: 40,
    isTransactional: true,
  })
}

function fixCrc(buf: Buffer): void {
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17)
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return (error as CoreError).code
  }
  throw new Error('expected a CoreError')
}

describe('int64 helpers', () => {
  it('round-trip offsets, timestamps and negative ids', () => {
    const buf = Buffer.alloc(10)
    for (const value of [0, 1, -1, 2 ** 32, 2 ** 32 - 1, -(2 ** 32), 1_700_000_000_000, Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER]) {
      writeInt64(buf, 1, value)
      expect(readInt64(buf, 1)).toBe(value)
      expect(buf.readBigInt64BE(1)).toBe(BigInt(value))
    }
  })
})

describe('header readers', () => {
  it('read what the codec wrote', () => {
    const buf = batch()
    expect(batchBaseOffset(buf)).toBe(77)
    expect(batchLength(buf)).toBe(buf.length - 12)
    expect(batchSize(buf)).toBe(buf.length)
    expect(batchPartitionLeaderEpoch(buf)).toBe(5)
    expect(batchMagic(buf)).toBe(2)
    expect(batchCrc(buf)).toBe(computeBatchCrc(buf))
    expect(isBatchCrcValid(buf)).toBe(true)
    expect(batchAttributes(buf)).toBe(0x10)
    expect(batchCompression(buf)).toBe(CompressionType.None)
    expect(batchTimestampType(buf)).toBe(TimestampType.CreateTime)
    expect(batchIsTransactional(buf)).toBe(true)
    expect(batchIsControl(buf)).toBe(false)
    expect(batchLastOffsetDelta(buf)).toBe(2)
    expect(batchLastOffset(buf)).toBe(79)
    expect(batchBaseTimestamp(buf)).toBe(1000)
    expect(batchMaxTimestamp(buf)).toBe(1500)
    expect(batchProducerId(buf)).toBe(9000)
    expect(batchProducerEpoch(buf)).toBe(2)
    expect(batchBaseSequence(buf)).toBe(40)
    expect(batchRecordCount(buf)).toBe(3)
  })

  it('read a batch at an offset in a larger buffer', () => {
    const buf = Buffer.concat([Buffer.alloc(13), batch()])
    expect(batchBaseOffset(buf, 13)).toBe(77)
    expect(batchRecordCount(buf, 13)).toBe(3)
    expect(isBatchCrcValid(buf, 13)).toBe(true)
  })
})

describe('header patching', () => {
  it('baseOffset and partitionLeaderEpoch change without touching the CRC', async () => {
    const buf = batch()
    const crc = batchCrc(buf)
    setBatchBaseOffset(buf, 0, 123_456_789_012)
    setBatchPartitionLeaderEpoch(buf, 0, 9)
    expect(batchCrc(buf)).toBe(crc)
    expect(isBatchCrcValid(buf)).toBe(true)
    const decoded = await decodeRecordBatch(buf)
    expect(decoded.records.map((r) => r.offset)).toEqual([123_456_789_012, 123_456_789_013, 123_456_789_014])
    expect(decoded.partitionLeaderEpoch).toBe(9)
  })

  it('LogAppendTime sets maxTimestamp, the flag and a valid CRC', async () => {
    const buf = await encodeRecordBatch({ records, compression: CompressionType.Gzip })
    setBatchLogAppendTime(buf, 0, 99_999)
    expect(isBatchCrcValid(buf)).toBe(true)
    const decoded = await decodeRecordBatch(buf)
    expect(decoded.timestampType).toBe(TimestampType.LogAppendTime)
    expect(decoded.compression).toBe(CompressionType.Gzip)
    expect(decoded.records.map((r) => r.timestamp)).toEqual([99_999, 99_999, 99_999])
  })
})

describe('validateBatch', () => {
  it('accepts a good batch, compressed or not, and reports its facts', async () => {
    const buf = batch()
    expect(validateBatch(buf, 0, buf.length)).toEqual({
      size: buf.length, recordCount: 3, lastOffsetDelta: 2, maxTimestamp: 1500, compression: 0,
    })
    const zstd = await encodeRecordBatch({ records, compression: CompressionType.Zstd })
    expect(validateBatch(zstd, 0, zstd.length).compression).toBe(CompressionType.Zstd)
    const two = Buffer.concat([buf, zstd])
    expect(validateBatch(two, buf.length, two.length).size).toBe(zstd.length)
  })

  it('enforces the size limit with CORE_RECORD_TOO_LARGE', () => {
    const buf = batch()
    expect(validateBatch(buf, 0, buf.length, { maxBatchBytes: buf.length }).size).toBe(buf.length)
    expect(codeOf(() => validateBatch(buf, 0, buf.length, { maxBatchBytes: buf.length - 1 }))).toBe('CORE_RECORD_TOO_LARGE')
  })

  it('rejects another magic with CORE_UNSUPPORTED_FORMAT', () => {
    for (const magic of [0, 1, 3]) {
      const buf = batch()
      buf[16] = magic
      expect(codeOf(() => validateBatch(buf, 0, buf.length))).toBe('CORE_UNSUPPORTED_FORMAT')
    }
  })

  it('rejects a CRC mismatch, truncation and a too-small length', () => {
    const buf = batch()
    for (let cut = 0; cut < buf.length; cut++) {
      expect(codeOf(() => validateBatch(buf, 0, cut))).toBe('CORE_CORRUPT_RECORD')
    }
    const flipped = batch()
    flipped[buf.length - 1] ^= 1
    expect(() => validateBatch(flipped, 0, flipped.length)).toThrow(/CRC-32C mismatch/)
    const short = batch()
    short.writeInt32BE(48, 8)
    expect(codeOf(() => validateBatch(short, 0, short.length))).toBe('CORE_CORRUPT_RECORD')
  })

  it('rejects a record count that does not match the records', () => {
    for (const [count, lastDelta] of [[2, 1], [4, 3], [0, -1], [3, 5]]) {
      const buf = batch()
      buf.writeInt32BE(count, 57)
      buf.writeInt32BE(lastDelta, 23)
      fixCrc(buf)
      expect(codeOf(() => validateBatch(buf, 0, buf.length))).toBe('CORE_CORRUPT_RECORD')
    }
  })

  it('rejects trailing garbage inside the batch and garbage where a batch should start', () => {
    const inside = Buffer.concat([batch(), Buffer.from([0, 0, 0])])
    inside.writeInt32BE(inside.length - 12, 8)
    fixCrc(inside)
    expect(() => validateBatch(inside, 0, inside.length)).toThrow(/3 bytes after the last of 3 records/)
    const after = Buffer.concat([batch(), Buffer.from('trailing garbage that is not a batch at all, 0123456789abcdef')])
    const first = validateBatch(after, 0, after.length)
    expect(() => validateBatch(after, first.size, after.length)).toThrow(CoreError)
  })

  it('checks an uncompressed batch’s record lengths unless told not to', () => {
    const buf = batch()
    buf[RECORD_BATCH_HEADER_SIZE] += 2 // first record claims 1 more byte
    fixCrc(buf)
    expect(codeOf(() => validateBatch(buf, 0, buf.length))).toBe('CORE_CORRUPT_RECORD')
    expect(validateBatch(buf, 0, buf.length, { checkRecords: false }).recordCount).toBe(3)
  })
})
