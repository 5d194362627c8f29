import { describe, expect, it } from 'vitest'
import { passThrough } from '../../../streams/operators/pass-through.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('passThrough', () => {
  it('is the identity: the same observable, no operator added', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a#', { a: rec('k', 1) })
      expect(compile(passThrough()).op(source)).toBe(source)
      expectObservable(source.pipe(compile(passThrough()).op)).toBe('a#', { a: rec('k', 1) })
    })
  })
})
