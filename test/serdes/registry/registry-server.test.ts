/**
 * REST contract of the registry server, with plain `fetch` and the JSON bodies Confluent Schema
 * Registry documents for each endpoint.
 */
import { describe, expect, it } from 'vitest'
import { avro, cleanupAfterEach, record, startRegistry } from './registry-test-kit.ts'

const cleanup = cleanupAfterEach()
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

const userV1 = record('User', [{ name: 'name', type: 'string' }], 'com.acme')
const userV2 = record('User', [{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }], 'com.acme')
const userNoDefault = record('User', [{ name: 'name', type: 'string' }, { name: 'email', type: 'string' }], 'com.acme')

describe('registry server: register, versions, lookups', () => {
  it('registers, answers idempotently, shares ids across subjects and serves versions', async () => {
    const { sr } = await startRegistry(cleanup)
    expect(await sr('GET', '/')).toMatchObject({ status: 200, body: {} })
    expect(await sr('GET', '/subjects')).toMatchObject({ status: 200, body: [] })

    const first = await sr('POST', '/subjects/users-value/versions', avro(userV1))
    expect(first).toMatchObject({ status: 200, contentType: CONTENT_TYPE, body: { id: 1 } })
    // Same schema, other formatting: same id, no new version.
    expect((await sr('POST', '/subjects/users-value/versions', { schema: JSON.stringify(userV1, null, 2) })).body).toEqual({ id: 1 })
    expect((await sr('GET', '/subjects/users-value/versions')).body).toEqual([1])
    // Same schema under another subject: same id, version 1 there.
    expect((await sr('POST', '/subjects/other-value/versions', avro(userV1))).body).toEqual({ id: 1 })
    expect((await sr('POST', '/subjects/users-value/versions', avro(userV2))).body).toEqual({ id: 2 })

    expect((await sr('GET', '/subjects')).body).toEqual(['other-value', 'users-value'])
    expect((await sr('GET', '/subjects?subjectPrefix=users')).body).toEqual(['users-value'])
    expect((await sr('GET', '/subjects/users-value/versions')).body).toEqual([1, 2])

    const v1 = await sr('GET', '/subjects/users-value/versions/1')
    expect(v1).toMatchObject({ status: 200, contentType: CONTENT_TYPE })
    expect(v1.body).toEqual({ subject: 'users-value', version: 1, id: 1, schema: JSON.stringify(userV1) })
    const latest = { subject: 'users-value', version: 2, id: 2, schema: JSON.stringify(userV2) }
    expect((await sr('GET', '/subjects/users-value/versions/latest')).body).toEqual(latest)
    expect((await sr('GET', '/subjects/users-value/versions/-1')).body).toEqual(latest)
    expect((await sr('GET', '/subjects/other-value/versions/1')).body).toEqual({ subject: 'other-value', version: 1, id: 1, schema: JSON.stringify(userV1) })
    const raw = await sr('GET', '/subjects/users-value/versions/2/schema')
    expect(raw.text).toBe(JSON.stringify(userV2))
  })

  it('looks a schema up under a subject, and serves schemas by id', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/users-value/versions', avro(userV1))
    await sr('POST', '/subjects/copy/versions', avro(userV1))
    expect((await sr('POST', '/subjects/users-value', avro(userV1))).body)
      .toEqual({ subject: 'users-value', version: 1, id: 1, schema: JSON.stringify(userV1) })
    expect((await sr('POST', '/subjects/users-value', avro(userV2))).body).toEqual({ error_code: 40403, message: 'Schema not found' })
    expect(await sr('POST', '/subjects/nobody', avro(userV1))).toMatchObject({ status: 404, body: { error_code: 40401, message: "Subject 'nobody' not found." } })

    expect(await sr('GET', '/schemas/ids/1')).toMatchObject({ status: 200, body: { schema: JSON.stringify(userV1) } })
    expect((await sr('GET', '/schemas/ids/1')).body).not.toHaveProperty('schemaType')
    expect((await sr('GET', '/schemas/ids/1/schema')).text).toBe(JSON.stringify(userV1))
    expect((await sr('GET', '/schemas/ids/1/subjects')).body).toEqual(['copy', 'users-value'])
    expect((await sr('GET', '/schemas/ids/1/versions')).body).toEqual([{ subject: 'copy', version: 1 }, { subject: 'users-value', version: 1 }])
    expect(await sr('GET', '/schemas/ids/99')).toMatchObject({ status: 404, body: { error_code: 40403, message: 'Schema 99 not found' } })
    expect(await sr('GET', '/schemas/ids/abc')).toMatchObject({ status: 404, body: { error_code: 40403 } })
    expect((await sr('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
    expect((await sr('GET', '/schemas')).body).toEqual([
      { subject: 'copy', version: 1, id: 1, schema: JSON.stringify(userV1) },
      { subject: 'users-value', version: 1, id: 1, schema: JSON.stringify(userV1) },
    ])
  })

  it('serves Protobuf and JSON Schema with their schemaType', async () => {
    const { sr } = await startRegistry(cleanup)
    const proto = 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; int64 cents = 2; }'
    const json = JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] })
    expect((await sr('POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: proto })).body).toEqual({ id: 1 })
    expect((await sr('POST', '/subjects/docs-value/versions', { schemaType: 'JSON', schema: json })).body).toEqual({ id: 2 })
    expect((await sr('GET', '/schemas/ids/1')).body).toEqual({ schema: proto, schemaType: 'PROTOBUF' })
    expect((await sr('GET', '/schemas/ids/1/schema')).text).toBe(proto)
    expect((await sr('GET', '/subjects/docs-value/versions/1')).body).toEqual({ subject: 'docs-value', version: 1, id: 2, schemaType: 'JSON', schema: json })
    // The same text as another type is another schema.
    expect((await sr('POST', '/subjects/docs-value/versions', { schemaType: 'AVRO', schema: '"string"' }))).toMatchObject({ status: 409, body: { error_code: 40901 } })
  })

  it('answers bad versions with 42202 and unknown ones with 40402', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/s/versions', avro('"string"'))
    for (const bad of ['0', 'abc', '-2', '2147483648', '1.5']) {
      const answer = await sr('GET', `/subjects/s/versions/${bad}`)
      expect(answer.status, bad).toBe(422)
      expect(answer.body.error_code, bad).toBe(42202)
    }
    expect(await sr('GET', '/subjects/s/versions/7')).toMatchObject({ status: 404, body: { error_code: 40402, message: 'Version 7 not found.' } })
    expect(await sr('GET', '/subjects/nope/versions/1')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect(await sr('GET', '/subjects/nope/versions')).toMatchObject({ status: 404, body: { error_code: 40401 } })
  })
})

describe('registry server: invalid and incompatible schemas', () => {
  it('rejects schemas that do not parse with 42201 and the parser message', async () => {
    const { sr } = await startRegistry(cleanup)
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['Avro without fields', { schema: '{"type":"record","name":"R"}' }, /AVRO.*fields/],
      ['Avro unknown type', { schema: '{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}' }, /Nope/],
      ['not JSON', { schema: '{"type":' }, /not valid JSON/],
      ['JSON Schema with a bad type', { schemaType: 'JSON', schema: '{"type": 12}' }, /JSON/],
      ['Protobuf syntax error', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message { }' }, /PROTOBUF/],
      ['empty schema', { schema: '' }, /Empty schema/],
      ['unknown schema type', { schemaType: 'XML', schema: '<a/>' }, /schema type/],
    ]
    for (const [what, body, message] of cases) {
      const answer = await sr('POST', '/subjects/bad/versions', body)
      expect(answer.status, what).toBe(422)
      expect(answer.body.error_code, what).toBe(42201)
      expect(answer.body.message, what).toMatch(message)
    }
    expect(await sr('GET', '/subjects')).toMatchObject({ body: [] })
  })

  it('rejects an incompatible schema with 409/40901 naming the rule, and tests compatibility', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/users-value/versions', avro(userV1))
    const rejected = await sr('POST', '/subjects/users-value/versions', avro(userNoDefault))
    expect(rejected.status).toBe(409)
    expect(rejected.body.error_code).toBe(40901)
    expect(rejected.body.message).toMatch(/incompatible with an earlier schema for subject "users-value"/)
    expect(rejected.body.message).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/)
    expect((await sr('GET', '/subjects/users-value/versions')).body).toEqual([1])

    expect((await sr('POST', '/compatibility/subjects/users-value/versions/latest', avro(userNoDefault))).body).toEqual({ is_compatible: false })
    const verbose = await sr('POST', '/compatibility/subjects/users-value/versions/latest?verbose=true', avro(userNoDefault))
    expect(verbose.body.is_compatible).toBe(false)
    expect(verbose.body.messages.join('\n')).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/)
    expect((await sr('POST', '/compatibility/subjects/users-value/versions/1', avro(userV2))).body).toEqual({ is_compatible: true })
    expect((await sr('POST', '/compatibility/subjects/users-value/versions?verbose=true', avro(userV2))).body).toEqual({ is_compatible: true, messages: [] })
    expect(await sr('POST', '/compatibility/subjects/users-value/versions/9', avro(userV2))).toMatchObject({ status: 404, body: { error_code: 40402 } })
    // Nothing registered yet: anything is compatible with "latest".
    expect((await sr('POST', '/compatibility/subjects/new-subject/versions/latest', avro(userV1))).body).toEqual({ is_compatible: true })

    // NONE lets it through.
    expect((await sr('PUT', '/config/users-value', { compatibility: 'NONE' })).body).toEqual({ compatibility: 'NONE' })
    expect((await sr('POST', '/subjects/users-value/versions', avro(userNoDefault))).body).toEqual({ id: 2 })
  })
})

describe('registry server: deletes', () => {
  it('soft-deletes and then permanently deletes versions', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/s/versions', avro(userV1))
    await sr('POST', '/subjects/s/versions', avro(userV2))
    expect(await sr('DELETE', '/subjects/s/versions/1?permanent=true')).toMatchObject({ status: 404, body: { error_code: 40407 } })
    expect(await sr('DELETE', '/subjects/s/versions/1')).toMatchObject({ status: 200, body: 1 })
    expect(await sr('DELETE', '/subjects/s/versions/1')).toMatchObject({ status: 404, body: { error_code: 40406 } })
    expect(await sr('GET', '/subjects/s/versions/1')).toMatchObject({ status: 404, body: { error_code: 40402 } })
    expect((await sr('GET', '/subjects/s/versions/1?deleted=true')).body).toMatchObject({ version: 1, id: 1 })
    expect((await sr('GET', '/subjects/s/versions')).body).toEqual([2])
    expect((await sr('GET', '/subjects/s/versions?deleted=true')).body).toEqual([1, 2])
    expect((await sr('GET', '/subjects/s/versions?deletedOnly=true')).body).toEqual([1])
    // Soft-deleted schemas are still served by id (records written with them must stay readable).
    expect((await sr('GET', '/schemas/ids/1')).status).toBe(200)
    expect(await sr('DELETE', '/subjects/s/versions/1?permanent=true')).toMatchObject({ status: 200, body: 1 })
    expect((await sr('GET', '/subjects/s/versions?deleted=true')).body).toEqual([2])
    expect(await sr('GET', '/schemas/ids/1')).toMatchObject({ status: 404, body: { error_code: 40403 } })
    expect(await sr('DELETE', '/subjects/s/versions/5')).toMatchObject({ status: 404, body: { error_code: 40402 } })
  })

  it('soft-deletes a subject, then deletes it for good', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/s/versions', avro(userV1))
    await sr('POST', '/subjects/s/versions', avro(userV2))
    await sr('POST', '/subjects/keep/versions', avro('"string"'))
    expect(await sr('DELETE', '/subjects/s?permanent=true')).toMatchObject({ status: 404, body: { error_code: 40405 } })
    expect(await sr('DELETE', '/subjects/s')).toMatchObject({ status: 200, body: [1, 2] })
    expect(await sr('DELETE', '/subjects/s')).toMatchObject({ status: 404, body: { error_code: 40404 } })
    expect((await sr('GET', '/subjects')).body).toEqual(['keep'])
    expect((await sr('GET', '/subjects?deleted=true')).body).toEqual(['keep', 's'])
    expect((await sr('GET', '/subjects?deletedOnly=true')).body).toEqual(['s'])
    expect(await sr('GET', '/subjects/s/versions')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect(await sr('GET', '/subjects/s/versions/latest')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect(await sr('POST', '/subjects/s', avro(userV1))).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect((await sr('POST', '/subjects/s?deleted=true', avro(userV1))).body).toMatchObject({ subject: 's', version: 1, id: 1 })
    expect((await sr('GET', '/subjects/s/versions?deleted=true')).body).toEqual([1, 2])

    expect(await sr('DELETE', '/subjects/s?permanent=true')).toMatchObject({ status: 200, body: [1, 2] })
    expect((await sr('GET', '/subjects?deleted=true')).body).toEqual(['keep'])
    expect(await sr('DELETE', '/subjects/s?permanent=true')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect(await sr('GET', '/schemas/ids/2')).toMatchObject({ status: 404, body: { error_code: 40403 } })

    // Registering again continues the numbering and gives the schema its old id back.
    expect((await sr('POST', '/subjects/s/versions', avro(userV1))).body).toEqual({ id: 1 })
    expect((await sr('GET', '/subjects/s/versions')).body).toEqual([3])
    const userV3 = record('User', [{ name: 'name', type: 'string' }, { name: 'nick', type: 'string', default: '' }], 'com.acme')
    expect((await sr('POST', '/subjects/s/versions', avro(userV3))).body).toEqual({ id: 4 })
  })
})

describe('registry server: config and mode', () => {
  it('gets, sets and deletes the global and subject compatibility levels', async () => {
    const { sr } = await startRegistry(cleanup)
    expect(await sr('GET', '/config')).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } })
    expect((await sr('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({ compatibility: 'FULL' })
    expect((await sr('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' })
    expect(await sr('GET', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40408 } })
    expect((await sr('GET', '/config/s?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'FULL' })
    expect((await sr('PUT', '/config/s', { compatibility: 'forward_transitive' })).body).toEqual({ compatibility: 'FORWARD_TRANSITIVE' })
    expect((await sr('GET', '/config/s')).body).toEqual({ compatibilityLevel: 'FORWARD_TRANSITIVE' })
    expect(await sr('PUT', '/config/s', { compatibility: 'SIDEWAYS' })).toMatchObject({ status: 422, body: { error_code: 42203 } })
    expect(await sr('PUT', '/config', { compatibility: 7 })).toMatchObject({ status: 422, body: { error_code: 42203 } })
    expect((await sr('DELETE', '/config/s')).body).toEqual({ compatibilityLevel: 'FORWARD_TRANSITIVE' })
    expect(await sr('GET', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40408 } })
    expect(await sr('DELETE', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect((await sr('DELETE', '/config')).body).toEqual({ compatibilityLevel: 'FULL' })
    expect((await sr('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' })
  })

  it('refuses writes in READONLY mode with 42205 and validates modes', async () => {
    const { sr } = await startRegistry(cleanup)
    await sr('POST', '/subjects/s/versions', avro(userV1))
    expect((await sr('GET', '/mode')).body).toEqual({ mode: 'READWRITE' })
    expect(await sr('GET', '/mode/s')).toMatchObject({ status: 404, body: { error_code: 40409 } })
    expect((await sr('GET', '/mode/s?defaultToGlobal=true')).body).toEqual({ mode: 'READWRITE' })
    expect((await sr('PUT', '/mode/s', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' })
    expect((await sr('GET', '/mode/s')).body).toEqual({ mode: 'READONLY' })
    expect(await sr('POST', '/subjects/s/versions', avro(userV2))).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect(await sr('DELETE', '/subjects/s/versions/1')).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect(await sr('DELETE', '/subjects/s')).toMatchObject({ status: 422, body: { error_code: 42205 } })
    // Reads and other subjects are unaffected.
    expect((await sr('GET', '/subjects/s/versions/1')).status).toBe(200)
    expect((await sr('POST', '/subjects/other/versions', avro(userV2))).status).toBe(200)
    expect(await sr('PUT', '/mode/s', { mode: 'SOMETIMES' })).toMatchObject({ status: 422, body: { error_code: 42204 } })
    // Global READONLY_OVERRIDE beats a subject's own mode.
    expect((await sr('PUT', '/mode/other', { mode: 'READWRITE' })).status).toBe(200)
    expect((await sr('PUT', '/mode', { mode: 'READONLY_OVERRIDE' })).body).toEqual({ mode: 'READONLY_OVERRIDE' })
    expect(await sr('POST', '/subjects/other/versions', avro(userV1))).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect((await sr('DELETE', '/mode')).body).toEqual({ mode: 'READONLY_OVERRIDE' })
    expect((await sr('DELETE', '/mode/s')).body).toEqual({ mode: 'READONLY' })
    expect((await sr('POST', '/subjects/s/versions', avro(userV2))).body).toEqual({ id: 2 })
  })

  it('registers with explicit ids and versions in IMPORT mode only', async () => {
    const { sr } = await startRegistry(cleanup)
    expect(await sr('POST', '/subjects/s/versions', { ...avro(userV1), id: 100 })).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect((await sr('PUT', '/mode', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' })
    expect((await sr('POST', '/subjects/s/versions', { ...avro(userV1), id: 100, version: 3 })).body).toEqual({ id: 100 })
    expect((await sr('GET', '/subjects/s/versions/3')).body).toMatchObject({ version: 3, id: 100 })
    expect((await sr('GET', '/schemas/ids/100')).body).toEqual({ schema: JSON.stringify(userV1) })
    // No compatibility check while importing; an id already used by another schema is refused.
    expect(await sr('POST', '/subjects/s/versions', { ...avro(userNoDefault), id: 100, version: 4 })).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect(await sr('POST', '/subjects/s/versions', { ...avro(userNoDefault), id: 101, version: 3 })).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect((await sr('POST', '/subjects/s/versions', { ...avro(userNoDefault), id: 7, version: 4 })).body).toEqual({ id: 7 })
    // The same schema keeps its id: another id for it is 42207.
    expect(await sr('POST', '/subjects/t/versions', { ...avro(userV1), id: 55 })).toMatchObject({ status: 422, body: { error_code: 42207 } })
    expect((await sr('PUT', '/mode', { mode: 'READWRITE' })).body).toEqual({ mode: 'READWRITE' })
    expect((await sr('PUT', '/config/s', { compatibility: 'NONE' })).status).toBe(200)
    expect((await sr('POST', '/subjects/s/versions', avro(record('Next', [])))).body).toEqual({ id: 101 })
    expect((await sr('GET', '/subjects/s/versions')).body).toEqual([3, 4, 5])
    // IMPORT needs an empty registry unless forced.
    expect(await sr('PUT', '/mode', { mode: 'IMPORT' })).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect((await sr('PUT', '/mode?force=true', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' })
  })
})

describe('registry server: references', () => {
  it('resolves references, lists referrers and refuses to delete what is referenced (42206)', async () => {
    const { sr } = await startRegistry(cleanup)
    const customer = record('Customer', [{ name: 'name', type: 'string' }], 'com.acme')
    const order = record('Order', [{ name: 'id', type: 'string' }, { name: 'customer', type: 'com.acme.Customer' }], 'com.acme')
    const refs = [{ name: 'com.acme.Customer', subject: 'customer', version: 1 }]
    expect((await sr('POST', '/subjects/customer/versions', avro(customer))).body).toEqual({ id: 1 })
    expect(await sr('POST', '/subjects/orders-value/versions', avro(order))).toMatchObject({ status: 422, body: { error_code: 42201 } })
    expect(await sr('POST', '/subjects/orders-value/versions', { ...avro(order), references: [{ ...refs[0], version: 9 }] }))
      .toMatchObject({ status: 422, body: { error_code: 42201 } })
    expect((await sr('POST', '/subjects/orders-value/versions', { ...avro(order), references: refs })).body).toEqual({ id: 2 })
    expect((await sr('GET', '/schemas/ids/2')).body).toEqual({ schema: JSON.stringify(order), references: refs })
    expect((await sr('GET', '/subjects/orders-value/versions/1')).body).toEqual({ subject: 'orders-value', version: 1, id: 2, references: refs, schema: JSON.stringify(order) })
    expect((await sr('GET', '/subjects/customer/versions/1/referencedby')).body).toEqual([2])
    expect((await sr('GET', '/subjects/orders-value/versions/1/referencedby')).body).toEqual([])
    expect(await sr('DELETE', '/subjects/customer/versions/1')).toMatchObject({ status: 422, body: { error_code: 42206 } })
    expect(await sr('DELETE', '/subjects/customer')).toMatchObject({ status: 422, body: { error_code: 42206 } })
    // Latest (-1) resolves to a concrete version; lookup needs the same references.
    expect((await sr('POST', '/subjects/orders-value', { ...avro(order), references: refs })).body).toMatchObject({ id: 2, version: 1 })
    expect((await sr('POST', '/subjects/orders-value/versions', { ...avro(order), references: [{ ...refs[0], version: -1 }] })).body).toEqual({ id: 2 })
    // Once the referrer is gone for good, the referenced version can go.
    expect((await sr('DELETE', '/subjects/orders-value')).status).toBe(200)
    expect(await sr('DELETE', '/subjects/customer')).toMatchObject({ status: 422, body: { error_code: 42206 } })
    expect((await sr('DELETE', '/subjects/orders-value?permanent=true')).status).toBe(200)
    expect((await sr('DELETE', '/subjects/customer')).body).toEqual([1])
  })

  it('resolves Protobuf imports and JSON Schema $refs through references', async () => {
    const { sr } = await startRegistry(cleanup)
    const money = 'syntax = "proto3";\npackage common;\nmessage Money { int64 cents = 1; string currency = 2; }'
    const order = 'syntax = "proto3";\npackage shop;\nimport "common/money.proto";\nmessage Order { string id = 1; common.Money total = 2; }'
    expect((await sr('POST', '/subjects/common%2Fmoney.proto/versions', { schemaType: 'PROTOBUF', schema: money })).body).toEqual({ id: 1 })
    expect(await sr('POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: order })).toMatchObject({ status: 422, body: { error_code: 42201 } })
    const protoRefs = [{ name: 'common/money.proto', subject: 'common/money.proto', version: 1 }]
    expect((await sr('POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: order, references: protoRefs })).body).toEqual({ id: 2 })
    expect((await sr('GET', '/subjects')).body).toEqual(['common/money.proto', 'orders-value'])

    const address = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } })
    const person = JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } })
    expect((await sr('POST', '/subjects/address/versions', { schemaType: 'JSON', schema: address })).body).toEqual({ id: 3 })
    expect(await sr('POST', '/subjects/person/versions', { schemaType: 'JSON', schema: person })).toMatchObject({ status: 422, body: { error_code: 42201 } })
    expect((await sr('POST', '/subjects/person/versions', { schemaType: 'JSON', schema: person, references: [{ name: 'address.json', subject: 'address', version: 1 }] })).body).toEqual({ id: 4 })
  })
})

describe('registry server: HTTP details', () => {
  it('accepts the registry and JSON content types, and answers Confluent-style errors', async () => {
    const { sr } = await startRegistry(cleanup)
    expect((await sr('POST', '/subjects/a/versions', avro('"string"'), 'application/json')).body).toEqual({ id: 1 })
    expect((await sr('POST', '/subjects/b/versions', avro('"string"'), 'application/vnd.schemaregistry+json')).body).toEqual({ id: 1 })
    expect((await sr('POST', '/subjects/c/versions', avro('"string"'), 'application/json; charset=utf-8')).body).toEqual({ id: 1 })
    const malformed = await sr('POST', '/subjects/a/versions', '{"schema": ')
    expect(malformed).toMatchObject({ status: 400, contentType: CONTENT_TYPE, body: { error_code: 400 } })
    expect(await sr('POST', '/subjects/a/versions', [1, 2])).toMatchObject({ status: 422, body: { error_code: 422 } })
    expect(await sr('POST', '/subjects/a/versions', { schema: 42 })).toMatchObject({ status: 422, body: { error_code: 422 } })
    expect(await sr('POST', '/subjects/a/versions', { schema: '"int"', references: 'x' })).toMatchObject({ status: 422, body: { error_code: 422 } })
    expect(await sr('POST', '/subjects/a/versions', 'x', 'text/plain')).toMatchObject({ status: 415, body: { error_code: 415 } })
    const unknown = await sr('GET', '/no/such/path')
    expect(unknown).toMatchObject({ status: 404, contentType: CONTENT_TYPE, body: { error_code: 404 } })
    expect(typeof unknown.body.message).toBe('string')
    expect(await sr('POST', '/subjects/a/versions')).toMatchObject({ status: 422, body: { error_code: 422 } })
    expect((await sr('GET', '/subjects/')).body).toEqual(['a', 'b', 'c'])
  })
})
