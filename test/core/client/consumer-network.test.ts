/**
 * The consumer over TCP: the same code as in-process, through NetworkTransport and Creek's
 * KafkaServer; and a mixed group where a kafkajs 2.2.4 consumer and a Creek consumer share
 * partitions (each may be the leader, reading the other's subscription and assignment bytes).
 */
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { Broker } from '../../../core/broker/broker.ts'
import { Consumer, type ConsumerClientOptions } from '../../../core/client/consumer.ts'
import { NetworkTransport } from '../../../core/client/network-transport.ts'
import { KafkaServer } from '../../../core/server/kafka-server.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_GROUP, GROUP_TEST_CONFIG, produceSpread, text, waitFor } from './consumer-helpers.ts'

const require = createRequire(import.meta.url)
const { Kafka, logLevel, PartitionAssigners } = require('kafkajs')

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function creekServer(): Promise<{ broker: Broker; bootstrap: string }> {
  const broker = await Broker.open({ dataDir: tempDir('creek-consumer-net-'), background: false, config: GROUP_TEST_CONFIG })
  const server = new KafkaServer(broker)
  const address = await server.listen({ port: 0 })
  cleanups.push(() => broker.close(), () => server.close())
  return { broker, bootstrap: `127.0.0.1:${address.port}` }
}

function networkConsumer(bootstrap: string, options: ConsumerClientOptions<Buffer | null, Buffer | null>): Consumer {
  const transport = new NetworkTransport({ bootstrap: [bootstrap], clientId: options.clientId ?? 'creek-net' })
  const consumer = new Consumer(transport, { ...FAST_GROUP, ...options })
  cleanups.push(() => transport.close(), () => consumer.close())
  return consumer
}

describe('Consumer over the network transport', () => {
  it('a group of two consumers reads every record once', async () => {
    const { broker, bootstrap } = await creekServer()
    await broker.logs.createTopic('net', { partitions: 4 })
    const values = await produceSpread(broker, 'net', 4, 200)
    const seen: string[] = []
    const members = ['a', 'b'].map((name) => networkConsumer(bootstrap, { groupId: 'net-group', clientId: name, autoOffsetReset: 'earliest' }))
    for (const member of members) {
      await member.subscribe({ topics: ['net'] })
      await member.run({ eachMessage: async ({ message }) => { seen.push(text(message.value)!) } })
    }
    await waitFor(() => members.every((m) => m.assignment().length === 2), 'two partitions each')
    const more = await produceSpread(broker, 'net', 4, 100, 'w')
    await waitFor(() => seen.length >= 300, 'every record')
    expect(seen.sort()).toEqual([...values, ...more].sort())
  })

  it.each(['kafkajs', 'creek'])('shares a group with a kafkajs consumer using the roundrobin protocol (%s joins first and leads)', async (first) => {
    const { broker, bootstrap } = await creekServer()
    await broker.logs.createTopic('mixed', { partitions: 4 })
    const kafka = new Kafka({ clientId: 'kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING })
    // kafkajs calls its round-robin protocol 'RoundRobinAssigner'; Kafka's name makes the group mixable.
    const roundrobin = (config: unknown) => ({ ...PartitionAssigners.roundRobin(config), name: 'roundrobin' })
    const kafkajsConsumer = kafka.consumer({ groupId: 'mixed-group', partitionAssigners: [roundrobin], sessionTimeout: 6000, heartbeatInterval: 100, maxWaitTimeInMs: 50 })
    cleanups.push(() => kafkajsConsumer.disconnect())
    const byKafkajs: string[] = []
    const byCreek: string[] = []
    const kafkajsAssigned = new Set<number>()
    const startKafkajs = async (): Promise<void> => {
      await kafkajsConsumer.connect()
      await kafkajsConsumer.subscribe({ topics: ['mixed'], fromBeginning: true })
      kafkajsConsumer.on(kafkajsConsumer.events.GROUP_JOIN, (event: { payload: { memberAssignment: Record<string, number[]> } }) => {
        kafkajsAssigned.clear()
        for (const p of event.payload.memberAssignment.mixed ?? []) kafkajsAssigned.add(p)
      })
      await kafkajsConsumer.run({ eachMessage: async ({ message }: { message: { value: Buffer } }) => { byKafkajs.push(message.value.toString()) } })
    }
    const creek = networkConsumer(bootstrap, { groupId: 'mixed-group', partitionAssignors: ['roundrobin'], autoOffsetReset: 'earliest', sessionTimeoutMs: 6000 })
    const startCreek = async (): Promise<void> => {
      await creek.subscribe({ topics: ['mixed'] })
      await creek.run({ eachMessage: async ({ message }) => { byCreek.push(text(message.value)!) } })
    }
    if (first === 'kafkajs') {
      await startKafkajs()
      await waitFor(() => kafkajsAssigned.size === 4, 'kafkajs alone with every partition', 15_000)
      await startCreek()
    } else {
      await startCreek()
      await waitFor(() => creek.assignment().length === 4, 'creek alone with every partition', 15_000)
      await startKafkajs()
    }
    await waitFor(() => creek.assignment().length === 2 && kafkajsAssigned.size === 2, 'two partitions each', 20_000)
    const creekPartitions = creek.assignment().map((tp) => tp.partition)
    expect([...kafkajsAssigned, ...creekPartitions].sort()).toEqual([0, 1, 2, 3])

    const values = await produceSpread(broker, 'mixed', 4, 40)
    await waitFor(() => byKafkajs.length + byCreek.length >= 40, 'every record', 15_000)
    expect([...byKafkajs, ...byCreek].sort()).toEqual(values.sort())
    expect(byCreek.length).toBe(20)
  }, 60_000)
})
