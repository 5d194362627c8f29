import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { bundleForChild } from '../../helpers/bundle.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, createTopics, latestByKey, produce, readUntil, trueCounts, waitFor } from './helpers.ts'

let childBundle = ''
beforeAll(async () => {
  childBundle = await bundleForChild(join(import.meta.dirname, 'fixtures', 'word-count-child.ts'))
}, 30_000)

interface Child {
  readonly process: ChildProcess
  readonly lines: string[]
  readonly exited: Promise<void>
}

const children: Child[] = []
afterEach(async () => {
  // Only the pids this test started.
  for (const c of children.splice(0)) {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL')
    await c.exited
  }
})

function start(bootstrap: string, stateDir: string): Child {
  const child = spawn(process.execPath, [childBundle, bootstrap, stateDir], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let pending = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    const parts = pending.split('\n')
    pending = parts.pop()!
    lines.push(...parts)
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM') lines.push(`exited ${code} ${signal} ${stderr}`)
  })
  const c = { process: child, lines, exited }
  children.push(c)
  return c
}

const tasks = (c: Child): string => [...c.lines].reverse().find((l) => l.startsWith('tasks '))?.slice(6) ?? ''

describe('kill -9 of one of two word-count processes', () => {
  it('the survivor takes over; every final count is at least the true count', { timeout: 50_000 }, async () => {
    const dir = tempDir('creek-kill-')
    const broker = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    try {
      const { port } = await broker.listen({ port: 0, host: '127.0.0.1' })
      const bootstrap = `127.0.0.1:${port}`
      await createTopics(broker, { lines: 4, counts: 4 })
      const a = start(bootstrap, `${dir}/a`)
      const b = start(bootstrap, `${dir}/b`)
      const lastState = (c: Child): string | undefined => [...c.lines].reverse().find((l) => l.startsWith('state '))
      await waitFor('both processes to run with 4 tasks each', () => tasks(a).split(',').length === 4 && tasks(b).split(',').length === 4
        && lastState(a) === 'state RUNNING' && lastState(b) === 'state RUNNING', 20_000)
        .catch((error: Error) => {
          throw new Error(`${error.message}\na: ${a.lines.join(' | ')}\nb: ${b.lines.join(' | ')}`)
        })

      const vocabulary = Array.from({ length: 40 }, (_, i) => `w${i}`)
      let seed = 7
      const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
      const lines: string[] = []
      for (let round = 0; round < 20; round++) {
        const chunk = Array.from({ length: 100 }, () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' '))
        lines.push(...chunk)
        await produce(broker, 'lines', chunk.map((value) => ({ value })))
        if (round === 8) {
          // Mid-way, with commits and uncommitted work in flight on both.
          a.process.kill('SIGKILL')
          await a.exited
        }
        await new Promise((r) => setTimeout(r, 50))
      }
      const truth = trueCounts(lines)
      const out = await readUntil(broker, 'counts', (r) => {
        const latest = latestByKey(r)
        return [...truth].every(([w, n]) => Number(latest.get(w) ?? 0) >= n)
      }, 30_000)
      const latest = latestByKey(out)
      const low = [...truth].filter(([w, n]) => Number(latest.get(w) ?? 0) < n)
      expect(low).toEqual([])
      expect(tasks(b).split(',').sort()).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'])
      expect(b.lines.some((l) => l.startsWith('exited'))).toBe(false)
      b.process.kill('SIGTERM')
      await b.exited
    } finally {
      await broker.close()
    }
  })
})
