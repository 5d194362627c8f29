/**
 * Checks Creek's schemas against Kafka's own message definitions (shared/kafka-protocol/message,
 * read as reference data): same fields in the same order, same types, versions, nullable and
 * tagged versions, tags, defaults and ignorable flags. Skipped when the definitions are absent.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ApiVersions } from '../../../../core/protocol/apis/api-versions.ts'
import { Metadata } from '../../../../core/protocol/apis/metadata.ts'
import { Produce } from '../../../../core/protocol/apis/produce.ts'
import { Fetch } from '../../../../core/protocol/apis/fetch.ts'
import { ListOffsets } from '../../../../core/protocol/apis/list-offsets.ts'
import { AlterConfigs } from '../../../../core/protocol/apis/alter-configs.ts'
import { CreatePartitions } from '../../../../core/protocol/apis/create-partitions.ts'
import { CreateTopics } from '../../../../core/protocol/apis/create-topics.ts'
import { DeleteRecords } from '../../../../core/protocol/apis/delete-records.ts'
import { DeleteTopics } from '../../../../core/protocol/apis/delete-topics.ts'
import { DescribeConfigs } from '../../../../core/protocol/apis/describe-configs.ts'
import { IncrementalAlterConfigs } from '../../../../core/protocol/apis/incremental-alter-configs.ts'
import { KNOWN_API_VERSIONS } from '../../../../core/protocol/api-keys.ts'
import { type FieldDef, type Fields, type MessageSchema, type SchemaType, fieldDefault } from '../../../../core/protocol/schema.ts'

const DIR = fileURLToPath(new URL('../../../../../shared/kafka-protocol/message/', import.meta.url))

interface JsonField {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  default?: string | number | boolean
  ignorable?: boolean
  fields?: JsonField[]
}

function load(name: string): { apiKey: number; name: string; validVersions: string; flexibleVersions: string; fields: JsonField[] } {
  const text = readFileSync(`${DIR}${name}.json`, 'utf8').replace(/^\s*\/\/.*$/gm, '')
  return JSON.parse(text)
}

const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'uuid', 'string', 'bytes', 'records'])

function kafkaDefault(json: JsonField): unknown {
  const value = json.default
  if (value === undefined) return undefined
  if (value === 'null') return null
  if (value === 'true' || value === 'false') return value === 'true'
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value)
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return Number(value)
  return value
}

function compareType(type: SchemaType, json: JsonField, path: string): void {
  if (json.type.startsWith('[]')) {
    expect(type.kind, path).toBe('array')
    const items = (type as { items: SchemaType }).items
    const itemType = json.type.slice(2)
    if (PRIMITIVES.has(itemType)) expect(items.kind, path).toBe(itemType)
    else compareStruct(items, itemType, json.fields ?? [], path)
  } else if (PRIMITIVES.has(json.type)) {
    expect(type.kind, path).toBe(json.type)
  } else {
    compareStruct(type, json.type, json.fields ?? [], path)
  }
}

function compareStruct(type: SchemaType, name: string, fields: JsonField[], path: string): void {
  expect(type.kind, path).toBe('struct')
  const struct = type as { name: string; fields: Fields }
  expect(struct.name, path).toBe(name)
  compareFields(struct.fields, fields, `${path}(${name})`)
}

function compareFields(fields: Fields, json: JsonField[], path: string): void {
  const expectedKeys = json.map((f) => f.name[0].toLowerCase() + f.name.slice(1))
  expect(Object.keys(fields), path).toEqual(expectedKeys)
  json.forEach((jf, i) => {
    const field: FieldDef = fields[expectedKeys[i]]
    const where = `${path}.${expectedKeys[i]}`
    expect(field.versions, where).toBe(jf.versions)
    expect(field.nullableVersions, where).toBe(jf.nullableVersions)
    expect(field.taggedVersions, where).toBe(jf.taggedVersions)
    expect(field.tag, where).toBe(jf.tag)
    expect(!!field.ignorable, where).toBe(!!jf.ignorable)
    const expectedDefault = kafkaDefault(jf)
    if (expectedDefault !== undefined) expect(fieldDefault(field), where).toEqual(expectedDefault)
    else if (!jf.type.startsWith('[]') && PRIMITIVES.has(jf.type)) expect(field.default, where).toBeUndefined()
    compareType(field.type, jf, where)
  })
}

function compareMessage(schema: MessageSchema, file: string): void {
  const json = load(file)
  expect(schema.name).toBe(json.name)
  expect(schema.apiKey).toBe(json.apiKey)
  expect(schema.validVersions).toBe(json.validVersions)
  expect(schema.flexibleVersions).toBe(json.flexibleVersions)
  compareFields(schema.fields, json.fields, schema.name)
}

describe.skipIf(!existsSync(DIR))('schemas match Kafka\'s message definitions', () => {
  const topicAdministration = [CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DeleteRecords]
  const dataPath = [Fetch, ListOffsets]
  for (const api of [ApiVersions, Metadata, Produce, ...dataPath, ...topicAdministration]) {
    it(`${api.name} request and response`, () => {
      compareMessage(api.request, `${api.name}Request`)
      compareMessage(api.response, `${api.name}Response`)
    })
  }

  it('KNOWN_API_VERSIONS lists every API in the definitions with its versions', () => {
    const files = ['Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup',
      'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics',
      'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn',
      'TxnOffsetCommit', 'DescribeConfigs', 'AlterConfigs', 'SaslAuthenticate', 'CreatePartitions', 'DeleteGroups',
      'IncrementalAlterConfigs', 'OffsetDelete', 'DescribeCluster', 'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe',
      'GetTelemetrySubscriptions', 'PushTelemetry']
    expect(KNOWN_API_VERSIONS.size).toBe(files.length)
    for (const file of files) {
      const json = load(`${file}Request`)
      expect(KNOWN_API_VERSIONS.get(json.apiKey), file).toEqual({ validVersions: json.validVersions, flexibleVersions: json.flexibleVersions })
    }
  })
})
