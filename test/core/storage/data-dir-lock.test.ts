import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { DataDirLock } from '../../../core/storage/data-dir-lock.ts'

let root: string
let dir: string
const children: ChildProcess[] = []

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'creek-data-dir-lock-'))
  dir = join(root, 'data')
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(root, { recursive: true, force: true })
})

function lockError(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_DATA_DIR_LOCKED')
    return error as CoreError
  }
  throw new Error('expected CORE_DATA_DIR_LOCKED')
}

function writeLock(pid: number, startedAt = new Date().toISOString()): void {
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid, hostname: 'elsewhere', startedAt }))
}

describe('DataDirLock', () => {
  it('refuses a second acquire from the same process, also through a symlink, until released', () => {
    const lock = DataDirLock.acquire(dir)
    const content = JSON.parse(readFileSync(join(dir, '.lock'), 'utf8'))
    expect(content.pid).toBe(process.pid)
    expect(typeof content.hostname).toBe('string')
    expect(Number.isNaN(Date.parse(content.startedAt))).toBe(false)
    expect(lockError(() => DataDirLock.acquire(dir)).message).toContain('already open in this process')
    const link = join(root, 'link')
    symlinkSync(dir, link)
    lockError(() => DataDirLock.acquire(link))
    expect(DataDirLock.inspect(dir)?.pid).toBe(process.pid)

    lock.release()
    lock.release() // idempotent
    expect(lock.isHeld).toBe(false)
    expect(existsSync(join(dir, '.lock'))).toBe(false)
    expect(DataDirLock.inspect(dir)).toBeUndefined()
    const again = DataDirLock.acquire(link)
    again.release()
  })

  it('fails while another live process holds the directory and succeeds once it is killed', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    children.push(child)
    await new Promise((resolve) => child.once('spawn', resolve))
    const pid = child.pid as number
    DataDirLock.acquire(dir).release() // creates the directory
    writeLock(pid)

    const error = lockError(() => DataDirLock.acquire(dir))
    expect(error.message).toContain(`in use by process ${pid}`)
    expect(error.message).toContain('--data-dir')
    expect(DataDirLock.inspect(dir)).toMatchObject({ pid, hostname: 'elsewhere' })

    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(pid, 'SIGKILL')
    await exited
    expect(DataDirLock.inspect(dir)).toBeUndefined()
    const lock = DataDirLock.acquire(dir)
    expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('reclaims garbage, empty and foreign-shaped lock files', () => {
    DataDirLock.acquire(dir).release()
    for (const content of ['', 'not json', '{"pid":"12"}', '{"pid":0}', '[1]', 'null']) {
      writeFileSync(join(dir, '.lock'), content)
      expect(DataDirLock.inspect(dir)).toBeUndefined()
      DataDirLock.acquire(dir).release()
    }
  })

  it('reclaims a lock of this pid written before this process started (pid reuse after a restart)', () => {
    DataDirLock.acquire(dir).release()
    writeLock(process.pid, new Date(Date.now() - process.uptime() * 1000 - 60_000).toISOString())
    DataDirLock.acquire(dir).release()
  })

  it('treats a recent lock of this pid that it did not release as held (another thread)', () => {
    DataDirLock.acquire(dir).release()
    writeLock(process.pid)
    lockError(() => DataDirLock.acquire(dir))
    expect(DataDirLock.inspect(dir)?.pid).toBe(process.pid)
  })

  it('reclaims a lock this process released whose file survived', () => {
    const lock = DataDirLock.acquire(dir)
    const content = readFileSync(join(dir, '.lock'))
    lock.release()
    writeFileSync(join(dir, '.lock'), content)
    DataDirLock.acquire(dir).release()
  })

  it('does not remove a lock file that another process took over', () => {
    const lock = DataDirLock.acquire(dir)
    writeLock(process.ppid)
    lock.release()
    expect(existsSync(join(dir, '.lock'))).toBe(true)
  })

  it('inspects a directory that does not exist', () => {
    expect(DataDirLock.inspect(join(root, 'nope'))).toBeUndefined()
  })
})
