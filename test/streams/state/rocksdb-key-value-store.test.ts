import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RocksDBKeyValueStore } from '../../../streams/state/rocksdb-key-value-store.ts'
import { keyValueStoreConformance } from './key-value-store-conformance.ts'
import { b, entriesHex, StoreSandbox, TestStateStoreContext } from './test-context.ts'

keyValueStoreConformance('RocksDBKeyValueStore', {
  persistent: true,
  exactCount: false,
  build: (name) => new RocksDBKeyValueStore(name),
})

keyValueStoreConformance('RocksDBKeyValueStore with a tiny write buffer (background batches)', {
  persistent: true,
  exactCount: false,
  build: (name) => new RocksDBKeyValueStore(name, { writeBufferBytes: 300 }),
})

describe('RocksDBKeyValueStore', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  async function open(name = 'store', options = {}): Promise<RocksDBKeyValueStore> {
    const store = sandbox.track(new RocksDBKeyValueStore(name, options))
    await store.init(new TestStateStoreContext(sandbox.dir))
    return store
  }

  it('keeps its database in <taskDir>/rocksdb/<name>', async () => {
    const store = await open('counts')
    expect(store.location).toBe(`${sandbox.dir}/rocksdb/counts`)
  })

  it('fails to open a database another store holds, naming the path', async () => {
    await open('locked')
    const second = sandbox.track(new RocksDBKeyValueStore('locked'))
    await expect(second.init(new TestStateStoreContext(sandbox.dir))).rejects.toMatchObject({
      code: 'STREAMS_STATE_STORE',
      message: expect.stringContaining(`${sandbox.dir}/rocksdb/locked`),
    })
    expect(second.isOpen).toBe(false)
  })

  it('writes in the background past the bound, reads staying right while batches are in flight', async () => {
    const store = await open('bg', { writeBufferBytes: 1000 })
    for (let i = 0; i < 200; i++) store.put(b(i), b(i, i))
    // Background batches are scheduled with setImmediate: reads work before and after them.
    expect(store.bufferedBytes).toBeGreaterThan(1000)
    expect(store.get(b(150))).toEqual(b(150, 150))
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(store.bufferedBytes).toBe(0)
    for (let i = 0; i < 200; i += 37) expect(store.get(b(i))).toEqual(b(i, i))
    expect(entriesHex(store.range(b(10), b(12)))).toEqual([
      ['0a', '0a0a'],
      ['0b', '0b0b'],
      ['0c', '0c0c'],
    ])
    await store.close()
    const reopened = await open('bg')
    expect([...reopened.all()]).toHaveLength(200)
  })

  it('stops an iterator of a closed store with STREAMS_INVALID_STATE_STORE', async () => {
    const store = await open('iter')
    for (let i = 0; i < 100; i++) store.put(b(i), b(i))
    await store.flush()
    const iterator = store.all()[Symbol.iterator]()
    expect(iterator.next().value).toEqual({ key: b(0), value: b(0) })
    // The first native step fetched a few rows; past them, the closed store is noticed.
    await store.close()
    expect(() => {
      for (let i = 0; i < 100; i++) iterator.next()
    }).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_STATE_STORE' }))
  })

  it('restores a changelog batch straight into RocksDB', async () => {
    const store = await open('restored')
    await store.restoreBatch([
      { key: b(1), value: b(1) },
      { key: b(2), value: b(2) },
      { key: b(1), value: null },
      { key: b(3), value: b(3) },
    ])
    expect(entriesHex(store.all())).toEqual([
      ['02', '02'],
      ['03', '03'],
    ])
    await store.flush()
    await store.close()
    const reopened = await open('restored')
    expect(entriesHex(reopened.all())).toEqual([
      ['02', '02'],
      ['03', '03'],
    ])
  })

  it('rejects a negative write buffer bound', () => {
    expect(() => new RocksDBKeyValueStore('x', { writeBufferBytes: -1 })).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
  })
})
