/** Rebalances meeting slow applications: max.poll.interval.ms, stopping mid-rebalance. */
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import type { Consumer } from '../../../core/client/consumer.ts'
import type { TopicPartition } from '../../../core/client/partition-map.ts'
import { consumerOf, openBroker, produce, text, waitFor } from './consumer-helpers.ts'

describe('rebalances and slow applications', () => {
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

  it('a handler slower than maxPollIntervalMs makes the member leave; its partitions are lost, then it rejoins', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['slow', 'next'])
    const lost: TopicPartition[][] = []
    const assigned: TopicPartition[][] = []
    const consumer = track(consumerOf(broker, { groupId: 'slow', autoOffsetReset: 'earliest', maxPollIntervalMs: 300, rebalanceTimeoutMs: 3000 }))
    await consumer.subscribe({ topics: ['t'], onPartitionsLost: (p) => { lost.push(p) }, onPartitionsAssigned: (p) => { assigned.push(p) } })
    const seen: string[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (text(message.value) === 'slow' && seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 800))
        seen.push(text(message.value)!)
      },
    })
    await waitFor(() => seen.length >= 2 && assigned.length >= 2, 'the records after rejoining')
    expect(lost).toEqual([[{ topic: 't', partition: 0 }]])
    // The slow record's progress was not committed (the member had left): it is read again.
    expect(seen).toEqual(['slow', 'slow', 'next'])
  })

  it('heartbeat() from a long handler keeps the member in the group', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    await produce(broker, 't', 0, ['long'])
    const lost: TopicPartition[][] = []
    const consumer = track(consumerOf(broker, { groupId: 'long', autoOffsetReset: 'earliest', maxPollIntervalMs: 300 }))
    await consumer.subscribe({ topics: ['t'], onPartitionsLost: (p) => { lost.push(p) } })
    let done = false
    await consumer.run({
      eachMessage: async ({ heartbeat }) => {
        for (let i = 0; i < 8; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100))
          await heartbeat()
        }
        done = true
      },
    })
    await waitFor(() => done, 'the long handler')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(lost).toEqual([])
  })

  it('stop() in the middle of a rebalance returns without waiting for the rebalance timeout', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    await produce(broker, 't', 0, ['block'])
    let release: () => void = () => {}
    const blocked = new Promise<void>((resolve) => { release = resolve })
    const a = track(consumerOf(broker, { groupId: 'mid', autoOffsetReset: 'earliest', rebalanceTimeoutMs: 20_000 }))
    await a.subscribe({ topics: ['t'] })
    let started = false
    await a.run({ eachMessage: async () => { started = true; await blocked } })
    await waitFor(() => started, 'a blocked in its handler')
    const b = track(consumerOf(broker, { groupId: 'mid', rebalanceTimeoutMs: 20_000 }))
    await b.subscribe({ topics: ['t'] })
    await b.run({ eachMessage: async () => {} })
    await waitFor(async () => (await broker.groups.describeGroups(['mid'])).groups[0].groupState === 'PreparingRebalance', 'a pending rebalance')
    const start = Date.now()
    await b.stop()
    expect(Date.now() - start).toBeLessThan(3000)
    release()
    await waitFor(() => a.assignment().length === 2, 'a alone again')
  })
})
