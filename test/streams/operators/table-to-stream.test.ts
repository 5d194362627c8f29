import { describe, it } from 'vitest'
import { tableToStream } from '../../../streams/operators/table-to-stream.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('tableToStream', () => {
  it('emits new values; a deletion becomes a tombstone', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('ab|', { a: rec('k', { newValue: 2, oldValue: 1 }), b: rec('k', { newValue: null, oldValue: 2 }) })
      expectObservable(source.pipe(compile(tableToStream()).op)).toBe('ab|', { a: rec('k', 2), b: rec('k', null) })
    })
  })
})
