import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import {
  cursor,
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../core/protocol/varint.ts'

const INT32 = [0, 1, -1, 2, -2, 63, -64, 64, -65, 127, 128, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 30 - 1, -(2 ** 30),
  2 ** 30, -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 123456789, -987654321]
const INT64 = [...INT32, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32), 2 ** 35 + 7, 1700000000000, -1700000000000,
  2 ** 52, -(2 ** 52), 2 ** 52 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 62, -(2 ** 63)]
const UINT32 = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1]

function expectCorrupt(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_CORRUPT_RECORD')
    return
  }
  throw new Error('expected a CoreError')
}

describe('varint (zig-zag int32)', () => {
  it('round-trips boundaries and its size matches the bytes written', () => {
    const buf = Buffer.alloc(16)
    for (const value of INT32) {
      const end = writeVarint(buf, 3, value)
      expect(end - 3).toBe(sizeOfVarint(value))
      const c = cursor(buf, 3, end)
      expect(readVarint(c)).toBe(value)
      expect(c.pos).toBe(end)
    }
  })

  it('uses the zig-zag encoding Kafka uses', () => {
    const bytes = (value: number): string => {
      const buf = Buffer.alloc(10)
      return buf.subarray(0, writeVarint(buf, 0, value)).toString('hex')
    }
    expect(bytes(0)).toBe('00')
    expect(bytes(-1)).toBe('01')
    expect(bytes(1)).toBe('02')
    expect(bytes(-64)).toBe('7f')
    expect(bytes(64)).toBe('8001')
    expect(bytes(2 ** 31 - 1)).toBe('feffffff0f')
    expect(bytes(-(2 ** 31))).toBe('ffffffff0f')
  })

  it('throws CORE_CORRUPT_RECORD on truncation and on more than 32 bits', () => {
    const buf = Buffer.alloc(8)
    const end = writeVarint(buf, 0, -(2 ** 31))
    for (let cut = 0; cut < end; cut++) expectCorrupt(() => readVarint(cursor(buf, 0, cut)))
    expectCorrupt(() => readVarint(cursor(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]))))
    expectCorrupt(() => readVarint(cursor(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))))
  })
})

describe('unsigned varint', () => {
  it('round-trips 0..2^32-1 boundaries', () => {
    const buf = Buffer.alloc(8)
    for (const value of UINT32) {
      const end = writeUnsignedVarint(buf, 0, value)
      expect(end).toBe(sizeOfUnsignedVarint(value))
      expect(readUnsignedVarint(cursor(buf, 0, end))).toBe(value)
    }
  })

  it('throws on truncation', () => {
    expectCorrupt(() => readUnsignedVarint(cursor(Buffer.from([0x80, 0x80]))))
    expectCorrupt(() => readUnsignedVarint(cursor(Buffer.alloc(0))))
  })
})

describe('varlong (zig-zag int64)', () => {
  it('round-trips boundaries, timestamps and ±2^52 and its size matches', () => {
    const buf = Buffer.alloc(16)
    for (const value of INT64) {
      const end = writeVarlong(buf, 1, value)
      expect(end - 1).toBe(sizeOfVarlong(value))
      const c = cursor(buf, 1, end)
      expect(readVarlong(c)).toBe(value)
      expect(c.pos).toBe(end)
    }
  })

  it('matches Kafka bytes for extremes', () => {
    const hex = (value: number): string => {
      const buf = Buffer.alloc(10)
      return buf.subarray(0, writeVarlong(buf, 0, value)).toString('hex')
    }
    expect(hex(-1)).toBe('01')
    expect(hex(1700000000000)).toBe('80a0abfef962')
    expect(hex(-(2 ** 63))).toBe('ffffffffffffffffff01')
    expect(readVarlong(cursor(Buffer.from('80a0abfef962', 'hex')))).toBe(1700000000000)
  })

  it('round-trips random values', () => {
    const buf = Buffer.alloc(16)
    for (let i = 0; i < 5000; i++) {
      const magnitude = 2 ** Math.floor(Math.random() * 53)
      const value = Math.floor((Math.random() - 0.5) * 2 * magnitude)
      const end = writeVarlong(buf, 0, value)
      expect(end).toBe(sizeOfVarlong(value))
      expect(readVarlong(cursor(buf, 0, end))).toBe(value)
    }
  })

  it('throws CORE_CORRUPT_RECORD on truncation and on more than 64 bits', () => {
    const buf = Buffer.alloc(16)
    const end = writeVarlong(buf, 0, Number.MIN_SAFE_INTEGER)
    for (let cut = 0; cut < end; cut++) expectCorrupt(() => readVarlong(cursor(buf, 0, cut)))
    expectCorrupt(() => readVarlong(cursor(Buffer.from('ffffffffffffffffffff01', 'hex'))))
  })
})
