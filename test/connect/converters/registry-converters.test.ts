/**
 * Registry converters through an embedded schema registry over `Creek.open` on a temp dir, and
 * through its REST server with `schema.registry.url`.
 */
import { describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { EmbeddedSchemaRegistry, SchemaRegistryServer, serdes } from '../../../serdes/index.ts'
import { Date as ConnectDate, Decimal, Time, Timestamp } from '../../../connect/api/logical-types.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { AvroData } from '../../../connect/converters/avro-data.ts'
import { converterFor } from '../../../connect/converters/converter-registry.ts'
import { JsonConverter } from '../../../connect/converters/json-converter.ts'
import { AvroConverter, JsonSchemaConverter, ProtobufConverter } from '../../../connect/converters/registry-converters.ts'
import { ProtobufData } from '../../../connect/converters/protobuf-data.ts'
import { cleanupAfterEach } from '../../serdes/registry/registry-test-kit.ts'

const cleanup = cleanupAfterEach()

const address = SchemaBuilder.struct().name('com.example.Address').field('street', Schemas.STRING).field('zip', Schemas.OPTIONAL_INT32).build()
const order = SchemaBuilder.struct().name('com.example.Order').version(2).doc('An order')
  .field('id', Schemas.INT64)
  .field('small', Schemas.INT8)
  .field('mid', Schemas.INT16)
  .field('ratio', Schemas.FLOAT32)
  .field('price', Schemas.FLOAT64)
  .field('paid', Schemas.BOOLEAN)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('blob', Schemas.OPTIONAL_BYTES)
  .field('amount', Decimal.schema(2))
  .field('day', ConnectDate.SCHEMA)
  .field('at', Timestamp.SCHEMA)
  .field('time', SchemaBuilder.from(Time.SCHEMA).optional().build())
  .field('tags', SchemaBuilder.array(Schemas.STRING).build())
  .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build())
  .field('counts', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).optional().build())
  .field('home', address)
  .field('work', SchemaBuilder.from(address).optional().build())
  .field('level', SchemaBuilder.int32().defaultValue(3).build())
  .build()

function sample(): Struct {
  return new Struct(order).put('id', 4503599627370496).put('small', -5).put('mid', 300).put('ratio', 0.5).put('price', 12.25).put('paid', true)
    .put('note', null).put('blob', Buffer.from([1, 2])).put('amount', '-1234.50').put('day', new Date(Date.UTC(2024, 0, 2)))
    .put('at', new Date(1_700_000_000_123)).put('time', new Date(45_000_000)).put('tags', ['a', 'b'])
    .put('attrs', new Map([['x', 1]])).put('counts', new Map([[1, 'one'], [2, 'two']]))
    .put('home', new Struct(address).put('street', 'Main').put('zip', 123)).put('work', null).put('level', 4)
}

async function open() {
  const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
  const registry = cleanup.add(await EmbeddedSchemaRegistry.open({ creek }))
  return { creek, registry }
}

describe('AvroData', () => {
  it('maps Connect schemas to Confluent-style Avro and back', () => {
    const data = new AvroData()
    const avro = data.fromConnectSchema(order) as Record<string, any>
    expect(avro).toMatchObject({ type: 'record', name: 'com.example.Order', doc: 'An order', 'connect.name': 'com.example.Order', 'connect.version': 2 })
    const field = (name: string) => avro.fields.find((f: { name: string }) => f.name === name)
    expect(field('small').type).toEqual({ type: 'int', 'connect.type': 'int8' })
    expect(field('note')).toEqual({ name: 'note', type: ['null', 'string'], default: null })
    expect(field('amount').type).toMatchObject({ type: 'bytes', logicalType: 'decimal', precision: 64, scale: 2, 'connect.name': Decimal.LOGICAL_NAME })
    expect(field('counts').type[1].items.name).toBe('io.confluent.connect.avro.MapEntry')
    expect(field('work').type).toEqual(['null', 'com.example.Address'])
    expect(field('level')).toEqual({ name: 'level', type: 'int', default: 3 })
    const unnamed = data.fromConnectSchema(SchemaBuilder.struct().field('a', Schemas.INT32).build()) as Record<string, unknown>
    expect(unnamed.name).toBe('io.confluent.connect.avro.ConnectDefault')
    expect(data.toConnectSchema(JSON.stringify(avro))).toEqual(order)
    expect(data.toConnectSchema(JSON.stringify(unnamed))).toEqual(SchemaBuilder.struct().field('a', Schemas.INT32).build())
  })

  it('rejects general unions and INT64 values avsc cannot hold', () => {
    expect(() => new AvroData().toConnectSchema('["string","int"]')).toThrow(/only a union of one type with null/)
    expect(() => new AvroData().fromConnectValue(Schemas.INT64, 2n ** 60n)).toThrow(/beyond ±2\^52/)
  })
})

describe('AvroConverter', () => {
  it('round-trips every type through an embedded registry and registers the value subject', async () => {
    const { registry } = await open()
    const converter = converterFor('io.confluent.connect.avro.AvroConverter', { registry })
    converter.configure({}, false)
    const bytes = await converter.fromConnectData('orders', [], order, sample())
    expect(bytes![0]).toBe(0)
    expect(bytes!.readInt32BE(1)).toBe(1)
    const latest = await registry.getLatest('orders-value')
    expect(latest).toMatchObject({ id: 1, version: 1, schemaType: 'AVRO' })
    const back = await converter.toConnectData('orders', [], bytes)
    expect(back.schema).toEqual(order)
    expect((back.value as Struct).equals(sample())).toBe(true)
    expect(await converter.fromConnectData('orders', [], order, null)).toBeNull()
    expect(await converter.toConnectData('orders', [], null)).toEqual({ schema: null, value: null })
  })

  it('reads what a plain Avro serde wrote, and a primitive key', async () => {
    const { registry } = await open()
    const schema = { type: 'record', name: 'shop.Payment', fields: [{ name: 'id', type: 'string' }, { name: 'cents', type: 'long' }, { name: 'memo', type: ['null', 'string'], default: null }] }
    const written = await serdes.avro<Record<string, unknown>>({ registry, schema }).serialize('payments', { id: 'p1', cents: 5, memo: null })
    const converter = new AvroConverter({ registry })
    converter.configure({}, false)
    const back = await converter.toConnectData('payments', [], written)
    expect(back.schema!.name).toBe('shop.Payment')
    expect((back.value as Struct).toJSON()).toEqual({ id: 'p1', cents: 5, memo: null })
    const keys = new AvroConverter({ registry })
    keys.configure({}, true)
    const key = await keys.fromConnectData('payments', [], Schemas.STRING, 'k1')
    expect(await registry.getLatest('payments-key')).toMatchObject({ schema: '"string"' })
    expect(await keys.toConnectData('payments', [], key)).toEqual({ schema: Schemas.STRING, value: 'k1' })
  })

  it('talks to a registry at schema.registry.url and honours auto.register.schemas=false', async () => {
    const { creek } = await open()
    const server = cleanup.add(await SchemaRegistryServer.start({ creek, port: 0 }))
    const converter = converterFor('AvroConverter')
    converter.configure({ 'schema.registry.url': server.url }, false)
    const back = await converter.toConnectData('t', [], await converter.fromConnectData('t', [], order, sample()) as Buffer)
    expect((back.value as Struct).equals(sample())).toBe(true)
    const strict = converterFor('avro')
    strict.configure({ 'schema.registry.url': server.url, 'auto.register.schemas': 'false' }, false)
    await expect(strict.fromConnectData('unregistered', [], Schemas.STRING, 'x')).rejects.toMatchObject({ code: 'CONNECT_CONVERSION' })
    expect(() => converterFor('AvroConverter').configure({}, false)).toThrow(/schema.registry.url/)
    await expect(converter.fromConnectData('t', [], null, { a: 1 })).rejects.toThrow(/needs a schema/)
  })
})

describe('JsonSchemaConverter (subset)', () => {
  it('round-trips structs with optional fields, arrays, maps and logical types', async () => {
    const { registry } = await open()
    const schema = SchemaBuilder.struct().name('com.example.Row')
      .field('id', Schemas.INT64).field('name', Schemas.OPTIONAL_STRING).field('ratio', Schemas.FLOAT32).field('blob', Schemas.BYTES)
      .field('amount', Decimal.schema(2)).field('at', Timestamp.SCHEMA).field('tags', SchemaBuilder.array(Schemas.INT16).build())
      .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.BOOLEAN).build()).field('home', address)
      .build()
    const value = new Struct(schema).put('id', 5).put('name', null).put('ratio', 0.5).put('blob', Buffer.from('hi')).put('amount', '12.30')
      .put('at', new Date(1_700_000_000_000)).put('tags', [1, 2]).put('attrs', new Map([['a', true]])).put('home', new Struct(address).put('street', 'x'))
    const converter = new JsonSchemaConverter({ registry })
    converter.configure({}, false)
    const bytes = await converter.fromConnectData('rows', [], schema, value)
    expect(JSON.parse(bytes!.subarray(5).toString())).toMatchObject({ id: 5, name: null, blob: 'aGk=', amount: 12.3 })
    const back = await converter.toConnectData('rows', [], bytes)
    expect(back.schema).toEqual(schema)
    expect((back.value as Struct).equals(value)).toBe(true)
    expect(converterFor('io.confluent.connect.json.JsonSchemaConverter', { registry })).toBeInstanceOf(JsonSchemaConverter)
  })
})

describe('ProtobufConverter (subset)', () => {
  const row = SchemaBuilder.struct().name('shop.Row')
    .field('id', Schemas.INT64).field('name', Schemas.OPTIONAL_STRING).field('count', Schemas.INT32).field('ratio', Schemas.FLOAT64)
    .field('ok', Schemas.BOOLEAN).field('blob', Schemas.BYTES).field('at', SchemaBuilder.from(Timestamp.SCHEMA).optional().build())
    .field('tags', SchemaBuilder.array(Schemas.STRING).build()).field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.INT64).build())
    .field('home', SchemaBuilder.from(address).optional().build())
    .build()

  it('generates a proto3 file', () => {
    const { text, messageName } = new ProtobufData().fromConnectSchema(row)
    expect(messageName).toBe('shop.Row')
    expect(text).toContain('syntax = "proto3";\npackage shop;\nimport "google/protobuf/timestamp.proto";')
    expect(text).toContain('  optional string name = 2;')
    expect(text).toContain('  map<string, int64> attrs = 9;')
    expect(text).toContain('  Home home = 10;\n  message Home {')
    expect(() => new ProtobufData().fromConnectSchema(Schemas.STRING)).toThrow(/only STRUCT/)
    expect(() => new ProtobufData().fromConnectSchema(SchemaBuilder.struct().field('d', Decimal.schema(2)).build())).toThrow(/Decimal/)
  })

  it('round-trips a struct through an embedded registry', async () => {
    const { registry } = await open()
    const converter = converterFor('io.confluent.connect.protobuf.ProtobufConverter', { registry })
    expect(converter).toBeInstanceOf(ProtobufConverter)
    converter.configure({}, false)
    const value = new Struct(row).put('id', 2n ** 60n).put('name', null).put('count', -3).put('ratio', 0.25).put('ok', true)
      .put('blob', Buffer.from([9])).put('at', new Date(1_700_000_000_123)).put('tags', ['a']).put('attrs', new Map([['x', 5]]))
      .put('home', new Struct(SchemaBuilder.from(address).optional().build()).put('street', 'Main').put('zip', null))
    const bytes = await converter.fromConnectData('rows', [], row, value)
    expect(await registry.getLatest('rows-value')).toMatchObject({ schemaType: 'PROTOBUF' })
    const back = await converter.toConnectData('rows', [], bytes)
    // Nested messages are named by their proto full name; everything else comes back as written.
    expect(back.schema!.fields!.map((f) => f.name)).toEqual(row.fields!.map((f) => f.name))
    expect(back.schema!.fields![9].schema.name).toBe('shop.Row.Home')
    expect(back.schema!.fields!.slice(0, 9)).toEqual(row.fields!.slice(0, 9))
    const plain = new JsonConverter()
    plain.configure({ 'schemas.enable': 'false' }, false)
    expect(plain.fromConnectData('t', [], back.schema, back.value)!.toString()).toBe(plain.fromConnectData('t', [], row, value)!.toString())
  })
})
