import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileOffsetStore } from '../../../connect/runtime/file-offset-store.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

describe('FileOffsetStore', () => {
  it('keeps offsets in memory until flush, writes them atomically, and reads them back', async () => {
    const path = join(tempDir(), 'sub', 'connect.offsets')
    const store = new FileOffsetStore(path)
    store.load()
    store.set('a', [[{ z: 1, filename: 'f' }, { position: 10 }]])
    expect(existsSync(path)).toBe(false)
    await store.flush()
    expect(existsSync(`${path}.tmp`)).toBe(false)
    store.set('a', [[{ filename: 'f', z: 1 }, { position: 20 }]])
    store.set('b', [[{ filename: 'f', z: 1 }, { position: 5 }]])
    await store.flush()
    const again = new FileOffsetStore(path)
    again.load()
    // Partition identity does not depend on key order.
    expect(again.get('a', { filename: 'f', z: 1 })).toEqual({ position: 20 })
    expect(again.get('b', { z: 1, filename: 'f' })).toEqual({ position: 5 })
    expect(again.get('c', { filename: 'f' })).toBeNull()
    expect(JSON.parse(readFileSync(path, 'utf8')).offsets.map((e: { connector: string }) => e.connector)).toEqual(['a', 'b'])
    again.deleteConnector('a')
    await again.flush()
    const third = new FileOffsetStore(path)
    third.load()
    expect(third.offsetsOf('a')).toEqual([])
    expect(third.offsetsOf('b')).toEqual([{ partition: { filename: 'f', z: 1 }, offset: { position: 5 } }])
  })

  it('refuses a file it cannot read instead of starting sources over', () => {
    const path = join(tempDir(), 'connect.offsets')
    writeFileSync(path, '{ not json')
    expect(() => new FileOffsetStore(path).load()).toThrow(expect.objectContaining({ code: 'CONNECT_OFFSET_STORAGE' }))
    writeFileSync(path, '{"something":"else"}')
    expect(() => new FileOffsetStore(path).load()).toThrow(/is not a creek-connect-offsets file/)
  })

  it('ignores a temp file left by a crash', async () => {
    const path = join(tempDir(), 'connect.offsets')
    const store = new FileOffsetStore(path)
    store.set('a', [[{ filename: 'f' }, { position: 1 }]])
    await store.flush()
    writeFileSync(`${path}.tmp`, 'torn')
    const again = new FileOffsetStore(path)
    again.load()
    expect(again.get('a', { filename: 'f' })).toEqual({ position: 1 })
  })
})
