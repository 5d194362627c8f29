/**
 * Protobuf message indexes of the Confluent wire format: the path from a .proto file to the
 * message type written, as indexes of message declarations (top-level message, then nested
 * message within it, and so on), each counted from 0 in declaration order.
 *
 * Encoding: a count, then each index, every number a zig-zag varint (as Kafka's
 * `ByteUtils.writeVarint`). The common case `[0]` (the file's first message) is written as the
 * single byte 0, which also reads back as `[0]` because a count of 0 means "the first message".
 */
import { SerdesError, type SerdesErrorContext } from './errors.ts'

/** At most this many nesting levels are read, so a corrupt count cannot allocate unbounded memory. */
const MAX_DEPTH = 100

const FIRST_MESSAGE: readonly number[] = Object.freeze([0])
const FIRST_MESSAGE_BYTES = Buffer.from([0])

function sizeOfZigZag(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0
  let size = 1
  while (v >= 0x80) {
    v >>>= 7
    size++
  }
  return size
}

function writeZigZag(out: Buffer, offset: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0
  while (v >= 0x80) {
    out[offset++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  out[offset++] = v
  return offset
}

/** The bytes of `indexes`; `[0]` (and `[]`) is the single byte 0. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 0 || (indexes.length === 1 && indexes[0] === 0)) return FIRST_MESSAGE_BYTES
  let size = sizeOfZigZag(indexes.length)
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index > 0x7fffffff) throw new RangeError(`Invalid message index ${index}`)
    size += sizeOfZigZag(index)
  }
  const out = Buffer.allocUnsafe(size)
  let offset = writeZigZag(out, 0, indexes.length)
  for (const index of indexes) offset = writeZigZag(out, offset, index)
  return out
}

/** Reads message indexes at `offset` of `data`; returns them and the offset after them. */
export function decodeMessageIndexes(data: Buffer, offset: number, context: SerdesErrorContext = {}): { indexes: readonly number[]; offset: number } {
  const read = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      if (offset >= data.length) throw new SerdesError('SERDES_DESERIALIZATION', 'Protobuf message indexes are truncated', context)
      const byte = data[offset++]
      if (shift === 28 && byte > 0x0f) throw new SerdesError('SERDES_DESERIALIZATION', 'Protobuf message index varint is longer than 5 bytes', context)
      result |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) break
      shift += 7
    }
    result >>>= 0
    return (result >>> 1) ^ -(result & 1)
  }
  const count = read()
  if (count === 0) return { indexes: FIRST_MESSAGE, offset }
  if (count < 0 || count > MAX_DEPTH) throw new SerdesError('SERDES_DESERIALIZATION', `Invalid Protobuf message index count ${count}`, context)
  const indexes: number[] = []
  for (let i = 0; i < count; i++) {
    const index = read()
    if (index < 0) throw new SerdesError('SERDES_DESERIALIZATION', `Invalid Protobuf message index ${index}`, context)
    indexes.push(index)
  }
  return { indexes, offset }
}
