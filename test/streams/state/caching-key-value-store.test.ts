import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import type { FlushedEntry } from '../../../streams/state/api.ts'
import { CachingKeyValueStore } from '../../../streams/state/caching-key-value-store.ts'
import { RecordCache } from '../../../streams/state/record-cache.ts'
import { Stores, type KeyValueBytesStoreSupplier } from '../../../streams/state/stores.ts'
import { s, StoreSandbox, TestStateStoreContext } from './test-context.ts'

const suppliers: [string, (name: string) => KeyValueBytesStoreSupplier][] = [
  ['memory', (name) => Stores.inMemoryKeyValueStore(name)],
  ['RocksDB', (name) => Stores.persistentKeyValueStore(name)],
]

for (const [label, supplier] of suppliers) {
  describe(`caching + logging over ${label}`, () => {
    let sandbox: StoreSandbox
    beforeEach(() => {
      sandbox = new StoreSandbox()
    })
    afterEach(async () => {
      await sandbox.cleanup()
    })

    async function open(options: { cacheMaxBytes?: number; sendOldValues?: boolean; name?: string; context?: TestStateStoreContext } = {}) {
      const context = options.context ?? new TestStateStoreContext(sandbox.dir, { cacheMaxBytes: options.cacheMaxBytes ?? 1024 * 1024 })
      const store = sandbox.track(
        Stores.keyValueStoreBuilder(supplier(options.name ?? 'cached'), stringSerde(), stringSerde()).withCachingEnabled().build(),
      )
      const flushed: FlushedEntry<string, string>[] = []
      store.setFlushListener((entry) => flushed.push(entry), options.sendOldValues ?? true)
      await store.init(context)
      const logged = () => context.logged.map((change) => [change.key.toString(), change.value?.toString() ?? null, change.timestamp])
      return { store, context, flushed, logged }
    }

    it('collapses repeated puts of a key into one changelog write and one listener call per flush', async () => {
      const { store, context, flushed, logged } = await open()
      for (const [timestamp, value] of [[1, 'v1'], [2, 'v2'], [3, 'v3']] as const) {
        context.timestamp = timestamp
        store.put('a', value)
      }
      expect(store.get('a')).toBe('v3')
      expect(flushed).toEqual([])
      expect(logged()).toEqual([])
      await store.flush()
      expect(logged()).toEqual([['a', 'v3', 3]])
      expect(flushed).toEqual([{ key: 'a', newValue: 'v3', oldValue: null, timestamp: 3 }])

      context.timestamp = 4
      store.put('a', 'v4')
      context.timestamp = 5
      store.put('a', 'v5')
      await store.flush()
      expect(logged()).toEqual([['a', 'v3', 3], ['a', 'v5', 5]])
      expect(flushed.at(-1)).toEqual({ key: 'a', newValue: 'v5', oldValue: 'v3', timestamp: 5 })

      context.timestamp = 6
      expect(store.delete('a')).toBe('v5')
      await store.flush()
      expect(logged().at(-1)).toEqual(['a', null, 6])
      expect(flushed.at(-1)).toEqual({ key: 'a', newValue: null, oldValue: 'v5', timestamp: 6 })
      expect(flushed).toHaveLength(3)
      await store.flush()
      expect(flushed).toHaveLength(3) // nothing dirty: nothing forwarded
    })

    it('flushes in the order of first write and drops deletions of keys that never existed', async () => {
      const { store, flushed, logged } = await open()
      store.put('c', '1')
      store.put('d', '1')
      store.put('b', 'temp')
      store.put('c', '2')
      store.delete('b')
      store.put('e', '1')
      store.put('e', null)
      await store.flush()
      expect(flushed.map((entry) => [entry.key, entry.newValue])).toEqual([['c', '2'], ['d', '1']])
      expect(logged().map(([key]) => key)).toEqual(['c', 'd'])
    })

    it('sends no old values unless asked', async () => {
      const { store, flushed } = await open({ sendOldValues: false })
      store.put('a', '1')
      await store.flush()
      store.put('a', '2')
      await store.flush()
      expect(flushed.map((entry) => entry.oldValue)).toEqual([null, null])
    })

    it('evicts when over budget, flushing every dirty entry when the evicted one is dirty', async () => {
      // Each entry costs key + value + 96 bytes: ~98 here, so a 500-byte budget holds 5.
      const { store, flushed, logged } = await open({ cacheMaxBytes: 500 })
      for (let i = 0; i < 5; i++) store.put(`k${i}`, 'v')
      expect(flushed).toEqual([])
      // The sixth entry puts the cache over budget: k0 (least recently used, dirty) is evicted,
      // so every dirty entry, k5 included, is flushed (Kafka's rule).
      store.put('k5', 'v')
      expect(flushed.map((entry) => entry.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5'])
      expect(logged().map(([key]) => key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5'])
      expect(store.get('k0')).toBe('v') // read back from the store below
      store.put('k1', 'w')
      await store.flush()
      expect(flushed.slice(6).map((entry) => [entry.key, entry.newValue, entry.oldValue])).toEqual([['k1', 'w', 'v']])
    })

    it('keeps the shared budget across the stores of one instance', async () => {
      const context = new TestStateStoreContext(sandbox.dir, { cacheMaxBytes: 2000 })
      const first = await open({ context, name: 'first' })
      const second = await open({ context, name: 'second' })
      const cache = RecordCache.forConfig(context.config)
      expect(cache.members).toBe(2)
      for (let i = 0; i < 200; i++) {
        first.store.put(`a${i}`, 'x'.repeat(20))
        second.store.put(`b${i}`, 'y'.repeat(20))
        expect(cache.sizeBytes).toBeLessThanOrEqual(2000 + 130)
      }
      expect(first.flushed.length).toBeGreaterThan(0)
      expect(second.flushed.length).toBeGreaterThan(0)
      await first.store.flush()
      await second.store.flush()
      expect(new Set(first.flushed.map((entry) => entry.key)).size).toBe(200)
      expect(new Set(second.flushed.map((entry) => entry.key)).size).toBe(200)
      // After a flush each store keeps at most its fair share of clean entries.
      expect(cache.sizeBytes).toBeLessThanOrEqual(2000)
      await first.store.close()
      expect(cache.members).toBe(1)
    })

    it('with a zero budget forwards every write at once', async () => {
      const { store, flushed, logged } = await open({ cacheMaxBytes: 0 })
      store.put('a', '1')
      store.put('a', '2')
      expect(flushed.map((entry) => [entry.newValue, entry.oldValue])).toEqual([['1', null], ['2', '1']])
      expect(logged()).toHaveLength(2)
    })

    it('serves reads from the cache and merges it into scans', async () => {
      const { store } = await open()
      store.put('a', '1')
      store.put('b', '2')
      store.put('c', '3')
      await store.flush()
      store.delete('b')
      store.put('bb', '4')
      store.put('c', '33')
      expect([...store.all()].map((entry) => [entry.key, entry.value])).toEqual([['a', '1'], ['bb', '4'], ['c', '33']])
      expect([...store.reverseRange('a', 'bz')].map((entry) => entry.key)).toEqual(['bb', 'a'])
      expect([...store.prefixScan('b')].map((entry) => entry.key)).toEqual(['bb'])
      expect(store.approximateNumEntries()).toBeGreaterThan(0)
    })

    it('flushes dirty entries when closed', async () => {
      const { store, flushed, logged } = await open()
      store.put('a', '1')
      await store.close()
      expect(flushed.map((entry) => entry.key)).toEqual(['a'])
      expect(logged()).toHaveLength(1)
    })

    it('restores through the registered callback without logging or forwarding', async () => {
      const { store, context, flushed } = await open()
      // The outermost store is registered: the one the runtime opens, flushes and closes.
      expect(context.registered).toHaveLength(1)
      expect(context.registered[0]!.store).toBe(store)
      await context.registered[0]!.restore([
        { key: s('a'), value: s('1') },
        { key: s('b'), value: s('2') },
        { key: s('a'), value: null },
      ])
      expect(store.get('a')).toBeUndefined()
      expect(store.get('b')).toBe('2')
      await store.flush()
      expect(context.logged).toEqual([])
      expect(flushed).toEqual([])
    })
  })
}

describe('CachingKeyValueStore', () => {
  it('a listener that throws does not stop the others; the first error surfaces', async () => {
    const sandbox = new StoreSandbox()
    try {
      const store = sandbox.track(new CachingKeyValueStore(Stores.inMemoryKeyValueStore('c').get()))
      await store.init(new TestStateStoreContext(sandbox.dir))
      const seen: string[] = []
      store.setFlushListener((entry) => {
        seen.push(entry.key.toString())
        if (entry.key.toString() === 'a') throw new Error('boom')
      }, false)
      store.put(s('a'), s('1'))
      store.put(s('b'), s('1'))
      await expect(store.flush()).rejects.toThrow('boom')
      expect(seen).toEqual(['a', 'b'])
      expect(store.get(s('b'))).toEqual(s('1'))
    } finally {
      await sandbox.cleanup()
    }
  })
})

describe('caching + logging, randomized', () => {
  for (const cacheMaxBytes of [400, 4000, 1 << 20]) {
    it(`the changelog and the flushed entries replay to the store's content (budget ${cacheMaxBytes})`, async () => {
      const sandbox = new StoreSandbox()
      try {
        const context = new TestStateStoreContext(sandbox.dir, { cacheMaxBytes })
        const store = sandbox.track(
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('replay', { writeBufferBytes: 500 }), stringSerde(), stringSerde())
            .withCachingEnabled()
            .build(),
        )
        const downstream = new Map<string, string>()
        store.setFlushListener((entry) => {
          // Old values must be what downstream last saw for the key.
          expect(entry.oldValue).toBe(downstream.get(entry.key) ?? null)
          if (entry.newValue === null) downstream.delete(entry.key)
          else downstream.set(entry.key, entry.newValue)
        }, true)
        await store.init(context)
        const model = new Map<string, string>()
        let seed = cacheMaxBytes
        const random = (n: number): number => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff
          return seed % n
        }
        for (let step = 0; step < 3000; step++) {
          context.timestamp = step
          const key = `k${random(60)}`
          const action = random(10)
          if (action < 5) {
            const value = `v${step}`
            store.put(key, value)
            model.set(key, value)
          } else if (action < 7) {
            expect(store.delete(key)).toBe(model.get(key))
            model.delete(key)
          } else if (action < 9) {
            expect(store.get(key)).toBe(model.get(key))
          } else if (random(10) === 0) {
            await store.flush()
            expect(downstream).toEqual(model)
          }
        }
        await store.flush()
        expect(downstream).toEqual(model)
        const replayed = new Map<string, string>()
        for (const change of context.logged) {
          if (change.value === null) replayed.delete(change.key.toString())
          else replayed.set(change.key.toString(), change.value.toString())
        }
        expect(replayed).toEqual(model)
        expect(new Map([...store.all()].map((entry) => [entry.key, entry.value]))).toEqual(model)
      } finally {
        await sandbox.cleanup()
      }
    })
  }
})
