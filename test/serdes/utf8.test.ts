import { describe, expect, it } from 'vitest'
import { decodeUtf8, encodeUtf8 } from '../../serdes/utf8.ts'

/** Strings around the lengths where the loops hand over to Node, ASCII or not. */
function samples(): string[] {
  const out: string[] = ['', 'a', '\u007f', '\u0080', 'é', '€', '😀', '\ud800', 'a\udc00b', '\u0000x']
  for (const length of [1, 11, 12, 13, 31, 32, 33, 100]) {
    const ascii = Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join('')
    out.push(ascii)
    for (const odd of ['é', '€', '😀', '\ud83d']) {
      out.push(odd + ascii.slice(1), ascii.slice(0, -1) + odd, ascii.slice(0, length >> 1) + odd + ascii.slice(length >> 1))
    }
  }
  return out
}

describe('utf8 (string serde fast paths)', () => {
  it('encodeUtf8 equals Buffer.from(text, "utf8"), lone surrogates included', () => {
    for (const text of samples()) expect(encodeUtf8(text), JSON.stringify(text)).toEqual(Buffer.from(text, 'utf8'))
  })

  it('decodeUtf8 equals toString("utf8"), invalid sequences included', () => {
    const data = samples().map((text) => Buffer.from(text, 'utf8'))
    data.push(Buffer.from([0xff]), Buffer.from([0x61, 0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0x61, 0x80, 0x62]), Buffer.alloc(0))
    for (const bytes of data) expect(decodeUtf8(bytes), bytes.toString('hex')).toBe(bytes.toString('utf8'))
  })

  it('decodes views of a larger buffer from their own start', () => {
    const whole = Buffer.from('xxhello worldyy')
    expect(decodeUtf8(whole.subarray(2, 13))).toBe('hello world')
    expect(decodeUtf8(Buffer.concat([Buffer.alloc(3), Buffer.from('a longer line of text, past the loop')]).subarray(3))).toBe('a longer line of text, past the loop')
  })

  it('encodeUtf8 returns a buffer of its own each time', () => {
    const a = encodeUtf8('key')
    const b = encodeUtf8('key')
    a[0] = 0x4b
    expect(b.toString()).toBe('key')
  })
})
