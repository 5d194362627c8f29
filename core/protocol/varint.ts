/**
 * Variable-length integers as Kafka writes them.
 *
 * - Records (inside a record batch) use zig-zag encoded signed varints and varlongs
 *   (protobuf's encoding): `readVarint` / `writeVarint`, `readVarlong` / `writeVarlong`.
 * - Flexible protocol versions use unsigned varints for compact lengths and tagged fields:
 *   `readUnsignedVarint` / `writeUnsignedVarint`.
 *
 * Readers take a `Cursor` (a buffer and a mutable position) so that a record can be walked
 * without allocating; they throw a `CoreError` (CORE_CORRUPT_RECORD) when a varint runs past
 * the end of the buffer or is longer than its type allows.
 */
import { CoreError } from '../errors.ts'

/** A read position in a buffer. `pos` advances as values are read. */
export interface Cursor {
  readonly buf: Uint8Array
  pos: number
  /** Exclusive end of the readable region (defaults to `buf.length` when created by `cursor`). */
  readonly end: number
}

export function cursor(buf: Uint8Array, pos = 0, end = buf.length): Cursor {
  return { buf, pos, end }
}

function truncated(what: string, c: Cursor): CoreError {
  return new CoreError('CORE_CORRUPT_RECORD', `Truncated ${what} at byte ${c.pos} (region ends at ${c.end})`)
}

/** Reads an unsigned varint of at most 5 bytes (32 bits). */
export function readUnsignedVarint(c: Cursor): number {
  let value = 0
  let shift = 0
  const { buf, end } = c
  let pos = c.pos
  for (;;) {
    if (pos >= end) throw truncated('varint', c)
    const byte = buf[pos++]
    if (shift === 28) {
      if ((byte & 0xf0) !== 0) {
        c.pos = pos
        throw new CoreError('CORE_CORRUPT_RECORD', `Varint longer than 32 bits at byte ${pos - 1}`)
      }
      value += byte * 2 ** 28
      break
    }
    value |= (byte & 0x7f) << shift
    if ((byte & 0x80) === 0) break
    shift += 7
  }
  c.pos = pos
  return value >>> 0
}

/** Reads a zig-zag signed varint (32 bits). */
export function readVarint(c: Cursor): number {
  const raw = readUnsignedVarint(c)
  return (raw >>> 1) ^ -(raw & 1)
}

/**
 * Reads a zig-zag signed varlong (64 bits) as a number. Values beyond ±2^53 lose precision;
 * in records they only appear as timestamp deltas, which real timestamps never reach.
 */
export function readVarlong(c: Cursor): number {
  const { buf, end } = c
  let pos = c.pos
  // Fast path: up to 4 bytes (28 bits) with plain integer math.
  let lo = 0
  let shift = 0
  for (;;) {
    if (pos >= end) throw truncated('varlong', c)
    const byte = buf[pos++]
    if (shift < 28) {
      lo |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) {
        c.pos = pos
        return (lo >>> 1) ^ -(lo & 1)
      }
      shift += 7
      continue
    }
    // Slow path: accumulate the remaining bits as a bigint.
    let value = BigInt(lo >>> 0) + (BigInt(byte & 0x7f) << BigInt(shift))
    while (byte & 0x80) {
      if (shift >= 63) throw new CoreError('CORE_CORRUPT_RECORD', `Varlong longer than 64 bits at byte ${pos}`)
      if (pos >= end) throw truncated('varlong', c)
      const next = buf[pos++]
      shift += 7
      value += BigInt(next & 0x7f) << BigInt(shift)
      if ((next & 0x80) === 0) break
    }
    c.pos = pos
    value = BigInt.asUintN(64, value)
    const decoded = (value >> 1n) ^ -(value & 1n)
    return Number(BigInt.asIntN(64, decoded))
  }
}

/** Number of bytes `writeUnsignedVarint(value)` takes. */
export function sizeOfUnsignedVarint(value: number): number {
  let v = value >>> 0
  let bytes = 1
  while (v >= 0x80) {
    v >>>= 7
    bytes++
  }
  return bytes
}

/** Number of bytes `writeVarint(value)` takes. */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(((value << 1) ^ (value >> 31)) >>> 0)
}

/** Number of bytes `writeVarlong(value)` takes. */
export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value)
  let v = zigzag64(value)
  let bytes = 1
  while (v >= 0x80n) {
    v >>= 7n
    bytes++
  }
  return bytes
}

function zigzag64(value: number): bigint {
  const v = BigInt(value)
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
}

/** Writes an unsigned varint at `pos`; returns the position after it. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, value: number): number {
  let v = value >>> 0
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buf[pos++] = v
  return pos
}

/** Writes a zig-zag signed varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  return writeUnsignedVarint(buf, pos, ((value << 1) ^ (value >> 31)) >>> 0)
}

/** Writes a zig-zag signed varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, pos, value)
  let v = zigzag64(value)
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80
    v >>= 7n
  }
  buf[pos++] = Number(v)
  return pos
}
