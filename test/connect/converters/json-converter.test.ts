import { describe, expect, it } from 'vitest'
import { Date as ConnectDate, Decimal, Time, Timestamp } from '../../../connect/api/logical-types.ts'
import type { Schema } from '../../../connect/api/schema.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { valueEquals } from '../../../connect/api/values.ts'
import { ENVELOPE_REQUIRED_MESSAGE, JsonConverter } from '../../../connect/converters/json-converter.ts'
import { javaDouble, javaFloat } from '../../../connect/converters/json-node.ts'
import { ConnectError } from '../../../connect/errors.ts'

function converter(configs: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter()
  c.configure(configs, false)
  return c
}

const write = (c: JsonConverter, schema: Schema | null, value: unknown): string | null => c.fromConnectData('t', [], schema, value)?.toString('utf8') ?? null
const read = (c: JsonConverter, text: string) => c.toConnectData('t', [], Buffer.from(text))

const person = SchemaBuilder.struct().name('com.example.Person')
  .field('id', Schemas.INT64)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('active', Schemas.BOOLEAN)
  .build()

// The exact envelopes Kafka's JsonConverter writes (key order, type names, "field" last).
const GOLDEN: [string, Schema, unknown, string][] = [
  ['boolean', Schemas.BOOLEAN, true, '{"schema":{"type":"boolean","optional":false},"payload":true}'],
  ['int8', Schemas.INT8, 12, '{"schema":{"type":"int8","optional":false},"payload":12}'],
  ['int64', Schemas.INT64, 4398046511104, '{"schema":{"type":"int64","optional":false},"payload":4398046511104}'],
  ['int64 beyond 2^53', Schemas.INT64, 9223372036854775807n, '{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}'],
  ['float', Schemas.FLOAT32, Math.fround(12.34), '{"schema":{"type":"float","optional":false},"payload":12.34}'],
  ['double', Schemas.FLOAT64, 12, '{"schema":{"type":"double","optional":false},"payload":12.0}'],
  ['string', Schemas.STRING, 'foo-bar-baz', '{"schema":{"type":"string","optional":false},"payload":"foo-bar-baz"}'],
  ['bytes', Schemas.BYTES, Buffer.from('test-string'), '{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}'],
  ['optional null', Schemas.OPTIONAL_STRING, null, '{"schema":{"type":"string","optional":true},"payload":null}'],
  ['array', SchemaBuilder.array(Schemas.INT32).build(), [1, 2, 3], '{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}'],
  ['map with string keys', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([['key1', 12], ['key2', 15]]),
    '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}'],
  ['map with int keys', SchemaBuilder.map(Schemas.INT32, Schemas.INT32).build(), new Map([[1, 12], [2, 15]]),
    '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}'],
  ['struct', person, new Struct(person).put('id', 1).put('name', null).put('active', true),
    '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},' +
    '{"type":"boolean","optional":false,"field":"active"}],"optional":false,"name":"com.example.Person"},"payload":{"id":1,"name":null,"active":true}}'],
  ['decimal', Decimal.schema(2), '1.56',
    '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}'],
  ['date', ConnectDate.SCHEMA, new Date(10_000 * 86_400_000),
    '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}'],
  ['time', Time.SCHEMA, new Date(14_400_000),
    '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}'],
  ['timestamp', Timestamp.SCHEMA, new Date(4_000_000_000),
    '{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}'],
  ['doc, version, default', SchemaBuilder.int32().optional().name('n').version(3).doc('a number').defaultValue(7).build(), 5,
    '{"schema":{"type":"int32","optional":true,"name":"n","version":3,"doc":"a number","default":7},"payload":5}'],
]

describe('JsonConverter envelopes (schemas.enable=true)', () => {
  it.each(GOLDEN)('%s', (_name, schema, value, json) => {
    const c = converter()
    expect(write(c, schema, value)).toBe(json)
    const back = read(c, json)
    expect(back.schema).toEqual(schema)
    expect(valueEquals(back.value, value)).toBe(true)
  })

  it('round-trips a nested struct with optional fields, arrays, maps and logical types', () => {
    const address = SchemaBuilder.struct().name('Address').field('zip', Schemas.OPTIONAL_INT32).build()
    const order = SchemaBuilder.struct().name('Order')
      .field('amount', Decimal.builder(3).optional().build())
      .field('at', Timestamp.SCHEMA)
      .field('lines', SchemaBuilder.array(Schemas.STRING).build())
      .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.OPTIONAL_FLOAT64).optional().build())
      .field('address', address)
      .build()
    const value = new Struct(order).put('amount', '-12.345').put('at', new Date(1_700_000_000_123)).put('lines', ['a', 'b'])
      .put('attrs', new Map([['x', 1.5], ['y', null]])).put('address', new Struct(address).put('zip', 12345))
    const c = converter()
    const back = c.toConnectData('t', [], c.fromConnectData('t', [], order, value))
    expect((back.value as Struct).equals(value)).toBe(true)
  })

  it('keeps every envelope intact when many are written (small ones share slabs), with multi-byte text and a large one', () => {
    const schema = SchemaBuilder.struct().name('Line').field('n', Schemas.INT32).field('text', Schemas.STRING).field('amount', Decimal.builder(2).build()).build()
    const c = converter()
    const texts = ['plain', 'ünïcödé', '日本語のテキスト', 'emoji 🚀 and "quotes"\n', 'x'.repeat(20_000)]
    const written: { bytes: Buffer; value: Struct }[] = []
    // About 1,000 bytes each: several 256 KiB slabs, and envelopes that straddle none.
    for (let n = 0; n < 2000; n++) {
      const value = new Struct(schema).put('n', n).put('text', `${texts[n % texts.length]} ${'y'.repeat(n % 900)}`).put('amount', `${n}.${String(n % 100).padStart(2, '0')}`)
      written.push({ bytes: c.fromConnectData('t', [], schema, value)!, value })
    }
    for (const { bytes, value } of written) {
      const json = JSON.parse(bytes.toString('utf8'))
      expect(json.payload.n).toBe(value.get('n'))
      expect((c.toConnectData('t', [], bytes).value as Struct).equals(value)).toBe(true)
    }
  })

  it('writes decimals as JSON numbers with decimal.format=NUMERIC and reads both forms', () => {
    const c = converter({ 'decimal.format': 'NUMERIC' })
    expect(write(c, Decimal.schema(2), '1.56')).toBe('{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}')
    const schemaJson = '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}'
    expect(read(c, `{"schema":${schemaJson},"payload":1.5}`).value).toBe('1.50')
    expect(read(c, `{"schema":${schemaJson},"payload":12345678901234567890.12}`).value).toBe('12345678901234567890.12')
    expect(read(converter(), `{"schema":${schemaJson},"payload":"AJw="}`).value).toBe('1.56')
  })

  it('replaces null with the default unless replace.null.with.default=false', () => {
    const schema = SchemaBuilder.struct().field('n', SchemaBuilder.int32().optional().defaultValue(7).build()).build()
    const value = new Struct(schema)
    expect(write(converter(), schema, value)).toContain('"payload":{"n":7}')
    expect(write(converter({ 'replace.null.with.default': 'false' }), schema, value)).toContain('"payload":{"n":null}')
  })

  it('fails with Kafka\'s message on plain JSON', () => {
    for (const text of ['{"id":1}', '[1]', '{"schema":null,"payload":1,"x":2}', '42']) {
      let error: unknown
      try {
        read(converter(), text)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConnectError)
      expect((error as Error).message).toBe(ENVELOPE_REQUIRED_MESSAGE)
    }
    expect(ENVELOPE_REQUIRED_MESSAGE).toBe('JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.')
  })

  it('names the topic on bytes that are not JSON and the path on a payload that does not fit', () => {
    expect(() => read(converter(), '{"schema":')).toThrow(/serialization error \(topic t\)/)
    expect(() => read(converter(), '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"n"}],"optional":false},"payload":{"n":"x"}}'))
      .toThrow('Invalid value at value.n: expected INT32, got JSON "x"')
    expect(() => read(converter(), '{"schema":{"type":"int32","optional":false},"payload":null}')).toThrow(/null for a required INT32/)
    expect(() => read(converter(), '{"schema":{"type":"nope"},"payload":1}')).toThrow(/Unknown schema type "nope"/)
    expect(() => write(converter(), Schemas.INT32, 'x')).toThrow('Invalid value at value: expected INT32, got string "x"')
  })

  it('writes a schema-less value with a null schema and nulls as null bytes', () => {
    const c = converter()
    expect(write(c, null, { a: 1 })).toBe('{"schema":null,"payload":{"a":1}}')
    expect(read(c, '{"schema":null,"payload":{"a":[1,2.5]}}')).toEqual({ schema: null, value: { a: [1, 2.5] } })
    expect(c.fromConnectData('t', [], null, null)).toBeNull()
    expect(c.toConnectData('t', [], null)).toEqual({ schema: null, value: null })
  })
})

describe('JsonConverter with schemas.enable=false', () => {
  it('writes and reads plain JSON', () => {
    const c = converter({ 'schemas.enable': 'false' })
    expect(write(c, person, new Struct(person).put('id', 2).put('active', false))).toBe('{"id":2,"name":null,"active":false}')
    expect(write(c, null, { id: 2, tags: ['a'], big: 2n ** 60n })).toBe('{"id":2,"tags":["a"],"big":1152921504606846976}')
    expect(read(c, '{"id":2,"big":1152921504606846976,"f":1.5,"n":null,"o":{"x":true}}')).toEqual({
      schema: null, value: { id: 2, big: 2n ** 60n, f: 1.5, n: null, o: { x: true } },
    })
  })

  it('rejects a bad config naming the key', () => {
    expect(() => converter({ 'decimal.format': 'HEX' })).toThrow(/decimal.format/)
  })
})

describe('Java number text', () => {
  it.each([[1, '1.0'], [0.1, '0.1'], [1e7, '1.0E7'], [1.5e-5, '1.5E-5'], [123456.789, '123456.789'], [-0, '-0.0'], [1e21, '1.0E21']])('double %d', (n, text) => {
    expect(javaDouble(n)).toBe(text)
  })

  it.each([[0.1, '0.1'], [12.34, '12.34'], [3, '3.0'], [1 / 3, '0.33333334']])('float %d', (n, text) => {
    expect(javaFloat(n)).toBe(text)
  })
})
