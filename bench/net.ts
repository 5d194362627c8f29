/**
 * Network benchmark over loopback with 100-byte records: Creek's producer (acks=1) and consumer
 * against a Creek broker running as its own process (`creek start`), and kafkajs 2.2.4 doing the
 * same against the same broker in the same run; records/s for both and the ratios.
 *
 * Fairness: each producer writes the same number of records to a topic of its own (same layout);
 * both consumers then read the same topic (the one Creek's producer wrote: same records, same
 * batches) with groups of their own, each timed from the moment its group assignment is known
 * (Creek: `onPartitionsAssigned`; kafkajs: its GROUP_JOIN event) to its last record, so that the
 * first fetch and its decoding count for both. CREEK_BENCH_KAFKAJS_RECORDS lowers kafkajs's
 * produce count (it defaults to CREEK_BENCH_RECORDS).
 *
 * Targets (issue 4): Creek's producer >= 1 M records/s, consumer >= 2 M records/s, and at least
 * 5x kafkajs on both.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { Creek } from '../core/index.ts'
import { fmt, report } from './_report.ts'

const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-net-'))
const RECORDS = Number(process.env.CREEK_BENCH_RECORDS ?? 1_000_000)
const KAFKAJS_RECORDS = Math.min(RECORDS, Number(process.env.CREEK_BENCH_KAFKAJS_RECORDS ?? RECORDS))
const PARTITIONS = 6
const VALUE = Buffer.alloc(100, 0x61)

async function creekProduce(bootstrap: string, topic: string): Promise<number> {
  const client = Creek.connect({ bootstrap })
  const producer = client.producer({ acks: 1, lingerMs: 5, batchSize: 128 * 1024 })
  const messages = Array.from({ length: 1000 }, () => ({ value: VALUE }))
  const inFlight = new Set<Promise<unknown>>()
  const start = performance.now()
  for (let sent = 0; sent < RECORDS; sent += messages.length) {
    const p = producer.send({ topic, messages })
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
    if (inFlight.size >= 16) await Promise.race(inFlight)
  }
  await producer.flush()
  const rps = RECORDS / ((performance.now() - start) / 1000)
  await client.close()
  return rps
}

/** CPU time of this process (user + system, µs) per record consumed by Creek, from group assignment to the last record. */
let creekConsumeCpuPerRecord = 0

async function creekConsume(bootstrap: string, topic: string, expected: number): Promise<number> {
  const client = Creek.connect({ bootstrap })
  const consumer = client.consumer({ groupId: `creek-${topic}`, autoOffsetReset: 'earliest', maxPartitionFetchBytes: 4 * 1024 * 1024 })
  let start = 0
  let cpuStart: NodeJS.CpuUsage | undefined
  await consumer.subscribe({
    topics: [topic],
    onPartitionsAssigned: () => {
      if (start !== 0) return
      start = performance.now()
      cpuStart = process.cpuUsage()
    },
  })
  let consumed = 0
  let done!: () => void
  const all = new Promise<void>((resolve) => (done = resolve))
  void consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length
      if (consumed >= expected) done()
    },
  })
  await all
  const rps = consumed / ((performance.now() - start) / 1000)
  const cpu = process.cpuUsage(cpuStart)
  creekConsumeCpuPerRecord = (cpu.user + cpu.system) / consumed
  await client.close()
  return rps
}

async function kafkajsProduce(bootstrap: string, topic: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ allowAutoTopicCreation: true })
  await producer.connect()
  const messages = Array.from({ length: 1000 }, () => ({ value: VALUE }))
  const inFlight = new Set<Promise<unknown>>()
  const start = performance.now()
  for (let sent = 0; sent < KAFKAJS_RECORDS; sent += messages.length) {
    const p = producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages })
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
    if (inFlight.size >= 16) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  const rps = KAFKAJS_RECORDS / ((performance.now() - start) / 1000)
  await producer.disconnect()
  return rps
}

async function kafkajsConsume(bootstrap: string, topic: string, expected: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: `kafkajs-${topic}`, maxBytesPerPartition: 4 * 1024 * 1024 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let start = 0
  consumer.on(consumer.events.GROUP_JOIN, () => { start ||= performance.now() })
  let consumed = 0
  let done!: () => void
  const all = new Promise<void>((resolve) => (done = resolve))
  await consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length
      if (consumed >= expected) done()
    },
  })
  await all
  const rps = consumed / ((performance.now() - start) / 1000)
  await consumer.disconnect()
  return rps
}

/**
 * Starts `creek start --port 0` as a child process; resolves with its port and a stop function.
 * Its Connect REST API listens on any free port, so that another server on 8083 does not stop it.
 */
async function startBroker(dataDir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'creek.js')
  const child = spawn(process.execPath, [bin, 'start', '--data-dir', dataDir, '--port', '0', '--no-registry', '--connect-port', '0',
    '--log-level', 'warn', '--config', 'offsets.topic.num.partitions=1', '--config', 'group.initial.rebalance.delay.ms=0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on [^\s:]+:(\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`creek start exited with ${code}: ${out}`)))
  })
  const stop = () => new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
  return { port, stop }
}

let broker: Awaited<ReturnType<typeof startBroker>>
try {
  broker = await startBroker(join(root, 'broker'))
} catch (error) {
  rmSync(root, { recursive: true, force: true })
  throw error
}
try {
  const bootstrap = `127.0.0.1:${broker.port}`
  const setup = Creek.connect({ bootstrap })
  const admin = setup.admin()
  await admin.createTopics([
    { topic: 'creek-net', numPartitions: PARTITIONS },
    { topic: 'kafkajs-net', numPartitions: PARTITIONS },
  ])
  await setup.close()
  const creekProduceRps = await creekProduce(bootstrap, 'creek-net')
  const kafkajsProduceRps = await kafkajsProduce(bootstrap, 'kafkajs-net')
  const creekConsumeRps = await creekConsume(bootstrap, 'creek-net', RECORDS)
  const kafkajsConsumeRps = await kafkajsConsume(bootstrap, 'creek-net', RECORDS)
  const produceRatio = creekProduceRps / kafkajsProduceRps
  const consumeRatio = creekConsumeRps / kafkajsConsumeRps
  console.log(`loopback, 100 B records, ${PARTITIONS} partitions, acks=1, broker in its own process (produce: Creek ${fmt(RECORDS)} records, kafkajs ${fmt(KAFKAJS_RECORDS)}; consume: both the same ${fmt(RECORDS)}, timed from group assignment)`)
  console.log(`produce: Creek ${fmt(creekProduceRps)} records/s, kafkajs ${fmt(kafkajsProduceRps)} records/s, ratio ${fmt(produceRatio, 2)}x (targets >= 1,000,000 and >= 5x)`)
  console.log(`consume: Creek ${fmt(creekConsumeRps)} records/s, kafkajs ${fmt(kafkajsConsumeRps)} records/s, ratio ${fmt(consumeRatio, 2)}x (targets >= 2,000,000 and >= 5x); Creek's consumer process: ${fmt(creekConsumeCpuPerRecord, 3)} CPU µs/record`)
  report('net', {
    creek_produce_rps: creekProduceRps,
    creek_consume_rps: creekConsumeRps,
    kafkajs_produce_rps: kafkajsProduceRps,
    kafkajs_consume_rps: kafkajsConsumeRps,
    produce_vs_kafkajs: produceRatio,
    consume_vs_kafkajs: consumeRatio,
    creek_consume_cpu_us_per_record: creekConsumeCpuPerRecord,
  })
} finally {
  await broker.stop()
  rmSync(root, { recursive: true, force: true })
}
