/**
 * Crash-safe replacement of small files (checkpoints, topic metadata, locks).
 *
 * Protocol: write the new content to a temporary file in the same directory, fsync it, rename it
 * over the target, then fsync the directory so that the rename itself is durable. A reader sees
 * either the old content or the new one, never a mix, and after a crash at any point the target
 * holds one of the two.
 *
 * Temporary files: `<path>.tmp` for synchronous writes, `<path>.async.tmp` for asynchronous ones.
 * Both names are fixed so that a temp file left by a crash is simply overwritten by the next
 * write; directory scanners should ignore names ending in `ATOMIC_TEMP_SUFFIX`. Asynchronous
 * writes of the same path are queued, so their renames happen in call order and never share a
 * temp file with each other; a synchronous write never shares one with an asynchronous write.
 *
 * Errors: every failure is a CoreError CORE_STORAGE_IO naming the file, with the system error as
 * `cause`; the temp file is removed (best effort) when a write fails.
 *
 * Directory fsync: on Windows directories cannot be opened for fsync, so it is skipped there, and
 * file systems that answer EINVAL (they do not support it) are tolerated.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { CoreError } from '../errors.ts'

/** Every temp file this module writes ends with this suffix. */
export const ATOMIC_TEMP_SUFFIX = '.tmp'

const SYNC_TEMP = '.tmp'
const ASYNC_TEMP = '.async.tmp'

/** Tail of the queue of asynchronous writes per absolute path. */
const pendingWrites = new Map<string, Promise<void>>()

/** Replaces the content of `path` atomically and durably (blocking). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = path + SYNC_TEMP
  try {
    const fd = openSync(tmp, 'w', 0o644)
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (cause) {
    removeQuietlySync(tmp)
    throw storageError(`Cannot write ${path} atomically`, cause)
  }
  fsyncDirectorySync(dirname(path))
}

/** Replaces the content of `path` atomically and durably; writes of the same path run in call order. */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const key = resolve(path)
  const previous = pendingWrites.get(key) ?? Promise.resolve()
  const write = previous.then(() => writeNow(path, data))
  const tail = write.catch(() => undefined)
  pendingWrites.set(key, tail)
  void tail.then(() => {
    if (pendingWrites.get(key) === tail) pendingWrites.delete(key)
  })
  return write
}

async function writeNow(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = path + ASYNC_TEMP
  try {
    const handle = await open(tmp, 'w', 0o644)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (cause) {
    await unlink(tmp).catch(() => undefined)
    throw storageError(`Cannot write ${path} atomically`, cause)
  }
  await fsyncDirectory(dirname(path))
}

/** Makes creations, renames and deletions of entries in `dir` durable (blocking). */
export function fsyncDirectorySync(dir: string): void {
  if (process.platform === 'win32') return
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch (cause) {
    if (!isUnsupportedDirSync(cause)) throw storageError(`Cannot fsync directory ${dir}`, cause)
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Makes creations, renames and deletions of entries in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch (cause) {
    if (!isUnsupportedDirSync(cause)) throw storageError(`Cannot fsync directory ${dir}`, cause)
  }
}

/** The content of `path`, or undefined when it does not exist (blocking). */
export function readFileIfExistsSync(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw storageError(`Cannot read ${path}`, cause)
  }
}

/** The content of `path`, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw storageError(`Cannot read ${path}`, cause)
  }
}

function removeQuietlySync(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // absent or not removable: the next write overwrites it anyway
  }
}

function isUnsupportedDirSync(cause: unknown): boolean {
  return (cause as NodeJS.ErrnoException).code === 'EINVAL'
}

function storageError(what: string, cause: unknown): CoreError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new CoreError('CORE_STORAGE_IO', `${what}: ${detail}`, { cause })
}
