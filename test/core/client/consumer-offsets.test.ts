/**
 * Offsets through the consumer: committed offsets surviving a broker restart, auto.offset.reset
 * earliest / latest / none, retention (OFFSET_OUT_OF_RANGE, then a reset) and compaction.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import type { Consumer } from '../../../core/client/consumer.ts'
import { LogCleaner } from '../../../core/storage/log-cleaner.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { consumerOf, openBroker, produce, text, waitFor } from './consumer-helpers.ts'

describe('consumer offsets', () => {
  let broker: Broker | undefined
  const consumers: Consumer<any, any>[] = []
  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close().catch(() => undefined)
    await broker?.close()
    broker = undefined
  })

  const track = <C extends Consumer<any, any>>(c: C): C => {
    consumers.push(c)
    return c
  }

  async function consume(consumer: Consumer, count: number): Promise<string[]> {
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(text(message.value)!) } })
    await waitFor(() => seen.length >= count, `${count} records`)
    return seen
  }

  it('committed offsets survive a broker restart; a new member resumes after them', async () => {
    const dir = tempDir('creek-consumer-restart-')
    broker = await openBroker(dir)
    await broker.logs.createTopic('t', { partitions: 3 })
    for (let p = 0; p < 3; p++) await produce(broker, 't', p, [`a${p}`, `b${p}`])
    const first = track(consumerOf(broker, { groupId: 'restart', autoOffsetReset: 'earliest' }))
    await first.subscribe({ topics: ['t'] })
    expect((await consume(first, 6)).sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2'])
    await first.close() // commits on close
    consumers.length = 0
    await broker.close()

    broker = await openBroker(dir)
    for (let p = 0; p < 3; p++) await produce(broker, 't', p, [`c${p}`])
    const second = track(consumerOf(broker, { groupId: 'restart', autoOffsetReset: 'earliest' }))
    await second.subscribe({ topics: ['t'] })
    const seen = await consume(second, 3)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(seen.sort()).toEqual(['c0', 'c1', 'c2'])
    expect(await second.committed([{ topic: 't', partition: 0 }])).toEqual([{ topic: 't', partition: 0, offset: 2, metadata: '' }])
  })

  it('auto.offset.reset earliest reads old records, latest only new ones', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['old-1', 'old-2'])
    const earliest = track(consumerOf(broker, { groupId: 'e', autoOffsetReset: 'earliest' }))
    await earliest.subscribe({ topics: ['t'] })
    const latest = track(consumerOf(broker, { groupId: 'l', autoOffsetReset: 'latest' }))
    await latest.subscribe({ topics: ['t'] })
    const fromEarliest = await consume(earliest, 2)
    const fromLatest: string[] = []
    await latest.run({ eachMessage: async ({ message }) => { fromLatest.push(text(message.value)!) } })
    await waitFor(async () => latest.assignment().length === 1 && (await latest.position({ topic: 't', partition: 0 })) === 2, 'latest positioned at the end')
    await produce(broker, 't', 0, ['new'])
    await waitFor(() => fromLatest.length === 1 && fromEarliest.length === 3, 'the new record')
    expect(fromEarliest).toEqual(['old-1', 'old-2', 'new'])
    expect(fromLatest).toEqual(['new'])
  })

  it("auto.offset.reset 'none' stops the consumer when a partition has no committed offset", async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['x'])
    const consumer = track(consumerOf(broker, { groupId: 'none', autoOffsetReset: 'none' }))
    await consumer.subscribe({ topics: ['t'] })
    await consumer.run({ eachMessage: async () => {} })
    await expect(consumer.finished()).rejects.toMatchObject({ code: 'CORE_OFFSET_OUT_OF_RANGE' })

    // With a committed offset, 'none' reads from it.
    const committer = track(consumerOf(broker, { groupId: 'none2' }))
    await committer.commitOffsets([{ topic: 't', partition: 0, offset: 0 }])
    const reader = track(consumerOf(broker, { groupId: 'none2', autoOffsetReset: 'none' }))
    await reader.subscribe({ topics: ['t'] })
    expect(await consume(reader, 1)).toEqual(['x'])
  })

  it('a position deleted by retention gets OFFSET_OUT_OF_RANGE and is reset to the log start', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1, configs: { 'retention.ms': 60_000 } })
    for (let i = 0; i < 5; i++) await produce(broker, 't', 0, [`r${i}`])
    const consumer = track(consumerOf(broker, { groupId: 'retention', autoOffsetReset: 'earliest' }))
    await consumer.commitOffsets([{ topic: 't', partition: 0, offset: 1 }])
    // Two minutes later, retention deletes every segment (the active one is rolled first).
    expect(broker.logs.runRetention(Date.now() + 120_000)).toBeGreaterThan(0)
    expect(broker.logs.log('t', 0)!.logStartOffset).toBe(5)
    await produce(broker, 't', 0, ['r5', 'r6'])
    await consumer.subscribe({ topics: ['t'] })
    const seen = await consume(consumer, 2)
    expect(seen).toEqual(['r5', 'r6'])
  })

  it('DeleteRecords below the position while consuming: the consumer resets to the new log start', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    for (let i = 0; i < 5; i++) await produce(broker, 't', 0, [`r${i}`])
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest' }))
    consumer.assign([{ topic: 't', partition: 0 }])
    consumer.seek({ topic: 't', partition: 0, offset: 1 })
    broker.logs.log('t', 0)!.deleteRecordsBefore(3)
    const seen = await consume(consumer, 2)
    expect(seen).toEqual(['r3', 'r4'])
  })

  it('with reset none, retention deleting the position is an error for the application', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    for (let i = 0; i < 3; i++) await produce(broker, 't', 0, [`r${i}`])
    broker.logs.log('t', 0)!.deleteRecordsBefore(2)
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'none' }))
    consumer.assign([{ topic: 't', partition: 0 }])
    consumer.seek({ topic: 't', partition: 0, offset: 0 })
    await consumer.run({ eachMessage: async () => {} })
    await expect(consumer.finished()).rejects.toMatchObject({ code: 'CORE_OFFSET_OUT_OF_RANGE' })
  })

  it('a compacted topic shows only the latest value of each key, and positions move past the holes', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('compacted', { partitions: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': 0 } })
    const log = broker.logs.log('compacted', 0)!
    await produce(broker, 'compacted', 0, [{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1' }])
    await produce(broker, 'compacted', 0, [{ key: 'a', value: 'a2' }, { key: 'c', value: 'c1' }])
    await produce(broker, 'compacted', 0, [{ key: 'b', value: 'b2' }, { key: 'a', value: 'a3' }])
    log.roll()
    await produce(broker, 'compacted', 0, [{ key: 'z', value: 'z1' }]) // the active segment is never cleaned
    const result = await new LogCleaner().clean(log, { force: true })
    expect(result).toBeDefined()
    const consumer = track(consumerOf(broker, { autoOffsetReset: 'earliest' }))
    consumer.assign([{ topic: 'compacted', partition: 0 }])
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(`${message.offset}:${text(message.key)}=${text(message.value)}`) } })
    await waitFor(() => seen.length === 4, 'the surviving records')
    expect(seen).toEqual(['3:c=c1', '4:b=b2', '5:a=a3', '6:z=z1'])
    await waitFor(async () => (await consumer.position({ topic: 'compacted', partition: 0 })) === 7, 'position at the log end')
  })

  it('commits are refused without a groupId', async () => {
    broker = await openBroker()
    const consumer = track(consumerOf(broker))
    await expect(consumer.commitOffsets([{ topic: 't', partition: 0, offset: 1 }])).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
    await expect(consumer.committed([{ topic: 't', partition: 0 }])).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
    expect(() => consumerOf(broker!, { enableAutoCommit: true })).toThrow(/groupId/)
  })

  it('manual commits store metadata and committed() reads it back', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    const consumer = track(consumerOf(broker, { groupId: 'manual', enableAutoCommit: false }))
    await consumer.commitOffsets([{ topic: 't', partition: 0, offset: 5, metadata: 'five' }, { topic: 't', partition: 1, offset: 7 }])
    expect(await consumer.committed([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])).toEqual([
      { topic: 't', partition: 0, offset: 5, metadata: 'five' },
      { topic: 't', partition: 1, offset: 7, metadata: '' },
    ])
    expect(await consumer.committed([{ topic: 'other', partition: 0 }])).toEqual([{ topic: 'other', partition: 0, offset: null, metadata: null }])
  })
})
