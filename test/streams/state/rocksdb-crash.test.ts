/**
 * Crash test: a child process flushes a RocksDB store, goes on writing, and is killed with
 * SIGKILL; reopening the store must find every flushed write (and may find later ones, in
 * whole batches). Writes after the last flush are what the changelog replays.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RocksDBKeyValueStore } from '../../../streams/state/rocksdb-key-value-store.ts'
import { StoreSandbox, TestStateStoreContext } from './test-context.ts'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')

describe('RocksDBKeyValueStore after kill -9', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  it('keeps every flushed write', async () => {
    const child = spawn(
      process.execPath,
      [resolve(ROOT, 'bin', 'run-ts.js'), resolve(import.meta.dirname, 'fixtures', 'rocksdb-crash-child.ts'), sandbox.dir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the child did not flush in time:\n${output}`)), 20_000)
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        if (output.includes('FLUSHED')) {
          clearTimeout(timer)
          // Let it write unflushed data (and background batches) for a moment, then kill it.
          setTimeout(done, 200)
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code) => {
        clearTimeout(timer)
        fail(new Error(`the child exited early (${code}):\n${output}`))
      })
    })
    child.removeAllListeners('exit')
    const exited = new Promise((done) => child.once('exit', done))
    child.kill('SIGKILL')
    await exited

    const store = sandbox.track(new RocksDBKeyValueStore('crash'))
    await store.init(new TestStateStoreContext(sandbox.dir))
    for (let i = 0; i < 1000; i++) {
      if (i === 7) expect(store.get(Buffer.from('flushed-7'))).toBeUndefined()
      else expect(store.get(Buffer.from(`flushed-${i}`))?.toString()).toBe(String(i))
    }
    expect([...store.prefixScan(Buffer.from('flushed-'))]).toHaveLength(999)
  })
})
