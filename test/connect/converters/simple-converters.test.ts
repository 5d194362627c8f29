import { describe, expect, it } from 'vitest'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { ByteArrayConverter } from '../../../connect/converters/byte-array-converter.ts'
import { CONVERTER_NAMES, converterFor, headerConverterFor } from '../../../connect/converters/converter-registry.ts'
import { JsonConverter } from '../../../connect/converters/json-converter.ts'
import {
  BooleanConverter, DoubleConverter, FloatConverter, IntegerConverter, LongConverter, ShortConverter,
} from '../../../connect/converters/number-converters.ts'
import { SimpleHeaderConverter } from '../../../connect/converters/simple-header-converter.ts'
import { StringConverter } from '../../../connect/converters/string-converter.ts'
import { ConnectError } from '../../../connect/errors.ts'

describe('StringConverter', () => {
  it('round-trips strings and writes other values as text', async () => {
    const c = new StringConverter()
    c.configure({}, false)
    expect(c.toConnectData('t', [], c.fromConnectData('t', [], Schemas.STRING, 'héllo'))).toEqual({ schema: Schemas.OPTIONAL_STRING, value: 'héllo' })
    expect(c.fromConnectData('t', [], null, 42)!.toString()).toBe('42')
    expect(c.fromConnectData('t', [], null, { a: 1 })!.toString()).toBe('{"a":1}')
    expect(c.fromConnectData('t', [], null, null)).toBeNull()
    expect(c.toConnectData('t', [], null)).toEqual({ schema: Schemas.OPTIONAL_STRING, value: null })
    const latin = new StringConverter()
    latin.configure({ 'converter.encoding': 'ISO-8859-1' }, false)
    expect(latin.fromConnectData('t', [], null, 'é')).toEqual(Buffer.from([0xe9]))
    expect(() => latin.configure({ 'converter.encoding': 'EBCDIC' }, false)).toThrow(/converter.encoding/)
  })
})

describe('ByteArrayConverter', () => {
  it('passes bytes through and refuses other schemas or values', () => {
    const c = new ByteArrayConverter()
    const bytes = Buffer.from([1, 2, 3])
    expect(c.fromConnectData('t', [], Schemas.BYTES, bytes)).toBe(bytes)
    expect(c.toConnectData('t', [], bytes)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: bytes })
    expect(c.fromConnectData('t', [], null, null)).toBeNull()
    expect(() => c.fromConnectData('t', [], Schemas.STRING, 'x')).toThrow('Invalid schema type for ByteArrayConverter: STRING')
    expect(() => c.fromConnectData('t', [], null, 'x')).toThrow(ConnectError)
  })
})

describe('primitive converters', () => {
  it.each([
    ['Short', new ShortConverter(), -2, 'fffe', Schemas.OPTIONAL_INT16],
    ['Integer', new IntegerConverter(), 123456, '0001e240', Schemas.OPTIONAL_INT32],
    ['Long', new LongConverter(), 2n ** 62n, '4000000000000000', Schemas.OPTIONAL_INT64],
    ['Long small', new LongConverter(), -1, 'ffffffffffffffff', Schemas.OPTIONAL_INT64],
    ['Float', new FloatConverter(), 1.5, '3fc00000', Schemas.OPTIONAL_FLOAT32],
    ['Double', new DoubleConverter(), 1.5, '3ff8000000000000', Schemas.OPTIONAL_FLOAT64],
    ['Boolean', new BooleanConverter(), true, '01', Schemas.OPTIONAL_BOOLEAN],
  ])('%s encodes as Kafka\'s serializer', (_n, c, value, hex, schema) => {
    const bytes = c.fromConnectData('t', [], schema, value)!
    expect(bytes.toString('hex')).toBe(hex)
    expect(c.toConnectData('t', [], bytes)).toEqual({ schema, value })
    expect(c.fromConnectData('t', [], schema, null)).toBeNull()
    expect(c.toConnectData('t', [], null)).toEqual({ schema, value: null })
  })

  it('names the type on bad input', () => {
    expect(() => new IntegerConverter().fromConnectData('t', [], null, 'x')).toThrow('Failed to serialize to INT32 (was string "x") for topic t')
    expect(() => new IntegerConverter().toConnectData('t', [], Buffer.alloc(3))).toThrow('Size of data received by IntegerDeserializer is not 4')
  })
})

describe('SimpleHeaderConverter', () => {
  it.each([
    ['hello', Schemas.STRING, 'hello'],
    ['', Schemas.STRING, ''],
    ['true', Schemas.BOOLEAN, true],
    ['12', Schemas.INT8, 12],
    ['1000', Schemas.INT16, 1000],
    ['100000', Schemas.INT32, 100000],
    ['10000000000', Schemas.INT64, 10000000000],
    ['1.5', Schemas.FLOAT32, 1.5],
    ['0.123456789', Schemas.FLOAT64, 0.123456789],
  ])('reads %j', (text, schema, value) => {
    const c = new SimpleHeaderConverter()
    expect(c.toConnectHeader('t', 'h', Buffer.from(text))).toEqual({ schema, value })
    expect(c.fromConnectHeader('t', 'h', schema, value)!.toString()).toBe(text)
  })
})

describe('converterFor', () => {
  it('accepts Kafka and Confluent class names and short names', () => {
    expect(converterFor('org.apache.kafka.connect.json.JsonConverter')).toBeInstanceOf(JsonConverter)
    expect(converterFor('org.apache.kafka.connect.storage.StringConverter')).toBeInstanceOf(StringConverter)
    expect(converterFor('org.apache.kafka.connect.converters.ByteArrayConverter')).toBeInstanceOf(ByteArrayConverter)
    expect(converterFor('org.apache.kafka.connect.converters.LongConverter')).toBeInstanceOf(LongConverter)
    expect(converterFor('json')).toBeInstanceOf(JsonConverter)
    expect(headerConverterFor('org.apache.kafka.connect.storage.SimpleHeaderConverter')).toBeInstanceOf(SimpleHeaderConverter)
    expect(CONVERTER_NAMES).toContain('StringConverter')
    expect(() => converterFor('com.example.Nope')).toThrow(/Unknown converter class "com.example.Nope"/)
  })

  it('round-trips a struct through every converter that takes one', () => {
    const schema = SchemaBuilder.struct().field('a', Schemas.INT32).build()
    const c = converterFor('JsonConverter')
    c.configure({}, false)
    const struct = new Struct(schema).put('a', 1)
    const back = c.toConnectData('t', [], c.fromConnectData('t', [], schema, struct) as Buffer) as { value: Struct }
    expect(back.value.equals(struct)).toBe(true)
  })
})
