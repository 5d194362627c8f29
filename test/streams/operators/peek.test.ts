import { describe, expect, it } from 'vitest'
import { peek } from '../../../streams/operators/peek.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('peek', () => {
  it('calls the action and passes records on unchanged', () => {
    const seen: unknown[] = []
    scheduler().run(({ cold, expectObservable }) => {
      const a = rec('k', 1)
      expectObservable(cold('a|', { a }).pipe(compile(peek((k, v) => seen.push([k, v]))).op)).toBe('a|', { a })
    })
    expect(seen).toEqual([['k', 1]])
  })

  it('drops the record when the action throws', () => {
    const { ctx, op } = compile(peek(() => {
      throw new Error('peek')
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: rec('k', 1) }).pipe(op)).toBe('-|')
    })
    expect(ctx.errors).toHaveLength(1)
  })
})
