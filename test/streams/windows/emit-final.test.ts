/**
 * `emitStrategy(onWindowClose())` (KIP-825): the processor emits each closed window once from
 * its index of windows not emitted yet (window start → keys, in creation order), not from a
 * scan of the store. Checked through the TopologyTestDriver (several keys and hopping windows,
 * order of emission, late records) and on CreekStreams over an embedded Creek across a restart
 * whose store comes back from the changelog: a window created before the restart and closed
 * after it is emitted once, found when the index is rebuilt from the store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, CreekStreams, EmitStrategy, Materialized, Produced, StreamsBuilder, TimeWindows, TopologyTestDriver, WindowedSerdes, countSerde, type Windowed,
} from '../../../streams/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, appOptions, createTopics } from '../runtime/helpers.ts'

const SEC = 1000
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function emitFinalCounts(windows: TimeWindows): StreamsBuilder {
  const builder = new StreamsBuilder()
  builder
    .stream('clicks', Consumed.with(serdes.string(), serdes.string()))
    .groupByKey()
    .windowedBy(windows)
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(Materialized.as<string, number>('final-counts-store'))
    .toStream()
    .to('final-counts', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), windows.sizeMs), countSerde()))
  return builder
}

describe('emitStrategy(onWindowClose) emits each closed window once, from its index of open windows', () => {
  it('by window start, then in the order the windows were created; late records change nothing', async () => {
    const windows = TimeWindows.ofSizeAndGrace(10 * SEC, 2 * SEC).advanceBy(5 * SEC)
    const driver = new TopologyTestDriver(emitFinalCounts(windows).build(), { applicationId: 'emit-final' })
    cleanups.push(() => driver.close())
    const input = driver.createInputTopic('clicks', serdes.string(), serdes.string())
    const keySerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), 10 * SEC)
    const output = driver.createOutputTopic('final-counts', keySerde, countSerde())
    const read = () => output.readRecordsToList().map((r) => [r.key!.key, r.key!.window.startMs, r.value, r.timestamp])

    await input.pipeInput('zed', 'x', 1 * SEC) // only [0, 10): window starts are never negative
    await input.pipeInput('amy', 'x', 6 * SEC) // [0, 10) and [5, 15)
    await input.pipeInput('zed', 'x', 7 * SEC) // [0, 10) and [5, 15)
    await input.pipeInput('bob', 'x', 11 * SEC) // [5, 15) and [10, 20)
    expect(read()).toEqual([])
    // Stream time 12 s, close time 10 s: [0, 10) closes; zed's window was created before amy's.
    await input.pipeInput('amy', 'x', 12 * SEC)
    expect(read()).toEqual([['zed', 0, 2, 7 * SEC], ['amy', 0, 1, 6 * SEC]])
    // Late for [0, 10) (closed), still in time for [5, 15) (closes at 17 s).
    await input.pipeInput('bob', 'x', 9 * SEC)
    expect(read()).toEqual([])
    // Close time 20 s: [5, 15) and [10, 20) close, in start order.
    await input.pipeInput('amy', 'x', 22 * SEC)
    expect(read()).toEqual([
      ['amy', 5 * SEC, 2, 12 * SEC], ['zed', 5 * SEC, 1, 7 * SEC], ['bob', 5 * SEC, 2, 11 * SEC],
      ['bob', 10 * SEC, 1, 11 * SEC], ['amy', 10 * SEC, 1, 12 * SEC],
    ])
    // Nothing is emitted twice.
    await input.pipeInput('amy', 'x', 23 * SEC)
    expect(read()).toEqual([])
  })

  it('finds the windows restored from the changelog after a restart', async () => {
    const WINDOW = 60 * SEC
    // Event times from a recent minute (records far in the past would fall to the broker's retention).
    const base = Math.floor(Date.now() / WINDOW) * WINDOW - 60 * WINDOW
    const dir = tempDir('creek-emit-final-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    cleanups.push(() => creek.close())
    await createTopics(creek, { clicks: 1, 'final-counts': 1 })
    const click = async (records: readonly [string, number][]) => {
      const producer = creek.producer({ lingerMs: 1 })
      await producer.send({ topic: 'clicks', messages: records.map(([key, time]) => ({ key, value: 'x', timestamp: base + time })) })
      await producer.close()
    }
    const keySerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), WINDOW)
    const read = async (count: number): Promise<[string, number, number][]> => {
      const rows: [string, number, number][] = []
      const consumer = creek.consumer({ autoOffsetReset: 'earliest', fetchMaxWaitMs: 50, value: countSerde() })
      consumer.assign([{ topic: 'final-counts', partition: 0 }])
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = keySerde.deserialize('final-counts', message.key === null ? null : Buffer.from(message.key)) as Windowed<string>
          rows.push([key.key, key.window.startMs - base, message.value!])
        },
      })
      const deadline = Date.now() + 20_000
      while (rows.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      await consumer.close()
      return rows
    }
    const windows = TimeWindows.ofSizeWithNoGrace(WINDOW)

    await click([['alice', 10 * SEC], ['bob', 20 * SEC], ['alice', 30 * SEC], ['carol', 70 * SEC]])
    const first = new CreekStreams(emitFinalCounts(windows).build(), appOptions(creek, `${dir}/state-1`, { applicationId: 'emit-final' }))
    cleanups.push(() => first.close({ timeoutMs: 10_000 }))
    await first.start()
    expect(await read(2)).toEqual([['alice', 0, 2], ['bob', 0, 1]])
    await first.close()

    // A new state directory: carol's open window [1:00, 2:00) comes back from the changelog,
    // and the record at 2:10 closes it.
    await click([['bob', 130 * SEC]])
    const second = new CreekStreams(emitFinalCounts(windows).build(), appOptions(creek, `${dir}/state-2`, { applicationId: 'emit-final' }))
    cleanups.push(() => second.close({ timeoutMs: 10_000 }))
    await second.start()
    expect(await read(3)).toEqual([['alice', 0, 2], ['bob', 0, 1], ['carol', WINDOW, 1]])
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await read(3)).toHaveLength(3)
  }, 60_000)
})
