import { describe, expect, it } from 'vitest'
import { Date as ConnectDate, Decimal, Time, Timestamp } from '../../../connect/api/logical-types.ts'
import type { Schema } from '../../../connect/api/schema.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { schemaEquals, valueEquals } from '../../../connect/api/values.ts'
import { JsonConverter } from '../../../connect/converters/json-converter.ts'
import { compileWriter } from '../../../connect/converters/json-compiled.ts'
import { JsonData } from '../../../connect/converters/json-data.ts'

// The schema caches and the compiled fast path must give exactly what the general path gives:
// a converter with schemas.cache.size=0 takes the general path for every record.

function converter(configs: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter()
  c.configure(configs, false)
  return c
}

const uncached = (configs: Record<string, string> = {}) => converter({ ...configs, 'schemas.cache.size': '0' })

function outcome(run: () => unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: run() }
  } catch (error) {
    return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` }
  }
}

/** Writes with both converters (twice with the cached one: a miss, then a hit) and expects the same bytes or the same error. */
function expectSameWrite(schema: Schema | null, value: unknown, configs: Record<string, string> = {}): string | null {
  const cached = converter(configs)
  const plain = uncached(configs)
  const expected = outcome(() => plain.fromConnectData('t', [], schema, value)?.toString('utf8') ?? null)
  for (let i = 0; i < 2; i++) expect(outcome(() => cached.fromConnectData('t', [], schema, value)?.toString('utf8') ?? null)).toEqual(expected)
  return 'ok' in expected ? (expected.ok as string | null) : null
}

/** Reads with both converters (twice with the cached one) and expects equal schemas and values, or the same error. */
function expectSameRead(text: string, configs: Record<string, string> = {}): void {
  const cached = converter(configs)
  const plain = uncached(configs)
  const expected = outcome(() => plain.toConnectData('t', [], Buffer.from(text, 'utf8')))
  for (let i = 0; i < 2; i++) {
    const actual = outcome(() => cached.toConnectData('t', [], Buffer.from(text, 'utf8')))
    if ('error' in expected) {
      expect(actual).toEqual(expected)
      continue
    }
    expect(actual).toHaveProperty('ok')
    const a = (actual as { ok: { schema: Schema | null; value: unknown } }).ok
    const e = expected.ok as { schema: Schema | null; value: unknown }
    expect(schemaEquals(a.schema, e.schema)).toBe(true)
    expect(valueEquals(a.value, e.value), `${text}: ${String(a.value)} vs ${String(e.value)}`).toBe(true)
  }
}

const address = SchemaBuilder.struct().name('Address').field('zip', Schemas.OPTIONAL_INT32).field('lines', SchemaBuilder.array(Schemas.STRING).optional().build()).build()
const order = SchemaBuilder.struct().name('com.example.Order')
  .field('id', Schemas.INT64)
  .field('small', Schemas.INT8)
  .field('amount', Decimal.schema(2))
  .field('rate', Decimal.builder(5).optional().build())
  .field('at', Timestamp.SCHEMA)
  .field('day', ConnectDate.builder().optional().build())
  .field('time', Time.builder().optional().build())
  .field('f', Schemas.FLOAT32)
  .field('d', Schemas.OPTIONAL_FLOAT64)
  .field('ok', Schemas.BOOLEAN)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('raw', Schemas.OPTIONAL_BYTES)
  .field('tags', SchemaBuilder.array(Schemas.OPTIONAL_STRING).build())
  .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).optional().build())
  .field('byId', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).optional().build())
  .field('address', address)
  .field('n', SchemaBuilder.int32().optional().defaultValue(7).build())
  .build()

function orderValue(i: number, amount: string): Struct {
  return new Struct(order)
    .put('id', i % 3 === 0 ? 2n ** 62n + BigInt(i) : i * 1_000_003)
    .put('small', (i % 256) - 128)
    .put('amount', amount)
    .put('rate', i % 4 === 0 ? null : `${i % 2 === 0 ? '-' : ''}${i}.${String(i % 100_000).padStart(5, '0')}`)
    .put('at', new Date(1_700_000_000_000 + i * 7919))
    .put('day', i % 5 === 0 ? null : new Date((i % 30_000) * 86_400_000))
    .put('time', new Date((i * 1237) % 86_400_000))
    .put('f', Math.fround(i / 7))
    .put('d', i % 6 === 0 ? Number.NaN : i % 7 === 0 ? null : i * 1e-4)
    .put('ok', i % 2 === 0)
    .put('name', i % 9 === 0 ? null : `n\u00e9-${i}-"q"\\\n\u{1F600}`)
    .put('raw', i % 8 === 0 ? null : Buffer.from([i & 255, (i >> 8) & 255, 0]))
    .put('tags', i % 10 === 0 ? [] : ['a', null, `t${i}`])
    .put('attrs', i % 3 === 0 ? null : new Map([['x', i], ['y"', -i]]))
    .put('byId', new Map([[i, 'one'], [-i - 1, 'two']]))
    .put('address', new Struct(address).put('zip', i % 11 === 0 ? null : i).put('lines', i % 2 === 0 ? ['l1'] : null))
    .put('n', i % 2 === 0 ? null : i)
}

const DECIMALS = ['0', '0.00', '-0.00', '1.5', '+1.50', '007.10', '-12.34', '99999999999.99', '-99999999999.99', '1407374883553.27', '1407374883553.28',
  '-1407374883553.28', '-1407374883553.29', '123456789012345678901234567890.12', '12.3', '1.000', '127', '-128', '1.27', '-1.28', '327.67', '-327.68']

describe('JsonConverter schema caches give the results of the general path', () => {
  it('writes every value as the general path does, in both decimal formats and with or without null replacement', () => {
    for (const configs of [{}, { 'decimal.format': 'NUMERIC' }, { 'replace.null.with.default': 'false' }, { 'schemas.enable': 'false' }] as Record<string, string>[]) {
      DECIMALS.forEach((amount, i) => {
        const text = expectSameWrite(order, orderValue(i + 1, amount), configs)
        expect(text, `${amount} ${JSON.stringify(configs)}`).not.toBeNull()
      })
    }
  })

  it('reads back what it wrote, as the general path reads it', () => {
    for (const configs of [{}, { 'decimal.format': 'NUMERIC' }, { 'replace.null.with.default': 'false' }] as Record<string, string>[]) {
      DECIMALS.forEach((amount, i) => {
        const text = expectSameWrite(order, orderValue(i + 1, amount), configs)!
        expectSameRead(text, configs)
        const back = converter(configs).toConnectData('t', [], Buffer.from(text))
        expect(schemaEquals(back.schema, order)).toBe(true)
        // The fast paths handle these records themselves (they do not decline to the general path).
        const options = { decimalFormat: (configs['decimal.format'] ?? 'BASE64') as 'BASE64' | 'NUMERIC', replaceNullWithDefault: configs['replace.null.with.default'] !== 'false' }
        const fast = new JsonData({ ...options, schemasCacheSize: 10 }).readEnvelope(Buffer.from(text))
        expect(fast).toBeDefined()
        expect(valueEquals(fast!.value, back.value)).toBe(true)
        const value = orderValue(i + 1, amount)
        const written = compileWriter(order, options)(value)
        if (options.replaceNullWithDefault && (i + 1) % 2 === 1) expect(written).toBe(new JsonData({ ...options, schemasCacheSize: 0 }).valueToJson(order, value))
      })
    }
  })

  it('fails on the same values with the same errors', () => {
    const bad: [Schema | null, unknown][] = [
      [Schemas.INT8, 300], [Schemas.INT32, 1.5], [Schemas.INT64, 2n ** 64n], [Schemas.STRING, 3], [Schemas.BOOLEAN, 'true'],
      [Decimal.schema(2), '1.234'], [Decimal.schema(2), '1.005'], [Decimal.schema(2), 'x'], [Decimal.schema(2), 1.5], [ConnectDate.SCHEMA, new Date(1)], [Time.SCHEMA, new Date(-1)],
      [Timestamp.SCHEMA, new Date(Number.NaN)], [order, new Struct(address)], [SchemaBuilder.array(Schemas.INT32).build(), [1, null]],
      [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([[1, 1]])], [Schemas.INT32, null],
      [address, new Struct(SchemaBuilder.struct().name('Address').field('zip', Schemas.OPTIONAL_INT32).build())],
    ]
    for (const [schema, value] of bad) expectSameWrite(schema, value)
    const missing = new Struct(order)
    expectSameWrite(order, missing)
  })

  it('writes defaults in place of nulls as the general path does', () => {
    const withDefaults = SchemaBuilder.struct()
      .field('a', SchemaBuilder.int32().defaultValue(5).build())
      .field('b', SchemaBuilder.string().optional().defaultValue('x').build())
      .field('c', SchemaBuilder.int32().optional().defaultValue(null).build())
      .build()
    for (const configs of [{}, { 'replace.null.with.default': 'false' }] as Record<string, string>[]) {
      expectSameWrite(withDefaults, new Struct(withDefaults), configs)
      expectSameWrite(SchemaBuilder.int32().optional().defaultValue(3).build(), null, configs)
    }
  })

  it('reads other spellings, unknown and repeated fields, and bad payloads as the general path does', () => {
    const schema = '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},' +
      '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"amount"},' +
      '{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"at"},' +
      '{"type":"double","optional":true,"field":"d"},{"type":"array","items":{"type":"int32","optional":false},"optional":true,"field":"xs"}],"optional":false,"name":"row"}'
    const spaced = schema.replace(/,"/g, ', "').replace(/:/g, ' : ')
    const payloads = [
      '{"id":1,"name":"a","amount":"AJw=","at":1700000000000,"d":1.5,"xs":[1,2]}',
      ' { "id" : 1 , "name" : "a\\u00e9\\"" , "amount" : 1.56 , "at" : 1700000000000 } ',
      '{"name":"b","id":2,"at":3}',
      '{"id":1,"id":2,"at":3}',
      '{"id":"x","id":2,"at":3}',
      '{"id":1,"at":3,"extra":{"a":[1,2,{"b":null}]}}',
      '{"\\u0069d":5,"at":3}',
      '{"id":9007199254740993,"at":-5,"d":"NaN","amount":"AA=="}',
      '{"id":9223372036854775808,"at":3}',
      '{"id":1.0,"at":3}',
      '{"id":1e3,"at":3}',
      '{"id":01,"at":3}',
      '{"id":-0,"at":3,"amount":-1.5}',
      '{"id":1,"at":3,"amount":1.567}',
      '{"id":1,"at":3,"amount":"////////"}',
      '{"id":1,"at":3,"amount":"AJw"}',
      '{"id":1,"at":3,"amount":"-_8="}',
      '{"id":1,"at":3,"d":null,"xs":null,"name":null}',
      '{"id":1,"at":3,"xs":[1,}',
      '{"id":1,"at":3,}',
      '{"id":1}',
      '{"id":null,"at":3}',
      '{"id":1,"at":3} x',
      '{"id":1,"at":3',
      'null',
      '[]',
      '{"id":1,"at":3,"name":"raw\tcontrol"}',
    ]
    for (const s of [schema, spaced]) {
      for (const payload of payloads) {
        expectSameRead(`{"schema":${s},"payload":${payload}}`)
        expectSameRead(`{"payload":${payload},"schema":${s}}`)
      }
    }
    for (const text of [`{"schema":${schema},"payload":1,"x":2}`, `{"schema":${schema}}`, `{"schema":${schema},"payload":{"id":1,"at":3}}}`,
      `{"schema":null,"payload":{"a":1}}`, `{"schema":{"type":"nope"},"payload":1}`, `{"schema":{"type":"int32","optional":false},"payload":2147483648}`,
      `{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":true},"optional":false},"payload":[[1,"a"],[2,null]]}`,
      `{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":true},"optional":false},"payload":[[1]]}`,
      `{"schema":{"type":"float","optional":false},"payload":0.1}`, `{"schema":{"type":"int32","optional":true,"default":4},"payload":null}`]) {
      expectSameRead(text)
      expectSameRead(text, { 'replace.null.with.default': 'false' })
    }
  })

  it('returns one schema object per schema JSON, however it is spelled', () => {
    const c = converter()
    const compact = '{"schema":{"type":"int32","optional":false,"name":"n"},"payload":1}'
    const spaced = '{"schema":{ "type" : "int32", "optional": false, "name":"n" },"payload":2}'
    const a = c.toConnectData('t', [], Buffer.from(compact))
    const b = c.toConnectData('t', [], Buffer.from(spaced))
    const d = c.toConnectData('t', [], Buffer.from(compact))
    expect(b.schema).toBe(a.schema)
    expect(d.schema).toBe(a.schema)
    expect([a.value, b.value, d.value]).toEqual([1, 2, 1])
  })
})

describe('JsonData schema caches are bounded by schemas.cache.size', () => {
  const data = (size: number) => new JsonData({ decimalFormat: 'BASE64', replaceNullWithDefault: true, schemasCacheSize: size })
  const schemas = Array.from({ length: 5 }, (_, i) => SchemaBuilder.struct().name(`s${i}`).field('v', Schemas.INT32).build())
  const valueOf = (schema: Schema) => new Struct(schema).put('v', 1)

  it('keeps at most schemas.cache.size schemas each way, the least recently used going first', () => {
    const d = data(2)
    const envelopes = schemas.map((s) => d.envelope(s, valueOf(s)))
    expect(d.cachedSchemas.fromConnect).toBe(2)
    const first = schemas.map((_, i) => d.readEnvelope(envelopes[i])!.schema)
    expect(d.cachedSchemas.toConnect).toBe(2)
    // s3 and s4 are cached: reading them again gives the same objects; s0 was evicted: a new, equal one.
    expect(d.readEnvelope(envelopes[4])!.schema).toBe(first[4])
    expect(d.readEnvelope(envelopes[3])!.schema).toBe(first[3])
    const again = d.readEnvelope(envelopes[0])!.schema
    expect(again).not.toBe(first[0])
    expect(schemaEquals(again, first[0])).toBe(true)
    expect(d.cachedSchemas.toConnect).toBe(2)
    // Now s4 (least recently used) is gone, s3 is kept.
    expect(d.readEnvelope(envelopes[3])!.schema).toBe(first[3])
    expect(d.readEnvelope(envelopes[4])!.schema).not.toBe(first[4])
  })

  it('caches nothing with schemas.cache.size=0 and still converts', () => {
    const d = data(0)
    const bytes = d.envelope(schemas[0], valueOf(schemas[0]))
    expect(bytes.toString()).toBe('{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"v"}],"optional":false,"name":"s0"},"payload":{"v":1}}')
    expect(d.readEnvelope(bytes)).toBeUndefined()
    const c = uncached()
    const a = c.toConnectData('t', [], bytes)
    const b = c.toConnectData('t', [], bytes)
    expect(a.schema).not.toBe(b.schema)
    expect(d.cachedSchemas).toEqual({ fromConnect: 0, toConnect: 0 })
  })

  it('stays bounded over many schemas through the converter', () => {
    const c = converter({ 'schemas.cache.size': '3' })
    const seen = new Set<Schema>()
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) {
        const schema = SchemaBuilder.struct().name(`many${i}`).field('v', Schemas.INT32).build()
        const back = c.toConnectData('t', [], c.fromConnectData('t', [], schema, valueOf(schema)))
        expect((back.value as Struct).get('v')).toBe(1)
        seen.add(back.schema!)
      }
    }
    // Nothing survives a round of 50 other schemas in a cache of 3: every read built a new schema.
    expect(seen.size).toBe(150)
  })
})
