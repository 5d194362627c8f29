/**
 * Zero-copy `Buffer` views cut from one larger buffer, many times (the keys and values of the
 * records of a fetched batch).
 *
 * `buf.subarray(start, end)` reads the typed-array accessors `buffer` and `byteOffset` of `buf`
 * on every call, which V8 does not inline: they cost as much as creating the view itself. Here
 * they are read once per source (`ViewSource`), and each view is made by Node's own
 * `Buffer.prototype.subarray` applied to the source's plain fields, so the result is exactly
 * what `buf.subarray` returns: a Buffer (Node's FastBuffer) over the same memory.
 *
 * That `subarray` reads `buffer`, `byteOffset` and `length` from its receiver is a detail of
 * Node's implementation, checked once when this module loads: if a Node version works otherwise,
 * `viewOf` falls back to `buf.subarray` (same results, without the saving).
 *
 * Contract: `viewOf(source, start, end)` equals `buf.subarray(start, end)` for the buffer
 * `source` was made from, for 0 <= start <= end <= buf.length (callers check bounds).
 */

/** The fields of a buffer that views are cut from (see the module comment). */
export interface ViewSource {
  readonly buffer: ArrayBufferLike
  readonly byteOffset: number
  readonly length: number
  /** The buffer itself, for the fallback. */
  readonly source: Buffer
}

const nodeSubarray = Buffer.prototype.subarray as (this: unknown, start: number, end: number) => Buffer

/** Whether Node's `Buffer.prototype.subarray` makes a correct view from plain receiver fields. */
function subarrayTakesPlainReceivers(): boolean {
  try {
    const bytes = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])
    const probe: ViewSource = { buffer: bytes.buffer, byteOffset: bytes.byteOffset + 1, length: 6, source: bytes }
    const view = nodeSubarray.call(probe, 2, 5)
    return Object.getPrototypeOf(view) === Buffer.prototype && view.buffer === bytes.buffer
      && view.byteOffset === bytes.byteOffset + 3 && view.length === 3 && view[0] === 4 && view[2] === 6
  } catch {
    return false
  }
}

const FAST = subarrayTakesPlainReceivers()

/** Reads what views of `buf` need, once. */
export function viewSourceOf(buf: Buffer): ViewSource {
  return { buffer: buf.buffer, byteOffset: buf.byteOffset, length: buf.length, source: buf }
}

/** `buf.subarray(start, end)` of the buffer `source` was made from. */
export function viewOf(source: ViewSource, start: number, end: number): Buffer {
  return FAST ? nodeSubarray.call(source, start, end) : source.source.subarray(start, end)
}
