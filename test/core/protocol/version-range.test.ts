import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { formatVersionRange, inVersionRange, parseVersionRange } from '../../../core/protocol/version-range.ts'

describe('version ranges', () => {
  it('parse Kafka\'s notation', () => {
    expect(parseVersionRange('3+')).toEqual({ min: 3, max: Infinity })
    expect(parseVersionRange('3-7')).toEqual({ min: 3, max: 7 })
    expect(parseVersionRange('5')).toEqual({ min: 5, max: 5 })
    expect(inVersionRange('none', 0)).toBe(false)
    expect(inVersionRange(undefined, 0)).toBe(false)
    expect(inVersionRange('8-10', 10)).toBe(true)
    expect(inVersionRange('8-10', 11)).toBe(false)
    expect(parseVersionRange('2+')).toBe(parseVersionRange('2+'))
  })

  it('format back', () => {
    for (const spec of ['0+', '3-7', '5', 'none']) expect(formatVersionRange(parseVersionRange(spec))).toBe(spec)
  })

  it('refuse anything else', () => {
    for (const spec of ['', '+3', '3-', '-1', 'all', '7-3', '1.5']) expect(() => parseVersionRange(spec), spec).toThrow(CoreError)
  })
})
