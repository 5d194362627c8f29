import { describe, expect, it } from 'vitest'
import { selectKey } from '../../../streams/operators/select-key.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('selectKey', () => {
  it('replaces the key, keeping the value', () => {
    const { ctx, op } = compile(selectKey((_k, v: { id?: string }) => {
      if (v.id === undefined) throw new Error('no id')
      return v.id
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|', { a: rec(null, { id: 'x' }), b: rec(null, {}) }).pipe(op)).toBe('a-|', { a: rec('x', { id: 'x' }) })
    })
    expect(ctx.errors).toEqual([new Error('no id')])
  })
})
