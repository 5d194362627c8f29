/**
 * Interoperability with an independent implementation of the Confluent wire format and REST API:
 * `@kafkajs/confluent-schema-registry` 3.9 (a test-only dependency), against Creek's own registry
 * server (`SchemaRegistryServer` over `Creek.open`), with Creek's serdes on a `RestSchemaRegistry`.
 *
 * What interoperates, and what does not (each case is asserted below):
 *
 * - Avro: both ways, byte for byte the same framing (magic 0, 4-byte id, binary datum). The
 *   library's avsc has no logical types unless configured, so a `timestamp-millis` that Creek
 *   reads as a `Date` reads there as its underlying number of milliseconds (same bytes).
 * - JSON Schema: both ways (magic 0, id, UTF-8 JSON); both validate.
 * - Protobuf, Creek → library: decodes when the message is the first one of its .proto file, since
 *   Creek writes the message indexes `[0]` as the single byte 0x00 and the library drops leading
 *   0x00 bytes of the payload before decoding with the file's first message. Differences: field
 *   names come back lowerCamelCase (protobufjs without `keepCase`; Creek keeps the declared
 *   names), 64-bit integers as `Long`s. NOT interoperable: a message other than the file's first
 *   (indexes `[1]` are the bytes 0x02 0x02, which the library decodes as part of the payload),
 *   and an empty message (all fields at their defaults: the payload is empty, and the library's
 *   zero-stripping of the lone index byte 0x00 returns `buffer.slice(-1)`, the 0x00 itself).
 * - Protobuf, library → Creek: NOT interoperable. The library writes no message indexes at all
 *   (magic, id, payload), which is not the Confluent format: Creek's deserializer, like
 *   Confluent's Java one, reads the payload's first bytes as the index array and fails
 *   (SERDES_DESERIALIZATION). The same bytes with the missing 0x00 inserted after the id decode.
 * - REST: the library's `register()` (GET /config/{subject} → 40408/404 the first time, POST
 *   /subjects/{subject}/versions, then PUT /config/{subject} with BACKWARD), `getRegistryId`,
 *   `getRegistryIdBySchema`, `getLatestSchemaId` and `getSchema` work against Creek's registry,
 *   and every id agrees with what Creek's client sees.
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Creek } from '../../core/index.ts'
import { RestSchemaRegistry, SchemaRegistryServer, SerdesError, serdes } from '../../serdes/index.ts'
import { tempDir } from '../helpers/temp-dir.ts'

let creek: Creek
let server: SchemaRegistryServer
/** The independent implementation. */
let confluent: SchemaRegistry
/** Creek's REST client, used by Creek's serdes. */
let registry: RestSchemaRegistry

beforeAll(async () => {
  creek = await Creek.open({ dataDir: tempDir('creek-interop-') })
  server = await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 })
  // No retries: a failure should fail the test at once.
  confluent = new SchemaRegistry({ host: server.url, retry: { retries: 0 } })
  registry = new RestSchemaRegistry({ url: server.url })
})

afterAll(async () => {
  await server?.close()
  await creek?.close()
})

const paymentSchema = {
  type: 'record',
  name: 'Payment',
  namespace: 'interop.avro',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
    { name: 'rate', type: 'double' },
    { name: 'paid', type: 'boolean' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attributes', type: { type: 'map', values: 'int' } },
    { name: 'memo', type: ['null', 'string'], default: null },
    { name: 'blob', type: 'bytes' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
}

const payment = {
  id: 'p-1',
  cents: 1_234_567_890_123,
  rate: 1.25,
  paid: true,
  status: 'PAID',
  tags: ['a', 'b'],
  attributes: { x: 1, y: -2 },
  memo: 'thanks',
  blob: Buffer.from([0, 1, 254, 255]),
}
const at = new Date('2024-05-31T12:34:56.789Z')

describe('Avro', () => {
  it('Creek writes, the library reads', async () => {
    const serde = serdes.avro<typeof payment & { at: Date }>({ registry, schema: paymentSchema })
    const bytes = (await serde.serialize('avro-payments', { ...payment, at }))!
    const id = bytes.readUInt32BE(1)
    expect(id).toBe(await confluent.getLatestSchemaId('avro-payments-value'))
    // The library's avsc has no logical types: timestamp-millis reads as its long.
    expect(await confluent.decode(bytes)).toEqual({ ...payment, at: at.getTime() })
  })

  it('the library writes, Creek reads (with the writer schema, and with its own reader schema)', async () => {
    const { id } = await confluent.register({ type: SchemaType.AVRO, schema: JSON.stringify(paymentSchema) }, { subject: 'avro-lib-value' })
    const bytes = await confluent.encode(id, { ...payment, at: at.getTime() })
    expect(bytes[0]).toBe(0)
    expect(bytes.readUInt32BE(1)).toBe(id)
    expect(await serdes.avro({ registry }).deserialize('avro-lib', bytes)).toEqual({ ...payment, at })
    expect(await serdes.avro({ registry, schema: paymentSchema }).deserialize('avro-lib', bytes)).toEqual({ ...payment, at })
  })
})

const SINGLE = `syntax = "proto3";
package interop.proto;

message Order {
  string order_id = 1;
  int64 cents = 2;
  repeated string tags = 3;
  bytes blob = 4;
}
`

const MULTI = `syntax = "proto3";
package interop.multi;

message Order {
  string order_id = 1;
  int64 cents = 2;
}

message Refund {
  string order_id = 1;
  int32 cents = 2;
}
`

/** A protobufjs message as plain JSON (Longs as strings, bytes as base64), for comparisons. */
function plain(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message))
}

describe('Protobuf', () => {
  it('Creek writes the first message of a file ([0], the byte 0x00): the library reads it, with camelCase names', async () => {
    const serde = serdes.protobuf<Record<string, unknown>>({ registry, schema: SINGLE })
    const bytes = (await serde.serialize('proto-orders', { order_id: 'o-1', cents: '9007199254740993', tags: ['x'], blob: Buffer.from([1, 2]) }))!
    expect(bytes[5]).toBe(0) // the message indexes [0]
    const decoded = await confluent.decode(bytes)
    expect(plain(decoded)).toEqual({ orderId: 'o-1', cents: '9007199254740993', tags: ['x'], blob: 'AQI=' })

    // In a file of several messages, the first one still reads.
    const first = serdes.protobuf<Record<string, unknown>>({ registry, schema: MULTI, messageName: 'Order' })
    expect(plain(await confluent.decode((await first.serialize('proto-multi', { order_id: 'o-2', cents: 5 }))!))).toEqual({ orderId: 'o-2', cents: '5' })
  })

  it('NOT interoperable: a message other than the first ([1]), and an empty message, do not read in the library', async () => {
    const refund = serdes.protobuf<Record<string, unknown>>({ registry, schema: MULTI, messageName: 'Refund' })
    const refundBytes = (await refund.serialize('proto-refunds', { order_id: 'r-1', cents: 7 }))!
    expect(refundBytes.subarray(5, 7)).toEqual(Buffer.from([2, 2])) // indexes [1]: count 1, index 1, zig-zag varints
    await expect(confluent.decode(refundBytes)).rejects.toThrow()

    const order = serdes.protobuf<Record<string, unknown>>({ registry, schema: SINGLE })
    const empty = (await order.serialize('proto-orders', {}))!
    expect(empty.subarray(5)).toEqual(Buffer.from([0])) // the index byte, and no payload
    await expect(confluent.decode(empty)).rejects.toThrow()
    // Creek reads both.
    expect(await refund.deserialize('proto-refunds', refundBytes)).toEqual({ order_id: 'r-1', cents: 7 })
    expect(await order.deserialize('proto-orders', empty)).toEqual({ order_id: '', cents: '0', tags: [], blob: Buffer.alloc(0) })
  })

  it('NOT interoperable: the library writes no message indexes, so Creek rejects its bytes (as Confluent\'s deserializer would)', async () => {
    const { id } = await confluent.register({ type: SchemaType.PROTOBUF, schema: SINGLE }, { subject: 'proto-lib-value' })
    const bytes = await confluent.encode(id, { orderId: 'o-9', cents: 5, tags: ['t'], blob: Buffer.from([7]) })
    // magic, id, then the payload at once: field 1 (order_id), tag 0x0a.
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0, 0, 0, 0, id, 0x0a]))
    for (const serde of [serdes.protobuf({ registry, schema: SINGLE }), serdes.protobuf({ registry })]) {
      const error = await Promise.resolve().then(() => serde.deserialize('proto-lib', bytes)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SerdesError)
      expect((error as SerdesError).code).toBe('SERDES_DESERIALIZATION')
    }
    // With the index byte 0x00 a Confluent serializer writes, the same payload reads.
    const framed = Buffer.concat([bytes.subarray(0, 5), Buffer.from([0]), bytes.subarray(5)])
    expect(await serdes.protobuf({ registry }).deserialize('proto-lib', framed))
      .toEqual({ order_id: 'o-9', cents: '5', tags: ['t'], blob: Buffer.from([7]) })
  })
})

const documentSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Document',
  type: 'object',
  properties: { id: { type: 'integer' }, title: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } } },
  required: ['id', 'title'],
  additionalProperties: false,
}
const document = { id: 7, title: 'Hello', labels: ['x'] }

describe('JSON Schema', () => {
  it('Creek writes, the library reads (and validates)', async () => {
    const serde = serdes.jsonSchema<typeof document>({ registry, schema: documentSchema })
    const bytes = (await serde.serialize('json-docs', document))!
    expect(bytes.readUInt32BE(1)).toBe(await confluent.getLatestSchemaId('json-docs-value'))
    expect(await confluent.decode(bytes)).toEqual(document)
  })

  it('the library writes, Creek reads (and validates against the writer schema)', async () => {
    const { id } = await confluent.register({ type: SchemaType.JSON, schema: JSON.stringify(documentSchema) }, { subject: 'json-lib-value' })
    const bytes = await confluent.encode(id, document)
    expect(await serdes.jsonSchema({ registry }).deserialize('json-lib', bytes)).toEqual(document)
    // A record that breaks the schema is refused by Creek's reader, as by the library's writer.
    const invalid = Buffer.concat([bytes.subarray(0, 5), Buffer.from(JSON.stringify({ id: 'x', title: 1 }))])
    await expect(Promise.resolve().then(() => serdes.jsonSchema({ registry }).deserialize('json-lib', invalid))).rejects.toMatchObject({ code: 'SERDES_VALIDATION' })
    await expect(confluent.encode(id, { id: 'x', title: 1 })).rejects.toThrow()
  })
})

describe("the library's REST calls against Creek's registry", () => {
  const userV1 = { type: 'record' as const, name: 'User', namespace: 'interop.rest', fields: [{ name: 'name', type: 'string' }] }
  const userV2 = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int', default: 0 }] }
  const userBreaking = { ...userV1, fields: [...userV1.fields, { name: 'email', type: 'string' }] }

  it('register() sets the subject\'s compatibility on first use, and every id agrees with Creek\'s client', async () => {
    // The first registration: GET /config/users-value answers 40408 (404), so the library
    // registers and then PUTs the subject's level.
    await expect(registry.getConfig('rest-users-value')).rejects.toMatchObject({ registryErrorCode: 40408 })
    const v1 = await confluent.register(userV1, { subject: 'rest-users-value' })
    expect(await registry.getConfig('rest-users-value')).toBe('BACKWARD')
    expect(v1.id).toBe(await registry.register('rest-users-value', { schemaType: 'AVRO', schema: JSON.stringify(userV1) }))
    // The second: the configured level matches, so it registers.
    const v2 = await confluent.register(userV2, { subject: 'rest-users-value', compatibility: COMPATIBILITY.BACKWARD })
    expect(v2.id).not.toBe(v1.id)
    // Idempotent, as Confluent's registry: the same schema keeps its id.
    expect((await confluent.register(userV1, { subject: 'rest-users-value' })).id).toBe(v1.id)

    expect(await confluent.getRegistryId('rest-users-value', 1)).toBe(v1.id)
    expect(await confluent.getRegistryId('rest-users-value', 'latest')).toBe(v2.id)
    expect(await confluent.getLatestSchemaId('rest-users-value')).toBe(v2.id)
    expect(await confluent.getRegistryIdBySchema('rest-users-value', userV2)).toBe(v2.id)
    expect((await registry.lookup('rest-users-value', { schemaType: 'AVRO', schema: JSON.stringify(userV2) })).version).toBe(2)
    expect(await confluent.getSchema(v2.id)).toMatchObject({ name: 'interop.rest.User' })

    // An incompatible schema is refused with Confluent's 409, which the library reports.
    await expect(confluent.register(userBreaking, { subject: 'rest-users-value' })).rejects.toMatchObject({ status: 409 })
    // An unknown subject is a 404.
    await expect(confluent.getLatestSchemaId('rest-nobody')).rejects.toMatchObject({ status: 404 })
  })

  it('a schema Creek\'s serde registered is found by the library under the same id, and the reverse', async () => {
    const serde = serdes.avro({ registry, schema: userV1 })
    const bytes = (await serde.serialize('rest-accounts', { name: 'ada' }))!
    expect(await confluent.getRegistryIdBySchema('rest-accounts-value', userV1)).toBe(bytes.readUInt32BE(1))

    const proto = 'syntax = "proto3";\npackage interop.ids;\nmessage Ping { int32 n = 1; }\n'
    const { id } = await confluent.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: 'rest-pings-value' })
    expect(await registry.register('rest-pings-value', { schemaType: 'PROTOBUF', schema: proto })).toBe(id)
    expect((await registry.getById(id)).schemaType).toBe('PROTOBUF')
  })
})
