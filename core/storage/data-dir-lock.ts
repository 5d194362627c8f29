/**
 * Exclusive ownership of a data directory by one running broker.
 *
 * On disk: `<dir>/.lock`, JSON `{ "pid", "hostname", "startedAt" (ISO time), "token" }`, created
 * with O_EXCL so that of two processes starting together only one wins.
 *
 * Invariants: while a `DataDirLock` is held, its file exists with its token, and the directory's
 * real path is in this module's set of held directories, so a second `acquire` of the same
 * directory from this process fails too (even through another path or symlink).
 *
 * Stale locks are reclaimed without asking: a lock whose file is unreadable or garbage, whose pid
 * is not running (ESRCH), or that names this very pid but was released by this process or written
 * before this process started (a container restart where the broker is pid 1 again). A lock that
 * names this pid and none of those holds (another worker thread, or a lock leaked by this process)
 * is treated as held. Reclaiming replaces the file atomically, then re-reads it to detect another
 * process that reclaimed at the same moment.
 *
 * Crash behaviour: a killed broker leaves its file behind; the next `acquire` finds the pid dead
 * and reclaims it. Liveness is judged by pid on this host only: a data directory shared between
 * hosts (NFS) is not protected, and a dead holder's pid reused by an unrelated process makes the
 * lock look held; the error message says to delete the file in that case.
 *
 * Concurrency: synchronous; `acquire` and `release` are called once per open and close of a log
 * manager.
 */
import { randomUUID } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import { writeFileAtomicSync } from './atomic-file.ts'

export const LOCK_FILE_NAME = '.lock'

/** Who holds a data directory, as written in its lock file. */
export interface DataDirLockHolder {
  readonly pid: number
  readonly hostname?: string
  readonly startedAt?: string
}

interface LockContent extends DataDirLockHolder {
  readonly token?: string
}

/** Real paths of the directories this process holds. */
const heldDirs = new Set<string>()
/** Tokens of locks this process released (their file may have survived a failed unlink). */
const releasedTokens = new Set<string>()
/** When this process started, in ms since the epoch. */
const processStartedAt = Date.now() - process.uptime() * 1000

export class DataDirLock {
  /** Real path of the locked directory. */
  readonly dir: string
  /** Path of the lock file. */
  readonly path: string
  readonly #token: string
  #released = false

  private constructor(dir: string, path: string, token: string) {
    this.dir = dir
    this.path = path
    this.#token = token
  }

  /**
   * Takes `dir` (created if missing) for this process. Throws CORE_DATA_DIR_LOCKED when a running
   * process, including this one, holds it, and CORE_STORAGE_IO when the lock cannot be written.
   */
  static acquire(dir: string): DataDirLock {
    let real: string
    try {
      mkdirSync(dir, { recursive: true })
      real = realpathSync(dir)
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot create data directory ${dir}: ${(cause as Error).message}`, { cause })
    }
    if (heldDirs.has(real)) {
      throw new CoreError('CORE_DATA_DIR_LOCKED', `Data directory ${dir} is already open in this process (${process.pid}); close it before opening it again`)
    }
    const path = join(real, LOCK_FILE_NAME)
    const token = randomUUID()
    const content = JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), token })
    if (!createExclusive(path, content)) {
      const holder = readLock(path)
      if (holder !== undefined && isHeld(holder)) throw lockedError(dir, path, holder)
      writeFileAtomicSync(path, content)
      const winner = readLock(path)
      if (winner?.token !== token) {
        if (winner !== undefined) throw lockedError(dir, path, winner)
        throw new CoreError('CORE_DATA_DIR_LOCKED', `Data directory ${dir} is being locked by another process at the same time; retry, or use another --data-dir`)
      }
    }
    heldDirs.add(real)
    return new DataDirLock(real, path, token)
  }

  /** Who holds `dir`, if a running process does (this one included); undefined otherwise. */
  static inspect(dir: string): DataDirLockHolder | undefined {
    let real: string
    try {
      real = realpathSync(dir)
    } catch {
      return undefined
    }
    const holder = readLock(join(real, LOCK_FILE_NAME))
    if (holder === undefined || !isHeld(holder)) return undefined
    return { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt }
  }

  get isHeld(): boolean {
    return !this.#released
  }

  /** Removes the lock file (if it is still ours) and lets this process acquire the directory again. Idempotent. */
  release(): void {
    if (this.#released) return
    this.#released = true
    releasedTokens.add(this.#token)
    heldDirs.delete(this.dir)
    if (readLock(this.path)?.token !== this.#token) return
    try {
      unlinkSync(this.path)
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CoreError('CORE_STORAGE_IO', `Cannot remove lock file ${this.path}: ${(cause as Error).message}`, { cause })
      }
    }
  }
}

/** Creates the lock file if absent; false when it already exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o644)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new CoreError('CORE_STORAGE_IO', `Cannot create lock file ${path}: ${(cause as Error).message}`, { cause })
  }
  try {
    const bytes = Buffer.from(content, 'utf8')
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
  } catch (cause) {
    closeSync(fd)
    unlinkSync(path)
    throw new CoreError('CORE_STORAGE_IO', `Cannot write lock file ${path}: ${(cause as Error).message}`, { cause })
  }
  closeSync(fd)
  return true
}

/** The lock file's content, or undefined when it is missing, unreadable or not a lock. */
function readLock(path: string): LockContent | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { pid, hostname, startedAt, token } = parsed as Record<string, unknown>
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined
  return {
    pid: pid as number,
    ...(typeof hostname === 'string' ? { hostname } : {}),
    ...(typeof startedAt === 'string' ? { startedAt } : {}),
    ...(typeof token === 'string' ? { token } : {}),
  }
}

/** True when the lock still belongs to a running process (see the class comment). */
function isHeld(lock: LockContent): boolean {
  if (lock.pid === process.pid) {
    if (lock.token !== undefined && releasedTokens.has(lock.token)) return false
    const startedAt = lock.startedAt === undefined ? Number.NaN : Date.parse(lock.startedAt)
    return !(startedAt < processStartedAt)
  }
  try {
    process.kill(lock.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function lockedError(dir: string, path: string, holder: DataDirLockHolder): CoreError {
  const who = [holder.hostname && `host ${holder.hostname}`, holder.startedAt && `since ${holder.startedAt}`].filter(Boolean).join(', ')
  return new CoreError(
    'CORE_DATA_DIR_LOCKED',
    `Data directory ${dir} is in use by process ${holder.pid}${who ? ` (${who})` : ''}; stop it or use another --data-dir. ` +
      `If no Creek process uses it, delete ${path}`,
  )
}
