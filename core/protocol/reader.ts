/**
 * A big-endian cursor over a Kafka protocol message, the mirror of `Writer`.
 *
 * Contracts:
 * - Every read checks the bytes left first. Running out, a negative length (other than −1 where
 *   null is allowed), a length past the end, a varint longer than its type or an INT64 outside
 *   ±2^53 throws a `CoreError` with code `CORE_PROTOCOL` naming what was being read and at which
 *   byte. Never a `RangeError`.
 * - BYTES and RECORDS are zero-copy `subarray` views into the input buffer: copy them before the
 *   input is reused, or to avoid keeping a large input buffer alive.
 * - Strings decode as UTF-8 (invalid sequences become U+FFFD, as in Java's decoder).
 * - INT64 decodes to a number; values beyond ±2^53 (which offsets, timestamps and producer ids
 *   never reach) are refused rather than rounded. `int64Big()` reads any value as a bigint.
 * - A reader may be limited to a sub-range (`limit` / `unlimit`) so that a tagged field cannot
 *   read past its declared size.
 */
import { CoreError } from '../errors.ts'

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export class Reader {
  readonly #buf: Buffer
  #pos: number
  #end: number

  constructor(buffer: Buffer, offset = 0, end = buffer.length) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Reader range ${offset}..${end} is outside the ${buffer.length}-byte buffer`)
    }
    this.#buf = buffer
    this.#pos = offset
    this.#end = end
  }

  /** The underlying buffer (positions are relative to it). */
  get buffer(): Buffer {
    return this.#buf
  }

  /** Position of the next byte to read, in `buffer`. */
  get offset(): number {
    return this.#pos
  }

  /** Bytes left before the end (or the current limit). */
  get remaining(): number {
    return this.#end - this.#pos
  }

  /**
   * Restricts reading to the next `bytes` bytes; returns the previous end for `unlimit`.
   * Used for tagged fields and size-prefixed sections.
   */
  limit(bytes: number, what = 'section'): number {
    this.#need(bytes, what)
    const previous = this.#end
    this.#end = this.#pos + bytes
    return previous
  }

  /** Skips whatever is left of the current limit and restores `previousEnd`. */
  unlimit(previousEnd: number): void {
    this.#pos = this.#end
    this.#end = previousEnd
  }

  /** Moves to `offset` (a position in `buffer` no further than the current end). */
  seek(offset: number): this {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.#end) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot seek to ${offset}: the readable region ends at ${this.#end}`)
    }
    this.#pos = offset
    return this
  }

  skip(bytes: number, what = 'bytes'): this {
    this.#need(bytes, what)
    this.#pos += bytes
    return this
  }

  #need(bytes: number, what: string): void {
    if (this.#end - this.#pos < bytes) {
      throw new CoreError(
        'CORE_PROTOCOL',
        `Truncated ${what} at byte ${this.#pos}: needs ${bytes} bytes, ${this.#end - this.#pos} left`,
      )
    }
  }

  int8(): number {
    this.#need(1, 'INT8')
    return (this.#buf[this.#pos++] << 24) >> 24
  }

  bool(): boolean {
    this.#need(1, 'BOOLEAN')
    return this.#buf[this.#pos++] !== 0
  }

  int16(): number {
    this.#need(2, 'INT16')
    const buf = this.#buf
    const pos = this.#pos
    this.#pos = pos + 2
    return (((buf[pos] << 8) | buf[pos + 1]) << 16) >> 16
  }

  uint16(): number {
    this.#need(2, 'UINT16')
    const buf = this.#buf
    const pos = this.#pos
    this.#pos = pos + 2
    return (buf[pos] << 8) | buf[pos + 1]
  }

  int32(): number {
    this.#need(4, 'INT32')
    return this.#int32()
  }

  #int32(): number {
    const buf = this.#buf
    const pos = this.#pos
    this.#pos = pos + 4
    return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]
  }

  uint32(): number {
    this.#need(4, 'UINT32')
    return this.#int32() >>> 0
  }

  /** INT64 as a number; throws `CORE_PROTOCOL` outside ±2^53 rather than lose precision. */
  int64(): number {
    this.#need(8, 'INT64')
    const start = this.#pos
    const high = this.#int32()
    const value = high * 2 ** 32 + (this.#int32() >>> 0)
    if (!Number.isSafeInteger(value)) {
      throw new CoreError(
        'CORE_PROTOCOL',
        `INT64 at byte ${start} (${this.#buf.readBigInt64BE(start)}) is outside ±2^53 and cannot be a number`,
      )
    }
    return value
  }

  /** INT64 as a bigint (any value). */
  int64Big(): bigint {
    this.#need(8, 'INT64')
    const value = this.#buf.readBigInt64BE(this.#pos)
    this.#pos += 8
    return value
  }

  float64(): number {
    this.#need(8, 'FLOAT64')
    const value = this.#buf.readDoubleBE(this.#pos)
    this.#pos += 8
    return value
  }

  /** 16 bytes as a lower-case canonical UUID string (ZERO_UUID when all zero). */
  uuid(): string {
    this.#need(16, 'UUID')
    const b = this.#buf
    const p = this.#pos
    this.#pos = p + 16
    return (
      HEX[b[p]] + HEX[b[p + 1]] + HEX[b[p + 2]] + HEX[b[p + 3]] + '-' +
      HEX[b[p + 4]] + HEX[b[p + 5]] + '-' + HEX[b[p + 6]] + HEX[b[p + 7]] + '-' +
      HEX[b[p + 8]] + HEX[b[p + 9]] + '-' +
      HEX[b[p + 10]] + HEX[b[p + 11]] + HEX[b[p + 12]] + HEX[b[p + 13]] + HEX[b[p + 14]] + HEX[b[p + 15]]
    )
  }

  /** UNSIGNED_VARINT of at most 5 bytes (32 bits). */
  unsignedVarint(what = 'UNSIGNED_VARINT'): number {
    const buf = this.#buf
    const end = this.#end
    const start = this.#pos
    let pos = start
    if (pos < end && buf[pos] < 0x80) {
      this.#pos = pos + 1
      return buf[pos]
    }
    let value = 0
    for (let shift = 0; ; shift += 7) {
      if (pos >= end) throw new CoreError('CORE_PROTOCOL', `Truncated ${what} at byte ${start}`)
      const byte = buf[pos++]
      if (shift === 28) {
        if (byte > 0x0f) throw new CoreError('CORE_PROTOCOL', `${what} at byte ${start} is longer than 32 bits`)
        value += byte * 2 ** 28
        break
      }
      value |= (byte & 0x7f) << shift
      if (byte < 0x80) break
    }
    this.#pos = pos
    return value >>> 0
  }

  /** Zig-zag signed varint (32 bits). */
  varint(): number {
    const raw = this.unsignedVarint('VARINT')
    return (raw >>> 1) ^ -(raw & 1)
  }

  /** Zig-zag signed varlong (64 bits) as a number; throws `CORE_PROTOCOL` outside ±2^53. */
  varlong(): number {
    const start = this.#pos
    let raw = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (shift > 63n) throw new CoreError('CORE_PROTOCOL', `VARLONG at byte ${start} is longer than 64 bits`)
      if (this.#pos >= this.#end) throw new CoreError('CORE_PROTOCOL', `Truncated VARLONG at byte ${start}`)
      const byte = this.#buf[this.#pos++]
      raw |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) break
    }
    raw = BigInt.asUintN(64, raw)
    const value = BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n))
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new CoreError('CORE_PROTOCOL', `VARLONG at byte ${start} (${value}) is outside ±2^53`)
    }
    return Number(value)
  }

  #utf8(length: number, what: string): string {
    this.#need(length, what)
    const pos = this.#pos
    this.#pos = pos + length
    return this.#buf.toString('utf8', pos, pos + length)
  }

  #view(length: number, what: string): Buffer {
    this.#need(length, what)
    const pos = this.#pos
    this.#pos = pos + length
    return this.#buf.subarray(pos, pos + length)
  }

  /** A length prefix: INT16/INT32 (−1 = null when `nullable`), checked against the bytes left. */
  #length(raw: number, start: number, what: string, nullable: boolean): number {
    if (raw < -1 || (raw === -1 && !nullable)) {
      throw new CoreError('CORE_PROTOCOL', `Invalid ${what} length ${raw} at byte ${start}`)
    }
    return raw
  }

  /** Compact length: UNSIGNED_VARINT N + 1 (0 = null, returned as −1). */
  #compactLength(what: string, nullable: boolean): number {
    const start = this.#pos
    const length = this.unsignedVarint(`${what} length`) - 1
    if (length === -1 && !nullable) throw new CoreError('CORE_PROTOCOL', `Null ${what} (length 0) at byte ${start}`)
    return length
  }

  string(): string {
    const start = this.#pos
    return this.#utf8(this.#length(this.int16(), start, 'STRING', false), 'STRING')
  }

  nullableString(): string | null {
    const start = this.#pos
    const length = this.#length(this.int16(), start, 'NULLABLE_STRING', true)
    return length === -1 ? null : this.#utf8(length, 'NULLABLE_STRING')
  }

  compactString(): string {
    return this.#utf8(this.#compactLength('COMPACT_STRING', false), 'COMPACT_STRING')
  }

  compactNullableString(): string | null {
    const length = this.#compactLength('COMPACT_NULLABLE_STRING', true)
    return length === -1 ? null : this.#utf8(length, 'COMPACT_NULLABLE_STRING')
  }

  bytes(): Buffer {
    const start = this.#pos
    return this.#view(this.#length(this.int32(), start, 'BYTES', false), 'BYTES')
  }

  nullableBytes(): Buffer | null {
    const start = this.#pos
    const length = this.#length(this.int32(), start, 'NULLABLE_BYTES', true)
    return length === -1 ? null : this.#view(length, 'NULLABLE_BYTES')
  }

  compactBytes(): Buffer {
    return this.#view(this.#compactLength('COMPACT_BYTES', false), 'COMPACT_BYTES')
  }

  compactNullableBytes(): Buffer | null {
    const length = this.#compactLength('COMPACT_NULLABLE_BYTES', true)
    return length === -1 ? null : this.#view(length, 'COMPACT_NULLABLE_BYTES')
  }

  /** The next `length` bytes as a view, without a length prefix. */
  raw(length: number): Buffer {
    return this.#view(length, 'raw bytes')
  }

  /**
   * An ARRAY count: INT32 (−1 = null when `nullable`), or in compact form UNSIGNED_VARINT N + 1.
   * Returns −1 for null. A count larger than the bytes left is refused before anything is
   * allocated (every element takes at least one byte, as Kafka's own readers assume).
   */
  arrayLength(compact: boolean, nullable: boolean): number {
    const start = this.#pos
    const what = compact ? 'COMPACT_ARRAY' : 'ARRAY'
    const length = compact ? this.#compactLength(what, nullable) : this.#length(this.int32(), start, what, nullable)
    if (length > this.#end - this.#pos) {
      throw new CoreError('CORE_PROTOCOL', `${what} of ${length} elements at byte ${start} exceeds the ${this.#end - this.#pos} bytes left`)
    }
    return length
  }
}
