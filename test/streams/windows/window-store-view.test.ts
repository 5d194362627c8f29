import { afterEach, describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import { countSerde } from '../../../streams/dsl/count-serde.ts'
import { ValueAndTimestamp, ValueAndTimestampSerde } from '../../../streams/dsl/value-and-timestamp.ts'
import { CompositeSessionView, CompositeWindowView } from '../../../streams/runtime/window-store-view.ts'
import type { StateStore } from '../../../streams/state/api.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { StoreSandbox, TestStateStoreContext } from '../state/test-context.ts'

let sandbox: StoreSandbox
afterEach(async () => {
  await sandbox.cleanup()
})

describe('interactive query views of window and session stores', () => {
  it('read every local instance of a window store, unwrapping DSL values', async () => {
    sandbox = new StoreSandbox()
    const build = () => sandbox.track(Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 60_000, 1000, false), stringSerde(), new ValueAndTimestampSerde(countSerde())).build())
    const [task0, task1] = [build(), build()]
    await task0.init(new TestStateStoreContext(sandbox.dir))
    await task1.init(new TestStateStoreContext(sandbox.dir))
    task0.put('a', ValueAndTimestamp.make(1, 10), 0)
    task1.put('b', ValueAndTimestamp.make(2, 20), 0)
    task1.put('b', ValueAndTimestamp.make(3, 1020), 1000)
    const view = new CompositeWindowView<string, number>('w', () => [task0, task1], true)
    expect(view.fetch('b', 1000)).toBe(3)
    expect(view.fetch('a', 1000)).toBeUndefined()
    expect([...view.fetchRange('b', 0, 5000)]).toEqual([{ key: 0, value: 2 }, { key: 1000, value: 3 }])
    expect([...view.fetchAll(0, 0)].map((e) => [e.key.key, e.value])).toEqual([['a', 1], ['b', 2]])
    expect([...view.all()]).toHaveLength(3)
    await task1.close()
    expect(() => view.fetch('a', 0)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_STATE_STORE' }))
    const notWindow = { name: 'w', isOpen: true } as unknown as StateStore
    expect(() => new CompositeWindowView('w', () => [notWindow]).fetch('a', 0)).toThrow(/not a window store/)
  })

  it('read every local instance of a session store', async () => {
    sandbox = new StoreSandbox()
    const store = sandbox.track(Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 60_000), stringSerde(), countSerde()).build())
    await store.init(new TestStateStoreContext(sandbox.dir))
    store.put({ key: 'u', window: { startMs: 5, endMs: 9 } }, 2)
    const view = new CompositeSessionView<string, number>('s', () => [store])
    expect(view.fetchSession('u', 5, 9)).toBe(2)
    expect([...view.fetch('u')].map((e) => [e.key.window.startMs, e.key.window.endMs, e.value])).toEqual([[5, 9, 2]])
    expect([...view.findSessions('u', 10, 20)]).toEqual([])
  })
})
