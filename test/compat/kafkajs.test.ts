/**
 * kafkajs 2.2.4 (a real, independent Kafka client) against `creek start` on a random port:
 * produce with keys and gzip, a consumer group over several partitions with commits, admin
 * create/delete topics, and a consumer restart resuming from the committed offset.
 */
import { CompressionTypes, Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreekProcess, startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'

let creek: CreekProcess
let kafka: Kafka

beforeAll(async () => {
  creek = await startCreek(tempDir(), { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 4 })
  kafka = new Kafka({ clientId: 'compat', brokers: [creek.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } })
}, 30_000)

afterAll(async () => {
  await creek?.stop()
})

function collect(consumer: Consumer, want: number, seen: EachMessagePayload[], timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${want} messages arrived`)), timeoutMs)
    void consumer.run({
      eachMessage: async (payload) => {
        seen.push(payload)
        if (seen.length >= want) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
}

describe('kafkajs 2.2.4 against creek start', () => {
  it('creates and deletes topics with the admin client', { timeout: 30_000 }, async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 3 }] })
    expect(await admin.listTopics()).toContain('admin-topic')
    const metadata = await admin.fetchTopicMetadata({ topics: ['admin-topic'] })
    expect(metadata.topics[0].partitions).toHaveLength(3)
    await admin.deleteTopics({ topics: ['admin-topic'] })
    expect(await admin.listTopics()).not.toContain('admin-topic')
    await admin.disconnect()
  })

  it('produces keyed, gzip-compressed messages and consumes them in a group over several partitions with commits', { timeout: 60_000 }, async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 4 }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `customer-${i % 10}`, value: `order-${i}` }))
    await producer.send({ topic: 'orders', compression: CompressionTypes.GZIP, messages })
    await producer.disconnect()

    const consumers = [1, 2].map(() => kafka.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000 }))
    const seen: EachMessagePayload[] = []
    for (const c of consumers) {
      await c.connect()
      await c.subscribe({ topic: 'orders', fromBeginning: true })
    }
    // Both members feed one list; done when it holds every message (or the deadline passes).
    for (const c of consumers) void c.run({ eachMessage: async (payload) => void seen.push(payload) })
    const deadline = Date.now() + 30_000
    while (seen.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(seen.map((s) => s.message.value!.toString()).sort()).toEqual(messages.map((m) => m.value).sort())
    // Same key, same partition; order kept per partition.
    const partitionOfKey = new Map<string, number>()
    for (const s of seen) {
      const key = s.message.key!.toString()
      expect(partitionOfKey.get(key) ?? s.partition).toBe(s.partition)
      partitionOfKey.set(key, s.partition)
    }
    await Promise.all(consumers.map((c) => c.disconnect()))
    const committed = await (async () => {
      const a = kafka.admin()
      await a.connect()
      const offsets = await a.fetchOffsets({ groupId: 'billing', topics: ['orders'] })
      await a.disconnect()
      return offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)
    })()
    expect(committed).toBe(200)
  })

  it('resumes a restarted consumer from its committed offset', { timeout: 60_000 }, async () => {
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'resume', messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}` })) })
    const first = kafka.consumer({ groupId: 'resumer', sessionTimeout: 6000, heartbeatInterval: 500 })
    await first.connect()
    await first.subscribe({ topic: 'resume', fromBeginning: true })
    const seenFirst: EachMessagePayload[] = []
    await collect(first, 10, seenFirst)
    await first.disconnect()
    await producer.send({ topic: 'resume', messages: Array.from({ length: 5 }, (_, i) => ({ value: `second-${i}` })) })
    await producer.disconnect()
    const second = kafka.consumer({ groupId: 'resumer', sessionTimeout: 6000, heartbeatInterval: 500 })
    await second.connect()
    await second.subscribe({ topic: 'resume', fromBeginning: true })
    const seenSecond: EachMessagePayload[] = []
    await collect(second, 5, seenSecond)
    await new Promise((r) => setTimeout(r, 500))
    await second.disconnect()
    expect(seenSecond.map((s) => s.message.value!.toString())).toEqual(Array.from({ length: 5 }, (_, i) => `second-${i}`))
  })
})
