/**
 * `RestSchemaRegistry` against Creek's registry server: serdes round-trip through it, cached
 * answers do not reach HTTP, Confluent errors become SerdesErrors with the registry's code, and
 * the admin methods drive the server.
 */
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { RegistryError, RestSchemaRegistry, type Schema, SerdesError, serdes } from '../../../serdes/index.ts'
import { cleanupAfterEach, record, startRegistry } from './registry-test-kit.ts'

const cleanup = cleanupAfterEach()

interface Counted {
  readonly fetch: typeof globalThis.fetch
  readonly calls: string[]
  readonly headers: Headers[]
}

/** A fetch that records `METHOD /path` of every request. */
function counting(): Counted {
  const calls: string[] = []
  const headers: Headers[] = []
  return {
    calls,
    headers,
    fetch: async (input, init) => {
      const url = new URL(String(input))
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`)
      headers.push(new Headers(init?.headers))
      return fetch(input, init)
    },
  }
}

const paymentSchema = record('Payment', [{ name: 'id', type: 'string' }, { name: 'cents', type: 'long' }], 'shop')
interface Payment { id: string; cents: number }

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('RestSchemaRegistry', () => {
  it('round-trips Avro through the server and asks each schema once', async () => {
    const { server } = await startRegistry(cleanup)
    const counted = counting()
    const registry = new RestSchemaRegistry({ url: server.url, fetch: counted.fetch })
    const writer = serdes.avro<Payment>({ registry, schema: paymentSchema })
    const bytes = await writer.serialize('payments', { id: 'p1', cents: 250 })
    expect(bytes!.readUInt32BE(1)).toBe(1)
    expect(counted.calls).toEqual(['POST /subjects/payments-value/versions'])
    await writer.serialize('payments', { id: 'p2', cents: 1 })
    // Another serde on the same client: registering and reading the id are cache hits.
    const other = serdes.avro<Payment>({ registry, schema: paymentSchema })
    await other.serialize('payments', { id: 'p3', cents: 3 })
    expect(await other.deserialize('payments', bytes)).toEqual({ id: 'p1', cents: 250 })
    expect(counted.calls).toEqual(['POST /subjects/payments-value/versions'])

    // A fresh client fetches the writer schema by id once.
    const reader = counting()
    const readerRegistry = new RestSchemaRegistry({ url: server.url, fetch: reader.fetch })
    const generic = serdes.avro<Payment>({ registry: readerRegistry })
    expect(await generic.deserialize('payments', bytes)).toEqual({ id: 'p1', cents: 250 })
    expect(await serdes.avro<Payment>({ registry: readerRegistry }).deserialize('payments', bytes)).toEqual({ id: 'p1', cents: 250 })
    expect(reader.calls).toEqual(['GET /schemas/ids/1'])
  })

  it('round-trips Protobuf with an import (a reference) and JSON Schema', async () => {
    const { server } = await startRegistry(cleanup)
    const counted = counting()
    const registry = new RestSchemaRegistry({ url: server.url, fetch: counted.fetch })
    const money = 'syntax = "proto3";\npackage common;\nmessage Money { int64 cents = 1; string currency = 2; }\n'
    const order = 'syntax = "proto3";\npackage shop;\nimport "common/money.proto";\nmessage Order { string id = 1; common.Money total = 2; }\n'
    const proto = serdes.protobuf<Record<string, unknown>>({ registry, schema: order, imports: { 'common/money.proto': money }, messageName: 'shop.Order' })
    const bytes = await proto.serialize('orders', { id: 'o1', total: { cents: 5, currency: 'EUR' } })
    // The import is registered, then looked up for its version (the reference), then the main file.
    expect(counted.calls).toEqual(['POST /subjects/common%2Fmoney.proto/versions', 'POST /subjects/common%2Fmoney.proto', 'POST /subjects/orders-value/versions'])
    await proto.serialize('orders', { id: 'o2' })
    expect(counted.calls).toHaveLength(3)

    const fresh = counting()
    const readerRegistry = new RestSchemaRegistry({ url: server.url, fetch: fresh.fetch })
    const reader = serdes.protobuf<Record<string, unknown>>({ registry: readerRegistry })
    expect(await reader.deserialize('orders', bytes)).toMatchObject({ id: 'o1', total: { cents: '5', currency: 'EUR' } })
    expect(fresh.calls).toEqual(['GET /schemas/ids/2', 'GET /subjects/common%2Fmoney.proto/versions/1'])

    const json = serdes.jsonSchema<{ name: string }>({ registry, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
    const doc = await json.serialize('people', { name: 'Ada' })
    expect(await serdes.jsonSchema<{ name: string }>({ registry: readerRegistry }).deserialize('people', doc)).toEqual({ name: 'Ada' })
    await expect(Promise.resolve().then(() => json.serialize('people', {} as { name: string }))).rejects.toMatchObject({ code: 'SERDES_VALIDATION' })
  })

  it('caches ids, schemas, versions and lookups but not latest (unless asked)', async () => {
    const { server } = await startRegistry(cleanup)
    const counted = counting()
    const registry = new RestSchemaRegistry({ url: server.url, fetch: counted.fetch })
    const schema: Schema = { schemaType: 'AVRO', schema: JSON.stringify(paymentSchema) }
    const [a, b] = await Promise.all([registry.register('s', schema), registry.register('s', { ...schema, schema: JSON.stringify(paymentSchema, null, 1) })])
    expect([a, b]).toEqual([1, 1])
    expect(counted.calls).toEqual(['POST /subjects/s/versions'])
    await registry.getById(1)
    await registry.getVersion('s', 1)
    await registry.getVersion('s', 1)
    await registry.lookup('s', schema)
    await registry.lookup('s', schema)
    await registry.getLatest('s')
    await registry.getLatest('s')
    expect(counted.calls).toEqual([
      'POST /subjects/s/versions', 'GET /subjects/s/versions/1', 'POST /subjects/s', 'GET /subjects/s/versions/latest', 'GET /subjects/s/versions/latest',
    ])
    const ttl = counting()
    const briefly = new RestSchemaRegistry({ url: server.url, fetch: ttl.fetch, latestTtlMs: 60_000 })
    expect(await briefly.getLatest('s')).toMatchObject({ id: 1, version: 1, subject: 's', schemaType: 'AVRO' })
    await briefly.getLatest('s')
    expect(ttl.calls).toEqual(['GET /subjects/s/versions/latest'])
    // Failures are not cached.
    await expect(registry.getById(42)).rejects.toBeInstanceOf(RegistryError)
    await expect(registry.getById(42)).rejects.toBeInstanceOf(RegistryError)
    expect(counted.calls.filter((c) => c === 'GET /schemas/ids/42')).toHaveLength(2)
  })

  it('turns Confluent errors into SerdesErrors carrying the registry code', async () => {
    const { server } = await startRegistry(cleanup)
    const registry = new RestSchemaRegistry({ url: server.url })
    await expect(registry.getById(99)).rejects.toMatchObject({
      code: 'SERDES_SCHEMA_NOT_FOUND', errorCode: 40403, registryErrorCode: 40403, retriable: false, schemaId: 99,
    })
    await expect(registry.getLatest('nobody')).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', errorCode: 40401, subject: 'nobody' })
    await expect(registry.register('s', { schemaType: 'AVRO', schema: '{"type":"record"}' })).rejects.toMatchObject({ code: 'SERDES_INVALID_SCHEMA', errorCode: 42201 })
    await registry.register('s', { schemaType: 'AVRO', schema: JSON.stringify(paymentSchema) })
    await registry.register('s-value', { schemaType: 'AVRO', schema: JSON.stringify(paymentSchema) })
    const incompatible = await registry.register('s', { schemaType: 'AVRO', schema: '"string"' }).catch((error: unknown) => error)
    expect(incompatible).toBeInstanceOf(SerdesError)
    expect(incompatible).toMatchObject({ code: 'SERDES_INCOMPATIBLE_SCHEMA', errorCode: 40901, httpStatus: 409 })
    await expect(registry.setConfig('SIDEWAYS' as never)).rejects.toMatchObject({ code: 'SERDES_REGISTRY_REJECTED', errorCode: 42203 })
    // Through a serde, the error keeps its registry code and gains the serde's context.
    const serde = serdes.avro<string>({ registry, schema: '"string"' })
    const failed = await Promise.resolve().then(() => serde.serialize('s', 'x')).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(RegistryError)
    expect(failed).toMatchObject({ code: 'SERDES_INCOMPATIBLE_SCHEMA', errorCode: 40901, topic: 's', subject: 's-value' })
  })

  it('reports an unreachable registry or a 5xx as retriable, and fails over between URLs', async () => {
    const { server } = await startRegistry(cleanup)
    const dead = `http://127.0.0.1:${await deadPort()}`
    await expect(new RestSchemaRegistry({ url: dead, timeoutMs: 2000 }).getById(1)).rejects.toMatchObject({ code: 'SERDES_REGISTRY_UNAVAILABLE', retriable: true })
    const failing = new RestSchemaRegistry({
      url: server.url,
      fetch: async () => new Response(JSON.stringify({ error_code: 50001, message: 'Error while storing' }), { status: 500 }),
    })
    await expect(failing.getById(1)).rejects.toMatchObject({ code: 'SERDES_REGISTRY_UNAVAILABLE', retriable: true, errorCode: 50001 })
    const both = new RestSchemaRegistry({ url: `${dead},${server.url}` })
    expect(await both.register('s', { schemaType: 'AVRO', schema: '"string"' })).toBe(1)
    expect(await both.subjects()).toEqual(['s'])
  })

  it('sends basic auth from the URL userinfo or the auth option', async () => {
    const { server } = await startRegistry(cleanup)
    const counted = counting()
    const withUserinfo = new RestSchemaRegistry({ url: server.url.replace('http://', 'http://ada:s%3Acret@'), fetch: counted.fetch })
    await withUserinfo.subjects()
    expect(counted.headers[0].get('authorization')).toBe(`Basic ${Buffer.from('ada:s:cret').toString('base64')}`)
    expect(counted.headers[0].get('accept')).toContain('application/vnd.schemaregistry.v1+json')
    const withOption = new RestSchemaRegistry({ url: server.url, auth: { username: 'bob', password: 'pw' }, fetch: counted.fetch })
    await withOption.subjects()
    expect(counted.headers[1].get('authorization')).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`)
    expect(() => new RestSchemaRegistry({ url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'SERDES_INVALID_CONFIG' }))
  })

  it('drives the admin API: subjects, versions, deletes, config, mode, compatibility', async () => {
    const { server } = await startRegistry(cleanup)
    const registry = new RestSchemaRegistry({ url: server.url })
    const v1: Schema = { schemaType: 'AVRO', schema: JSON.stringify(paymentSchema) }
    const v2: Schema = { schemaType: 'AVRO', schema: JSON.stringify(record('Payment', [{ name: 'id', type: 'string' }, { name: 'cents', type: 'long' }, { name: 'note', type: 'string', default: '' }], 'shop')) }
    const bad: Schema = { schemaType: 'AVRO', schema: JSON.stringify(record('Payment', [{ name: 'id', type: 'string' }, { name: 'extra', type: 'int' }], 'shop')) }
    expect(await registry.schemaTypes()).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
    expect(await registry.register('pay', v1)).toBe(1)
    expect(await registry.testCompatibility('pay', v2)).toEqual({ isCompatible: true, messages: [] })
    const check = await registry.testCompatibility('pay', bad, 'all')
    expect(check.isCompatible).toBe(false)
    expect(check.messages.length).toBeGreaterThan(0)
    expect(await registry.register('pay', v2)).toBe(2)
    expect(await registry.subjects()).toEqual(['pay'])
    expect(await registry.versions('pay')).toEqual([1, 2])
    expect(await registry.versionsOfId(2)).toEqual([{ subject: 'pay', version: 2 }])
    expect(await registry.referencedBy('pay', 1)).toEqual([])
    expect(await registry.getConfig()).toBe('BACKWARD')
    expect(await registry.setConfig('FULL', 'pay')).toBe('FULL')
    expect(await registry.getConfig('pay')).toBe('FULL')
    expect(await registry.deleteConfig('pay')).toBe('FULL')
    await expect(registry.getConfig('pay')).rejects.toMatchObject({ errorCode: 40408 })
    expect(await registry.getConfig('pay', { defaultToGlobal: true })).toBe('BACKWARD')
    expect(await registry.setMode('READONLY', 'pay')).toBe('READONLY')
    expect(await registry.getMode('pay')).toBe('READONLY')
    await expect(registry.deleteVersion('pay', 1)).rejects.toMatchObject({ errorCode: 42205 })
    expect(await registry.deleteMode('pay')).toBe('READONLY')
    expect(await registry.getMode()).toBe('READWRITE')
    expect(await registry.deleteVersion('pay', 1)).toBe(1)
    expect(await registry.versions('pay', { deleted: true })).toEqual([1, 2])
    expect(await registry.deleteVersion('pay', 1, { permanent: true })).toBe(1)
    expect(await registry.deleteSubject('pay')).toEqual([2])
    expect(await registry.subjects({ deleted: true })).toEqual(['pay'])
    expect(await registry.deleteSubject('pay', { permanent: true })).toEqual([2])
    expect(await registry.subjects({ deleted: true })).toEqual([])
  })
})
