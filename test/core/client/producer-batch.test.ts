import { describe, expect, it } from 'vitest'
import { PendingRecord, ProducerBatch, SendHandle, recordSize } from '../../../core/client/producer-batch.ts'

const value = Buffer.from('v')

function record(topic: string, send: SendHandle, index: number, timestamp = 1000): PendingRecord {
  return new PendingRecord(topic, null, value, [], timestamp, recordSize(null, value, []), send, index)
}

function batchOf(topic: string, partition: number, records: PendingRecord[]): ProducerBatch {
  const batch = new ProducerBatch(topic, partition, 1, 0, 0)
  for (const r of records) batch.append(r)
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
    expect((await send.promise).map((m) => `${m.topic}-${m.partition}@${m.offset}`)).toEqual(['x-0@0', 'y-2@10', 'y-2@11'])
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
})
