/**
 * Model-based test of the RocksDB store: random puts, deletes, flushes, background batch writes
 * (a tiny write buffer), held iterators and close/reopen, compared after every step that reads
 * with a plain sorted map. Seeded and bounded so that a failure replays.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KeyValue } from '../../../streams/state/api.ts'
import { RocksDBKeyValueStore } from '../../../streams/state/rocksdb-key-value-store.ts'
import { randomKey, seededRandom, SortedModel } from './random.ts'
import { hex, StoreSandbox, TestStateStoreContext } from './test-context.ts'

const pairs = (entries: Iterable<KeyValue<Buffer, Buffer>>): [string, string][] => [...entries].map((entry) => [hex(entry.key), hex(entry.value)])

describe('RocksDBKeyValueStore against a sorted model', () => {
  let sandbox: StoreSandbox
  beforeEach(() => {
    sandbox = new StoreSandbox()
  })
  afterEach(async () => {
    await sandbox.cleanup()
  })

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 2500 random steps with flushes, background writes and reopens`, async () => {
      const random = seededRandom(seed)
      const model = new SortedModel()
      const open = async (): Promise<RocksDBKeyValueStore> => {
        const opened = sandbox.track(new RocksDBKeyValueStore('model', { writeBufferBytes: 400 }))
        await opened.init(new TestStateStoreContext(sandbox.dir))
        return opened
      }
      let store = await open()
      const held: { iterator: Iterator<KeyValue<Buffer, Buffer>>; expected: [string, string][] }[] = []
      let reopens = 0
      for (let step = 0; step < 2500; step++) {
        const action = random(100)
        const key = randomKey(random)
        if (action < 45) {
          const value = Buffer.from([random(256), step & 0xff])
          store.put(key, value)
          model.map.set(hex(key), hex(value))
        } else if (action < 60) {
          const expected = model.map.get(hex(key))
          expect(store.delete(key)?.toString('hex')).toBe(expected)
          model.map.delete(hex(key))
        } else if (action < 65) {
          const value = Buffer.from([random(256)])
          const expected = model.map.get(hex(key))
          expect(store.putIfAbsent(key, value)?.toString('hex')).toBe(expected)
          if (expected === undefined) model.map.set(hex(key), hex(value))
        } else if (action < 78) {
          expect(store.get(key)?.toString('hex')).toBe(model.map.get(hex(key)))
        } else if (action < 84) {
          const other = randomKey(random)
          const [from, to] = Buffer.compare(key, other) <= 0 ? [key, other] : [other, key]
          const reverse = random(2) === 0
          const lower = random(5) === 0 ? undefined : from
          const upper = random(5) === 0 ? undefined : to
          const expected = model.range(lower, upper)
          expect(pairs(reverse ? store.reverseRange(lower, upper) : store.range(lower, upper))).toEqual(reverse ? expected.reverse() : expected)
        } else if (action < 87) {
          expect(pairs(store.prefixScan(key))).toEqual(model.prefix(key))
        } else if (action < 90) {
          held.push({ iterator: store.all()[Symbol.iterator](), expected: model.sorted() })
        } else if (action < 95) {
          // Let scheduled background batches run.
          await new Promise((resolve) => setImmediate(resolve))
        } else if (action < 98) {
          await store.flush()
        } else if (reopens < 8) {
          for (const { iterator, expected } of held.splice(0)) expect(pairs({ [Symbol.iterator]: () => iterator })).toEqual(expected)
          await store.close()
          store = await open()
          reopens++
        }
      }
      for (const { iterator, expected } of held.splice(0)) expect(pairs({ [Symbol.iterator]: () => iterator })).toEqual(expected)
      expect(pairs(store.all())).toEqual(model.sorted())
      await store.close()
      store = await open()
      expect(pairs(store.all())).toEqual(model.sorted())
      expect(pairs(store.reverseRange())).toEqual(model.sorted().reverse())
    })
  }
})
