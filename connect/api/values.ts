/**
 * Checks and comparisons of Connect data (Kafka's `ConnectSchema.validateValue`, `Schema.equals`,
 * `Struct.equals`): `validateValue` enforces the value representation table of schema.ts and
 * fails with a CONNECT_DATA error naming the path of the bad value (`value.address.zip`,
 * `value.tags[2]`), the expected type and what was found.
 *
 * Structs are recognised by a brand (`STRUCT_BRAND`) rather than `instanceof`, so this module does
 * not import struct.ts (which imports it): the data model stays free of import cycles.
 */
import { ConnectError } from '../errors.ts'
import { LOGICAL, type Field, type Schema } from './schema.ts'

/** Marks `Struct` instances (see struct.ts). */
export const STRUCT_BRAND: unique symbol = Symbol.for('creek.connect.Struct')

/** What this module needs of a `Struct`. */
export interface StructLike {
  readonly [STRUCT_BRAND]: true
  readonly schema: Schema
  /** The field's value as stored (no default applied); undefined when never set. */
  getWithoutDefault(name: string): unknown
}

export function isStruct(value: unknown): value is StructLike {
  return typeof value === 'object' && value !== null && (value as { [STRUCT_BRAND]?: unknown })[STRUCT_BRAND] === true
}

const fieldIndexes = new WeakMap<readonly Field[], Map<string, Field>>()

/** The field of a STRUCT schema named `name`, or undefined. */
export function fieldOf(schema: Schema, name: string): Field | undefined {
  const fields = schema.fields
  if (fields === undefined) return undefined
  let byName = fieldIndexes.get(fields)
  if (byName === undefined) {
    byName = new Map(fields.map((field) => [field.name, field]))
    fieldIndexes.set(fields, byName)
  }
  return byName.get(name)
}

const INT_RANGES = {
  INT8: [-128, 127],
  INT16: [-32_768, 32_767],
  INT32: [-2_147_483_648, 2_147_483_647],
} as const
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const DECIMAL_TEXT = /^[+-]?\d+(?:\.\d+)?$/

/** A short description of a value for error messages (never the whole value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'bigint') return `bigint ${value}`
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`
  if (value instanceof Date) return `Date ${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()}`
  if (Array.isArray(value)) return `array(${value.length})`
  if (value instanceof Map) return `Map(${value.size})`
  if (isStruct(value)) return `Struct${value.schema.name === undefined ? '' : ` ${value.schema.name}`}`
  return `object ${value.constructor?.name ?? 'Object'}`
}

/** A readable name of a schema's type (`INT32`, `Decimal(scale=2)`, `ARRAY<STRING>`). */
export function describeSchema(schema: Schema): string {
  switch (schema.name) {
    case LOGICAL.DECIMAL: return `Decimal(scale=${schema.parameters?.scale ?? '?'})`
    case LOGICAL.DATE: return 'Date'
    case LOGICAL.TIME: return 'Time'
    case LOGICAL.TIMESTAMP: return 'Timestamp'
  }
  if (schema.type === 'ARRAY' && schema.valueSchema !== undefined) return `ARRAY<${describeSchema(schema.valueSchema)}>`
  if (schema.type === 'MAP' && schema.keySchema !== undefined && schema.valueSchema !== undefined) {
    return `MAP<${describeSchema(schema.keySchema)}, ${describeSchema(schema.valueSchema)}>`
  }
  if (schema.type === 'STRUCT' && schema.name !== undefined) return `STRUCT ${schema.name}`
  return schema.type
}

function mismatch(path: string, schema: Schema, value: unknown, why = ''): ConnectError {
  return new ConnectError(
    'CONNECT_DATA',
    `Invalid value at ${path}: expected ${describeSchema(schema)}${schema.optional ? ' (optional)' : ''}, got ${describeValue(value)}${why}`,
  )
}

/**
 * Throws CONNECT_DATA unless `value` is valid for `schema` (recursively). `path` names the value in
 * the message (`"value"`, `"key"`, a field name). A null schema accepts anything. With `deep`
 * false, a nested Struct is only checked to have the right schema (its fields may still be
 * filled in later: `Struct.put` checks this way, `Struct.validate` deeply).
 */
export function validateValue(schema: Schema | null, value: unknown, path = 'value', deep = true): void {
  if (schema === null) return
  if (value === null || value === undefined) {
    if (schema.optional) return
    throw new ConnectError('CONNECT_DATA', `Invalid value at ${path}: null used for a required ${describeSchema(schema)}; make the schema optional or give a value`)
  }
  switch (schema.name) {
    case LOGICAL.DECIMAL:
      if (typeof value !== 'string' || !DECIMAL_TEXT.test(value)) throw mismatch(path, schema, value, ' (a decimal is a string such as "-12.34")')
      return
    case LOGICAL.DATE:
    case LOGICAL.TIME:
    case LOGICAL.TIMESTAMP:
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw mismatch(path, schema, value)
      return
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [min, max] = INT_RANGES[schema.type]
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw mismatch(path, schema, value)
      return
    }
    case 'INT64':
      if (typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return
      throw mismatch(path, schema, value)
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof value !== 'number') throw mismatch(path, schema, value)
      return
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw mismatch(path, schema, value)
      return
    case 'STRING':
      if (typeof value !== 'string') throw mismatch(path, schema, value)
      return
    case 'BYTES':
      if (!(value instanceof Uint8Array)) throw mismatch(path, schema, value)
      return
    case 'ARRAY': {
      if (!Array.isArray(value)) throw mismatch(path, schema, value)
      const items = schema.valueSchema!
      for (let i = 0; i < value.length; i++) validateValue(items, value[i], `${path}[${i}]`, deep)
      return
    }
    case 'MAP': {
      if (!(value instanceof Map)) throw mismatch(path, schema, value)
      for (const [k, v] of value) {
        validateValue(schema.keySchema!, k, `${path}.<key>`, deep)
        validateValue(schema.valueSchema!, v, `${path}[${typeof k === 'string' ? JSON.stringify(k) : String(k)}]`, deep)
      }
      return
    }
    case 'STRUCT': {
      if (!isStruct(value)) throw mismatch(path, schema, value)
      if (!schemaEquals(value.schema, schema)) {
        throw new ConnectError('CONNECT_DATA', `Invalid value at ${path}: the Struct's schema (${describeSchema(value.schema)}) is not the field's schema (${describeSchema(schema)})`)
      }
      if (deep) validateStructFields(value, path)
      return
    }
  }
}

/** Checks every field of `struct`: required fields set, values of the right type. */
export function validateStructFields(struct: StructLike, path: string): void {
  for (const field of struct.schema.fields ?? []) {
    const v = struct.getWithoutDefault(field.name)
    if ((v === null || v === undefined) && (field.schema.optional || field.schema.defaultValue !== undefined)) continue
    validateValue(field.schema, v, `${path}.${field.name}`)
  }
}

const equalSchemas = new WeakMap<Schema, WeakSet<Schema>>()

/** Structural equality of schemas (type, optionality, name, version, doc, parameters, default, children). */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true
  if (a === null || a === undefined || b === null || b === undefined) return false
  if (equalSchemas.get(a)?.has(b) === true) return true
  const equal = a.type === b.type && a.optional === b.optional && a.name === b.name && a.version === b.version &&
    a.doc === b.doc && parametersEqual(a.parameters, b.parameters) &&
    (a.defaultValue === b.defaultValue || valueEquals(a.defaultValue, b.defaultValue)) &&
    fieldsEqual(a.fields, b.fields) && schemaEquals(a.keySchema, b.keySchema) && schemaEquals(a.valueSchema, b.valueSchema)
  if (equal) {
    let set = equalSchemas.get(a)
    if (set === undefined) equalSchemas.set(a, set = new WeakSet())
    set.add(b)
  }
  return equal
}

export function parametersEqual(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true
  const ka = a === undefined ? [] : Object.keys(a)
  const kb = b === undefined ? [] : Object.keys(b)
  return ka.length === kb.length && ka.every((k) => a![k] === b?.[k])
}

function fieldsEqual(a: readonly Field[] | undefined, b: readonly Field[] | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  return a.every((field, i) => field.name === b[i].name && field.index === b[i].index && schemaEquals(field.schema, b[i].schema))
}

/**
 * Deep equality of Connect values: bytes by content, Dates by time, Maps by entries (any order),
 * Structs by schema and field values, INT64 numbers equal to the same bigint, plain objects
 * (schema-less data) by own keys.
 */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') &&
      (Number.isInteger(a) || typeof a === 'bigint') && (Number.isInteger(b) || typeof b === 'bigint') && BigInt(a) === BigInt(b)
  }
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (typeof a !== 'object' || typeof b !== 'object') return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => valueEquals(v, b[i]))
  }
  if (a instanceof Map || b instanceof Map) return a instanceof Map && b instanceof Map && mapsEqual(a, b)
  if (isStruct(a) || isStruct(b)) {
    return isStruct(a) && isStruct(b) && schemaEquals(a.schema, b.schema) &&
      (a.schema.fields ?? []).every((f) => valueEquals(a.getWithoutDefault(f.name) ?? null, b.getWithoutDefault(f.name) ?? null))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && valueEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>): boolean {
  if (a.size !== b.size) return false
  outer: for (const [k, v] of a) {
    if (b.has(k)) {
      if (!valueEquals(v, b.get(k))) return false
      continue
    }
    for (const [k2, v2] of b) if (valueEquals(k, k2) && valueEquals(v, v2)) continue outer
    return false
  }
  return true
}
