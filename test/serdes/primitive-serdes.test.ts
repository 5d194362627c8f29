import { describe, expect, it } from 'vitest'
import { SerdesError, serdes } from '../../serdes/index.ts'

describe('primitive serdes (Kafka encodings)', () => {
  it('string: UTF-8', () => {
    const serde = serdes.string()
    expect(serde.serialize('t', 'héllo')).toEqual(Buffer.from('68c3a96c6c6f', 'hex'))
    expect(serde.deserialize('t', Buffer.from('68c3a96c6c6f', 'hex'))).toBe('héllo')
  })

  it('int32: 4 bytes big-endian two\'s complement, length checked', () => {
    const serde = serdes.int32()
    expect(serde.serialize('t', -2)).toEqual(Buffer.from('fffffffe', 'hex'))
    expect(serde.serialize('t', 0x01020304)).toEqual(Buffer.from('01020304', 'hex'))
    expect(serde.deserialize('t', Buffer.from('fffffffe', 'hex'))).toBe(-2)
    expect(() => serde.serialize('t', 2 ** 31)).toThrow(SerdesError)
    expect(() => serde.serialize('t', 1.5)).toThrow(/int32/)
    expect(() => serde.deserialize('orders', Buffer.from('0102', 'hex'))).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION', topic: 'orders' }))
  })

  it('int64: bigint, 8 bytes big-endian', () => {
    const serde = serdes.int64()
    expect(serde.serialize('t', -1n)).toEqual(Buffer.from('ffffffffffffffff', 'hex'))
    expect(serde.serialize('t', 2n ** 63n - 1n)).toEqual(Buffer.from('7fffffffffffffff', 'hex'))
    expect(serde.deserialize('t', Buffer.from('8000000000000000', 'hex'))).toBe(-(2n ** 63n))
    expect(() => serde.serialize('t', 2n ** 63n)).toThrow(SerdesError)
    expect(() => serde.serialize('t', 5 as never)).toThrow(/bigint/)
  })

  it('float64: IEEE 754 big-endian', () => {
    const serde = serdes.float64()
    expect(serde.serialize('t', 1.5)).toEqual(Buffer.from('3ff8000000000000', 'hex'))
    expect(serde.deserialize('t', serde.serialize('t', Math.PI))).toBe(Math.PI)
    expect(Number.isNaN(serde.deserialize('t', serde.serialize('t', Number.NaN)))).toBe(true)
  })

  it('bytes: as is', () => {
    const serde = serdes.bytes()
    const data = Buffer.from([1, 2, 3])
    expect(serde.serialize('t', data)).toBe(data)
    expect(serde.deserialize('t', data)).toBe(data)
  })

  it('uuid: the UTF-8 text form, as Kafka\'s UUIDSerializer', () => {
    const serde = serdes.uuid()
    const id = '123E4567-E89B-12D3-A456-426614174000'
    expect(serde.serialize('t', id)).toEqual(Buffer.from(id.toLowerCase(), 'utf8'))
    expect(serde.deserialize('t', Buffer.from(id, 'utf8'))).toBe(id.toLowerCase())
    expect(() => serde.serialize('t', 'not-a-uuid')).toThrow(SerdesError)
    expect(() => serde.deserialize('t', Buffer.from('nope'))).toThrow(SerdesError)
  })

  it('void: null only', () => {
    const serde = serdes.void()
    expect(serde.serialize('t', null)).toBeNull()
    expect(serde.deserialize('t', null)).toBeNull()
    expect(() => serde.serialize('t', 1 as never)).toThrow(SerdesError)
    expect(() => serde.deserialize('t', Buffer.alloc(1))).toThrow(SerdesError)
  })

  it('every serde maps null to null', () => {
    for (const serde of [serdes.string(), serdes.int32(), serdes.int64(), serdes.float64(), serdes.bytes(), serdes.uuid(), serdes.json()]) {
      expect(serde.serialize('t', null)).toBeNull()
      expect(serde.deserialize('t', null)).toBeNull()
    }
  })
})

describe('json serde', () => {
  it('round-trips UTF-8 JSON', () => {
    const serde = serdes.json<{ a: number; b: string[] }>()
    const bytes = serde.serialize('t', { a: 1, b: ['x'] })
    expect(bytes?.toString()).toBe('{"a":1,"b":["x"]}')
    expect(serde.deserialize('t', bytes)).toEqual({ a: 1, b: ['x'] })
  })

  it('runs the validate function both ways and fails with the typed error', () => {
    const serde = serdes.json<{ a: number }>({ validate: (v) => typeof (v as { a?: unknown }).a === 'number' })
    expect(() => serde.serialize('t', { a: 'x' } as never)).toThrow(expect.objectContaining({ code: 'SERDES_VALIDATION' }))
    expect(() => serde.deserialize('events', Buffer.from('{"a":"x"}'))).toThrow(expect.objectContaining({ code: 'SERDES_VALIDATION', topic: 'events' }))
    expect(() => serde.deserialize('t', Buffer.from('{'))).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION' }))
    expect(() => serdes.json().serialize('t', 1n)).toThrow(expect.objectContaining({ code: 'SERDES_SERIALIZATION' }))
  })
})
