import { describe, expect, it } from 'vitest'
import { ProducerBatch, SendHandle, recordSize } from '../../../core/client/producer-batch.ts'
import { decodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'

const value = Buffer.from('v')

interface TestRecord {
  readonly send: SendHandle
  readonly index: number
  readonly timestamp: number
}

function record(_topic: string, send: SendHandle, index: number, timestamp = 1000): TestRecord {
  return { send, index, timestamp }
}

function batchOf(topic: string, partition: number, records: TestRecord[]): ProducerBatch {
  const batch = new ProducerBatch(topic, partition, 1, 0, 0, 16)
  for (const r of records) batch.append(r.send, r.index, r.timestamp, null, value, [], recordSize(null, value, []))
  batch.encode()
  return batch
}

describe('ProducerBatch and SendHandle', () => {
  it('tells each record of each send where it was written, whatever the interleaving', async () => {
    const a = new SendHandle(4)
    const b = new SendHandle(2)
    // a's records 0 and 2 go to partition 0, 1 and 3 to partition 1; b's both to partition 0.
    const p0 = batchOf('t', 0, [record('t', a, 0, 5), record('t', a, 2, 6), record('t', b, 0, 7), record('t', b, 1, 7)])
    const p1 = batchOf('t', 1, [record('t', a, 1), record('t', a, 3)])
    p0.complete(100, -1)
    await expect(b.promise).resolves.toEqual([
      { topic: 't', partition: 0, offset: 102, timestamp: 7 },
      { topic: 't', partition: 0, offset: 103, timestamp: 7 },
    ])
    p1.complete(-1, 9999) // acks = 0 and LogAppendTime: offsets −1, the broker's time
    expect(await a.promise).toEqual([
      { topic: 't', partition: 0, offset: 100, timestamp: 5 },
      { topic: 't', partition: 1, offset: -1, timestamp: 9999 },
      { topic: 't', partition: 0, offset: 101, timestamp: 6 },
      { topic: 't', partition: 1, offset: -1, timestamp: 9999 },
    ])
  })

  it('keeps each record\'s topic for a send to several topics', async () => {
    const send = new SendHandle(3)
    batchOf('x', 0, [record('x', send, 0)]).complete(0, -1)
    batchOf('y', 2, [record('y', send, 1), record('y', send, 2)]).complete(10, -1)
    expect((await send.promise)!.map((m) => `${m.topic}-${m.partition}@${m.offset}`)).toEqual(['x-0@0', 'y-2@10', 'y-2@11'])
  })

  it('rejects a send once with the first failure, even after another of its batches completed', async () => {
    const send = new SendHandle(2)
    batchOf('t', 0, [record('t', send, 0)]).complete(0, -1)
    const failing = batchOf('t', 1, [record('t', send, 1)])
    failing.fail(new Error('boom'))
    failing.fail(new Error('again'))
    await expect(send.promise).rejects.toThrow('boom')
    expect(failing.isDone).toBe(true)
  })

  it('writes records into the batch bytes as they come, growing the buffer, with per-record timestamps', () => {
    const send = new SendHandle(300)
    const batch = new ProducerBatch('t', 0, 1, 0, 0, 64)
    for (let i = 0; i < 300; i++) {
      const v = Buffer.alloc(i % 50, i)
      batch.append(send, i, 1000 + (i % 7), i % 3 === 0 ? null : Buffer.from(`k${i}`), v, i % 5 === 0 ? [{ key: 'h', value: Buffer.from([i & 0xff]) }] : [], recordSize(null, v, []))
    }
    batch.encode()
    const decoded = decodeRecordBatchSync(batch.encoded!)
    expect(decoded.recordCount).toBe(300)
    expect(decoded.baseTimestamp).toBe(1000)
    expect(decoded.maxTimestamp).toBe(1006)
    decoded.records.forEach((r, i) => {
      expect(r.offsetDelta).toBe(i)
      expect(r.timestamp).toBe(1000 + (i % 7))
      expect(r.key === null ? null : r.key.toString()).toBe(i % 3 === 0 ? null : `k${i}`)
      expect(r.value).toEqual(Buffer.alloc(i % 50, i))
      expect(r.headers.length).toBe(i % 5 === 0 ? 1 : 0)
    })
  })
})
