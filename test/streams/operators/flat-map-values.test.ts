import { describe, expect, it } from 'vitest'
import { flatMapValues } from '../../../streams/operators/flat-map-values.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('flatMapValues', () => {
  it('emits one record per value, keeping the key', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { op } = compile(flatMapValues((v: string) => v.split(',')))
      expectObservable(cold('a---|', { a: rec('k', '1,2') }).pipe(op)).toBe('(xy)|', { x: rec('k', '1'), y: rec('k', '2') })
    })
  })

  it('reports a throwing mapper', () => {
    const { ctx, op } = compile(flatMapValues(() => {
      throw new Error('no')
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: rec('k', 'v') }).pipe(op)).toBe('-|')
    })
    expect(ctx.errors).toHaveLength(1)
  })
})
