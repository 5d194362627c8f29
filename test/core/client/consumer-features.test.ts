/** seek, pause/resume, async iteration, eachBatch, deserializers, patterns, static membership, retries. */
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import type { Consumer } from '../../../core/client/consumer.ts'
import type { TopicPartition } from '../../../core/client/partition-map.ts'
import { consumerOf, openBroker, produce, text, waitFor } from './consumer-helpers.ts'

describe('consumer features', () => {
  let broker: Broker
  const consumers: Consumer<any, any>[] = []
  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close().catch(() => undefined)
    await broker?.close()
  })
  const track = <C extends Consumer<any, any>>(c: C): C => {
    consumers.push(c)
    return c
  }

  it('seek moves the position, before and during consumption', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['r0', 'r1', 'r2', 'r3', 'r4'])
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest' }))
    consumer.assign([{ topic: 't', partition: 0 }])
    consumer.seek({ topic: 't', partition: 0, offset: 3 })
    const seen: string[] = []
    let rewound = false
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(text(message.value)!)
        if (message.offset === 4 && !rewound) {
          rewound = true
          consumer.seek({ topic: 't', partition: 0, offset: 1 })
        }
      },
    })
    await waitFor(() => seen.length === 6, 'six deliveries')
    expect(seen).toEqual(['r3', 'r4', 'r1', 'r2', 'r3', 'r4'])
    expect(() => consumer.seek({ topic: 't', partition: 0, offset: -1 })).toThrow(/offsets are integers/)
  })

  it('seekToBeginning and seekToEnd reset by ListOffsets', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['a', 'b', 'c'])
    const consumer = track(consumerOf(broker))
    const tp = { topic: 't', partition: 0 }
    consumer.assign([tp])
    consumer.seekToEnd([tp])
    expect(await consumer.position(tp)).toBe(3)
    consumer.seekToBeginning([tp])
    expect(await consumer.position(tp)).toBe(0)
  })

  it('pause stops delivery of a partition until resume, other partitions go on', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest' }))
    consumer.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])
    consumer.pause([{ topic: 't', partitions: [0] }])
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(text(message.value)!) } })
    await produce(broker, 't', 0, ['p0-a'])
    await produce(broker, 't', 1, ['p1-a'])
    await waitFor(() => seen.length === 1, 'partition 1')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(seen).toEqual(['p1-a'])
    expect(consumer.paused()).toEqual([{ topic: 't', partition: 0 }])
    consumer.resume([{ topic: 't', partitions: [0] }])
    await waitFor(() => seen.length === 2, 'partition 0 after resume')
    expect(seen).toEqual(['p1-a', 'p0-a'])
  })

  it('hands out the records of a partition paused in eachBatch after resume, all of them, in order', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, Array.from({ length: 50 }, (_, i) => `r${i}`))
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest', maxPollRecords: 10 }))
    consumer.assign([{ topic: 't', partition: 0 }])
    const seen: string[] = []
    let paused = false
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) seen.push(text(m.value)!)
        if (!paused) {
          paused = true
          consumer.pause([{ topic: 't', partitions: [0] }])
        }
      },
    })
    await waitFor(() => paused, 'the first batch')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`))
    consumer.resume([{ topic: 't', partitions: [0] }])
    await waitFor(() => seen.length === 50, 'the rest')
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`))
  })

  it('pause() inside eachMessage stops the partition after the current message, which still counts', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['a', 'b', 'c'])
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest' }))
    consumer.assign([{ topic: 't', partition: 0 }])
    const seen: string[] = []
    let resume: (() => void) | undefined
    await consumer.run({
      eachMessage: async ({ message, pause }) => {
        seen.push(text(message.value)!)
        if (message.offset === 0) resume = pause()
      },
    })
    await waitFor(() => resume !== undefined, 'the pause')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(seen).toEqual(['a'])
    resume!()
    await waitFor(() => seen.length === 3, 'the rest')
    expect(seen).toEqual(['a', 'b', 'c'])
  })

  it('pausing a whole topic also pauses its partitions assigned later', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    await produce(broker, 't', 0, ['a'])
    const consumer = track(consumerOf(broker, { groupId: 'paused-topic', autoOffsetReset: 'earliest' }))
    await consumer.subscribe({ topics: ['t'] })
    consumer.pause([{ topic: 't' }])
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(text(message.value)!) } })
    await waitFor(() => consumer.assignment().length === 2, 'the assignment')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(seen).toEqual([])
    expect(consumer.paused().length).toBe(2)
    consumer.resume([{ topic: 't' }])
    await waitFor(() => seen.length === 1, 'the record after resume')
  })

  it('async iteration hands out records in order; breaking out commits what was read', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['a', 'b', 'c', 'd', 'e'])
    const first = track(consumerOf(broker, { groupId: 'iter', autoOffsetReset: 'earliest' }))
    await first.subscribe({ topics: ['t'] })
    const seen: string[] = []
    for await (const message of first) {
      seen.push(text(message.value)!)
      if (seen.length === 3) break
    }
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(await first.committed([{ topic: 't', partition: 0 }])).toMatchObject([{ offset: 3 }])
    const second = track(consumerOf(broker, { groupId: 'iter', autoOffsetReset: 'earliest' }))
    await second.subscribe({ topics: ['t'] })
    const rest: string[] = []
    for await (const message of second) {
      rest.push(text(message.value)!)
      if (rest.length === 2) break
    }
    expect(rest).toEqual(['d', 'e'])
  })

  it('eachBatch gets batches, resolveOffset moves the position, unresolved records come again', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['a', 'b', 'c', 'd'])
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest', maxPollRecords: 10 }))
    consumer.assign([{ topic: 't', partition: 0 }])
    const calls: string[][] = []
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
        expect(isRunning()).toBe(true)
        expect(isStale()).toBe(false)
        calls.push(batch.messages.map((m) => text(m.value)!))
        if (calls.length === 1) {
          expect(batch.firstOffset()).toBe(0)
          expect(batch.lastOffset()).toBe(3)
          expect(batch.offsetLag()).toBe(0)
          resolveOffset(1) // a and b done; c and d come again
          return
        }
        for (const m of batch.messages) resolveOffset(m.offset)
      },
    })
    await waitFor(() => calls.length === 2, 'two batches')
    expect(calls).toEqual([['a', 'b', 'c', 'd'], ['c', 'd']])
    await waitFor(async () => (await consumer.position({ topic: 't', partition: 0 })) === 4, 'position 4')
  })

  it('typed consumers deserialize keys and values (sync and async deserializers)', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, [{ key: 'k1', value: '{"n":1}' }, { key: null, value: null }])
    const consumer = track(consumerOf(broker, {
      autoOffsetReset: 'earliest',
      key: { deserialize: (_topic: string, data: Buffer | null) => (data === null ? null : data.toString().toUpperCase()) },
      value: { deserialize: async (_topic: string, data: Buffer | null) => (data === null ? null : (JSON.parse(data.toString()) as { n: number })) },
    }))
    consumer.assign([{ topic: 't', partition: 0 }])
    const seen: { key: string | null; value: { n: number } | null }[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push({ key: message.key, value: message.value }) } })
    await waitFor(() => seen.length === 2, 'two records')
    expect(seen).toEqual([{ key: 'K1', value: { n: 1 } }, { key: null, value: null }])
  })

  it('a pattern subscription picks up matching topics created later', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('orders-eu', { partitions: 1 })
    await broker.logs.createTopic('payments', { partitions: 1 })
    await produce(broker, 'orders-eu', 0, ['eu'])
    await produce(broker, 'payments', 0, ['pay'])
    const consumer = track(consumerOf(broker, { groupId: 'pattern', autoOffsetReset: 'earliest', metadataMaxAgeMs: 100 }))
    await consumer.subscribe({ topics: /^orders-/ })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(text(message.value)!) } })
    await waitFor(() => seen.length === 1, 'orders-eu')
    await broker.logs.createTopic('orders-us', { partitions: 2 })
    await produce(broker, 'orders-us', 1, ['us'])
    await waitFor(() => seen.length === 2, 'orders-us after the pattern is re-evaluated')
    expect(seen).toEqual(['eu', 'us'])
    expect(consumer.assignment().map((tp) => tp.topic).sort()).toEqual(['orders-eu', 'orders-us', 'orders-us'])
  })

  it('a failing handler is retried at the same record; after too many failures the run crashes', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['a', 'b'])
    const consumer = track(consumerOf(broker, { groupId: 'retry', autoOffsetReset: 'earliest' }))
    await consumer.subscribe({ topics: ['t'] })
    const attempts: string[] = []
    await consumer.run({
      retry: { retries: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
      eachMessage: async ({ message }) => {
        attempts.push(text(message.value)!)
        if (message.value!.toString() === 'a' && attempts.length === 1) throw new Error('transient')
        if (message.value!.toString() === 'b') throw new Error('poison')
      },
    })
    await expect(consumer.finished()).rejects.toThrow('poison')
    expect(attempts).toEqual(['a', 'a', 'b', 'b', 'b'])
    // What was processed is committed on the way out.
    const checker = track(consumerOf(broker, { groupId: 'retry' }))
    expect(await checker.committed([{ topic: 't', partition: 0 }])).toMatchObject([{ offset: 1 }])
  })

  it('static members keep their identity; a second member with the same instance id fences the first', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    const first = track(consumerOf(broker, { groupId: 'static', groupInstanceId: 'instance-1' }))
    await first.subscribe({ topics: ['t'] })
    await first.run({ eachMessage: async () => {} })
    await waitFor(() => first.assignment().length === 2, 'the first member assigned')
    const second = track(consumerOf(broker, { groupId: 'static', groupInstanceId: 'instance-1' }))
    await second.subscribe({ topics: ['t'] })
    await second.run({ eachMessage: async () => {} })
    await waitFor(() => second.assignment().length === 2, 'the second member takes over')
    await expect(first.finished()).rejects.toMatchObject({ errorName: 'FENCED_INSTANCE_ID' })
  })

  it('cooperative members only revoke the partitions that move', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 6 })
    const revoked: Record<string, TopicPartition[][]> = { a: [], b: [] }
    const start = async (name: 'a' | 'b'): Promise<Consumer> => {
      const c = track(consumerOf(broker, { groupId: 'coop', clientId: name, partitionAssignors: ['cooperative-sticky'] }))
      await c.subscribe({ topics: ['t'], onPartitionsRevoked: (p) => { revoked[name].push(p) } })
      await c.run({ eachMessage: async () => {} })
      return c
    }
    const a = await start('a')
    await waitFor(() => a.assignment().length === 6, 'a owns everything')
    const before = a.assignment().map((tp) => tp.partition)
    const b = await start('b')
    await waitFor(() => a.assignment().length === 3 && b.assignment().length === 3, 'three each')
    const moved = revoked.a.flat().map((tp) => tp.partition).sort()
    expect(moved.length).toBe(3)
    expect(b.assignment().map((tp) => tp.partition).sort()).toEqual(moved)
    expect(a.assignment().every((tp) => before.includes(tp.partition) && !moved.includes(tp.partition))).toBe(true)
    expect(revoked.b).toEqual([])
  })

  it('close leaves the group at once, so the others rebalance without waiting for a timeout', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    const a = track(consumerOf(broker, { groupId: 'leave', sessionTimeoutMs: 30_000, heartbeatIntervalMs: 1000 }))
    const b = track(consumerOf(broker, { groupId: 'leave', sessionTimeoutMs: 30_000, heartbeatIntervalMs: 1000 }))
    for (const c of [a, b]) {
      await c.subscribe({ topics: ['t'] })
      await c.run({ eachMessage: async () => {} })
    }
    await waitFor(() => a.assignment().length === 1 && b.assignment().length === 1, 'one each')
    await b.close()
    await waitFor(() => a.assignment().length === 2, 'a takes both', 3000)
    const described = await broker.groups.describeGroups(['leave'])
    expect(described.groups[0].members.length).toBe(1)
  })
})
