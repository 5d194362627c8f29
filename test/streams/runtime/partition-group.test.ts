import { describe, expect, it } from 'vitest'
import { type ConsumedRecord, PartitionGroup } from '../../../streams/runtime/partition-group.ts'

const rec = (offset: number, timestamp: number): ConsumedRecord => ({ offset, timestamp, key: null, value: Buffer.from(String(offset)), headerList: [] })
const a = { topic: 'a', partition: 0 }
const b = { topic: 'b', partition: 0 }

describe('PartitionGroup', () => {
  it('keeps log order within a partition', () => {
    const g = new PartitionGroup([a])
    g.add(a, [rec(0, 50), rec(1, 10), rec(2, 30)])
    expect([g.next()!.offset, g.next()!.offset, g.next()!.offset, g.next()]).toEqual([0, 1, 2, null])
  })

  it('takes the head with the lowest timestamp among partitions, ties to the first partition', () => {
    const g = new PartitionGroup([a, b])
    g.add(a, [rec(0, 5), rec(1, 20), rec(2, 20)])
    g.add(b, [rec(10, 10), rec(11, 20)])
    const order: string[] = []
    for (let r = g.next(); r !== null; r = g.next()) order.push(`${r.topic}${r.offset}`)
    expect(order).toEqual(['a0', 'b10', 'a1', 'a2', 'b11'])
  })

  it('hands over InputRecords with the headers list and counts what is buffered', () => {
    const g = new PartitionGroup([a, b])
    expect(g.add(a, [{ offset: 7, timestamp: 1, key: Buffer.from('k'), value: null, headerList: [{ key: 'h', value: null }] }])).toBe(1)
    expect(g.add({ topic: 'c', partition: 0 }, [rec(0, 0)])).toBe(-1)
    expect(g.buffered).toBe(1)
    expect(g.next()).toEqual({ topic: 'a', partition: 0, offset: 7, timestamp: 1, key: Buffer.from('k'), value: null, headerList: [{ key: 'h', value: null }] })
    expect(g.buffered).toBe(0)
  })

  it('commits the offset after the last processed record of each partition, once', () => {
    const g = new PartitionGroup([a, b])
    g.add(a, [rec(3, 1), rec(4, 2)])
    g.add(b, [rec(8, 3)])
    g.markProcessed(g.next()!.offset)
    expect(g.offsetsToCommit()).toEqual([{ topic: 'a', partition: 0, offset: 4 }])
    g.markProcessed(g.next()!.offset)
    g.next() // taken, not processed yet (in flight)
    expect(g.offsetsToCommit()).toEqual([{ topic: 'a', partition: 0, offset: 5 }])
    g.markCommitted()
    expect(g.offsetsToCommit()).toEqual([])
  })

  it('stays correct across many records (queue compaction)', () => {
    const g = new PartitionGroup([a])
    let next = 0
    let expected = 0
    for (let round = 0; round < 50; round++) {
      g.add(a, Array.from({ length: 100 }, () => rec(next, next++)))
      for (let i = 0; i < 70; i++) expect(g.next()!.offset).toBe(expected++)
    }
    expect(g.buffered).toBe(50 * 30)
    while (g.next() !== null) expected++
    expect(expected).toBe(next)
  })

  it('drops everything on clear', () => {
    const g = new PartitionGroup([a])
    g.add(a, [rec(0, 0), rec(1, 1)])
    g.clear()
    expect(g.buffered).toBe(0)
    expect(g.next()).toBeNull()
    expect(g.size(a)).toBe(0)
  })
})
