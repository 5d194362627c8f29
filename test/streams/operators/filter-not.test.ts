import { describe, expect, it } from 'vitest'
import { filterNot } from '../../../streams/operators/filter-not.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('filterNot', () => {
  it('drops the records the predicate accepts', () => {
    const { ctx, op } = compile(filterNot((k: string) => {
      if (k === 'x') throw new Error('x')
      return k === 'drop'
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc|', { a: rec('drop', 1), b: rec('keep', 2), c: rec('x', 3) }).pipe(op)).toBe('-b-|', { b: rec('keep', 2) })
    })
    expect(ctx.errors).toHaveLength(1)
  })
})
