import { describe, expect, it } from 'vitest'
import { inPartitionOrder } from '../../../core/broker/partition-order.ts'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('inPartitionOrder', () => {
  it('runs a synchronous task at once when nothing is queued', () => {
    const order: string[] = []
    void inPartitionOrder({}, () => order.push('now'), false)
    expect(order).toEqual(['now'])
  })

  it('queues later tasks, synchronous or not, behind an asynchronous one on the same partition only', async () => {
    const partition = {}
    const other = {}
    const order: string[] = []
    const slow = inPartitionOrder(partition, async () => { await tick(20); order.push('slow') }, true)
    const fast = inPartitionOrder(partition, () => order.push('fast'), false)
    void inPartitionOrder(other, () => order.push('other'), false)
    await Promise.all([slow, fast])
    expect(order).toEqual(['other', 'slow', 'fast'])
    // Once the chain has drained, synchronous tasks run at once again.
    await tick(0)
    void inPartitionOrder(partition, () => order.push('after'), false)
    expect(order.at(-1)).toBe('after')
  })

  it('keeps going after a failed task and reports each failure to its own caller', async () => {
    const partition = {}
    const failing = inPartitionOrder(partition, async () => { throw new Error('boom') }, true)
    const next = inPartitionOrder(partition, () => 'ok', false)
    await expect(failing).rejects.toThrow('boom')
    await expect(next).resolves.toBe('ok')
    await expect(inPartitionOrder({}, () => { throw new Error('sync boom') }, false)).rejects.toThrow('sync boom')
  })
})
