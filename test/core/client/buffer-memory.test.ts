import { describe, expect, it } from 'vitest'
import { BufferMemory } from '../../../core/client/buffer-memory.ts'

describe('BufferMemory', () => {
  it('grants waiters in arrival order, a small one never overtaking a large one', async () => {
    const memory = new BufferMemory(100)
    expect(memory.tryAcquire(80)).toBe(true)
    const order: string[] = []
    const large = memory.acquire(60).then(() => order.push('large'))
    const small = memory.acquire(10).then(() => order.push('small'))
    expect(memory.exhausted).toBe(true)
    expect(memory.tryAcquire(5)).toBe(false) // someone waits: no barging
    memory.release(30) // 50 used: large (60) still does not fit, so small waits too
    await Promise.resolve()
    expect(order).toEqual([])
    memory.release(50) // 0 used: both fit
    await Promise.all([large, small])
    expect(order).toEqual(['large', 'small'])
    expect(memory.used).toBe(70)
    expect(memory.exhausted).toBe(false)
  })
})
