/**
 * The key-value store conformance suite: what every `KeyValueStore<Buffer, Buffer>` of Creek
 * must do, whatever its layers (bytes stores, and the typed stack with bytes serdes). Each
 * implementation's test file calls `keyValueStoreConformance` with a target.
 *
 * Covered: get / put / delete / putIfAbsent / putAll; null put = delete; empty keys and values;
 * ranges in unsigned byte order (0x00 and 0xff bytes, open bounds, reverse, from > to);
 * prefix scans; iterator snapshots; writes visible before flush; persistence across flush,
 * close and reopen (persistent targets); use before init and after close.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StreamsError } from '../../../streams/errors.ts'
import type { KeyValue, KeyValueStore } from '../../../streams/state/api.ts'
import { b, entriesHex, hex, StoreSandbox, TestStateStoreContext } from './test-context.ts'

export interface ConformanceTarget {
  /** Keeps its data across close and reopen in the same task directory. */
  readonly persistent: boolean
  /** `approximateNumEntries` is exact. */
  readonly exactCount: boolean
  /** A new, uninitialized store named `name`. */
  build(name: string): KeyValueStore<Buffer, Buffer>
  /** The record-cache budget of the test context (default: the application default). */
  readonly cacheMaxBytes?: number
}

type Store = KeyValueStore<Buffer, Buffer>

/** Keys chosen to expose signed-byte, length and 0xff mistakes, in their correct order. */
const ORDERED_KEYS: readonly Buffer[] = [
  b(),
  b(0x00),
  b(0x00, 0x00),
  b(0x01),
  b(0x01, 0x00),
  b(0x01, 0x7f),
  b(0x01, 0x80),
  b(0x01, 0xff),
  b(0x01, 0xff, 0xff),
  b(0x02),
  b(0x7f),
  b(0x80),
  b(0xfe, 0xff),
  b(0xff),
  b(0xff, 0x00),
  b(0xff, 0xff),
  b(0xff, 0xff, 0xff),
]

const valueOf = (key: Buffer): Buffer => Buffer.concat([b(0x76), key])

function expectInvalidStateStore(action: () => unknown, storeName: string): void {
  let thrown: unknown
  try {
    action()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(StreamsError)
  expect((thrown as StreamsError).code).toBe('STREAMS_INVALID_STATE_STORE')
  expect((thrown as StreamsError).message).toContain(storeName)
}

export function keyValueStoreConformance(label: string, target: ConformanceTarget): void {
  describe(`${label}: key-value store conformance`, () => {
    let sandbox: StoreSandbox

    beforeEach(() => {
      sandbox = new StoreSandbox()
    })
    afterEach(async () => {
      await sandbox.cleanup()
    })

    async function open(name = 'store'): Promise<Store> {
      const store = sandbox.track(target.build(name))
      await store.init(new TestStateStoreContext(sandbox.dir, target.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: target.cacheMaxBytes }))
      return store
    }

    async function openWithAllKeys(): Promise<Store> {
      const store = await open()
      // Insert out of order so that sorting is the store's work.
      for (const key of [...ORDERED_KEYS].reverse()) store.put(key, valueOf(key))
      return store
    }

    const keysOf = (entries: Iterable<KeyValue<Buffer, Buffer>>): string[] => [...entries].map((entry) => hex(entry.key))
    const ordered = ORDERED_KEYS.map(hex)

    it('gets, puts, overwrites and deletes single keys', async () => {
      const store = await open()
      expect(store.isOpen).toBe(true)
      expect(store.get(b(1))).toBeUndefined()
      store.put(b(1), b(10))
      store.put(b(2), b(20))
      expect(store.get(b(1))).toEqual(b(10))
      store.put(b(1), b(11))
      expect(store.get(b(1))).toEqual(b(11))
      expect(store.delete(b(1))).toEqual(b(11))
      expect(store.get(b(1))).toBeUndefined()
      expect(store.delete(b(1))).toBeUndefined()
      expect(store.get(b(2))).toEqual(b(20))
    })

    it('treats put(key, null) as a delete', async () => {
      const store = await open()
      store.put(b(1), b(10))
      store.put(b(1), null)
      expect(store.get(b(1))).toBeUndefined()
      expect(keysOf(store.all())).toEqual([])
      store.put(b(2), null)
      expect(store.get(b(2))).toBeUndefined()
    })

    it('putIfAbsent puts only when absent and returns what was there', async () => {
      const store = await open()
      expect(store.putIfAbsent(b(1), b(10))).toBeUndefined()
      expect(store.putIfAbsent(b(1), b(11))).toEqual(b(10))
      expect(store.get(b(1))).toEqual(b(10))
      store.delete(b(1))
      expect(store.putIfAbsent(b(1), b(12))).toBeUndefined()
      expect(store.get(b(1))).toEqual(b(12))
    })

    it('putAll writes every entry, later entries of a key winning', async () => {
      const store = await open()
      store.putAll([
        { key: b(1), value: b(10) },
        { key: b(2), value: b(20) },
        { key: b(1), value: b(11) },
      ])
      expect(entriesHex(store.all())).toEqual([
        ['01', '0b'],
        ['02', '14'],
      ])
    })

    it('keeps empty keys and empty values', async () => {
      const store = await open()
      store.put(b(), b(1))
      store.put(b(1), b())
      expect(store.get(b())).toEqual(b(1))
      expect(store.get(b(1))).toEqual(b())
      await store.flush()
      expect(store.get(b())).toEqual(b(1))
      expect(store.get(b(1))).toEqual(b())
      expect(entriesHex(store.all())).toEqual([
        ['', '01'],
        ['01', ''],
      ])
    })

    it('orders all() by unsigned bytes, before and after a flush', async () => {
      const store = await openWithAllKeys()
      expect(keysOf(store.all())).toEqual(ordered)
      await store.flush()
      expect(keysOf(store.all())).toEqual(ordered)
      expect([...store.all()].map((entry) => hex(entry.value))).toEqual(ORDERED_KEYS.map((key) => hex(valueOf(key))))
    })

    it('ranges are inclusive on both ends and follow byte order', async () => {
      const store = await openWithAllKeys()
      expect(keysOf(store.range(b(0x01), b(0x01, 0xff)))).toEqual(['01', '0100', '017f', '0180', '01ff'])
      expect(keysOf(store.range(b(0x7f), b(0xff)))).toEqual(['7f', '80', 'feff', 'ff'])
      expect(keysOf(store.range(b(0x01, 0x01), b(0x01, 0x7f)))).toEqual(['017f'])
      expect(keysOf(store.range(b(0x03), b(0x04)))).toEqual([])
      expect(keysOf(store.range(b(0x02), b(0x01)))).toEqual([])
      expect(keysOf(store.range(b(), b()))).toEqual([''])
    })

    it('ranges with open bounds', async () => {
      const store = await openWithAllKeys()
      expect(keysOf(store.range(undefined, b(0x00, 0x00)))).toEqual(['', '00', '0000'])
      expect(keysOf(store.range(b(0xff, 0x00)))).toEqual(['ff00', 'ffff', 'ffffff'])
      expect(keysOf(store.range())).toEqual(ordered)
      expect(keysOf(store.range(b(0xff, 0xff, 0xff, 0x00)))).toEqual([])
    })

    it('reverse ranges give the same entries backwards', async () => {
      const store = await openWithAllKeys()
      for (const [from, to] of [
        [b(0x01), b(0x01, 0xff)],
        [b(0x7f), b(0xff)],
        [undefined, b(0x01)],
        [b(0xfe), undefined],
        [undefined, undefined],
        [b(0x03), b(0x04)],
      ] as const) {
        expect(keysOf(store.reverseRange(from, to))).toEqual(keysOf(store.range(from, to)).reverse())
      }
      expect(keysOf(store.reverseRange(b(0x02), b(0x01)))).toEqual([])
      await store.flush()
      store.put(b(0x01, 0x01), b(1))
      store.delete(b(0x01, 0x7f))
      expect(keysOf(store.reverseRange(b(0x01), b(0x01, 0xff)))).toEqual(['01ff', '0180', '0101', '0100', '01'])
    })

    it('prefix scans, including prefixes ending in 0xff', async () => {
      const store = await openWithAllKeys()
      expect(keysOf(store.prefixScan(b(0x01)))).toEqual(['01', '0100', '017f', '0180', '01ff', '01ffff'])
      expect(keysOf(store.prefixScan(b(0x01, 0xff)))).toEqual(['01ff', '01ffff'])
      expect(keysOf(store.prefixScan(b(0xff)))).toEqual(['ff', 'ff00', 'ffff', 'ffffff'])
      expect(keysOf(store.prefixScan(b(0xff, 0xff)))).toEqual(['ffff', 'ffffff'])
      expect(keysOf(store.prefixScan(b(0x00)))).toEqual(['00', '0000'])
      expect(keysOf(store.prefixScan(b(0x03)))).toEqual([])
      expect(keysOf(store.prefixScan(b()))).toEqual(ordered)
    })

    it('iterators are snapshots: later writes do not change them', async () => {
      const store = await open()
      for (let i = 0; i < 10; i++) store.put(b(i), b(i))
      await store.flush()
      store.put(b(20), b(20)) // buffered, not flushed
      const all = store.all()[Symbol.iterator]()
      const range = store.range(b(2), b(6))[Symbol.iterator]()
      const reverse = store.reverseRange(b(2), b(6))[Symbol.iterator]()
      expect(hex(all.next().value!.key)).toBe('00')
      store.put(b(1), b(99))
      store.delete(b(3))
      store.put(b(4, 0), b(1))
      store.put(b(30), b(30))
      store.delete(b(20))
      await store.flush()
      store.delete(b(5))
      const rest = [...{ [Symbol.iterator]: () => all }].map((entry) => hex(entry.key))
      expect(rest).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '14'])
      expect(keysOf({ [Symbol.iterator]: () => range })).toEqual(['02', '03', '04', '05', '06'])
      expect(keysOf({ [Symbol.iterator]: () => reverse })).toEqual(['06', '05', '04', '03', '02'])
      expect(keysOf(store.range(b(2), b(6)))).toEqual(['02', '04', '0400', '06'])
      expect(store.get(b(1))).toEqual(b(99))
    })

    it('an iterator that is stopped early can be dropped, and the store goes on', async () => {
      const store = await openWithAllKeys()
      await store.flush()
      for (const entry of store.all()) {
        expect(hex(entry.key)).toBe('')
        break
      }
      store.put(b(0x05), b(5))
      expect(keysOf(store.range(b(0x02), b(0x7f)))).toEqual(['02', '05', '7f'])
    })

    it('makes writes visible before a flush, and after it', async () => {
      const store = await open()
      store.put(b(1), b(1))
      store.put(b(2), b(2))
      expect(store.get(b(1))).toEqual(b(1))
      expect(keysOf(store.all())).toEqual(['01', '02'])
      await store.flush()
      store.delete(b(1)) // hides a flushed key before the next flush
      store.put(b(2), b(22))
      store.put(b(3), b(3))
      expect(store.get(b(1))).toBeUndefined()
      expect(entriesHex(store.all())).toEqual([
        ['02', '16'],
        ['03', '03'],
      ])
      expect(keysOf(store.prefixScan(b(1)))).toEqual([])
      await store.flush()
      expect(entriesHex(store.all())).toEqual([
        ['02', '16'],
        ['03', '03'],
      ])
    })

    it('counts entries approximately (exactly where promised)', async () => {
      const store = await open()
      expect(store.approximateNumEntries()).toBe(0)
      for (let i = 0; i < 100; i++) store.put(b(i), b(i))
      store.delete(b(0))
      if (target.exactCount) expect(store.approximateNumEntries()).toBe(99)
      else expect(store.approximateNumEntries()).toBeGreaterThan(0)
      await store.flush()
      if (target.exactCount) expect(store.approximateNumEntries()).toBe(99)
      else expect(store.approximateNumEntries()).toBeGreaterThanOrEqual(50)
    })

    it('agrees with a sorted model on random keys', async () => {
      const store = await open()
      const model = new Map<string, string>()
      let seed = 7
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed % n
      }
      const randomKey = (): Buffer => Buffer.from(Array.from({ length: random(3) + 1 }, () => [0, 1, 0x7f, 0x80, 0xfe, 0xff][random(6)]!))
      for (let i = 0; i < 600; i++) {
        const key = randomKey()
        if (random(4) === 0) {
          store.delete(key)
          model.delete(hex(key))
        } else {
          const value = b(random(256))
          store.put(key, value)
          model.set(hex(key), hex(value))
        }
        if (i === 300) await store.flush()
      }
      const sorted = [...model.entries()].sort(([x], [y]) => Buffer.compare(Buffer.from(x, 'hex'), Buffer.from(y, 'hex')))
      expect(entriesHex(store.all())).toEqual(sorted)
      const from = b(0x01)
      const to = b(0xfe, 0xff)
      const inRange = sorted.filter(([key]) => Buffer.compare(Buffer.from(key, 'hex'), from) >= 0 && Buffer.compare(Buffer.from(key, 'hex'), to) <= 0)
      expect(entriesHex(store.range(from, to))).toEqual(inRange)
      expect(entriesHex(store.reverseRange(from, to))).toEqual([...inRange].reverse())
      expect(entriesHex(store.prefixScan(b(0xff)))).toEqual(sorted.filter(([key]) => key.startsWith('ff')))
    })

    it('refuses use before init and after close with STREAMS_INVALID_STATE_STORE', async () => {
      const fresh = sandbox.track(target.build('unopened'))
      expect(fresh.isOpen).toBe(false)
      expectInvalidStateStore(() => fresh.get(b(1)), 'unopened')
      expectInvalidStateStore(() => fresh.put(b(1), b(1)), 'unopened')

      const store = await open('closing')
      store.put(b(1), b(1))
      await store.close()
      expect(store.isOpen).toBe(false)
      expectInvalidStateStore(() => store.get(b(1)), 'closing')
      expectInvalidStateStore(() => store.put(b(1), b(1)), 'closing')
      expectInvalidStateStore(() => store.delete(b(1)), 'closing')
      expectInvalidStateStore(() => store.putIfAbsent(b(1), b(1)), 'closing')
      expectInvalidStateStore(() => store.range(), 'closing')
      expectInvalidStateStore(() => store.all(), 'closing')
      expectInvalidStateStore(() => store.prefixScan(b(1)), 'closing')
      expectInvalidStateStore(() => store.approximateNumEntries(), 'closing')
      await expect(store.flush()).rejects.toMatchObject({ code: 'STREAMS_INVALID_STATE_STORE' })
      await store.close() // closing twice is harmless
    })

    if (target.persistent) {
      it('keeps flushed data across close and reopen', async () => {
        const store = await open()
        for (const key of ORDERED_KEYS) store.put(key, valueOf(key))
        await store.flush()
        store.delete(b(0x01))
        store.put(b(0x02), b(0x22)) // written by close()
        await store.close()

        const reopened = await open()
        expect(reopened.get(b(0x01))).toBeUndefined()
        expect(reopened.get(b(0x02))).toEqual(b(0x22))
        expect(reopened.get(b(0xff, 0xff))).toEqual(valueOf(b(0xff, 0xff)))
        expect(keysOf(reopened.all())).toEqual(ordered.filter((key) => key !== '01'))
        expect(keysOf(reopened.prefixScan(b(0xff)))).toEqual(['ff', 'ff00', 'ffff', 'ffffff'])
      })
    }
  })
}
