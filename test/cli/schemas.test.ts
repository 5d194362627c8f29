import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreekProcess, startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { cleanEnv, runCreek } from './run-creek.ts'

// `creek schemas` and the schema formats of produce/consume against `creek start` with its
// registry (on a random port), as child processes.
let creek: CreekProcess
let files: string
let r: string[]
let b: string[]

beforeAll(async () => {
  creek = await startCreek(tempDir('creek-cli-schemas-'), { 'group.initial.rebalance.delay.ms': 0 }, { registry: true })
  files = tempDir('creek-cli-schema-files-')
  r = ['--registry', creek.registryUrl!]
  b = ['--bootstrap', creek.bootstrap]
}, 60_000)

afterAll(async () => {
  await creek?.stop()
})

function schemaFile(name: string, content: unknown): string {
  const file = join(files, name)
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

const user = (fields: readonly Record<string, unknown>[]) => ({ type: 'record', name: 'User', namespace: 'cli.test', fields })

describe('creek schemas', () => {
  it('registers, lists, gets, checks and deletes, printing Confluent codes for errors', { timeout: 120_000 }, async () => {
    expect(creek.output()).toMatch(/listening on 127\.0\.0\.1:\d+, schema registry on http:\/\/127\.0\.0\.1:\d+, data in /)
    const v1 = schemaFile('user-v1.avsc', user([{ name: 'name', type: 'string' }]))
    const v2 = schemaFile('user-v2.avsc', user([{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }]))
    const breaking = schemaFile('user-breaking.avsc', user([{ name: 'name', type: 'string' }, { name: 'email', type: 'string' }]))

    expect(await runCreek(['schemas', 'register', 'users-value', '--schema', v1, ...r])).toEqual({ code: 0, stdout: '1\n', stderr: '' })
    // The registry comes from $CREEK_REGISTRY without --registry.
    const viaEnv = await runCreek(['schemas', 'register', 'users-value', '--schema', v2], '', cleanEnv({ CREEK_REGISTRY: creek.registryUrl }))
    expect(viaEnv).toEqual({ code: 0, stdout: '2\n', stderr: '' })

    expect(await runCreek(['schemas', 'list', ...r])).toEqual({ code: 0, stdout: 'users-value\n', stderr: '' })
    const latest = await runCreek(['schemas', 'get', 'users-value', ...r])
    expect(latest.code).toBe(0)
    expect(JSON.parse(latest.stdout)).toEqual({
      subject: 'users-value', version: 2, id: 2, schemaType: 'AVRO',
      schema: JSON.stringify(user([{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }])),
    })
    expect(JSON.parse((await runCreek(['schemas', 'get', 'users-value', '--version', '1', ...r])).stdout)).toMatchObject({ version: 1, id: 1 })
    expect(JSON.parse((await runCreek(['schemas', 'get', '--id', '1', ...r])).stdout)).toEqual({
      id: 1, schemaType: 'AVRO', schema: JSON.stringify(user([{ name: 'name', type: 'string' }])),
    })

    expect(await runCreek(['schemas', 'check', 'users-value', '--schema', v2, ...r])).toEqual({ code: 0, stdout: 'compatible\n', stderr: '' })
    const incompatible = await runCreek(['schemas', 'check', 'users-value', '--schema', breaking, '--version', 'all', ...r])
    expect(incompatible.code).toBe(1)
    expect(incompatible.stdout).toMatch(/^incompatible\n.*READER_FIELD_MISSING_DEFAULT_VALUE.*'email'/)

    const refused = await runCreek(['schemas', 'register', 'users-value', '--schema', breaking, ...r])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toMatch(/^creek: error 40901: Schema being registered is incompatible with an earlier schema for subject "users-value"/)
    const invalid = await runCreek(['schemas', 'register', 'junk-value', '--schema', schemaFile('junk.avsc', '{"type":"record"}'), ...r])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toMatch(/^creek: error 42201: /)
    expect(await runCreek(['schemas', 'get', 'nobody', ...r])).toEqual({ code: 1, stdout: '', stderr: "creek: error 40401: Subject 'nobody' not found.\n" })
    expect(await runCreek(['schemas', 'get', 'users-value', '--version', '9', ...r])).toEqual({ code: 1, stdout: '', stderr: 'creek: error 40402: Version 9 not found.\n' })

    expect(await runCreek(['schemas', 'delete', 'users-value', '--version', '2', ...r])).toEqual({ code: 0, stdout: 'Deleted version 2 of subject users-value.\n', stderr: '' })
    expect(await runCreek(['schemas', 'delete', 'users-value', ...r])).toEqual({ code: 0, stdout: 'Deleted subject users-value (version 1).\n', stderr: '' })
    expect(await runCreek(['schemas', 'list', ...r])).toEqual({ code: 0, stdout: '', stderr: 'No subjects.\n' })
    expect((await runCreek(['schemas', 'list', '--deleted', ...r])).stdout).toBe('users-value\n')
    expect(await runCreek(['schemas', 'delete', 'users-value', '--permanent', ...r]))
      .toEqual({ code: 0, stdout: 'Permanently deleted subject users-value (versions 1, 2).\n', stderr: '' })
    expect(await runCreek(['schemas', 'delete', 'users-value', ...r])).toMatchObject({ code: 1, stderr: "creek: error 40401: Subject 'users-value' not found.\n" })
  })

  it('registers a Protobuf schema that references another subject', { timeout: 60_000 }, async () => {
    const money = schemaFile('money.proto', 'syntax = "proto3";\npackage common;\nmessage Money { string currency = 1; int64 units = 2; }\n')
    const order = schemaFile('order.proto', 'syntax = "proto3";\npackage shop;\nimport "common/money.proto";\nmessage Order { string id = 1; common.Money total = 2; }\n')
    const moneyId = Number((await runCreek(['schemas', 'register', 'common/money.proto', '--schema', money, ...r])).stdout)
    const registered = await runCreek(['schemas', 'register', 'shop-orders-value', '--schema', order, '--reference', 'common/money.proto=common/money.proto:latest', ...r])
    expect(registered.code).toBe(0)
    const got = JSON.parse((await runCreek(['schemas', 'get', 'shop-orders-value', ...r])).stdout)
    expect(got).toMatchObject({ schemaType: 'PROTOBUF', references: [{ name: 'common/money.proto', subject: 'common/money.proto', version: 1 }] })
    expect(got.id).toBe(Number(registered.stdout))
    expect(got.id).not.toBe(moneyId)
  })

  it('reports a registry that does not answer, and usage mistakes, in one line', { timeout: 60_000 }, async () => {
    const down = await runCreek(['schemas', 'list', '--registry', 'http://127.0.0.1:1'])
    expect(down).toEqual({
      code: 1,
      stdout: '',
      stderr: "creek: cannot reach the schema registry at http://127.0.0.1:1 (given with --registry; is 'creek start' running with its registry? use --registry URL or $CREEK_REGISTRY)\n",
    })
    expect(await runCreek(['schemas', 'get', ...r])).toMatchObject({ code: 1, stderr: 'creek: schemas get needs a subject or --id N (not both)\n' })
    expect(await runCreek(['schemas', 'register', 's', '--schema', join(files, 'missing.avsc'), ...r]))
      .toMatchObject({ code: 1, stderr: `creek: cannot read --schema ${join(files, 'missing.avsc')}: no such file\n` })
  })
})

const paymentSchema = {
  type: 'record',
  name: 'Payment',
  namespace: 'cli.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
    { name: 'memo', type: ['null', 'string'], default: null },
    { name: 'blob', type: 'bytes' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
}

describe('creek produce and consume with schema formats', () => {
  it('produces JSON lines as Avro and consumes them back as the same JSON', { timeout: 120_000 }, async () => {
    const schema = schemaFile('payment.avsc', paymentSchema)
    const lines = [
      '{"id":"p1","cents":250,"memo":null,"blob":"AAEC/w==","at":"2024-05-31T12:34:56.789Z"}',
      '{"id":"p2","cents":-1,"memo":"refund","blob":"","at":"1970-01-01T00:00:00.000Z"}',
    ]
    const produced = await runCreek(['produce', 'payments', '--value-format', 'avro', '--schema', schema, '--key-separator', '\t', ...b, ...r],
      `alice\t${lines[0]}\nbob\t${lines[1]}\n`)
    expect(produced).toMatchObject({ code: 0, stdout: '' })
    expect(produced.stderr).toMatch(/^Produced 2 records to payments in \d+ ms/)

    const consumed = await runCreek(['consume', 'payments', '--from-beginning', '--value-format', 'avro', '--print-key', ...b, ...r])
    expect(consumed).toEqual({ code: 0, stdout: `alice\t${lines[0]}\nbob\t${lines[1]}\n`, stderr: 'Processed a total of 2 messages.\n' })
    // The records are in the Confluent format: magic byte, the id of payments-value, the datum.
    const subject = JSON.parse((await runCreek(['schemas', 'get', 'payments-value', ...r])).stdout)
    expect(subject).toMatchObject({ version: 1, schemaType: 'AVRO' })
    const raw = await runCreek(['consume', 'payments', '--from-beginning', '--max-messages', '1', '--format', '%S', ...b])
    // 5 + id (3) + cents (2) + memo (1) + blob (5) + at (6)
    expect(raw.stdout).toBe('22\n')

    // A bad line stops the command, naming it; the lines before it were produced.
    const bad = await runCreek(['produce', 'payments', '--value-format', 'avro', '--schema', schema, ...b, ...r],
      `${lines[0]}\n{"id":"p3","cents":"many","blob":"","at":0}\n${lines[1]}\n`)
    expect(bad).toMatchObject({ code: 1, stdout: '' })
    expect(bad.stderr).toBe('creek: line 2 cannot be written as avro: Value does not match the Avro schema: cents: "many" is not a valid long (the line before it was produced)\n')
    const notJson = await runCreek(['produce', 'payments', '--value-format', 'avro', '--schema', schema, ...b, ...r], `${lines[0]}\n${lines[1]}\n{"id":\n`)
    expect(notJson.code).toBe(1)
    expect(notJson.stderr).toMatch(/^creek: line 3 is not valid JSON: .* \(the 2 lines before it were produced\)\n$/)

    // An incompatible schema is refused by the registry with its code; nothing is produced.
    const evolved = schemaFile('payment-breaking.avsc', { ...paymentSchema, fields: [...paymentSchema.fields, { name: 'currency', type: 'string' }] })
    const refused = await runCreek(['produce', 'payments', '--value-format', 'avro', '--schema', evolved, ...b, ...r], '{"id":"p9","cents":1,"blob":"","at":0,"currency":"EUR"}\n')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^creek: error 40901: Schema being registered is incompatible/)

    // 2 + 1 + 2 records: every line before a failure was produced.
    const all = await runCreek(['consume', 'payments', '--from-beginning', '--value-format', 'avro', '--format', '%o %v', ...b, ...r])
    expect(all.stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['0', '1', '2', '3', '4'])

    // A record that is not Avro stops consume, naming its offset, after printing the ones before.
    await runCreek(['produce', 'payments', ...b], 'plain text\n')
    const mixed = await runCreek(['consume', 'payments', '--from-beginning', '--value-format', 'avro', ...b, ...r])
    expect(mixed.code).toBe(1)
    expect(mixed.stdout.split('\n').filter(Boolean)).toHaveLength(5)
    expect(mixed.stderr).toBe('creek: cannot read the value at offset 5 of payments partition 0 as avro: Unknown magic byte 112: '
      + 'the data was not written by a schema-registry serializer (the 5 records before it were printed)\n')
  })

  it('produces and consumes Protobuf (int64 as strings, bytes as base64) and JSON Schema, with JSON keys', { timeout: 120_000 }, async () => {
    const proto = schemaFile('shop.proto', 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; int64 cents = 2; bytes blob = 3; Status status = 4; }\nenum Status { NEW = 0; PAID = 1; }\nmessage Refund { string id = 1; }\n')
    const order = '{"id":"o1","cents":"9007199254740993","blob":"AQI=","status":"PAID"}'
    const produced = await runCreek(['produce', 'orders', '--value-format', 'protobuf', '--schema', proto, '--key-format', 'json', '--key-separator', '|', ...b, ...r],
      `{"region":"eu"}|${order}\n{"region":"us"}|{"id":"o2"}\n`)
    expect(produced.code).toBe(0)
    const consumed = await runCreek(['consume', 'orders', '--from-beginning', '--value-format', 'protobuf', '--key-format', 'json', '--format', '%k %v', ...b, ...r])
    expect(consumed.stdout).toBe(`{"region":"eu"} ${order}\n{"region":"us"} {"id":"o2","cents":"0","blob":"","status":"NEW"}\n`)
    // The second message of the file, under the record name strategy.
    const refund = await runCreek(['produce', 'refunds', '--value-format', 'protobuf', '--schema', proto, '--message', 'Refund', '--subject-strategy', 'record', ...b, ...r], '{"id":"r1"}\n')
    expect(refund.code).toBe(0)
    expect((await runCreek(['consume', 'refunds', '--from-beginning', '--value-format', 'protobuf', ...b, ...r])).stdout).toBe('{"id":"r1"}\n')
    expect((await runCreek(['schemas', 'list', '--prefix', 'shop.', ...r])).stdout).toBe('shop.Refund\n')

    const docSchema = schemaFile('doc.json', { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false })
    const docs = await runCreek(['produce', 'docs', '--value-format', 'json-schema', '--schema', docSchema, ...b, ...r], '{"n":1}\n\n{"n":2.5}\n')
    expect(docs.code).toBe(1)
    expect(docs.stderr).toBe('creek: line 3 cannot be written as json-schema: Value does not match the JSON Schema: /n must be integer (the line before it was produced)\n')
    expect((await runCreek(['consume', 'docs', '--from-beginning', '--value-format', 'json-schema', ...b, ...r])).stdout).toBe('{"n":1}\n')
  })

  it('refuses inconsistent format options before contacting anything', { timeout: 60_000 }, async () => {
    const noBroker = ['--bootstrap', '127.0.0.1:1', '--registry', 'http://127.0.0.1:1']
    expect(await runCreek(['produce', 't', '--value-format', 'avro', ...noBroker], '{}\n'))
      .toMatchObject({ code: 1, stderr: 'creek: --value-format avro needs --schema FILE (the schema to write values with)\n' })
    expect(await runCreek(['produce', 't', '--value-format', 'xml', ...noBroker], '{}\n'))
      .toMatchObject({ code: 1, stderr: "creek: --value-format must be one of string, json, avro, protobuf, json-schema, got 'xml'\n" })
    expect(await runCreek(['consume', 't', '--schema', 'x.avsc', ...noBroker]))
      .toMatchObject({ code: 1, stderr: 'creek: --schema needs --value-format avro, protobuf or json-schema\n' })
    const badSchema = schemaFile('bad.avsc', '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}')
    const bad = await runCreek(['produce', 't', '--value-format', 'avro', '--schema', badSchema, ...noBroker], '{}\n')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(new RegExp(`^creek: --schema ${badSchema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Invalid Avro schema: `))
  })
})
