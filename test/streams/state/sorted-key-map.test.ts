import { describe, expect, it } from 'vitest'
import { binaryKey } from '../../../streams/state/bytes-range.ts'
import { SortedKeyMap } from '../../../streams/state/sorted-key-map.ts'
import { seededRandom } from './random.ts'

/** Model: a sorted array of [key, value]. */
function modelScan(model: Map<string, number>, lo: string | undefined, hi: string | undefined, hiInclusive: boolean, reverse: boolean): number[] {
  const keys = [...model.keys()].sort().filter((key) => (lo === undefined || key >= lo) && (hi === undefined || (hiInclusive ? key <= hi : key < hi)))
  if (reverse) keys.reverse()
  return keys.map((key) => model.get(key)!)
}

describe('SortedKeyMap', () => {
  it('agrees with a sorted model across chunk splits, deletions and held snapshots', () => {
    const random = seededRandom(42)
    const map = new SortedKeyMap<number>()
    const model = new Map<string, number>()
    const keyOf = (n: number): string => binaryKey(Buffer.from([n >> 8, n & 0xff]))
    const held: { iterator: Iterator<number>; expected: number[] }[] = []
    for (let step = 0; step < 20_000; step++) {
      const key = keyOf(random(3000))
      if (random(3) === 0) {
        expect(map.delete(key)).toBe(model.delete(key))
      } else {
        map.set(key, step)
        model.set(key, step)
      }
      if (step % 500 === 0) {
        const a = keyOf(random(3000))
        const z = keyOf(random(3000))
        const [lo, hi] = a <= z ? [a, z] : [z, a]
        const reverse = random(2) === 0
        const hiInclusive = random(2) === 0
        const bounds = random(4)
        const from = bounds === 1 ? undefined : lo
        const to = bounds === 2 ? undefined : hi
        held.push({ iterator: map.scan(from, to, hiInclusive, reverse), expected: modelScan(model, from, to, hiInclusive, reverse) })
      }
    }
    expect(map.size).toBe(model.size)
    for (const [key, value] of model) expect(map.get(key)).toBe(value)
    // Snapshots taken along the way still show the map as it was then.
    for (const { iterator, expected } of held) expect([...{ [Symbol.iterator]: () => iterator }]).toEqual(expected)
    expect([...map.scan(undefined, undefined, true, false)]).toEqual(modelScan(model, undefined, undefined, true, false))
    expect([...map.scan(undefined, undefined, true, true)]).toEqual(modelScan(model, undefined, undefined, true, true))
  })

  it('agrees with the model whether scans come often (keys placed one by one) or rarely (chunks rebuilt)', () => {
    for (const scanEvery of [7, 50, 5000]) {
      const random = seededRandom(scanEvery)
      const map = new SortedKeyMap<number>()
      const model = new Map<string, number>()
      const keyOf = (n: number): string => binaryKey(Buffer.from([n >> 8, n & 0xff]))
      for (let step = 0; step < 10_000; step++) {
        const key = keyOf(random(2000))
        if (random(4) === 0) expect(map.delete(key)).toBe(model.delete(key))
        else {
          map.set(key, step)
          model.set(key, step)
        }
        if (step % scanEvery === 0) {
          const lo = keyOf(random(2000))
          expect([...map.scan(lo, undefined, true, false)]).toEqual(modelScan(model, lo, undefined, true, false))
        }
      }
      expect([...map.scan(undefined, undefined, true, true)]).toEqual(modelScan(model, undefined, undefined, true, true))
      map.clear()
      expect([...map.scan(undefined, undefined, true, false)]).toEqual([])
      map.set(keyOf(1), 1)
      expect([...map.scan(undefined, undefined, true, false)]).toEqual([1])
    }
  })

  it('orders binary keys by unsigned bytes', () => {
    const map = new SortedKeyMap<string>()
    for (const hex of ['ff', '00', '80', '7f', '0100', '01', '', 'ffff']) map.set(binaryKey(Buffer.from(hex, 'hex')), hex)
    expect([...map.scan(undefined, undefined, true, false)]).toEqual(['', '00', '01', '0100', '7f', '80', 'ff', 'ffff'])
  })
})
