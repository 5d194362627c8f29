import { describe, expect, it } from 'vitest'
import { decodeCompletedFetch } from '../../../core/client/completed-fetch.ts'
import { encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'

const records = (...values: string[]) => values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1 }))

function abortMarker(baseOffset: number, producerId: number): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0) // version
  key.writeInt16BE(0, 2) // ABORT
  return encodeRecordBatchSync({ records: [{ key, value: Buffer.alloc(6), timestamp: 1 }], baseOffset, producerId, producerEpoch: 0, isTransactional: true, isControl: true })
}

const values = (chunks: { records: readonly { value: Buffer | null }[] }[]) => chunks.flatMap((c) => c.records.map((r) => r.value!.toString()))

describe('decodeCompletedFetch', () => {
  it('drops records below the fetch offset of a batch that starts before it', async () => {
    const bytes = Buffer.concat([encodeRecordBatchSync({ records: records('a', 'b', 'c'), baseOffset: 10 }), encodeRecordBatchSync({ records: records('d'), baseOffset: 13 })])
    const fetched = await decodeCompletedFetch('t', 0, bytes, 11, false, null)
    expect(values(fetched.chunks)).toEqual(['b', 'c', 'd'])
    expect(fetched.chunks.map((c) => c.nextOffset)).toEqual([13, 14])
    expect(fetched.nextFetchOffset).toBe(14)
    expect(fetched.chunks[0].records[0]).toMatchObject({ topic: 't', partition: 0, offset: 11, timestampType: 'CreateTime' })
  })

  it('moves past a compacted batch whose last records are gone, and skips batches wholly below the offset', async () => {
    // Offsets 20..24 where only 20 and 22 survived compaction (lastOffsetDelta still 4).
    const compacted = encodeRecordBatchSync({ records: records('x', 'y'), baseOffset: 20, offsetDeltas: [0, 2], lastOffsetDelta: 4 })
    const earlier = encodeRecordBatchSync({ records: records('old'), baseOffset: 5 })
    const fetched = await decodeCompletedFetch('t', 0, Buffer.concat([earlier, compacted]), 21, false, null)
    expect(values(fetched.chunks)).toEqual(['y'])
    expect(fetched.nextFetchOffset).toBe(25)
  })

  it('ignores a trailing partial batch and an empty response', async () => {
    const whole = encodeRecordBatchSync({ records: records('a'), baseOffset: 0 })
    const next = encodeRecordBatchSync({ records: records('b'), baseOffset: 1 })
    const fetched = await decodeCompletedFetch('t', 0, Buffer.concat([whole, next.subarray(0, 30)]), 0, false, null)
    expect(values(fetched.chunks)).toEqual(['a'])
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
    expect(values(committed.chunks)).toEqual(['committed', 'plain', 'later-7'])
    expect(committed.nextFetchOffset).toBe(5)
    const uncommitted = await decodeCompletedFetch('t', 0, bytes, 0, false, null)
    expect(values(uncommitted.chunks)).toEqual(['aborted-1', 'committed', 'plain', 'later-7'])
  })

  it('turns headers into a record (last value wins) and keeps the list', async () => {
    const bytes = encodeRecordBatchSync({
      records: [{ key: Buffer.from('k'), value: null, timestamp: 1, headers: [{ key: 'h', value: Buffer.from('1') }, { key: 'h', value: Buffer.from('2') }, { key: 'n', value: null }] }],
    })
    const [record] = (await decodeCompletedFetch('t', 3, bytes, 0, false, null)).chunks[0].records
    expect(record.headers.h!.toString()).toBe('2')
    expect(record.headers.n).toBeNull()
    expect(record.headerList.map((h) => h.key)).toEqual(['h', 'h', 'n'])
    expect(record.value).toBeNull()
  })
})
