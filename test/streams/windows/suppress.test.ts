/**
 * `KTable#suppress` and `EmitStrategy.onWindowClose()` through the TopologyTestDriver:
 * final results of windowed counts (one per window, after it closes, driven by stream time),
 * time limits, bounded buffers that emit early or shut down, and the buffer's changelog.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  BufferConfig, Consumed, EmitStrategy, Materialized, Produced, SlidingWindows, StreamsBuilder, Suppressed, SuppressionBufferFullError, TimeWindows,
  TopologyTestDriver, WindowedSerdes, countSerde, type KStream, type KTable, type Windowed,
} from '../../../streams/index.ts'

const MIN = 60_000
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close().catch(() => undefined)
})

function windowed(build: (stream: KStream<string, string>) => KTable<Windowed<string>, number>, size = 5 * MIN) {
  const builder = new StreamsBuilder()
  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), size)
  build(builder.stream('input', Consumed.with(serdes.string(), serdes.string()))).toStream().to('output', Produced.with(keySerde, countSerde()))
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'suppress' })
  drivers.push(driver)
  const input = driver.createInputTopic('input', serdes.string(), serdes.string())
  const output = driver.createOutputTopic('output', keySerde, countSerde())
  const read = () => output.readRecordsToList().map((r) => [r.key!.key, r.key!.window.startMs, r.value, r.timestamp])
  return { driver, input, read }
}

async function pipeFinalResultsScenario(input: { pipeInput(key: string, value: string, timestamp: number): Promise<void> }, read: () => unknown[]) {
  await input.pipeInput('alice', 'a', 30_000)
  await input.pipeInput('alice', 'b', 4 * MIN + 59_000)
  await input.pipeInput('bob', 'c', MIN)
  await input.pipeInput('alice', 'd', 5 * MIN + 30_000) // stream time 5:30, close time 4:30: nothing closes
  expect(read()).toEqual([])
  await input.pipeInput('alice', 'e', 6 * MIN) // close time 5:00: [0, 5:00) closes
  expect(read()).toEqual([
    ['alice', 0, 2, 4 * MIN + 59_000],
    ['bob', 0, 1, MIN],
  ])
  await input.pipeInput('bob', 'late', 4 * MIN) // [0, 5:00) is closed: dropped, nothing new
  await input.pipeInput('bob', 'f', 11 * MIN) // close time 10:00: [5:00, 10:00) closes
  expect(read()).toEqual([['alice', 5 * MIN, 2, 6 * MIN]])
}

describe('suppress(untilWindowCloses)', () => {
  it('emits exactly one final result per window once stream time passes end + grace', async () => {
    const { input, read } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(5 * MIN, MIN)).count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())))
    await pipeFinalResultsScenario(input, read)
  })

  it('works for sliding windows', async () => {
    const { input, read } = windowed((s) => s.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())), 10)
    await input.pipeInput('a', 'x', 10)
    await input.pipeInput('a', 'y', 15)
    // Suppression emits a window once its end <= stream time − grace: [0, 10] and [5, 15] at stream time 15.
    expect(read()).toEqual([['a', 0, 1, 10], ['a', 5, 2, 15]])
    await input.pipeInput('a', 'z', 100)
    expect(read()).toEqual([['a', 11, 1, 15], ['a', 90, 1, 100]])
  })

  it('logs its buffer to a changelog and names it after Suppressed.withName', async () => {
    const { input, driver } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5 * MIN)).count()
      .suppress(Suppressed.untilWindowCloses<Windowed<string>>(BufferConfig.unbounded()).withName('final')))
    await input.pipeInput('alice', 'a', 1000)
    expect(driver.producedTopicNames()).toContain('suppress-final-store-changelog')
    expect(driver.getStateStore('final-store')).toBeDefined()
  })

  it('finds the windows through filter and mapValues', async () => {
    const { input, read } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5 * MIN)).count()
      .filter((_k, n) => n > 1).mapValues((n) => n * 10, Materialized.with(null, countSerde()))
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())))
    await input.pipeInput('a', 'x', 1000)
    await input.pipeInput('a', 'x', 2000)
    await input.pipeInput('b', 'x', 3000)
    await input.pipeInput('c', 'x', 5 * MIN)
    expect(read()).toEqual([['a', 0, 20, 2000]])
  })

  it('needs a windowed table and a strict buffer', () => {
    const builder = new StreamsBuilder()
    const table = builder.stream<string, string>('input').groupByKey().count()
    expect(() => table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))).toThrow(/applies only to windowed KTables/)
    expect(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(3) as never)).toThrow(/strict buffer config/)
  })

  it('fails the task with SuppressionBufferFullError when a shut-down-when-full buffer overflows', async () => {
    const { input } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5 * MIN)).count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.maxRecords(1).shutDownWhenFull())))
    await input.pipeInput('a', 'x', 1000)
    const failure = await input.pipeInput('b', 'y', 2000).then(() => null, (error: unknown) => error)
    expect(failure).toMatchObject({ code: 'STREAMS_PROCESSING' })
    expect((failure as Error).cause).toBeInstanceOf(SuppressionBufferFullError)
    expect(((failure as Error).cause as Error).message).toMatch(/buffer exceeded its max capacity. Currently \[2\/1\] records/)
  })
})

describe('emitStrategy(onWindowClose) (KIP-825)', () => {
  it('gives the same final results without a suppression buffer', async () => {
    const { input, read, driver } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(5 * MIN, MIN))
      .emitStrategy(EmitStrategy.onWindowClose()).count(Materialized.as('counts')))
    await pipeFinalResultsScenario(input, read)
    expect(driver.getWindowStore<string, number>('counts').fetch('alice', 5 * MIN)).toBe(2)
  })
})

describe('emitStrategy(onWindowClose) with hopping windows', () => {
  it('emits each window once when stream time passes its end', async () => {
    const { input, read } = windowed((s) => s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10_000).advanceBy(5000))
      .emitStrategy(EmitStrategy.onWindowClose()).count(), 10_000)
    await input.pipeInput('k', 'x', 1000)
    await input.pipeInput('k', 'x', 7000)
    expect(read()).toEqual([])
    await input.pipeInput('k', 'x', 16_000) // windows starting at 0 and 5 s have ended
    expect(read()).toEqual([['k', 0, 2, 7000], ['k', 5000, 1, 7000]])
    await input.pipeInput('k', 'x', 17_000)
    expect(read()).toEqual([])
  })
})

describe('suppress(untilTimeLimit)', () => {
  function counts(config: Parameters<typeof Suppressed.untilTimeLimit>[1], limit = MIN) {
    const builder = new StreamsBuilder()
    builder.stream('input', Consumed.with(serdes.string(), serdes.string())).groupByKey().count()
      .suppress(Suppressed.untilTimeLimit<string>(limit, config)).toStream().to('output', Produced.with(serdes.string(), countSerde()))
    const driver = new TopologyTestDriver(builder.build())
    drivers.push(driver)
    const output = driver.createOutputTopic('output', serdes.string(), countSerde())
    return { input: driver.createInputTopic('input', serdes.string(), serdes.string()), read: () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]) }
  }

  it('emits a key\'s latest value once stream time is the limit past its first buffered update', async () => {
    const { input, read } = counts(BufferConfig.maxRecords(10))
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('a', 'x', 10_000)
    await input.pipeInput('b', 'x', 30_000)
    expect(read()).toEqual([])
    await input.pipeInput('a', 'x', 61_000) // a's first buffered update (0) is 61 s old: a = 3 goes out; b (30 s) waits
    expect(read()).toEqual([['a', 3, 61_000]])
    await input.pipeInput('c', 'x', 95_000)
    expect(read()).toEqual([['b', 1, 30_000]])
  })

  it('emits early when a bounded buffer is full', async () => {
    const { input, read } = counts(BufferConfig.maxRecords(1).emitEarlyWhenFull(), 10 * MIN)
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('b', 'x', 1000)
    expect(read()).toEqual([['a', 1, 0]])
  })

  it('validates its arguments', () => {
    expect(() => Suppressed.untilTimeLimit(-1, BufferConfig.unbounded())).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    expect(() => BufferConfig.maxRecords(0)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    expect(BufferConfig.maxBytes(100).shutDownWhenFull().bufferFullStrategy).toBe('SHUT_DOWN')
  })
})
