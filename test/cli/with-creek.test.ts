import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bundleForChild } from '../helpers/bundle.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { runCreek } from './run-creek.ts'

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
          'stop it first, or use another --data-dir (the CLI cannot reach a running broker over the network yet)\n',
      )
    }
  })

  it('refuse to read a data directory that does not exist', async () => {
    const dataDir = join(tempDir('creek-cli-'), 'missing')
    const run = await runCreek(['topics', 'describe', 'x', '-d', dataDir])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`creek: no data directory at ${dataDir}; create a topic first, or pass --data-dir\n`)
  })
})
