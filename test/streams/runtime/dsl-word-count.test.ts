import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import { Consumed, CreekStreams, Grouped, Materialized, Produced, StreamsBuilder } from '../../../streams/index.ts'
import { countSerde } from '../../../streams/dsl/count-serde.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, type ReadRecord, appOptions, createTopics, produce, readUntil, trueCounts, waitForState } from './helpers.ts'

function wordCount(): StreamsBuilder {
  const builder = new StreamsBuilder()
  builder
    .stream('text', Consumed.with(serdes.string(), serdes.string()))
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w !== ''))
    .groupBy((_key, word) => word, Grouped.with(serdes.string(), serdes.string()))
    .count(Materialized.as<string, number>('counts'))
    .toStream()
    .to('word-counts', Produced.with(serdes.string(), countSerde()))
  return builder
}

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function latestCounts(records: readonly ReadRecord[]): Map<string, number> {
  const latest = new Map<string, number>()
  const serde = countSerde()
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    if (r.key !== null && r.valueBytes !== null) latest.set(r.key, serde.deserialize('word-counts', r.valueBytes) as number)
  }
  return latest
}

async function reach(creek: Creek, lines: readonly string[]): Promise<Map<string, number>> {
  const truth = trueCounts(lines.map((l) => l.toLowerCase()))
  const out = await readUntil(creek, 'word-counts', (r) => {
    const latest = latestCounts(r)
    return [...truth].every(([w, n]) => latest.get(w) === n)
  })
  return latestCounts(out)
}

describe('the DSL word count on CreekStreams', () => {
  it('counts, answers queries with plain values, and continues after a restart', async () => {
    const dir = tempDir('creek-dsl-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    cleanups.push(() => creek.close())
    await createTopics(creek, { text: 3, 'word-counts': 3 })
    const lines = ['The quick brown fox', 'jumps over the lazy dog', 'the END']
    await produce(creek, 'text', lines.map((value) => ({ value })))

    const first = new CreekStreams(wordCount().build(), appOptions(creek, `${dir}/state`, { applicationId: 'dsl-wc' }))
    cleanups.push(() => first.close({ timeoutMs: 10_000 }))
    await first.start()
    expect((await reach(creek, lines)).get('the')).toBe(3)
    await waitForState(first, 'RUNNING')
    expect(first.store<string, number>('counts').get('the')).toBe(3)
    expect(first.store<string, number>('counts').get('fox')).toBe(1)
    await first.close()

    const more = ['the fox again', 'THE end']
    await produce(creek, 'text', more.map((value) => ({ value })))
    const second = new CreekStreams(wordCount().build(), appOptions(creek, `${dir}/state`, { applicationId: 'dsl-wc' }))
    cleanups.push(() => second.close({ timeoutMs: 10_000 }))
    await second.start()
    const counts = await reach(creek, [...lines, ...more])
    expect(counts.get('the')).toBe(5)
    expect(counts.get('fox')).toBe(2)
    await waitForState(second, 'RUNNING')
    expect(second.store<string, number>('counts').get('end')).toBe(2)
  })
})
