import { describe, expect, it } from 'vitest'
import { flatMap } from '../../../streams/operators/flat-map.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('flatMap', () => {
  it('emits zero or more records per record, in iteration order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { op } = compile(flatMap((k: string, v: string) => v.split(' ').filter(Boolean).map((w) => ({ key: w, value: k }))))
      expectObservable(cold('-a----b|', { a: rec('k', 'x y', 3), b: rec('k', '') }).pipe(op)).toBe('-(xy)--|', { x: rec('x', 'k', 3), y: rec('y', 'k', 3) })
    })
  })

  it('keeps records emitted before an iterator throws, and reports it', () => {
    const { ctx, op } = compile(flatMap(function* (k: string) {
      yield { key: k, value: 1 }
      throw new Error('midway')
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: rec('k', 0) }).pipe(op)).toBe('a|', { a: rec('k', 1) })
    })
    expect(ctx.errors).toEqual([new Error('midway')])
  })
})
