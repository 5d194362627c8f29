import { describe, expect, it } from 'vitest'
import { StreamsError } from '../../../streams/errors.ts'
import { CompositeKeyValueView } from '../../../streams/runtime/store-view.ts'
import type { StateStore } from '../../../streams/state/api.ts'

/** A read-only store over a sorted map (enough of a KeyValueStore for the view). */
function store(entries: Record<string, unknown>, open = true): StateStore {
  const sorted = Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1))
  const list = (from?: string, to?: string) => sorted.filter(([k]) => (from === undefined || k >= from) && (to === undefined || k <= to)).map(([key, value]) => ({ key, value }))
  return {
    name: 's', persistent: false, isOpen: open,
    init: async () => {}, flush: async () => {}, close: async () => {},
    get: (k: string) => entries[k],
    range: list,
    reverseRange: (from?: string, to?: string) => list(from, to).reverse(),
    all: () => list(),
    prefixScan: (p: string) => sorted.filter(([k]) => k.startsWith(p)).map(([key, value]) => ({ key, value })),
    approximateNumEntries: () => sorted.length,
  } as unknown as StateStore
}

describe('CompositeKeyValueView', () => {
  const stores = [store({ a: 1, c: 3 }), store({ b: 2, d: 4 })]

  it('reads a key from whichever task holds it and scans task after task', () => {
    const view = new CompositeKeyValueView<string, number>('s', () => stores)
    expect(view.get('b')).toBe(2)
    expect(view.get('z')).toBeUndefined()
    expect([...view.all()].map((kv) => kv.key)).toEqual(['a', 'c', 'b', 'd'])
    expect([...view.range('b', 'c')].map((kv) => kv.key)).toEqual(['c', 'b'])
    expect([...view.prefixScan('d')]).toEqual([{ key: 'd', value: 4 }])
    expect(view.approximateNumEntries()).toBe(4)
  })

  it('unwraps timestamped rows', () => {
    const view = new CompositeKeyValueView<string, number>('s', () => [store({ a: { value: 7, timestamp: 1 } })], true)
    expect(view.get('a')).toBe(7)
    expect([...view.all()]).toEqual([{ key: 'a', value: 7 }])
  })

  it('refuses queries while a store is closed or when the instances cannot be queried', () => {
    expect(() => new CompositeKeyValueView('s', () => [store({}, false)]).get('a')).toThrow(/being closed or migrated/)
    const failing = new CompositeKeyValueView('s', () => {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', 'not running')
    })
    expect(() => failing.all()).toThrow(/not running/)
  })
})
