import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { decodeRecordBatch, decodeRecordBatchHeader, encodeRecordBatchSync, openRecords } from '../../../core/protocol/record-batch.ts'
import { NO_RECORD_HEADERS, type RecordFactory, type RecordHeader, RecordReader } from '../../../core/protocol/record-batch-reader.ts'
import { RECORD_BATCH_HEADER_SIZE, TimestampType, validateBatch } from '../../../core/protocol/record-batch-header.ts'

/** Lengths and deltas around the one/two/three-byte varint boundaries. */
const SIZES = [0, 1, 63, 64, 65, 127, 128, 8191, 8192, 8193, 70_000]
const DELTAS = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 30, 2 ** 40]

function readAll(reader: RecordReader) {
  const out = []
  while (reader.next()) {
    const { offset, timestamp, key, value, headers, attributes, offsetDelta, timestampDelta } = reader
    out.push({ offset, timestamp, key, value, headers, attributes, offsetDelta, timestampDelta })
  }
  return out
}

describe('RecordReader', () => {
  it('reads every field across varint size boundaries, as decodeRecordBatch does', async () => {
    const base = 1_700_000_000_000
    const records = SIZES.flatMap((size, i) => [
      { key: size % 2 === 0 ? Buffer.alloc(size, 1) : null, value: Buffer.alloc(size, 2), timestamp: base + DELTAS[i % DELTAS.length] },
      { key: Buffer.from('k'), value: null, timestamp: base + DELTAS[(i + 5) % DELTAS.length], headers: [{ key: 'h'.repeat(size % 200), value: Buffer.alloc(size % 300) }, { key: 'n', value: null }] },
    ])
    const offsetDeltas = records.map((_, i) => i * 70)
    const bytes = encodeRecordBatchSync({ records, baseOffset: 1000, baseTimestamp: base, offsetDeltas })
    // An independent walk of the record lengths and offset deltas (varint.ts's readers).
    expect(validateBatch(bytes, 0, bytes.length, { requireContiguousOffsets: false }).recordCount).toBe(records.length)
    const batch = decodeRecordBatchHeader(bytes)
    expect(batch.records).toEqual([])
    const reader = openRecords(batch, bytes, 0) as RecordReader
    expect(reader.remaining).toBe(records.length)
    const read = readAll(reader)
    expect(reader.remaining).toBe(0)
    const decoded = await decodeRecordBatch(bytes)
    expect(read).toEqual(decoded.records)
    read.forEach((r, i) => {
      expect(r.offset).toBe(1000 + offsetDeltas[i])
      expect(r.timestamp).toBe(records[i].timestamp)
      expect(r.value).toEqual(records[i].value)
      expect(r.key).toEqual(records[i].key)
    })
  })

  it('gives records without headers one frozen empty list', () => {
    const bytes = encodeRecordBatchSync({ records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] })
    const reader = new RecordReader(decodeRecordBatchHeader(bytes), bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
    expect(reader.next()).toBe(true)
    expect(reader.headers).toBe(NO_RECORD_HEADERS)
    expect(Object.isFrozen(reader.headers)).toBe(true)
  })

  it('reports LogAppendTime batches with the batch timestamp', () => {
    const bytes = encodeRecordBatchSync({ records: [{ value: null, timestamp: 5 }], timestampType: TimestampType.LogAppendTime })
    bytes.writeBigInt64BE(77n, 35) // maxTimestamp, outside what the reader checks
    const reader = new RecordReader(decodeRecordBatchHeader(bytes, 0, { verifyCrc: false }), bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
    expect(reader.next()).toBe(true)
    expect(reader.timestamp).toBe(77)
  })

  it('throws the decoder\'s errors, then is finished', async () => {
    const bytes = encodeRecordBatchSync({ records: [{ value: Buffer.from('abc') }, { value: Buffer.from('def') }] })
    const cut = bytes.subarray(0, bytes.length - 2)
    const reader = new RecordReader(decodeRecordBatchHeader(bytes), cut, RECORD_BATCH_HEADER_SIZE, cut.length, 0)
    expect(reader.next()).toBe(true)
    let error: unknown
    try {
      reader.next()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_CORRUPT_RECORD')
    expect((error as CoreError).message).toMatch(/^Record 1 of 2: .*\(record batch at byte 0\)$/)
    expect(reader.remaining).toBe(0)
    expect(reader.next()).toBe(false)
    // Bytes after the last record.
    const padded = Buffer.concat([bytes, Buffer.alloc(3)])
    const trailing = new RecordReader(decodeRecordBatchHeader(bytes), padded, RECORD_BATCH_HEADER_SIZE, padded.length, 0)
    expect(readAll.bind(null, trailing)).toThrow(/3 bytes after the last of 2 records/)
  })

  it('refuses a record count that cannot fit', () => {
    const bytes = encodeRecordBatchSync({ records: [{ value: null }] })
    const header = { ...decodeRecordBatchHeader(bytes), recordCount: 5, lastOffsetDelta: 4 }
    expect(() => new RecordReader(header, bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)).toThrow(/Record count 5 cannot fit/)
  })

  describe('readInto', () => {
    interface Made { offset: number; timestamp: number; key: Buffer | null; value: Buffer | null; headers: readonly RecordHeader[] }
    const factory: RecordFactory<Made> = { record: (offset, timestamp, key, value, headers) => ({ offset, timestamp, key, value, headers }) }
    const fields = ({ offset, timestamp, key, value, headers }: Made) => ({ offset, timestamp, key, value, headers })

    /** Every record through next(), and through readInto in steps of `step`, from `fromOffset`. */
    function both(bytes: Buffer, step: number, fromOffset = 0, verifyCrc = true) {
      const header = decodeRecordBatchHeader(bytes, 0, { verifyCrc })
      const one = new RecordReader(header, bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
      const expected: Made[] = []
      while (one.next()) if (one.offset >= fromOffset) expected.push(fields(one))
      const many = new RecordReader(header, bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
      const got: Made[] = []
      for (let n = 1; n > 0;) {
        n = many.readInto(step, fromOffset, got, got.length, factory)
        expect(n).toBeLessThanOrEqual(step)
        if (got.length > 0) expect(fields(many)).toEqual(expected[got.length - 1])
      }
      expect(many.remaining).toBe(0)
      expect(many.next()).toBe(false)
      return { expected, got }
    }

    it('gives what next() gives, across varint sizes, with and without headers, in steps', () => {
      const base = 1_700_000_000_000
      const records = SIZES.flatMap((size, i) => [
        { key: size % 2 === 0 ? Buffer.alloc(size, 1) : null, value: Buffer.alloc(size, 2), timestamp: base + DELTAS[i % DELTAS.length] },
        { key: Buffer.from('k'), value: null, timestamp: base + DELTAS[(i + 5) % DELTAS.length], headers: [{ key: 'h', value: Buffer.alloc(size % 300) }] },
        { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: base + i },
      ])
      const offsetDeltas = records.map((_, i) => i * 70)
      const bytes = encodeRecordBatchSync({ records, baseOffset: 1000, baseTimestamp: base, offsetDeltas })
      for (const step of [1, 7, 1000]) {
        const { expected, got } = both(bytes, step)
        expect(got).toEqual(expected)
        expect(got).toHaveLength(records.length)
        expect(got[2].headers).toBe(NO_RECORD_HEADERS)
      }
    })

    it('skips records below fromOffset without counting them', () => {
      const bytes = encodeRecordBatchSync({ records: Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`v${i}`) })), baseOffset: 50 })
      const { expected, got } = both(bytes, 3, 56)
      expect(got.map((r) => r.value!.toString())).toEqual(['v6', 'v7', 'v8', 'v9'])
      expect(got).toEqual(expected)
    })

    it('reports LogAppendTime batches with the batch timestamp', () => {
      const bytes = encodeRecordBatchSync({ records: [{ value: null, timestamp: 5 }, { value: Buffer.from('x'), timestamp: 9 }], timestampType: TimestampType.LogAppendTime })
      bytes.writeBigInt64BE(77n, 35)
      const { got } = both(bytes, 10, 0, false)
      expect(got.map((r) => r.timestamp)).toEqual([77, 77])
    })

    it('throws what next() throws, after storing the records before', () => {
      const good = encodeRecordBatchSync({ records: [{ value: Buffer.from('abc') }, { value: Buffer.from('def') }, { value: Buffer.from('ghi') }] })
      const corruptions: ((b: Buffer) => void)[] = [
        // The last record: length, attributes, timestamp delta, offset delta, key length (-1),
        // value length (3), 'ghi', header count: one byte each.
        (b) => { b[b.length - 1] = 2 }, // one header that is not there
        (b) => { b[b.length - 5] = 0x7e }, // value length 63
        (b) => { b[b.length - 7] = 0 }, // offset delta 0 again
        (b) => { b[b.length - 10] = 0x7e }, // record length 63
      ]
      for (const corrupt of corruptions) {
        const bytes = Buffer.from(good)
        corrupt(bytes)
        const header = decodeRecordBatchHeader(bytes, 0, { verifyCrc: false })
        const one = new RecordReader(header, bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
        let expected: unknown
        try {
          while (one.next());
        } catch (error) {
          expected = error
        }
        expect(expected).toBeInstanceOf(CoreError)
        const many = new RecordReader(header, bytes, RECORD_BATCH_HEADER_SIZE, bytes.length, 0)
        const got: Made[] = []
        expect(() => many.readInto(10, 0, got, 0, factory)).toThrow((expected as Error).message)
        expect(got.map((r) => r.value!.toString())).toEqual(['abc', 'def'])
        expect(many.remaining).toBe(0)
      }
      const cut = good.subarray(0, good.length - 2)
      const many = new RecordReader(decodeRecordBatchHeader(good), cut, RECORD_BATCH_HEADER_SIZE, cut.length, 0)
      expect(() => many.readInto(10, 0, [], 0, factory)).toThrow(/^Record 2 of 3: .*\(record batch at byte 0\)$/)
    })
  })
})
