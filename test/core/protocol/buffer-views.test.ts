import { describe, expect, it } from 'vitest'
import { viewOf, viewSourceOf } from '../../../core/protocol/buffer-views.ts'

describe('viewOf', () => {
  it('makes the same zero-copy Buffer as subarray', () => {
    const backing = Buffer.from('0123456789abcdefghij')
    const buf = backing.subarray(3, 17)
    const source = viewSourceOf(buf)
    for (const [start, end] of [[0, 0], [0, 14], [2, 9], [13, 14], [5, 5]] as const) {
      const view = viewOf(source, start, end)
      const expected = buf.subarray(start, end)
      expect(Buffer.isBuffer(view)).toBe(true)
      expect(Object.getPrototypeOf(view)).toBe(Buffer.prototype)
      expect(view.buffer).toBe(buf.buffer)
      expect(view.byteOffset).toBe(expected.byteOffset)
      expect(view.length).toBe(expected.length)
      expect(view).toEqual(expected)
    }
  })

  it('shares memory with the source (no copy)', () => {
    const buf = Buffer.from('hello world')
    const view = viewOf(viewSourceOf(buf), 6, 11)
    buf[6] = 0x57
    expect(view.toString()).toBe('World')
  })
})
