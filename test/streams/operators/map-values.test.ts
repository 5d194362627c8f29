import { describe, expect, it } from 'vitest'
import { mapValues } from '../../../streams/operators/map-values.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('mapValues', () => {
  it('maps values, keeps keys, timestamps and headers, and completes', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a: rec('k1', 1, 5), b: rec('k2', 2, 6) })
      const { op } = compile(mapValues((v: number, k: string) => `${k}=${v * 10}`))
      expectObservable(source.pipe(op)).toBe('-x-y-|', { x: rec('k1', 'k1=10', 5), y: rec('k2', 'k2=20', 6) })
      expectSubscriptions(source.subscriptions).toBe('^----!')
    })
  })

  it('reports a throwing mapper and drops only that record', () => {
    const { ctx, op } = compile(mapValues((v: number) => {
      if (v === 2) throw new Error('two')
      return v
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc|', { a: rec('k', 1), b: rec('k', 2), c: rec('k', 3) }).pipe(op)).toBe('a-c|', { a: rec('k', 1), c: rec('k', 3) })
    })
    expect(ctx.errors).toEqual([new Error('two')])
  })

  it('passes upstream errors through and unsubscribes early', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', { a: rec('k', 1) })
      expectObservable(source.pipe(compile(mapValues((v: number) => v + 1)).op)).toBe('-a-#', { a: rec('k', 2) })
      const long = cold('-a-a-a', { a: rec('k', 1) })
      expectObservable(long.pipe(compile(mapValues((v: number) => v)).op), '^--!').toBe('-a-', { a: rec('k', 1) })
      expectSubscriptions(long.subscriptions).toBe('^--!')
    })
  })
})
