/**
 * A throughput sanity check, not a benchmark: 100k puts and 100k gets on the RocksDB store, and
 * a word-count-like loop (get + put of 100k records over 10k keys) on the cached, logged typed
 * stack, printed (operations/s) rather than asserted, so that a pathological slowdown shows in
 * the log. The real figures belong to `npm run bench -- streams`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { int64Serde, stringSerde } from '../../../serdes/index.ts'
import { RocksDBKeyValueStore } from '../../../streams/state/rocksdb-key-value-store.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { StoreSandbox, TestStateStoreContext } from './test-context.ts'

const COUNT = 100_000
const rate = (count: number, ms: number): string => `${Math.round(count / (ms / 1000)).toLocaleString('en-US')}/s`

describe('state store throughput (printed, not asserted)', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  it('RocksDB bytes store: 100k puts, a flush, 100k gets', async () => {
    const store = sandbox.track(new RocksDBKeyValueStore('throughput'))
    await store.init(new TestStateStoreContext(sandbox.dir))
    const keys = Array.from({ length: COUNT }, (_, i) => Buffer.from(`word-${(i * 7919) % COUNT}`))
    const value = Buffer.alloc(8, 1)
    let started = performance.now()
    for (const key of keys) store.put(key, value)
    const putMs = performance.now() - started
    started = performance.now()
    await store.flush()
    const flushMs = performance.now() - started
    started = performance.now()
    let found = 0
    for (const key of keys) if (store.get(key) !== undefined) found++
    const getMs = performance.now() - started
    expect(found).toBe(COUNT)
    console.log(`[state throughput] rocksdb bytes: put ${rate(COUNT, putMs)}, flush of ${COUNT} ${flushMs.toFixed(0)} ms, get ${rate(COUNT, getMs)}`)
  })

  it('typed + caching + logging over RocksDB: a word count', async () => {
    const store = sandbox.track(
      Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), stringSerde(), int64Serde()).withCachingEnabled().build(),
    )
    const context = new TestStateStoreContext(sandbox.dir)
    let forwarded = 0
    store.setFlushListener(() => forwarded++, true)
    await store.init(context)
    const words = Array.from({ length: 10_000 }, (_, i) => `word-${i}`)
    let seed = 1
    const started = performance.now()
    for (let i = 0; i < COUNT; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      // Skewed: low-numbered words are far more frequent, as in text.
      const word = words[Math.floor(((seed / 0x7fffffff) ** 3) * words.length)]!
      store.put(word, (store.get(word) ?? 0n) + 1n)
      if (i % 20_000 === 19_999) await store.flush() // a commit
    }
    await store.flush()
    const ms = performance.now() - started
    let total = 0n
    for (const { value } of store.all()) total += value
    expect(total).toBe(BigInt(COUNT))
    console.log(`[state throughput] rocksdb + cache + log word count: ${rate(COUNT, ms)} (get + put), ${context.logged.length} changelog writes, ${forwarded} forwarded`)
  })
})
