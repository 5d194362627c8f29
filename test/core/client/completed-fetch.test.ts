import { describe, expect, it } from 'vitest'
import { type ConsumerRecord, type RecordChunk, decodeCompletedFetch } from '../../../core/client/completed-fetch.ts'
import { crc32c } from '../../../core/protocol/crc32c.ts'
import { encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'

const records = (...values: string[]) => values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1 }))

function abortMarker(baseOffset: number, producerId: number): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0) // version
  key.writeInt16BE(0, 2) // ABORT
  return encodeRecordBatchSync({ records: [{ key, value: Buffer.alloc(6), timestamp: 1 }], baseOffset, producerId, producerEpoch: 0, isTransactional: true, isControl: true })
}

/** Takes every record of a chunk. */
function drain(chunk: RecordChunk): ConsumerRecord[] {
  const out: ConsumerRecord[] = []
  chunk.take(Infinity, out)
  expect(chunk.done).toBe(true)
  return out
}

const values = (taken: readonly (readonly ConsumerRecord[])[]) => taken.flatMap((records) => records.map((r) => r.value!.toString()))

describe('decodeCompletedFetch', () => {
  it('drops records below the fetch offset of a batch that starts before it', async () => {
    const bytes = Buffer.concat([encodeRecordBatchSync({ records: records('a', 'b', 'c'), baseOffset: 10 }), encodeRecordBatchSync({ records: records('d'), baseOffset: 13 })])
    const fetched = await decodeCompletedFetch('t', 0, bytes, 11, false, null)
    const taken = fetched.chunks.map(drain)
    expect(values(taken)).toEqual(['b', 'c', 'd'])
    expect(fetched.chunks.map((c) => c.nextOffset)).toEqual([13, 14])
    expect(fetched.nextFetchOffset).toBe(14)
    expect(taken[0][0]).toMatchObject({ topic: 't', partition: 0, offset: 11, timestampType: 'CreateTime' })
  })

  it('moves past a compacted batch whose last records are gone, and skips batches wholly below the offset', async () => {
    // Offsets 20..24 where only 20 and 22 survived compaction (lastOffsetDelta still 4).
    const compacted = encodeRecordBatchSync({ records: records('x', 'y'), baseOffset: 20, offsetDeltas: [0, 2], lastOffsetDelta: 4 })
    const earlier = encodeRecordBatchSync({ records: records('old'), baseOffset: 5 })
    const fetched = await decodeCompletedFetch('t', 0, Buffer.concat([earlier, compacted]), 21, false, null)
    expect(values(fetched.chunks.map(drain))).toEqual(['y'])
    expect(fetched.nextFetchOffset).toBe(25)
  })

  it('ignores a trailing partial batch and an empty response', async () => {
    const whole = encodeRecordBatchSync({ records: records('a'), baseOffset: 0 })
    const next = encodeRecordBatchSync({ records: records('b'), baseOffset: 1 })
    const fetched = await decodeCompletedFetch('t', 0, Buffer.concat([whole, next.subarray(0, 30)]), 0, false, null)
    expect(values(fetched.chunks.map(drain))).toEqual(['a'])
    expect(fetched.nextFetchOffset).toBe(1)
    expect(await decodeCompletedFetch('t', 0, null, 7, false, null)).toEqual({ chunks: [], nextFetchOffset: 7 })
  })

  it('read_committed drops aborted transactions and control batches, read_uncommitted only control batches', async () => {
    const bytes = Buffer.concat([
      encodeRecordBatchSync({ records: records('aborted-1'), baseOffset: 0, producerId: 7, producerEpoch: 0, isTransactional: true }),
      encodeRecordBatchSync({ records: records('committed'), baseOffset: 1, producerId: 8, producerEpoch: 0, isTransactional: true }),
      abortMarker(2, 7),
      encodeRecordBatchSync({ records: records('plain'), baseOffset: 3 }),
      encodeRecordBatchSync({ records: records('later-7'), baseOffset: 4, producerId: 7, producerEpoch: 0, isTransactional: true }),
    ])
    const aborted = [{ producerId: 7, firstOffset: 0 }]
    const committed = await decodeCompletedFetch('t', 0, bytes, 0, true, aborted)
    expect(values(committed.chunks.map(drain))).toEqual(['committed', 'plain', 'later-7'])
    expect(committed.nextFetchOffset).toBe(5)
    const uncommitted = await decodeCompletedFetch('t', 0, bytes, 0, false, null)
    expect(values(uncommitted.chunks.map(drain))).toEqual(['aborted-1', 'committed', 'plain', 'later-7'])
  })

  it('turns headers into a record (last value wins) and keeps the list', async () => {
    const bytes = encodeRecordBatchSync({
      records: [{ key: Buffer.from('k'), value: null, timestamp: 1, headers: [{ key: 'h', value: Buffer.from('1') }, { key: 'h', value: Buffer.from('2') }, { key: 'n', value: null }] }],
    })
    const [record] = drain((await decodeCompletedFetch('t', 3, bytes, 0, false, null)).chunks[0])
    expect(record.headers.h!.toString()).toBe('2')
    expect(record.headers.n).toBeNull()
    expect(record.headerList.map((h) => h.key)).toEqual(['h', 'h', 'n'])
    expect(record.value).toBeNull()
  })

  it('decodes records as they are taken, in pieces, in order', async () => {
    const bytes = encodeRecordBatchSync({ records: records('a', 'b', 'c', 'd', 'e'), baseOffset: 40 })
    const [chunk] = (await decodeCompletedFetch('t', 0, bytes, 41, false, null)).chunks
    const out: ConsumerRecord[] = []
    expect(chunk.take(2, out)).toBe(2)
    expect(chunk.done).toBe(false)
    expect(chunk.take(2, out)).toBe(2)
    expect(chunk.done).toBe(true)
    expect(chunk.take(2, out)).toBe(0)
    expect(out.map((r) => [r.offset, r.value!.toString()])).toEqual([[41, 'b'], [42, 'c'], [43, 'd'], [44, 'e']])
    expect(out[0].headers).toEqual({})
    expect(out[0].headerList).toEqual([])
  })

  it('checks every batch when the response arrives, and each record when it is taken', async () => {
    const good = encodeRecordBatchSync({ records: records('a'), baseOffset: 0 })
    const flipped = Buffer.from(good)
    flipped[flipped.length - 1] ^= 0xff
    await expect(decodeCompletedFetch('t', 0, Buffer.concat([good, flipped]), 0, false, null)).rejects.toMatchObject({ code: 'CORE_CORRUPT_RECORD' })
    // A batch whose CRC matches but whose record says it is longer than the batch.
    const broken = encodeRecordBatchSync({ records: records('a', 'b'), baseOffset: 0 })
    broken[61] = 0x7e // first record's length varint: 63 bytes
    broken.writeUInt32BE(crc32c(broken.subarray(21)), 17)
    const [chunk] = (await decodeCompletedFetch('t', 0, broken, 0, false, null)).chunks
    const out: ConsumerRecord[] = []
    expect(() => chunk.take(10, out)).toThrow(/Record 0 of 2: length 63/)
    expect(chunk.done).toBe(true)
    expect(out).toEqual([])
  })

  it('skips the CRC check with checkCrcs false (Kafka\'s check.crcs), not the other checks', async () => {
    const flipped = encodeRecordBatchSync({ records: records('a', 'b'), baseOffset: 0 })
    flipped.writeUInt32BE((flipped.readUInt32BE(17) ^ 1) >>> 0, 17) // the stored CRC only
    await expect(decodeCompletedFetch('t', 0, flipped, 0, false, null)).rejects.toMatchObject({ code: 'CORE_CORRUPT_RECORD' })
    const fetched = await decodeCompletedFetch('t', 0, flipped, 0, false, null, false)
    expect(values(fetched.chunks.map(drain))).toEqual(['a', 'b'])
    const broken = Buffer.from(flipped)
    broken[61] = 0x7e // first record's length varint: 63 bytes
    const [chunk] = (await decodeCompletedFetch('t', 0, broken, 0, false, null, false)).chunks
    expect(() => chunk.take(10, [])).toThrow(/Record 0 of 2: length 63/)
  })
})
