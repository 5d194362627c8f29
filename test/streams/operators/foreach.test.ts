import { describe, expect, it } from 'vitest'
import { foreach } from '../../../streams/operators/foreach.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('foreach', () => {
  it('calls the action and emits nothing', () => {
    const seen: unknown[] = []
    const { ctx, op } = compile(foreach((k, v) => {
      if (v === 'bad') throw new Error('bad')
      seen.push(k)
    }))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|', { a: rec('k1', 'ok'), b: rec('k2', 'bad') }).pipe(op)).toBe('--|')
    })
    expect(seen).toEqual(['k1'])
    expect(ctx.errors).toHaveLength(1)
  })
})
