import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { Reader } from '../../../core/protocol/reader.ts'
import { Writer, ZERO_UUID } from '../../../core/protocol/writer.ts'

const hex = (buf: Buffer): string => buf.toString('hex')

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe(code)
    if (message) expect((error as CoreError).message).toMatch(message)
    return
  }
  throw new Error(`expected a CoreError ${code}`)
}

describe('Writer', () => {
  it('writes fixed-width integers big-endian, two\'s complement', () => {
    const w = new Writer()
    w.int8(-1).int8(127).int16(-2).int16(0x1234).uint16(0xfffe).int32(-3).int32(0x01020304).uint32(0xfffffffd)
    expect(hex(w.finish())).toBe('ff7f' + 'fffe1234fffe' + 'fffffffd01020304fffffffd')
  })

  it('writes INT64 from safe numbers and from bigints', () => {
    const w = new Writer()
    w.int64(-1).int64(2 ** 53 - 1).int64(1).int64(-(2 ** 40)).int64(0x7fffffffffffffffn).int64(-(2n ** 63n))
    expect(hex(w.finish())).toBe(
      'ffffffffffffffff' + '001fffffffffffff' + '0000000000000001' + 'ffffff0000000000' + '7fffffffffffffff' + '8000000000000000',
    )
  })

  it('refuses INT64 numbers that are not safe integers', () => {
    expectCode(() => new Writer().int64(2 ** 53), 'CORE_INVALID_ARGUMENT', /safe integer/)
    expectCode(() => new Writer().int64(1.5), 'CORE_INVALID_ARGUMENT')
  })

  it('writes strings with INT16 and compact lengths, null as -1 and 0', () => {
    const w = new Writer()
    w.string('ab').nullableString(null).nullableString('').compactString('é').compactNullableString(null).compactNullableString('')
    expect(hex(w.finish())).toBe('00026162' + 'ffff' + '0000' + '03c3a9' + '00' + '01')
  })

  it('uses a multi-byte varint length for long compact strings', () => {
    const long = 'x'.repeat(200)
    const w = new Writer().compactString(long)
    expect(hex(w.finish().subarray(0, 2))).toBe('c901') // 201 = 0xc9 0x01
    expect(w.length).toBe(202)
  })

  it('refuses strings longer than INT16 allows', () => {
    expectCode(() => new Writer().string('x'.repeat(40000)), 'CORE_INVALID_ARGUMENT', /32767/)
  })

  it('writes bytes with INT32 and compact lengths', () => {
    const w = new Writer()
    w.bytes(Buffer.from([1, 2])).nullableBytes(null).compactBytes(Buffer.from([3])).compactNullableBytes(null).raw(Buffer.from([9]))
    expect(hex(w.finish())).toBe('000000020102' + 'ffffffff' + '0203' + '00' + '09')
  })

  it('writes UUIDs from canonical strings (any hex case)', () => {
    const w = new Writer().uuid('01234567-89ab-cdef-0123-456789ABCDEF').uuid(ZERO_UUID)
    expect(hex(w.finish())).toBe('0123456789abcdef0123456789abcdef' + '0'.repeat(32))
    expectCode(() => new Writer().uuid('not-a-uuid'), 'CORE_INVALID_ARGUMENT', /Invalid UUID/)
    expectCode(() => new Writer().uuid('0123456789ab-cdef-0123-456789abcdef0'), 'CORE_INVALID_ARGUMENT')
    expectCode(() => new Writer().uuid('g1234567-89ab-cdef-0123-456789abcdef'), 'CORE_INVALID_ARGUMENT')
  })

  it('writes varints, zig-zag varints and varlongs', () => {
    const w = new Writer().unsignedVarint(300).varint(-1).varint(1).varlong(-(2 ** 40))
    expect(hex(w.finish().subarray(0, 4))).toBe('ac020102')
    expect(new Reader(w.finish(), 4).varlong()).toBe(-(2 ** 40))
  })

  it('writes bool and float64', () => {
    expect(hex(new Writer().bool(true).bool(false).float64(1.5).finish())).toBe('0100' + '3ff8000000000000')
  })

  it('grows past its initial size, in one step for a large raw write', () => {
    const w = new Writer(16)
    for (let i = 0; i < 100; i++) w.int32(i)
    const big = Buffer.alloc(100_000, 7)
    w.raw(big)
    const out = w.finish()
    expect(out.length).toBe(400 + 100_000)
    expect(out.readInt32BE(396)).toBe(99)
    expect(out[out.length - 1]).toBe(7)
  })

  it('patches reserved INT32 size prefixes', () => {
    const w = new Writer()
    const at = w.reserveInt32()
    w.string('hello')
    w.setInt32(at, w.length - 4)
    expect(hex(w.finish())).toBe('00000007' + '0005' + Buffer.from('hello').toString('hex'))
    expectCode(() => w.setInt32(w.length - 2, 1), 'CORE_INVALID_ARGUMENT')
  })

  it('finish() is a view of the written bytes; reset() starts over', () => {
    const w = new Writer()
    w.int8(1).int8(2)
    expect(w.finish().length).toBe(2)
    w.reset().int8(3)
    expect(hex(w.finish())).toBe('03')
  })
})

describe('Writer → Reader round trips', () => {
  it('reads back every type', () => {
    const uuid = 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'
    const w = new Writer()
      .int8(-128).int16(-32768).int32(-(2 ** 31)).int64(-(2 ** 53 - 1)).int64(1_700_000_000_000)
      .uint16(65535).uint32(2 ** 32 - 1).float64(-0.25).bool(true).uuid(uuid).uuid(ZERO_UUID)
      .string('topic-ü').nullableString(null).compactString('').compactNullableString('x')
      .bytes(Buffer.from('ab')).nullableBytes(null).compactBytes(Buffer.alloc(0)).compactNullableBytes(Buffer.from([0xff]))
      .unsignedVarint(2 ** 32 - 1).varint(-(2 ** 31)).varlong(Number.MAX_SAFE_INTEGER)
    const r = new Reader(w.finish())
    expect(r.int8()).toBe(-128)
    expect(r.int16()).toBe(-32768)
    expect(r.int32()).toBe(-(2 ** 31))
    expect(r.int64()).toBe(-(2 ** 53 - 1))
    expect(r.int64()).toBe(1_700_000_000_000)
    expect(r.uint16()).toBe(65535)
    expect(r.uint32()).toBe(2 ** 32 - 1)
    expect(r.float64()).toBe(-0.25)
    expect(r.bool()).toBe(true)
    expect(r.uuid()).toBe(uuid)
    expect(r.uuid()).toBe(ZERO_UUID)
    expect(r.string()).toBe('topic-ü')
    expect(r.nullableString()).toBeNull()
    expect(r.compactString()).toBe('')
    expect(r.compactNullableString()).toBe('x')
    expect(r.bytes().toString()).toBe('ab')
    expect(r.nullableBytes()).toBeNull()
    expect(r.compactBytes().length).toBe(0)
    expect([...r.compactNullableBytes()!]).toEqual([0xff])
    expect(r.unsignedVarint()).toBe(2 ** 32 - 1)
    expect(r.varint()).toBe(-(2 ** 31))
    expect(r.varlong()).toBe(Number.MAX_SAFE_INTEGER)
    expect(r.remaining).toBe(0)
  })

  describe('shared large values', () => {
    /** The same writes into any writer: growth, large and small byte values, a size patched last. */
    function writeSample(w: Writer, big: Buffer): Writer {
      const size = w.reserveInt32()
      w.int16(7).string('topic')
      for (let i = 0; i < 40; i++) w.int32(i).compactString(`k${i}`)
      w.compactNullableBytes(big).int8(1).bytes(Buffer.alloc(10, 3)).nullableBytes(big).int64(42)
      return w.setInt32(size, w.length - 4)
    }

    it('keeps values of at least shareBytesFrom by reference and writes the same bytes', () => {
      const big = Buffer.alloc(5000, 0xab)
      const plain = writeSample(new Writer(16), big).finish()
      const shared = writeSample(new Writer(16, { shareBytesFrom: 1000 }), big)
      const chunks = shared.finishChunks()
      expect(shared.length).toBe(plain.length)
      expect(Buffer.concat(chunks)).toEqual(plain)
      expect(shared.finish()).toEqual(plain)
      expect(chunks.filter((c) => c === big)).toHaveLength(2)
      expect(plain.readInt32BE(0)).toBe(plain.length - 4)
    })

    it('is one chunk when nothing was large enough to share, and starts over after reset()', () => {
      const w = new Writer(1024, { shareBytesFrom: 1000 })
      w.int32(1).raw(Buffer.alloc(999))
      expect(w.finishChunks()).toHaveLength(1)
      w.reset().raw(Buffer.alloc(1000)).int8(9)
      expect(w.finishChunks().map((c) => c.length)).toEqual([1000, 1])
      expect(w.length).toBe(1001)
    })

    it('refuses to patch an INT32 inside a shared value', () => {
      const w = new Writer(64, { shareBytesFrom: 8 })
      w.int32(0).raw(Buffer.alloc(8))
      expectCode(() => w.setInt32(4, 1), 'CORE_INVALID_ARGUMENT')
      expectCode(() => w.setInt32(9, 1), 'CORE_INVALID_ARGUMENT')
    })
  })
})
