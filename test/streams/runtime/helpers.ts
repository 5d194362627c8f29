/**
 * Shared pieces of the runtime's integration tests: small low-level topologies (a stateless
 * filter + mapValues; a word count with a repartition topic and a key-value store), fast
 * broker and consumer settings, and helpers to produce, read back and wait.
 */
import { Creek, type Logger } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import type { Processor, ProcessorContext, StreamRecord } from '../../../streams/processor/api.ts'
import { CreekStreams, type CreekStreamsOptions } from '../../../streams/runtime/creek-streams.ts'
import type { StreamsState } from '../../../streams/runtime/streams-state.ts'
import type { KeyValueStore } from '../../../streams/state/api.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { filter } from '../../../streams/operators/filter.ts'
import { flatMap } from '../../../streams/operators/flat-map.ts'
import { mapValues } from '../../../streams/operators/map-values.ts'
import { Topology } from '../../../streams/topology/topology.ts'

/** Broker settings that keep group rebalances fast. */
export const FAST_BROKER = { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 500, 'num.partitions': 1 }

/** Consumer settings of the runtime's consumers that keep rebalances and failover fast. */
export const FAST_CONSUMER = { sessionTimeoutMs: 4000, heartbeatIntervalMs: 300, fetchMaxWaitMs: 50, rebalanceTimeoutMs: 8000 }

export function appOptions(creek: Creek, stateDir: string, overrides: Partial<CreekStreamsOptions> = {}): CreekStreamsOptions {
  return { creek, applicationId: 'app', stateDir, commitIntervalMs: 100, consumer: FAST_CONSUMER, producer: { lingerMs: 1 }, ...overrides }
}

/** in → filter(value is even) → mapValues(v * 10) → out, strings. */
export function statelessTopology(input = 'in', output = 'out'): Topology {
  const s = serdes.string()
  return new Topology()
    .addSource('source', { topics: [input], keySerde: s, valueSerde: s })
    .addOperator('filter', filter<string, string>((_k, v) => Number(v) % 2 === 0), 'source')
    .addOperator('map', mapValues<string, string, string>((v) => String(Number(v) * 10)), 'filter')
    .addSink('sink', output, { keySerde: s, valueSerde: s }, 'map')
}

class CountProcessor implements Processor<string, string, string, string> {
  #context!: ProcessorContext<string, string>
  #store!: KeyValueStore<string, string>
  readonly #storeName: string

  constructor(storeName: string) {
    this.#storeName = storeName
  }

  init(context: ProcessorContext<string, string>): void {
    this.#context = context
    this.#store = context.getStateStore<KeyValueStore<string, string>>(this.#storeName)
  }

  process(record: StreamRecord<string, string>): void {
    const count = Number(this.#store.get(record.key) ?? '0') + 1
    this.#store.put(record.key, String(count))
    this.#context.forward({ ...record, value: String(count) })
  }
}

export interface WordCountOptions {
  readonly input?: string
  readonly output?: string
  readonly store?: string
  readonly persistent?: boolean
  /** Throws in the counter for this word (uncaught-exception tests), while `failing()` is true. */
  readonly failOn?: { readonly word: string; readonly failing: () => boolean }
}

/**
 * lines (in) → flatMap to (word, word) → `<app>-words-repartition` → count in store → out
 * (word → count as a decimal string): two sub-topologies, a repartition topic and a changelog.
 */
export function wordCountTopology(options: WordCountOptions = {}): Topology {
  const { input = 'lines', output = 'counts', store = 'counts-store', persistent = true, failOn } = options
  const s = serdes.string()
  const supplier = persistent ? Stores.persistentKeyValueStore(store) : Stores.inMemoryKeyValueStore(store)
  return new Topology()
    .addSource('lines-source', { topics: [input], keySerde: s, valueSerde: s })
    .addOperator('split', flatMap<string, string, string, string>((_k, line) => line.split(' ').filter((w) => w !== '').map((w) => ({ key: w, value: w }))), 'lines-source')
    .addInternalTopic('words-repartition')
    .addSink('words-sink', 'words-repartition', { keySerde: s, valueSerde: s }, 'split')
    .addSource('words-source', { topics: ['words-repartition'], keySerde: s, valueSerde: s })
    .addProcessor('count', () => {
      const p = new CountProcessor(store)
      if (failOn === undefined) return p
      return {
        init: (c: ProcessorContext<string, string>) => p.init(c),
        process: (r: StreamRecord<string, string>) => {
          if (r.key === failOn.word && failOn.failing()) throw new Error(`counting '${r.key}' failed`)
          p.process(r)
        },
      }
    }, 'words-source')
    .addStateStore(Stores.keyValueStoreBuilder(supplier, s, s), 'count')
    .addSink('counts-sink', output, { keySerde: s, valueSerde: s }, 'count')
}

export async function createTopics(creek: Creek, topics: Record<string, number>): Promise<void> {
  const admin = creek.admin()
  await admin.createTopics(Object.entries(topics).map(([topic, numPartitions]) => ({ topic, numPartitions })))
  await admin.close()
}

export async function produce(creek: Creek, topic: string, records: readonly { key?: string | null; value: string; partition?: number }[]): Promise<void> {
  const producer = creek.producer({ lingerMs: 1 })
  await producer.send({ topic, messages: records.map((r) => ({ key: r.key ?? null, value: r.value, partition: r.partition })) })
  await producer.close()
}

export interface ReadRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string | null
  readonly value: string | null
  readonly valueBytes: Buffer | null
}

/** Every record of `topic` from the beginning until `done(records)` holds (or the timeout fails the test). */
export async function readUntil(creek: Creek, topic: string, done: (records: readonly ReadRecord[]) => boolean, timeoutMs = 15_000): Promise<ReadRecord[]> {
  const admin = creek.admin()
  const partitions = (await admin.fetchTopicOffsets(topic)).map((o) => o.partition)
  await admin.close()
  const consumer = creek.consumer({ autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 })
  consumer.assign(partitions.map((partition) => ({ topic, partition })))
  const records: ReadRecord[] = []
  let finish!: () => void
  const finished = new Promise<void>((resolve) => {
    finish = resolve
  })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) records.push({ partition: m.partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, valueBytes: m.value === null ? null : Buffer.from(m.value) })
      if (done(records)) finish()
    },
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`readUntil(${topic}) timed out with ${records.length} records`)), timeoutMs)
  })
  const poll = setInterval(() => {
    if (done(records)) finish()
  }, 50)
  try {
    await Promise.race([finished, timeout])
  } finally {
    clearTimeout(timer)
    clearInterval(poll)
    await consumer.close()
  }
  return records
}

/** The last value of each key (per-key order is the log's: a key lives in one partition). */
export function latestByKey(records: readonly ReadRecord[]): Map<string, string> {
  const latest = new Map<string, string>()
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) if (r.key !== null && r.value !== null) latest.set(r.key, r.value)
  return latest
}

/** Word counts of `lines`. */
export function trueCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of lines) for (const w of line.split(' ').filter((x) => x !== '')) counts.set(w, (counts.get(w) ?? 0) + 1)
  return counts
}

export function waitForState(app: CreekStreams, state: StreamsState, timeoutMs = 15_000): Promise<void> {
  if (app.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`application did not reach ${state} within ${timeoutMs} ms (state ${app.state})`))
    }, timeoutMs)
    const off = app.onStateChange((next) => {
      if (next !== state) return
      clearTimeout(timer)
      off()
      resolve()
    })
  })
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A logger that keeps its lines (and prints warnings and errors when DEBUG_STREAMS is set). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const line = `${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`
    lines.push(line)
    if (process.env.DEBUG_STREAMS && level !== 'debug') process.stderr.write(`${line}\n`)
  }
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

export { CreekStreams }
