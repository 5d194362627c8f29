import { describe, expect, it } from 'vitest'
import { map } from '../../../streams/operators/map.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('map', () => {
  it('replaces key and value, and completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { op } = compile(map((k: string, v: number) => ({ key: v, value: k })))
      expectObservable(cold('-a|', { a: rec('x', 1, 9) }).pipe(op)).toBe('-b|', { b: rec(1, 'x', 9) })
    })
  })

  it('reports a mapper that throws or returns no pair', () => {
    const { ctx, op } = compile(map((k: string) => (k === 'throw' ? (() => { throw new Error('t') })() : k === 'null' ? (null as never) : { key: k, value: 1 })))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc|', { a: rec('throw', 0), b: rec('null', 0), c: rec('ok', 0) }).pipe(op)).toBe('--c|', { c: rec('ok', 1) })
    })
    expect(ctx.errors.map((e) => (e as Error).message)).toEqual(['t', 'map() must return { key, value }, got null'])
  })
})
