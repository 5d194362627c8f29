/**
 * The command line of distributed Connect: `creek connect distributed worker.json` (spawned,
 * driven through its REST API, stopped with SIGTERM) and the worker `creek start` runs beside
 * the broker.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startCreek } from '../../helpers/creek-process.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { cleanEnv } from '../../cli/run-creek.ts'

const BIN = join(process.cwd(), 'bin', 'creek.js')

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

function fileLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

describe('creek connect distributed', () => {
  it('runs a worker from a worker file, serves the REST API, and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const dir = tempDir('creek-cli-distributed-')
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    writeFileSync(input, 'one\ntwo\nthree\n')
    writeFileSync(join(dir, 'worker.json'), JSON.stringify({
      'bootstrap.servers': 'localhost:1', // ignored: --data-dir wins
      'group.id': 'cli-cluster',
      'config.storage.topic': 'cli-configs',
      'offset.storage.topic': 'cli-offsets',
      'status.storage.topic': 'cli-status',
      'offset.storage.partitions': 2,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'heartbeat.interval.ms': 300,
      'offset.flush.interval.ms': 200,
      listeners: 'http://127.0.0.1:8083',
    }))
    const child = spawn(process.execPath, [BIN, 'connect', 'distributed', join(dir, 'worker.json'), '--data-dir', join(dir, 'data'), '--rest-port', '0', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    try {
      await waitFor(() => /REST API on http/.test(stdout), 60_000, () => `the start-up line (stdout: ${stdout} stderr: ${stderr})`)
      expect(stdout).toMatch(/Connect distributed worker \S+ of cluster 'cli-cluster' with REST API on http:\/\/127\.0\.0\.1:\d+, 0 connectors/)
      const url = /REST API on (http:\/\/[^\s,]+),/.exec(stdout)![1]
      expect((await call(url, 'GET', '/')).body).toMatchObject({ version: expect.any(String), kafka_cluster_id: expect.any(String) })
      expect((await call(url, 'POST', '/connectors', { name: 'in', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'cli-lines', 'poll.interval.ms': '50' } })).status).toBe(201)
      expect((await call(url, 'POST', '/connectors', { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'cli-lines', file: output } })).status).toBe(201)
      await waitFor(() => fileLines(output).length >= 3, 60_000, () => `the output file (stdout: ${stdout} stderr: ${stderr})`)
      expect(fileLines(output)).toEqual(['one', 'two', 'three'])
      // Eager rebalances (one per new connector and per new task configs) pass through UNASSIGNED.
      await waitFor(async () => (await call(url, 'GET', '/connectors/in/status')).body.tasks?.[0]?.state === 'RUNNING', 60_000, () => stdout + stderr)
      const status = await call(url, 'GET', '/connectors/in/status')
      expect(status.body).toMatchObject({ name: 'in', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }], type: 'source' })
      expect((await call(url, 'GET', '/connectors')).body).toEqual(['in', 'out'])
    } finally {
      child.kill('SIGTERM')
      await exited
    }
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/Connect worker stopped cleanly/)
    expect(stderr).toBe('')
  })

  it('refuses a worker file without group.id', { timeout: 30_000 }, async () => {
    const dir = tempDir('creek-cli-distributed-')
    writeFileSync(join(dir, 'worker.properties'), 'key.converter=org.apache.kafka.connect.storage.StringConverter\n')
    const child = spawn(process.execPath, [BIN, 'connect', 'distributed', join(dir, 'worker.properties'), '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(1)
    expect(stderr).toMatch(/^creek: Config group.id is undefined; expected the name of the Connect cluster/)
  })
})

describe('creek start with Connect', () => {
  it('runs a distributed worker beside the broker, its configs kept across restarts', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('creek-start-connect-')
    const input = join(tempDir('creek-start-connect-files-'), 'in.txt')
    writeFileSync(input, 'a\nb\n')
    const creek = await startCreek(dataDir, { 'group.initial.rebalance.delay.ms': 0 }, { connect: true })
    try {
      expect(creek.output()).toMatch(/Connect REST API on http:\/\/127\.0\.0\.1:\d+, data in/)
      const url = creek.connectUrl!
      expect((await call(url, 'GET', '/')).body.kafka_cluster_id).toEqual(expect.any(String))
      expect((await call(url, 'POST', '/connectors', { name: 'lines', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'start-lines' } })).status).toBe(201)
      await waitFor(async () => (await call(url, 'GET', '/connectors/lines/status')).body.tasks?.[0]?.state === 'RUNNING', 60_000, () => creek.output())
    } finally {
      await creek.stop()
    }
    expect(creek.child.exitCode).toBe(0)
    const again = await startCreek(dataDir, { 'group.initial.rebalance.delay.ms': 0 }, { connect: true })
    try {
      expect((await call(again.connectUrl!, 'GET', '/connectors')).body).toEqual(['lines'])
    } finally {
      await again.stop()
    }
  })
})
