import { describe, expect, it } from 'vitest'
import { FetchWaiters } from '../../../core/broker/fetch-waiters.ts'

const p = (topic: string, partition: number) => ({ topic, partition })

describe('FetchWaiters', () => {
  it('wakes every wait on a partition with appended, and only those', async () => {
    const waiters = new FetchWaiters()
    const a = waiters.wait([p('t', 0), p('t', 1)], 1_000, [])
    const b = waiters.wait([p('t', 1)], 1_000, [])
    const other = waiters.wait([p('u', 1)], 50, [])
    expect(waiters.size).toBe(3)
    waiters.notify('t', 1)
    expect(await Promise.all([a, b, other])).toEqual(['appended', 'appended', 'timeout'])
    expect(waiters.size).toBe(0)
  })

  it('times out after maxWaitMs, and answers at once for no partitions or no wait', async () => {
    const waiters = new FetchWaiters()
    const started = Date.now()
    expect(await waiters.wait([p('t', 0)], 40, [])).toBe('timeout')
    expect(Date.now() - started).toBeGreaterThanOrEqual(35)
    expect(await waiters.wait([], 1_000, [])).toBe('timeout')
    expect(await waiters.wait([p('t', 0)], 0, [])).toBe('timeout')
    expect(waiters.size).toBe(0)
  })

  it('ends on the first of several abort signals, at once if one already aborted, and forgets the wait', async () => {
    const waiters = new FetchWaiters()
    const first = new AbortController()
    const second = new AbortController()
    const pending = waiters.wait([p('t', 0)], 5_000, [undefined, first.signal, second.signal])
    second.abort()
    expect(await pending).toBe('aborted')
    expect(waiters.size).toBe(0)
    expect(await waiters.wait([p('t', 0)], 5_000, [second.signal])).toBe('aborted')
    first.abort() // a later abort of a finished wait's other signal does nothing
    waiters.notify('t', 0)
  })

  it('keeps one abort listener per signal across many waits, and an abort wakes only the waits still pending', async () => {
    const waiters = new FetchWaiters()
    const controller = new AbortController()
    let added = 0
    const addEventListener = controller.signal.addEventListener.bind(controller.signal)
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++
      addEventListener(...args)
    }) as AbortSignal['addEventListener']
    for (let i = 0; i < 5; i++) {
      const appended = waiters.wait([p('t', 0)], 5_000, [controller.signal])
      waiters.notify('t', 0)
      expect(await appended).toBe('appended')
    }
    const timedOut = await waiters.wait([p('t', 0)], 10, [controller.signal])
    expect(timedOut).toBe('timeout')
    const a = waiters.wait([p('t', 0)], 5_000, [controller.signal])
    const b = waiters.wait([p('u', 0)], 5_000, [controller.signal])
    waiters.notify('t', 0)
    expect(await a).toBe('appended')
    controller.abort()
    expect(await b).toBe('aborted')
    expect(added).toBe(1)
    expect(waiters.size).toBe(0)
  })
})
