/**
 * Windows benchmark, in one process on an embedded broker (`Creek.open`), one stream thread,
 * RocksDB stores, each figure beside the stateless rate measured in the same run:
 *
 * - input `page-views`: `CREEK_BENCH_RECORDS` (default 1,000,000) records in 4 partitions; key
 *   a user id drawn uniformly from 10,000 (`user-00042`), value a line of about 60 bytes
 *   (`GET /products/1234 ref=search ua=mobile`). Event times advance by 1.2 ms a record
 *   (1,000,000 records span 20 minutes of event time: 20 one-minute windows, about 5 records
 *   per user and window), each jittered up to 2 s back (out of order, always within the 5 s
 *   grace). One last record per partition, an hour later, moves stream time on so that every
 *   window of the sample closes.
 * - input `orders` and `payments`: half as many records each (500,000 by default), an order id
 *   as key, each order paid once, 0 to 6 minutes after the order (uniform), so 5/6 of the
 *   payments fall within the join window; orders span 20 minutes of event time, payments are
 *   written in event-time order.
 * - `stateless_rps`: `stream(page-views).mapValues(toUpperCase).filter(not a /checkout view)`
 *   `.to(page-views-upper)`, from `start()` until the output holds every record kept.
 * - `tumbling_count_rps`: `groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(1 min, 5 s))`
 *   `.emitStrategy(EmitStrategy.onWindowClose()).count()` (RocksDB window store, record cache,
 *   changelog) `.toStream().to(views-per-minute)`: one final count per user and window, from
 *   `start()` until the output holds one record per (user, window) of the input; then the
 *   counts are read back and must add up to the input's records.
 * - `stream_join_rps`: `orders.join(payments, joiner, JoinWindows.ofTimeDifferenceAndGrace(5 min, 5 s))`
 *   (two RocksDB window stores with duplicates, changelogged) `.to(paid-orders)`: input records
 *   (orders + payments) per second from `start()` until the output holds every match.
 *
 * Segments roll and expire during the runs: the count's store keeps 65 s (segments of 60 s),
 * the join's 10 min 5 s (segments of about 5 min), over 20 minutes of event time.
 *
 * Every app runs with the runtime's defaults but `commitIntervalMs` 30000 (Kafka Streams'
 * default) and the default record cache (10 MiB). Completion is watched on the embedded
 * broker's log end offsets (a few map look-ups every 2 ms), not by a consumer. Besides
 * records/s, each phase prints the process's CPU time per input record (`process.cpuUsage`,
 * user + system, every thread of the process: the app, the broker and RocksDB), steadier than
 * wall time on a shared machine.
 *
 * Bounds: each phase gets `CREEK_BENCH_PHASE_TIMEOUT_MS` (120 s), the join
 * `CREEK_BENCH_JOIN_TIMEOUT_MS` (300 s), and every phase stops early when the
 * process passes `CREEK_BENCH_MAX_RSS_MB` (3072); it then reports its rate so far, says so, and
 * the benchmark exits without draining the backlog; the metric `complete` is 0.
 * `CREEK_BENCH_PHASES` (e.g. `stateless,tumbling`) runs a subset; `CREEK_BENCH_CPU_PROFILE=<dir>`
 * writes a V8 CPU profile of each timed phase (`<dir>/<phase>.cpuprofile`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Creek } from '../core/index.ts'
import { serdes } from '../serdes/index.ts'
import {
  Consumed, countSerde, CreekStreams, type CreekStreamsOptions, EmitStrategy, JoinWindows, Produced, StreamJoined, StreamsBuilder, TimeWindows,
  type Windowed, WindowedSerdes,
} from '../streams/index.ts'
import { type Outcome, endOffsets, loadAverage, until } from './_phases.ts'
import { profiled } from './_profile.ts'
import { fmt, report } from './_report.ts'

const RECORDS = Number(process.env.CREEK_BENCH_RECORDS ?? 1_000_000)
const PARTITIONS = 4
const USERS = 10_000
const WINDOW_MS = 60_000
const GRACE_MS = 5_000
const STEP_MS = 1.2
const JITTER_MS = 2_000
const JOIN_WINDOW_MS = 5 * 60_000
const MAX_PAYMENT_DELAY_MS = 6 * 60_000
const COMMIT_INTERVAL_MS = 30_000
const PHASE_TIMEOUT_MS = Number(process.env.CREEK_BENCH_PHASE_TIMEOUT_MS ?? 120_000)
const JOIN_TIMEOUT_MS = Number(process.env.CREEK_BENCH_JOIN_TIMEOUT_MS ?? 300_000)
const PHASES = new Set((process.env.CREEK_BENCH_PHASES ?? 'stateless,tumbling,join').split(',').map((p) => p.trim()))
const TARGET_TUMBLING_RPS = 100_000

const VIEWS = 'page-views'
const STATELESS_OUTPUT = 'page-views-upper'
const COUNTS_OUTPUT = 'views-per-minute'
const ORDERS = 'orders'
const PAYMENTS = 'payments'
const JOIN_OUTPUT = 'paid-orders'

/** Event times start two hours ago, on a minute (the broker's retention keeps a week). */
const BASE = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 2 * 3_600_000

// ------------------------------------------------------------------------------- input

/** mulberry32: a small deterministic PRNG, so that every run gets the same input. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Input {
  /** Page views the stateless app's filter keeps. */
  readonly statelessExpected: number
  /** Distinct (user, window) pairs of the page views: the windowed count's final records. */
  readonly windowsExpected: number
  /** Orders paid within the join window: the join's output records. */
  readonly matchesExpected: number
}

const PAGES = ['/home', '/products/', '/cart', '/checkout', '/search?q=', '/docs/']
const REFERRERS = ['search', 'direct', 'ad', 'social', 'email']
const AGENTS = ['mobile', 'desktop', 'tablet']

/** The stateless app's functions, also applied to the input to know what it must output. */
const upper = (line: string): string => line.toUpperCase()
const notCheckout = (_key: string, line: string): boolean => !line.includes('/CHECKOUT')

type Message = { key: string; value: string; timestamp: number; partition?: number }

/** Sends `count` messages made by `next` with a batching producer, 500 a request, 32 requests in flight. */
async function produce(creek: Creek, topic: string, count: number, next: (i: number) => Message): Promise<void> {
  const producer = creek.producer({ acks: 1, lingerMs: 2, batchSize: 64 * 1024 })
  const inFlight = new Set<Promise<unknown>>()
  for (let sent = 0; sent < count;) {
    const messages: Message[] = []
    for (; messages.length < 500 && sent < count; sent++) messages.push(next(sent))
    const p = producer.send({ topic, messages })
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
    if (inFlight.size >= 32) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  await producer.close()
}

/** Produces the inputs of the three apps; returns what they must output. */
async function produceInput(creek: Creek): Promise<Input> {
  const admin = creek.admin()
  await admin.createTopics([VIEWS, STATELESS_OUTPUT, COUNTS_OUTPUT, ORDERS, PAYMENTS, JOIN_OUTPUT].map((topic) => ({ topic, numPartitions: PARTITIONS })))
  await admin.close()

  const rand = random(7)
  let statelessExpected = 0
  const windows = new Set<number>()
  let lastTime = 0
  await produce(creek, VIEWS, RECORDS + PARTITIONS, (i) => {
    if (i >= RECORDS) {
      // One per partition, an hour after the rest: closes every window of the sample.
      const value = 'GET /home ref=direct ua=desktop'
      if (notCheckout('', upper(value))) statelessExpected++
      return { key: `tick-${i - RECORDS}`, value, timestamp: lastTime + 3_600_000, partition: i - RECORDS }
    }
    const user = Math.floor(rand() * USERS)
    const page = PAGES[Math.floor(rand() * PAGES.length)]
    const value = `GET ${page}${page.endsWith('/') || page.endsWith('=') ? Math.floor(rand() * 10_000) : ''} ` +
      `ref=${REFERRERS[Math.floor(rand() * REFERRERS.length)]} ua=${AGENTS[Math.floor(rand() * AGENTS.length)]} session=${Math.floor(rand() * 1e9).toString(36)}`
    const timestamp = BASE + Math.floor(i * STEP_MS) - Math.floor(rand() * JITTER_MS)
    if (timestamp > lastTime) lastTime = timestamp
    if (notCheckout('', upper(value))) statelessExpected++
    windows.add(user + USERS * (Math.floor(timestamp / WINDOW_MS) - BASE / WINDOW_MS + 1))
    return { key: `user-${String(user).padStart(5, '0')}`, value, timestamp }
  })

  const orders = Math.floor(RECORDS / 2)
  const orderStep = (RECORDS * STEP_MS) / orders
  const payments: { order: number; timestamp: number }[] = []
  let matchesExpected = 0
  await produce(creek, ORDERS, orders, (i) => {
    const timestamp = BASE + Math.floor(i * orderStep)
    const delay = Math.floor(rand() * MAX_PAYMENT_DELAY_MS)
    if (delay <= JOIN_WINDOW_MS) matchesExpected++
    payments.push({ order: i, timestamp: timestamp + delay })
    return { key: `order-${i}`, value: `{"order":${i},"user":${Math.floor(rand() * USERS)},"amount":${(rand() * 200).toFixed(2)}}`, timestamp }
  })
  payments.sort((a, b) => a.timestamp - b.timestamp)
  await produce(creek, PAYMENTS, payments.length, (i) => {
    const { order, timestamp } = payments[i]
    return { key: `order-${order}`, value: `{"order":${order},"method":"card","status":"captured"}`, timestamp }
  })

  for (const [topic, expected] of [[VIEWS, RECORDS + PARTITIONS], [ORDERS, orders], [PAYMENTS, orders]] as const) {
    const inLog = await until(() => endOffsets(creek, topic) >= expected, performance.now() + PHASE_TIMEOUT_MS)
    if (inLog !== 'done') throw new Error(`${topic} did not reach the log (${inLog}): ${endOffsets(creek, topic)} of ${expected} records`)
  }
  return { statelessExpected, windowsExpected: windows.size, matchesExpected }
}

// ------------------------------------------------------------------------------- helpers

function appOptions(creek: Creek, root: string, applicationId: string): CreekStreamsOptions {
  return { creek, applicationId, stateDir: join(root, 'state'), commitIntervalMs: COMMIT_INTERVAL_MS }
}

interface PhaseResult {
  /** Input records per second; a rate so far when the phase stopped early. */
  readonly rps: number
  /** Process CPU time (user + system) per input record, in microseconds. */
  readonly cpuUsPerRecord: number
  readonly outcome: Outcome
  readonly seconds: number
}

/** A phase that stopped early leaves an app with a backlog: closing would drain it first. */
let abandoned = false

/**
 * Starts `app` and waits until `output` holds `expected` records; the rate counts `inputRecords`
 * (scaled by the share of the output written when the phase stops early).
 */
async function runUntilOutput(
  creek: Creek, app: CreekStreams, output: string, expected: number, inputRecords: number, timeoutMs = PHASE_TIMEOUT_MS,
): Promise<PhaseResult> {
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  await app.start()
  const outcome = await until(() => endOffsets(creek, output) >= expected, start + timeoutMs)
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const written = endOffsets(creek, output)
  const share = outcome === 'done' ? 1 : written / expected
  const cpuUsPerRecord = (cpu.user + cpu.system) / Math.max(1, share * inputRecords)
  if (outcome !== 'done') {
    abandoned = true
    return { rps: (share * inputRecords) / seconds, cpuUsPerRecord, outcome, seconds }
  }
  await app.close({ timeoutMs: 60_000 })
  if (written !== expected) throw new Error(`${output} holds ${written} records, expected ${expected}`)
  return { rps: inputRecords / seconds, cpuUsPerRecord, outcome, seconds }
}

// ------------------------------------------------------------------------------- phases

/** `mapValues` + `filter` topic to topic, until the output holds every record kept. */
async function stateless(creek: Creek, root: string, input: Input): Promise<PhaseResult> {
  const builder = new StreamsBuilder()
  builder
    .stream(VIEWS, Consumed.with(serdes.string(), serdes.string()))
    .mapValues(upper)
    .filter(notCheckout)
    .to(STATELESS_OUTPUT, Produced.with(serdes.string(), serdes.string()))
  const app = new CreekStreams(builder.build(), appOptions(creek, root, 'bench-windows-stateless'))
  return runUntilOutput(creek, app, STATELESS_OUTPUT, input.statelessExpected, RECORDS)
}

/** A 1-minute tumbling count with emit-final, until every window of the sample is out; then checks the counts. */
async function tumblingCount(creek: Creek, root: string, input: Input): Promise<PhaseResult> {
  const builder = new StreamsBuilder()
  const windowedSerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), WINDOW_MS)
  builder
    .stream(VIEWS, Consumed.with(serdes.string(), serdes.string()))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .count()
    .toStream()
    .to(COUNTS_OUTPUT, Produced.with(windowedSerde, countSerde()))
  const app = new CreekStreams(builder.build(), appOptions(creek, root, 'bench-windows-count'))
  const result = await runUntilOutput(creek, app, COUNTS_OUTPUT, input.windowsExpected, RECORDS)
  if (result.outcome === 'done') await checkCounts(creek, input)
  return result
}

/** Reads views-per-minute back: one record per (user, window), adding up to every page view but the ticks. */
async function checkCounts(creek: Creek, input: Input): Promise<void> {
  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), WINDOW_MS)
  const consumer = creek.consumer({ autoOffsetReset: 'earliest', value: countSerde() })
  consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: COUNTS_OUTPUT, partition })))
  const seen = new Set<string>()
  let read = 0
  let sum = 0
  void consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const key = keySerde.deserialize(COUNTS_OUTPUT, m.key === null ? null : Buffer.from(m.key)) as Windowed<string>
        seen.add(`${key.key}@${key.window.startMs}`)
        sum += m.value!
      }
      read += batch.messages.length
    },
  })
  const outcome = await until(() => read >= input.windowsExpected, performance.now() + PHASE_TIMEOUT_MS, 10)
  await consumer.close()
  if (outcome !== 'done') throw new Error(`reading ${COUNTS_OUTPUT} back ${outcome} after ${read} of ${input.windowsExpected} records`)
  if (seen.size !== input.windowsExpected) throw new Error(`${COUNTS_OUTPUT} has ${seen.size} distinct windows in ${read} records, expected ${input.windowsExpected}`)
  if (sum !== RECORDS) throw new Error(`the counts of ${COUNTS_OUTPUT} add up to ${sum}, the input has ${RECORDS} page views`)
}

/** A 5-minute stream–stream inner join of orders and payments, until every match is out. */
async function streamJoin(creek: Creek, root: string, input: Input): Promise<PhaseResult> {
  const builder = new StreamsBuilder()
  const string = serdes.string()
  const orders = builder.stream(ORDERS, Consumed.with(string, string))
  const payments = builder.stream(PAYMENTS, Consumed.with(string, string))
  orders
    .join(payments, (order, payment) => `{"order":${order},"payment":${payment}}`, JoinWindows.ofTimeDifferenceAndGrace(JOIN_WINDOW_MS, GRACE_MS),
      StreamJoined.with(string, string, string))
    .to(JOIN_OUTPUT, Produced.with(string, string))
  const app = new CreekStreams(builder.build(), appOptions(creek, root, 'bench-windows-join'))
  return runUntilOutput(creek, app, JOIN_OUTPUT, input.matchesExpected, 2 * Math.floor(RECORDS / 2), JOIN_TIMEOUT_MS)
}

// ------------------------------------------------------------------------------- main

const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-windows-'))
const loadBefore = loadAverage()
let creek: Creek | undefined
try {
  creek = await Creek.open({
    dataDir: join(root, 'data'),
    config: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 1, 'num.partitions': PARTITIONS },
  })
  const produceStart = performance.now()
  const input = await produceInput(creek)
  const produceSeconds = (performance.now() - produceStart) / 1000
  const open = creek
  const run = async (phase: string, body: () => Promise<PhaseResult>): Promise<PhaseResult | null> =>
    abandoned || !PHASES.has(phase) ? null : profiled(phase, body)
  const statelessRun = await run('stateless', () => stateless(open, root, input))
  const tumbling = await run('tumbling', () => tumblingCount(open, root, input))
  const joined = await run('join', () => streamJoin(open, root, input))

  const line = (label: string, result: PhaseResult | null, extra: (r: PhaseResult) => string): string => {
    if (result === null) return `  ${label.padEnd(44)} not run`
    const early = result.outcome === 'done' ? '' : `; ${result.outcome} after ${result.seconds.toFixed(0)} s: rate so far`
    return `  ${label.padEnd(44)} ${fmt(result.rps).padStart(9)} records/s in ${result.seconds.toFixed(1)} s, ` +
      `${fmt(result.cpuUsPerRecord, 1).padStart(5)} µs CPU/record  (${extra(result)}${early})`
  }
  const vsStateless = (r: PhaseResult): string => statelessRun === null ? 'no stateless run' : `${fmt(r.rps / statelessRun.rps, 2)}x stateless`
  console.log(
    `Windows, ${fmt(RECORDS)} page views of ${fmt(USERS)} users over ${fmt((RECORDS * STEP_MS) / 60_000, 1)} minutes of event time, ` +
      `${fmt(Math.floor(RECORDS / 2))} orders + as many payments, ${PARTITIONS} partitions, embedded broker, 1 stream thread, RocksDB stores, ` +
      `commitIntervalMs ${COMMIT_INTERVAL_MS}, default cache (10 MiB); input produced in ${produceSeconds.toFixed(1)} s before timing:`,
  )
  console.log(line('stateless mapValues + filter -> topic:', statelessRun, () => `the peer; ${fmt(input.statelessExpected)} records out`))
  console.log(line('1-min tumbling count, emit on window close:', tumbling, (r) => `${vsStateless(r)}; target >= ${fmt(TARGET_TUMBLING_RPS)}; ` +
    `${fmt(input.windowsExpected)} final counts out${r.outcome === 'done' ? ', checked' : ''}`))
  console.log(line('5-min stream-stream join (orders, payments):', joined, (r) => `${vsStateless(r)}; ${fmt(input.matchesExpected)} matches out`))
  console.log(`  load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()} (2 cores shared: figures are noisy)`)
  const complete = [statelessRun, tumbling, joined].every((r) => r !== null && r.outcome === 'done')
  report('windows', {
    stateless_rps: statelessRun?.rps ?? 0,
    tumbling_count_rps: tumbling?.rps ?? 0,
    stream_join_rps: joined?.rps ?? 0,
    tumbling_vs_stateless: statelessRun && tumbling ? tumbling.rps / statelessRun.rps : 0,
    join_vs_stateless: statelessRun && joined ? joined.rps / statelessRun.rps : 0,
    stateless_cpu_us_per_record: statelessRun?.cpuUsPerRecord ?? 0,
    tumbling_cpu_us_per_record: tumbling?.cpuUsPerRecord ?? 0,
    join_cpu_us_per_record: joined?.cpuUsPerRecord ?? 0,
    complete: complete ? 1 : 0,
  })
} finally {
  if (abandoned) {
    // An app stopped early holds a backlog that closing would first drain: leave without it.
    rmSync(root, { recursive: true, force: true })
    process.exit(0)
  }
  await creek?.close()
  rmSync(root, { recursive: true, force: true })
}
