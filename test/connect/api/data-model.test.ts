import { describe, expect, it } from 'vitest'
import { ConnectError } from '../../../connect/errors.ts'
import { Date as ConnectDate, Decimal, Time, Timestamp, bigintToBytes, bytesToBigint } from '../../../connect/api/logical-types.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { projectValue } from '../../../connect/api/schema-projector.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { schemaEquals, validateValue, valueEquals } from '../../../connect/api/values.ts'

const address = SchemaBuilder.struct().name('Address').field('street', Schemas.STRING).field('zip', Schemas.OPTIONAL_INT32).build()
const person = SchemaBuilder.struct().name('com.example.Person').version(2)
  .field('id', Schemas.INT64)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('address', address)
  .field('tags', SchemaBuilder.array(Schemas.STRING).optional().build())
  .build()

function dataError(fn: () => unknown): ConnectError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectError)
    expect((error as ConnectError).code).toBe('CONNECT_DATA')
    return error as ConnectError
  }
  throw new Error('expected a CONNECT_DATA error')
}

describe('SchemaBuilder', () => {
  it('builds frozen schemas with fields in order', () => {
    expect(person.type).toBe('STRUCT')
    expect(person.fields!.map((f) => [f.name, f.index])).toEqual([['id', 0], ['name', 1], ['address', 2], ['tags', 3]])
    expect(Object.isFrozen(person)).toBe(true)
    expect(person.version).toBe(2)
  })

  it('rejects duplicate fields, fields on non-structs and a bad default', () => {
    expect(() => SchemaBuilder.struct().field('a', Schemas.INT8).field('a', Schemas.INT8)).toThrow(/already has a field/)
    expect(() => SchemaBuilder.int32().field('a', Schemas.INT8)).toThrow(/only STRUCT/)
    expect(() => SchemaBuilder.int8().defaultValue(1000)).toThrow(/default/)
    expect(SchemaBuilder.int8().defaultValue(5).build().defaultValue).toBe(5)
  })

  it('has the logical type schemas Kafka writes', () => {
    expect(Decimal.schema(2)).toEqual({ type: 'BYTES', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } })
    expect(ConnectDate.SCHEMA).toEqual({ type: 'INT32', optional: false, name: 'org.apache.kafka.connect.data.Date', version: 1 })
    expect(Time.SCHEMA.type).toBe('INT32')
    expect(Timestamp.SCHEMA).toEqual({ type: 'INT64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 })
  })

  it('compares schemas structurally', () => {
    const copy = SchemaBuilder.from(person).build()
    expect(copy).not.toBe(person)
    expect(schemaEquals(copy, person)).toBe(true)
    expect(schemaEquals(SchemaBuilder.from(person).optional().build(), person)).toBe(false)
    expect(schemaEquals(Decimal.schema(2), Decimal.schema(3))).toBe(false)
  })
})

describe('logical conversions', () => {
  it.each([
    ['0', 0, '00'], ['1.00', 2, '64'], ['-1.00', 2, '9c'], ['127', 0, '7f'], ['128', 0, '0080'], ['-128', 0, '80'], ['-129', 0, 'ff7f'],
    ['12345.678', 3, '00bc614e'],
  ])('Decimal %s at scale %i is %s', (text, scale, hex) => {
    const bytes = Decimal.fromLogical(Decimal.schema(scale), text)
    expect(bytes.toString('hex')).toBe(hex)
    expect(Decimal.toLogical(Decimal.schema(scale), bytes)).toBe(text)
  })

  it('pads a decimal with fewer digits and refuses one that needs rounding', () => {
    expect(Decimal.toLogical(Decimal.schema(3), Decimal.fromLogical(Decimal.schema(3), '1.5'))).toBe('1.500')
    dataError(() => Decimal.fromLogical(Decimal.schema(1), '1.55'))
  })

  it('round-trips big integers through two\'s complement', () => {
    for (const n of [0n, 1n, -1n, 2n ** 70n, -(2n ** 70n), 255n, -256n]) expect(bytesToBigint(bigintToBytes(n))).toBe(n)
  })

  it('checks Date and Time bounds', () => {
    expect(ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date('1970-01-11T00:00:00Z'))).toBe(10)
    dataError(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date('1970-01-11T00:00:01Z')))
    expect(Time.fromLogical(Time.SCHEMA, new Date(3_600_000))).toBe(3_600_000)
    dataError(() => Time.fromLogical(Time.SCHEMA, new Date('1971-01-01T00:00:00Z')))
  })
})

describe('Struct', () => {
  const home = () => new Struct(address).put('street', 'Main St')

  it('gets and puts by field name, validates, compares', () => {
    const a = new Struct(person).put('id', 1).put('address', home())
    a.validate()
    expect(a.get('id')).toBe(1)
    expect(a.get('name')).toBeNull()
    const b = new Struct(person).put('id', 1n).put('address', home())
    expect(a.equals(b)).toBe(true)
    expect(valueEquals(a, b)).toBe(true)
    expect(a.equals(new Struct(person).put('id', 2).put('address', home()))).toBe(false)
  })

  it('names the field in errors', () => {
    expect(dataError(() => new Struct(person).put('nope', 1)).message).toMatch(/"nope" is not a field of STRUCT com.example.Person \(fields: id, name, address, tags\)/)
    expect(dataError(() => new Struct(person).put('id', 'x')).message).toBe('Invalid value at id: expected INT64, got string "x"')
    expect(dataError(() => new Struct(person).put('id', 1).validate()).message).toMatch(/com.example.Person.address: null used for a required STRUCT Address/)
    expect(dataError(() => new Struct(person).put('id', 1).put('address', new Struct(address)).validate()).message)
      .toMatch(/com.example.Person.address.street: null used for a required STRING/)
  })

  it('returns the default of a null field', () => {
    const schema = SchemaBuilder.struct().field('n', SchemaBuilder.int32().defaultValue(7).build()).build()
    const s = new Struct(schema)
    s.validate()
    expect(s.get('n')).toBe(7)
    expect(s.getWithoutDefault('n')).toBeNull()
  })
})

describe('validateValue', () => {
  it.each([
    [Schemas.INT8, 128, 'Invalid value at value: expected INT8, got number 128'],
    [Schemas.INT32, 1.5, 'Invalid value at value: expected INT32, got number 1.5'],
    [Schemas.INT64, 2n ** 64n, 'Invalid value at value: expected INT64, got bigint 18446744073709551616'],
    [Schemas.BYTES, 'x', 'Invalid value at value: expected BYTES, got string "x"'],
    [SchemaBuilder.array(Schemas.STRING).build(), ['a', 1], 'Invalid value at value[1]: expected STRING, got number 1'],
    [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([['a', 'b']]), 'Invalid value at value["a"]: expected INT32, got string "b"'],
    [Decimal.schema(2), 1.5, 'Invalid value at value: expected Decimal(scale=2), got number 1.5 (a decimal is a string such as "-12.34")'],
    [Timestamp.SCHEMA, 5, 'Invalid value at value: expected Timestamp, got number 5'],
  ])('rejects %o / %o', (schema, value, message) => {
    expect(dataError(() => validateValue(schema, value)).message).toBe(message)
  })

  it('accepts valid values and null for optional schemas', () => {
    validateValue(Schemas.OPTIONAL_STRING, null)
    validateValue(Schemas.INT64, Number.MAX_SAFE_INTEGER)
    validateValue(Schemas.INT64, 2n ** 62n)
    validateValue(Decimal.schema(2), '-12.34')
    validateValue(null, { anything: [1] })
  })
})

describe('projectValue', () => {
  it('fills new fields with defaults and widens numbers', () => {
    const v1 = SchemaBuilder.struct().name('R').field('a', Schemas.INT32).field('gone', Schemas.STRING).build()
    const v2 = SchemaBuilder.struct().name('R').field('a', Schemas.INT64).field('b', SchemaBuilder.string().defaultValue('x').build())
      .field('c', Schemas.OPTIONAL_INT8).build()
    const out = projectValue(v1, v2, new Struct(v1).put('a', 5).put('gone', 'y')) as Struct
    expect(out.toJSON()).toEqual({ a: 5, b: 'x', c: null })
    const strict = SchemaBuilder.struct().name('R').field('a', Schemas.INT32).field('d', Schemas.STRING).build()
    expect(() => projectValue(v1, strict, new Struct(v1).put('a', 5).put('gone', 'y'))).toThrow(/value.d/)
    expect(() => projectValue(Schemas.INT64, Schemas.INT32, 5)).toThrow(/not compatible/)
  })
})
