import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { int32Serde, jsonSerde, stringSerde, type Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../../streams/errors.ts'
import { resolveStreamsConfig } from '../../../streams/runtime/config.ts'
import { InMemoryKeyValueStore } from '../../../streams/state/in-memory-key-value-store.ts'
import { MeteredKeyValueStore } from '../../../streams/state/metered-key-value-store.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { StoreSandbox, TestStateStoreContext } from './test-context.ts'

describe('MeteredKeyValueStore', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  it('serializes keys and values only at the outermost layer', async () => {
    const bytes = new InMemoryKeyValueStore('typed')
    const store = sandbox.track(new MeteredKeyValueStore(bytes, stringSerde(), jsonSerde<{ n: number }>()))
    await store.init(new TestStateStoreContext(sandbox.dir))
    store.put('k', { n: 1 })
    expect(bytes.get(Buffer.from('k'))?.toString()).toBe('{"n":1}')
    expect(store.get('k')).toEqual({ n: 1 })
    expect([...store.range('a', 'z')]).toEqual([{ key: 'k', value: { n: 1 } }])
    expect(store.putIfAbsent('k', { n: 2 })).toEqual({ n: 1 })
    expect(store.delete('k')).toEqual({ n: 1 })
    expect(store.get('k')).toBeUndefined()
  })

  it('serializes a read-modify-write of a primitive key once, and a mutable object key on every call', async () => {
    let serialized = 0
    const counting = <T>(inner: Serde<T>): Serde<T> => ({
      serialize: (topic, value) => (serialized++, inner.serialize(topic, value)),
      deserialize: (topic, data) => inner.deserialize(topic, data),
    })
    const strings = sandbox.track(new MeteredKeyValueStore(new InMemoryKeyValueStore('s'), counting(stringSerde()), int32Serde()))
    await strings.init(new TestStateStoreContext(sandbox.dir))
    strings.put('a', (strings.get('a') ?? 0) + 1)
    expect(serialized).toBe(1)
    strings.put('b', 1)
    strings.put('a', strings.get('a')! + 1)
    expect(strings.get('a')).toBe(2)
    expect(strings.get('b')).toBe(1)

    serialized = 0
    const objects = sandbox.track(new MeteredKeyValueStore(new InMemoryKeyValueStore('o'), counting(jsonSerde<{ id: number }>()), int32Serde()))
    await objects.init(new TestStateStoreContext(sandbox.dir))
    const key = { id: 1 }
    objects.put(key, 10)
    key.id = 2
    objects.put(key, 20)
    expect(serialized).toBe(2)
    expect(objects.get({ id: 1 })).toBe(10)
    expect(objects.get({ id: 2 })).toBe(20)
  })

  it('passes the changelog topic to its serdes', async () => {
    const topics: string[] = []
    const spy: Serde<string> = {
      serialize: (topic, value) => (topics.push(topic), value === null ? null : Buffer.from(value)),
      deserialize: (topic, data) => (topics.push(topic), data === null ? null : data.toString()),
    }
    const store = sandbox.track(new MeteredKeyValueStore(new InMemoryKeyValueStore('s'), spy, spy))
    await store.init(new TestStateStoreContext(sandbox.dir))
    store.put('a', 'b')
    store.get('a')
    expect(new Set(topics)).toEqual(new Set(['app-s-changelog']))
  })

  it('refuses serdes that answer with a Promise, naming the store', async () => {
    const asyncSerde: Serde<string> = {
      serialize: async (_topic, value) => (value === null ? null : Buffer.from(value)),
      deserialize: async (_topic, data) => (data === null ? null : data.toString()),
    }
    const store = sandbox.track(new MeteredKeyValueStore(new InMemoryKeyValueStore('slow'), stringSerde(), asyncSerde))
    await store.init(new TestStateStoreContext(sandbox.dir))
    let thrown: unknown
    try {
      store.put('a', 'b')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(StreamsError)
    expect(thrown).toMatchObject({ code: 'STREAMS_INVALID_CONFIG' })
    expect((thrown as Error).message).toContain('"slow"')
    expect((thrown as Error).message).toContain('answers synchronously')
  })

  it('refuses null keys', async () => {
    const store = sandbox.track(new MeteredKeyValueStore(new InMemoryKeyValueStore('k'), stringSerde(), stringSerde()))
    await store.init(new TestStateStoreContext(sandbox.dir))
    expect(() => store.put(null as unknown as string, 'v')).toThrow(expect.objectContaining({ code: 'STREAMS_STATE_STORE' }))
  })

  it("uses the application's default serdes when the builder has none", async () => {
    const context = new TestStateStoreContext(sandbox.dir)
    Object.defineProperty(context, 'config', {
      value: resolveStreamsConfig({ applicationId: 'app', defaultKeySerde: stringSerde() as Serde<unknown>, defaultValueSerde: int32Serde() as Serde<unknown> }, sandbox.dir),
    })
    const store = sandbox.track(Stores.keyValueStoreBuilder<string, number>(Stores.inMemoryKeyValueStore('defaults'), null, null).build())
    await store.init(context)
    store.put('a', 7)
    expect(store.get('a')).toBe(7)
    expect([...store.prefixScan('a')]).toEqual([{ key: 'a', value: 7 }])
  })
})
