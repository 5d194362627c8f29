import { describe, expect, it } from 'vitest'
import { filter } from '../../../streams/operators/filter.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('filter', () => {
  it('keeps the records the predicate accepts', () => {
    const { ctx, op } = compile(filter((_k, v: number) => {
      if (v === 0) throw new Error('zero')
      return v > 1
    }))
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abcd|', { a: rec('k', 1), b: rec('k', 2), c: rec('k', 0), d: rec('k', 3) })
      expectObservable(source.pipe(op)).toBe('-b-d|', { b: rec('k', 2), d: rec('k', 3) })
      expectSubscriptions(source.subscriptions).toBe('^---!')
    })
    expect(ctx.errors).toEqual([new Error('zero')])
  })

  it('passes errors through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: rec('k', 2) }).pipe(compile(filter(() => true)).op)).toBe('a#', { a: rec('k', 2) })
    })
  })
})
