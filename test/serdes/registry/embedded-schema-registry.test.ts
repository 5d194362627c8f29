/**
 * `EmbeddedSchemaRegistry`: the registry in-process over `Creek.open`, used by serdes directly,
 * by a producer and a consumer, and served over REST by a server sharing the same node.
 */
import { describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { EmbeddedSchemaRegistry, RegistryError, SchemaRegistryServer, serdes } from '../../../serdes/index.ts'
import { call, cleanupAfterEach, record } from './registry-test-kit.ts'

const cleanup = cleanupAfterEach()

const payment = record('Payment', [{ name: 'id', type: 'string' }, { name: 'cents', type: 'long' }], 'shop')
interface Payment { id: string; cents: number }

describe('EmbeddedSchemaRegistry', () => {
  it('serves serdes, producers and consumers in-process', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const registry = cleanup.add(await EmbeddedSchemaRegistry.open({ creek }))
    expect(registry.topic).toBe('_schemas')
    const producer = creek.producer({ key: serdes.string(), value: serdes.avro<Payment>({ registry, schema: payment }) })
    await producer.send({ topic: 'payments', messages: [{ key: 'a', value: { id: 'p1', cents: 5 } }, { key: 'b', value: { id: 'p2', cents: 7 } }] })
    await producer.close()
    expect(await registry.getLatest('payments-value')).toMatchObject({ id: 1, version: 1, subject: 'payments-value', schemaType: 'AVRO', schema: JSON.stringify(payment) })
    expect(await registry.getById(1)).toEqual({ schemaType: 'AVRO', schema: JSON.stringify(payment), references: [] })

    const consumer = creek.consumer({ key: serdes.string(), value: serdes.avro<Payment>({ registry }), autoOffsetReset: 'earliest' })
    consumer.assign([{ topic: 'payments', partition: 0 }])
    const seen: Payment[] = []
    for await (const message of consumer) {
      seen.push(message.value!)
      if (seen.length === 2) break
    }
    await consumer.close()
    expect(seen).toEqual([{ id: 'p1', cents: 5 }, { id: 'p2', cents: 7 }])
  })

  it('offers the admin API with Confluent error codes', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const registry = cleanup.add(await EmbeddedSchemaRegistry.open({ creek }))
    const schema = { schemaType: 'AVRO' as const, schema: JSON.stringify(payment) }
    expect(await registry.register('s', schema)).toBe(1)
    expect(await registry.register('s', { ...schema, schema: JSON.stringify(payment, null, 2) })).toBe(1)
    expect(await registry.lookup('s', schema)).toMatchObject({ id: 1, version: 1 })
    expect(await registry.subjects()).toEqual(['s'])
    expect(await registry.versions('s')).toEqual([1])
    expect(await registry.testCompatibility('s', { schemaType: 'AVRO', schema: '"string"' })).toMatchObject({ isCompatible: false })
    await expect(registry.register('s', { schemaType: 'AVRO', schema: '"string"' })).rejects.toMatchObject({ code: 'SERDES_INCOMPATIBLE_SCHEMA', errorCode: 40901, subject: 's' })
    await expect(registry.getById(5)).rejects.toBeInstanceOf(RegistryError)
    await expect(registry.getVersion('s', 2)).rejects.toMatchObject({ code: 'SERDES_SCHEMA_NOT_FOUND', errorCode: 40402 })
    await expect(registry.getConfig('s')).rejects.toMatchObject({ errorCode: 40408 })
    expect(await registry.setConfig('NONE', 's')).toBe('NONE')
    expect(await registry.register('s', { schemaType: 'AVRO', schema: '"string"' })).toBe(2)
    expect(await registry.setMode('READONLY')).toBe('READONLY')
    await expect(registry.register('t', schema)).rejects.toMatchObject({ code: 'SERDES_REGISTRY_REJECTED', errorCode: 42205 })
    expect(await registry.deleteMode()).toBe('READONLY')
    expect(await registry.deleteSubject('s')).toEqual([1, 2])
    expect(await registry.deleteSubject('s', { permanent: true })).toEqual([1, 2])
    expect(await registry.schemaTypes()).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
    await expect(EmbeddedSchemaRegistry.open({ creek, timeoutMs: -1 })).rejects.toMatchObject({ code: 'SERDES_INVALID_CONFIG' })
  })

  it('is served over REST by a server sharing the node, and outlives it', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const registry = cleanup.add(await EmbeddedSchemaRegistry.open({ creek }))
    const server = await SchemaRegistryServer.start({ registry, host: '127.0.0.1', port: 0 })
    expect(await registry.register('s', { schemaType: 'AVRO', schema: '"string"' })).toBe(1)
    expect((await call(server.url, 'GET', '/subjects/s/versions/1')).body).toEqual({ subject: 's', version: 1, id: 1, schema: '"string"' })
    expect((await call(server.url, 'POST', '/subjects/t/versions', { schema: '"long"' })).body).toEqual({ id: 2 })
    await server.close()
    expect(await registry.getLatest('t')).toMatchObject({ id: 2 })
    await registry.close()
    await expect(registry.getLatest('t')).resolves.toMatchObject({ id: 2 }) // reads answer from the state
    await expect(registry.register('u', { schemaType: 'AVRO', schema: '"int"' })).rejects.toMatchObject({ errorCode: 50001, retriable: false })
    expect(creek.isClosed).toBe(false)
  })

  it('refuses a registry topic that is not compacted or has several partitions', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const admin = creek.admin()
    await admin.createTopics([
      { topic: 'schemas-deleting', numPartitions: 1, configs: { 'cleanup.policy': 'delete' } },
      { topic: 'schemas-wide', numPartitions: 3, configs: { 'cleanup.policy': 'compact' } },
    ])
    await expect(EmbeddedSchemaRegistry.open({ creek, topic: 'schemas-deleting' })).rejects.toMatchObject({ errorCode: 50001, message: expect.stringMatching(/compact/) })
    await expect(EmbeddedSchemaRegistry.open({ creek, topic: 'schemas-wide' })).rejects.toMatchObject({ errorCode: 50001, message: expect.stringMatching(/exactly 1/) })
    const own = cleanup.add(await EmbeddedSchemaRegistry.open({ creek, topic: 'my-schemas' }))
    expect(await own.register('s', { schemaType: 'AVRO', schema: '"string"' })).toBe(1)
    const [config] = await admin.describeConfigs({ type: 'topic', name: 'my-schemas' }, { keys: ['cleanup.policy'] })
    expect(config.value).toBe('compact')
    await admin.close()
  })
})
