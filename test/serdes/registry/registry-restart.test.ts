/**
 * The registry's state lives in the `_schemas` topic: closing the server and the Creek instance
 * and opening the same data dir again must give back every id, version, config, mode and
 * delete, also after the topic was compacted, and never hand out an id again.
 */
import { describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { SchemaRegistryServer } from '../../../serdes/index.ts'
import { type HttpAnswer, avro, call, cleanupAfterEach, record } from './registry-test-kit.ts'

const cleanup = cleanupAfterEach()

type Sr = (method: string, path: string, body?: unknown) => Promise<HttpAnswer>

async function open(dataDir: string): Promise<{ creek: Creek; server: SchemaRegistryServer; sr: Sr }> {
  const creek = cleanup.add(await Creek.open({ dataDir }))
  const server = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 }))
  return { creek, server, sr: (method, path, body) => call(server.url, method, path, body) }
}

async function ok(sr: Sr, method: string, path: string, body?: unknown): Promise<any> {
  const answer = await sr(method, path, body)
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(200)
  return answer.body
}

/** Everything a client can see, through the REST API. */
async function dump(sr: Sr, maxId: number): Promise<Record<string, unknown>> {
  const subjects: string[] = await ok(sr, 'GET', '/subjects?deleted=true')
  const out: Record<string, unknown> = {
    live: await ok(sr, 'GET', '/subjects'),
    config: await ok(sr, 'GET', '/config'),
    mode: await ok(sr, 'GET', '/mode'),
  }
  for (const subject of subjects) {
    const versions: number[] = await ok(sr, 'GET', `/subjects/${subject}/versions?deleted=true`)
    out[subject] = {
      versions: await Promise.all(versions.map((v) => ok(sr, 'GET', `/subjects/${subject}/versions/${v}?deleted=true`))),
      live: (await sr('GET', `/subjects/${subject}/versions`)).body,
      config: (await sr('GET', `/config/${subject}`)).body,
      mode: (await sr('GET', `/mode/${subject}`)).body,
    }
  }
  for (let id = 1; id <= maxId; id++) out[`id ${id}`] = (await sr('GET', `/schemas/ids/${id}`)).body
  return out
}

const user = (extra: number): Record<string, unknown> =>
  record('User', [{ name: 'name', type: 'string' }, ...Array.from({ length: extra }, (_, i) => ({ name: `f${i}`, type: 'int', default: i }))], 'com.acme')

/** A history with every kind of record: registrations, references, configs, modes, soft and hard deletes. */
async function writeHistory(sr: Sr): Promise<void> {
  expect(await ok(sr, 'POST', '/subjects/users-value/versions', avro(user(0)))).toEqual({ id: 1 })
  expect(await ok(sr, 'POST', '/subjects/users-value/versions', avro(user(1)))).toEqual({ id: 2 })
  expect(await ok(sr, 'POST', '/subjects/users-value/versions', avro(user(2)))).toEqual({ id: 3 })
  expect(await ok(sr, 'POST', '/subjects/copy-value/versions', avro(user(1)))).toEqual({ id: 2 })
  expect(await ok(sr, 'POST', '/subjects/names/versions', avro('"string"'))).toEqual({ id: 4 })
  expect(await ok(sr, 'POST', '/subjects/proto/versions', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { int32 a = 1; }' })).toEqual({ id: 5 })
  expect(await ok(sr, 'POST', '/subjects/with-ref/versions', {
    ...avro(record('Holder', [{ name: 'user', type: 'com.acme.User' }], 'com.acme')),
    references: [{ name: 'com.acme.User', subject: 'users-value', version: 1 }],
  })).toEqual({ id: 6 })
  expect(await ok(sr, 'POST', '/subjects/doomed/versions', avro('"bytes"'))).toEqual({ id: 7 })
  await ok(sr, 'PUT', '/config', { compatibility: 'FULL_TRANSITIVE' })
  await ok(sr, 'PUT', '/config/names', { compatibility: 'NONE' })
  await ok(sr, 'PUT', '/config/users-value', { compatibility: 'BACKWARD' })
  await ok(sr, 'PUT', '/mode/proto', { mode: 'READONLY' })
  expect(await ok(sr, 'DELETE', '/subjects/users-value/versions/2')).toBe(2)
  expect(await ok(sr, 'DELETE', '/subjects/copy-value')).toEqual([1])
  // The highest id goes for good: it must not come back for another schema.
  expect(await ok(sr, 'DELETE', '/subjects/doomed')).toEqual([1])
  expect(await ok(sr, 'DELETE', '/subjects/doomed?permanent=true')).toEqual([1])
}

/** The keys of the records left in `_schemas`, read from the start. */
async function readKeys(creek: Creek): Promise<string[]> {
  const keys: string[] = []
  const consumer = creek.consumer({ autoOffsetReset: 'earliest' })
  consumer.assign([{ topic: '_schemas', partition: 0 }])
  let last = Date.now()
  await consumer.run({ eachMessage: async ({ message }) => { keys.push(message.key?.toString() ?? ''); last = Date.now() } })
  while (Date.now() - last < 300) await new Promise((resolve) => setTimeout(resolve, 50))
  await consumer.close()
  return keys
}

describe('registry restart', () => {
  it('keeps every id, version, config, mode and delete, and never reuses an id', async () => {
    const dataDir = cleanup.dir()
    const first = await open(dataDir)
    await writeHistory(first.sr)
    const before = await dump(first.sr, 8)
    expect(before['id 7']).toMatchObject({ error_code: 40403 })
    await first.server.close()
    await first.creek.close()

    const second = await open(dataDir)
    expect(await dump(second.sr, 8)).toEqual(before)
    // A new schema gets a fresh id, above the permanently deleted 7.
    expect(await ok(second.sr, 'POST', '/subjects/names/versions', avro('"long"'))).toEqual({ id: 8 })
    expect(await ok(second.sr, 'GET', '/subjects/names/versions')).toEqual([1, 2])
    // A deleted subject's versions keep counting; its schema gets its old id back.
    expect(await ok(second.sr, 'POST', '/subjects/doomed/versions', avro('"bytes"'))).toEqual({ id: 7 })
    expect(await ok(second.sr, 'GET', '/subjects/doomed/versions')).toEqual([2])
    expect((await second.sr('POST', '/subjects/proto/versions', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { int32 b = 2; }' })).body.error_code).toBe(42205)
  })

  it('rebuilds the same state from a compacted topic', async () => {
    const dataDir = cleanup.dir()
    const first = await open(dataDir)
    // Recreate the topic with tiny segments and eager cleaning, so compaction really rewrites it
    // (tombstones included: delete.retention.ms=0).
    await first.server.close()
    const admin = first.creek.admin()
    await admin.deleteTopics(['_schemas'])
    await admin.createTopics([{
      topic: '_schemas', numPartitions: 1,
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': 1024, 'min.cleanable.dirty.ratio': 0, 'delete.retention.ms': 0, 'min.compaction.lag.ms': 0 },
    }])
    await admin.close()
    const server = cleanup.add(await SchemaRegistryServer.start({ creek: first.creek, host: '127.0.0.1', port: 0 }))
    const sr: Sr = (method, path, body) => call(server.url, method, path, body)
    await writeHistory(sr)
    // Overwrite the same keys many times so that compaction has something to drop.
    for (let i = 0; i < 10; i++) await ok(sr, 'PUT', '/config/names', { compatibility: i % 2 === 0 ? 'FORWARD' : 'NONE' })
    const before = await dump(sr, 8)
    const sizeBefore = (await first.creek.admin().fetchTopicOffsets('_schemas'))[0].latest
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await first.creek.broker.logs.runCleaner()).toBeGreaterThanOrEqual(1)
    // Compaction dropped superseded records and the tombstones of 'doomed'; the claim of its id stayed.
    const keys = await readKeys(first.creek)
    expect(keys.length).toBeLessThan(sizeBefore)
    expect(keys.filter((k) => k.includes('"subject":"doomed"'))).toEqual([])
    expect(keys.filter((k) => k.includes('"keytype":"CREEK_CLAIM"')).length).toBe(8) // one per version registered
    await server.close()
    await first.creek.close()

    const second = await open(dataDir)
    expect(await dump(second.sr, 8)).toEqual(before)
    expect(await ok(second.sr, 'POST', '/subjects/names/versions', avro('"long"'))).toEqual({ id: 8 })
    expect(sizeBefore).toBeGreaterThan(20)
  })
})
