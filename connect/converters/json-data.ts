/**
 * `JsonData`: Connect schemas and values ↔ JSON text, exactly as Kafka's JsonConverter writes
 * them (the `{schema, payload}` envelope is assembled by json-converter.ts).
 *
 * Schema JSON: `{"type": …, <children>, "optional": …, "name", "version", "doc", "parameters",
 * "default"}` in that key order; type names `int8 int16 int32 int64 float double boolean string
 * bytes array map struct`; arrays have `items`, maps `keys` and `values`, structs `fields` (each a
 * schema with its `"field"` name last). Payload JSON: integers as numbers (INT64 exactly, bigint
 * beyond 2^53), FLOAT32/FLOAT64 as Java prints them, BYTES as base64, maps with STRING keys as
 * objects and otherwise as `[[key, value], …]`, structs as objects in field order; logical types as
 * their underlying value (Date: days, Time: ms of day, Timestamp: epoch ms) and Decimal as base64
 * of the unscaled bytes (`decimal.format=BASE64`, the default) or as a JSON number (`NUMERIC`);
 * a Decimal reads from either form.
 *
 * Errors: a value that does not fit its schema is CONNECT_DATA (naming the path); schema JSON
 * that cannot be read is CONNECT_CONVERSION.
 *
 * Caches (as Kafka's JsonConverter, both bounded by `schemas.cache.size`, none when it is 0):
 * Connect schema → its JSON text, its compiled payload writer and envelope prefix (an LRU keyed
 * by schema identity), and schema JSON text → Connect schema with its compiled payload reader (an
 * LRU keyed by the compact text, and by the text as read when it was spelled otherwise), so a
 * record's schema is converted once, not per record. The compiled writers and readers
 * (json-compiled.ts) handle the common cases in one pass and decline the rest, which take the
 * general path below: both give the same text and values, and errors always come from the
 * general path.
 */
import { ConnectError } from '../errors.ts'
import { Date as ConnectDate, Decimal, Time, Timestamp, decimalToUnscaled, unscaledToDecimal } from '../api/logical-types.ts'
import { LOGICAL, type Schema, type SchemaAndValue, type SchemaType } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { describeSchema, describeValue, isStruct, validateValue } from '../api/values.ts'
import { JsonCursor, type JsonReader, type JsonWriter, compileReader, compileWriter } from './json-compiled.ts'
import { JsonNumber, type JsonNode, javaDouble, javaFloat, numberTextToDecimal, parseJson } from './json-node.ts'

export { numberTextToDecimal } from './json-node.ts'

export type DecimalFormat = 'BASE64' | 'NUMERIC'

export interface JsonDataOptions {
  readonly decimalFormat: DecimalFormat
  readonly replaceNullWithDefault: boolean
  readonly schemasCacheSize: number
}

const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float', FLOAT64: 'double', BOOLEAN: 'boolean',
  STRING: 'string', BYTES: 'bytes', ARRAY: 'array', MAP: 'map', STRUCT: 'struct',
}
const TYPES_BY_NAME = new Map(Object.entries(TYPE_NAMES).map(([type, name]) => [name, type as SchemaType]))

/** The size of the slabs `envelope` writes small envelopes into, and the largest envelope written there. */
const SLAB_BYTES = 256 * 1024
const SLAB_RECORD_MAX = 16 * 1024

function dataError(path: string, message: string): ConnectError {
  return new ConnectError('CONNECT_DATA', `Invalid value at ${path}: ${message}`)
}

function conversionError(message: string): ConnectError {
  return new ConnectError('CONNECT_CONVERSION', message)
}

/** A cached Connect schema → JSON conversion: its text, and its compiled payload writer and envelope prefix once needed. */
interface WriteEntry {
  readonly text: string
  write?: JsonWriter
  /** `{"schema":<text>,"payload":` in UTF-8. */
  envelopePrefix?: Buffer
}

/** The last envelope read through the fast path: its bytes up to the payload, and how to read the payload. */
interface ReadMemo {
  readonly prefix: Buffer
  readonly schema: Schema
  readonly read: JsonReader
}

const ENVELOPE_START = '{"schema":'
const ENVELOPE_PAYLOAD = ',"payload":'

export class JsonData {
  readonly #options: JsonDataOptions
  /** Connect schema (by identity) → its JSON; an LRU of at most `schemasCacheSize` entries. */
  readonly #fromConnect = new Map<Schema, WriteEntry>()
  #lastWritten: Schema | null = null
  #lastWrittenEntry: WriteEntry | null = null
  /** Schema JSON text (compact, and as read when written otherwise) → Connect schema; an LRU of at most `schemasCacheSize` entries. */
  readonly #schemasByText = new Map<string, Schema>()
  readonly #readers = new WeakMap<Schema, JsonReader>()
  #lastRead: ReadMemo | null = null
  readonly #cursor = new JsonCursor()
  /** Where `envelope` writes small envelopes (see there); replaced, never reused, when full. */
  #slab: Buffer = Buffer.alloc(0)
  #slabOffset = 0

  constructor(options: JsonDataOptions) {
    this.#options = options
  }

  /** How many schemas each cache holds (both bounded by `schemas.cache.size`). */
  get cachedSchemas(): { readonly fromConnect: number; readonly toConnect: number } {
    return { fromConnect: this.#fromConnect.size, toConnect: this.#schemasByText.size }
  }

  // ---- Connect → JSON ------------------------------------------------------------------------

  /** The schema JSON of `schema` (`null` for no schema). */
  schemaToJson(schema: Schema | null): string {
    if (schema === null) return 'null'
    return this.#writeEntry(schema)?.text ?? this.#schemaJson(schema, undefined)
  }

  /** The cache entry of `schema` (made and made most recent); null when the cache is off (size 0). */
  #writeEntry(schema: Schema): WriteEntry | null {
    if (schema === this.#lastWritten) return this.#lastWrittenEntry
    const size = this.#options.schemasCacheSize
    if (size <= 0) return null
    let entry = this.#fromConnect.get(schema)
    if (entry !== undefined) this.#fromConnect.delete(schema)
    else {
      entry = { text: this.#schemaJson(schema, undefined) }
      if (this.#fromConnect.size >= size) this.#fromConnect.delete(this.#fromConnect.keys().next().value!)
    }
    this.#fromConnect.set(schema, entry)
    this.#lastWritten = schema
    this.#lastWrittenEntry = entry
    return entry
  }

  /** `{"schema": …, "payload": …}` of a value, in UTF-8. */
  envelope(schema: Schema | null, value: unknown): Buffer {
    const payload = this.valueToJson(schema, value)
    const entry = schema === null ? null : this.#writeEntry(schema)
    if (entry === null) return Buffer.from(`${ENVELOPE_START}${this.schemaToJson(schema)}${ENVELOPE_PAYLOAD}${payload}}`, 'utf8')
    // The schema's bytes are copied, not encoded again for every record.
    const prefix = entry.envelopePrefix ??= Buffer.from(`${ENVELOPE_START}${entry.text}${ENVELOPE_PAYLOAD}`, 'utf8')
    // At most 3 UTF-8 bytes per UTF-16 unit of the payload, and the closing brace.
    const most = prefix.length + payload.length * 3 + 1
    if (most > SLAB_RECORD_MAX) {
      const size = prefix.length + Buffer.byteLength(payload, 'utf8') + 1
      const out = Buffer.allocUnsafe(size)
      prefix.copy(out, 0)
      out.write(payload, prefix.length, 'utf8')
      out[size - 1] = 0x7d
      return out
    }
    // Small envelopes are written one after another into a slab and handed out as views: one
    // allocation per slab, not per record. A region handed out is never written again.
    let slab = this.#slab
    if (this.#slabOffset + most > slab.length) {
      slab = this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
      this.#slabOffset = 0
    }
    const start = this.#slabOffset
    slab.set(prefix, start)
    const payloadEnd = start + prefix.length + slab.write(payload, start + prefix.length, 'utf8')
    slab[payloadEnd] = 0x7d
    this.#slabOffset = payloadEnd + 1
    return slab.subarray(start, payloadEnd + 1)
  }

  #schemaJson(schema: Schema, fieldName: string | undefined): string {
    const parts = [`"type":"${TYPE_NAMES[schema.type]}"`]
    if (schema.type === 'ARRAY') parts.push(`"items":${this.schemaToJson(schema.valueSchema!)}`)
    if (schema.type === 'MAP') parts.push(`"keys":${this.schemaToJson(schema.keySchema!)}`, `"values":${this.schemaToJson(schema.valueSchema!)}`)
    if (schema.type === 'STRUCT') {
      parts.push(`"fields":[${(schema.fields ?? []).map((f) => this.#schemaJson(f.schema, f.name)).join(',')}]`)
    }
    parts.push(`"optional":${schema.optional}`)
    if (schema.name !== undefined) parts.push(`"name":${JSON.stringify(schema.name)}`)
    if (schema.version !== undefined) parts.push(`"version":${schema.version}`)
    if (schema.doc !== undefined) parts.push(`"doc":${JSON.stringify(schema.doc)}`)
    if (schema.parameters !== undefined) parts.push(`"parameters":${JSON.stringify(schema.parameters)}`)
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) parts.push(`"default":${this.#value(schema, schema.defaultValue, 'default')}`)
    if (fieldName !== undefined) parts.push(`"field":${JSON.stringify(fieldName)}`)
    return `{${parts.join(',')}}`
  }

  /** The payload JSON of `value` (checked against `schema`; any JSON-like value without one). */
  valueToJson(schema: Schema | null, value: unknown, path = 'value'): string {
    if (schema === null) return this.#schemaless(value, path)
    const entry = this.#writeEntry(schema)
    if (entry !== null) {
      let text: string | undefined
      try {
        text = (entry.write ??= compileWriter(schema, this.#options))(value)
      } catch {
        text = undefined
      }
      // The compiled writer declines what it does not handle: the general path writes it or throws.
      if (text !== undefined) return text
    }
    if ((value === null || value === undefined) && schema.defaultValue !== undefined && this.#options.replaceNullWithDefault) value = schema.defaultValue
    validateValue(schema, value, path)
    return this.#value(schema, value, path)
  }

  /** `value` is valid for `schema` (checked by the caller). */
  #value(schema: Schema, value: unknown, path: string): string {
    if (value === null || value === undefined) {
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.#options.replaceNullWithDefault) return this.#value(schema, schema.defaultValue, path)
      return 'null'
    }
    switch (schema.name) {
      case LOGICAL.DECIMAL: {
        const scale = Decimal.scaleOf(schema)
        if (this.#options.decimalFormat === 'NUMERIC') return unscaledToDecimal(decimalToUnscaled(value as string, scale), scale)
        return `"${Decimal.fromLogical(schema, value as string).toString('base64')}"`
      }
      case LOGICAL.DATE: return String(ConnectDate.fromLogical(schema, value as Date))
      case LOGICAL.TIME: return String(Time.fromLogical(schema, value as Date))
      case LOGICAL.TIMESTAMP: return String(Timestamp.fromLogical(schema, value as Date))
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': return String(value)
      case 'FLOAT32': return javaFloat(value as number)
      case 'FLOAT64': return javaDouble(value as number)
      case 'BOOLEAN': return value ? 'true' : 'false'
      case 'STRING': return JSON.stringify(value)
      case 'BYTES': return `"${Buffer.from(value as Uint8Array).toString('base64')}"`
      case 'ARRAY': return `[${(value as unknown[]).map((v, i) => this.#value(schema.valueSchema!, v, `${path}[${i}]`)).join(',')}]`
      case 'MAP': {
        const entries = [...(value as Map<unknown, unknown>)]
        if (schema.keySchema!.type === 'STRING') {
          return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${this.#value(schema.valueSchema!, v, `${path}[${JSON.stringify(k)}]`)}`).join(',')}}`
        }
        return `[${entries.map(([k, v]) => `[${this.#value(schema.keySchema!, k, `${path}.<key>`)},${this.#value(schema.valueSchema!, v, `${path}[${String(k)}]`)}]`).join(',')}]`
      }
      case 'STRUCT': {
        const struct = value as Struct
        const get = this.#options.replaceNullWithDefault ? (n: string) => struct.get(n) : (n: string) => struct.getWithoutDefault(n)
        return `{${(schema.fields ?? []).map((f) => `${JSON.stringify(f.name)}:${this.#value(f.schema, get(f.name), `${path}.${f.name}`)}`).join(',')}}`
      }
    }
  }

  #schemaless(value: unknown, path: string): string {
    if (value === null || value === undefined) return 'null'
    switch (typeof value) {
      case 'boolean': return value ? 'true' : 'false'
      case 'bigint': return String(value)
      case 'number': return Number.isSafeInteger(value) ? String(value) : javaDouble(value)
      case 'string': return JSON.stringify(value)
    }
    if (value instanceof Uint8Array) return `"${Buffer.from(value).toString('base64')}"`
    if (value instanceof Date) return String(value.getTime())
    if (Array.isArray(value)) return `[${value.map((v, i) => this.#schemaless(v, `${path}[${i}]`)).join(',')}]`
    if (isStruct(value)) return this.valueToJson(value.schema, value, path)
    if (value instanceof Map) {
      const entries = [...value]
      if (entries.every(([k]) => typeof k === 'string')) {
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${this.#schemaless(v, `${path}[${JSON.stringify(k)}]`)}`).join(',')}}`
      }
      return `[${entries.map(([k, v]) => `[${this.#schemaless(k, `${path}.<key>`)},${this.#schemaless(v, `${path}[${String(k)}]`)}]`).join(',')}]`
    }
    if (typeof value === 'object') {
      return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${this.#schemaless(v, `${path}.${k}`)}`).join(',')}}`
    }
    throw dataError(path, `${describeValue(value)} cannot be written as JSON`)
  }

  // ---- JSON → Connect ------------------------------------------------------------------------

  /** The Connect schema of schema JSON (`null` → no schema). */
  schemaFromJson(node: JsonNode): Schema | null {
    if (node === null) return null
    // The fast path's memo must stay the most recently used entry: forget it.
    this.#lastRead = null
    return this.#schemaFor(nodeText(node), node)
  }

  /** The cached schema of compact schema JSON `key` (read from `node` on a miss). */
  #schemaFor(key: string, node: JsonNode): Schema {
    const cached = this.#cacheGet(key)
    if (cached !== undefined) return cached
    const schema = this.#readSchema(node, 'schema')
    this.#cacheSet(key, schema)
    return schema
  }

  #cacheGet(key: string): Schema | undefined {
    const cached = this.#schemasByText.get(key)
    if (cached !== undefined) {
      this.#schemasByText.delete(key)
      this.#schemasByText.set(key, cached)
    }
    return cached
  }

  #cacheSet(key: string, schema: Schema): void {
    if (this.#options.schemasCacheSize <= 0) return
    this.#schemasByText.set(key, schema)
    if (this.#schemasByText.size > this.#options.schemasCacheSize) this.#schemasByText.delete(this.#schemasByText.keys().next().value!)
  }

  /**
   * The fast path of an envelope: `bytes` as `{"schema":{…},"payload":…}` (compact up to the
   * payload, as Kafka's JsonConverter writes it) with its schema cached, read in one pass with the
   * schema's compiled reader. Returns undefined for anything else (other spellings, a schema-less
   * envelope, a cache of size 0, text that is not valid or does not fit): the caller then reads
   * the bytes the general way, which gives the same result or the precise error.
   */
  readEnvelope(bytes: Buffer): SchemaAndValue | undefined {
    if (this.#options.schemasCacheSize <= 0) return undefined
    try {
      let memo = this.#lastRead
      let text: string
      let start: number
      if (memo !== null && bytes.length > memo.prefix.length && bytes.compare(memo.prefix, 0, memo.prefix.length, 0, memo.prefix.length) === 0) {
        // Same schema bytes as the last envelope: only the payload is decoded.
        text = bytes.toString('utf8', memo.prefix.length)
        start = 0
      } else {
        text = bytes.toString('utf8')
        if (!text.startsWith(ENVELOPE_START) || text.charCodeAt(ENVELOPE_START.length) !== 0x7b) return undefined
        const end = objectEnd(text, ENVELOPE_START.length)
        if (end < 0 || !text.startsWith(ENVELOPE_PAYLOAD, end)) return undefined
        const raw = text.slice(ENVELOPE_START.length, end)
        let schema = this.#cacheGet(raw)
        if (schema === undefined) {
          const node = parseJson(raw)
          const key = nodeText(node)
          schema = this.#schemaFor(key, node)
          if (key !== raw) this.#cacheSet(raw, schema)
        }
        let read = this.#readers.get(schema)
        if (read === undefined) this.#readers.set(schema, read = compileReader(schema, this.#options))
        start = end + ENVELOPE_PAYLOAD.length
        memo = { prefix: Buffer.from(text.slice(0, start), 'utf8'), schema, read }
        this.#lastRead = memo
      }
      const cursor = this.#cursor
      cursor.reset(text, start)
      const value = memo.read(cursor)
      cursor.expect(0x7d)
      cursor.ws()
      if (cursor.i !== text.length) return undefined
      return { schema: memo.schema, value }
    } catch {
      return undefined
    }
  }

  #readSchema(node: JsonNode, path: string): Schema {
    if (!(node instanceof Map)) throw conversionError(`Schema JSON at ${path} must be an object`)
    const typeName = node.get('type')
    if (typeof typeName !== 'string') throw conversionError(`Schema JSON at ${path} must contain a "type" field`)
    const type = TYPES_BY_NAME.get(typeName)
    if (type === undefined) throw conversionError(`Unknown schema type "${typeName}" at ${path}`)
    let builder: SchemaBuilder
    switch (type) {
      case 'ARRAY': {
        const items = node.get('items')
        if (items === undefined || items === null) throw conversionError(`Array schema at ${path} did not specify the element type ("items")`)
        builder = SchemaBuilder.array(this.#readSchema(items, `${path}.items`))
        break
      }
      case 'MAP': {
        const keys = node.get('keys')
        const values = node.get('values')
        if (keys === undefined || keys === null || values === undefined || values === null) {
          throw conversionError(`Map schema at ${path} did not specify the key and value types ("keys", "values")`)
        }
        builder = SchemaBuilder.map(this.#readSchema(keys, `${path}.keys`), this.#readSchema(values, `${path}.values`))
        break
      }
      case 'STRUCT': {
        builder = SchemaBuilder.struct()
        const fields = node.get('fields')
        if (!Array.isArray(fields)) throw conversionError(`Struct schema at ${path} must have a "fields" array`)
        fields.forEach((field, i) => {
          const name = field instanceof Map ? field.get('field') : undefined
          if (typeof name !== 'string') throw conversionError(`Struct field ${i} at ${path} must have a "field" name`)
          builder.field(name, this.#readSchema(field, `${path}.${name}`))
        })
        break
      }
      default:
        builder = new SchemaBuilder(type)
    }
    if (node.get('optional') === true) builder.optional()
    const name = node.get('name')
    if (typeof name === 'string') builder.name(name)
    const version = node.get('version')
    if (version instanceof JsonNumber) builder.version(version.toNumber())
    const doc = node.get('doc')
    if (typeof doc === 'string') builder.doc(doc)
    const parameters = node.get('parameters')
    if (parameters instanceof Map) {
      for (const [k, v] of parameters) {
        if (typeof v !== 'string') throw conversionError(`Schema parameter "${k}" at ${path} must be a string`)
        builder.parameter(k, v)
      }
    }
    const defaultNode = node.get('default')
    if (defaultNode !== undefined && defaultNode !== null) builder.defaultValue(this.valueFromJson(builder.build(), defaultNode, `${path}.default`))
    return builder.build()
  }

  /** The Connect value of payload JSON read as `schema` (schema-less: inferred). */
  valueFromJson(schema: Schema | null, node: JsonNode | undefined, path = 'value'): unknown {
    if (schema === null) return schemalessValue(node ?? null)
    if (node === null || node === undefined) {
      if (schema.defaultValue !== undefined && this.#options.replaceNullWithDefault) return schema.defaultValue
      if (schema.optional) return null
      throw dataError(path, `null for a required ${describeSchema(schema)}`)
    }
    const wrong = (): ConnectError => dataError(path, `expected ${describeSchema(schema)}, got JSON ${nodeText(node).slice(0, 40)}`)
    switch (schema.name) {
      case LOGICAL.DECIMAL:
        if (node instanceof JsonNumber) return numberTextToDecimal(node.text, Decimal.scaleOf(schema))
        if (typeof node === 'string') return Decimal.toLogical(schema, Buffer.from(node, 'base64'))
        throw wrong()
      case LOGICAL.DATE:
        if (!(node instanceof JsonNumber) || !node.isInteger) throw wrong()
        return ConnectDate.toLogical(schema, node.toNumber())
      case LOGICAL.TIME:
        if (!(node instanceof JsonNumber) || !node.isInteger) throw wrong()
        return Time.toLogical(schema, node.toNumber())
      case LOGICAL.TIMESTAMP:
        if (!(node instanceof JsonNumber) || !node.isInteger) throw wrong()
        return Timestamp.toLogical(schema, node.toNumber())
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': {
        if (!(node instanceof JsonNumber) || !node.isInteger) throw wrong()
        const n = node.toInteger()
        validateValue(schema, n, path)
        return n
      }
      case 'FLOAT32': case 'FLOAT64':
        if (!(node instanceof JsonNumber)) {
          // Jackson writes NaN and infinities as strings.
          if (node === 'NaN' || node === 'Infinity' || node === '-Infinity') return Number(node)
          throw wrong()
        }
        return schema.type === 'FLOAT32' ? Math.fround(node.toNumber()) : node.toNumber()
      case 'BOOLEAN':
        if (typeof node !== 'boolean') throw wrong()
        return node
      case 'STRING':
        if (typeof node !== 'string') throw wrong()
        return node
      case 'BYTES':
        if (typeof node !== 'string') throw wrong()
        return Buffer.from(node, 'base64')
      case 'ARRAY':
        if (!Array.isArray(node)) throw wrong()
        return node.map((item, i) => this.valueFromJson(schema.valueSchema!, item, `${path}[${i}]`))
      case 'MAP': {
        const out = new Map<unknown, unknown>()
        if (schema.keySchema!.type === 'STRING') {
          if (!(node instanceof Map)) throw wrong()
          for (const [k, v] of node) out.set(k, this.valueFromJson(schema.valueSchema!, v, `${path}[${JSON.stringify(k)}]`))
          return out
        }
        if (!Array.isArray(node)) throw wrong()
        for (const entry of node) {
          if (!Array.isArray(entry) || entry.length !== 2) throw dataError(path, 'a map with non-string keys must be an array of [key, value] pairs')
          const k = this.valueFromJson(schema.keySchema!, entry[0], `${path}.<key>`)
          out.set(k, this.valueFromJson(schema.valueSchema!, entry[1], `${path}[${String(k)}]`))
        }
        return out
      }
      case 'STRUCT': {
        if (!(node instanceof Map)) throw wrong()
        const struct = new Struct(schema)
        for (const field of schema.fields ?? []) struct.put(field.name, this.valueFromJson(field.schema, node.get(field.name), `${path}.${field.name}`))
        return struct
      }
    }
  }
}

/** Schema-less JSON as plain JavaScript (objects, arrays, numbers or bigints beyond 2^53). */
export function schemalessValue(node: JsonNode): unknown {
  if (node instanceof JsonNumber) return node.toInteger()
  if (Array.isArray(node)) return node.map(schemalessValue)
  if (node instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of node) Object.defineProperty(out, k, { value: schemalessValue(v), enumerable: true, writable: true, configurable: true })
    return out
  }
  return node
}

/** Compact JSON text of a parsed node (numbers as written). */
export function nodeText(node: JsonNode): string {
  if (node instanceof JsonNumber) return node.text
  if (Array.isArray(node)) return `[${node.map(nodeText).join(',')}]`
  if (node instanceof Map) return `{${[...node].map(([k, v]) => `${JSON.stringify(k)}:${nodeText(v)}`).join(',')}}`
  return JSON.stringify(node)
}

/**
 * The index just past the object that opens at `start` (a `{`), matching braces and brackets
 * outside strings; -1 when the text ends first. Only finds where a valid object ends: the text in
 * between is parsed (or known from the cache) before it is trusted.
 */
function objectEnd(text: string, start: number): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1
    }
  }
  return -1
}
