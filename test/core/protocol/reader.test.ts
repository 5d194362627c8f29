import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { Reader } from '../../../core/protocol/reader.ts'

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex')

function protocolError(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_PROTOCOL')
    return error as CoreError
  }
  throw new Error('expected a CORE_PROTOCOL error')
}

describe('Reader', () => {
  it('throws CORE_PROTOCOL naming the type and byte on underflow of every fixed-width read', () => {
    for (const [read, what] of [
      [(r: Reader) => r.int8(), 'INT8'], [(r: Reader) => r.bool(), 'BOOLEAN'], [(r: Reader) => r.int16(), 'INT16'],
      [(r: Reader) => r.uint16(), 'UINT16'], [(r: Reader) => r.int32(), 'INT32'], [(r: Reader) => r.uint32(), 'UINT32'],
      [(r: Reader) => r.int64(), 'INT64'], [(r: Reader) => r.float64(), 'FLOAT64'], [(r: Reader) => r.uuid(), 'UUID'],
    ] as const) {
      const reader = new Reader(bytes('00'), 1)
      expect(protocolError(() => read(reader)).message).toMatch(new RegExp(`${what} at byte 1`))
    }
  })

  it('refuses string lengths below -1, -1 where null is not allowed, and lengths past the end', () => {
    expect(protocolError(() => new Reader(bytes('fffe')).nullableString()).message).toMatch(/Invalid NULLABLE_STRING length -2 at byte 0/)
    expect(protocolError(() => new Reader(bytes('ffff')).string()).message).toMatch(/Invalid STRING length -1/)
    expect(protocolError(() => new Reader(bytes('0005 6162')).string()).message).toMatch(/Truncated STRING at byte 2: needs 5 bytes, 2 left/)
    expect(protocolError(() => new Reader(bytes('00')).compactString()).message).toMatch(/Null COMPACT_STRING/)
    expect(protocolError(() => new Reader(bytes('05 61')).compactNullableString()).message).toMatch(/Truncated COMPACT_NULLABLE_STRING/)
  })

  it('refuses bytes lengths below -1 and past the end', () => {
    expect(protocolError(() => new Reader(bytes('fffffffe')).nullableBytes()).message).toMatch(/Invalid NULLABLE_BYTES length -2/)
    expect(protocolError(() => new Reader(bytes('ffffffff')).bytes()).message).toMatch(/Invalid BYTES length -1/)
    expect(protocolError(() => new Reader(bytes('00000009 00')).bytes()).message).toMatch(/Truncated BYTES/)
    expect(protocolError(() => new Reader(bytes('00')).compactBytes()).message).toMatch(/Null COMPACT_BYTES/)
    expect(new Reader(bytes('ffffffff')).nullableBytes()).toBeNull()
    expect(new Reader(bytes('00')).compactNullableBytes()).toBeNull()
  })

  it('refuses array counts larger than the bytes left, before allocating', () => {
    expect(protocolError(() => new Reader(bytes('7fffffff 00')).arrayLength(false, false)).message).toMatch(/ARRAY of 2147483647 elements/)
    expect(protocolError(() => new Reader(bytes('ffffffff')).arrayLength(false, false)).message).toMatch(/Invalid ARRAY length -1/)
    expect(new Reader(bytes('ffffffff')).arrayLength(false, true)).toBe(-1)
    expect(new Reader(bytes('00')).arrayLength(true, true)).toBe(-1)
    expect(new Reader(bytes('03 0000')).arrayLength(true, false)).toBe(2)
  })

  it('refuses varints that are truncated or longer than their type', () => {
    expect(protocolError(() => new Reader(bytes('80 80')).unsignedVarint()).message).toMatch(/Truncated UNSIGNED_VARINT at byte 0/)
    expect(protocolError(() => new Reader(bytes('ff ff ff ff 1f')).unsignedVarint()).message).toMatch(/longer than 32 bits/)
    expect(new Reader(bytes('ff ff ff ff 0f')).unsignedVarint()).toBe(2 ** 32 - 1)
    expect(protocolError(() => new Reader(bytes('ff'.repeat(10) + '01')).varlong()).message).toMatch(/longer than 64 bits|outside/)
    expect(protocolError(() => new Reader(bytes('80')).varlong()).message).toMatch(/Truncated VARLONG/)
  })

  it('refuses INT64 values outside ±2^53 instead of rounding them; int64Big reads them', () => {
    const max = bytes('7fffffffffffffff')
    expect(protocolError(() => new Reader(max).int64()).message).toMatch(/9223372036854775807.*outside ±2\^53/)
    expect(protocolError(() => new Reader(bytes('ffe0000000000000')).int64()).message).toMatch(/outside/)
    expect(new Reader(bytes('ffe0000000000001')).int64()).toBe(-(2 ** 53) + 1)
    expect(new Reader(max).int64Big()).toBe(2n ** 63n - 1n)
  })

  it('returns zero-copy views for bytes', () => {
    const buf = bytes('00000002 0102')
    const view = new Reader(buf).bytes()
    buf[4] = 9
    expect(view[0]).toBe(9)
  })

  it('limits reads to a sub-range and skips what is left of it', () => {
    const r = new Reader(bytes('0001 0002 0003'))
    const end = r.limit(4)
    expect(r.int16()).toBe(1)
    expect(r.remaining).toBe(2)
    r.unlimit(end)
    expect(r.offset).toBe(4)
    expect(r.int16()).toBe(3)
    const r2 = new Reader(bytes('0001 0002'))
    const end2 = r2.limit(1)
    protocolError(() => r2.int16())
    r2.unlimit(end2)
    expect(r2.offset).toBe(1)
    protocolError(() => new Reader(bytes('00')).limit(2))
  })

  it('checks its range, seek and skip', () => {
    expect(() => new Reader(bytes('00'), 2)).toThrow(CoreError)
    const r = new Reader(bytes('000102'))
    expect(r.seek(2).int8()).toBe(2)
    expect(() => r.seek(4)).toThrow(CoreError)
    protocolError(() => r.seek(0).skip(4))
  })

  it('decodes invalid UTF-8 with replacement characters, not errors', () => {
    expect(new Reader(bytes('0002 c328')).string()).toBe('\ufffd(')
  })
})
