/**
 * Punctuators in the topology test driver: Kafka's stream-time rules (aligned to 0, at most
 * once per advance, missed intervals skipped), wall-clock punctuation on
 * `advanceWallClockTime`, forwarding and state stores from a punctuator, cancel, failures,
 * and `schedule` from the DSL's `process()`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  type Cancellable, Consumed, type KeyValueStore, type Processor, type ProcessorContext, Produced, PunctuationType, type RecordMetadata, Stores,
  StreamsBuilder, type StreamsError, Topology, TopologyTestDriver, type TopologyTestDriverOptions,
} from '../../../streams/index.ts'

const string = serdes.string()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close().catch(() => undefined)
})

function open(topology: Topology, options: TopologyTestDriverOptions = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(topology, options)
  drivers.push(driver)
  return driver
}

/** in → a processor whose init calls `setup(context)` → out. */
function withProcessor(setup: (context: ProcessorContext<string, string>) => void, process?: (context: ProcessorContext<string, string>, value: string) => void): Topology {
  return new Topology()
    .addSource('src', { topics: ['in'], keySerde: string, valueSerde: string })
    .addProcessor('p', (): Processor<string, string, string, string> => {
      let context: ProcessorContext<string, string>
      return {
        init: (c) => {
          context = c
          setup(c)
        },
        process: (r) => process?.(context, r.value),
      }
    }, 'src')
    .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'p')
}

describe('stream-time punctuation', () => {
  it('fires aligned to 0, with the stream time, at most once per advance, skipping missed intervals', async () => {
    const fired: number[] = []
    const driver = open(withProcessor((c) => void c.schedule(10, PunctuationType.STREAM_TIME, (t) => fired.push(t))))
    const input = driver.createInputTopic('in', string, string)
    for (const ts of [5, 8, 12, 45, 30, 49, 50]) await input.pipeInput('k', 'v', ts)
    // 5: due at 0 → fires, next 10; 12 → next 20; 45 jumps over 20..40 → fires once, next 50;
    // 30 (out of order) keeps stream time at 45; 50 → fires.
    expect(fired).toEqual([5, 12, 45, 50])
    await driver.advanceWallClockTime(60_000)
    expect(fired).toEqual([5, 12, 45, 50])
  })

  it('does not fire before the first record', async () => {
    const fired: number[] = []
    const driver = open(withProcessor((c) => void c.schedule(10, PunctuationType.STREAM_TIME, (t) => fired.push(t))))
    await driver.ready()
    await driver.advanceWallClockTime(1_000)
    expect(fired).toEqual([])
  })

  it('forwards records stamped with the punctuation time and reads and writes stores; recordMetadata() is null', async () => {
    const metadata: (RecordMetadata | null)[] = []
    const topology = new Topology()
      .addSource('src', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('counter', (): Processor<string, string, string, string> => {
        let context: ProcessorContext<string, string>
        let store: KeyValueStore<string, string>
        return {
          init: (c) => {
            context = c
            store = c.getStateStore<KeyValueStore<string, string>>('counts')
            c.schedule(100, PunctuationType.STREAM_TIME, (timestamp) => {
              metadata.push(c.recordMetadata())
              for (const { key, value } of store.all()) context.forward({ key, value, timestamp, headers: [] })
              store.put('punctuations', String(Number(store.get('punctuations') ?? '0') + 1))
            })
          },
          process: (r) => store.put(r.key, String(Number(store.get(r.key) ?? '0') + 1)),
        }
      }, 'src')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), string, string), 'counter')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'counter')
    const driver = open(topology)
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('a', 'x', 50) // the record first, then the punctuation due at 0 fires at 50
    await input.pipeInput('b', 'x', 60)
    await input.pipeInput('a', 'x', 130)
    const out = output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)
    expect(out).toEqual(['a=1@50', 'a=2@130', 'b=1@130', 'punctuations=1@130'])
    expect(metadata).toEqual([null, null])
    expect(driver.getKeyValueStore<string, string>('counts').get('punctuations')).toBe('2')
  })

  it('is available to processors added with KStream.process()', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string))
      .process((): Processor<string, string, string, string> => ({
        init: (c) => void c.schedule(1_000, PunctuationType.STREAM_TIME, (t) => c.forward({ key: 'tick', value: String(t), timestamp: t, headers: [] })),
        process: () => undefined,
      }))
      .to('out', Produced.with(string, string))
    const driver = open(builder.build())
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    for (const ts of [100, 900, 1_000, 3_500]) await input.pipeInput('k', 'v', ts)
    expect(output.readValuesToList()).toEqual(['100', '1000', '3500'])
  })
})

describe('wall-clock punctuation', () => {
  it('fires from advanceWallClockTime, first at start + interval, skipping missed intervals', async () => {
    const fired: number[] = []
    const driver = open(withProcessor((c) => void c.schedule(100, PunctuationType.WALL_CLOCK_TIME, (t) => fired.push(t))), { initialWallClockTimeMs: 1_000 })
    await driver.ready()
    await driver.advanceWallClockTime(50)
    expect(fired).toEqual([])
    await driver.advanceWallClockTime(50)
    expect(fired).toEqual([1_100])
    await driver.advanceWallClockTime(250) // 1350: once, next at 1400
    expect(fired).toEqual([1_100, 1_350])
    await driver.advanceWallClockTime(50)
    expect(fired).toEqual([1_100, 1_350, 1_400])
    expect(driver.wallClockTimeMs).toBe(1_400)
  })

  it('does not fire on piped records (stream time), and its forwarded records reach the output topic', async () => {
    const driver = open(withProcessor((c) => void c.schedule(1_000, PunctuationType.WALL_CLOCK_TIME, (t) => c.forward({ key: 'wall', value: String(t), timestamp: t, headers: [] }))), {
      initialWallClockTimeMs: 0,
    })
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'v', 5_000)
    expect(output.readRecordsToList()).toEqual([])
    await driver.advanceWallClockTime(1_000)
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['wall', '1000', 1_000]])
  })

  it('cancel() stops a punctuator, also from inside it; other punctuators go on', async () => {
    const fired: string[] = []
    let cancellable: Cancellable | undefined
    const driver = open(withProcessor((c) => {
      let n = 0
      cancellable = c.schedule(10, PunctuationType.WALL_CLOCK_TIME, (t) => {
        fired.push(`self@${t}`)
        if (++n === 2) cancellable?.cancel()
      })
      const other = c.schedule(10, PunctuationType.WALL_CLOCK_TIME, (t) => fired.push(`other@${t}`))
      c.schedule(25, PunctuationType.WALL_CLOCK_TIME, () => other.cancel())
    }), { initialWallClockTimeMs: 0 })
    await driver.ready()
    for (let i = 0; i < 5; i++) await driver.advanceWallClockTime(10)
    expect(fired).toEqual(['self@10', 'other@10', 'self@20', 'other@20'])
  })
})

describe('punctuation failures and validation', () => {
  it('a punctuator that throws goes to the processing exception handler (default: fail), named as a punctuation', async () => {
    const driver = open(withProcessor((c) => void c.schedule(10, PunctuationType.WALL_CLOCK_TIME, () => {
      throw new Error('tick failed')
    })), { initialWallClockTimeMs: 0 })
    await driver.ready()
    let error: StreamsError | undefined
    await driver.advanceWallClockTime(10).catch((e: StreamsError) => void (error = e))
    expect(error?.code).toBe('STREAMS_PROCESSING')
    expect(error?.message).toContain('Processor p of task 0_0 failed on the record from a WALL_CLOCK_TIME punctuation at 10: tick failed')
  })

  it('with log-and-continue a failing punctuator is skipped and counted as dropped', async () => {
    let calls = 0
    const driver = open(withProcessor((c) => void c.schedule(10, PunctuationType.WALL_CLOCK_TIME, () => {
      calls++
      throw new Error('tick failed')
    })), { initialWallClockTimeMs: 0, processingExceptionHandler: 'log-and-continue' })
    await driver.ready()
    await driver.advanceWallClockTime(10)
    await driver.advanceWallClockTime(10)
    expect(calls).toBe(2)
    expect(driver.metrics().find((m) => m.name === 'dropped-records-total')?.value).toBe(2)
  })

  it('refuses an interval below 1 ms or an unknown type', async () => {
    const bad = open(withProcessor((c) => void c.schedule(0, PunctuationType.STREAM_TIME, () => undefined)))
    await expect(bad.ready()).rejects.toThrow(/interval must be an integer of at least 1 ms/)
    const unknown = open(withProcessor((c) => void c.schedule(5, 'SOMETIMES' as never, () => undefined)))
    await expect(unknown.ready()).rejects.toThrow(/type SOMETIMES/)
  })
})
