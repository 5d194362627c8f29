/**
 * Event time in the real runtime (CreekStreams on an embedded Creek): a task reading two
 * topics processes their records in timestamp order, `max.task.idle.ms` makes it wait for an
 * empty topic, stream-time and wall-clock punctuators fire from the thread's loop, forward
 * records and use stores, and what they write is committed; invalid timestamps are dropped or
 * fail the thread with STREAMS_INVALID_TIMESTAMP.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import {
  CreekStreams, type CreekStreamsOptions, FailOnInvalidTimestamp, type KeyValueStore, type Processor, type ProcessorContext, PunctuationType, Stores,
  type TimestampExtractor, Topology,
} from '../../../streams/index.ts'
import { decodePartitionTime, encodePartitionTime } from '../../../streams/runtime/partition-time-metadata.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, FAST_CONSUMER, type ReadRecord, createTopics, readUntil, waitFor, waitForState } from '../runtime/helpers.ts'

const string = serdes.string()
const opened: Creek[] = []
const apps: CreekStreams[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close({ timeoutMs: 10_000 })))
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

async function open(): Promise<{ creek: Creek; dir: string }> {
  const dir = tempDir('creek-time-')
  const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
  opened.push(creek)
  return { creek, dir }
}

function start(topology: Topology, creek: Creek, dir: string, overrides: Partial<CreekStreamsOptions> = {}): CreekStreams {
  const app = new CreekStreams(topology, {
    creek, applicationId: 'time-app', stateDir: `${dir}/state`, commitIntervalMs: 100, consumer: FAST_CONSUMER, producer: { lingerMs: 1 }, ...overrides,
  })
  apps.push(app)
  return app
}

async function produce(creek: Creek, topic: string, records: readonly { key?: string; value: string; timestamp: number }[]): Promise<void> {
  const producer = creek.producer({ lingerMs: 1 })
  await producer.send({ topic, messages: records.map((r) => ({ key: r.key ?? 'k', value: r.value, timestamp: r.timestamp })) })
  await producer.close()
}

/** Sources on `topics` (one sub-topology, one task per partition) → forward value → 'merged'. */
function mergeTopology(topics: readonly string[]): Topology {
  const topology = new Topology()
  for (const topic of topics) topology.addSource(`src-${topic}`, { topics: [topic], keySerde: string, valueSerde: string })
  return topology
    .addProcessor('pass', (): Processor<string, string, string, string> => {
      let context: ProcessorContext<string, string>
      return { init: (c) => void (context = c), process: (r) => context.forward(r) }
    }, ...topics.map((t) => `src-${t}`))
    .addSink('sink', 'merged', { keySerde: string, valueSerde: string }, 'pass')
}

const values = (records: readonly ReadRecord[]): (string | null)[] => records.map((r) => r.value)

describe('partition time metadata', () => {
  it('round-trips, reads Kafka\'s version 2 and ignores what it does not know', () => {
    expect(decodePartitionTime(encodePartitionTime(1_700_000_000_123))).toBe(1_700_000_000_123)
    const v2 = Buffer.concat([Buffer.from([2]), Buffer.from('00000000000003e8', 'hex'), Buffer.from([0, 0, 0, 0])]).toString('base64')
    expect(decodePartitionTime(v2)).toBe(1_000)
    expect(decodePartitionTime(null)).toBeNull()
    expect(decodePartitionTime('')).toBeNull()
    expect(decodePartitionTime(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 1]).toString('base64'))).toBeNull()
    expect(decodePartitionTime('bm9wZQ==')).toBeNull()
  })
})

describe('partition choice and max.task.idle.ms in the runtime', () => {
  it('processes the records of two topics of one task in timestamp order', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { left: 1, right: 1, merged: 1 })
    await produce(creek, 'left', [{ value: 'l10', timestamp: 10 }, { value: 'l30', timestamp: 30 }, { value: 'l50', timestamp: 50 }])
    await produce(creek, 'right', [{ value: 'r20', timestamp: 20 }, { value: 'r40', timestamp: 40 }, { value: 'r60', timestamp: 60 }])
    const app = start(mergeTopology(['left', 'right']), creek, dir)
    await app.start()
    const out = await readUntil(creek, 'merged', (r) => r.length >= 6)
    expect(values(out)).toEqual(['l10', 'r20', 'l30', 'r40', 'l50', 'r60'])
  })

  it('waits up to max.task.idle.ms for an empty topic, then processes what it has (enforced processing)', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { left: 1, right: 1, merged: 1 })
    const app = start(mergeTopology(['left', 'right']), creek, dir, { maxTaskIdleMs: 2_500 })
    await app.start()
    await waitForState(app, 'RUNNING')
    await produce(creek, 'left', [{ value: 'l100', timestamp: 100 }])
    await new Promise((r) => setTimeout(r, 400))
    // Within the idle time, a record with a lower timestamp on the other topic goes first; then
    // that topic is empty again, and l100 waits for it up to the idle time before it is processed.
    const rightProducedAt = Date.now()
    await produce(creek, 'right', [{ value: 'r50', timestamp: 50 }])
    const first = await readUntil(creek, 'merged', (r) => r.length >= 2)
    expect(values(first)).toEqual(['r50', 'l100'])
    expect(Date.now() - rightProducedAt).toBeGreaterThanOrEqual(2_000)
    // As in Kafka, the deadline of a partition that stayed empty has passed: no new wait.
    await produce(creek, 'left', [{ value: 'l200', timestamp: 200 }])
    expect(values(await readUntil(creek, 'merged', (r) => r.length >= 3))).toEqual(['r50', 'l100', 'l200'])
    expect(app.metrics().find((m) => m.name === 'enforced-processing-total' && m.tags['task-id'] === '0_0')?.value).toBeGreaterThanOrEqual(1)
  })

  it('with max.task.idle.ms -1 processes a topic without waiting for the other', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { left: 1, right: 1, merged: 1 })
    const app = start(mergeTopology(['left', 'right']), creek, dir, { maxTaskIdleMs: -1 })
    await app.start()
    await waitForState(app, 'RUNNING')
    await produce(creek, 'left', [{ value: 'l1', timestamp: 1 }])
    expect(values(await readUntil(creek, 'merged', (r) => r.length >= 1, 5_000))).toEqual(['l1'])
  })
})

describe('stream time across restarts', () => {
  it('commits partition times with the offsets (Kafka\'s metadata format) and starts stream time from them', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, merged: 1 })
    /** Forwards `value/streamTime` for each record. */
    const topology = new Topology()
      .addSource('src', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('p', (): Processor<string, string, string, string> => {
        let context: ProcessorContext<string, string>
        return { init: (c) => void (context = c), process: (r) => context.forward({ ...r, value: `${r.value}/${context.currentStreamTimeMs()}` }) }
      }, 'src')
      .addSink('sink', 'merged', { keySerde: string, valueSerde: string }, 'p')
    const first = start(topology, creek, dir)
    await first.start()
    await produce(creek, 'in', [{ value: 'a', timestamp: 1_500 }, { value: 'b', timestamp: 700 }])
    await readUntil(creek, 'merged', (r) => r.length >= 2)
    await first.close()
    const reader = creek.consumer({ groupId: 'time-app' })
    const [committed] = await reader.committed([{ topic: 'in', partition: 0 }])
    await reader.close()
    expect(committed.offset).toBe(2)
    expect(decodePartitionTime(committed.metadata)).toBe(1_500)
    expect(Buffer.from(committed.metadata ?? '', 'base64').toString('hex')).toBe('0100000000000005dc') // version 1, then the time

    const second = start(topology, creek, dir)
    await second.start()
    await produce(creek, 'in', [{ value: 'late', timestamp: 100 }])
    const out = await readUntil(creek, 'merged', (r) => r.length >= 3)
    expect(values(out)).toEqual(['a/1500', 'b/1500', 'late/1500'])
  })
})

describe('timestamp extractors in the runtime', () => {
  // Creek's producer refuses negative timestamps (as Kafka's does), so invalid event times come from extractors here.
  const invalidFor = (bad: string): TimestampExtractor => (record) => (record.value === bad ? -1 : record.timestamp)

  it('drops records whose extracted timestamp is negative and reports dropped-records', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, merged: 1 })
    const app = start(mergeTopology(['in']), creek, dir, { defaultTimestampExtractor: invalidFor('bad') })
    await app.start()
    await produce(creek, 'in', [{ value: 'ok1', timestamp: 5 }, { value: 'bad', timestamp: 6 }, { value: 'ok2', timestamp: 7 }])
    expect(values(await readUntil(creek, 'merged', (r) => r.length >= 2))).toEqual(['ok1', 'ok2'])
    await waitFor('dropped-records', () => app.metrics().find((m) => m.name === 'dropped-records-total' && m.tags['task-id'] === '0_0')?.value === 1)
  })

  it('fails the thread with STREAMS_INVALID_TIMESTAMP when FailOnInvalidTimestamp meets an invalid timestamp', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, merged: 1 })
    const fail = new FailOnInvalidTimestamp()
    const extractor: TimestampExtractor = (record, partitionTime) => fail.extract({ ...record, timestamp: record.value === 'bad' ? -1 : record.timestamp }, partitionTime)
    const app = start(mergeTopology(['in']), creek, dir, { defaultTimestampExtractor: extractor })
    const errors: Error[] = []
    app.setUncaughtExceptionHandler((error) => {
      errors.push(error)
      return 'SHUTDOWN_CLIENT'
    })
    await app.start()
    await waitForState(app, 'RUNNING')
    await produce(creek, 'in', [{ value: 'ok', timestamp: 1 }, { value: 'bad', timestamp: 2 }])
    await waitFor('the thread to fail', () => errors.length > 0)
    expect((errors[0] as { code?: string }).code).toBe('STREAMS_INVALID_TIMESTAMP')
    expect(errors[0].message).toContain('in-0 at offset 1')
  })
})

describe('punctuation in the runtime', () => {
  /** in → a processor counting records in a store and punctuating `type` every `interval` → 'ticks'. */
  function ticking(type: PunctuationType, interval: number): Topology {
    return new Topology()
      .addSource('src', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('ticker', (): Processor<string, string, string, string> => {
        let store: KeyValueStore<string, string>
        return {
          init: (c) => {
            store = c.getStateStore<KeyValueStore<string, string>>('seen')
            c.schedule(interval, type, (timestamp) => {
              const ticks = Number(store.get('ticks') ?? '0') + 1
              store.put('ticks', String(ticks))
              c.forward({ key: `tick-${ticks}`, value: `${store.get('records') ?? '0'}@${c.currentStreamTimeMs()}`, timestamp, headers: [] })
            })
          },
          process: (r) => {
            store.put('records', String(Number(store.get('records') ?? '0') + 1))
            void r
          },
        }
      }, 'src')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('seen'), string, string), 'ticker')
      .addSink('sink', 'ticks', { keySerde: string, valueSerde: string }, 'ticker')
  }

  it('fires stream-time punctuators as stream time passes interval boundaries, forwarding with the stream time', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, ticks: 1 })
    const app = start(ticking(PunctuationType.STREAM_TIME, 1_000), creek, dir)
    await app.start()
    await waitForState(app, 'RUNNING')
    const steps: [number, number][] = [[500, 1], [1_500, 2], [1_700, 2], [900, 2], [3_200, 3]]
    for (const [timestamp, ticks] of steps) {
      await produce(creek, 'in', [{ value: 'x', timestamp }])
      await readUntil(creek, 'ticks', (r) => r.length >= ticks)
    }
    await produce(creek, 'in', [{ value: 'x', timestamp: 3_300 }]) // next due at 4000: no tick
    await waitFor('the last record to be processed and committed', async () => {
      const admin = creek.admin()
      const offsets = await admin.listGroupOffsets('time-app')
      await admin.close()
      return offsets.some((o) => o.topic === 'in' && o.committedOffset === 6)
    })
    const all = await readUntil(creek, 'ticks', (r) => r.length >= 3)
    expect(all.map((r) => `${r.key}=${r.value}`)).toEqual(['tick-1=1@500', 'tick-2=2@1500', 'tick-3=5@3200'])
  })

  it('fires wall-clock punctuators from the thread loop without input, and commits what they write', async () => {
    const { creek, dir } = await open()
    await createTopics(creek, { in: 1, ticks: 1 })
    const app = start(ticking(PunctuationType.WALL_CLOCK_TIME, 100), creek, dir)
    const before = Date.now()
    await app.start()
    const ticks = await readUntil(creek, 'ticks', (r) => r.length >= 3)
    expect(ticks.slice(0, 3).map((r) => r.key)).toEqual(['tick-1', 'tick-2', 'tick-3'])
    await waitFor('the punctuators\' store writes to be committed to the changelog', async () => {
      const admin = creek.admin()
      const offsets = await admin.fetchTopicOffsets('time-app-seen-changelog')
      await admin.close()
      return offsets.some((o) => o.latest >= 3)
    })
    expect(Date.now() - before).toBeGreaterThanOrEqual(300)
    expect(ticks.every((r) => r.value === '0@-1')).toBe(true) // no records, no stream time
  })
})
