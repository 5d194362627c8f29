/**
 * Client benchmark, in one process on the embedded broker:
 * - throughput: a producer and a consumer running at once over 100-byte records, beside the
 *   raw storage ceiling (appending and reading the same batches straight on a PartitionLog)
 *   measured in the same run;
 * - end-to-end latency at a steady 10,000 records/s: each record carries its send time, the
 *   consumer records `now - sent`; p50/p99/p999.
 *
 * Targets (issue 3): 1.5 M records/s produced and consumed with batching; p99 under 5 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Creek, encodeRecordBatchSync, PartitionLog } from '../core/index.ts'
import { profiled } from './_profile.ts'
import { fmt, report } from './_report.ts'

const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-clients-'))
const RECORDS = Number(process.env.CREEK_BENCH_RECORDS ?? 2_000_000)
const PARTITIONS = 6
const VALUE = Buffer.alloc(100, 0x61)

/** Storage ceiling: the same records appended as ~16 KiB batches and read back, no clients. */
async function storageCeiling(): Promise<number> {
  const log = await PartitionLog.open(join(root, 'ceiling'))
  const perBatch = 145
  const batch = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, () => ({ value: VALUE })) })
  const start = performance.now()
  for (let n = 0; n < RECORDS; n += perBatch) log.append(batch)
  let offset = 0
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20)
    let pos = 0
    while (pos < records.length) {
      offset = records.readInt32BE(pos) * 2 ** 32 + records.readUInt32BE(pos + 4) + records.readInt32BE(pos + 23) + 1
      pos += 12 + records.readInt32BE(pos + 8)
    }
  }
  const rps = RECORDS / ((performance.now() - start) / 1000)
  await log.close()
  return rps
}

/** Records/s produced and consumed, and the process's CPU time (user + system, µs) per record meanwhile. */
async function throughput(): Promise<{ rps: number; cpuPerRecord: number }> {
  const creek = await Creek.open({
    dataDir: join(root, 'throughput'),
    config: { 'offsets.topic.num.partitions': 1, 'num.partitions': PARTITIONS, 'group.initial.rebalance.delay.ms': 0 },
  })
  try {
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'bench', numPartitions: PARTITIONS }])
    const producer = creek.producer({ acks: 1, lingerMs: 2, batchSize: 64 * 1024 })
    const consumer = creek.consumer({ groupId: 'bench', autoOffsetReset: 'earliest', maxPartitionFetchBytes: 4 * 1024 * 1024 })
    await consumer.subscribe({ topics: ['bench'] })
    let consumed = 0
    let done!: () => void
    const allConsumed = new Promise<void>((resolve) => (done = resolve))
    void consumer.run({
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length
        if (consumed >= RECORDS) done()
      },
    })
    // Time production and consumption only, once the consumer owns every partition.
    for (let i = 0; i < 400 && consumer.assignment().length < PARTITIONS; i++) await new Promise((r) => setTimeout(r, 10))
    // CREEK_BENCH_CPU_PROFILE / CREEK_BENCH_ALLOC_PROFILE profile this timed part (bench/_profile.ts).
    const { rps, cpu } = await profiled('throughput', async () => {
      const start = performance.now()
      const cpuStart = process.cpuUsage()
      const messages = Array.from({ length: 500 }, () => ({ value: VALUE }))
      const inFlight = new Set<Promise<unknown>>()
      for (let sent = 0; sent < RECORDS; sent += messages.length) {
        const p = producer.send({ topic: 'bench', messages })
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
        if (inFlight.size >= 32) await Promise.race(inFlight)
      }
      await producer.flush()
      await allConsumed
      return { rps: consumed / ((performance.now() - start) / 1000), cpu: process.cpuUsage(cpuStart) }
    })
    await consumer.close()
    return { rps, cpuPerRecord: (cpu.user + cpu.system) / consumed }
  } finally {
    await creek.close()
  }
}

async function latency(rate: number, seconds: number): Promise<{ p50: number; p99: number; p999: number; samples: number }> {
  const creek = await Creek.open({ dataDir: join(root, 'latency'), config: { 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 } })
  try {
    await creek.admin().createTopics([{ topic: 'latency', numPartitions: 1 }])
    const producer = creek.producer({ acks: 1, lingerMs: 0 })
    const consumer = creek.consumer({ groupId: 'latency', autoOffsetReset: 'latest', fetchMaxWaitMs: 500 })
    await consumer.subscribe({ topics: ['latency'] })
    const samples: number[] = []
    const total = rate * seconds
    let finished!: () => void
    const allSeen = new Promise<void>((resolve) => (finished = resolve))
    let ready!: () => void
    const assigned = new Promise<void>((resolve) => (ready = resolve))
    void consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now()
        for (const m of batch.messages) samples.push(now - m.value!.readDoubleBE(0))
        if (samples.length >= total) finished()
      },
    })
    // Wait until the consumer owns the partition and is positioned at the end.
    for (let i = 0; i < 200 && consumer.assignment().length === 0; i++) await new Promise((r) => setTimeout(r, 25))
    await new Promise((r) => setTimeout(r, 300))
    ready()
    await assigned
    // Pace: every millisecond, send what the rate allows since the start.
    const start = performance.now()
    let sent = 0
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate))
      while (sent < due) {
        const value = Buffer.alloc(100)
        value.writeDoubleBE(performance.now(), 0)
        void producer.send({ topic: 'latency', messages: [{ value }] })
        sent++
      }
      await new Promise((r) => setTimeout(r, 1))
    }
    await producer.flush()
    await Promise.race([allSeen, new Promise((r) => setTimeout(r, 10_000))])
    await consumer.close()
    samples.sort((a, b) => a - b)
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]
    return { p50: at(0.5), p99: at(0.99), p999: at(0.999), samples: samples.length }
  } finally {
    await creek.close()
  }
}

try {
  const ceiling = await storageCeiling()
  const { rps, cpuPerRecord } = await throughput()
  const lat = await latency(10_000, 5)
  console.log(`storage ceiling (append + read, same records): ${fmt(ceiling)} records/s`)
  console.log(`produce -> consume, 100 B, in process:        ${fmt(rps)} records/s (${fmt((rps / ceiling) * 100, 1)}% of the ceiling; target >= 1,500,000); ${fmt(cpuPerRecord, 3)} CPU µs/record`)
  console.log(`end-to-end latency at 10,000 records/s (${fmt(lat.samples)} samples): p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms (target < 5), p999 ${lat.p999.toFixed(2)} ms`)
  report('clients', {
    produce_consume_100b_rps: rps,
    storage_ceiling_rps: ceiling,
    produce_consume_vs_ceiling: rps / ceiling,
    produce_consume_cpu_us_per_record: cpuPerRecord,
    e2e_p50_ms: lat.p50,
    e2e_p99_ms: lat.p99,
    e2e_p999_ms: lat.p999,
  })
} finally {
  rmSync(root, { recursive: true, force: true })
}
