import { describe, expect, it, vi } from 'vitest'
import { InMemorySchemaRegistry, SerdesError, serdes } from '../../serdes/index.ts'

const paymentV1 = {
  type: 'record', name: 'Payment', namespace: 'shop',
  fields: [{ name: 'id', type: 'string' }, { name: 'cents', type: 'int' }],
}
const paymentV2 = {
  ...paymentV1,
  fields: [...paymentV1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
}
interface PaymentV1 { id: string; cents: number }
interface PaymentV2 extends PaymentV1 { currency: string }

describe('avro serde', () => {
  it('writes magic 0, the registered id and the Avro datum, and reads it back', async () => {
    const registry = new InMemorySchemaRegistry()
    await registry.register('other-value', { schemaType: 'AVRO', schema: '"string"' })
    const serde = serdes.avro<PaymentV1>({ registry, schema: paymentV1 })
    const bytes = await serde.serialize('payments', { id: 'a', cents: 1 })
    // id 2; string "a" = zig-zag length 2, 'a'; int 1 = zig-zag 2
    expect(bytes).toEqual(Buffer.from('00000000020261' + '02', 'hex'))
    expect(await serde.deserialize('payments', bytes)).toEqual({ id: 'a', cents: 1 })
    expect(await registry.getLatest('payments-value')).toMatchObject({ id: 2, version: 1 })
  })

  it('consults the registry once per topic and schema; then answers synchronously', async () => {
    const registry = new InMemorySchemaRegistry()
    const register = vi.spyOn(registry, 'register')
    const getById = vi.spyOn(registry, 'getById')
    const serde = serdes.avro<PaymentV1>({ registry, schema: paymentV1 })
    const first = await Promise.all([serde.serialize('p', { id: 'a', cents: 1 }), serde.serialize('p', { id: 'b', cents: 2 })])
    const again = serde.serialize('p', { id: 'c', cents: 3 })
    expect(again).toBeInstanceOf(Buffer)
    expect(register).toHaveBeenCalledTimes(1)
    const reader = serdes.avro<PaymentV1>({ registry, schema: paymentV1 })
    expect(await reader.deserialize('p', first[0])).toEqual({ id: 'a', cents: 1 })
    expect(reader.deserialize('p', again as Buffer)).toEqual({ id: 'c', cents: 3 })
    expect(getById).toHaveBeenCalledTimes(1)
  })

  it('handles the logical types timestamp-millis, timestamp-micros, date, decimal and uuid', async () => {
    const registry = new InMemorySchemaRegistry()
    const schema = {
      type: 'record', name: 'Event', fields: [
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'atMicros', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
        { name: 'fixedAmount', type: { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 18, scale: 4 } },
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'maybeAt', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
      ],
    }
    const serde = serdes.avro<Record<string, unknown>>({ registry, schema })
    const value = {
      at: new Date('2024-05-06T07:08:09.123Z'),
      atMicros: 1_714_979_289_123_456n,
      day: new Date('2024-02-29T00:00:00Z'),
      amount: '-1234.5',
      fixedAmount: '12.0001',
      id: '123e4567-e89b-12d3-a456-426614174000',
      maybeAt: new Date(5),
    }
    const bytes = (await serde.serialize('events', value))!
    expect(await serde.deserialize('events', bytes)).toEqual({ ...value, amount: '-1234.50' })
    // decimal -1234.50 → unscaled -123450 → two's complement fe 1d c6 (3 bytes), length 3 → zig-zag 06
    expect(bytes.includes(Buffer.from('06fe1dc6', 'hex'))).toBe(true)
    // date 2024-02-29 = day 19782 → zig-zag varint of 19782
    expect(bytes.includes(Buffer.from('8cb502', 'hex'))).toBe(true)
    // Once the id is cached the serde answers (and fails) synchronously.
    expect(() => serde.serialize('events', { ...value, amount: '1.234' })).toThrow(/amount/)
    expect(() => serde.serialize('events', { ...value, id: 'nope' })).toThrow(expect.objectContaining({ code: 'SERDES_SERIALIZATION', topic: 'events', schemaId: 1 }))
  })

  it('reads old records with a reader schema that added a field with a default', async () => {
    const registry = new InMemorySchemaRegistry()
    const writer = serdes.avro<PaymentV1>({ registry, schema: paymentV1 })
    const old = await writer.serialize('payments', { id: 'a', cents: 5 })
    const reader = serdes.avro<PaymentV2>({ registry, schema: paymentV2 })
    expect(await reader.deserialize('payments', old)).toEqual({ id: 'a', cents: 5, currency: 'EUR' })
    const fresh = await reader.serialize('payments', { id: 'b', cents: 6, currency: 'USD' })
    expect(fresh!.readInt32BE(1)).toBe(2)
    // The old reader skips the field it does not know.
    expect(await writer.deserialize('payments', fresh)).toEqual({ id: 'b', cents: 6 })
  })

  it('fails with SERDES_INCOMPATIBLE_SCHEMA when the writer cannot be read as the reader', async () => {
    const registry = new InMemorySchemaRegistry()
    const bytes = await serdes.avro<PaymentV1>({ registry, schema: paymentV1 }).serialize('p', { id: 'a', cents: 1 })
    const noDefault = { ...paymentV1, fields: [...paymentV1.fields, { name: 'currency', type: 'string' }] }
    const reader = serdes.avro({ registry, readerSchema: noDefault })
    await expect(reader.deserialize('p', bytes)).rejects.toMatchObject({ code: 'SERDES_INCOMPATIBLE_SCHEMA', topic: 'p', schemaId: 1 })
  })

  it('decodes with the writer schema when it has no reader schema', async () => {
    const registry = new InMemorySchemaRegistry()
    const bytes = await serdes.avro<PaymentV2>({ registry, schema: paymentV2 }).serialize('p', { id: 'a', cents: 1, currency: 'GBP' })
    expect(await serdes.avro({ registry }).deserialize('p', bytes)).toEqual({ id: 'a', cents: 1, currency: 'GBP' })
  })

  it('names topic and schema id in deserialization failures, and withRecord adds partition and offset', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.avro<PaymentV1>({ registry, schema: paymentV1 })
    const bytes = (await serde.serialize('payments', { id: 'abc', cents: 1 }))!
    let caught: unknown
    try {
      serde.deserialize('payments', bytes.subarray(0, bytes.length - 2))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SerdesError)
    const located = (caught as SerdesError).withRecord({ partition: 2, offset: 17 })
    expect(located).toMatchObject({ code: 'SERDES_DESERIALIZATION', topic: 'payments', schemaId: 1, partition: 2, offset: 17, isKey: false })
    expect(() => serde.deserialize('payments', Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/)
    await expect(serde.deserialize('payments', Buffer.from('0000000063', 'hex'))).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', schemaId: 99 })
    expect(() => serde.deserialize('payments', Buffer.from('7b7d', 'hex'))).toThrow(expect.objectContaining({ code: 'SERDES_DESERIALIZATION' }))
  })

  it('follows the subject name strategies and isKey', async () => {
    const registry = new InMemorySchemaRegistry()
    await serdes.avro({ registry, schema: paymentV1, isKey: true }).serialize('t1', { id: 'a', cents: 1 })
    await serdes.avro({ registry, schema: paymentV1, subjectNameStrategy: 'record' }).serialize('t2', { id: 'a', cents: 1 })
    await serdes.avro({ registry, schema: paymentV1, subjectNameStrategy: 'topic-record' }).serialize('t3', { id: 'a', cents: 1 })
    await serdes.avro({ registry, schema: '"string"', subjectNameStrategy: (topic) => `custom.${topic}` }).serialize('t4', 'x')
    expect(await registry.subjects()).toEqual(['custom.t4', 'shop.Payment', 't1-key', 't3-shop.Payment'])
    // One schema under three subjects: one id.
    expect(new Set([(await registry.getLatest('t1-key')).id, (await registry.getLatest('shop.Payment')).id]).size).toBe(1)
  })

  it('without autoRegister, looks the schema up and fails when it is not registered', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.avro<PaymentV1>({ registry, schema: paymentV1, autoRegister: false })
    await expect(serde.serialize('p', { id: 'a', cents: 1 })).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', subject: 'p-value', topic: 'p' })
    const id = await registry.register('p-value', { schemaType: 'AVRO', schema: JSON.stringify(paymentV1) })
    expect((await serde.serialize('p', { id: 'a', cents: 1 }))!.readInt32BE(1)).toBe(id)
  })

  it('with useLatestVersion, writes with the subject\'s latest schema', async () => {
    const registry = new InMemorySchemaRegistry()
    await registry.register('p-value', { schemaType: 'AVRO', schema: JSON.stringify(paymentV1) })
    const latest = await registry.register('p-value', { schemaType: 'AVRO', schema: JSON.stringify(paymentV2) })
    const serde = serdes.avro<PaymentV2>({ registry, useLatestVersion: true })
    const bytes = await serde.serialize('p', { id: 'a', cents: 1, currency: 'CHF' })
    expect(bytes!.readInt32BE(1)).toBe(latest)
    expect(await serde.deserialize('p', bytes)).toEqual({ id: 'a', cents: 1, currency: 'CHF' })
    expect(() => serdes.avro({ registry, useLatestVersion: true, autoRegister: true })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_CONFIG' }))
  })

  it('rejects an invalid schema when built', () => {
    expect(() => serdes.avro({ registry: new InMemorySchemaRegistry(), schema: { type: 'record', name: 'X' } })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_SCHEMA' }))
  })
})

describe('avro serde across a namespace change', () => {
  it('reads data written with a schema whose namespace differs, as the registry allows', async () => {
    const registry = new InMemorySchemaRegistry()
    const writer = serdes.avro<{ id: number }>({ registry, schema: { type: 'record', name: 'User', namespace: 'old.ns', fields: [{ name: 'id', type: 'int' }] } })
    const reader = serdes.avro<{ id: number }>({ registry, readerSchema: { type: 'record', name: 'User', namespace: 'new.ns', fields: [{ name: 'id', type: 'int' }] } })
    const bytes = await writer.serialize('t', { id: 7 })
    expect(await reader.deserialize('t', bytes)).toEqual({ id: 7 })
  })
})
