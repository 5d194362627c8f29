import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { CheckpointFile } from '../../../streams/state/checkpoint-file.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import {
  CreekStreams, FAST_BROKER, appOptions, createTopics, latestByKey, memoryLogger, produce, readUntil, trueCounts, waitForState, wordCountTopology,
} from './helpers.ts'

const opened: Creek[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

async function countsReach(creek: Creek, lines: readonly string[]): Promise<Map<string, string>> {
  const truth = trueCounts(lines)
  const out = await readUntil(creek, 'counts', (r) => {
    const latest = latestByKey(r)
    return [...truth].every(([w, n]) => latest.get(w) === String(n))
  })
  return latestByKey(out)
}

/** Runs word count until `lines` are all counted, then closes it; returns its log lines. */
async function runOnce(creek: Creek, stateDir: string, lines: readonly string[], persistent = true): Promise<string[]> {
  const logger = memoryLogger()
  const app = new CreekStreams(wordCountTopology({ persistent }), appOptions(creek, stateDir, { logger }))
  try {
    await app.start()
    await waitForState(app, 'RUNNING')
    const counts = await countsReach(creek, lines)
    expect(counts).toEqual(new Map([...trueCounts(lines)].map(([w, n]) => [w, String(n)])))
    expect(app.store<string, string>('counts-store').get('x')).toBe(String(trueCounts(lines).get('x')))
  } finally {
    expect(await app.close({ timeoutMs: 10_000 })).toBe(true)
  }
  return logger.lines
}

const batch = (n: number, round: number): string[] => Array.from({ length: n }, (_, i) => `x w${i % 7} r${round} ${i % 3 === 0 ? 'x' : ''}`)

describe('state across restarts', () => {
  it('restores from the checkpoint, then from the beginning once the checkpoint is gone (RocksDB)', async () => {
    const dir = tempDir('creek-restore-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    opened.push(creek)
    await createTopics(creek, { lines: 2, counts: 2 })
    const stateDir = `${dir}/state`
    const all: string[] = []

    const first = batch(40, 1)
    all.push(...first)
    await produce(creek, 'lines', first.map((value) => ({ value })))
    await runOnce(creek, stateDir, all)
    // A clean close leaves a checkpoint at the changelog's end in every stateful task.
    for (const task of ['1_0', '1_1']) {
      const entries = await CheckpointFile.inTaskDir(join(stateDir, 'app', task)).read()
      expect(entries).toHaveLength(1)
      expect(entries[0].topic).toBe('app-counts-store-changelog')
    }

    const second = batch(30, 2)
    all.push(...second)
    await produce(creek, 'lines', second.map((value) => ({ value })))
    const log2 = await runOnce(creek, stateDir, all)
    // Local state and checkpoint were good: nothing to replay.
    expect(log2.filter((l) => /Task 1_\d: restoring/.test(l))).toEqual([])
    expect(log2.some((l) => l.includes('wiping'))).toBe(false)

    for (const task of ['1_0', '1_1']) rmSync(join(stateDir, 'app', task, '.checkpoint'))
    const third = batch(20, 3)
    all.push(...third)
    await produce(creek, 'lines', third.map((value) => ({ value })))
    const log3 = await runOnce(creek, stateDir, all)
    // No checkpoint: the local RocksDB state is wiped and rebuilt from the changelog.
    expect(log3.filter((l) => /Task 1_\d has local state without a checkpoint/.test(l))).toHaveLength(2)
    expect(log3.filter((l) => /Task 1_\d: restoring 1 changelog partitions/.test(l))).toHaveLength(2)
    expect(existsSync(join(stateDir, 'app', '1_0', 'rocksdb'))).toBe(true)
  })

  it('rebuilds in-memory stores from the changelog at every start', async () => {
    const dir = tempDir('creek-restore-mem-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    opened.push(creek)
    await createTopics(creek, { lines: 2, counts: 2 })
    const stateDir = `${dir}/state`
    const all = batch(30, 1)
    await produce(creek, 'lines', all.map((value) => ({ value })))
    await runOnce(creek, stateDir, all, false)
    const more = batch(10, 2)
    all.push(...more)
    await produce(creek, 'lines', more.map((value) => ({ value })))
    const log = await runOnce(creek, stateDir, all, false)
    expect(log.filter((l) => /Task 1_\d: restoring 1 changelog partitions/.test(l)).length).toBeGreaterThan(0)
    // In-memory stores write no checkpoint.
    expect(readdirSync(join(stateDir, 'app', '1_0'))).not.toContain('.checkpoint')
  })
})
