import { describe, expect, it } from 'vitest'
import { InMemorySchemaRegistry, SerdesError, serdes } from '../../serdes/index.ts'

interface Order { id: string; total: number; email?: string; placedAt?: string }

const orderSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: {
    id: { type: 'string' },
    total: { type: 'number', minimum: 0 },
    email: { type: 'string', format: 'email' },
    placedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'total'],
}

describe('json schema serde', () => {
  it('writes magic, id and UTF-8 JSON with a registry', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.jsonSchema<Order>({ registry, schema: orderSchema })
    const bytes = await serde.serialize('orders', { id: 'o', total: 1 })
    expect(bytes).toEqual(Buffer.concat([Buffer.from('0000000001', 'hex'), Buffer.from('{"id":"o","total":1}')]))
    expect(await serde.deserialize('orders', bytes)).toEqual({ id: 'o', total: 1 })
    expect(await registry.getLatest('orders-value')).toMatchObject({ schemaType: 'JSON' })
  })

  it('writes plain JSON without a registry', () => {
    const serde = serdes.jsonSchema<Order>({ schema: orderSchema })
    const bytes = serde.serialize('orders', { id: 'o', total: 1, email: 'a@b.example' }) as Buffer
    expect(bytes.toString()).toBe('{"id":"o","total":1,"email":"a@b.example"}')
    expect(serde.deserialize('orders', bytes)).toEqual({ id: 'o', total: 1, email: 'a@b.example' })
  })

  it('rejects invalid values and records with SERDES_VALIDATION naming the path', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.jsonSchema<Order>({ registry, schema: orderSchema })
    await serde.serialize('orders', { id: 'o', total: 1 })
    let caught: unknown
    try {
      await serde.serialize('orders', { id: 'o', total: -1 })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SerdesError)
    expect(caught).toMatchObject({ code: 'SERDES_VALIDATION', topic: 'orders', schemaId: 1, isKey: false })
    expect((caught as Error).message).toMatch(/\/total must be >= 0/)
    expect(() => serde.serialize('orders', { id: 'o', total: 1, email: 'nope' })).toThrow(/\/email must match format "email"/)
    expect(() => serde.serialize('orders', { total: 1 } as never)).toThrow(/must have required property 'id'/)
    const forged = Buffer.concat([Buffer.from('0000000001', 'hex'), Buffer.from('{"id":"o","total":"x"}')])
    expect(() => serde.deserialize('orders', forged)).toThrow(expect.objectContaining({ code: 'SERDES_VALIDATION', topic: 'orders', schemaId: 1 }))
  })

  it('validates records against the writer schema when it has none of its own', async () => {
    const registry = new InMemorySchemaRegistry()
    await serdes.jsonSchema<Order>({ registry, schema: orderSchema }).serialize('orders', { id: 'o', total: 1 })
    const reader = serdes.jsonSchema<Order>({ registry })
    const bad = Buffer.concat([Buffer.from('0000000001', 'hex'), Buffer.from('{"id":3,"total":1}')])
    await expect(reader.deserialize('orders', bad)).rejects.toMatchObject({ code: 'SERDES_VALIDATION', schemaId: 1 })
    const good = Buffer.concat([Buffer.from('0000000001', 'hex'), Buffer.from('{"id":"o","total":1}')])
    expect(reader.deserialize('orders', good)).toEqual({ id: 'o', total: 1 })
  })

  it('uses the title for record-name strategies and supports 2020-12', async () => {
    const registry = new InMemorySchemaRegistry()
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Tag', type: 'array', prefixItems: [{ type: 'string' }], items: false }
    const serde = serdes.jsonSchema<[string]>({ registry, schema, subjectNameStrategy: 'record' })
    expect(await serde.deserialize('t', await serde.serialize('t', ['x']))).toEqual(['x'])
    expect(() => serde.serialize('t', ['x', 'y'] as never)).toThrow(expect.objectContaining({ code: 'SERDES_VALIDATION' }))
    expect(await registry.subjects()).toEqual(['Tag'])
  })

  it('rejects a broken schema or no schema and no registry when built', () => {
    expect(() => serdes.jsonSchema({ schema: { type: 'nope' } })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_SCHEMA' }))
    expect(() => serdes.jsonSchema({})).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_CONFIG' }))
  })
})
