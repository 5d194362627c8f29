import { describe, expect, it } from 'vitest'
import { HEADER_SIZE, decodeMessageIndexes, encodeMessageIndexes, readSchemaId, writeHeader } from '../../serdes/index.ts'

describe('Confluent wire format', () => {
  it('writes magic byte 0 and a 4-byte big-endian schema id', () => {
    const out = Buffer.alloc(HEADER_SIZE)
    writeHeader(out, 0x01020304)
    expect(out).toEqual(Buffer.from('0001020304', 'hex'))
    expect(readSchemaId(out, {})).toBe(0x01020304)
  })

  it('rejects an unknown magic byte and a short header with typed errors', () => {
    expect(() => readSchemaId(Buffer.from('0100000001', 'hex'), { topic: 'orders' })).toThrow(expect.objectContaining({ code: 'SERDES_UNKNOWN_MAGIC_BYTE', topic: 'orders' }))
    expect(() => readSchemaId(Buffer.from('0000', 'hex'), {})).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION' }))
  })
})

describe('Protobuf message indexes', () => {
  it('writes [0] as the single byte 0', () => {
    expect(encodeMessageIndexes([0])).toEqual(Buffer.from([0]))
    expect(decodeMessageIndexes(Buffer.from([0]), 0)).toEqual({ indexes: [0], offset: 1 })
  })

  it('writes a count and zig-zag varint indexes', () => {
    expect(encodeMessageIndexes([1])).toEqual(Buffer.from([0x02, 0x02]))
    expect(encodeMessageIndexes([0, 2])).toEqual(Buffer.from([0x04, 0x00, 0x04]))
    expect(encodeMessageIndexes([1, 0, 3])).toEqual(Buffer.from([0x06, 0x02, 0x00, 0x06]))
    expect(encodeMessageIndexes([64])).toEqual(Buffer.from([0x02, 0x80, 0x01]))
  })

  it('reads back what it writes, after any prefix', () => {
    for (const indexes of [[0], [3], [0, 0], [1, 2, 3], [64, 1000, 0x7fffffff]]) {
      const bytes = Buffer.concat([Buffer.from([9, 9]), encodeMessageIndexes(indexes), Buffer.from([7])])
      expect(decodeMessageIndexes(bytes, 2)).toEqual({ indexes, offset: bytes.length - 1 })
    }
  })

  it('rejects truncated or absurd indexes', () => {
    expect(() => decodeMessageIndexes(Buffer.from([0x04, 0x02]), 0)).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION' }))
    expect(() => decodeMessageIndexes(Buffer.from([0x01]), 0)).toThrow(/count/)
    expect(() => decodeMessageIndexes(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toThrow(SerdesErrorLike())
  })
})

function SerdesErrorLike() {
  return expect.objectContaining({ code: 'SERDES_DESERIALIZATION' })
}
