import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import {
  CreekStreams, FAST_BROKER, appOptions, createTopics, latestByKey, produce, readUntil, trueCounts, waitFor, waitForState, wordCountTopology,
} from './helpers.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const tasksOf = (app: CreekStreams): string[] => app.metadata.threads.flatMap((t) => t.activeTasks.map((x) => x.taskId)).sort()

async function scenario(creekA: Creek, creekB: Creek, dir: string): Promise<void> {
  await createTopics(creekA, { lines: 4, counts: 4 })
  const a = new CreekStreams(wordCountTopology(), appOptions(creekA, `${dir}/state-a`))
  const b = new CreekStreams(wordCountTopology(), appOptions(creekB, `${dir}/state-b`, { numStreamThreads: 2 }))
  cleanups.push(() => a.close({ timeoutMs: 10_000 }), () => b.close({ timeoutMs: 10_000 }))
  await a.start()
  await waitForState(a, 'RUNNING')
  await b.start()
  // 8 tasks (2 sub-topologies × 4 partitions) over 3 threads: 3 + 3 + 2, none twice.
  await waitFor('the tasks to be split', () => {
    const [ta, tb] = [tasksOf(a), tasksOf(b)]
    return a.state === 'RUNNING' && b.state === 'RUNNING' && ta.length + tb.length === 8 && ta.length >= 2 && tb.length >= 5
  })
  expect([...tasksOf(a), ...tasksOf(b)].sort()).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'])
  const perThread = b.metadata.threads.map((t) => t.activeTasks.length)
  expect(Math.max(...perThread, tasksOf(a).length) - Math.min(...perThread, tasksOf(a).length)).toBeLessThanOrEqual(1)

  const lines: string[] = []
  const first = Array.from({ length: 60 }, (_, i) => `w${i % 11} v${i % 5} common`)
  lines.push(...first)
  await produce(creekA, 'lines', first.map((value) => ({ value })))
  const truth1 = trueCounts(lines)
  await readUntil(creekA, 'counts', (r) => [...truth1].every(([w, n]) => latestByKey(r).get(w) === String(n)))

  // One instance leaves: the survivor takes every task over and restores its state.
  await b.close({ timeoutMs: 10_000 })
  await waitFor('the survivor to own every task', () => a.state === 'RUNNING' && tasksOf(a).length === 8)
  const second = Array.from({ length: 40 }, (_, i) => `w${i % 13} late common`)
  lines.push(...second)
  await produce(creekA, 'lines', second.map((value) => ({ value })))
  const truth = trueCounts(lines)
  const out = await readUntil(creekA, 'counts', (r) => [...truth].every(([w, n]) => latestByKey(r).get(w) === String(n)))
  expect(latestByKey(out).get('common')).toBe('100')
  expect(a.store<string, string>('counts-store').get('common')).toBe('100')
}

describe('scale-out', () => {
  it('splits tasks between two instances and fails over on Creek.open', async () => {
    const dir = tempDir('creek-scale-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    cleanups.push(() => creek.close())
    // Both instances share the embedded broker through their own clients.
    await scenario(creek, creek, dir)
  })

  it('does the same over Creek.connect to creek.listen()', async () => {
    const dir = tempDir('creek-scale-net-')
    const server = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    cleanups.push(() => server.close())
    const { port } = await server.listen({ port: 0, host: '127.0.0.1' })
    const a = Creek.connect({ bootstrap: `127.0.0.1:${port}` })
    const b = Creek.connect({ bootstrap: `127.0.0.1:${port}` })
    cleanups.push(() => a.close(), () => b.close())
    await scenario(a, b, dir)
  })
})
