import { describe, expect, it } from 'vitest'
import { toJsonText } from '../../cli/json-text.ts'

describe('toJsonText', () => {
  it('prints what JSON.stringify prints for plain JSON, on one line', () => {
    const value = { a: 1, b: 'x\ny', c: [true, null, { d: -0.5 }], e: undefined }
    expect(toJsonText(value)).toBe(JSON.stringify(value))
    expect(toJsonText(null)).toBe('null')
    expect(toJsonText(undefined)).toBe('null')
    expect(toJsonText([undefined, () => 1])).toBe('[null,null]')
  })

  it('prints bigints exactly, bytes as base64, dates as ISO strings, non-finite numbers as strings', () => {
    expect(toJsonText({ micros: 12345678901234567890n, neg: -1n })).toBe('{"micros":12345678901234567890,"neg":-1}')
    expect(toJsonText({ blob: Buffer.from([0, 1, 254, 255]), view: new Uint8Array([1, 2]).subarray(1) })).toBe('{"blob":"AAH+/w==","view":"Ag=="}')
    expect(toJsonText(new Date(Date.UTC(2024, 4, 31)))).toBe('"2024-05-31T00:00:00.000Z"')
    expect(toJsonText(new Date(Number.NaN))).toBe('null')
    expect(toJsonText([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe('["NaN","Infinity","-Infinity"]')
  })

  it('prints protobufjs Longs as strings (the Protobuf JSON mapping), Maps as objects, and objects through toJSON', () => {
    const long = { low: -1, high: 2_097_151, unsigned: false, toString: () => '9007199254740991' }
    expect(toJsonText({ cents: long })).toBe('{"cents":"9007199254740991"}')
    expect(toJsonText(new Map<unknown, unknown>([['a', 1], [2, new Set(['x'])]]))).toBe('{"a":1,"2":["x"]}')
    expect(toJsonText({ when: { toJSON: () => 42n } })).toBe('{"when":42}')
    // Class instances (avsc records) print their own fields.
    class Payment { constructor(readonly id: string, readonly cents: number) {} }
    expect(toJsonText(new Payment('p', 1))).toBe('{"id":"p","cents":1}')
  })

  it('refuses a circular structure', () => {
    const a: Record<string, unknown> = {}
    a.self = a
    expect(() => toJsonText(a)).toThrow(/circular/)
    const shared = { x: 1 }
    expect(toJsonText([shared, shared])).toBe('[{"x":1},{"x":1}]')
  })
})
