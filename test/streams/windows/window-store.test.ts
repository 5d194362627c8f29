import { afterEach, describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import { Stores } from '../../../streams/state/stores.ts'
import type { MeteredWindowStore } from '../../../streams/state/metered-window-store.ts'
import { windowStoreKey } from '../../../streams/state/window-key-schema.ts'
import { StoreSandbox, TestStateStoreContext } from '../state/test-context.ts'

const kinds = ['in-memory', 'rocksdb'] as const
const MINUTE = 60_000

function supplier(kind: (typeof kinds)[number], name: string, retention: number, size: number, dups = false) {
  return kind === 'rocksdb' ? Stores.persistentWindowStore(name, retention, size, dups) : Stores.inMemoryWindowStore(name, retention, size, dups)
}

describe.each(kinds)('window store (%s)', (kind) => {
  let sandbox: StoreSandbox
  afterEach(async () => {
    await sandbox.cleanup()
  })

  async function open(options: { retention?: number; size?: number; dups?: boolean; caching?: boolean; context?: TestStateStoreContext } = {}) {
    sandbox ??= new StoreSandbox()
    const builder = Stores.windowStoreBuilder(supplier(kind, 'win', options.retention ?? 10 * MINUTE, options.size ?? 1000, options.dups ?? false), stringSerde(), stringSerde())
    if (options.caching === true) builder.withCachingEnabled()
    const store = sandbox.track(builder.build()) as MeteredWindowStore<string, string>
    const context = options.context ?? new TestStateStoreContext(sandbox.dir)
    await store.init(context)
    return { store, context }
  }

  it('puts and fetches by key and time range, oldest first and backward', async () => {
    sandbox = new StoreSandbox()
    const { store } = await open()
    store.put('a', 'a0', 0)
    store.put('a', 'a1', 1000)
    store.put('a', 'a2', 2000)
    store.put('ab', 'ab1', 1000)
    store.put('b', 'b1', 1000)
    expect(store.fetch('a', 1000)).toBe('a1')
    expect(store.fetch('a', 500)).toBeUndefined()
    expect([...store.fetchRange('a', 500, 2000)]).toEqual([{ key: 1000, value: 'a1' }, { key: 2000, value: 'a2' }])
    expect([...store.backwardFetchRange('a', 0, 2000)].map((e) => e.value)).toEqual(['a2', 'a1', 'a0'])
    // 'ab' extends 'a' byte-wise: a fetch of 'a' must not return it.
    expect([...store.fetchRange('a', 0, 5000)].map((e) => e.value)).toEqual(['a0', 'a1', 'a2'])
    expect([...store.fetchKeyRange('a', 'ab', 1000, 1000)].map((e) => [e.key.key, e.key.window.startMs, e.key.window.endMs, e.value])).toEqual([
      ['a', 1000, 2000, 'a1'], ['ab', 1000, 2000, 'ab1'],
    ])
    expect([...store.fetchAll(1000, 1000)].map((e) => e.value)).toEqual(['a1', 'ab1', 'b1'])
    expect([...store.all()].length).toBe(5)
    store.put('a', null, 1000)
    expect(store.fetch('a', 1000)).toBeUndefined()
    await store.flush()
    expect([...store.fetchRange('a', 0, 5000)].map((e) => e.value)).toEqual(['a0', 'a2'])
  })

  it('drops expired windows and whole segments by observed stream time', async () => {
    sandbox = new StoreSandbox()
    // Retention 2 min: segments of 1 min (the minimum interval).
    const { store } = await open({ retention: 2 * MINUTE })
    for (let t = 0; t < 5 * MINUTE; t += 30_000) store.put('k', `v${t}`, t)
    await store.flush()
    const segments = (store as unknown as { observedStreamTimeMs: number }).observedStreamTimeMs
    expect(segments).toBe(4.5 * MINUTE)
    // Live: starts > 4.5 min − 2 min = 2.5 min.
    expect([...store.fetchRange('k', 0, 10 * MINUTE)].map((e) => e.key)).toEqual([3 * MINUTE, 3.5 * MINUTE, 4 * MINUTE, 4.5 * MINUTE])
    // An expired put is ignored and counted.
    store.put('k', 'late', MINUTE)
    expect(store.fetch('k', MINUTE)).toBeUndefined()
    expect(store.expiredRecords).toBe(1)
  })

  it.each([false, true])('reads time ranges across segments in key then time order (caching %s)', async (caching) => {
    sandbox = new StoreSandbox()
    // Retention 10 min: segments of 5 min; an uncached store reads only the segments of the time range.
    const { store } = await open({ retention: 10 * MINUTE, caching })
    for (const key of ['b', 'a', 'ab']) for (let t = 0; t < 10 * MINUTE; t += MINUTE) store.put(key, `${key}${t / MINUTE}`, t)
    expect([...store.fetchRange('a', 4 * MINUTE, 6 * MINUTE)].map((e) => e.value)).toEqual(['a4', 'a5', 'a6'])
    expect([...store.backwardFetchRange('ab', 4 * MINUTE, 5 * MINUTE)].map((e) => e.value)).toEqual(['ab5', 'ab4'])
    expect([...store.fetchKeyRange('a', 'ab', 4.5 * MINUTE, 5 * MINUTE)].map((e) => e.value)).toEqual(['a5', 'ab5'])
    expect([...store.fetchAll(4 * MINUTE, 5 * MINUTE)].map((e) => e.value)).toEqual(['a4', 'a5', 'ab4', 'ab5', 'b4', 'b5'])
    await store.flush()
    expect([...store.fetchAll(9 * MINUTE, 20 * MINUTE)].map((e) => e.value)).toEqual(['a9', 'ab9', 'b9'])
    expect(store.fetch('b', 5 * MINUTE)).toBe('b5')
  })

  it('keeps every duplicate when it retains duplicates', async () => {
    sandbox = new StoreSandbox()
    const { store } = await open({ dups: true })
    store.put('k', 'x', 1000)
    store.put('k', 'y', 1000)
    store.put('k', null, 1000)
    store.put('k', 'z', 2000)
    expect([...store.fetchRange('k', 0, 5000)]).toEqual([{ key: 1000, value: 'x' }, { key: 1000, value: 'y' }, { key: 2000, value: 'z' }])
  })

  it('logs changes in Kafka\'s window store key layout and restores from them', async () => {
    sandbox = new StoreSandbox()
    const { store, context } = await open()
    context.timestamp = 42
    store.put('k', 'v', 5000)
    expect(context.logged).toHaveLength(1)
    expect(context.logged[0]!.key).toEqual(windowStoreKey(Buffer.from('k'), 5000, 0))
    expect(context.logged[0]!.timestamp).toBe(42)
    expect(context.registered[0]!.store).toBe(store)

    const fresh = new TestStateStoreContext(sandbox.dir + '-restored')
    const builder = Stores.windowStoreBuilder(supplier(kind, 'win2', 10 * MINUTE, 1000), stringSerde(), stringSerde())
    const restored = sandbox.track(builder.build())
    await restored.init(fresh)
    await fresh.registered[0]!.restore(context.logged.map((c) => ({ key: c.key, value: c.value })))
    expect(restored.fetch('k', 5000)).toBe('v')
  })

  it('caches writes and emits once per flush with windowed keys', async () => {
    sandbox = new StoreSandbox()
    const { store, context } = await open({ caching: true })
    const flushed: unknown[] = []
    store.setFlushListener((e) => flushed.push([e.key.key, e.key.window.startMs, e.newValue, e.oldValue]), true)
    store.put('k', '1', 0)
    store.put('k', '2', 0)
    expect(store.fetch('k', 0)).toBe('2')
    expect(flushed).toEqual([])
    expect(context.logged).toEqual([])
    await store.flush()
    expect(flushed).toEqual([['k', 0, '2', null]])
    expect(context.logged).toHaveLength(1)
    store.put('k', '3', 0)
    await store.flush()
    expect(flushed[1]).toEqual(['k', 0, '3', '2'])
  })

  it('validates its configuration', () => {
    expect(() => supplier(kind, 'w', 10, 100)).toThrow(/must be no smaller than its window size/)
    expect(() => supplier(kind, 'w', -1, 0)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    expect(() => supplier(kind, 'bad name', 10, 1)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
  })
})

describe('RocksDB window store across a restart', () => {
  it('reopens its segments and keeps dropping expired ones', async () => {
    const sandbox = new StoreSandbox()
    try {
      const build = () => Stores.windowStoreBuilder(Stores.persistentWindowStore('win', 2 * MINUTE, 1000, false), stringSerde(), stringSerde()).withLoggingDisabled().build()
      const first = build()
      await first.init(new TestStateStoreContext(sandbox.dir))
      for (let t = 0; t < 3 * MINUTE; t += 30_000) first.put('k', `v${t}`, t)
      await first.close()
      const second = sandbox.track(build())
      await second.init(new TestStateStoreContext(sandbox.dir))
      // After a restart the observed time is the newest segment's start (2 min), a lower bound of the 2.5 min seen before.
      expect(second.observedStreamTimeMs).toBe(2 * MINUTE)
      expect([...second.fetchRange('k', 0, 10 * MINUTE)].map((e) => e.key)).toEqual([0.5 * MINUTE, MINUTE, 1.5 * MINUTE, 2 * MINUTE, 2.5 * MINUTE])
      second.put('k', 'x', 6 * MINUTE)
      expect([...second.fetchRange('k', 0, 10 * MINUTE)].map((e) => e.key)).toEqual([6 * MINUTE])
      await second.flush()
      await second.close()
      const third = sandbox.track(build())
      await third.init(new TestStateStoreContext(sandbox.dir))
      expect([...third.fetchRange('k', 0, 10 * MINUTE)].map((e) => e.key)).toEqual([6 * MINUTE])
    } finally {
      await sandbox.cleanup()
    }
  })
})

describe('window and session store builders', () => {
  it('configure changelogs as Kafka\'s windowed changelogs (compact,delete; retention + 1 day)', () => {
    const window = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 120_000, 1000, false), stringSerde(), stringSerde())
    expect(window.logConfig).toEqual({ 'retention.ms': String(120_000 + 86_400_000), 'cleanup.policy': 'compact,delete' })
    expect(window.changelogTopic).toBe('w-changelog')
    expect(window.cachingEnabled).toBe(false)
    window.withLoggingEnabled({ 'retention.ms': '5' })
    expect(window.logConfig['retention.ms']).toBe('5')
    const session = Stores.sessionStoreBuilder(Stores.persistentSessionStore('s', 1000), stringSerde(), stringSerde())
    expect(session.logConfig['cleanup.policy']).toBe('compact,delete')
    expect(session.build().retentionPeriodMs).toBe(1000)
  })
})
