import { describe, expect, it } from 'vitest'
import { Date as ConnectDate, Time, Timestamp } from '../../../connect/api/logical-types.ts'
import type { ConnectRecord, SinkRecord } from '../../../connect/api/records.ts'
import type { Schema } from '../../../connect/api/schema.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import type { Transformation } from '../../../connect/api/transformation.ts'
import { schemaEquals } from '../../../connect/api/values.ts'
import { transformFor } from '../../../connect/transforms/transform-chain.ts'

const TS = Date.UTC(2024, 2, 5, 13, 4, 5, 6)

function record(over: Partial<SinkRecord> = {}): SinkRecord {
  return {
    topic: 'orders', kafkaPartition: 3, keySchema: null, key: null, valueSchema: null, value: null, timestamp: TS, headers: [],
    kafkaOffset: 42, timestampType: 'CreateTime', originalTopic: 'orders', originalKafkaPartition: 3, originalKafkaOffset: 42, ...over,
  }
}

function make(type: string, configs: Record<string, string> = {}): Transformation {
  const t = transformFor(type)
  if (t === undefined) throw new Error(`no transform ${type}`)
  t.configure(configs)
  return t
}

const inner = SchemaBuilder.struct().name('Inner').field('x', Schemas.INT32).field('y', Schemas.OPTIONAL_STRING).build()
const valueSchema = SchemaBuilder.struct().name('Order')
  .field('id', Schemas.INT64)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('amount', Schemas.FLOAT64)
  .field('inner', SchemaBuilder.from(inner).optional().build())
  .build()

function order(): Struct {
  return new Struct(valueSchema).put('id', 7).put('name', 'Ada').put('amount', 1.5).put('inner', new Struct(SchemaBuilder.from(inner).optional().build()).put('x', 1).put('y', 'z'))
}

const plainOrder = () => ({ id: 7, name: 'Ada', amount: 1.5, inner: { x: 1, y: 'z' } })
const withValue = (schema: Schema | null, value: unknown, over: Partial<SinkRecord> = {}) => record({ valueSchema: schema, value, ...over })
const withKey = (schema: Schema | null, key: unknown) => record({ keySchema: schema, key })
const fieldsOf = (schema: Schema | null) => schema?.fields?.map((f) => `${f.name}:${f.schema.type}${f.schema.optional ? '?' : ''}`)

describe('InsertField', () => {
  const configs = { 'topic.field': 'topic!', 'partition.field': 'partition', 'offset.field': 'offset?', 'timestamp.field': 'ts', 'static.field': 'src', 'static.value': 'db1' }

  it.each([
    ['value, schema-less', 'InsertField$Value', (r: ConnectRecord) => r.value, withValue(null, { id: 1 })],
    ['key, schema-less', 'org.apache.kafka.connect.transforms.InsertField$Key', (r: ConnectRecord) => r.key, withKey(null, { id: 1 })],
  ])('%s', (_n, type, pick, input) => {
    const out = make(type, configs).apply(input)!
    expect(pick(out)).toEqual({ id: 1, topic: 'orders', partition: 3, offset: 42, ts: TS, src: 'db1' })
    expect(pick(input)).toEqual({ id: 1 })
  })

  it('with schema: adds typed fields (! required, ? optional)', () => {
    const out = make('InsertField$Value', configs).apply(withValue(valueSchema, order()))!
    expect(fieldsOf(out.valueSchema)).toEqual(['id:INT64', 'name:STRING?', 'amount:FLOAT64', 'inner:STRUCT?', 'topic:STRING', 'partition:INT32?', 'offset:INT64?', 'ts:INT64?', 'src:STRING?'])
    expect(out.valueSchema!.fields![7].schema.name).toBe(Timestamp.LOGICAL_NAME)
    const v = out.value as Struct
    expect([v.get('id'), v.get('topic'), v.get('partition'), v.get('offset'), (v.get('ts') as Date).getTime(), v.get('src')]).toEqual([7, 'orders', 3, 42, TS, 'db1'])
    expect(out.valueSchema!.name).toBe('Order')
  })

  it('passes tombstones and refuses offsets of source records', () => {
    const t = make('InsertField$Value', configs)
    const tombstone = withValue(valueSchema, null)
    expect(t.apply(tombstone)).toBe(tombstone)
    const source: ConnectRecord = { topic: 't', kafkaPartition: null, keySchema: null, key: null, valueSchema: null, value: { a: 1 }, timestamp: null, headers: [] }
    expect(() => t.apply(source)).toThrow(/Offset insertion is only supported for sink connectors/)
    expect(() => make('InsertField$Value', { 'topic.field': 't' }).apply(withValue(null, 'x'))).toThrow(/Only Map objects/)
  })
})

describe('ReplaceField', () => {
  it.each([
    [{ exclude: 'name' }, ['id', 'amount', 'inner']],
    [{ include: 'id,name' }, ['id', 'name']],
    [{ include: 'id,name', exclude: 'name' }, ['id']],
    [{ renames: 'id:order_id,amount:total' }, ['order_id', 'name', 'total', 'inner']],
  ])('%o (schema and schema-less)', (configs, names) => {
    const withSchema = make('ReplaceField$Value', configs).apply(withValue(valueSchema, order()))!
    expect(withSchema.valueSchema!.fields!.map((f) => f.name)).toEqual(names)
    ;(withSchema.value as Struct).validate()
    const schemaless = make('ReplaceField$Value', configs).apply(withValue(null, plainOrder()))!
    expect(Object.keys(schemaless.value as object)).toEqual(names)
    if ('renames' in configs) {
      expect((withSchema.value as Struct).get('order_id')).toBe(7)
      expect((schemaless.value as Record<string, unknown>).total).toBe(1.5)
    }
  })

  it('works on keys and rejects a bad rename', () => {
    expect(make('ReplaceField$Key', { exclude: 'b' }).apply(withKey(null, { a: 1, b: 2 }))!.key).toEqual({ a: 1 })
    expect(() => make('ReplaceField$Value', { renames: 'a' })).toThrow(/renames/)
  })
})

describe('MaskField', () => {
  it('masks with empty values, schema and schema-less', () => {
    const s = make('MaskField$Value', { fields: 'id,name,amount' }).apply(withValue(valueSchema, order()))!
    expect((s.value as Struct).toJSON()).toMatchObject({ id: 0, name: '', amount: 0 })
    expect(s.valueSchema).toBe(valueSchema)
    const p = make('MaskField$Value', { fields: 'id,name,inner' }).apply(withValue(null, plainOrder()))!
    expect(p.value).toEqual({ id: 0, name: '', amount: 1.5, inner: {} })
  })

  it('uses a replacement for numbers and strings', () => {
    const s = make('MaskField$Value', { fields: 'id,name', replacement: '9' }).apply(withValue(valueSchema, order()))!
    expect((s.value as Struct).toJSON()).toMatchObject({ id: 9, name: '9' })
    expect(() => make('MaskField$Value', { fields: 'id', replacement: 'x' }).apply(withValue(valueSchema, order()))).toThrow(/Unable to convert x/)
    expect(make('MaskField$Key', { fields: 'a' }).apply(withKey(null, { a: true }))!.key).toEqual({ a: false })
    expect(() => make('MaskField$Value', {})).toThrow(/fields/)
  })
})

describe('ValueToKey', () => {
  it('builds the key from value fields', () => {
    const s = make('ValueToKey', { fields: 'id,name' }).apply(withValue(valueSchema, order()))!
    expect(fieldsOf(s.keySchema)).toEqual(['id:INT64', 'name:STRING?'])
    expect((s.key as Struct).toJSON()).toEqual({ id: 7, name: 'Ada' })
    expect(make('ValueToKey', { fields: 'id' }).apply(withValue(null, plainOrder()))!.key).toEqual({ id: 7 })
    expect(() => make('ValueToKey', { fields: 'nope' }).apply(withValue(valueSchema, order()))).toThrow(/Field does not exist: nope/)
  })
})

describe('ExtractField', () => {
  it.each([
    ['ExtractField$Value', { field: 'name' }, 'Ada', 'STRING'],
    ['ExtractField$Value', { field: 'inner.x', 'field.syntax.version': 'V2' }, 1, 'INT32'],
  ])('%s %o', (type, configs, expected, schemaType) => {
    const s = make(type, configs).apply(withValue(valueSchema, order()))!
    expect(s.value).toBe(expected)
    expect(s.valueSchema!.type).toBe(schemaType)
    expect(make(type, configs).apply(withValue(null, plainOrder()))!.value).toBe(expected)
  })

  it('works on keys, gives null for null and fails on an unknown field', () => {
    expect(make('ExtractField$Key', { field: 'id' }).apply(withKey(null, { id: 5 }))!.key).toBe(5)
    expect(make('ExtractField$Value', { field: 'id' }).apply(withValue(valueSchema, null))!.value).toBeNull()
    expect(() => make('ExtractField$Value', { field: 'nope' }).apply(withValue(valueSchema, order()))).toThrow(/Unknown field: nope/)
  })
})

describe('HoistField', () => {
  it('wraps schema and schema-less values', () => {
    const s = make('HoistField$Value', { field: 'line' }).apply(withValue(Schemas.STRING, 'hello'))!
    expect(fieldsOf(s.valueSchema)).toEqual(['line:STRING'])
    expect((s.value as Struct).get('line')).toBe('hello')
    expect(make('HoistField$Key', { field: 'k' }).apply(withKey(null, 3))!.key).toEqual({ k: 3 })
  })
})

describe('Cast', () => {
  it.each([
    ['int32', Schemas.STRING, '42', 42, 'INT32'],
    ['int8', Schemas.INT32, 300, 44, 'INT8'],
    ['boolean', Schemas.INT32, 2, true, 'BOOLEAN'],
    ['string', Schemas.FLOAT64, 2, '2.0', 'STRING'],
    ['string', Schemas.BYTES, Buffer.from('hi'), 'aGk=', 'STRING'],
    ['string', Timestamp.SCHEMA, new Date(TS), '2024-03-05T13:04:05.006Z', 'STRING'],
    ['float32', Schemas.STRING, '0.5', 0.5, 'FLOAT32'],
    ['int64', Schemas.FLOAT64, -3.9, -3, 'INT64'],
  ])('whole value to %s from %o', (spec, schema, value, expected, type) => {
    const out = make('Cast$Value', { spec }).apply(withValue(schema, value))!
    expect(out.value).toEqual(expected)
    expect(out.valueSchema!.type).toBe(type)
  })

  it('casts fields, schema and schema-less, keeping optionality', () => {
    const s = make('Cast$Value', { spec: 'id:string,amount:int32,name:string' }).apply(withValue(valueSchema, order()))!
    expect(fieldsOf(s.valueSchema)).toEqual(['id:STRING', 'name:STRING?', 'amount:INT32', 'inner:STRUCT?'])
    expect((s.value as Struct).toJSON()).toMatchObject({ id: '7', amount: 1 })
    expect(make('Cast$Value', { spec: 'id:string' }).apply(withValue(null, plainOrder()))!.value).toMatchObject({ id: '7' })
    expect(make('Cast$Key', { spec: 'int16' }).apply(withKey(null, '12'))!.key).toBe(12)
    expect(() => make('Cast$Value', { spec: 'inner:string' }).apply(withValue(valueSchema, order()))).toThrow(/non-primitive/)
    expect(() => make('Cast$Value', { spec: 'id:uuid' })).toThrow(/spec/)
    expect(() => make('Cast$Value', { spec: 'int32' }).apply(withValue(null, 'abc'))).toThrow(/Cannot cast/)
  })
})

describe('TimestampConverter', () => {
  const tsSchema = SchemaBuilder.struct().field('at', Timestamp.SCHEMA).field('n', Schemas.INT32).build()

  it.each([
    ['string', { format: 'yyyy-MM-dd HH:mm:ss.SSS' }, '2024-03-05 13:04:05.006', 'STRING'],
    ['unix', {}, TS, 'INT64'],
    ['unix', { 'unix.precision': 'seconds' }, Math.floor(TS / 1000), 'INT64'],
    ['unix', { 'unix.precision': 'microseconds' }, TS * 1000, 'INT64'],
    ['Date', {}, new Date(Date.UTC(2024, 2, 5)), 'INT32'],
    ['Time', {}, new Date(Date.UTC(1970, 0, 1, 13, 4, 5, 6)), 'INT32'],
    ['Timestamp', {}, new Date(TS), 'INT64'],
  ])('a Timestamp field to %s %o', (target, extra, expected, type) => {
    const out = make('TimestampConverter$Value', { field: 'at', 'target.type': target, ...extra })
      .apply(withValue(tsSchema, new Struct(tsSchema).put('at', new Date(TS)).put('n', 1)))!
    expect((out.value as Struct).get('at')).toEqual(expected)
    expect(out.valueSchema!.fields![0].schema.type).toBe(type)
  })

  it('parses strings and unix numbers, schema-less and whole-value', () => {
    const p = make('TimestampConverter$Value', { field: 'at', 'target.type': 'Timestamp', format: 'yyyyMMdd' }).apply(withValue(null, { at: '20240305' }))!
    expect(p.value).toEqual({ at: new Date(Date.UTC(2024, 2, 5)) })
    const w = make('TimestampConverter$Key', { 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm" }).apply(withKey(Schemas.INT64, TS))!
    expect(w.key).toBe('2024-03-05T13:04')
    expect(w.keySchema).toEqual(Schemas.STRING)
    const u = make('TimestampConverter$Value', { 'target.type': 'Date' }).apply(withValue(null, TS))!
    expect(u.value).toEqual(new Date(Date.UTC(2024, 2, 5)))
    expect(schemaEquals(make('TimestampConverter$Value', { 'target.type': 'Date' }).apply(withValue(Schemas.INT64, TS))!.valueSchema, ConnectDate.SCHEMA)).toBe(true)
    expect(() => make('TimestampConverter$Value', { 'target.type': 'string' })).toThrow(/format/)
    expect(() => make('TimestampConverter$Value', { field: 'at', 'target.type': 'unix', format: 'yyyy' }).apply(withValue(null, { at: 'x' }))).toThrow(/Could not parse "x"/)
    expect(Time.SCHEMA.type).toBe('INT32')
  })
})

describe('Filter, RegexRouter, TimestampRouter', () => {
  it('Filter drops every record', () => {
    expect(make('org.apache.kafka.connect.transforms.Filter').apply(record())).toBeNull()
  })

  it.each([
    ['orders', '(.*)s', '$1-v2', 'order-v2'],
    ['orders', 'ord', 'x', 'orders'],
    ['db.public.users', 'db\\.(?<schema>\\w+)\\.(\\w+)', '${schema}_$2', 'public_users'],
  ])('RegexRouter %s ~ %s → %s', (topic, regex, replacement, expected) => {
    expect(make('RegexRouter', { regex, replacement }).apply(record({ topic }))!.topic).toBe(expected)
  })

  it('TimestampRouter formats the record timestamp into the topic', () => {
    expect(make('TimestampRouter').apply(record())!.topic).toBe('orders-20240305')
    expect(make('TimestampRouter', { 'topic.format': 'x_${topic}_${timestamp}', 'timestamp.format': 'yyyy-MM' }).apply(record())!.topic).toBe('x_orders_2024-03')
    expect(() => make('TimestampRouter').apply(record({ timestamp: null }))).toThrow(/Timestamp missing/)
  })
})

describe('Flatten', () => {
  it('flattens nested structs, making children of optional structs optional', () => {
    const out = make('Flatten$Value').apply(withValue(valueSchema, order()))!
    expect(fieldsOf(out.valueSchema)).toEqual(['id:INT64', 'name:STRING?', 'amount:FLOAT64', 'inner.x:INT32?', 'inner.y:STRING?'])
    expect((out.value as Struct).toJSON()).toEqual({ id: 7, name: 'Ada', amount: 1.5, 'inner.x': 1, 'inner.y': 'z' })
    const nullInner = make('Flatten$Value', { delimiter: '_' }).apply(withValue(valueSchema, order().put('inner', null)))!
    expect((nullInner.value as Struct).toJSON()).toMatchObject({ inner_x: null, inner_y: null })
  })

  it('flattens plain objects and keeps arrays', () => {
    expect(make('Flatten$Value', { delimiter: '_' }).apply(withValue(null, { a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: null }))!.value)
      .toEqual({ a_b_c: 1, a_d: [1, { e: 2 }], f: null })
    expect(make('Flatten$Key').apply(withKey(null, { a: { b: 1 } }))!.key).toEqual({ 'a.b': 1 })
  })
})

describe('header transforms', () => {
  it('HeaderFrom copies or moves fields into headers', () => {
    const copy = make('HeaderFrom$Value', { fields: 'id,name', headers: 'h_id,h_name', operation: 'copy' }).apply(withValue(valueSchema, order()))!
    expect(copy.headers.map((h) => [h.key, h.value, h.schema?.type])).toEqual([['h_id', 7, 'INT64'], ['h_name', 'Ada', 'STRING']])
    expect(copy.valueSchema).toBe(valueSchema)
    const move = make('HeaderFrom$Value', { fields: 'id', headers: 'h_id', operation: 'move' }).apply(withValue(valueSchema, order()))!
    expect(fieldsOf(move.valueSchema)).toEqual(['name:STRING?', 'amount:FLOAT64', 'inner:STRUCT?'])
    const plain = make('HeaderFrom$Key', { fields: 'a', headers: 'ha', operation: 'move' }).apply(withKey(null, { a: 1, b: 2 }))!
    expect([plain.key, plain.headers]).toEqual([{ b: 2 }, [{ key: 'ha', schema: null, value: 1 }]])
    expect(() => make('HeaderFrom$Value', { fields: 'a,b', headers: 'h', operation: 'copy' })).toThrow(/same number of elements/)
  })

  it('InsertHeader adds a typed literal; DropHeaders removes by key', () => {
    const withHeader = make('InsertHeader', { header: 'v', 'value.literal': '42' }).apply(record())!
    expect(withHeader.headers).toEqual([{ key: 'v', schema: Schemas.INT8, value: 42 }])
    const input = record({ headers: [{ key: 'a', schema: null, value: 1 }, { key: 'b', schema: null, value: 2 }, { key: 'a', schema: null, value: 3 }] })
    expect(make('DropHeaders', { headers: 'a' }).apply(input)!.headers).toEqual([{ key: 'b', schema: null, value: 2 }])
  })
})
