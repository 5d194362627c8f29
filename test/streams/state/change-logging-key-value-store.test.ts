import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import { ChangeLoggingKeyValueStore } from '../../../streams/state/change-logging-key-value-store.ts'
import { InMemoryKeyValueStore } from '../../../streams/state/in-memory-key-value-store.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { b, s, StoreSandbox, TestStateStoreContext } from './test-context.ts'

describe('change logging without caching', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  it('logs every write that reaches it, with the record timestamp', async () => {
    const context = new TestStateStoreContext(sandbox.dir)
    const store = sandbox.track(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('logged'), stringSerde(), stringSerde()).build())
    await store.init(context)
    context.timestamp = 10
    store.put('a', '1')
    context.timestamp = 11
    store.put('a', '2')
    store.putIfAbsent('a', 'ignored')
    store.putIfAbsent('b', '1')
    store.putAll([{ key: 'c', value: '1' }])
    context.timestamp = 12
    store.delete('a')
    store.put('c', null)
    expect(context.logged.map((change) => [change.store, change.key.toString(), change.value?.toString() ?? null, change.timestamp])).toEqual([
      ['logged', 'a', '1', 10],
      ['logged', 'a', '2', 11],
      ['logged', 'b', '1', 11],
      ['logged', 'c', '1', 11],
      ['logged', 'a', null, 12],
      ['logged', 'c', null, 12],
    ])
  })

  it('calls the flush listener on every change when there is no cache', async () => {
    const context = new TestStateStoreContext(sandbox.dir)
    const store = sandbox.track(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('plain'), stringSerde(), stringSerde()).build())
    const seen: unknown[] = []
    store.setFlushListener((entry) => seen.push([entry.key, entry.newValue, entry.oldValue, entry.timestamp]), true)
    await store.init(context)
    context.timestamp = 1
    store.put('a', '1')
    store.put('a', '2')
    store.delete('a')
    store.delete('never')
    store.put('never', null)
    store.putIfAbsent('b', '1')
    expect(seen).toEqual([
      ['a', '1', null, 1],
      ['a', '2', '1', 1],
      ['a', null, '2', 1],
      ['b', '1', null, 1],
    ])
  })

  it('registers itself for restoration and restores straight into the bytes store', async () => {
    const context = new TestStateStoreContext(sandbox.dir)
    const bytes = new InMemoryKeyValueStore('r')
    const store = sandbox.track(new ChangeLoggingKeyValueStore(bytes))
    await store.init(context)
    expect(context.registered).toHaveLength(1)
    expect(context.registered[0]!.store).toBe(store)
    await context.registered[0]!.restore([
      { key: b(1), value: b(1) },
      { key: b(2), value: b(2) },
      { key: b(2), value: null },
    ])
    expect(bytes.get(b(1))).toEqual(b(1))
    expect(store.get(b(2))).toBeUndefined()
    expect(context.logged).toEqual([])
    expect(store.persistent).toBe(false)
    store.put(s('x'), s('y'))
    expect(context.logged).toHaveLength(1)
  })
})
