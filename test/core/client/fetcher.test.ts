import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import { ClusterMetadata } from '../../../core/client/cluster-metadata.ts'
import { resolveConsumerConfig } from '../../../core/client/consumer-config.ts'
import { Fetcher } from '../../../core/client/fetcher.ts'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'
import { SubscriptionState } from '../../../core/client/subscription-state.ts'
import { silentLogger } from '../../../core/logger.ts'
import { encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'
import { openBroker } from './consumer-helpers.ts'

describe('Fetcher', () => {
  let broker: Broker
  let fetcher: Fetcher | undefined
  afterEach(async () => {
    fetcher?.close()
    await broker?.close()
  })

  it('prefetches up to the per-partition bound and hands out every record once, in order', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    const log = broker.logs.log('t', 0)!
    const value = Buffer.alloc(100, 0x61)
    for (let b = 0; b < 50; b++) log.append(encodeRecordBatchSync({ records: Array.from({ length: 100 }, () => ({ value, timestamp: 0 })) }))
    const transport = new InProcessTransport(broker)
    const metadata = new ClusterMetadata(transport)
    await metadata.ensureTopics(['t'])
    const subscriptions = new SubscriptionState()
    const tp = { topic: 't', partition: 0 }
    subscriptions.assign([tp])
    subscriptions.seek(tp, 0)
    const config = resolveConsumerConfig({ maxPartitionFetchBytes: 16_384, maxBufferedBytesPerPartition: 40_000, fetchMaxWaitMs: 10 })
    fetcher = new Fetcher({ transport, metadata, subscriptions, config, logger: silentLogger })
    await fetcher.waitForData(2000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Fetched while a whole fetch (16 KiB) fits under the bound, never past the bound.
    const buffered = fetcher.bufferedBytes(tp)
    expect(buffered).toBeGreaterThan(40_000 - 16_384)
    expect(buffered).toBeLessThanOrEqual(40_000)
    let expected = 0
    while (expected < 5000) {
      const taken = fetcher.take(300)
      if (taken === undefined) {
        await fetcher.waitForData(1000)
        continue
      }
      if ('error' in taken) throw taken.error
      for (const record of taken.records) expect(record.offset).toBe(expected++)
      subscriptions.advance(tp, taken.nextOffset, taken.positionEpoch)
      expect(fetcher.bufferedBytes(tp)).toBeLessThanOrEqual(40_000)
    }
    expect(subscriptions.state(tp)!.position).toBe(5000)
  })

  it('keeps the buffer of a paused partition (not fetching it, not handing it out) until resume', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    const log = broker.logs.log('t', 0)!
    for (let i = 0; i < 10; i++) log.append(encodeRecordBatchSync({ records: [{ value: Buffer.from(`v${i}`), timestamp: 0 }] }))
    const transport = new InProcessTransport(broker)
    const metadata = new ClusterMetadata(transport)
    await metadata.ensureTopics(['t'])
    const subscriptions = new SubscriptionState()
    const tp = { topic: 't', partition: 0 }
    subscriptions.assign([tp])
    subscriptions.seek(tp, 0)
    fetcher = new Fetcher({ transport, metadata, subscriptions, config: resolveConsumerConfig({ fetchMaxWaitMs: 10 }), logger: silentLogger })
    await fetcher.waitForData(2000)
    await new Promise((resolve) => setTimeout(resolve, 100)) // every record fetched, the partition caught up
    subscriptions.pause(tp)
    await new Promise((resolve) => setTimeout(resolve, 50)) // a long poll in flight at the pause comes back
    const buffered = fetcher.bufferedBytes(tp)
    expect(buffered).toBeGreaterThan(0)
    expect(fetcher.take(100)).toBeUndefined()
    expect(fetcher.hasData()).toBe(false)
    for (let i = 10; i < 20; i++) log.append(encodeRecordBatchSync({ records: [{ value: Buffer.from(`v${i}`), timestamp: 0 }] }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetcher.bufferedBytes(tp)).toBe(buffered) // kept, and nothing more fetched while paused
    subscriptions.resume(tp)
    const taken = fetcher.take(100)
    if (taken === undefined || 'error' in taken) throw new Error('expected the buffered records at once')
    expect(taken.records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`))
  })

  it('drops data fetched before a seek', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    const log = broker.logs.log('t', 0)!
    for (let i = 0; i < 10; i++) log.append(encodeRecordBatchSync({ records: [{ value: Buffer.from(`v${i}`), timestamp: 0 }] }))
    const transport = new InProcessTransport(broker)
    const metadata = new ClusterMetadata(transport)
    await metadata.ensureTopics(['t'])
    const subscriptions = new SubscriptionState()
    const tp = { topic: 't', partition: 0 }
    subscriptions.assign([tp])
    subscriptions.seek(tp, 0)
    fetcher = new Fetcher({ transport, metadata, subscriptions, config: resolveConsumerConfig({ fetchMaxWaitMs: 10 }), logger: silentLogger })
    await fetcher.waitForData(2000)
    subscriptions.seek(tp, 7)
    expect(fetcher.take(100)).toBeUndefined()
    let taken = fetcher.take(100)
    for (let i = 0; taken === undefined && i < 100; i++) {
      await fetcher.waitForData(100)
      taken = fetcher.take(100)
    }
    expect(taken && 'records' in taken ? taken.records.map((r) => r.value!.toString()) : taken).toEqual(['v7', 'v8', 'v9'])
  })

  it('does not let a long poll of a caught-up partition hold back a partition with records to fetch', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    const value = Buffer.alloc(100, 0x61)
    broker.logs.log('t', 0)!.append(encodeRecordBatchSync({ records: [{ value, timestamp: 0 }] }))
    for (let b = 0; b < 40; b++) broker.logs.log('t', 1)!.append(encodeRecordBatchSync({ records: Array.from({ length: 100 }, () => ({ value, timestamp: 0 })) }))
    const transport = new InProcessTransport(broker)
    const metadata = new ClusterMetadata(transport)
    await metadata.ensureTopics(['t'])
    const subscriptions = new SubscriptionState()
    const tps = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]
    subscriptions.assign(tps)
    for (const tp of tps) subscriptions.seek(tp, 0)
    // Long polls of 5 s: one holding the node while partition 1 runs dry would show up as seconds.
    const config = resolveConsumerConfig({ maxPartitionFetchBytes: 16_384, maxBufferedBytesPerPartition: 5000, fetchMaxWaitMs: 5000 })
    fetcher = new Fetcher({ transport, metadata, subscriptions, config, logger: silentLogger })
    const started = Date.now()
    const seen = [0, 0]
    while (seen[0] + seen[1] < 4001 && Date.now() - started < 3000) {
      const taken = fetcher.take(50)
      if (taken === undefined) {
        await fetcher.waitForData(10_000)
        continue
      }
      if ('error' in taken) throw taken.error
      seen[taken.partition] += taken.records.length
      subscriptions.advance(taken, taken.nextOffset, taken.positionEpoch)
      await new Promise((resolve) => setImmediate(resolve)) // the application processing the records
    }
    expect(seen).toEqual([1, 4000])
    expect(Date.now() - started).toBeLessThan(2500)
  })
})
