import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import type { ProcessorContext, StreamRecord } from '../../../streams/processor/api.ts'
import type { KeyValueStore } from '../../../streams/state/api.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { Topology } from '../../../streams/topology/topology.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import {
  CreekStreams, FAST_BROKER, appOptions, createTopics, latestByKey, produce, readUntil, trueCounts, waitFor, waitForState, wordCountTopology,
} from './helpers.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function open(): Promise<{ creek: Creek; dir: string }> {
  const dir = tempDir('creek-fail-')
  const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
  cleanups.push(() => creek.close())
  await createTopics(creek, { lines: 2, counts: 2 })
  return { creek, dir }
}

function track(app: CreekStreams): string[] {
  const states: string[] = []
  app.onStateChange((next) => states.push(next))
  cleanups.push(() => app.close({ timeoutMs: 10_000 }))
  return states
}

describe('uncaught exceptions', () => {
  it('shuts the client down by default (→ ERROR)', async () => {
    const { creek, dir } = await open()
    const app = new CreekStreams(wordCountTopology({ failOn: { word: 'boom', failing: () => true } }), appOptions(creek, `${dir}/state`))
    const states = track(app)
    const seen: Error[] = []
    app.setUncaughtExceptionHandler((error) => {
      seen.push(error)
      return 'SHUTDOWN_CLIENT'
    })
    await app.start()
    await produce(creek, 'lines', [{ value: 'a b boom' }])
    await waitForState(app, 'ERROR')
    expect(states.slice(-2)).toEqual(['PENDING_ERROR', 'ERROR'])
    expect(seen[0].message).toMatch(/counting 'boom' failed/)
    expect(() => app.store('counts-store').get('a')).toThrow(/cannot be queried while application 'app' is ERROR/)
    expect(await app.close()).toBe(true)
    expect(app.state).toBe('ERROR')
  })

  it('replaces the thread with REPLACE_THREAD and goes on (at least once)', async () => {
    const { creek, dir } = await open()
    let failures = 0
    const app = new CreekStreams(wordCountTopology({ failOn: { word: 'boom', failing: () => failures++ === 0 } }), appOptions(creek, `${dir}/state`))
    track(app)
    app.setUncaughtExceptionHandler(() => 'REPLACE_THREAD')
    await app.start()
    const lines = ['a b', 'boom a', 'c boom']
    await produce(creek, 'lines', lines.map((value) => ({ value })))
    const truth = trueCounts(lines)
    const out = await readUntil(creek, 'counts', (r) => [...truth].every(([w, n]) => Number(latestByKey(r).get(w) ?? 0) >= n))
    for (const [w, n] of truth) expect(Number(latestByKey(out).get(w))).toBeGreaterThanOrEqual(n)
    await waitFor('the replacement thread to run', () => app.state === 'RUNNING' && app.metadata.threads.some((t) => t.threadName === 'app-StreamThread-2'))
    expect(app.metadata.threads.map((t) => t.threadName)).toEqual(['app-StreamThread-2'])
  })

  it('shuts every instance down with SHUTDOWN_APPLICATION', async () => {
    const { creek, dir } = await open()
    const failing = new CreekStreams(wordCountTopology({ failOn: { word: 'boom', failing: () => true } }), appOptions(creek, `${dir}/a`))
    const other = new CreekStreams(wordCountTopology({ failOn: { word: 'boom', failing: () => true } }), appOptions(creek, `${dir}/b`))
    track(failing)
    track(other)
    failing.setUncaughtExceptionHandler(() => 'SHUTDOWN_APPLICATION')
    other.setUncaughtExceptionHandler(() => 'SHUTDOWN_APPLICATION')
    await failing.start()
    await other.start()
    await waitFor('both running', () => failing.state === 'RUNNING' && other.state === 'RUNNING')
    await produce(creek, 'lines', [{ value: 'boom', partition: 0 }, { value: 'boom', partition: 1 }])
    await Promise.all([waitForState(failing, 'ERROR'), waitForState(other, 'ERROR')])
  })
})

describe('global stores', () => {
  it('loads a global store before processing and keeps it updated', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { prices: 3, orders: 2, priced: 1 })
    await produce(creek, 'prices', [{ key: 'apple', value: '3' }, { key: 'pear', value: '5' }, { key: 'apple', value: '4' }])
    const s = serdes.string()
    const topology = new Topology()
      .addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('prices-store'), s, s).withLoggingDisabled(), 'prices-source', { topic: 'prices', keySerde: s, valueSerde: s }, 'prices-update', () => {
        let store!: KeyValueStore<string, string>
        return {
          init: (c: ProcessorContext) => {
            store = c.getStateStore('prices-store')
          },
          process: (r: StreamRecord<string, string>) => store.put(r.key, r.value),
        }
      })
      .addSource('orders-source', { topics: ['orders'], keySerde: s, valueSerde: s })
      .addProcessor('price', () => {
        let context!: ProcessorContext<string, string>
        return {
          init: (c: ProcessorContext<string, string>) => {
            context = c
          },
          process: (r: StreamRecord<string, string>) => {
            const price = context.getStateStore<KeyValueStore<string, string>>('prices-store').get(r.value) ?? '?'
            context.forward({ ...r, value: `${r.value}=${price}` })
          },
        }
      }, 'orders-source')
      .addSink('priced-sink', 'priced', { keySerde: s, valueSerde: s }, 'price')
    const app = new CreekStreams(topology, appOptions(creek, `${dir}/state`))
    track(app)
    await app.start()
    // Loaded before start() resolved.
    expect(app.store<string, string>('prices-store').get('apple')).toBe('4')
    await produce(creek, 'orders', [{ key: 'o1', value: 'apple' }, { key: 'o2', value: 'pear' }])
    await readUntil(creek, 'priced', (r) => r.length >= 2)
    await produce(creek, 'prices', [{ key: 'pear', value: '6' }])
    await waitFor('the update to reach the global store', () => app.store<string, string>('prices-store').get('pear') === '6')
    await produce(creek, 'orders', [{ key: 'o3', value: 'pear' }])
    const priced = await readUntil(creek, 'priced', (r) => r.length >= 3)
    expect(new Map(priced.map((r) => [r.key, r.value]))).toEqual(new Map([['o1', 'apple=4'], ['o2', 'pear=5'], ['o3', 'pear=6']]))
    expect(app.metadata.globalStores).toEqual(['prices-store'])
  })
})
