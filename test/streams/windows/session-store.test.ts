import { afterEach, describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import { Stores } from '../../../streams/state/stores.ts'
import type { MeteredSessionStore } from '../../../streams/state/metered-session-store.ts'
import { sessionKey, timeWindowedKey, windowStoreKey } from '../../../streams/state/window-key-schema.ts'
import { WindowedSerdes } from '../../../streams/index.ts'
import { StoreSandbox, TestStateStoreContext } from '../state/test-context.ts'

const kinds = ['in-memory', 'rocksdb'] as const
const s = (from: number, to: number) => ({ key: 'k', window: { startMs: from, endMs: to } })

describe.each(kinds)('session store (%s)', (kind) => {
  let sandbox: StoreSandbox
  afterEach(async () => {
    await sandbox.cleanup()
  })

  async function open(retention = 10 * 60_000) {
    sandbox = new StoreSandbox()
    const supplier = kind === 'rocksdb' ? Stores.persistentSessionStore('sessions', retention) : Stores.inMemorySessionStore('sessions', retention)
    const store = sandbox.track(Stores.sessionStoreBuilder(supplier, stringSerde(), stringSerde()).build()) as MeteredSessionStore<string, string>
    const context = new TestStateStoreContext(sandbox.dir)
    await store.init(context)
    return { store, context }
  }

  it('finds the sessions of a key overlapping a time range, by end time', async () => {
    const { store } = await open()
    store.put(s(10, 12), 'a')
    store.put(s(20, 20), 'b')
    store.put(s(30, 45), 'c')
    store.put({ key: 'kk', window: { startMs: 11, endMs: 11 } }, 'other key')
    const found = (from: number, to: number) => [...store.findSessions('k', from, to)].map((e) => [e.key.window.startMs, e.key.window.endMs, e.value])
    expect(found(11, 21)).toEqual([[10, 12, 'a'], [20, 20, 'b']])
    expect(found(13, 21)).toEqual([[20, 20, 'b']])
    // A session ending long after latestStart still overlaps when it starts before it.
    expect(found(40, 35)).toEqual([[30, 45, 'c']])
    expect([...store.backwardFindSessions('k', 0, 100)].map((e) => e.value)).toEqual(['c', 'b', 'a'])
    expect(store.fetchSession('k', 10, 12)).toBe('a')
    expect([...store.fetch('kk')].map((e) => e.value)).toEqual(['other key'])
    store.remove(s(10, 12))
    expect(store.fetchSession('k', 10, 12)).toBeUndefined()
  })

  it('logs Kafka\'s session key layout and restores from it', async () => {
    const { store, context } = await open()
    store.put(s(5, 9), 'v')
    expect(context.logged[0]!.key).toEqual(sessionKey(Buffer.from('k'), 5, 9))
    const fresh = new TestStateStoreContext(`${sandbox.dir}-2`)
    const supplier = kind === 'rocksdb' ? Stores.persistentSessionStore('sessions2', 60_000) : Stores.inMemorySessionStore('sessions2', 60_000)
    const restored = sandbox.track(Stores.sessionStoreBuilder(supplier, stringSerde(), stringSerde()).build())
    await restored.init(fresh)
    await fresh.registered[0]!.restore(context.logged.map((c) => ({ key: c.key, value: c.value })))
    expect(restored.fetchSession('k', 5, 9)).toBe('v')
  })

  it('expires whole segments behind the observed session end', async () => {
    const { store } = await open(60_000)
    store.put(s(0, 1000), 'old')
    store.put(s(200_000, 200_000), 'new')
    expect([...store.fetch('k')].map((e) => e.value)).toEqual(['new'])
    store.put(s(0, 1000), 'again')
    expect(store.expiredRecords).toBe(1)
  })
})

describe('windowed key layouts', () => {
  it('serializes time-windowed and session-windowed keys as Kafka does', async () => {
    const time = WindowedSerdes.timeWindowedSerdeFrom(stringSerde(), 1000)
    const bytes = time.serialize('t', { key: 'ab', window: { startMs: 0x0102030405, endMs: 0x0102030405 + 1000 } }) as Buffer
    expect(bytes.toString('hex')).toBe('6162' + '0000000102030405')
    expect(bytes).toEqual(timeWindowedKey(Buffer.from('ab'), 0x0102030405))
    expect(time.deserialize('t', bytes)).toEqual({ key: 'ab', window: { startMs: 0x0102030405, endMs: 0x0102030405 + 1000 } })

    const session = WindowedSerdes.sessionWindowedSerdeFrom(stringSerde())
    const sbytes = session.serialize('t', { key: 'ab', window: { startMs: 5, endMs: 9 } }) as Buffer
    expect(sbytes.toString('hex')).toBe('6162' + '0000000000000009' + '0000000000000005')
    expect(session.deserialize('t', sbytes)).toEqual({ key: 'ab', window: { startMs: 5, endMs: 9 } })
    expect(() => session.deserialize('t', Buffer.alloc(3))).toThrow(expect.objectContaining({ code: 'STREAMS_DESERIALIZATION' }))

    expect(windowStoreKey(Buffer.from('ab'), 7, 3).toString('hex')).toBe('6162' + '0000000000000007' + '00000003')
  })
})
