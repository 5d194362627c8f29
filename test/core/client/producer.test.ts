import { describe, expect, it } from 'vitest'
import { partitionForKey } from '../../../core/client/partitioners.ts'
import { Producer } from '../../../core/client/producer.ts'
import type { RecordMetadata } from '../../../core/client/producer-batch.ts'
import type { ProduceRequest } from '../../../core/protocol/apis/produce.ts'
import { InterceptingTransport, openBroker, readBatches, readRecords } from '../../helpers/clients.ts'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

describe('Producer', () => {
  it('writes records and reports their partition, offset and timestamp, in message order', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 3 })
    const producer = new Producer(transport)
    const before = Date.now()
    const results = await producer.send({
      topic: 'orders',
      messages: [
        { key: 'alice', value: 'one' },
        { key: Buffer.from('bob'), value: Buffer.from('two'), timestamp: 1_600_000_000_000 },
        { key: 'alice', value: 'three' },
        { value: null },
      ],
    })
    expect(results).toHaveLength(4)
    expect(results[0]).toMatchObject({ topic: 'orders', partition: partitionForKey(Buffer.from('alice'), 3) })
    expect(results[0].timestamp).toBeGreaterThanOrEqual(before)
    expect(results[1]).toMatchObject({ partition: partitionForKey(Buffer.from('bob'), 3), timestamp: 1_600_000_000_000 })
    expect(results[2].partition).toBe(results[0].partition)
    expect(results[2].offset).toBeGreaterThan(results[0].offset)
    for (const [i, result] of results.entries()) {
      const record = (await readRecords(broker, 'orders', result.partition)).find((r) => r.offset === result.offset)!
      expect(text(record.value)).toBe([ 'one', 'two', 'three', null ][i])
      expect(record.timestamp).toBe(result.timestamp)
    }
    await producer.close()
  })

  it('keeps per-key order across many concurrent producers and sends', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 4 })
    const producers = Array.from({ length: 5 }, (_, i) => new Producer(transport, { lingerMs: i % 2, batchSize: 2048 }))
    const perProducer = 1000
    const sends: Promise<RecordMetadata[]>[] = []
    const counters = producers.map(() => 0)
    // Interleave the producers' sends, with varying sizes, none awaited before the next.
    while (counters.some((c) => c < perProducer)) {
      for (const [p, producer] of producers.entries()) {
        const size = Math.min(1 + ((counters[p] * 7) % 13), perProducer - counters[p])
        if (size <= 0) continue
        const messages = Array.from({ length: size }, (_, j) => {
          const seq = counters[p] + j
          return { key: `key-${seq % 17}`, value: `${p}:${seq}` }
        })
        counters[p] += size
        sends.push(producer.send({ topic: 'events', messages }))
      }
    }
    const results = (await Promise.all(sends)).flat()
    expect(results).toHaveLength(5 * perProducer)
    await Promise.all(producers.map((p) => p.close()))

    let total = 0
    const lastSeq = new Map<string, number>()
    for (let partition = 0; partition < 4; partition++) {
      const records = await readRecords(broker, 'events', partition)
      total += records.length
      const lastOfProducer = new Map<string, number>()
      for (const record of records) {
        const key = text(record.key)!
        expect(partitionForKey(record.key!, 4)).toBe(partition)
        const [producer, seqText] = text(record.value)!.split(':')
        const seq = Number(seqText)
        const producerKey = `${producer}/${key}`
        expect(seq).toBeGreaterThan(lastSeq.get(producerKey) ?? -1) // per key, per producer
        lastSeq.set(producerKey, seq)
        expect(seq).toBeGreaterThan(lastOfProducer.get(producer) ?? -1) // per partition, per producer
        lastOfProducer.set(producer, seq)
      }
    }
    expect(total).toBe(5 * perProducer)
    // Every reported offset holds the record it was reported for.
    const sample = results.filter((_, i) => i % 97 === 0)
    for (const result of sample) {
      const records = await readRecords(broker, 'events', result.partition)
      expect(records.find((r) => r.offset === result.offset)).toBeDefined()
    }
  })

  it('spreads keyless records over every partition, sticking to one per batch', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 4 })
    const producer = new Producer(transport, { batchSize: 1024, lingerMs: 0 })
    const value = 'x'.repeat(100)
    const results = await producer.send({ topic: 'spread', messages: Array.from({ length: 400 }, () => ({ value })) })
    const counts = [0, 0, 0, 0]
    for (const r of results) counts[r.partition]++
    expect(counts.every((c) => c > 0)).toBe(true)
    for (let p = 0; p < 4; p++) {
      const batches = await readBatches(broker, 'spread', p)
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(counts[p])
      // Sticky: whole batches (about batchSize / 110 bytes = 9 records) go to one partition.
      expect(Math.max(...batches.map((b) => b.recordCount))).toBeGreaterThan(5)
    }
    await producer.close()
  })

  it('honours an explicit partition, checks it against the partition count, and sees added partitions', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 3 })
    const producer = new Producer(transport)
    const [result] = await producer.send({ topic: 'p', messages: [{ key: 'k', value: 'v', partition: 2 }] })
    expect(result.partition).toBe(2)
    expect(await readRecords(broker, 'p', 2)).toHaveLength(1)
    await expect(producer.send({ topic: 'p', messages: [{ value: 'v', partition: 3 }] })).rejects.toThrow(
      /asks for partition 3, but the topic has 3 \(0–2\)/,
    )
    await expect(producer.send({ topic: 'p', messages: [{ value: 'v', partition: -1 }] })).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
    await broker.logs.addPartitions('p', 4)
    const [added] = await producer.send({ topic: 'p', messages: [{ value: 'v', partition: 3 }] })
    expect(added).toMatchObject({ partition: 3, offset: 0 })
    await producer.close()
  })

  it('uses a custom partitioner and refuses what it returns out of range', async () => {
    const { transport } = await openBroker({ 'num.partitions': 3 })
    const producer = new Producer(transport, { partitioner: (record, n) => (record.value![0] === 0x7a ? 7 : n - 1) })
    expect((await producer.send({ topic: 'c', messages: [{ value: 'a' }] }))[0].partition).toBe(2)
    await expect(producer.send({ topic: 'c', messages: [{ value: 'z' }] })).rejects.toThrow(/partitioner returned 7 for topic 'c', which has 3/)
    await producer.close()
  })

  it('waits lingerMs to fill a batch: many sends, one batch', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport, { lingerMs: 150 })
    const started = Date.now()
    const sends = Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'linger', messages: [{ value: `v${i}` }] }))
    await Promise.all(sends)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    const batches = await readBatches(broker, 'linger', 0)
    expect(batches.map((b) => b.recordCount)).toEqual([10])
    await producer.close()
  })

  it('closes a batch when the next record would pass batchSize; a larger record gets its own', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport, { batchSize: 1000, lingerMs: 200 })
    const value = 'x'.repeat(100) // 110 bytes a record as counted: 8 fit with the 61-byte header
    const big = 'y'.repeat(3000)
    await Promise.all([
      producer.send({ topic: 'size', messages: Array.from({ length: 20 }, () => ({ value })) }),
      producer.send({ topic: 'size', messages: [{ value: big }, { value }] }),
    ])
    const batches = await readBatches(broker, 'size', 0)
    expect(batches.map((b) => b.recordCount)).toEqual([8, 8, 4, 1, 1])
    expect(batches.slice(0, 2).every((b) => b.sizeInBytes <= 1000)).toBe(true)
    expect(batches[3].records[0].value!.length).toBe(3000)
    await producer.close()
  })

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('round-trips records compressed with %s', async (compression) => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport, { compression })
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `value ${i} `.repeat(10), headers: { n: String(i) } }))
    await producer.send({ topic: 'z', messages })
    const batches = await readBatches(broker, 'z', 0)
    expect(new Set(batches.map((b) => b.compression))).toEqual(new Set([['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(compression)]))
    const records = batches.flatMap((b) => b.records)
    expect(records.map((r) => text(r.value))).toEqual(messages.map((m) => m.value))
    expect(records.map((r) => text(r.headers[0].value))).toEqual(messages.map((m) => m.headers.n))
    await producer.close()
  })

  it('sends with the configured acks, overridable per send; acks=0 reports offset -1', async () => {
    const { broker, transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    const producer = new Producer(transport, { acks: 1 })
    const [one] = await producer.send({ topic: 'a', messages: [{ value: 'one' }] })
    const [all] = await producer.send({ topic: 'a', messages: [{ value: 'all' }], acks: 'all' })
    const [none] = await producer.send({ topic: 'a', messages: [{ value: 'none' }], acks: 0 })
    expect([one.offset, all.offset, none.offset]).toEqual([0, 1, -1])
    expect(none.timestamp).toBeGreaterThan(0)
    const acks = (transport.requests('Produce') as ProduceRequest[]).map((r) => r.acks)
    expect(acks).toEqual([1, -1, 0])
    expect((await readRecords(broker, 'a', 0)).map((r) => text(r.value))).toEqual(['one', 'all', 'none'])
    const acks0 = new Producer(transport, { acks: 0 })
    expect((await acks0.send({ topic: 'a', messages: [{ value: 'x' }, { value: 'y' }] })).map((r) => r.offset)).toEqual([-1, -1])
    await Promise.all([producer.close(), acks0.close()])
  })

  it('writes headers given as an object (arrays repeat a key) or as a list, in order', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport)
    await producer.send({
      topic: 'h',
      messages: [
        { value: 'a', headers: { trace: 'abc', tag: ['x', Buffer.from('y')], skipped: undefined } },
        { value: 'b', headers: [{ key: 'k', value: 'v1' }, { key: 'k', value: null }] },
      ],
    })
    const [a, b] = await readRecords(broker, 'h', 0)
    expect(a.headers.map((h) => [h.key, text(h.value)])).toEqual([['trace', 'abc'], ['tag', 'x'], ['tag', 'y']])
    expect(b.headers.map((h) => [h.key, text(h.value)])).toEqual([['k', 'v1'], ['k', null]])
    await producer.close()
  })

  it('reports the log append time for LogAppendTime topics', async () => {
    const { transport } = await openBroker({ 'log.message.timestamp.type': 'LogAppendTime' })
    const producer = new Producer(transport)
    const before = Date.now()
    const [result] = await producer.send({ topic: 'lat', messages: [{ value: 'v', timestamp: 1000 }] })
    expect(result.timestamp).toBeGreaterThanOrEqual(before)
    await producer.close()
  })

  it('sends to several topics at once with sendBatch, results in message order', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport)
    const results = await producer.sendBatch({
      topicMessages: [
        { topic: 'one', messages: [{ value: '1a' }, { value: '1b' }] },
        { topic: 'two', messages: [{ value: '2a' }] },
      ],
    })
    expect(results.map((r) => [r.topic, r.offset])).toEqual([['one', 0], ['one', 1], ['two', 0]])
    expect((await readRecords(broker, 'two', 0)).map((r) => text(r.value))).toEqual(['2a'])
    expect(await producer.sendBatch({ topicMessages: [] })).toEqual([])
    await producer.close()
  })

  it('flush delivers everything sent before it, cutting linger short; close flushes and refuses later sends', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport, { lingerMs: 60_000 })
    const first = producer.send({ topic: 'f', messages: [{ value: 'a' }] })
    const started = Date.now()
    await producer.flush()
    expect(Date.now() - started).toBeLessThan(5_000)
    await expect(first).resolves.toHaveLength(1)
    expect(await readRecords(broker, 'f', 0)).toHaveLength(1)
    const second = producer.send({ topic: 'f', messages: [{ value: 'b' }] })
    const third = producer.send({ topic: 'new-topic', messages: [{ value: 'c' }] }) // waits for metadata
    await producer.close()
    await expect(second).resolves.toHaveLength(1)
    await expect(third).resolves.toHaveLength(1)
    expect(await readRecords(broker, 'new-topic', 0)).toHaveLength(1)
    await expect(producer.send({ topic: 'f', messages: [{ value: 'd' }] })).rejects.toMatchObject({ code: 'CORE_CLOSED' })
    await producer.close() // idempotent
    expect(producer.bufferedBytes).toBe(0)
  })

  it('refuses malformed sends with CORE_INVALID_ARGUMENT, queuing nothing of them', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport)
    const bad = [
      { topic: 't', messages: [{ value: 'ok' }, { value: 42 }] },
      { topic: 't', messages: [{ value: 'ok' }, { value: 'x', timestamp: -5 }] },
      { topic: 't', messages: [{ value: 'x', headers: [{ value: 'no key' }] }] },
      { topic: '', messages: [] },
      { topic: 't', messages: 'nope' },
    ]
    for (const request of bad) {
      await expect(producer.send(request as never)).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
    }
    await producer.flush()
    expect(await readRecords(broker, 't', 0)).toHaveLength(0)
    await producer.close()
  })
})
