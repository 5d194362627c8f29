import { describe, expect, it } from 'vitest'
import { InMemorySchemaRegistry, type Schema } from '../../serdes/index.ts'

const avro = (text: string): Schema => ({ schemaType: 'AVRO', schema: text })

describe('InMemorySchemaRegistry (Confluent id semantics)', () => {
  it('gives global ids from 1, versions per subject from 1', async () => {
    const registry = new InMemorySchemaRegistry()
    expect(await registry.register('a-value', avro('"string"'))).toBe(1)
    expect(await registry.register('a-value', avro('"long"'))).toBe(2)
    expect(await registry.register('b-value', avro('"int"'))).toBe(3)
    expect(await registry.getLatest('a-value')).toMatchObject({ id: 2, subject: 'a-value', version: 2, schemaType: 'AVRO', schema: '"long"' })
    expect(await registry.getVersion('a-value', 1)).toMatchObject({ id: 1, version: 1 })
    expect(await registry.versions('a-value')).toEqual([1, 2])
    expect(await registry.subjects()).toEqual(['a-value', 'b-value'])
  })

  it('deduplicates a schema by type, canonical text and references, across subjects', async () => {
    const registry = new InMemorySchemaRegistry()
    const id = await registry.register('a-value', avro('{"type": "record", "name": "R", "fields": []}'))
    expect(await registry.register('a-value', avro('{"type":"record","name":"R","fields":[]}'))).toBe(id)
    expect(await registry.versions('a-value')).toEqual([1])
    expect(await registry.register('b-value', avro('{ "type":"record", "name":"R", "fields":[] }'))).toBe(id)
    expect(await registry.getLatest('b-value')).toMatchObject({ id, version: 1 })
    expect(await registry.register('c-value', { schemaType: 'JSON', schema: '{"type":"record","name":"R","fields":[]}' })).not.toBe(id)
    expect(await registry.lookup('b-value', avro('{"type":"record","name":"R","fields":[]}'))).toMatchObject({ id, version: 1 })
  })

  it('answers unknown ids, subjects, versions and schemas with SERDES_SCHEMA_NOT_FOUND', async () => {
    const registry = new InMemorySchemaRegistry()
    await registry.register('a-value', avro('"string"'))
    await expect(registry.getById(99)).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', schemaId: 99 })
    await expect(registry.getLatest('nope')).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', subject: 'nope' })
    await expect(registry.getVersion('a-value', 2)).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND' })
    await expect(registry.lookup('a-value', avro('"int"'))).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND' })
    await expect(registry.register('x', { schemaType: 'AVRO', schema: '{', references: [] })).rejects.toMatchObject({ code: 'SERDES_INVALID_SCHEMA' })
    await expect(registry.register('x', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";', references: [{ name: 'a.proto', subject: 'a.proto', version: 1 }] }))
      .rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND' })
  })
})
