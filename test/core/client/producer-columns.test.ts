/**
 * The producer's reused send columns and batch-aligned sticky partitioning: records of
 * consecutive sends never mix, whatever waits, and keyless records fill whole batches.
 */
import { describe, expect, it } from 'vitest'
import { defaultPartitioner } from '../../../core/client/partitioners.ts'
import { Producer } from '../../../core/client/producer.ts'
import { recordSize } from '../../../core/client/producer-batch.ts'
import type { ProduceRequest } from '../../../core/protocol/apis/produce.ts'
import { RECORD_BATCH_HEADER_SIZE } from '../../../core/protocol/record-batch-header.ts'
import { InterceptingTransport, deferred, openBroker, readRecords } from '../../helpers/clients.ts'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

describe('Producer send columns', () => {
  it('keeps every send\'s keys, values, headers and timestamps, across sends of different shapes', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 1 })
    const producer = new Producer(transport, { lingerMs: 0 })
    const sends = []
    for (let s = 0; s < 12; s++) {
      const count = [5, 300, 1, 40][s % 4]
      sends.push(producer.send({
        topic: 'columns',
        messages: Array.from({ length: count }, (_, i) => ({
          key: s % 3 === 0 ? null : `k${s}-${i}`,
          value: `v${s}-${i}`,
          headers: s % 2 === 0 ? { h: `${s}-${i}` } : undefined,
          timestamp: s % 4 === 1 ? 1_600_000_000_000 + i : undefined,
        })),
      }))
    }
    await Promise.all(sends)
    const records = await readRecords(broker, 'columns', 0)
    let at = 0
    for (let s = 0; s < 12; s++) {
      const count = [5, 300, 1, 40][s % 4]
      for (let i = 0; i < count; i++, at++) {
        const record = records[at]
        expect(text(record.key)).toBe(s % 3 === 0 ? null : `k${s}-${i}`)
        expect(text(record.value)).toBe(`v${s}-${i}`)
        expect(record.headers.map((h) => [h.key, text(h.value)])).toEqual(s % 2 === 0 ? [['h', `${s}-${i}`]] : [])
        if (s % 4 === 1) expect(record.timestamp).toBe(1_600_000_000_000 + i)
      }
    }
    expect(records).toHaveLength(at)
    await producer.close()
  })

  it('keeps the records of a send that waits for memory while later sends are prepared', async () => {
    const { broker, transport: inner } = await openBroker({ 'num.partitions': 1 })
    const transport = new InterceptingTransport(inner)
    const gate = deferred()
    transport.intercept = async (api, _request, next) => {
      if (api.name === 'Produce') await gate.promise
      return next()
    }
    const producer = new Producer(transport, { lingerMs: 0, bufferMemory: 4000 })
    await producer.metadata.ensureTopics(['waits'])
    const value = (s: number, i: number) => `${s}:${i}`.padEnd(100, '.')
    const first = producer.send({ topic: 'waits', messages: Array.from({ length: 20 }, (_, i) => ({ value: value(0, i) })) })
    // Does not fit next to the first: waits, holding the columns it was prepared in.
    const second = producer.send({ topic: 'waits', messages: Array.from({ length: 20 }, (_, i) => ({ value: value(1, i) })) })
    const third = producer.send({ topic: 'waits', messages: Array.from({ length: 10 }, (_, i) => ({ value: value(2, i) })) })
    await new Promise((r) => setTimeout(r, 20))
    gate.resolve()
    await Promise.all([first, second, third])
    const values = (await readRecords(broker, 'waits', 0)).map((r) => text(r.value))
    expect(values).toEqual([
      ...Array.from({ length: 20 }, (_, i) => value(0, i)),
      ...Array.from({ length: 20 }, (_, i) => value(1, i)),
      ...Array.from({ length: 10 }, (_, i) => value(2, i)),
    ])
    await producer.close()
  })

  it('lets a partitioner send from inside a send', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 1 })
    let producer: Producer
    const nested: Promise<unknown>[] = []
    producer = new Producer(transport, {
      partitioner: (record) => {
        if (record.topic === 'outer') nested.push(producer.send({ topic: 'inner', messages: [{ value: `nested-${text(record.value)}` }] }))
        return 0
      },
    })
    await producer.metadata.ensureTopics(['outer', 'inner'])
    await producer.send({ topic: 'outer', messages: [{ value: 'a' }, { value: 'b' }] })
    await Promise.all(nested)
    expect((await readRecords(broker, 'outer', 0)).map((r) => text(r.value))).toEqual(['a', 'b'])
    expect((await readRecords(broker, 'inner', 0)).map((r) => text(r.value))).toEqual(['nested-a', 'nested-b'])
    await producer.close()
  })
})

describe('Sticky partitioning on batch boundaries', () => {
  it('switches partition exactly when the partition\'s batch is full and batch.size bytes went to it', () => {
    const batchSize = 1000
    const p = defaultPartitioner({ batchSize })
    const value = Buffer.alloc(100)
    const size = recordSize(null, value, [])
    const perBatch = Math.floor((batchSize - RECORD_BATCH_HEADER_SIZE) / size)
    const record = { topic: 't', key: null, value, sizeInBytes: size }
    const partitions = Array.from({ length: 20 * perBatch }, () => p(record, 6))
    // The first batch holds perBatch records but fewer than batchSize bytes: the partition
    // keeps the next batch too, and switches once that one is full.
    const stint = 2 * perBatch
    for (let i = 1; i < partitions.length; i++) {
      if (i % stint === 0) expect(partitions[i]).not.toBe(partitions[i - 1])
      else expect(partitions[i]).toBe(partitions[i - 1])
    }
  })

  it('leaves no small batch behind on the partitions it leaves', async () => {
    const { transport: inner } = await openBroker({ 'num.partitions': 4 })
    const transport = new InterceptingTransport(inner)
    const batchSize = 2048
    const producer = new Producer(transport, { batchSize, lingerMs: 0 })
    const value = Buffer.alloc(100, 0x61)
    for (let s = 0; s < 30; s++) await producer.send({ topic: 'sticky', messages: Array.from({ length: 37 }, () => ({ value })) })
    await producer.flush()
    const size = recordSize(null, value, [])
    const full = Math.floor((batchSize - RECORD_BATCH_HEADER_SIZE) / size)
    const counts = (transport.requests('Produce') as ProduceRequest[])
      .flatMap((request) => request.topicData.flatMap((t) => t.partitionData.map((d) => d.records!.readInt32BE(57))))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30 * 37)
    // Each send ends its batch at the end of the tick (lingerMs 0), so only the batch a send
    // ends on may be short: never one per partition switch.
    expect(counts.filter((c) => c < full).length).toBeLessThanOrEqual(30)
    expect(counts.filter((c) => c === full).length).toBeGreaterThanOrEqual(counts.length - 30)
  })
})
