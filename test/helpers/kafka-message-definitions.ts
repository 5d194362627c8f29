/**
 * Compares a Creek schema with Kafka's own message definition (shared/kafka-protocol/message,
 * read as reference data): same fields in the same order, same types, versions, nullable and
 * tagged versions, tags, defaults and ignorable flags. Works for requests, responses and "data"
 * messages (which have no apiKey). Tests skip themselves when the definitions are absent.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { type FieldDef, type Fields, type MessageSchema, type SchemaType, fieldDefault } from '../../core/protocol/schema.ts'

const DIR = fileURLToPath(new URL('../../../shared/kafka-protocol/message/', import.meta.url))

/** Whether Kafka's message definitions are available next to the repository. */
export const hasKafkaDefinitions = existsSync(DIR)

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

interface JsonMessage {
  apiKey?: number
  type: string
  name: string
  validVersions: string
  flexibleVersions: string
  fields: JsonField[]
}

/** Kafka's definition file `<name>.json`, comments removed. */
export function loadKafkaDefinition(name: string): JsonMessage {
  return JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8').replace(/^\s*\/\/.*$/gm, ''))
}

const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'uuid', 'string', 'bytes', 'records'])

function kafkaDefault(json: JsonField): unknown {
  const value = json.default
  if (value === undefined) return undefined
  if (value === 'null') return null
  if (value === 'true' || value === 'false') return value === 'true'
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value)
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return Number.parseInt(value, 16)
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

/** Expects `schema` to declare exactly what Kafka's `<file>.json` does. */
export function expectMatchesKafkaDefinition(schema: MessageSchema, file: string): void {
  const json = loadKafkaDefinition(file)
  expect(schema.name).toBe(json.name)
  expect(schema.type).toBe(json.type)
  expect(schema.apiKey).toBe(json.apiKey ?? -1)
  expect(schema.validVersions).toBe(json.validVersions)
  expect(schema.flexibleVersions).toBe(json.flexibleVersions)
  compareFields(schema.fields, json.fields, schema.name)
}
