/**
 * examples/word-count end to end, as a user runs it: `node bin/run-ts.js examples/word-count/main.ts`
 * in a child process on the embedded broker (its temporary directory inside this test's), with
 * lines on stdin or the built-in sample text. Each run is killed if it has not exited within
 * RUN_TIMEOUT_MS.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.ts'

const RUN_TIMEOUT_MS = 45_000

interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

function runExample(args: readonly string[], input: string | null, tmp: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp }
    delete env.CREEK_BOOTSTRAP
    const child = spawn(process.execPath, ['bin/run-ts.js', 'examples/word-count/main.ts', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env })
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
    if (input === null) child.stdin.end()
    else child.stdin.end(input)
  })
}

/** The counts the runner printed from the store at the end (`  word  count` lines after the summary). */
function finalCounts(stdout: string): Map<string, number> {
  const lines = stdout.split('\n')
  const summary = lines.findIndex((l) => l.startsWith('Counted '))
  expect(summary, `no summary line in:\n${stdout}`).toBeGreaterThanOrEqual(0)
  const counts = new Map<string, number>()
  for (const line of lines.slice(summary + 1)) {
    const match = /^ {2}(\S+)\s+(\d+)$/.exec(line)
    if (match) counts.set(match[1], Number(match[2]))
  }
  return counts
}

/** The last update of each word in the output records the runner printed (`word  count` lines). */
function lastUpdates(stdout: string): Map<string, number> {
  const updates = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Counted ')) break
    const match = /^(\S+)\s+(\d+)$/.exec(line)
    if (match) updates.set(match[1], Number(match[2]))
  }
  return updates
}

describe('examples/word-count', () => {
  it('counts the lines of stdin, prints the output updates and the store, and cleans up', async () => {
    const tmp = tempDir('creek-example-wc-')
    const run = await runExample([], 'all streams lead to Kafka\nhello Kafka Streams\n\njoin kafka summit\n', tmp)
    expect(run.signal, run.stderr).toBeNull()
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0)
    const truth = new Map([['kafka', 3], ['streams', 2], ['all', 1], ['lead', 1], ['to', 1], ['hello', 1], ['join', 1], ['summit', 1]])
    expect(run.stdout).toContain('Counted 11 words in 3 lines.')
    expect(finalCounts(run.stdout)).toEqual(truth)
    // Every word's last update on the output topic is its final count.
    expect(lastUpdates(run.stdout)).toEqual(truth)
    // The embedded broker's temporary directory is gone.
    expect(readdirSync(tmp).filter((name) => name.startsWith('creek-word-count-'))).toEqual([])
  })

  it('counts its sample text', async () => {
    const tmp = tempDir('creek-example-wc-')
    const run = await runExample(['--sample', '--interval-ms', '0'], null, tmp)
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0)
    expect(run.stdout).toContain('> all streams lead to Kafka')
    expect(run.stdout).toContain('Counted 19 words in 5 lines.')
    const counts = finalCounts(run.stdout)
    expect(counts.get('kafka')).toBe(4)
    expect(counts.get('streams')).toBe(3)
    expect(counts.get('creek')).toBe(2)
    expect(lastUpdates(run.stdout)).toEqual(counts)
    expect(existsSync(join(tmp, 'creek-streams'))).toBe(false)
  })

  it('explains its options', async () => {
    const run = await runExample(['--help'], null, tempDir('creek-example-wc-'))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--bootstrap')
  })
})
