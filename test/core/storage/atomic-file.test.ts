import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import {
  fsyncDirectory,
  fsyncDirectorySync,
  readFileIfExists,
  readFileIfExistsSync,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../../core/storage/atomic-file.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'creek-atomic-file-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('writeFileAtomicSync', () => {
  it('creates and then replaces the content, leaving no temp file', () => {
    const path = join(dir, 'checkpoint')
    writeFileAtomicSync(path, 'first')
    expect(readFileSync(path, 'utf8')).toBe('first')
    writeFileAtomicSync(path, new Uint8Array([1, 2, 3]))
    expect([...readFileSync(path)]).toEqual([1, 2, 3])
    expect(readdirSync(dir)).toEqual(['checkpoint'])
  })

  it('is not disturbed by a temp file left by a crash', () => {
    const path = join(dir, 'meta.json')
    writeFileAtomicSync(path, '{"v":1}')
    writeFileSync(`${path}.tmp`, 'half-written garbage that is longer than the new content')
    writeFileSync(`${path}.async.tmp`, 'more garbage')
    writeFileAtomicSync(path, '{"v":2}')
    expect(readFileSync(path, 'utf8')).toBe('{"v":2}')
    expect(readdirSync(dir).sort()).toEqual(['meta.json', 'meta.json.async.tmp'])
  })

  it('reports a failure as CORE_STORAGE_IO naming the file', () => {
    const path = join(dir, 'missing-dir', 'file')
    let error: unknown
    try {
      writeFileAtomicSync(path, 'x')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_STORAGE_IO')
    expect((error as CoreError).message).toContain(path)
    expect((error as CoreError).cause).toBeDefined()
  })
})

describe('writeFileAtomic', () => {
  it('replaces the content, leaves no temp file, and applies concurrent writes in call order', async () => {
    const path = join(dir, 'offsets')
    writeFileSync(`${path}.async.tmp`, 'leftover from a crash')
    await writeFileAtomic(path, 'a')
    expect(readFileSync(path, 'utf8')).toBe('a')
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(path, `value ${i}`)))
    expect(readFileSync(path, 'utf8')).toBe('value 19')
    expect(readdirSync(dir)).toEqual(['offsets'])
  })

  it('rejects with CORE_STORAGE_IO and does not block later writes of the same path', async () => {
    const path = join(dir, 'nested', 'file')
    await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({ code: 'CORE_STORAGE_IO' })
    const ok = join(dir, 'file')
    await writeFileAtomic(ok, 'y')
    expect(readFileSync(ok, 'utf8')).toBe('y')
  })
})

describe('readFileIfExists and fsyncDirectory', () => {
  it('returns undefined for a missing file and the bytes otherwise', async () => {
    const path = join(dir, 'f')
    expect(readFileIfExistsSync(path)).toBeUndefined()
    expect(await readFileIfExists(path)).toBeUndefined()
    writeFileSync(path, 'hello')
    expect(readFileIfExistsSync(path)?.toString()).toBe('hello')
    expect((await readFileIfExists(path))?.toString()).toBe('hello')
    expect(() => readFileIfExistsSync(dir)).toThrow(CoreError) // EISDIR is not "missing"
  })

  it('fsyncs a directory and reports a missing one', async () => {
    fsyncDirectorySync(dir)
    await fsyncDirectory(dir)
    expect(() => fsyncDirectorySync(join(dir, 'nope'))).toThrow(/Cannot fsync directory/)
    await expect(fsyncDirectory(join(dir, 'nope'))).rejects.toMatchObject({ code: 'CORE_STORAGE_IO' })
  })
})
