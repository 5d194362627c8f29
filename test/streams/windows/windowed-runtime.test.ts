/**
 * A windowed count with emit-final (suppress untilWindowCloses) on CreekStreams over an
 * embedded Creek: one final result per window, interactive queries of the window store, and a
 * restart on an empty state directory, where the window store and the suppression buffer come
 * back from their changelogs and the windows still open emit exactly once, then a restart on
 * the same state directory (RocksDB stores reopened from disk).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import {
  BufferConfig, Consumed, CreekStreams, Materialized, Produced, StreamsBuilder, Suppressed, TimeWindows, WindowedSerdes, countSerde, type Windowed,
} from '../../../streams/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, appOptions, createTopics, memoryLogger, waitForState } from '../runtime/helpers.ts'

const WINDOW = 60_000
/** Event times are offsets from a recent minute (records far in the past would fall to the broker's retention). */
const BASE = Math.floor(Date.now() / WINDOW) * WINDOW - 60 * WINDOW

function finalCounts(): StreamsBuilder {
  const builder = new StreamsBuilder()
  builder
    .stream('clicks', Consumed.with(serdes.string(), serdes.string()))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW))
    .count(Materialized.as<string, number>('click-counts'))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('final-counts', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), WINDOW), countSerde()))
  return builder
}

async function click(creek: Creek, records: readonly [string, number][]): Promise<void> {
  const producer = creek.producer({ lingerMs: 1 })
  for (const [key, timestamp] of records) await producer.send({ topic: 'clicks', messages: [{ key, value: 'x', timestamp: BASE + timestamp }] })
  await producer.close()
}

/** The final counts written so far, once there are at least `count`: [key, window start − BASE, count]. */
async function readFinal(creek: Creek, count: number, timeoutMs = 20_000): Promise<[string, number, number][]> {
  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(serdes.string(), WINDOW)
  const valueSerde = countSerde()
  const rows: [string, number, number][] = []
  const consumer = creek.consumer({ autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 })
  consumer.assign([{ topic: 'final-counts', partition: 0 }])
  let done!: () => void
  const enough = new Promise<void>((resolve) => {
    done = resolve
  })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const key = keySerde.deserialize('final-counts', m.key === null ? null : Buffer.from(m.key)) as Windowed<string>
        rows.push([key.key, key.window.startMs - BASE, valueSerde.deserialize('final-counts', m.value === null ? null : Buffer.from(m.value))!])
      }
      if (rows.length >= count) done()
    },
  })
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([enough, new Promise((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${rows.length} final counts after ${timeoutMs} ms: ${JSON.stringify(rows)}`)), timeoutMs)
    })])
  } finally {
    clearTimeout(timer)
    await consumer.close()
  }
  return rows
}

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('a windowed count with emit-final on CreekStreams', () => {
  it('emits one final result per window and survives a restart that restores from the changelogs', async () => {
    const dir = tempDir('creek-windows-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    cleanups.push(() => creek.close())
    await createTopics(creek, { clicks: 1, 'final-counts': 1 })
    await click(creek, [['alice', 10_000], ['alice', 20_000], ['bob', 30_000], ['alice', 70_000], ['bob', 80_000]])

    const first = new CreekStreams(finalCounts().build(), appOptions(creek, `${dir}/state-1`, { applicationId: 'clicks', logger: memoryLogger() }))
    cleanups.push(() => first.close({ timeoutMs: 10_000 }))
    await first.start()
    expect(await readFinal(creek, 2)).toEqual([['alice', 0, 2], ['bob', 0, 1]])
    await waitForState(first, 'RUNNING')
    // Interactive queries: the window store by key and time range (plain values).
    const view = first.windowStore<string, number>('click-counts')
    // All five records processed: both keys have their window [1:00, 2:00).
    await expect.poll(() => [...view.fetchAll(BASE + WINDOW, BASE + WINDOW)].map((e) => [e.key.key, e.key.window.endMs - BASE, e.value]))
      .toEqual([['alice', 2 * WINDOW, 1], ['bob', 2 * WINDOW, 1]])
    // Retention is size + grace (1 min): at stream time 1:20 the window [0, 1:00) has expired from the store.
    expect([...view.fetchRange('alice', BASE, BASE + 2 * WINDOW)].map((e) => [e.key - BASE, e.value])).toEqual([[WINDOW, 1]])
    expect(view.fetch('bob', BASE + WINDOW)).toBe(1)
    await first.close()

    // A new state directory: everything comes back from the changelogs.
    await click(creek, [['alice', 130_000]])
    const second = new CreekStreams(finalCounts().build(), appOptions(creek, `${dir}/state-2`, { applicationId: 'clicks' }))
    cleanups.push(() => second.close({ timeoutMs: 10_000 }))
    await second.start()
    expect(await readFinal(creek, 4)).toEqual([['alice', 0, 2], ['bob', 0, 1], ['alice', WINDOW, 1], ['bob', WINDOW, 1]])
    await waitForState(second, 'RUNNING')
    expect(second.windowStore<string, number>('click-counts').fetch('alice', BASE + 2 * WINDOW)).toBe(1)
    // Nothing else: no duplicate of a window already emitted.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await readFinal(creek, 4)).toHaveLength(4)
    await second.close()

    // The same state directory again: the RocksDB stores open from disk (checkpointed).
    await click(creek, [['bob', 190_000]])
    const third = new CreekStreams(finalCounts().build(), appOptions(creek, `${dir}/state-2`, { applicationId: 'clicks' }))
    cleanups.push(() => third.close({ timeoutMs: 10_000 }))
    await third.start()
    expect(await readFinal(creek, 5)).toEqual([['alice', 0, 2], ['bob', 0, 1], ['alice', WINDOW, 1], ['bob', WINDOW, 1], ['alice', 2 * WINDOW, 1]])
    await waitForState(third, 'RUNNING')
    expect(third.windowStore<string, number>('click-counts').fetch('bob', BASE + 3 * WINDOW)).toBe(1)
  }, 60_000)
})
