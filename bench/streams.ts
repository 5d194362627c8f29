/**
 * Streams benchmark, in one process on an embedded broker (`Creek.open`), one stream thread:
 *
 * - input: `CREEK_BENCH_RECORDS` (default 1,000,000) records of 100 bytes in 4 partitions,
 *   produced before any timing starts. Each value is a line of about 10 words drawn from a fixed
 *   vocabulary of 10,000 words with Zipf frequencies (as in text: the commonest word is about
 *   one word in ten), some followed by a comma, ending with a full stop; each key is a word of
 *   the same vocabulary. The same seed gives the same input on every run.
 * - `consume_rps`: a plain consumer (a group member, default options) reading the input topic,
 *   from `subscribe` to the last record received: the ceiling, measured in the same run.
 * - `stateless_rps`: `stream(lines).mapValues(toUpperCase).filter(no comma).to(lines-upper)`,
 *   from `start()` until `lines-upper` holds every record the filter keeps.
 * - `wordcount_rocksdb_rps`: the canonical word count (`flatMapValues` split into words →
 *   `groupBy` word, through a repartition topic → `count()` in a persistent RocksDB store →
 *   `toStream().to(word-counts)`), input records per second from `start()` until the last
 *   record is appended to `word-counts`.
 *
 * Both apps run with the runtime's defaults but `commitIntervalMs` 30000 (Kafka Streams'
 * at-least-once default, also Creek's) and the default record cache (10 MiB). The word count's
 * cache absorbs repeated updates of a word, so final counts reach the store, the changelog and
 * `word-counts` at a commit; the run therefore ends as a deployment's last commit does: once the
 * store has counted every word (watched with an interactive query, after the repartition topic
 * holds every word), `close()` commits, flushing the cache to RocksDB, the changelog and
 * `word-counts`, and the last append to `word-counts` ends the measurement. The counts are then
 * read back and checked against the truth. Completion is watched on the embedded broker's log
 * end offsets (a few map look-ups every 2 ms), not by a consumer that would take CPU from the app.
 *
 * Bounds: the consumer and the stateless app get `CREEK_BENCH_PHASE_TIMEOUT_MS` (60 s), the word
 * count `CREEK_BENCH_WORDCOUNT_TIMEOUT_MS` (120 s), and every phase stops early when the process
 * passes `CREEK_BENCH_MAX_RSS_MB` (3072). A phase stopped early reports its rate so far (output
 * records, or words counted, as input records), says so, and the benchmark then exits without
 * waiting for the backlog to drain; the metric `complete` is 0.
 *
 * Each phase also prints the CPU time (user + system) the whole process spent over it, per input
 * record (the word count also per word): the broker, the clients and the app share the process,
 * so this is what a record costs end to end, and it varies much less than the rates when other
 * work shares the machine's cores.
 *
 * V8 flag: the benchmark runs node with `--max-semi-space-size=64` (re-executing itself with
 * it, and saying so in its first line). A stream thread's records are short-lived, but those in
 * flight (input queues, output not yet acknowledged) survive young-generation collections when
 * these come every few tens of milliseconds, as they do with V8's default 16 MiB semi-spaces at
 * these rates; with 64 MiB they come four times less often, and the stateless app took about
 * 15% less CPU per record. A deployment can pass the same flag (it costs up to 3 × 64 MiB of
 * young generation). `CREEK_BENCH_SEMI_SPACE_MB` sets another size; 0 runs with V8's default.
 *
 * Knobs for investigations (not for the reported figures): `CREEK_BENCH_STREAMS_PRODUCER` (JSON)
 * passes `producer` options to both apps; `CREEK_BENCH_STREAMS_APPS` (`stateless`, `wordcount`,
 * or both comma-separated, the default) runs only those apps; `CREEK_BENCH_CPU_PROFILE=<dir>`
 * writes a V8 CPU profile of each timed phase (`<dir>/<phase>.cpuprofile`, for Chrome DevTools
 * or speedscope); `CREEK_BENCH_ALLOC_PROFILE=<dir>` a sampling heap profile of each timed phase
 * that counts every allocation, collected or not (`<dir>/<phase>.heapprofile`: where the garbage
 * comes from).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Creek } from '../core/index.ts'
import { serdes } from '../serdes/index.ts'
import { Consumed, CreekStreams, type CreekStreamsOptions, Grouped, Materialized, Produced, Stores, StreamsBuilder } from '../streams/index.ts'
import { type Outcome, endOffsets, loadAverage, until } from './_phases.ts'
import { profiled } from './_profile.ts'
import { fmt, report } from './_report.ts'

const RECORDS = Number(process.env.CREEK_BENCH_RECORDS ?? 1_000_000)
const PARTITIONS = 4
const VALUE_BYTES = 100
const VOCABULARY_SIZE = 10_000
const COMMIT_INTERVAL_MS = 30_000
const PHASE_TIMEOUT_MS = Number(process.env.CREEK_BENCH_PHASE_TIMEOUT_MS ?? 60_000)
const WORDCOUNT_TIMEOUT_MS = Number(process.env.CREEK_BENCH_WORDCOUNT_TIMEOUT_MS ?? 120_000)
const PRODUCER_OPTIONS = process.env.CREEK_BENCH_STREAMS_PRODUCER ? JSON.parse(process.env.CREEK_BENCH_STREAMS_PRODUCER) : undefined
const SEMI_SPACE_MB = Number(process.env.CREEK_BENCH_SEMI_SPACE_MB ?? 64)
const SEMI_SPACE_FLAG = `--max-semi-space-size=${SEMI_SPACE_MB}`
const APPS = new Set((process.env.CREEK_BENCH_STREAMS_APPS ?? 'stateless,wordcount').split(',').map((app) => app.trim()))
const TARGET_STATELESS_RPS = 500_000
const TARGET_WORDCOUNT_RPS = 150_000

const INPUT = 'lines'
const STATELESS_OUTPUT = 'lines-upper'
const COUNTS_OUTPUT = 'word-counts'

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

const MIN_WORD = 2
const MAX_WORD = 15
const CONSONANTS = 'bcdfghjklmnprstvwz'
const VOWELS = 'aeiou'

/**
 * The vocabulary: distinct lower-case pseudo-words of 2 to 15 letters (mean about 8.5, so that
 * 100 bytes hold about 10 words), in Zipf rank order, plus `byLength[n]`: words of exactly n
 * letters, used to fill a line to exactly VALUE_BYTES.
 */
function vocabulary(rand: () => number): { words: string[]; byLength: string[][] } {
  const words = new Set<string>()
  while (words.size < VOCABULARY_SIZE) {
    const length = MIN_WORD + Math.floor(rand() * (MAX_WORD - MIN_WORD + 1))
    let word = ''
    for (let i = 0; word.length < length; i++) {
      word += i % 2 === 0 ? CONSONANTS[Math.floor(rand() * CONSONANTS.length)] : VOWELS[Math.floor(rand() * VOWELS.length)]
    }
    words.add(word)
  }
  const list = [...words]
  const byLength: string[][] = Array.from({ length: MAX_WORD + 1 }, () => [])
  for (const w of list) byLength[w.length].push(w)
  return { words: list, byLength }
}

interface Input {
  /** Records the stateless app's filter keeps. */
  readonly statelessExpected: number
  /** Words in all lines: records through the word count's repartition topic. */
  readonly totalWords: number
  readonly counts: Map<string, number>
}

/** The stateless app's functions, also applied to the input to know what it must output. */
const upper = (line: string): string => line.toUpperCase()
const noComma = (_key: string, line: string): boolean => !line.includes(',')
/** The word count's split (Kafka's WordCountDemo, `\W+`, without the empty words JavaScript's split leaves). */
const words = (line: string): string[] => line.toLowerCase().split(/\W+/).filter((word) => word !== '')

/** Produces the input with a batching producer; returns what the apps must compute from it. */
async function produceInput(creek: Creek): Promise<Input> {
  const rand = random(42)
  const { words: vocab, byLength } = vocabulary(rand)
  const cumulative = new Float64Array(vocab.length)
  let total = 0
  for (let rank = 0; rank < vocab.length; rank++) cumulative[rank] = total += 1 / (rank + 1)
  const zipf = (): string => {
    const x = rand() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid] < x) lo = mid + 1
      else hi = mid
    }
    return vocab[lo]
  }
  const counts = new Map<string, number>()
  const count = (word: string): void => {
    counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  let totalWords = 0
  let statelessExpected = 0
  /** ~10 Zipf words, 1 in 20 followed by a comma, then words of the exact lengths left, then '.'. */
  const line = (): string => {
    const first = zipf()
    count(first)
    let text = first[0].toUpperCase() + first.slice(1)
    let n = 1
    for (;;) {
      const word = zipf()
      const separator = rand() < 0.05 ? ', ' : ' '
      // Keep room for ' ' + a word of MIN_WORD letters + '.'.
      if (text.length + separator.length + word.length > VALUE_BYTES - 2 - MIN_WORD) break
      text += separator + word
      count(word)
      n++
    }
    // Fill the rest (MIN_WORD + 1 to MAX_WORD + MIN_WORD + 2 bytes before the '.') with one or two words.
    for (let left = VALUE_BYTES - 1 - text.length; left > 0; n++) {
      const length = left - 1 <= MAX_WORD ? left - 1 : left - 2 - MIN_WORD
      const fill = byLength[length]
      const word = fill[Math.floor(rand() * fill.length)]
      count(word)
      text += ` ${word}`
      left -= length + 1
    }
    totalWords += n
    return `${text}.`
  }

  const admin = creek.admin()
  await admin.createTopics([INPUT, STATELESS_OUTPUT, COUNTS_OUTPUT].map((topic) => ({ topic, numPartitions: PARTITIONS })))
  await admin.close()
  const producer = creek.producer({ acks: 1, lingerMs: 2, batchSize: 64 * 1024 })
  const inFlight = new Set<Promise<unknown>>()
  for (let sent = 0; sent < RECORDS;) {
    const messages: { key: string; value: string }[] = []
    for (; messages.length < 500 && sent < RECORDS; sent++) {
      const value = line()
      if (value.length !== VALUE_BYTES) throw new Error(`bench bug: a line of ${value.length} bytes: '${value}'`)
      const key = vocab[Math.floor(rand() * vocab.length)]
      if (noComma(key, upper(value))) statelessExpected++
      messages.push({ key, value })
    }
    const p = producer.send({ topic: INPUT, messages })
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
    if (inFlight.size >= 32) await Promise.race(inFlight)
  }
  await producer.close()
  const inLog = await until(() => endOffsets(creek, INPUT) >= RECORDS, performance.now() + PHASE_TIMEOUT_MS)
  if (inLog !== 'done') throw new Error(`the input did not reach the log (${inLog}): ${endOffsets(creek, INPUT)} of ${RECORDS} records`)
  return { statelessExpected, totalWords, counts }
}

// ------------------------------------------------------------------------------- helpers

/**
 * Polls `counted()` (a scan of the store: milliseconds for 10,000 words, so not every 2 ms)
 * until it reaches `total`: the next poll comes when half of the remaining words should be
 * counted at the rate seen so far, 20 to 1000 ms later, so that polling costs little CPU (about
 * 2% in profiles) and the end is seen within about 20 ms.
 */
async function untilCounted(counted: () => number, total: number, deadline: number): Promise<Outcome> {
  let before = counted()
  let at = performance.now()
  let wait = 20
  for (;;) {
    const outcome = await until(() => false, Math.min(deadline, performance.now() + wait), Math.min(wait, 100))
    if (outcome === 'out of memory') return outcome
    const now = counted()
    const time = performance.now()
    if (now >= total) return 'done'
    if (time > deadline) return 'timed out'
    const rate = (now - before) / (time - at)
    wait = rate > 0 ? Math.min(1000, Math.max(20, (total - now) / rate / 2)) : 100
    before = now
    at = time
  }
}

function appOptions(creek: Creek, root: string, applicationId: string): CreekStreamsOptions {
  return { creek, applicationId, stateDir: join(root, 'state'), commitIntervalMs: COMMIT_INTERVAL_MS, producer: PRODUCER_OPTIONS }
}

interface PhaseResult {
  /** Input records per second; a rate so far when the phase stopped early. */
  readonly rps: number
  readonly outcome: Outcome
  readonly seconds: number
  /** CPU time (user + system) of the whole process over the phase, per input record, in µs. */
  readonly cpuUsPerRecord: number
}

/** CPU time (user + system) of the process since `since`, in µs. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since)
  return user + system
}

/** A phase that stopped early leaves an app with a backlog: closing would drain it first. */
let abandoned = false

// ------------------------------------------------------------------------------- phases

/** A plain consumer, group member with default options, from subscribe to the last input record. */
async function consume(creek: Creek): Promise<PhaseResult> {
  const consumer = creek.consumer({ groupId: 'bench-consume', autoOffsetReset: 'earliest' })
  let seen = 0
  let bytes = 0
  let end = 0
  let cpu = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  await consumer.subscribe({ topics: [INPUT] })
  void consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) bytes += m.value!.length
      seen += batch.messages.length
      if (seen >= RECORDS && end === 0) {
        end = performance.now()
        cpu = cpuSince(cpuStart)
      }
    },
  })
  const outcome = await until(() => end !== 0, start + PHASE_TIMEOUT_MS)
  if (outcome !== 'done') {
    end = performance.now()
    cpu = cpuSince(cpuStart)
  }
  await consumer.close()
  if (bytes !== seen * VALUE_BYTES) throw new Error(`the plain consumer read ${bytes} value bytes for ${seen} records`)
  const seconds = (end - start) / 1000
  return { rps: seen / seconds, outcome, seconds, cpuUsPerRecord: cpu / Math.max(1, seen) }
}

/** `mapValues` + `filter` topic to topic, until the output holds every record kept. */
async function stateless(creek: Creek, root: string, input: Input): Promise<PhaseResult> {
  const builder = new StreamsBuilder()
  builder
    .stream(INPUT, Consumed.with(serdes.string(), serdes.string()))
    .mapValues(upper)
    .filter(noComma)
    .to(STATELESS_OUTPUT, Produced.with(serdes.string(), serdes.string()))
  const app = new CreekStreams(builder.build(), appOptions(creek, root, 'bench-stateless'))
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  await app.start()
  const outcome = await until(() => endOffsets(creek, STATELESS_OUTPUT) >= input.statelessExpected, start + PHASE_TIMEOUT_MS)
  const seconds = (performance.now() - start) / 1000
  const cpu = cpuSince(cpuStart)
  const written = endOffsets(creek, STATELESS_OUTPUT)
  if (outcome !== 'done') {
    abandoned = true
    const done = (written / input.statelessExpected) * RECORDS
    return { rps: done / seconds, outcome, seconds, cpuUsPerRecord: cpu / Math.max(1, done) }
  }
  await app.close()
  if (written !== input.statelessExpected) throw new Error(`the stateless app wrote ${written} records, expected ${input.statelessExpected}`)
  return { rps: RECORDS / seconds, outcome, seconds, cpuUsPerRecord: cpu / RECORDS }
}

/** The canonical word count with a RocksDB store, until the last count is written; then checks the counts. */
async function wordCount(creek: Creek, root: string, input: Input): Promise<PhaseResult & { outputRecords: number }> {
  const applicationId = 'bench-wordcount'
  const builder = new StreamsBuilder()
  builder
    .stream(INPUT, Consumed.with(serdes.string(), serdes.string()))
    .flatMapValues(words)
    .groupBy((_key, word) => word, Grouped.with(serdes.string(), serdes.string()))
    .count(Materialized.as<string, number>(Stores.persistentKeyValueStore('counts')))
    .toStream()
    .to(COUNTS_OUTPUT)
  const app = new CreekStreams(builder.build(), appOptions(creek, root, applicationId))
  const repartition = `${applicationId}-counts-repartition`
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  const deadline = start + WORDCOUNT_TIMEOUT_MS
  await app.start()
  // Cheap gate first (sub-topology 0 wrote every word to the repartition topic), then the
  // store: every word counted. Reading the store goes through its cache, as any query does.
  const counts = app.store<string, number>('counts')
  const counted = (): number => {
    let sum = 0
    for (const { value } of counts.all()) sum += value
    return sum
  }
  let outcome = await until(() => endOffsets(creek, repartition) >= input.totalWords, deadline)
  if (outcome === 'done') outcome = await untilCounted(counted, input.totalWords, deadline)
  if (outcome !== 'done') {
    const seconds = (performance.now() - start) / 1000
    const cpu = cpuSince(cpuStart)
    abandoned = true
    const done = (counted() / input.totalWords) * RECORDS
    return { rps: done / seconds, outcome, seconds, cpuUsPerRecord: cpu / Math.max(1, done), outputRecords: endOffsets(creek, COUNTS_OUTPUT) }
  }
  // The last commit, as at the end of a deployment: cache → RocksDB, changelog, word-counts.
  let lastAppend = performance.now()
  let seenOutput = endOffsets(creek, COUNTS_OUTPUT)
  const watch = setInterval(() => {
    const now = endOffsets(creek, COUNTS_OUTPUT)
    if (now !== seenOutput) {
      seenOutput = now
      lastAppend = performance.now()
    }
  }, 1)
  try {
    if (!(await app.close({ timeoutMs: 60_000 }))) throw new Error('the word count app did not close within 60 s')
  } finally {
    clearInterval(watch)
  }
  // Includes the last commit (close), as the time does; not the check below.
  const cpu = cpuSince(cpuStart)
  const outputRecords = endOffsets(creek, COUNTS_OUTPUT)
  if (outputRecords !== seenOutput) lastAppend = performance.now()
  const seconds = (lastAppend - start) / 1000
  await checkCounts(creek, input, outputRecords)
  return { rps: RECORDS / seconds, outcome, seconds, cpuUsPerRecord: cpu / RECORDS, outputRecords }
}

/** Reads `word-counts` back: the last count of every word must be its true count. */
async function checkCounts(creek: Creek, input: Input, records: number): Promise<void> {
  const consumer = creek.consumer({ autoOffsetReset: 'earliest', key: serdes.string(), value: serdes.int64() })
  consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: COUNTS_OUTPUT, partition })))
  const latest = new Map<string, bigint>()
  let read = 0
  void consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) latest.set(m.key!, m.value!)
      read += batch.messages.length
    },
  })
  const outcome = await until(() => read >= records, performance.now() + PHASE_TIMEOUT_MS, 10)
  await consumer.close()
  if (outcome !== 'done') throw new Error(`reading word-counts back ${outcome} after ${read} of ${records} records`)
  if (latest.size !== input.counts.size) throw new Error(`word-counts has ${latest.size} words, the input ${input.counts.size}`)
  for (const [word, n] of input.counts) {
    if (latest.get(word) !== BigInt(n)) throw new Error(`word-counts says '${word}' ${latest.get(word)} times, the input has it ${n} times`)
  }
}

// ------------------------------------------------------------------------------- main

/**
 * Runs this benchmark again in a node with `flag` (bin/run-ts.js, as `npm run bench` does),
 * passing signals on, and exits with its status.
 */
async function reexecWith(flag: string): Promise<never> {
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, flag, runTs, ...process.argv.slice(1)], { stdio: 'inherit' })
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const status = await new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal] ?? 0)))
  })
  process.exit(status)
}

if (SEMI_SPACE_MB > 0 && !process.execArgv.includes(SEMI_SPACE_FLAG)) await reexecWith(SEMI_SPACE_FLAG)
const nodeFlags = SEMI_SPACE_MB > 0 ? `node ${SEMI_SPACE_FLAG}` : 'node with V8\'s default semi-space size'

const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-streams-'))
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
  const consumed = await profiled('consume', () => consume(open))
  const statelessRun = abandoned || !APPS.has('stateless') ? null : await profiled('stateless', () => stateless(open, root, input))
  const wc = abandoned || !APPS.has('wordcount') ? null : await profiled('wordcount', () => wordCount(open, root, input))

  const line = (label: string, result: PhaseResult | null, extra: (r: PhaseResult) => string): string => {
    if (result === null) return `  ${label.padEnd(40)} not run (${abandoned ? 'an earlier phase stopped early' : 'not in CREEK_BENCH_STREAMS_APPS'})`
    const early = result.outcome === 'done' ? '' : `; ${result.outcome} after ${result.seconds.toFixed(0)} s: rate so far`
    const cpu = `${fmt(result.cpuUsPerRecord, 2)} µs CPU/record`
    return `  ${label.padEnd(40)} ${fmt(result.rps).padStart(11)} records/s in ${result.seconds.toFixed(1)} s, ${cpu.padStart(20)}  (${extra(result)}${early})`
  }
  const vsConsume = (r: PhaseResult): string => `${fmt(r.rps / consumed.rps, 2)}x consume`
  console.log(
    `Streams, ${fmt(RECORDS)} records of ${VALUE_BYTES} B (lines of ${fmt(input.totalWords / RECORDS, 1)} words on average, ${fmt(input.counts.size)} distinct) ` +
      `in ${PARTITIONS} partitions, embedded broker, 1 stream thread, commitIntervalMs ${COMMIT_INTERVAL_MS}, default cache (10 MiB), ${nodeFlags}` +
      `${PRODUCER_OPTIONS ? `, producer ${JSON.stringify(PRODUCER_OPTIONS)}` : ''}; input produced in ${produceSeconds.toFixed(1)} s before timing:`,
  )
  console.log(line('consume (plain consumer, group):', consumed, () => 'the ceiling'))
  console.log(line('stateless mapValues + filter -> topic:', statelessRun, (r) => `${vsConsume(r)}; target >= ${fmt(TARGET_STATELESS_RPS)}; ${fmt(input.statelessExpected)} records out`))
  console.log(line('word count with RocksDB:', wc, (r) => `${vsConsume(r)}; target >= ${fmt(TARGET_WORDCOUNT_RPS)}; ` +
    `${fmt(input.totalWords)} words through the repartition topic, ${fmt((r.rps * input.totalWords) / RECORDS)} words/s, ` +
    `${fmt((r.cpuUsPerRecord * RECORDS) / input.totalWords, 2)} µs CPU/word` +
    `${wc !== null && wc.outcome === 'done' ? `; ${fmt(wc.outputRecords)} count records out, checked` : ''}`))
  console.log(`  load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()} (2 cores shared: figures are noisy)`)
  const complete = [consumed, statelessRun, wc].every((r) => r !== null && r.outcome === 'done')
  report('streams', {
    stateless_rps: statelessRun?.rps ?? 0,
    wordcount_rocksdb_rps: wc?.rps ?? 0,
    consume_rps: consumed.rps,
    stateless_cpu_us_per_record: statelessRun?.cpuUsPerRecord ?? 0,
    wordcount_cpu_us_per_word: wc === null ? 0 : (wc.cpuUsPerRecord * RECORDS) / input.totalWords,
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
