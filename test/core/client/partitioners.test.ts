import { describe, expect, it } from 'vitest'
import { defaultPartitioner, murmur2, partitionForKey, roundRobinPartitioner, toPositive } from '../../../core/client/partitioners.ts'

// Kafka's Java client (UtilsTest.testMurmur2 and other published Utils.murmur2 values).
const JAVA_MURMUR2: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
  ['1', -1993445489],
  ['12', 126087238],
  ['123', -267702483],
  ['1234', -1614185708],
  ['12345', -1188365604],
]

describe('murmur2', () => {
  it.each(JAVA_MURMUR2)('hashes %s as the Java client does', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected)
  })

  it('maps keys to the partitions the Java client picks', () => {
    for (const [key, hash] of JAVA_MURMUR2) {
      for (const n of [1, 3, 7, 12, 50]) expect(partitionForKey(Buffer.from(key), n)).toBe((hash & 0x7fffffff) % n)
    }
    expect(toPositive(-2147483648)).toBe(0)
    expect(partitionForKey(Buffer.alloc(0), 10)).toBe(toPositive(murmur2(Buffer.alloc(0))) % 10)
  })
})

describe('defaultPartitioner', () => {
  it('sends the same key to the same partition', () => {
    const p = defaultPartitioner()
    const rec = (key: string) => ({ topic: 't', key: Buffer.from(key), value: null, sizeInBytes: 10 })
    expect(p(rec('21'), 12)).toBe(p(rec('21'), 12))
    expect(p(rec('foobar'), 12)).toBe(partitionForKey(Buffer.from('foobar'), 12))
  })

  it('sticks keyless records to one partition until batch.size bytes, then switches', () => {
    let r = 0
    const randoms = [0.1, 0.1, 0.9]
    const p = defaultPartitioner({ batchSize: 100, random: () => randoms[r++ % randoms.length] })
    const rec = { topic: 't', key: null, value: Buffer.alloc(40), sizeInBytes: 50 }
    const first = [p(rec, 10), p(rec, 10)]
    expect(first[0]).toBe(first[1])
    const next = p(rec, 10)
    expect(next).not.toBe(first[0])
  })

  it('spreads keyless records over every partition in the long run', () => {
    const p = defaultPartitioner({ batchSize: 1000 })
    const seen = new Set<number>()
    for (let i = 0; i < 20_000; i++) seen.add(p({ topic: 't', key: null, value: null, sizeInBytes: 100 }, 6))
    expect(seen.size).toBe(6)
  })
})

describe('roundRobinPartitioner', () => {
  it('cycles per topic', () => {
    const p = roundRobinPartitioner()
    const rec = (topic: string) => ({ topic, key: null, value: null, sizeInBytes: 1 })
    expect([p(rec('a'), 3), p(rec('a'), 3), p(rec('a'), 3), p(rec('a'), 3), p(rec('b'), 3)]).toEqual([0, 1, 2, 0, 0])
  })
})
