/**
 * examples/page-views end to end, as a user runs it: `node bin/run-ts.js examples/page-views/main.ts`
 * in a child process on the embedded broker (its temporary directory inside this test's). The
 * run is killed if it has not exited within RUN_TIMEOUT_MS. The expected counts are worked out
 * by hand from the sample (see the example's README): the out-of-order view counted, the late
 * one and the view without a profile not, the last window left open.
 */
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.ts'

const RUN_TIMEOUT_MS = 45_000

interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

function runExample(args: readonly string[], tmp: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp }
    delete env.CREEK_BOOTSTRAP
    const child = spawn(process.execPath, ['bin/run-ts.js', 'examples/page-views/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** The `region@windowStart  count` lines printed after the "Final counts" heading, in order. */
function finalCounts(stdout: string): [string, number][] {
  const lines = stdout.split('\n')
  const heading = lines.findIndex((l) => l.startsWith('Final counts in region-views-per-minute'))
  expect(heading, `no final counts in:\n${stdout}`).toBeGreaterThanOrEqual(0)
  const rows: [string, number][] = []
  for (const line of lines.slice(heading + 1)) {
    const match = /^ {2}(\S+@\S+)\s+(\d+)$/.exec(line)
    if (!match) break
    rows.push([match[1], Number(match[2])])
  }
  return rows
}

describe('examples/page-views', () => {
  it('prints the final count of every closed window, per region, and cleans up', async () => {
    const tmp = tempDir('creek-example-pv-')
    const run = await runExample([], tmp)
    expect(run.signal, run.stderr).toBeNull()
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0)
    const w = (region: string, minute: number) => `${region}@2025-06-02T09:0${minute}:00Z`
    // Windows closed in turn as stream time advanced; within a window, in the order its regions were first counted.
    expect(finalCounts(run.stdout)).toEqual([
      [w('eu', 0), 2], [w('us', 0), 1], [w('apac', 0), 1],
      // alice 09:01:50 (out of order, within grace) counted; bob 09:01:55 (late) not.
      [w('eu', 1), 2], [w('us', 1), 2],
      // zoe has no profile: no join output.
      [w('apac', 2), 1], [w('eu', 2), 1],
      [w('us', 3), 1], [w('eu', 3), 1], [w('apac', 3), 1],
      [w('us', 4), 1], [w('eu', 4), 1],
      // The window of 09:06 stays open: never emitted.
    ])
    expect(run.stdout).toContain('Records dropped by the app (dropped-records-total, late views): 1')
    expect(readdirSync(tmp).filter((name) => name.startsWith('creek-page-views-'))).toEqual([])
  })

  it('explains itself', async () => {
    const run = await runExample(['--help'], tempDir('creek-example-pv-'))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('usage: node bin/run-ts.js examples/page-views/main.ts')
  })
})
