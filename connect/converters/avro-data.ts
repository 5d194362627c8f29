/**
 * `AvroData`: Connect schemas and values ↔ Avro schemas and avsc values, following Confluent's
 * AvroData (the mapping `io.confluent.connect.avro.AvroConverter` uses), so schemas registered by
 * Creek read like Confluent's and back.
 *
 * | Connect                      | Avro                                                                 |
 * |------------------------------|----------------------------------------------------------------------|
 * | INT8, INT16                  | `int` with `"connect.type": "int8"` / `"int16"`                      |
 * | INT32, INT64, FLOAT32/64     | `int`, `long`, `float`, `double`                                     |
 * | BOOLEAN, STRING, BYTES       | `boolean`, `string`, `bytes` (Avro `enum` and `uuid` read as STRING, `fixed` as BYTES) |
 * | ARRAY                        | `array`                                                              |
 * | MAP with STRING keys         | `map`                                                                |
 * | MAP with other keys          | `array` of `io.confluent.connect.avro.MapEntry` records `{key, value}` |
 * | STRUCT                       | `record` named after the schema (unnamed: `io.confluent.connect.avro.ConnectDefault`, `…2`…) |
 * | optional                     | union `["null", T]` with default null (`[T, "null"]` when a non-null default is set) |
 * | Decimal(scale)               | `bytes` with `logicalType: decimal`, `scale`, `precision` (parameter `connect.decimal.precision`, default 64) |
 * | Date, Time, Timestamp        | `int` `date`, `int` `time-millis`, `long` `timestamp-millis`         |
 *
 * Schema name, version, doc and parameters travel as `connect.name`, `connect.version`,
 * `connect.doc` (records: `doc`) and `connect.parameters`. Not supported (CONNECT_DATA): general
 * Avro unions (anything but one type with null), INT64 values beyond ±2^52 (avsc's `long`), and
 * schema-less values.
 */
import { Date as ConnectDate, Decimal, Time, Timestamp, decimalToUnscaled, unscaledToDecimal } from '../api/logical-types.ts'
import { LOGICAL, type Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { describeSchema, describeValue, schemaEquals } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

export type AvroJson = string | AvroObject | AvroJson[]
export interface AvroObject {
  readonly [key: string]: unknown
}

const NS = 'io.confluent.connect.avro'
const DEFAULT_PRECISION = 64
const AVSC_LONG_MAX = 2 ** 52

function unsupported(message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', message)
}

/** State of one Connect → Avro schema conversion: names already defined in it. */
interface ToAvroContext {
  readonly named: Map<string, Schema>
  defaults: number
  entries: number
}

export class AvroData {
  readonly #toAvro = new WeakMap<Schema, AvroJson>()

  /** The Avro schema (JSON) of a Connect schema. */
  fromConnectSchema(schema: Schema): AvroJson {
    let avro = this.#toAvro.get(schema)
    if (avro === undefined) {
      avro = this.#schema(schema, { named: new Map(), defaults: 0, entries: 0 })
      this.#toAvro.set(schema, avro)
    }
    return avro
  }

  #schema(schema: Schema, ctx: ToAvroContext): AvroJson {
    const base = this.#base(schema, ctx)
    if (!schema.optional) return base
    return schema.defaultValue !== undefined && schema.defaultValue !== null ? [base, 'null'] : ['null', base]
  }

  #meta(schema: Schema, props: Record<string, unknown>): Record<string, unknown> {
    if (schema.name !== undefined) props['connect.name'] = schema.name
    if (schema.version !== undefined) props['connect.version'] = schema.version
    if (schema.doc !== undefined && schema.type !== 'STRUCT') props['connect.doc'] = schema.doc
    if (schema.parameters !== undefined) props['connect.parameters'] = schema.parameters
    return props
  }

  #base(schema: Schema, ctx: ToAvroContext): AvroJson {
    switch (schema.name) {
      case LOGICAL.DECIMAL: {
        const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? DEFAULT_PRECISION)
        return this.#meta(schema, { type: 'bytes', logicalType: 'decimal', precision, scale: Decimal.scaleOf(schema) })
      }
      case LOGICAL.DATE: return this.#meta(schema, { type: 'int', logicalType: 'date' })
      case LOGICAL.TIME: return this.#meta(schema, { type: 'int', logicalType: 'time-millis' })
      case LOGICAL.TIMESTAMP: return this.#meta(schema, { type: 'long', logicalType: 'timestamp-millis' })
    }
    const plain = (type: string, extra: Record<string, unknown> = {}): AvroJson => {
      const props = this.#meta(schema, { type, ...extra })
      return Object.keys(props).length === 1 ? type : props
    }
    switch (schema.type) {
      case 'INT8': return plain('int', { 'connect.type': 'int8' })
      case 'INT16': return plain('int', { 'connect.type': 'int16' })
      case 'INT32': return plain('int')
      case 'INT64': return plain('long')
      case 'FLOAT32': return plain('float')
      case 'FLOAT64': return plain('double')
      case 'BOOLEAN': return plain('boolean')
      case 'STRING': return plain('string')
      case 'BYTES': return plain('bytes')
      case 'ARRAY': return this.#meta(schema, { type: 'array', items: this.#schema(schema.valueSchema!, ctx) })
      case 'MAP': {
        if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
          return this.#meta(schema, { type: 'map', values: this.#schema(schema.valueSchema!, ctx) })
        }
        ctx.entries++
        const entry = {
          type: 'record', name: `${NS}.MapEntry${ctx.entries === 1 ? '' : ctx.entries}`,
          fields: [{ name: 'key', type: this.#schema(schema.keySchema!, ctx) }, { name: 'value', type: this.#schema(schema.valueSchema!, ctx) }],
        }
        return this.#meta(schema, { type: 'array', items: entry })
      }
      case 'STRUCT': {
        let fullName = schema.name
        if (fullName === undefined) {
          ctx.defaults++
          fullName = `${NS}.ConnectDefault${ctx.defaults === 1 ? '' : ctx.defaults}`
        }
        const defined = ctx.named.get(fullName)
        if (defined !== undefined) {
          if (!schemaEquals(requiredOf(defined), requiredOf(schema))) throw unsupported(`Two different Connect schemas are named ${fullName}; Avro names must be unique`)
          return fullName
        }
        ctx.named.set(fullName, schema)
        const fields = (schema.fields ?? []).map((field) => {
          const out: Record<string, unknown> = { name: field.name, type: this.#schema(field.schema, ctx) }
          if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) out.default = defaultJson(field.schema, field.schema.defaultValue)
          else if (field.schema.optional) out.default = null
          return out
        })
        const record: Record<string, unknown> = { type: 'record', name: fullName }
        if (schema.doc !== undefined) record.doc = schema.doc
        record.fields = fields
        if (schema.name !== undefined) record['connect.name'] = schema.name
        if (schema.version !== undefined) record['connect.version'] = schema.version
        if (schema.parameters !== undefined) record['connect.parameters'] = schema.parameters
        return record
      }
    }
  }

  /** The avsc value of a Connect value (`value` is valid for `schema`). */
  fromConnectValue(schema: Schema, value: unknown, path = 'value'): unknown {
    if (value === null || value === undefined) return null
    switch (schema.name) {
      case LOGICAL.DECIMAL: {
        const scale = Decimal.scaleOf(schema)
        return unscaledToDecimal(decimalToUnscaled(value as string, scale), scale)
      }
      case LOGICAL.DATE: ConnectDate.fromLogical(schema, value as Date); return value
      case LOGICAL.TIME: return Time.fromLogical(schema, value as Date)
      case LOGICAL.TIMESTAMP: return value
    }
    switch (schema.type) {
      case 'INT64': {
        // avsc's `long` holds integers up to ±2^52 exactly and refuses larger ones.
        const n = Number(value)
        if (Math.abs(n) > AVSC_LONG_MAX || (typeof value === 'bigint' && BigInt(n) !== value)) {
          throw unsupported(`Invalid value at ${path}: ${value} is beyond ±2^52, which the Avro converter cannot write exactly`)
        }
        return n
      }
      case 'BYTES': return Buffer.from(value as Uint8Array)
      case 'ARRAY': return (value as unknown[]).map((v, i) => this.fromConnectValue(schema.valueSchema!, v, `${path}[${i}]`))
      case 'MAP': {
        const entries = [...(value as Map<unknown, unknown>)]
        if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
          const out: Record<string, unknown> = {}
          for (const [k, v] of entries) out[k as string] = this.fromConnectValue(schema.valueSchema!, v, `${path}[${JSON.stringify(k)}]`)
          return out
        }
        return entries.map(([k, v]) => ({ key: this.fromConnectValue(schema.keySchema!, k, `${path}.<key>`), value: this.fromConnectValue(schema.valueSchema!, v, `${path}[${String(k)}]`) }))
      }
      case 'STRUCT': {
        const struct = value as Struct
        const out: Record<string, unknown> = {}
        for (const field of schema.fields ?? []) out[field.name] = this.fromConnectValue(field.schema, struct.get(field.name), `${path}.${field.name}`)
        return out
      }
      default:
        return value
    }
  }

  /** The Connect schema of an Avro schema (JSON text or parsed). */
  toConnectSchema(avro: AvroJson | string): Schema {
    const node = typeof avro === 'string' && /^\s*[[{"]/.test(avro) ? (JSON.parse(avro) as AvroJson) : avro
    return this.#connect(node, new Map(), undefined)
  }

  #connect(node: AvroJson, named: Map<string, Schema>, namespace: string | undefined): Schema {
    if (typeof node === 'string') return this.#primitive(node, {}, named, namespace)
    if (Array.isArray(node)) {
      const branches = node.filter((b) => b !== 'null')
      if (branches.length !== 1 || branches.length === node.length) {
        throw unsupported(`Avro union ${JSON.stringify(node)} is not supported: only a union of one type with null (an optional value)`)
      }
      return SchemaBuilder.from(this.#connect(branches[0], named, namespace)).optional().build()
    }
    return this.#primitive(node.type as string, node, named, namespace)
  }

  #primitive(type: string | AvroJson, node: AvroObject, named: Map<string, Schema>, namespace: string | undefined): Schema {
    if (typeof type !== 'string') return this.#connect(type, named, namespace)
    const logical = node.logicalType
    let builder: SchemaBuilder
    if (logical === 'decimal' && (type === 'bytes' || type === 'fixed')) {
      builder = Decimal.builder(Number(node.scale ?? 0))
      if (node.precision !== undefined && Number(node.precision) !== DEFAULT_PRECISION) builder.parameter('connect.decimal.precision', String(node.precision))
    } else if (logical === 'date' && type === 'int') builder = ConnectDate.builder()
    else if (logical === 'time-millis' && type === 'int') builder = Time.builder()
    else if (logical === 'timestamp-millis' && type === 'long') builder = Timestamp.builder()
    else {
      switch (type) {
        case 'int': builder = node['connect.type'] === 'int8' ? SchemaBuilder.int8() : node['connect.type'] === 'int16' ? SchemaBuilder.int16() : SchemaBuilder.int32(); break
        case 'long': builder = SchemaBuilder.int64(); break
        case 'float': builder = SchemaBuilder.float32(); break
        case 'double': builder = SchemaBuilder.float64(); break
        case 'boolean': builder = SchemaBuilder.bool(); break
        case 'string': case 'enum': builder = SchemaBuilder.string(); break
        case 'bytes': case 'fixed': builder = SchemaBuilder.bytes(); break
        case 'array': {
          const items = node.items as AvroJson
          const entry = typeof items === 'object' && !Array.isArray(items) && items.type === 'record' && String(items.name).startsWith(`${NS}.MapEntry`) ? items : undefined
          if (entry !== undefined) {
            const fields = entry.fields as { name: string; type: AvroJson }[]
            const keyField = fields.find((f) => f.name === 'key')
            const valueField = fields.find((f) => f.name === 'value')
            if (keyField === undefined || valueField === undefined) throw unsupported('A MapEntry record needs "key" and "value" fields')
            builder = SchemaBuilder.map(this.#connect(keyField.type, named, namespace), this.#connect(valueField.type, named, namespace))
          } else builder = SchemaBuilder.array(this.#connect(items, named, namespace))
          break
        }
        case 'map': builder = SchemaBuilder.map(SchemaBuilder.string().build(), this.#connect(node.values as AvroJson, named, namespace)); break
        case 'record': return this.#record(node, named, namespace)
        case 'null': throw unsupported('An Avro "null" type has no Connect schema')
        default: {
          const full = type.includes('.') || namespace === undefined ? type : `${namespace}.${type}`
          const found = named.get(full) ?? named.get(type)
          if (found === undefined) throw unsupported(`Unknown Avro type "${type}"`)
          return found
        }
      }
    }
    const name = node['connect.name']
    if (typeof name === 'string' && builder.build().name === undefined) builder.name(name)
    if (typeof node['connect.version'] === 'number' && builder.build().version === undefined) builder.version(node['connect.version'])
    if (typeof node['connect.doc'] === 'string') builder.doc(node['connect.doc'])
    const parameters = node['connect.parameters']
    if (typeof parameters === 'object' && parameters !== null) builder.parameters(parameters as Record<string, string>)
    return builder.build()
  }

  #record(node: AvroObject, named: Map<string, Schema>, outer: string | undefined): Schema {
    const rawName = String(node.name)
    const namespace = rawName.includes('.') ? rawName.slice(0, rawName.lastIndexOf('.')) : (node.namespace as string | undefined) ?? outer
    const fullName = rawName.includes('.') || namespace === undefined ? rawName : `${namespace}.${rawName}`
    const builder = SchemaBuilder.struct()
    const connectName = typeof node['connect.name'] === 'string' ? node['connect.name'] : fullName.startsWith(`${NS}.ConnectDefault`) ? undefined : fullName
    if (connectName !== undefined) builder.name(connectName)
    if (typeof node['connect.version'] === 'number') builder.version(node['connect.version'])
    if (typeof node.doc === 'string') builder.doc(node.doc)
    if (typeof node['connect.parameters'] === 'object' && node['connect.parameters'] !== null) builder.parameters(node['connect.parameters'] as Record<string, string>)
    for (const field of node.fields as { name: string; type: AvroJson; default?: unknown }[]) {
      let schema = this.#connect(field.type, named, namespace)
      if (field.default !== undefined && field.default !== null) {
        schema = SchemaBuilder.from(schema).defaultValue(this.#fromDefault(schema, field.default)).build()
      }
      builder.field(field.name, schema)
    }
    const schema = builder.build()
    named.set(fullName, schema)
    return schema
  }

  #fromDefault(schema: Schema, json: unknown): unknown {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return Decimal.toLogical(schema, Buffer.from(json as string, 'latin1'))
      case LOGICAL.DATE: return ConnectDate.toLogical(schema, json as number)
      case LOGICAL.TIME: return Time.toLogical(schema, json as number)
      case LOGICAL.TIMESTAMP: return Timestamp.toLogical(schema, json as number)
    }
    switch (schema.type) {
      case 'BYTES': return Buffer.from(json as string, 'latin1')
      case 'ARRAY': return (json as unknown[]).map((v) => this.#fromDefault(schema.valueSchema!, v))
      case 'MAP':
        return new Map(Object.entries(json as object).map(([k, v]) => [k, this.#fromDefault(schema.valueSchema!, v)]))
      case 'STRUCT': {
        const struct = new Struct(schema)
        for (const field of schema.fields ?? []) struct.put(field.name, this.#fromDefault(field.schema, (json as Record<string, unknown>)[field.name] ?? null))
        return struct
      }
      default: return json
    }
  }

  /** The Connect value of an avsc value read as `schema`. */
  toConnectValue(schema: Schema, value: unknown, path = 'value'): unknown {
    if (value === null || value === undefined) {
      if (schema.optional) return null
      if (schema.defaultValue !== undefined) return schema.defaultValue
      throw unsupported(`Invalid value at ${path}: null for a required ${describeSchema(schema)}`)
    }
    switch (schema.name) {
      case LOGICAL.DECIMAL: {
        const scale = Decimal.scaleOf(schema)
        return unscaledToDecimal(decimalToUnscaled(String(value), scale), scale)
      }
      case LOGICAL.DATE: return value instanceof Date ? value : ConnectDate.toLogical(schema, value as number)
      case LOGICAL.TIME: return Time.toLogical(schema, value as number)
      case LOGICAL.TIMESTAMP: return value instanceof Date ? value : Timestamp.toLogical(schema, value as number)
    }
    switch (schema.type) {
      case 'INT64': return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value
      case 'BYTES': return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)
      case 'ARRAY': return (value as unknown[]).map((v, i) => this.toConnectValue(schema.valueSchema!, v, `${path}[${i}]`))
      case 'MAP': {
        if (Array.isArray(value)) {
          return new Map(value.map((e: { key: unknown; value: unknown }) => [this.toConnectValue(schema.keySchema!, e.key, `${path}.<key>`), this.toConnectValue(schema.valueSchema!, e.value, path)]))
        }
        return new Map(Object.entries(value as object).map(([k, v]) => [k, this.toConnectValue(schema.valueSchema!, v, `${path}[${JSON.stringify(k)}]`)]))
      }
      case 'STRUCT': {
        const struct = new Struct(schema)
        for (const field of schema.fields ?? []) struct.put(field.name, this.toConnectValue(field.schema, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`))
        return struct
      }
      default:
        if (typeof value === 'object' && !(value instanceof Uint8Array)) throw unsupported(`Invalid value at ${path}: ${describeValue(value)} for ${describeSchema(schema)}`)
        return value
    }
  }
}

/** `schema` without optionality (an Avro record is the same type inside or outside a union). */
function requiredOf(schema: Schema): Schema {
  return schema.optional ? SchemaBuilder.from(schema).required().build() : schema
}

/** The Avro default (JSON) of a Connect default value. */
function defaultJson(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (schema.name) {
    case LOGICAL.DECIMAL: return Decimal.fromLogical(schema, value as string).toString('latin1')
    case LOGICAL.DATE: return ConnectDate.fromLogical(schema, value as Date)
    case LOGICAL.TIME: return Time.fromLogical(schema, value as Date)
    case LOGICAL.TIMESTAMP: return (value as Date).getTime()
  }
  switch (schema.type) {
    case 'INT64': return Number(value)
    case 'BYTES': return Buffer.from(value as Uint8Array).toString('latin1')
    case 'ARRAY': return (value as unknown[]).map((v) => defaultJson(schema.valueSchema!, v))
    case 'MAP': return Object.fromEntries([...(value as Map<string, unknown>)].map(([k, v]) => [k, defaultJson(schema.valueSchema!, v)]))
    case 'STRUCT': {
      const struct = value as Struct
      return Object.fromEntries((schema.fields ?? []).map((f) => [f.name, defaultJson(f.schema, struct.get(f.name))]))
    }
    default: return value
  }
}
