/**
 * Word count, end to end, in one command:
 *
 *   node bin/run-ts.js examples/word-count/main.ts                            embedded broker, sample text
 *   printf 'hello kafka\nhello creek\n' | node bin/run-ts.js examples/word-count/main.ts   lines from stdin
 *   node bin/run-ts.js examples/word-count/main.ts --bootstrap localhost:9092 against `creek start`
 *
 * It writes lines to `streams-plaintext-input` (a built-in sample text, one line every
 * `--interval-ms`, when stdin is a terminal or with `--sample`; otherwise the lines of stdin),
 * runs the word count app (word-count-topology.ts) on them, prints every update of
 * `streams-wordcount-output` as it arrives (`word count`), and, once the app has committed all
 * of its input, prints the counts it holds (an interactive query of its store) and stops.
 *
 * Embedded mode uses a fresh temporary directory for the broker's data and the app's state, and
 * removes it at the end. Against a broker, the app keeps its state in `--state-dir` (default: the
 * runtime's, under the OS temp directory) and its counts in the broker: a second run goes on
 * counting from the first one's totals.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { type Admin, Creek } from '../../core/index.ts'
import { serdes } from '../../serdes/index.ts'
import { CreekStreams, StreamsState } from '../../streams/index.ts'
import { APPLICATION_ID, INPUT_TOPIC, OUTPUT_TOPIC, STORE_NAME, wordCountTopology, words } from './word-count-topology.ts'

const SAMPLE = [
  'all streams lead to Kafka',
  'hello Kafka Streams',
  'join Kafka summit',
  'Creek streams the log, Kafka style',
  'hello Creek',
]
const PARTITIONS = 2
/** Short, so that updates show within a second; Kafka Streams' default is 30000. */
const COMMIT_INTERVAL_MS = 1000
/** How long to wait for the app to commit its input before giving up. */
const CATCH_UP_TIMEOUT_MS = 60_000

const USAGE = `usage: node bin/run-ts.js examples/word-count/main.ts [--bootstrap host:port] [--state-dir dir] [--sample] [--interval-ms n]
  --bootstrap    a running broker (creek start, Kafka, Redpanda); default: an embedded broker in a temporary directory
  --state-dir    where the app keeps its RocksDB state (default: under the OS temp directory)
  --sample       count the built-in sample text even when stdin is not a terminal
  --interval-ms  pause between sample lines (default 300)`

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: 'string', short: 'b' },
    'state-dir': { type: 'string' },
    sample: { type: 'boolean', default: false },
    'interval-ms': { type: 'string', default: '300' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
const intervalMs = Number(args['interval-ms'])
if (!Number.isInteger(intervalMs) || intervalMs < 0) {
  console.error(`word-count: --interval-ms must be an integer >= 0, got ${args['interval-ms']}\n${USAGE}`)
  process.exit(2)
}
const fromStdin = !args.sample && !process.stdin.isTTY

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Creates the input and output topics when they are missing. */
async function ensureTopics(admin: Admin): Promise<void> {
  const existing = new Set(await admin.listTopics())
  const missing = [INPUT_TOPIC, OUTPUT_TOPIC].filter((topic) => !existing.has(topic))
  if (missing.length > 0) await admin.createTopics(missing.map((topic) => ({ topic, numPartitions: PARTITIONS })))
}

/**
 * Waits until the app's group has committed every partition of `topics` up to its end; false
 * when `stopped()` first.
 */
async function committedToEnd(admin: Admin, topics: string[], stopped: () => boolean): Promise<boolean> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS
  for (;;) {
    const offsets = await admin.listGroupOffsets(APPLICATION_ID, { topics })
    if (offsets.every((o) => o.logEndOffset <= 0 || o.committedOffset >= o.logEndOffset)) return true
    if (stopped()) return false
    if (Date.now() > deadline) throw new Error(`the word count app did not commit ${topics.join(', ')} within ${CATCH_UP_TIMEOUT_MS} ms`)
    await sleep(100)
  }
}

async function* inputLines(): AsyncGenerator<string> {
  if (fromStdin) {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim() !== '') yield line
    return
  }
  for (const line of SAMPLE) {
    console.log(`> ${line}`)
    yield line
    await sleep(intervalMs)
  }
}

const home = args.bootstrap === undefined ? mkdtempSync(join(tmpdir(), 'creek-word-count-')) : null
const creek = home === null
  ? Creek.connect({ bootstrap: args.bootstrap! })
  : await Creek.open({ dataDir: join(home, 'data'), config: { 'group.initial.rebalance.delay.ms': 0 } })
const admin = creek.admin()
let app: CreekStreams | undefined
let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
})

try {
  await ensureTopics(admin)
  const topology = wordCountTopology()
  app = new CreekStreams(topology, {
    creek,
    applicationId: APPLICATION_ID,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    stateDir: args['state-dir'] ?? (home === null ? undefined : join(home, 'state')),
  })
  let failed = false
  app.onStateChange((next) => {
    if (next === StreamsState.ERROR) failed = true
  })

  // Print every update of the output from its current end on: this run's updates.
  const output = creek.consumer({ key: serdes.string(), value: serdes.int64() })
  const ends = await admin.fetchTopicOffsets(OUTPUT_TOPIC)
  output.assign(ends.map(({ partition }) => ({ topic: OUTPUT_TOPIC, partition })))
  for (const { partition, latest } of ends) output.seek({ topic: OUTPUT_TOPIC, partition, offset: latest })
  const printed = new Map<number, number>()
  await output.run({
    eachMessage: async ({ partition, message }) => {
      console.log(`${String(message.key).padEnd(12)} ${message.value}`)
      printed.set(partition, message.offset + 1)
    },
  })

  const where = home === null ? `broker ${args.bootstrap}` : `an embedded broker in ${home}`
  console.log(`Word count on ${where}: counting '${INPUT_TOPIC}' into '${OUTPUT_TOPIC}' (commit every ${COMMIT_INTERVAL_MS} ms)` +
    `${fromStdin ? ', reading lines from stdin' : ''}. Ctrl-C stops.`)
  await app.start()

  const producer = creek.producer({ lingerMs: 5 })
  let lines = 0
  let wordCount = 0
  const sends: Promise<unknown>[] = []
  for await (const line of inputLines()) {
    if (interrupted || failed) break
    // Batched by the producer; a long stdin waits for acknowledgements every 1000 lines.
    sends.push(producer.send({ topic: INPUT_TOPIC, messages: [{ key: null, value: line }] }))
    if (sends.length >= 1000) await Promise.all(sends.splice(0))
    lines++
    wordCount += words(line).length
  }
  await Promise.all(sends)
  await producer.close()
  // Everything is counted and written once the app has committed the input and then the
  // repartition topic (a commit flushes the cache and the output before the offsets).
  const stopped = () => failed || interrupted
  const caughtUp = !stopped()
    && await committedToEnd(admin, [INPUT_TOPIC], stopped)
    && await committedToEnd(admin, (await admin.listTopics()).filter((t) => t.startsWith(`${APPLICATION_ID}-`) && t.endsWith('-repartition')), stopped)
  if (caughtUp) {
    const outputEnds = await admin.fetchTopicOffsets(OUTPUT_TOPIC)
    const printedTo = (partition: number) => printed.get(partition) ?? ends.find((e) => e.partition === partition)?.latest ?? 0
    while (!stopped() && outputEnds.some(({ partition, latest }) => printedTo(partition) < latest)) await sleep(20)
    const counts = [...app.store<string, number>(STORE_NAME).all()].sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1))
    console.log(`Counted ${wordCount} words in ${lines} lines. The ${Math.min(20, counts.length)} most frequent of ${counts.length} words (store '${STORE_NAME}'):`)
    for (const { key, value } of counts.slice(0, 20)) console.log(`  ${key.padEnd(12)} ${value}`)
  }
  await output.close()
  if (failed) throw new Error('the word count app failed (state ERROR)')
  if (interrupted) process.exitCode = 130
} catch (error) {
  console.error(`word-count: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await app?.close({ timeoutMs: 30_000 })
  await admin.close()
  await creek.close()
  if (home !== null) rmSync(home, { recursive: true, force: true })
}
