import { describe, expect, it, vi } from 'vitest'
import { InMemorySchemaRegistry, ProtobufSchema, serdes } from '../../serdes/index.ts'

const MONEY = `
syntax = "proto3";
package common;
message Money {
  string currency = 1;
  int64 units = 2;
}
`

const SHOP = `
syntax = "proto3";
package shop;
import "common/money.proto";
import "google/protobuf/timestamp.proto";

enum Status { STATUS_UNKNOWN = 0; PAID = 1; }

message Customer {
  string name = 1;
}

message Order {
  message Line {
    message Discount { int32 percent = 1; }
    string sku = 1;
    int32 quantity = 2;
    Discount discount = 3;
  }
  enum Channel { WEB = 0; STORE = 1; }
  string id = 1;
  repeated Line lines = 2;
  common.Money total = 3;
  Status status = 4;
  google.protobuf.Timestamp at = 5;
  Channel channel = 6;
}
`
const imports = { 'common/money.proto': MONEY }

interface Customer { name: string }
interface Order {
  id: string
  lines: { sku: string; quantity: number; discount: { percent: number } | null }[]
  total: { currency: string; units: string } | null
  status: string
  at: { seconds: string; nanos: number } | null
  channel: string
}

const order: Order = {
  id: 'o-1',
  lines: [{ sku: 'apple', quantity: 3, discount: { percent: 10 } }, { sku: 'pear', quantity: 1, discount: null }],
  total: { currency: 'EUR', units: '9007199254740993' },
  status: 'PAID',
  at: { seconds: '1700000000', nanos: 5 },
  channel: 'STORE',
}

describe('ProtobufSchema message indexes', () => {
  it('counts message declarations only, per level, in declaration order', () => {
    const schema = new ProtobufSchema(SHOP, [{ name: 'common/money.proto', text: MONEY }])
    expect(schema.indexesOf(schema.messageType('Customer'))).toEqual([0])
    expect(schema.indexesOf(schema.messageType('shop.Order'))).toEqual([1])
    expect(schema.indexesOf(schema.messageType('Order.Line'))).toEqual([1, 0])
    expect(schema.indexesOf(schema.messageType('shop.Order.Line.Discount'))).toEqual([1, 0, 0])
    expect(schema.typeAt([1, 0, 0]).fullName).toBe('.shop.Order.Line.Discount')
    expect(() => schema.typeAt([2])).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION' }))
    expect(() => schema.indexesOf(schema.messageType('common.Money'))).toThrow(/not declared in the main/)
  })

  it('needs every import that is not a well-known file', () => {
    expect(() => new ProtobufSchema(SHOP)).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_SCHEMA', message: expect.stringMatching(/common\/money.proto/) }))
  })
})

describe('protobuf serde', () => {
  it('writes magic, id, the short form [0] and the message for the first message', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.protobuf<Customer>({ registry, schema: SHOP, imports, messageName: 'Customer' })
    const bytes = await serde.serialize('customers', { name: 'Ada' })
    // imports registered first: common/money.proto is id 1, shop is id 2
    expect(bytes).toEqual(Buffer.from('0000000002' + '00' + '0a03416461', 'hex'))
    expect(await serde.deserialize('customers', bytes)).toEqual({ name: 'Ada' })
  })

  it('writes the index path of a nested message', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.protobuf<{ percent: number }>({ registry, schema: SHOP, imports, messageName: 'shop.Order.Line.Discount' })
    const bytes = await serde.serialize('discounts', { percent: 7 })
    // count 3, indexes 1, 0, 0 (zig-zag: 06 02 00 00), then field 1 varint 7
    expect(bytes).toEqual(Buffer.from('0000000002' + '06020000' + '0807', 'hex'))
    expect(await serde.deserialize('discounts', bytes)).toEqual({ percent: 7 })
  })

  it('round-trips a message with nested types, enums, imports, int64 and a well-known type', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.protobuf<Order>({ registry, schema: SHOP, imports, messageName: 'shop.Order' })
    const bytes = (await serde.serialize('orders', order))!
    expect(bytes.subarray(5, 7)).toEqual(Buffer.from('0202', 'hex'))
    expect(await serde.deserialize('orders', bytes)).toEqual(order)
    // The import is its own subject, referenced from the topic's subject.
    expect(await registry.getLatest('orders-value')).toMatchObject({
      schemaType: 'PROTOBUF', references: [{ name: 'common/money.proto', subject: 'common/money.proto', version: 1 }],
    })
    expect(await registry.getLatest('common/money.proto')).toMatchObject({ schema: MONEY })
  })

  it('carries two messages of one file on one topic; a schema-less reader picks each by its indexes', async () => {
    const registry = new InMemorySchemaRegistry()
    const customers = serdes.protobuf<Customer>({ registry, schema: SHOP, imports, messageName: 'Customer', subjectNameStrategy: 'topic-record' })
    const orders = serdes.protobuf<Order>({ registry, schema: SHOP, imports, messageName: 'Order', subjectNameStrategy: 'topic-record' })
    const a = await customers.serialize('mixed', { name: 'Bob' })
    const b = await orders.serialize('mixed', order)
    expect(a!.readInt32BE(1)).toBe(b!.readInt32BE(1))
    expect(await registry.subjects()).toEqual(['common/money.proto', 'mixed-shop.Customer', 'mixed-shop.Order'])
    const getById = vi.spyOn(registry, 'getById')
    const generic = serdes.protobuf<Customer | Order>({ registry })
    expect(await generic.deserialize('mixed', a)).toEqual({ name: 'Bob' })
    expect(generic.deserialize('mixed', b)).toEqual(order)
    expect(getById).toHaveBeenCalledTimes(1)
  })

  it('writes with the latest schema when asked, choosing the message by name', async () => {
    const registry = new InMemorySchemaRegistry()
    await serdes.protobuf<Customer>({ registry, schema: SHOP, imports, messageName: 'Customer' }).serialize('c', { name: 'x' })
    const serde = serdes.protobuf<Customer>({ registry, messageName: 'Customer', useLatestVersion: true })
    const bytes = await serde.serialize('c', { name: 'Eve' })
    expect(await serde.deserialize('c', bytes)).toEqual({ name: 'Eve' })
  })

  it('fails with typed errors', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.protobuf<Customer>({ registry, schema: SHOP, imports, messageName: 'Customer' })
    const orders = serdes.protobuf<Order>({ registry, schema: SHOP, imports, messageName: 'Order' })
    await expect(orders.serialize('o', { ...order, lines: 'x' } as never)).rejects.toMatchObject({ code: 'SERDES_SERIALIZATION', topic: 'o' })
    await serde.serialize('c', { name: 'ok' })
    expect(() => serde.deserialize('c', Buffer.from('00000000020002ff', 'hex'))).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION', topic: 'c', schemaId: 2 }))
    expect(() => serdes.protobuf({ registry, schema: SHOP, imports, messageName: 'Nope' })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_SCHEMA' }))
    expect(() => serdes.protobuf({ registry, schema: 'message {', imports })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_SCHEMA' }))
  })
})
