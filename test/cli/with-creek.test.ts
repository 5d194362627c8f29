import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bundleForChild } from '../helpers/bundle.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { DEFAULT_BOOTSTRAP, resolveTarget } from '../../cli/with-creek.ts'
import { cleanEnv, runCreek } from './run-creek.ts'

let holder: ChildProcess | undefined

afterEach(async () => {
  if (holder && holder.exitCode === null) {
    holder.kill('SIGKILL')
    await once(holder, 'exit')
  }
  holder = undefined
})

async function holdDataDir(dataDir: string): Promise<ChildProcess> {
  const script = await bundleForChild('test/cli/fixtures/hold-data-dir.ts')
  const child = spawn(process.execPath, [script, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer]
  expect(chunk.toString()).toBe('ready\n')
  return child
}

describe('creek commands on a data directory', () => {
  it('refuse a directory held by a running broker, naming its pid, without a stack trace', async () => {
    const dataDir = join(tempDir('creek-cli-'), 'data')
    holder = await holdDataDir(dataDir)
    for (const args of [['topics', 'list'], ['groups', 'list']]) {
      const run = await runCreek([...args, '--data-dir', dataDir])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(
        `creek: data directory ${dataDir} is in use by a running Creek broker (pid ${holder.pid} on ${hostname()}); ` +
          "talk to it with --bootstrap host:port (the address 'creek start' printed) instead of --data-dir, or stop it first\n",
      )
    }
  })

  it('refuse to read a data directory that does not exist', async () => {
    const dataDir = join(tempDir('creek-cli-'), 'missing')
    const run = await runCreek(['topics', 'describe', 'x', '-d', dataDir])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`creek: no data directory at ${dataDir}; create a topic in it first, or check --data-dir\n`)
  })
})

describe('where creek commands go', () => {
  it('to --bootstrap, else --data-dir, else $CREEK_BOOTSTRAP, else localhost:9092', () => {
    const env = { CREEK_BOOTSTRAP: 'kafka:9093' }
    expect(resolveTarget({ bootstrap: 'a:1,b:2' }, env)).toEqual({ kind: 'network', bootstrap: 'a:1,b:2', source: 'option' })
    expect(resolveTarget({ dataDir: 'data' }, env)).toEqual({ kind: 'embedded', dataDir: 'data' })
    expect(resolveTarget({}, env)).toEqual({ kind: 'network', bootstrap: 'kafka:9093', source: 'env' })
    expect(resolveTarget({}, { CREEK_BOOTSTRAP: ' ' })).toEqual({ kind: 'network', bootstrap: DEFAULT_BOOTSTRAP, source: 'default' })
    expect(DEFAULT_BOOTSTRAP).toBe('localhost:9092')
    expect(() => resolveTarget({ bootstrap: 'a:1', dataDir: 'data' }, {})).toThrow(/not both/)
  })

  it('fail fast, in one line with exit code 1, when no broker answers or both options are given', async () => {
    const port = await closedPort()
    const defaultIsFree = !(await listening('localhost', 9092))
    const started = Date.now()
    const [explicit, fromEnv, both, byDefault] = await Promise.all([
      runCreek(['topics', 'list', '--bootstrap', `127.0.0.1:${port}`]),
      runCreek(['produce', 'orders'], 'never read\n', cleanEnv({ CREEK_BOOTSTRAP: `127.0.0.1:${port}` })),
      runCreek(['consume', 'orders', '--bootstrap', `127.0.0.1:${port}`, '--data-dir', 'data']),
      defaultIsFree ? runCreek(['groups', 'list']) : undefined,
    ])
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(explicit).toEqual({ code: 1, stdout: '', stderr: `creek: cannot reach a broker at 127.0.0.1:${port}: connection refused\n` })
    expect(fromEnv).toEqual({
      code: 1,
      stdout: '',
      stderr: `creek: cannot reach a broker at 127.0.0.1:${port}, from $CREEK_BOOTSTRAP ` +
        "(is 'creek start' running? use --bootstrap host:port or --data-dir DIR)\n",
    })
    expect(both).toEqual({
      code: 1,
      stdout: '',
      stderr: 'creek: use either --bootstrap (a running broker) or --data-dir (a data directory opened directly), not both\n',
    })
    // Only checkable where nothing listens on the default port.
    if (byDefault) {
      expect(byDefault).toEqual({
        code: 1,
        stdout: '',
        stderr: "creek: cannot reach a broker at localhost:9092 (is 'creek start' running? use --bootstrap host:port or --data-dir DIR)\n",
      })
    }
  })
})

/** A local port that nothing listens on (just released by a server bound to it). */
async function closedPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Whether something accepts connections at host:port. */
async function listening(host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port })
  try {
    await once(socket, 'connect')
    return true
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}
