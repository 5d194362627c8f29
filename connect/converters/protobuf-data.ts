/**
 * `ProtobufData`: Connect STRUCT schemas and values ↔ proto3 messages, the subset of Confluent's
 * ProtobufData that ProtobufConverter supports.
 *
 * Writing generates one .proto file per Connect schema: `syntax = "proto3"`, the package from the
 * schema name's namespace, the message named after the schema (unnamed: `ConnectDefault1`),
 * nested structs as nested messages named after their field (`home` → `Home`), field numbers in
 * field order from 1.
 *
 * | Connect                     | proto3                                   | read back as          |
 * |-----------------------------|------------------------------------------|-----------------------|
 * | INT8, INT16, INT32          | `int32`                                  | INT32                 |
 * | INT64                       | `int64`                                  | INT64                 |
 * | FLOAT32, FLOAT64            | `float`, `double`                        | same                  |
 * | BOOLEAN, STRING, BYTES      | `bool`, `string`, `bytes`                | same (enums: STRING)  |
 * | optional primitive          | `optional` field (proto3 presence)       | optional              |
 * | STRUCT (optional or not)    | nested message                           | optional STRUCT       |
 * | ARRAY                       | `repeated`                               | required ARRAY (null: empty) |
 * | MAP (STRING/integer keys)   | `map<K, V>`                              | required MAP          |
 * | Timestamp                   | `google.protobuf.Timestamp`              | optional Timestamp    |
 *
 * Nested STRUCTs read back named by their proto full name (`shop.Row.Home`), not their Connect
 * name. Not supported (CONNECT_DATA): a top-level schema that is not a STRUCT, Decimal, Date, Time,
 * arrays of arrays or maps, maps whose values are arrays or maps. Other proto types read as:
 * unsigned 32-bit and all 64-bit integers INT64, `sint32`/`sfixed32` INT32, enums STRING.
 */
import { Timestamp } from '../api/logical-types.ts'
import { LOGICAL, type Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { describeSchema } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

/** What ProtobufData reads of a protobufjs reflection type (kept structural: no protobufjs import here). */
export interface ProtoType {
  readonly fullName: string
  readonly fieldsArray: readonly ProtoField[]
}

export interface ProtoField {
  readonly name: string
  readonly id: number
  readonly type: string
  readonly repeated: boolean
  readonly map?: boolean
  readonly keyType?: string
  readonly options?: Readonly<Record<string, unknown>> | undefined
  readonly partOf?: { readonly name: string } | null
  readonly resolvedType: ProtoType | { readonly values: object } | null
  resolve(): unknown
}

const TIMESTAMP_PROTO = 'google.protobuf.Timestamp'
const SCALARS: Readonly<Record<string, string>> = {
  INT8: 'int32', INT16: 'int32', INT32: 'int32', INT64: 'int64', FLOAT32: 'float', FLOAT64: 'double', BOOLEAN: 'bool', STRING: 'string', BYTES: 'bytes',
}

function unsupported(message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', `ProtobufConverter: ${message}`)
}

function identifier(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')
}

function messageNameFor(field: string): string {
  const id = identifier(field)
  return id.charAt(0).toUpperCase() + id.slice(1)
}

export class ProtobufData {
  readonly #files = new WeakMap<Schema, { text: string; messageName: string }>()

  /** The .proto text and the full message name of a Connect STRUCT schema. */
  fromConnectSchema(schema: Schema): { text: string; messageName: string } {
    let file = this.#files.get(schema)
    if (file === undefined) {
      if (schema.type !== 'STRUCT') throw unsupported(`only STRUCT values can be written, got ${describeSchema(schema)}`)
      const fullName = schema.name ?? 'ConnectDefault1'
      const dot = fullName.lastIndexOf('.')
      const pkg = dot < 0 ? '' : fullName.slice(0, dot).split('.').map(identifier).join('.')
      const name = identifier(dot < 0 ? fullName : fullName.slice(dot + 1))
      const imports = new Set<string>()
      const body = this.#message(name, schema, '', imports)
      const header = ['syntax = "proto3";', ...(pkg === '' ? [] : [`package ${pkg};`]), ...[...imports].map((i) => `import "${i}";`)]
      file = { text: `${header.join('\n')}\n\n${body}`, messageName: pkg === '' ? name : `${pkg}.${name}` }
      this.#files.set(schema, file)
    }
    return file
  }

  #message(name: string, schema: Schema, indent: string, imports: Set<string>): string {
    const lines = [`${indent}message ${name} {`]
    const nested: string[] = []
    for (const field of schema.fields ?? []) {
      const fieldName = identifier(field.name)
      const number = field.index + 1
      const f = field.schema
      const typeOf = (s: Schema, what: string): string => {
        if (s.name === LOGICAL.TIMESTAMP) {
          imports.add('google/protobuf/timestamp.proto')
          return TIMESTAMP_PROTO
        }
        if (s.name === LOGICAL.DECIMAL || s.name === LOGICAL.DATE || s.name === LOGICAL.TIME) throw unsupported(`${describeSchema(s)} (${what}) is not supported`)
        if (s.type === 'STRUCT') {
          const nestedName = messageNameFor(field.name)
          nested.push(this.#message(nestedName, s, `${indent}  `, imports))
          return nestedName
        }
        const scalar = SCALARS[s.type]
        if (scalar === undefined) throw unsupported(`${describeSchema(s)} (${what}) is not supported here`)
        return scalar
      }
      if (f.type === 'ARRAY') {
        lines.push(`${indent}  repeated ${typeOf(f.valueSchema!, `items of ${field.name}`)} ${fieldName} = ${number};`)
      } else if (f.type === 'MAP') {
        const key = f.keySchema!
        if (key.type !== 'STRING' && key.type !== 'INT32' && key.type !== 'INT64' && key.type !== 'BOOLEAN') throw unsupported(`map keys of ${describeSchema(key)} (${field.name})`)
        lines.push(`${indent}  map<${SCALARS[key.type]}, ${typeOf(f.valueSchema!, `values of ${field.name}`)}> ${fieldName} = ${number};`)
      } else {
        const type = typeOf(f, field.name)
        const presence = f.optional && f.type !== 'STRUCT' && f.name !== LOGICAL.TIMESTAMP ? 'optional ' : ''
        lines.push(`${indent}  ${presence}${type} ${fieldName} = ${number};`)
      }
    }
    return [...lines, ...nested, `${indent}}`].join('\n')
  }

  /** The plain object protobufjs' `fromObject` takes for a Struct. */
  fromConnectValue(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) return undefined
    if (schema.name === LOGICAL.TIMESTAMP) {
      const ms = (value as Date).getTime()
      return { seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 }
    }
    switch (schema.type) {
      case 'STRUCT': {
        const struct = value as Struct
        const out: Record<string, unknown> = {}
        for (const field of schema.fields ?? []) {
          const v = this.fromConnectValue(field.schema, struct.get(field.name))
          if (v !== undefined) out[identifier(field.name)] = v
        }
        return out
      }
      case 'ARRAY': return (value as unknown[]).map((v) => this.fromConnectValue(schema.valueSchema!, v))
      case 'MAP': {
        const out: Record<string, unknown> = {}
        for (const [k, v] of value as Map<unknown, unknown>) out[String(k)] = this.fromConnectValue(schema.valueSchema!, v)
        return out
      }
      case 'INT64': return typeof value === 'bigint' ? value.toString() : value
      default: return value
    }
  }

  /** The Connect schema of a message type. */
  toConnectSchema(type: ProtoType, optional = false): Schema {
    const builder = SchemaBuilder.struct().name(type.fullName.replace(/^\./, ''))
    for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
      field.resolve()
      const element = (): Schema => this.#fieldType(field.type, field.resolvedType, false)
      if (field.map === true) {
        builder.field(field.name, SchemaBuilder.map(this.#fieldType(field.keyType!, null, false), element()).build())
      } else if (field.repeated) {
        builder.field(field.name, SchemaBuilder.array(element()).build())
      } else {
        const presence = field.options?.proto3_optional === true || (field.partOf?.name.startsWith('_') ?? false)
        builder.field(field.name, this.#fieldType(field.type, field.resolvedType, presence))
      }
    }
    if (optional) builder.optional()
    return builder.build()
  }

  #fieldType(type: string, resolved: ProtoField['resolvedType'], optional: boolean): Schema {
    if (resolved !== null && 'fieldsArray' in resolved) {
      if (resolved.fullName.replace(/^\./, '') === TIMESTAMP_PROTO) return Timestamp.builder().optional().build()
      return this.toConnectSchema(resolved, true)
    }
    if (resolved !== null) return optional ? SchemaBuilder.string().optional().build() : SchemaBuilder.string().build()
    let builder: SchemaBuilder
    switch (type) {
      case 'int32': case 'sint32': case 'sfixed32': builder = SchemaBuilder.int32(); break
      case 'uint32': case 'fixed32': case 'int64': case 'sint64': case 'sfixed64': case 'uint64': case 'fixed64': builder = SchemaBuilder.int64(); break
      case 'float': builder = SchemaBuilder.float32(); break
      case 'double': builder = SchemaBuilder.float64(); break
      case 'bool': builder = SchemaBuilder.bool(); break
      case 'string': builder = SchemaBuilder.string(); break
      case 'bytes': builder = SchemaBuilder.bytes(); break
      default: throw unsupported(`proto type ${type} is not supported`)
    }
    if (optional) builder.optional()
    return builder.build()
  }

  /** The Connect value of a decoded message object (`toObject` with longs as strings, defaults). */
  toConnectValue(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) {
      if (schema.type === 'ARRAY') return []
      if (schema.type === 'MAP') return new Map()
      return null
    }
    if (schema.name === LOGICAL.TIMESTAMP) {
      const { seconds, nanos } = value as { seconds: string | number; nanos: number }
      return new Date(Number(seconds) * 1000 + Math.floor((nanos ?? 0) / 1_000_000))
    }
    switch (schema.type) {
      case 'STRUCT': {
        const struct = new Struct(schema)
        for (const field of schema.fields ?? []) struct.put(field.name, this.toConnectValue(field.schema, (value as Record<string, unknown>)[field.name]))
        return struct
      }
      case 'ARRAY': return (value as unknown[]).map((v) => this.toConnectValue(schema.valueSchema!, v))
      case 'MAP':
        return new Map(Object.entries(value as object).map(([k, v]) => [this.#key(schema.keySchema!, k), this.toConnectValue(schema.valueSchema!, v)]))
      case 'INT64': {
        const n = Number(value)
        return Number.isSafeInteger(n) ? n : BigInt(String(value))
      }
      case 'BYTES': return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)
      default: return value
    }
  }

  #key(schema: Schema, key: string): unknown {
    switch (schema.type) {
      case 'INT32': return Number(key)
      case 'INT64': return Number.isSafeInteger(Number(key)) ? Number(key) : BigInt(key)
      case 'BOOLEAN': return key === 'true'
      default: return key
    }
  }
}
