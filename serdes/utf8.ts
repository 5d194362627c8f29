/**
 * UTF-8 text ⇄ bytes for the string serdes, cheaper than `Buffer.from(text, 'utf8')` and
 * `data.toString('utf8')` for the short strings records mostly carry (keys, words, ids).
 *
 * Each of Node's conversions is a call into C++ that costs about 100 ns whatever the length
 * (measured in `npm run bench -- streams`, where they were about a third of a stateless app's
 * CPU). For short ASCII text a plain JavaScript loop does the same work in a fraction of that:
 * - `encodeUtf8` copies the char codes of a string of at most `SHORT_ENCODE` chars into a fresh
 *   `Buffer.allocUnsafe` (which carves small buffers from Node's pool, never handing out a
 *   region twice), stopping at the first char above 0x7f, where it gives the string to
 *   `Buffer.from` instead;
 * - `decodeUtf8` builds a string of at most `SHORT_DECODE` bytes char by char (V8 copies short
 *   concatenations into flat strings), going to Node's decoder at the first byte above 0x7f.
 *   Longer data goes to Node's decoder directly (`utf8Slice`, what `toString('utf8')` calls
 *   after checking its arguments).
 *
 * Contract: the results equal `Buffer.from(text, 'utf8')` and `data.toString('utf8')` for every
 * input (ASCII is the same bytes in UTF-8; anything else takes Node's path, lone surrogates and
 * invalid sequences included). `encodeUtf8` returns a buffer of its own: the caller may keep or
 * change it.
 */

/** Longest string encoded by the loop: beyond it, Node's one native call is cheaper. */
const SHORT_ENCODE = 32
/** Longest data decoded by the loop: V8 makes concatenations of up to 12 chars flat copies. */
const SHORT_DECODE = 12

type Utf8SliceBuffer = Buffer & { utf8Slice?(start: number, end: number): string }
const HAS_UTF8_SLICE = typeof (Buffer.prototype as Utf8SliceBuffer).utf8Slice === 'function'

export function encodeUtf8(text: string): Buffer {
  const length = text.length
  if (length > SHORT_ENCODE) return Buffer.from(text, 'utf8')
  const out = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return Buffer.from(text, 'utf8')
    out[i] = code
  }
  return out
}

export function decodeUtf8(data: Buffer): string {
  const length = data.length
  if (length <= SHORT_DECODE) {
    let text = ''
    for (let i = 0; i < length; i++) {
      const byte = data[i]
      if (byte > 0x7f) return slowDecode(data)
      text += String.fromCharCode(byte)
    }
    return text
  }
  return slowDecode(data)
}

function slowDecode(data: Buffer): string {
  return HAS_UTF8_SLICE ? (data as Utf8SliceBuffer).utf8Slice!(0, data.length) : data.toString('utf8')
}
