import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import type { ProcessorContext, StreamRecord } from '../../../streams/processor/api.ts'
import { Topology } from '../../../streams/topology/topology.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import {
  CreekStreams, FAST_BROKER, appOptions, createTopics, latestByKey, memoryLogger, produce, readUntil, statelessTopology, trueCounts, waitForState,
  wordCountTopology,
} from './helpers.ts'

const opened: Creek[] = []
const apps: CreekStreams[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close({ timeoutMs: 10_000 })))
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

async function open(config: Record<string, unknown> = {}): Promise<{ creek: Creek; dir: string }> {
  const dir = tempDir('creek-streams-')
  const creek = await Creek.open({ dataDir: `${dir}/data`, config: { ...FAST_BROKER, ...config } })
  opened.push(creek)
  return { creek, dir }
}

function app(...args: ConstructorParameters<typeof CreekStreams>): CreekStreams {
  const a = new CreekStreams(...args)
  apps.push(a)
  return a
}

describe('CreekStreams on Creek.open', () => {
  it('runs a stateless filter + mapValues topology topic to topic and commits its offsets', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 2, out: 2 })
    const states: string[] = []
    const streams = app(statelessTopology(), appOptions(creek, `${dir}/state`))
    streams.onStateChange((next) => states.push(next))
    await streams.start()
    await waitForState(streams, 'RUNNING')
    await produce(creek, 'in', Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: String(i) })))
    const out = await readUntil(creek, 'out', (r) => r.length >= 50)
    expect(out.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20))
    expect(new Set(out.map((r) => r.key)).size).toBe(50)
    expect(await streams.close()).toBe(true)
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING'])
    const admin = creek.admin()
    const offsets = await admin.listGroupOffsets('app')
    await admin.close()
    expect(offsets.filter((o) => o.topic === 'in').reduce((n, o) => n + o.committedOffset, 0)).toBe(100)
  })

  it('counts words with a RocksDB store across a repartition topic, and answers interactive queries', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { lines: 2, counts: 2 })
    const streams = app(wordCountTopology(), appOptions(creek, `${dir}/state`))
    await streams.start()
    const lines = ['a b c', 'a b', 'a', 'd a', 'b b b']
    await produce(creek, 'lines', lines.map((value, i) => ({ value, partition: i % 2 })))
    const truth = trueCounts(lines)
    const out = await readUntil(creek, 'counts', (r) => [...truth].every(([w, n]) => latestByKey(r).get(w) === String(n)))
    expect(latestByKey(out)).toEqual(new Map([...truth].map(([w, n]) => [w, String(n)])))
    await waitForState(streams, 'RUNNING')
    const store = streams.store<string, string>('counts-store')
    expect(store.get('a')).toBe('4')
    expect(store.get('nope')).toBeUndefined()
    expect(new Map([...store.all()].map((kv) => [kv.key, kv.value]))).toEqual(new Map([...truth].map(([w, n]) => [w, String(n)])))
    const tasks = streams.metadata.threads.flatMap((t) => t.activeTasks.map((x) => x.taskId)).sort()
    expect(tasks).toEqual(['0_0', '0_1', '1_0', '1_1'])
    const admin = creek.admin()
    const topics = await admin.listTopics()
    const changelog = (await admin.describeConfigs({ type: 'topic', name: 'app-counts-store-changelog' })).find((c) => c.name === 'cleanup.policy')
    await admin.close()
    expect(topics).toEqual(expect.arrayContaining(['app-words-repartition', 'app-counts-store-changelog']))
    expect(changelog?.value).toBe('compact')
    expect(() => streams.store('unknown')).toThrow(/no store 'unknown'/)
  })

  it('refuses co-partitioned topics with different partition counts', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { left: 2, right: 3, out: 1 })
    const topology = new Topology()
      .addSource('l', { topics: ['left'] })
      .addSource('r', { topics: ['right'] })
      .addProcessor('join', () => ({ process() {} }), 'l', 'r')
      .copartitionSources('l', 'r')
    const streams = app(topology, appOptions(creek, `${dir}/state`))
    await expect(streams.start()).rejects.toMatchObject({ code: 'STREAMS_COPARTITIONING', message: expect.stringMatching(/'left' \(2\).*'right' \(3\)/) })
    expect(streams.state).toBe('ERROR')
  })

  it('pauses partitions above bufferedRecordsPerPartition and resumes them once drained', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, out: 1 })
    const logger = memoryLogger()
    await produce(creek, 'in', Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: String(i) })))
    const streams = app(statelessTopology(), appOptions(creek, `${dir}/state`, { bufferedRecordsPerPartition: 5, logger }))
    await streams.start()
    const out = await readUntil(creek, 'out', (r) => r.length >= 1000)
    expect(out).toHaveLength(1000)
    expect(out.map((r) => Number(r.value))).toEqual(Array.from({ length: 1000 }, (_, i) => i * 20))
    expect(logger.lines.filter((l) => l.includes('paused in-0')).length).toBeGreaterThan(0)
    expect(logger.lines.filter((l) => l.includes('resumed in-0')).length).toBeGreaterThan(0)
  })

  it('commits at once when a processor asks (ProcessorContext.commit), long before the interval', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, out: 1 })
    const s = serdes.string()
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: s, valueSerde: s })
      .addProcessor('p', () => {
        let context!: ProcessorContext<string, string>
        return {
          init: (c: ProcessorContext<string, string>) => {
            context = c
          },
          process: (r: StreamRecord<string, string>) => {
            context.forward(r)
            if (r.value === 'commit') context.commit()
          },
        }
      }, 'source')
      .addSink('sink', 'out', { keySerde: s, valueSerde: s }, 'p')
    const streams = app(topology, appOptions(creek, `${dir}/state`, { commitIntervalMs: 600_000 }))
    await streams.start()
    await produce(creek, 'in', [{ value: 'a' }, { value: 'b' }, { value: 'commit' }, { value: 'c' }])
    await readUntil(creek, 'out', (r) => r.length >= 4)
    const admin = creek.admin()
    try {
      const deadline = Date.now() + 5000
      let committed = -1
      while (committed < 3 && Date.now() < deadline) {
        committed = (await admin.listGroupOffsets('app')).find((o) => o.topic === 'in')?.committedOffset ?? -1
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(committed).toBeGreaterThanOrEqual(3)
    } finally {
      await admin.close()
    }
  })

  it('sends records the producer cannot write to the dead-letter topic of productionExceptionHandler', async () => {
    const { creek, dir } = await open({ 'auto.create.topics.enable': false })
    await createTopics(creek, { in: 1, out: 1, dlq: 1 })
    const s = serdes.string()
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: s, valueSerde: s })
      .addSink('sink', (_k: string, v: string) => (v.startsWith('bad') ? 'missing' : 'out'), { keySerde: s, valueSerde: s }, 'source')
    const streams = app(topology, appOptions(creek, `${dir}/state`, {
      productionExceptionHandler: { deadLetterTopic: 'dlq' },
      producer: { lingerMs: 1, retryBackoffMs: 10, retryBackoffMaxMs: 20 },
    }))
    await streams.start()
    await produce(creek, 'in', [{ value: 'ok1' }, { value: 'bad1' }, { value: 'ok2' }])
    const out = await readUntil(creek, 'out', (r) => r.length >= 2)
    const dlq = await readUntil(creek, 'dlq', (r) => r.length >= 1)
    expect(out.map((r) => r.value)).toEqual(['ok1', 'ok2'])
    expect(dlq.map((r) => r.value)).toEqual(['bad1'])
    expect(streams.state).not.toBe('ERROR')
  })
})
