/**
 * Page views per region per minute, end to end, in one command:
 *
 *   node bin/run-ts.js examples/page-views/main.ts
 *
 * On an embedded broker in a fresh temporary directory (removed at the end), it writes a sample
 * of user profiles to the compacted topic `user-profiles` and of page views to `page-views`,
 * each with its event time as the record timestamp (a few minutes of views, including one
 * view out of order and one too late for its window), runs the app of
 * page-views-topology.ts over them, and, once the app has committed all of its input, prints
 * the final count of every closed window from `region-views-per-minute`
 * (`region@windowStart  count`), the records the app dropped (its `dropped-records-total`
 * metric: the late view), and stops.
 *
 * The last sample view, four minutes after the others, only moves stream time on: its event
 * time closes the last window of the sample (emit-final needs stream time past a window's end
 * plus grace), while its own window stays open and is not printed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Admin, Creek } from '../../core/index.ts'
import { serdes } from '../../serdes/index.ts'
import { countSerde, CreekStreams, StreamsState } from '../../streams/index.ts'
import {
  APPLICATION_ID, OUTPUT_TOPIC, PAGE_VIEWS_TOPIC, type PageView, type Profile, PROFILES_TOPIC, pageViewsTopology, REPARTITION_NAME,
} from './page-views-topology.ts'

/** The sample's clock: event times are minutes:seconds after 09:00 UTC on this day. */
const DAY = Date.UTC(2025, 5, 2)
const at = (hh: number, mm: number, ss: number): number => DAY + ((hh * 60 + mm) * 60 + ss) * 1000
const clock = (timestamp: number): string => new Date(timestamp).toISOString().slice(11, 19)

/** Profiles, written at 08:50, before any view. */
const PROFILES: readonly [user: string, profile: Profile][] = [
  ['alice', { region: 'eu', name: 'Alice' }],
  ['bob', { region: 'us', name: 'Bob' }],
  ['chen', { region: 'apac', name: 'Chen' }],
  ['dana', { region: 'eu', name: 'Dana' }],
  ['eve', { region: 'us', name: 'Eve' }],
]
const PROFILES_AT = at(8, 50, 0)

/** Page views in the order they are written (their offsets); the notes are only printed. */
const VIEWS: readonly { user: string; time: number; view: PageView; note?: string }[] = [
  { user: 'alice', time: at(9, 0, 5), view: { page: '/home' } },
  { user: 'bob', time: at(9, 0, 12), view: { page: '/home', referrer: 'search' } },
  { user: 'dana', time: at(9, 0, 30), view: { page: '/pricing' } },
  { user: 'chen', time: at(9, 0, 47), view: { page: '/home' } },
  { user: 'alice', time: at(9, 1, 3), view: { page: '/docs' } },
  { user: 'eve', time: at(9, 1, 15), view: { page: '/home', referrer: 'ad' } },
  { user: 'bob', time: at(9, 1, 40), view: { page: '/pricing' }, note: 'stream time 09:01:40 closes window 09:00 (end 09:01:00 + 30 s grace)' },
  { user: 'chen', time: at(9, 2, 5), view: { page: '/docs' } },
  { user: 'alice', time: at(9, 1, 50), view: { page: '/pricing' }, note: 'out of order: window 09:01 is open until 09:02:30, counted' },
  { user: 'zoe', time: at(9, 2, 20), view: { page: '/home' }, note: 'no profile: the inner join drops it' },
  { user: 'dana', time: at(9, 2, 40), view: { page: '/docs' }, note: 'stream time 09:02:40 closes window 09:01' },
  { user: 'bob', time: at(9, 1, 55), view: { page: '/docs' }, note: 'late: window 09:01 closed at 09:02:30, dropped' },
  { user: 'eve', time: at(9, 3, 10), view: { page: '/pricing' } },
  { user: 'alice', time: at(9, 3, 20), view: { page: '/checkout' } },
  { user: 'chen', time: at(9, 3, 45), view: { page: '/pricing' } },
  { user: 'bob', time: at(9, 4, 10), view: { page: '/checkout' } },
  { user: 'dana', time: at(9, 4, 30), view: { page: '/home' } },
  { user: 'alice', time: at(9, 6, 0), view: { page: '/home' }, note: 'moves stream time to 09:06:00: closes windows up to 09:04' },
]

/** Short, so that the run takes a few seconds; Kafka Streams' default is 30000. */
const COMMIT_INTERVAL_MS = 200
/** How long to wait for the app to commit its input before giving up. */
const CATCH_UP_TIMEOUT_MS = 60_000

const USAGE = `usage: node bin/run-ts.js examples/page-views/main.ts
  Writes sample profiles and page views to an embedded broker (in a temporary directory), counts
  the views per region in 1-minute windows, prints the final count of each window, and stops.`

const { values: args } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } })
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Waits until the app's group has committed every partition of `topics` up to its end; false
 * when `stopped()` first.
 */
async function committedToEnd(admin: Admin, topics: string[], stopped: () => boolean): Promise<boolean> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS
  for (;;) {
    const offsets = await admin.listGroupOffsets(APPLICATION_ID, { topics })
    if (offsets.length > 0 && offsets.every((o) => o.logEndOffset <= 0 || o.committedOffset >= o.logEndOffset)) return true
    if (stopped()) return false
    if (Date.now() > deadline) throw new Error(`the page views app did not commit ${topics.join(', ')} within ${CATCH_UP_TIMEOUT_MS} ms`)
    await sleep(50)
  }
}

/** Reads `topic` from its beginning to its current end: [key, count] in log order. */
async function readToEnd(creek: Creek, admin: Admin, topic: string): Promise<[string, number][]> {
  const ends = await admin.fetchTopicOffsets(topic)
  const total = ends.reduce((sum, { latest }) => sum + latest, 0)
  const rows: [string, number][] = []
  if (total === 0) return rows
  const consumer = creek.consumer({ key: serdes.string(), value: countSerde(), autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 })
  consumer.assign(ends.map(({ partition }) => ({ topic, partition })))
  let done!: () => void
  const all = new Promise<void>((resolve) => (done = resolve))
  await consumer.run({
    eachMessage: async ({ message }) => {
      rows.push([message.key!, message.value!])
      if (rows.length >= total) done()
    },
  })
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([all, new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`read only ${rows.length} of the ${total} records of ${topic}`)), CATCH_UP_TIMEOUT_MS)
    })])
  } finally {
    clearTimeout(timer)
    await consumer.close()
  }
  return rows
}

const home = mkdtempSync(join(tmpdir(), 'creek-page-views-'))
// Retention off: the sample's event times lie in the past, and time-based retention judges
// segments by their records' timestamps.
const creek = await Creek.open({ dataDir: join(home, 'data'), config: { 'group.initial.rebalance.delay.ms': 0, 'log.retention.ms': -1 } })
const admin = creek.admin()
let app: CreekStreams | undefined
let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
})

try {
  await admin.createTopics([
    { topic: PROFILES_TOPIC, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } },
    { topic: PAGE_VIEWS_TOPIC, numPartitions: 1 },
    { topic: OUTPUT_TOPIC, numPartitions: 1 },
  ])

  // The whole input is written before the app starts: within the task that joins, records are
  // taken in event-time order across the two topics, so every profile (08:50) comes before the
  // first view; within page-views, in the order written.
  console.log(`Page views per region per minute on an embedded broker in ${home}.`)
  console.log(`> ${PROFILES_TOPIC} (compacted; key: user id; event time ${clock(PROFILES_AT)}):`)
  const profiles = creek.producer({ key: serdes.string(), value: serdes.json<Profile>() })
  await profiles.send({ topic: PROFILES_TOPIC, messages: PROFILES.map(([key, value]) => ({ key, value, timestamp: PROFILES_AT })) })
  await profiles.close()
  for (const [user, profile] of PROFILES) console.log(`  ${user.padEnd(6)} ${JSON.stringify(profile)}`)
  console.log(`> ${PAGE_VIEWS_TOPIC} (key: user id; event time; value), in log order:`)
  const views = creek.producer({ key: serdes.string(), value: serdes.json<PageView>() })
  await views.send({ topic: PAGE_VIEWS_TOPIC, messages: VIEWS.map(({ user, time, view }) => ({ key: user, value: view, timestamp: time })) })
  await views.close()
  for (const { user, time, view, note } of VIEWS) {
    const line = `  ${user.padEnd(6)} ${clock(time)}  ${JSON.stringify(view)}`
    console.log(note === undefined ? line : `${line.padEnd(56)} ${note}`)
  }

  app = new CreekStreams(pageViewsTopology(), {
    creek,
    applicationId: APPLICATION_ID,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    stateDir: join(home, 'state'),
  })
  let failed = false
  app.onStateChange((next) => {
    if (next === StreamsState.ERROR) failed = true
  })
  await app.start()

  // Everything is counted and written once the app has committed the input and then the
  // repartition topic (a commit flushes the output before the offsets).
  const stopped = () => failed || interrupted
  const caughtUp = !stopped()
    && await committedToEnd(admin, [PROFILES_TOPIC, PAGE_VIEWS_TOPIC], stopped)
    && await committedToEnd(admin, [`${APPLICATION_ID}-${REPARTITION_NAME}-repartition`], stopped)
  if (caughtUp) {
    const counts = await readToEnd(creek, admin, OUTPUT_TOPIC)
    console.log(`Final counts in ${OUTPUT_TOPIC} (region@windowStart  views), in the order emitted:`)
    for (const [key, count] of counts) console.log(`  ${key.padEnd(28)} ${count}`)
    const dropped = app.metrics()
      .filter((m) => m.name === 'dropped-records-total')
      .reduce((sum, m) => sum + m.value, 0)
    console.log(`Records dropped by the app (dropped-records-total, late views): ${dropped}`)
  }
  if (failed) throw new Error('the page views app failed (state ERROR)')
  if (interrupted) process.exitCode = 130
} catch (error) {
  console.error(`page-views: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await app?.close({ timeoutMs: 30_000 })
  await admin.close()
  await creek.close()
  rmSync(home, { recursive: true, force: true })
}
