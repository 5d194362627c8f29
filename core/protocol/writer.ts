/**
 * A growable big-endian buffer for Kafka protocol messages, with one fluent method per wire type.
 *
 * Contracts:
 * - The buffer starts at `initialSize` (1 KiB) and grows to `max(2 × size, needed)` on demand, so a
 *   large record batch costs one growth, not a chain of doublings.
 * - Fixed-width integers are written like Java's casts: the low bits of the value, two's
 *   complement, no range check (callers own their ranges). INT64 takes a JS number, which must be
 *   a safe integer (|v| < 2^53, enough for offsets, timestamps and producer ids), or a bigint.
 * - Strings are UTF-8. STRING / NULLABLE_STRING and BYTES / NULLABLE_BYTES carry INT16 / INT32
 *   lengths (−1 = null); the compact forms carry an UNSIGNED_VARINT of length + 1 (0 = null).
 * - UUIDs are canonical strings (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, any hex case); the
 *   all-zero UUID is Kafka's ZERO_UUID ("no id").
 * - Invalid input (a string longer than INT16 allows, a malformed UUID, an unsafe INT64) throws a
 *   `CoreError` with code `CORE_INVALID_ARGUMENT`, never a `RangeError`.
 * - `finish()` returns a view of the written bytes, not a copy: reuse the writer only after the
 *   view is no longer needed (or `reset()` it and keep writing into fresh memory via growth).
 * - Shared large values (`shareBytesFrom`): `raw` (and so BYTES, RECORDS) keeps a value of at
 *   least that many bytes by reference instead of copying it, and growth starts a new buffer
 *   instead of copying the old one. `finishChunks()` returns the message as the list of buffers
 *   to write in order (a vectored socket write: the values are copied once, by the kernel);
 *   `finish()` still joins them into one buffer. A shared value must not change until the
 *   chunks are written.
 */
import { CoreError } from '../errors.ts'
import { writeUnsignedVarint, writeVarint, writeVarlong } from './varint.ts'

const TWO_POW_32 = 2 ** 32
const MAX_INT16_STRING = 0x7fff
/** UTF-8 never needs more than 3 bytes per UTF-16 code unit. */
const MAX_UTF8_PER_UNIT = 3

/** Kafka's ZERO_UUID: the all-zero UUID, meaning "no id". */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i
  HEX_VALUE[97 + i] = 10 + i
}

export interface WriterOptions {
  /** Values of at least this many bytes are kept by reference (see the module comment). */
  readonly shareBytesFrom?: number
}

export class Writer {
  #buf: Buffer
  #pos = 0
  readonly #shareFrom: number
  /** Shared mode: the chunks before the current one (views of earlier buffers, shared values). */
  #chunks: Buffer[] | null = null
  /** Indexes in `#chunks` of shared values (never written into by `setInt32`). */
  #shared: Set<number> | null = null
  #chunkedLength = 0
  /** Where the current chunk starts in `#buf`. */
  #start = 0

  constructor(initialSize = 1024, options: WriterOptions = {}) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialSize))
    this.#shareFrom = options.shareBytesFrom ?? Infinity
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#chunkedLength + this.#pos - this.#start
  }

  /** Forgets what was written; the next `finish()` starts at byte 0 of fresh or reused memory. */
  reset(): this {
    this.#pos = 0
    this.#start = 0
    this.#chunks = null
    this.#shared = null
    this.#chunkedLength = 0
    return this
  }

  /** A view (not a copy) of the bytes written so far; joined into one buffer if values were shared. */
  finish(): Buffer {
    const current = this.#buf.subarray(this.#start, this.#pos)
    return this.#chunks === null ? current : Buffer.concat([...this.#chunks, current])
  }

  /** The bytes written so far as buffers to write in order (one unless values were shared). */
  finishChunks(): Buffer[] {
    const current = this.#buf.subarray(this.#start, this.#pos)
    if (this.#chunks === null) return [current]
    return current.length === 0 ? [...this.#chunks] : [...this.#chunks, current]
  }

  /** Ends the current chunk (shared mode), so that the next bytes go elsewhere. */
  #cut(): Buffer[] {
    const chunks = (this.#chunks ??= [])
    if (this.#pos > this.#start) {
      chunks.push(this.#buf.subarray(this.#start, this.#pos))
      this.#chunkedLength += this.#pos - this.#start
      this.#start = this.#pos
    }
    return chunks
  }

  #ensure(bytes: number): void {
    const needed = this.#pos + bytes
    if (needed <= this.#buf.length) return
    if (this.#shareFrom !== Infinity) {
      // Written bytes stay where they are, as a chunk; the rest goes into a new buffer.
      this.#cut()
      this.#buf = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, bytes))
      this.#pos = 0
      this.#start = 0
      return
    }
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, needed))
    this.#buf.copy(grown, 0, 0, this.#pos)
    this.#buf = grown
  }

  int8(value: number): this {
    this.#ensure(1)
    this.#buf[this.#pos++] = value & 0xff
    return this
  }

  bool(value: boolean): this {
    this.#ensure(1)
    this.#buf[this.#pos++] = value ? 1 : 0
    return this
  }

  int16(value: number): this {
    this.#ensure(2)
    const buf = this.#buf
    const pos = this.#pos
    buf[pos] = (value >>> 8) & 0xff
    buf[pos + 1] = value & 0xff
    this.#pos = pos + 2
    return this
  }

  uint16(value: number): this {
    return this.int16(value)
  }

  int32(value: number): this {
    this.#ensure(4)
    const buf = this.#buf
    const pos = this.#pos
    buf[pos] = (value >>> 24) & 0xff
    buf[pos + 1] = (value >>> 16) & 0xff
    buf[pos + 2] = (value >>> 8) & 0xff
    buf[pos + 3] = value & 0xff
    this.#pos = pos + 4
    return this
  }

  uint32(value: number): this {
    return this.int32(value)
  }

  /** INT64 from a safe-integer number (|v| < 2^53) or a bigint (any 64-bit value). */
  int64(value: number | bigint): this {
    if (typeof value === 'bigint') {
      this.#ensure(8)
      this.#buf.writeBigInt64BE(BigInt.asIntN(64, value), this.#pos)
      this.#pos += 8
      return this
    }
    if (!Number.isSafeInteger(value)) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `INT64 value ${value} is not a safe integer; pass a bigint for values beyond ±2^53`)
    }
    const high = Math.floor(value / TWO_POW_32)
    return this.int32(high).int32(value - high * TWO_POW_32)
  }

  float64(value: number): this {
    this.#ensure(8)
    this.#buf.writeDoubleBE(value, this.#pos)
    this.#pos += 8
    return this
  }

  /** 16 bytes from a canonical UUID string. */
  uuid(value: string): this {
    if (value.length !== 36 || value[8] !== '-' || value[13] !== '-' || value[18] !== '-' || value[23] !== '-') {
      throw badUuid(value)
    }
    this.#ensure(16)
    const buf = this.#buf
    let pos = this.#pos
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++
      const hi = hexValue(value.charCodeAt(i))
      const lo = hexValue(value.charCodeAt(i + 1))
      if (hi < 0 || lo < 0) throw badUuid(value)
      buf[pos++] = (hi << 4) | lo
    }
    this.#pos = pos
    return this
  }

  unsignedVarint(value: number): this {
    this.#ensure(5)
    this.#pos = writeUnsignedVarint(this.#buf, this.#pos, value)
    return this
  }

  /** Zig-zag signed varint (32 bits). */
  varint(value: number): this {
    this.#ensure(5)
    this.#pos = writeVarint(this.#buf, this.#pos, value)
    return this
  }

  /** Zig-zag signed varlong (64 bits). */
  varlong(value: number): this {
    this.#ensure(10)
    this.#pos = writeVarlong(this.#buf, this.#pos, value)
    return this
  }

  /** STRING: INT16 length, UTF-8 bytes. */
  string(value: string): this {
    this.#ensure(2 + value.length * MAX_UTF8_PER_UNIT)
    const start = this.#pos
    const written = this.#buf.write(value, start + 2, 'utf8')
    if (written > MAX_INT16_STRING) throw stringTooLong(written)
    this.#pos = start
    this.int16(written)
    this.#pos = start + 2 + written
    return this
  }

  /** NULLABLE_STRING: INT16 length (−1 = null), UTF-8 bytes. */
  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value)
  }

  /** COMPACT_STRING: UNSIGNED_VARINT length + 1, UTF-8 bytes. */
  compactString(value: string): this {
    const maxBytes = value.length * MAX_UTF8_PER_UNIT
    if (maxBytes < 0x7f) {
      // Short strings (topic names, ids): a one-byte length, patched after writing the bytes.
      this.#ensure(1 + maxBytes)
      const start = this.#pos
      const written = this.#buf.write(value, start + 1, 'utf8')
      this.#buf[start] = written + 1
      this.#pos = start + 1 + written
      return this
    }
    const bytes = Buffer.byteLength(value, 'utf8')
    this.unsignedVarint(bytes + 1)
    this.#ensure(bytes)
    this.#pos += this.#buf.write(value, this.#pos, 'utf8')
    return this
  }

  /** COMPACT_NULLABLE_STRING: UNSIGNED_VARINT length + 1 (0 = null), UTF-8 bytes. */
  compactNullableString(value: string | null): this {
    return value === null ? this.unsignedVarint(0) : this.compactString(value)
  }

  /** BYTES: INT32 length, bytes. */
  bytes(value: Uint8Array): this {
    return this.int32(value.length).raw(value)
  }

  /** NULLABLE_BYTES: INT32 length (−1 = null), bytes. */
  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value)
  }

  /** COMPACT_BYTES: UNSIGNED_VARINT length + 1, bytes. */
  compactBytes(value: Uint8Array): this {
    return this.unsignedVarint(value.length + 1).raw(value)
  }

  /** COMPACT_NULLABLE_BYTES: UNSIGNED_VARINT length + 1 (0 = null), bytes. */
  compactNullableBytes(value: Uint8Array | null): this {
    return value === null ? this.unsignedVarint(0) : this.compactBytes(value)
  }

  /** Bytes as they are, without a length. */
  raw(value: Uint8Array): this {
    if (value.length >= this.#shareFrom) {
      const chunks = this.#cut()
      ;(this.#shared ??= new Set()).add(chunks.length)
      chunks.push(Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))
      this.#chunkedLength += value.length
      return this
    }
    this.#ensure(value.length)
    this.#buf.set(value, this.#pos)
    this.#pos += value.length
    return this
  }

  /** Writes a placeholder INT32 (e.g. a size prefix) and returns its position for `setInt32`. */
  reserveInt32(): number {
    const pos = this.#pos
    this.int32(0)
    return pos
  }

  /** Overwrites the INT32 at `pos` (a position returned by `reserveInt32`). */
  setInt32(pos: number, value: number): this {
    if (pos < 0 || pos + 4 > this.length) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `setInt32 at ${pos} is outside the ${this.length} bytes written`)
    }
    // Shared mode: find the chunk that holds `pos` (an INT32 written by `int32` never straddles two).
    let at = pos
    if (this.#chunks !== null) {
      for (let i = 0; i < this.#chunks.length; i++) {
        const chunk = this.#chunks[i]
        if (at < chunk.length) {
          if (this.#shared?.has(i) === true || at + 4 > chunk.length) throw new CoreError('CORE_INVALID_ARGUMENT', `setInt32 at ${pos} is not in bytes the writer wrote`)
          chunk.writeInt32BE(value | 0, at)
          return this
        }
        at -= chunk.length
      }
    }
    this.#buf.writeInt32BE(value | 0, this.#start + at)
    return this
  }
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code] : -1
}

function badUuid(value: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', `Invalid UUID ${JSON.stringify(value)}: expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hex`)
}

function stringTooLong(bytes: number): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', `String of ${bytes} UTF-8 bytes is longer than an INT16-length STRING allows (${MAX_INT16_STRING})`)
}
