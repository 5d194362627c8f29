import { describe, expect, expectTypeOf, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { Reader } from '../../../core/protocol/reader.ts'
import { type MessageType, createDefault, message, t } from '../../../core/protocol/schema.ts'
import { compileCodec, decodeMessage, encodeMessage } from '../../../core/protocol/schema-codec.ts'
import { ZERO_UUID } from '../../../core/protocol/writer.ts'

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex')

/** A made-up message exercising version ranges, nullable versions, tagged fields and defaults. */
const ToySchema = message({
  name: 'ToyRequest',
  type: 'request',
  apiKey: 1000,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: {
    id: { type: t.int32, versions: '0+' },
    name: { type: t.string, versions: '0+', nullableVersions: '2+' },
    onlyOneTwo: { type: t.int16, versions: '1-2', default: -1 },
    items: {
      type: t.array(t.struct('ToyItem', {
        key: { type: t.string, versions: '0+' },
        weight: { type: t.int64, versions: '1+', default: -1 },
        note: { type: t.string, versions: '3+', nullableVersions: '3+', tag: 0, taggedVersions: '3+', default: null },
      })),
      versions: '0+', nullableVersions: '1+',
    },
    blob: { type: t.bytes, versions: '0+', nullableVersions: '0+' },
    tagged: { type: t.int32, versions: '3+', tag: 5, taggedVersions: '3+', default: 7 },
    taggedStruct: {
      type: t.struct('ToyLeader', {
        a: { type: t.int32, versions: '4+', default: -1 },
        b: { type: t.int32, versions: '4+', default: -1 },
      }),
      versions: '4+', tag: 1, taggedVersions: '4+',
    },
    flag: { type: t.bool, versions: '4+', default: true },
    uuid: { type: t.uuid, versions: '2+' },
  },
})
type Toy = MessageType<typeof ToySchema>

const UUID = '0123abcd-0000-4000-8000-00000000beef'
const UUID_HEX = '0123abcd000040008000' + '00000000beef'

const toy = (): Toy => ({
  id: 7,
  name: 'ab',
  onlyOneTwo: 5,
  items: [{ key: 'k', weight: 9, note: 'n' }],
  blob: Buffer.from([1, 2]),
  tagged: 8,
  taggedStruct: { a: 1, b: 2 },
  flag: false,
  uuid: UUID,
})

function errorOf(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return error as CoreError
  }
  throw new Error('expected a CoreError')
}

describe('schema DSL types', () => {
  it('infers a plain object type with every version\'s fields and nullability', () => {
    expectTypeOf<Toy>().toEqualTypeOf<{
      id: number
      name: string | null
      onlyOneTwo: number
      items: { key: string; weight: number; note: string | null }[] | null
      blob: Buffer | null
      tagged: number
      taggedStruct: { a: number; b: number }
      flag: boolean
      uuid: string
    }>()
  })

  it('types records as Buffer | null and bytes as Buffer', () => {
    const S = message({
      name: 'R', type: 'data', validVersions: '0', flexibleVersions: 'none',
      fields: { r: { type: t.records, versions: '0+' }, b: { type: t.bytes, versions: '0+' }, l: { type: t.array(t.int32), versions: '0+' } },
    })
    expectTypeOf<MessageType<typeof S>>().toEqualTypeOf<{ r: Buffer | null; b: Buffer; l: number[] }>()
  })
})

describe('compiled codecs', () => {
  it('v0 writes only v0 fields, in declaration order', () => {
    const encoded = encodeMessage(ToySchema, 0, toy())
    expect(encoded.toString('hex')).toBe(bytes('00000007 0002 6162 00000001 0001 6b 00000002 0102').toString('hex'))
  })

  it('v0 decoding fills every absent field with its default', () => {
    const decoded = decodeMessage(ToySchema, 0, bytes('00000007 0002 6162 00000001 0001 6b 00000002 0102'))
    expect(decoded).toEqual({
      id: 7, name: 'ab', onlyOneTwo: -1, items: [{ key: 'k', weight: -1, note: null }], blob: Buffer.from([1, 2]),
      tagged: 7, taggedStruct: { a: -1, b: -1 }, flag: true, uuid: ZERO_UUID,
    })
    expect(Object.keys(decoded)).toEqual(Object.keys(ToySchema.fields))
  })

  it('defaults are fresh objects for every decode', () => {
    const one = decodeMessage(ToySchema, 0, bytes('00000007 0002 6162 00000000 ffffffff'))
    const two = decodeMessage(ToySchema, 0, bytes('00000007 0002 6162 00000000 ffffffff'))
    one.taggedStruct.a = 99
    expect(two.taggedStruct.a).toBe(-1)
  })

  it('v1 and v2 add the ranged field, nullable arrays and nullable strings', () => {
    const v1 = encodeMessage(ToySchema, 1, { ...toy(), items: null })
    expect(v1.toString('hex')).toBe(bytes('00000007 0002 6162 0005 ffffffff 00000002 0102').toString('hex'))
    const v2 = encodeMessage(ToySchema, 2, { ...toy(), name: null, items: [] })
    expect(v2.toString('hex')).toBe(bytes(`00000007 ffff 0005 00000000 00000002 0102 ${UUID_HEX}`).toString('hex'))
    expect(decodeMessage(ToySchema, 2, v2)).toMatchObject({ name: null, onlyOneTwo: 5, items: [], uuid: UUID })
  })

  it('v3 (flexible) uses compact lengths and tag buffers, writing tagged fields that differ from default', () => {
    const expected = bytes(`
      00000007 03 6162
      02  02 6b 0000000000000009  01 00 02 02 6e
      03 0102
      ${UUID_HEX}
      01 05 04 00000008`)
    const encoded = encodeMessage(ToySchema, 3, toy())
    expect(encoded.toString('hex')).toBe(expected.toString('hex'))
    const decoded = decodeMessage(ToySchema, 3, encoded)
    expect(decoded).toEqual({ ...toy(), onlyOneTwo: -1, taggedStruct: { a: -1, b: -1 }, flag: true })
  })

  it('omits tagged fields equal to their default (empty tag buffers)', () => {
    const value = { ...toy(), items: [{ key: 'k', weight: 9, note: null }], tagged: 7 }
    const encoded = encodeMessage(ToySchema, 3, value)
    expect(encoded.toString('hex')).toBe(bytes(`00000007 03 6162 02 02 6b 0000000000000009 00 03 0102 ${UUID_HEX} 00`).toString('hex'))
  })

  it('v4 writes several tagged fields in tag order, a tagged struct when it differs from its default', () => {
    const encoded = encodeMessage(ToySchema, 4, toy())
    expect(encoded.toString('hex')).toBe(bytes(`
      00000007 03 6162 02 02 6b 0000000000000009 01 00 02 02 6e 03 0102 00 ${UUID_HEX}
      02  01 09 00000001 00000002 00  05 04 00000008`).toString('hex'))
    expect(decodeMessage(ToySchema, 4, encoded)).toEqual({ ...toy(), onlyOneTwo: -1 })
    const untouched = encodeMessage(ToySchema, 4, { ...toy(), taggedStruct: { a: -1, b: -1 }, tagged: 7 })
    expect(untouched.subarray(-1).toString('hex')).toBe('00')
  })

  it('skips unknown tags and tolerates tagged fields longer than their content', () => {
    const withUnknown = bytes(`00000007 03 6162 01 00 ${UUID_HEX}  03 02 03 aabbcc 05 06 00000009 ffff 09 00`)
    const decoded = decodeMessage(ToySchema, 3, withUnknown)
    expect(decoded.tagged).toBe(9)
    expect(decoded.items).toEqual([])
    expect(decoded.blob).toBeNull()
  })

  it('refuses a tagged field whose content runs past its declared size', () => {
    const error = errorOf(() => decodeMessage(ToySchema, 3, bytes(`00000007 03 6162 01 00 ${UUID_HEX} 01 05 02 00000009`)))
    expect(error.code).toBe('CORE_PROTOCOL')
    expect(error.message).toMatch(/^Cannot decode ToyRequest v3 at tagged: Truncated INT32/)
  })

  it('names the message, version and field path of a decoding failure', () => {
    const truncated = bytes('00000007 0002 6162 0005 00000002 0001 6b 0000000000000001 0001 6c 00000000')
    const error = errorOf(() => decodeMessage(ToySchema, 1, truncated))
    expect(error.code).toBe('CORE_PROTOCOL')
    expect(error.message).toMatch(/^Cannot decode ToyRequest v1 at items\[1\]\.weight: Truncated INT64 at byte 28: needs 8 bytes, 4 left$/)
    expect(error.cause).toBeInstanceOf(CoreError)
  })

  it('refuses null where the version does not allow it, naming the field', () => {
    const error = errorOf(() => encodeMessage(ToySchema, 1, { ...toy(), name: null }))
    expect(error.code).toBe('CORE_INVALID_ARGUMENT')
    expect(error.message).toBe('Cannot encode ToyRequest v1 at name: null is not allowed in version 1')
    const nested = errorOf(() => encodeMessage(ToySchema, 0, { ...toy(), items: [{ key: 'a', weight: 1, note: null }, { key: null as never, weight: 1, note: null }] }))
    expect(nested.message).toMatch(/at items\[1\]\.key: null is not allowed/)
    expect(errorOf(() => encodeMessage(ToySchema, 0, { ...toy(), items: null })).message).toMatch(/at items: null/)
  })

  it('turns wrong value types into CORE_INVALID_ARGUMENT', () => {
    const error = errorOf(() => encodeMessage(ToySchema, 2, { ...toy(), uuid: 'nope' }))
    expect(error.code).toBe('CORE_INVALID_ARGUMENT')
    expect(error.message).toMatch(/at uuid: Invalid UUID/)
    const typeError = errorOf(() => encodeMessage(ToySchema, 0, { ...toy(), items: 5 as never }))
    expect(typeError.code).toBe('CORE_INVALID_ARGUMENT')
  })

  it('treats undefined as the default when encoding', () => {
    const partial = { id: 1, name: 'x', items: [], blob: null } as unknown as Toy
    const decoded = decodeMessage(ToySchema, 4, encodeMessage(ToySchema, 4, partial))
    expect(decoded).toEqual({ ...createDefault(ToySchema), id: 1, name: 'x', blob: null })
  })

  it('round-trips every version', () => {
    for (let version = 0; version <= 4; version++) {
      const codec = compileCodec(ToySchema).forVersion(version)
      expect(codec.flexible).toBe(version >= 3)
      const once = decodeMessage(ToySchema, version, encodeMessage(ToySchema, version, toy()))
      expect(encodeMessage(ToySchema, version, once)).toEqual(encodeMessage(ToySchema, version, toy()))
    }
  })

  it('compiles once per schema and version', () => {
    expect(compileCodec(ToySchema)).toBe(compileCodec(ToySchema))
    expect(compileCodec(ToySchema).forVersion(2)).toBe(compileCodec(ToySchema).forVersion(2))
    expect(errorOf(() => compileCodec(ToySchema).forVersion(5)).message).toMatch(/ToyRequest has no version 5; valid versions are 0-4/)
    expect(compileCodec(ToySchema).isValidVersion(-1)).toBe(false)
  })

  it('leaves trailing bytes to decodeMessage to refuse, and the reader where the body ends', () => {
    expect(errorOf(() => decodeMessage(ToySchema, 0, bytes('00000007 0002 6162 00000000 ffffffff 00'))).message).toMatch(/1 bytes left over/)
    const reader = new Reader(bytes('00000007 0002 6162 00000000 ffffffff 00'))
    compileCodec(ToySchema).forVersion(0).decode(reader)
    expect(reader.remaining).toBe(1)
  })

  it('writes nullable structs with an INT8 marker, as Kafka does', () => {
    const S = message({
      name: 'N', type: 'data', validVersions: '0', flexibleVersions: '0+',
      fields: { s: { type: t.struct('Inner', { x: { type: t.int8, versions: '0+' } }), versions: '0+', nullableVersions: '0+', default: null } },
    })
    expect(encodeMessage(S, 0, { s: null }).toString('hex')).toBe('ff00')
    expect(encodeMessage(S, 0, { s: { x: 3 } }).toString('hex')).toBe('01030000')
    expect(decodeMessage(S, 0, bytes('01030000'))).toEqual({ s: { x: 3 } })
    expect(decodeMessage(S, 0, bytes('ff00'))).toEqual({ s: null })
    expect(errorOf(() => decodeMessage(S, 0, bytes('0203'))).message).toMatch(/Invalid nullable struct marker 2/)
  })
})

describe('schema checks', () => {
  const define = (fields: Record<string, unknown>, flexibleVersions = '1+') => () =>
    message({ name: 'Bad', type: 'data', validVersions: '0-2', flexibleVersions, fields: fields as never })

  it('refuses malformed declarations with CORE_INVALID_ARGUMENT', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ a: { type: t.int32, versions: '1..2' } }, /Invalid version range "1\.\.2"/],
      [{ a: { type: t.int32, versions: '3-1' } }, /upper bound/],
      [{ a: { type: t.int32, versions: '0+', tag: 0 } }, /both tag and taggedVersions/],
      [{ a: { type: t.int32, versions: '0+', tag: 0, taggedVersions: '0+' } }, /before the first flexible version 1/],
      [{ a: { type: t.int32, versions: '1+', tag: 0, taggedVersions: '1+' }, b: { type: t.int8, versions: '1+', tag: 0, taggedVersions: '1+' } }, /tag 0 is used twice/],
      [{ a: { type: t.int32, versions: '0+', nullableVersions: '0+' } }, /a int32 cannot be nullable/],
      [{ a: { type: t.int32, versions: '0+', default: 'x' } }, /default "x" does not fit a int32/],
      [{ a: { type: t.string, versions: '0+', default: null } }, /default null on a field that is never nullable/],
      [{ A: { type: t.string, versions: '0+' } }, /camelCase/],
      [{ a: { type: t.array(t.struct('In', { b: { type: t.bool, versions: '0+', default: 1 } })), versions: '0+' } }, /Bad\.a\(In\)\.b: default 1/],
    ]
    for (const [fields, message] of cases) {
      const error = errorOf(define(fields))
      expect(error.code).toBe('CORE_INVALID_ARGUMENT')
      expect(error.message).toMatch(message)
    }
  })
})
