/**
 * `JsonSchemaData`: Connect schemas and values ↔ JSON Schema documents and JSON values, the
 * subset of Confluent's JsonSchemaData that JsonSchemaConverter supports:
 *
 * | Connect                    | JSON Schema                                                              |
 * |----------------------------|--------------------------------------------------------------------------|
 * | INT8 … INT64               | `{"type":"integer","connect.type":"int8"…"int64"}`                        |
 * | FLOAT32, FLOAT64           | `{"type":"number","connect.type":"float32"/"float64"}`                    |
 * | BOOLEAN, STRING            | `{"type":"boolean"}`, `{"type":"string"}`                                 |
 * | BYTES                      | `{"type":"string","connect.type":"bytes"}` (base64)                       |
 * | ARRAY                      | `{"type":"array","items":…}`                                              |
 * | MAP with STRING keys       | `{"type":"object","connect.type":"map","additionalProperties":…}`         |
 * | STRUCT                     | `{"type":"object","title":name,"properties":{… "connect.index": i},"required":[…],"additionalProperties":false}` |
 * | optional                   | `{"oneOf":[{"type":"null"}, …]}`                                          |
 * | Decimal                    | `{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.parameters":{"scale":…}}` |
 * | Date, Time, Timestamp      | `{"type":"integer","title":<logical name>,"connect.type":"int32"/"int64"}` (days, ms of day, epoch ms) |
 *
 * Limits: decimals and INT64 travel as JSON numbers, exact up to 2^53 (the serdes layer parses
 * JSON with `JSON.parse`); MAPs with non-string keys and general `oneOf`/`anyOf` are not
 * supported (CONNECT_DATA). A JSON Schema without `connect.*` annotations reads as INT64 for
 * `integer`, FLOAT64 for `number`, STRUCT for objects with `properties`.
 */
import { Date as ConnectDate, Decimal, Time, Timestamp } from '../api/logical-types.ts'
import { LOGICAL, type Schema, type SchemaType } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { ConnectError } from '../errors.ts'
import { numberTextToDecimal } from './json-data.ts'

type Doc = Record<string, unknown>

const CONNECT_TYPES: Partial<Record<SchemaType, string>> = {
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float32', FLOAT64: 'float64', BYTES: 'bytes',
}

function unsupported(message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', message)
}

export class JsonSchemaData {
  readonly #documents = new WeakMap<Schema, Doc>()

  fromConnectSchema(schema: Schema): Doc {
    let doc = this.#documents.get(schema)
    if (doc === undefined) {
      doc = this.#schema(schema)
      this.#documents.set(schema, doc)
    }
    return doc
  }

  #schema(schema: Schema): Doc {
    const base = this.#base(schema)
    return schema.optional ? { oneOf: [{ type: 'null' }, base] } : base
  }

  #base(schema: Schema): Doc {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return { type: 'number', title: LOGICAL.DECIMAL, 'connect.version': 1, 'connect.parameters': schema.parameters }
      case LOGICAL.DATE: case LOGICAL.TIME: return { type: 'integer', title: schema.name, 'connect.version': 1, 'connect.type': 'int32' }
      case LOGICAL.TIMESTAMP: return { type: 'integer', title: schema.name, 'connect.version': 1, 'connect.type': 'int64' }
    }
    const doc: Doc = {}
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': doc.type = 'integer'; break
      case 'FLOAT32': case 'FLOAT64': doc.type = 'number'; break
      case 'BOOLEAN': doc.type = 'boolean'; break
      case 'STRING': case 'BYTES': doc.type = 'string'; break
      case 'ARRAY': doc.type = 'array'; doc.items = this.#schema(schema.valueSchema!); break
      case 'MAP':
        if (schema.keySchema!.type !== 'STRING') throw unsupported('JsonSchemaConverter supports MAPs with STRING keys only')
        doc.type = 'object'
        doc['connect.type'] = 'map'
        doc.additionalProperties = this.#schema(schema.valueSchema!)
        break
      case 'STRUCT': {
        doc.type = 'object'
        if (schema.name !== undefined) doc.title = schema.name
        const properties: Doc = {}
        for (const field of schema.fields ?? []) properties[field.name] = { ...this.#schema(field.schema), 'connect.index': field.index }
        doc.properties = properties
        doc.required = (schema.fields ?? []).filter((f) => !f.schema.optional).map((f) => f.name)
        doc.additionalProperties = false
        break
      }
    }
    const connectType = CONNECT_TYPES[schema.type]
    if (connectType !== undefined) doc['connect.type'] = connectType
    if (schema.type !== 'STRUCT' && schema.name !== undefined) doc.title = schema.name
    if (schema.doc !== undefined) doc.description = schema.doc
    if (schema.version !== undefined) doc['connect.version'] = schema.version
    if (schema.parameters !== undefined) doc['connect.parameters'] = schema.parameters
    return doc
  }

  fromConnectValue(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) return null
    switch (schema.name) {
      case LOGICAL.DECIMAL: return Number(value)
      case LOGICAL.DATE: return ConnectDate.fromLogical(schema, value as Date)
      case LOGICAL.TIME: return Time.fromLogical(schema, value as Date)
      case LOGICAL.TIMESTAMP: return Timestamp.fromLogical(schema, value as Date)
    }
    switch (schema.type) {
      case 'INT64': return Number(value)
      case 'BYTES': return Buffer.from(value as Uint8Array).toString('base64')
      case 'ARRAY': return (value as unknown[]).map((v) => this.fromConnectValue(schema.valueSchema!, v))
      case 'MAP': return Object.fromEntries([...(value as Map<string, unknown>)].map(([k, v]) => [k, this.fromConnectValue(schema.valueSchema!, v)]))
      case 'STRUCT': {
        const struct = value as Struct
        return Object.fromEntries((schema.fields ?? []).map((f) => [f.name, this.fromConnectValue(f.schema, struct.get(f.name))]))
      }
      default: return value
    }
  }

  toConnectSchema(doc: unknown, optional = false): Schema {
    if (typeof doc !== 'object' || doc === null) throw unsupported(`JSON Schema ${JSON.stringify(doc)} is not supported`)
    const d = doc as Doc
    const oneOf = (d.oneOf ?? d.anyOf) as unknown[] | undefined
    if (oneOf !== undefined) {
      const rest = oneOf.filter((b) => (b as Doc).type !== 'null')
      if (rest.length !== 1 || rest.length === oneOf.length) throw unsupported('JsonSchemaConverter supports oneOf/anyOf of one type with null only')
      return this.toConnectSchema(rest[0], true)
    }
    const title = d.title as string | undefined
    const connectType = d['connect.type'] as string | undefined
    let builder: SchemaBuilder
    if (title === LOGICAL.DECIMAL) builder = Decimal.builder(Number((d['connect.parameters'] as Doc | undefined)?.scale ?? 0))
    else if (title === LOGICAL.DATE) builder = ConnectDate.builder()
    else if (title === LOGICAL.TIME) builder = Time.builder()
    else if (title === LOGICAL.TIMESTAMP) builder = Timestamp.builder()
    else {
      switch (d.type) {
        case 'integer': builder = new SchemaBuilder((connectType?.toUpperCase() as SchemaType | undefined) ?? 'INT64'); break
        case 'number': builder = connectType === 'float32' ? SchemaBuilder.float32() : SchemaBuilder.float64(); break
        case 'boolean': builder = SchemaBuilder.bool(); break
        case 'string': builder = connectType === 'bytes' ? SchemaBuilder.bytes() : SchemaBuilder.string(); break
        case 'array': builder = SchemaBuilder.array(this.toConnectSchema(d.items)); break
        case 'object':
          if (connectType === 'map' || d.properties === undefined) {
            builder = SchemaBuilder.map(SchemaBuilder.string().build(), this.toConnectSchema(typeof d.additionalProperties === 'object' ? d.additionalProperties : {}))
            break
          }
          builder = SchemaBuilder.struct()
          {
            const required = new Set((d.required as string[] | undefined) ?? [])
            const entries = Object.entries(d.properties as Record<string, Doc>)
              .sort(([, a], [, b]) => Number(a['connect.index'] ?? 0) - Number(b['connect.index'] ?? 0))
            for (const [name, property] of entries) {
              const schema = this.toConnectSchema(property)
              builder.field(name, required.has(name) || schema.optional ? schema : SchemaBuilder.from(schema).optional().build())
            }
          }
          if (title !== undefined) builder.name(title)
          break
        default: throw unsupported(`JSON Schema type ${JSON.stringify(d.type)} is not supported`)
      }
      if (title !== undefined && builder.type !== 'STRUCT') builder.name(title)
    }
    if (typeof d.description === 'string') builder.doc(d.description)
    if (typeof d['connect.version'] === 'number' && builder.build().version === undefined) builder.version(d['connect.version'])
    if (typeof d['connect.parameters'] === 'object' && d['connect.parameters'] !== null && title !== LOGICAL.DECIMAL) builder.parameters(d['connect.parameters'] as Record<string, string>)
    if (optional) builder.optional()
    return builder.build()
  }

  toConnectValue(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) return null
    switch (schema.name) {
      case LOGICAL.DECIMAL: return numberTextToDecimal(String(value), Decimal.scaleOf(schema))
      case LOGICAL.DATE: return ConnectDate.toLogical(schema, value as number)
      case LOGICAL.TIME: return Time.toLogical(schema, value as number)
      case LOGICAL.TIMESTAMP: return Timestamp.toLogical(schema, value as number)
    }
    switch (schema.type) {
      case 'BYTES': return Buffer.from(value as string, 'base64')
      case 'ARRAY': return (value as unknown[]).map((v) => this.toConnectValue(schema.valueSchema!, v))
      case 'MAP': return new Map(Object.entries(value as Doc).map(([k, v]) => [k, this.toConnectValue(schema.valueSchema!, v)]))
      case 'STRUCT': {
        const struct = new Struct(schema)
        for (const field of schema.fields ?? []) struct.put(field.name, this.toConnectValue(field.schema, (value as Doc)[field.name]))
        return struct
      }
      default: return value
    }
  }
}
