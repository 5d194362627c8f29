/**
 * Windowed aggregations through the TopologyTestDriver, reproducing the window examples of
 * Kafka's Streams developer guide and javadocs (tumbling, hopping, sliding, session windows,
 * out-of-order and late records).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import type { ProcessorContext, TaskMetrics } from '../../../streams/processor/api.ts'
import {
  Consumed, Materialized, Produced, SessionWindows, SlidingWindows, StreamsBuilder, TimeWindows, TopologyTestDriver, WindowedSerdes, countSerde,
  type KStream, type KTable, type Windowed,
} from '../../../streams/index.ts'

const MIN = 60_000
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

/** A topology reading `input` (string keys and values) whose task metrics the test can read. */
function setup(build: (stream: KStream<string, string>) => KTable<Windowed<string>, number>, windowSize: number | 'session') {
  const builder = new StreamsBuilder()
  const stream = builder.stream('input', Consumed.with(serdes.string(), serdes.string()))
  const probe: { metrics: TaskMetrics | null } = { metrics: null }
  stream.process(() => ({
    init(context: ProcessorContext) {
      probe.metrics = context.metrics()
    },
    process() {},
  }))
  const keySerde = windowSize === 'session' ? WindowedSerdes.sessionWindowedSerdeFrom(serdes.string()) : WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), windowSize)
  build(stream).toStream().to('output', Produced.with(keySerde, countSerde()))
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'windows' })
  drivers.push(driver)
  const input = driver.createInputTopic('input', serdes.string(), serdes.string())
  const output = driver.createOutputTopic('output', keySerde, countSerde())
  const read = () => output.readRecordsToList().map((r) => [r.key!.key, r.key!.window.startMs, r.key!.window.endMs, r.value])
  return { driver, input, output, read, dropped: () => probe.metrics?.droppedRecords ?? 0 }
}

describe('tumbling windows', () => {
  it('counts per key and 5-minute window, accepts out-of-order records within grace, drops late ones', async () => {
    const { input, read, dropped, driver } = setup((stream) => stream.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(5 * MIN, MIN)).count(Materialized.as('counts')), 5 * MIN)
    await input.pipeInput('alice', 'a', 30_000)
    await input.pipeInput('alice', 'b', 4 * MIN + 59_000)
    await input.pipeInput('alice', 'c', 5 * MIN)
    await input.pipeInput('alice', 'd', 4 * MIN) // out of order: stream time 5:00, window [0, 5:00) open until 6:00
    await input.pipeInput('alice', 'e', 6 * MIN + 1000) // stream time 6:01: [0, 5:00) is closed
    await input.pipeInput('alice', 'f', 4 * MIN + 30_000) // late: dropped
    expect(read()).toEqual([
      ['alice', 0, 5 * MIN, 1],
      ['alice', 0, 5 * MIN, 2],
      ['alice', 5 * MIN, 10 * MIN, 1],
      ['alice', 0, 5 * MIN, 3],
      ['alice', 5 * MIN, 10 * MIN, 2],
    ])
    expect(dropped()).toBe(1)
    // Interactive query of the windowed store (values without timestamps).
    const store = driver.getWindowStore<string, number>('counts')
    expect([...store.fetchRange('alice', 0, 10 * MIN)]).toEqual([{ key: 0, value: 3 }, { key: 5 * MIN, value: 2 }])
    expect(driver.getTimestampedWindowStore<string, number>('counts').fetch('alice', 0)).toMatchObject({ value: 3, timestamp: 4 * MIN + 59_000 })
  })

  it('aligns windows to the epoch, lower bound inclusive, upper bound exclusive', () => {
    expect(TimeWindows.ofSizeWithNoGrace(5000).windowsFor(4999)).toEqual([{ startMs: 0, endMs: 5000 }])
    expect(TimeWindows.ofSizeWithNoGrace(5000).windowsFor(5000)).toEqual([{ startMs: 5000, endMs: 10_000 }])
  })
})

describe('hopping windows', () => {
  it('puts a record in every window of size 5 min advancing by 1 min that contains it', async () => {
    const { input, read } = setup((stream) => stream.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5 * MIN).advanceBy(MIN)).count(), 5 * MIN)
    await input.pipeInput('bob', 'x', 8 * MIN)
    expect(read()).toEqual([4, 5, 6, 7, 8].map((m) => ['bob', m * MIN, (m + 5) * MIN, 1]))
  })

  it('computes the javadoc example windows (size 5000 ms, advance 3000 ms) and validates advance', () => {
    const windows = TimeWindows.ofSizeWithNoGrace(5000).advanceBy(3000)
    expect(windows.windowsFor(6000)).toEqual([{ startMs: 3000, endMs: 8000 }, { startMs: 6000, endMs: 11_000 }])
    expect(windows.windowsFor(1000)).toEqual([{ startMs: 0, endMs: 5000 }])
    expect(() => TimeWindows.ofSizeWithNoGrace(5000).advanceBy(6000)).toThrow(/advancement interval/)
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
  })
})

describe('sliding windows (KIP-450)', () => {
  it('creates left and right windows as records arrive, also out of order', async () => {
    const { input, read } = setup((stream) => stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 20)).count(), 10)
    await input.pipeInput('a', 'r1', 10)
    expect(read()).toEqual([['a', 0, 10, 1]])
    await input.pipeInput('a', 'r2', 15)
    expect(read()).toEqual([['a', 11, 21, 1], ['a', 5, 15, 2]])
    await input.pipeInput('a', 'r3', 25)
    expect(read()).toEqual([['a', 16, 26, 1], ['a', 15, 25, 2]])
    await input.pipeInput('a', 'r4', 12) // out of order, within grace
    expect(read()).toEqual([['a', 5, 15, 3], ['a', 11, 21, 2], ['a', 2, 12, 2], ['a', 13, 23, 1]])
  })

  it('puts early records (before the time difference) in the window [0, timeDifference]', async () => {
    const { input, read } = setup((stream) => stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count(), 10)
    await input.pipeInput('a', 'x', 3)
    await input.pipeInput('a', 'y', 6)
    expect(read()).toEqual([['a', 0, 10, 1], ['a', 4, 14, 1], ['a', 0, 10, 2]])
  })

  it('drops records too late for any window', async () => {
    const { input, read, dropped } = setup((stream) => stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count(), 10)
    await input.pipeInput('a', 'x', 100)
    read()
    await input.pipeInput('a', 'late', 89) // 89 + 1 + 10 <= 100
    expect(read()).toEqual([])
    expect(dropped()).toBe(1)
  })
})

describe('session windows', () => {
  it('reproduces the SessionWindows javadoc example: two sessions, then a record that merges them', async () => {
    const { input, read, dropped, driver } = setup((stream) => stream.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count(Materialized.as('sessions')), 'session')
    await input.pipeInput('A', '1', 10)
    await input.pipeInput('A', '2', 12)
    await input.pipeInput('A', '3', 20)
    expect(read()).toEqual([
      ['A', 10, 10, 1],
      ['A', 10, 10, null], // merged into [10, 12]
      ['A', 10, 12, 2],
      ['A', 20, 20, 1],
    ])
    // "We'd have 2 sessions for key A": [10, 12] and [20, 20].
    expect([...driver.getSessionStore<string, number>('sessions').fetch('A')].map((s) => [s.key.window.startMs, s.key.window.endMs, s.value])).toEqual([
      [10, 12, 2], [20, 20, 1],
    ])
    await input.pipeInput('A', '4', 16) // out of order: bridges both sessions
    expect(read()).toEqual([['A', 10, 12, null], ['A', 20, 20, null], ['A', 10, 20, 4]])
    // Stream time 20, gap 5, no grace: sessions ending before 15 are closed.
    await input.pipeInput('A', 'late', 2)
    expect(read()).toEqual([])
    expect(dropped()).toBe(1)
    const output = driver.createOutputTopic('output', WindowedSerdes.sessionWindowedSerdeFrom(serdes.string()), countSerde())
    expect(output.isEmpty()).toBe(true)
  })

  it('stamps session results with the session end and merges aggregates with the merger', async () => {
    const builder = new StreamsBuilder()
    builder.stream('clicks', Consumed.with(serdes.string(), serdes.string()))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 10))
      .aggregate(() => '', (_k, v, agg) => agg + v, (_k, a, b) => a + b, Materialized.with(serdes.string(), serdes.string()))
      .toStream()
      .to('pages', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(serdes.string()), serdes.string()))
    const driver = new TopologyTestDriver(builder.build())
    drivers.push(driver)
    const input = driver.createInputTopic('clicks', serdes.string(), serdes.string())
    await input.pipeInput('u', 'a', 100)
    await input.pipeInput('u', 'b', 110)
    await input.pipeInput('u', 'c', 105)
    const out = driver.createOutputTopic('pages', WindowedSerdes.sessionWindowedSerdeFrom(serdes.string()), serdes.string()).readRecordsToList()
    expect(out.map((r) => [r.key!.window.startMs, r.key!.window.endMs, r.value, r.timestamp])).toEqual([
      [100, 100, 'a', 100],
      [110, 110, 'b', 110],
      [100, 100, null, 100],
      [110, 110, null, 110],
      [100, 110, 'abc', 110], // merger('' , 'a'), merger('a', 'b'), then the aggregator adds 'c'
    ])
  })
})

describe('windowed stores of the DSL', () => {
  it('keep windows for max(Materialized.withRetention, size + grace) and reject shorter retention', () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream<string, string>('input').groupByKey()
    expect(() => grouped.windowedBy(TimeWindows.ofSizeAndGrace(1000, 500)).count(Materialized.as<string, number>('w').withRetention(1499))).toThrow(
      /must be no smaller than its window size plus the grace period/,
    )
    expect(() => grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(1000, 500)).count(Materialized.as<string, number>('s').withRetention(10))).toThrow(
      /session inactivity gap plus the grace period/,
    )
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(1000, 500)).count(Materialized.as<string, number>('ok').withRetention(60_000))
    const store = builder.build().stores().find((s) => s.name === 'ok')!
    expect(store.changelogTopic).toBe('ok-changelog')
    expect((store.builder.build() as unknown as { retentionPeriodMs: number }).retentionPeriodMs).toBe(60_000)
  })

  it('describes a windowed count with Kafka Streams\' names', () => {
    const builder = new StreamsBuilder()
    builder.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count()
    const text = builder.build().describe().toString()
    expect(text).toContain('Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])')
  })
})
