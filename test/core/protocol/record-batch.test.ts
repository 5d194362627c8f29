import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { compressSync as snappyRawCompress } from 'snappy'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { CompressionType, compressionTypeName } from '../../../core/protocol/compression/codecs.ts'
import { crc32c } from '../../../core/protocol/crc32c.ts'
import { TimestampType, validateBatch } from '../../../core/protocol/record-batch-header.ts'
import {
  type DecodedRecordBatch,
  type EncodeRecordBatchOptions,
  type ProducerRecord,
  decodeRecordBatch,
  decodeRecordBatchSync,
  decodeRecordBatches,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from '../../../core/protocol/record-batch.ts'

/** From ../shared/kafka-protocol/testvector.txt: value 'hi', null key, timestamp 1700000000000. */
const GOLDEN_HEX =
  '00000000000000000000003affffffff02bbcc41150000000000000000018bcfe568000000018bcfe568' +
  '00ffffffffffffffffffffffffffff00000001100000000104686900'

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]

/** Deterministic PRNG (mulberry32) so that fuzz failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function sampleRecords(): ProducerRecord[] {
  const base = 1_700_000_000_000
  const records: ProducerRecord[] = []
  for (let i = 0; i < 500; i++) {
    records.push({
      key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 11 === 0 ? null : Buffer.from(`value ${i} `.repeat(i % 13)),
      timestamp: base + ((i * 7919) % 2000) - 1000, // deltas of both signs around the first
      headers:
        i % 3 === 0
          ? []
          : [
              { key: 'trace-id', value: Buffer.from(String(i)) },
              { key: 'nullable', value: null },
              { key: 'ключ-🔑-鍵', value: Buffer.from('ünïcødé') },
            ],
    })
  }
  records.push({ key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: base - 86_400_000 })
  return records
}

/** Buffer equality without vitest's element-by-element diffing (slow for 1 MiB values). */
function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b)
}

/** What the decoder should report for `records` (ProducerRecord defaults filled in). */
function expectRecords(batch: DecodedRecordBatch, records: readonly ProducerRecord[], baseOffset = 0): void {
  expect(batch.records.length).toBe(records.length)
  batch.records.forEach((decoded, i) => {
    const want = records[i]
    expect(decoded.offset).toBe(baseOffset + i)
    expect(decoded.timestamp).toBe(want.timestamp)
    expect(sameBytes(decoded.key, want.key ?? null), `key of record ${i}`).toBe(true)
    expect(sameBytes(decoded.value, want.value), `value of record ${i}`).toBe(true)
    expect(decoded.headers.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) }))).toEqual(
      want.headers ?? [],
    )
  })
}

/** Replaces a batch's records section by `section` (already compressed with `codec`) and fixes the CRC. */
function withSection(batch: Buffer, section: Buffer, codec: number): Buffer {
  const out = Buffer.concat([batch.subarray(0, 61), section])
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE((out.readInt16BE(21) & ~7) | codec, 21)
  out.writeUInt32BE(crc32c(out.subarray(21)), 17)
  return out
}

function fixCrc(batch: Buffer): void {
  if (batch.length >= 61) batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
}

async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return error as CoreError
  }
  throw new Error('expected a CoreError')
}

function syncError(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return error as CoreError
  }
  throw new Error('expected a CoreError')
}

describe('golden test vector (Kafka record batch v2)', () => {
  const options: EncodeRecordBatchOptions = { records: [{ key: null, value: Buffer.from('hi'), timestamp: 1_700_000_000_000 }] }

  it('encodes to exactly the known bytes', async () => {
    for (const bytes of [encodeRecordBatchSync(options), await encodeRecordBatch(options)]) {
      expect(bytes.toString('hex')).toBe(GOLDEN_HEX)
      expect(bytes.length).toBe(70)
      expect(bytes.readUInt32BE(17)).toBe(0xbbcc4115)
    }
  })

  it('decodes the known bytes', async () => {
    const bytes = Buffer.from(GOLDEN_HEX, 'hex')
    for (const batch of [await decodeRecordBatch(bytes), decodeRecordBatchSync(bytes)]) {
      expect(batch).toEqual({
        baseOffset: 0, batchLength: 58, partitionLeaderEpoch: -1, magic: 2, crc: 0xbbcc4115, attributes: 0,
        compression: 0, timestampType: TimestampType.CreateTime, isTransactional: false, isControl: false,
        lastOffsetDelta: 0, lastOffset: 0, baseTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_000,
        producerId: -1, producerEpoch: -1, baseSequence: -1, recordCount: 1, sizeInBytes: 70,
        records: [{ offset: 0, timestamp: 1_700_000_000_000, key: null, value: Buffer.from('hi'), headers: [],
          attributes: 0, offsetDelta: 0, timestampDelta: 0 }],
      })
      expect(batch.records[0].value!.buffer).toBe(bytes.buffer) // zero-copy view
    }
  })
})

describe('encode / decode round trips', () => {
  for (const codec of CODECS) {
    it(`${compressionTypeName(codec)}: keys, null values, headers, negative deltas`, async () => {
      const records = sampleRecords()
      const bytes = await encodeRecordBatch({
        records, compression: codec, baseOffset: 1234567890123, partitionLeaderEpoch: 17,
        producerId: 2 ** 40 + 5, producerEpoch: 3, baseSequence: 99, isTransactional: true,
      })
      expect(validateBatch(bytes, 0, bytes.length).recordCount).toBe(records.length)
      const batch = await decodeRecordBatch(bytes)
      expect(batch.compression).toBe(codec)
      expect(batch).toMatchObject({
        baseOffset: 1234567890123, partitionLeaderEpoch: 17, producerId: 2 ** 40 + 5, producerEpoch: 3,
        baseSequence: 99, isTransactional: true, isControl: false, recordCount: records.length,
        lastOffsetDelta: records.length - 1, lastOffset: 1234567890123 + records.length - 1,
        baseTimestamp: records[0].timestamp, sizeInBytes: bytes.length,
        maxTimestamp: Math.max(...records.map((r) => r.timestamp!)),
      })
      expect(batch.records.some((r) => r.timestampDelta < 0)).toBe(true)
      expectRecords(batch, records, 1234567890123)
      if (codec !== CompressionType.None) {
        expect(bytes.length).toBeLessThan(encodeRecordBatchSync({ records }).length / 2)
      }
    })

    it(`${compressionTypeName(codec)}: 1 MiB values`, async () => {
      const records = [
        { key: Buffer.from('big'), value: randomBytes(1024 * 1024), timestamp: 5 },
        { value: Buffer.alloc(1024 * 1024, 'abc'), timestamp: 6 },
      ]
      const batch = await decodeRecordBatch(await encodeRecordBatch({ records, compression: codec }))
      expectRecords(batch, records)
    })
  }

  it('defaults timestamps to `now`, baseTimestamp to the first record', async () => {
    const batch = decodeRecordBatchSync(encodeRecordBatchSync({ records: [{ value: null }, { value: null, timestamp: 50 }], now: 100 }))
    expect(batch.baseTimestamp).toBe(100)
    expect(batch.maxTimestamp).toBe(100)
    expect(batch.records.map((r) => [r.timestamp, r.timestampDelta])).toEqual([[100, 0], [50, -50]])
    const before = Date.now()
    const fresh = decodeRecordBatchSync(encodeRecordBatchSync({ records: [{ value: null }] }))
    expect(fresh.maxTimestamp).toBeGreaterThanOrEqual(before)
    const explicit = decodeRecordBatchSync(encodeRecordBatchSync({ records: [{ value: null, timestamp: 10 }], baseTimestamp: 4 }))
    expect(explicit.records[0]).toMatchObject({ timestamp: 10, timestampDelta: 6 })
  })

  it('keeps compacted offset gaps and lastOffsetDelta', async () => {
    const records = [{ value: Buffer.from('a'), timestamp: 1 }, { value: Buffer.from('b'), timestamp: 2 }]
    for (const codec of [CompressionType.None, CompressionType.Lz4]) {
      const bytes = await encodeRecordBatch({ records, compression: codec, baseOffset: 100, offsetDeltas: [2, 9], lastOffsetDelta: 12 })
      const batch = await decodeRecordBatch(bytes)
      expect(batch.records.map((r) => r.offset)).toEqual([102, 109])
      expect(batch.lastOffset).toBe(112)
      expect(batch.recordCount).toBe(2)
    }
    const defaultLast = decodeRecordBatchSync(encodeRecordBatchSync({ records, offsetDeltas: [0, 5] }))
    expect(defaultLast.lastOffsetDelta).toBe(5)
  })

  it('LogAppendTime: records report the batch maxTimestamp', () => {
    const bytes = encodeRecordBatchSync({
      records: [{ value: null, timestamp: 10 }, { value: null, timestamp: 30 }, { value: null, timestamp: 20 }],
      timestampType: TimestampType.LogAppendTime, isControl: true,
    })
    const batch = decodeRecordBatchSync(bytes)
    expect(batch).toMatchObject({ timestampType: TimestampType.LogAppendTime, isControl: true, attributes: 0x28, maxTimestamp: 30 })
    expect(batch.records.map((r) => r.timestamp)).toEqual([30, 30, 30])
  })

  it('rejects invalid encode options with CORE_INVALID_ARGUMENT', async () => {
    const one = [{ value: null, timestamp: 1 }]
    const bad: EncodeRecordBatchOptions[] = [
      { records: [] },
      { records: one, baseOffset: -1 },
      { records: one, baseOffset: 1.5 },
      { records: one, partitionLeaderEpoch: 2 ** 31 },
      { records: one, producerEpoch: 40000 },
      { records: one, baseSequence: -2 },
      { records: [{ value: null, timestamp: 1.5 }] },
      { records: [{ value: null, timestamp: Number.NaN }] },
      { records: one, offsetDeltas: [0, 1] },
      { records: [...one, ...one], offsetDeltas: [3, 3] },
      { records: one, offsetDeltas: [-1] },
      { records: one, offsetDeltas: [5], lastOffsetDelta: 4 },
      { records: one, compression: 6 as CompressionType },
    ]
    for (const options of bad) {
      expect(syncError(() => encodeRecordBatchSync(options)).code).toBe('CORE_INVALID_ARGUMENT')
      expect((await rejection(encodeRecordBatch(options))).code).toBe('CORE_INVALID_ARGUMENT')
    }
    expect(syncError(() => encodeRecordBatchSync({ records: one, compression: CompressionType.Gzip })).code).toBe(
      'CORE_INVALID_ARGUMENT',
    )
  })

  it('decodeRecordBatchSync refuses compressed batches', async () => {
    const bytes = await encodeRecordBatch({ records: [{ value: null }], compression: CompressionType.Snappy })
    expect(syncError(() => decodeRecordBatchSync(bytes)).code).toBe('CORE_INVALID_ARGUMENT')
  })
})

describe.skipIf((!existsSync('/usr/bin/zstd') || !existsSync('/usr/bin/lz4')) && process.env.CI !== 'true')('batches compressed by other tools', () => {
  const records = sampleRecords()
  const plain = encodeRecordBatchSync({ records })
  const section = plain.subarray(61)
  const run = (cmd: string, args: string[]): Buffer => execFileSync(cmd, args, { input: section, maxBuffer: 1 << 26 })

  it('decodes zstd streaming frames (no content size), lz4 CLI frames and xerial snappy', async () => {
    // xerial framing: magic, version 1, compatible version 1, then [int32 length][raw snappy] blocks.
    const xerial: Buffer[] = [Buffer.from('82534e41505059000000000100000001', 'hex')]
    for (let pos = 0; pos < section.length; pos += 32 * 1024) {
      const block = snappyRawCompress(section.subarray(pos, pos + 32 * 1024))
      const length = Buffer.alloc(4)
      length.writeInt32BE(block.length)
      xerial.push(length, block)
    }
    const foreign = [
      withSection(plain, run('sh', ['-c', 'cat | zstd -c -q']), CompressionType.Zstd),
      withSection(plain, run('zstd', ['-c', '-q', '--no-content-size']), CompressionType.Zstd),
      withSection(plain, run('lz4', ['-c', '-q', '-BD']), CompressionType.Lz4),
      withSection(plain, Buffer.concat(xerial), CompressionType.Snappy),
    ]
    for (const bytes of foreign) expectRecords(await decodeRecordBatch(bytes), records)
  })
})

describe('decodeRecordBatches', () => {
  it('decodes consecutive batches and ignores a trailing partial one', async () => {
    const a = encodeRecordBatchSync({ records: [{ value: Buffer.from('a'), timestamp: 1 }], baseOffset: 0 })
    const b = await encodeRecordBatch({ records: sampleRecords(), baseOffset: 1, compression: CompressionType.Gzip })
    const c = encodeRecordBatchSync({ records: [{ value: Buffer.from('c'), timestamp: 3 }], baseOffset: 502 })
    const all = Buffer.concat([a, b, c])
    expect((await decodeRecordBatches(all)).map((x) => x.baseOffset)).toEqual([0, 1, 502])
    for (const cut of [all.length - 1, all.length - c.length + 11, all.length - c.length + 12, all.length - c.length + 30]) {
      expect((await decodeRecordBatches(all.subarray(0, cut))).map((x) => x.baseOffset)).toEqual([0, 1])
    }
    expect(await decodeRecordBatches(Buffer.alloc(0))).toEqual([])
    const broken = Buffer.from(all)
    broken[a.length + 100] ^= 1
    expect((await rejection(decodeRecordBatches(broken))).code).toBe('CORE_CORRUPT_RECORD')
  })

  it('decodes a batch at an offset inside a larger buffer', async () => {
    const bytes = Buffer.concat([Buffer.alloc(7, 9), Buffer.from(GOLDEN_HEX, 'hex'), Buffer.alloc(3)])
    expect((await decodeRecordBatch(bytes, 7)).records[0].value).toEqual(Buffer.from('hi'))
    expect(syncError(() => decodeRecordBatchSync(bytes, 200)).code).toBe('CORE_INVALID_ARGUMENT')
  })
})

describe('corruption is detected', () => {
  /** Fields outside the CRC, which a flip may change without an error: [first byte, last byte, field]. */
  const OUTSIDE_CRC = [[0, 7, 'baseOffset'], [12, 15, 'partitionLeaderEpoch']] as const

  async function checkEveryFlip(bytes: Buffer): Promise<void> {
    const original = await decodeRecordBatch(bytes)
    for (let pos = 0; pos < bytes.length; pos++) {
      for (const mask of [0xff, 0x01, 0x80]) {
        const flipped = Buffer.from(bytes)
        flipped[pos] ^= mask
        const outside = OUTSIDE_CRC.find(([from, to]) => pos >= from && pos <= to)
        if (outside === undefined) {
          const error = await rejection(decodeRecordBatch(flipped))
          expect(['CORE_CORRUPT_RECORD', 'CORE_UNSUPPORTED_FORMAT']).toContain(error.code)
          expect(() => validateBatch(flipped, 0, flipped.length)).toThrow(CoreError)
          continue
        }
        const field = outside[2]
        const rawBaseOffset = flipped.readBigInt64BE(0)
        if (rawBaseOffset < 0n || rawBaseOffset + BigInt(original.lastOffsetDelta) > BigInt(Number.MAX_SAFE_INTEGER)) {
          // Offsets a number cannot hold exactly are refused rather than decoded wrongly.
          expect((await rejection(decodeRecordBatch(flipped))).code).toBe('CORE_CORRUPT_RECORD')
          continue
        }
        const decoded = await decodeRecordBatch(flipped)
        expect(decoded[field]).not.toBe(original[field])
        if (field === 'baseOffset') {
          const shift = decoded.baseOffset - original.baseOffset
          expect({
            ...decoded, baseOffset: original.baseOffset, lastOffset: decoded.lastOffset - shift,
            records: decoded.records.map((r) => ({ ...r, offset: r.offset - shift })),
          }).toEqual(original)
        } else {
          expect({ ...decoded, partitionLeaderEpoch: original.partitionLeaderEpoch }).toEqual(original)
        }
      }
    }
  }

  const records = [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1000, headers: [{ key: 'h', value: null }] },
    { key: null, value: Buffer.from('value-two'), timestamp: 990 },
  ]

  it('in an uncompressed batch, at every byte', async () => {
    await checkEveryFlip(await encodeRecordBatch({ records, baseOffset: 42, partitionLeaderEpoch: 3 }))
  })

  it('in a compressed (lz4) batch, at every byte', async () => {
    await checkEveryFlip(await encodeRecordBatch({ records, compression: CompressionType.Lz4, baseOffset: 42 }))
  })

  it('names the problem and the record when the CRC is right but a record is not', async () => {
    const bytes = encodeRecordBatchSync({ records })
    const badLength = Buffer.from(bytes)
    badLength[61] = 0x7e // record 0 length 63: past the batch end
    fixCrc(badLength)
    expect((await rejection(decodeRecordBatch(badLength))).message).toMatch(/Record 0 of 2: length 63 .* byte 0/)
    const badCount = Buffer.from(bytes)
    badCount.writeInt32BE(1, 57)
    badCount.writeInt32BE(0, 23)
    fixCrc(badCount)
    expect((await rejection(decodeRecordBatch(badCount))).message).toMatch(/bytes after the last of 1 records/)
    expect((await rejection(decodeRecordBatch(badLength, 0, { verifyCrc: false }))).code).toBe('CORE_CORRUPT_RECORD')
    const legacy = Buffer.from(bytes)
    legacy[16] = 1
    expect((await rejection(decodeRecordBatch(legacy))).code).toBe('CORE_UNSUPPORTED_FORMAT')
    const codec7 = Buffer.from(bytes)
    codec7[22] |= 7
    fixCrc(codec7)
    expect((await rejection(decodeRecordBatch(codec7))).code).toBe('CORE_UNSUPPORTED_COMPRESSION')
  })

  it('skips the CRC check only when asked', async () => {
    const bytes = encodeRecordBatchSync({ records })
    bytes.writeUInt32BE(0, 17)
    expect((await rejection(decodeRecordBatch(bytes))).message).toMatch(/CRC-32C mismatch/)
    expect((await decodeRecordBatch(bytes, 0, { verifyCrc: false })).records.length).toBe(2)
  })
})

describe('fuzz: decoders throw only CoreError', () => {
  it('20,000 random and mutated buffers', async () => {
    const random = prng(0xc0ffee)
    const int = (n: number): number => Math.floor(random() * n)
    const seeds: Buffer[] = [encodeRecordBatchSync({ records: sampleRecords().slice(0, 20) }), Buffer.from(GOLDEN_HEX, 'hex')]
    for (const codec of CODECS.slice(1)) {
      seeds.push(await encodeRecordBatch({ records: sampleRecords().slice(0, 20), compression: codec }))
    }
    const stray: unknown[] = []
    const check = (error: unknown): void => {
      if (!(error instanceof CoreError)) stray.push(error)
    }
    for (let i = 0; i < 20_000; i++) {
      let buf: Buffer
      const kind = int(10)
      if (kind === 0) {
        buf = Buffer.from(Array.from({ length: int(200) }, () => int(256)))
      } else {
        const seed = seeds[int(seeds.length)]
        buf = Buffer.from(kind === 1 ? seed.subarray(0, int(seed.length + 1)) : seed)
        const flips = 1 + int(kind < 5 ? 2 : 8)
        for (let f = 0; f < flips && buf.length > 0; f++) {
          // Prefer the record bytes after the header, and sometimes plant extreme varints.
          const at = buf.length > 61 && random() < 0.8 ? 61 + int(buf.length - 61) : int(buf.length)
          buf[at] = random() < 0.3 ? [0x00, 0x01, 0x7f, 0x80, 0xff][int(5)] : int(256)
        }
        if (kind >= 3) fixCrc(buf) // get past the CRC so that the record parser is exercised
      }
      const verifyCrc = random() < 0.8
      await decodeRecordBatch(buf, 0, { verifyCrc }).catch(check)
      try {
        validateBatch(buf, 0, buf.length)
      } catch (error) {
        check(error)
      }
    }
    expect(stray).toEqual([])
  }, 120_000)
})
