/**
 * `avroValueFromJson`: a value parsed from a JSON line, made into what the Avro serde writes,
 * guided by the Avro schema (its JSON), for `creek produce --value-format avro`. It undoes what
 * `toJsonText` (json-text.ts) prints, so a line `creek consume` printed produces the same record:
 *
 * | schema type                         | JSON accepted                                           |
 * |-------------------------------------|---------------------------------------------------------|
 * | `bytes`, `fixed`                    | a base64 string                                         |
 * | `float`, `double`                   | a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`       |
 * | `int`, `long`                       | a number, or a string of digits                         |
 * | `timestamp-millis`                  | milliseconds since the epoch, or an ISO 8601 string     |
 * | `timestamp-micros`                  | microseconds since the epoch (a number or a string of digits), or an ISO 8601 string |
 * | `date`                              | `"2024-05-31"` (or a full ISO 8601 string), or days since the epoch |
 * | `decimal`                           | a string such as `"-12.30"` (a number is taken as its text) |
 * | record, array, map                  | an object, an array, an object: their members converted |
 * | union                               | the value of a branch (the first non-null branch whose JSON kind fits), or `{"branch name": value}` (full or short name) as Avro's JSON encoding and the serde's wrapped unions write it |
 *
 * The conversion never fails: what does not fit is left as it is, and the serde then says which
 * field is invalid. Only the CLI needs this (code hands the serde JS values), so it reads the
 * schema JSON itself rather than reaching into the serde's Avro library.
 */

const DAY_MS = 86_400_000
const INTEGER = /^[+-]?\d+$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY }

const PRIMITIVES: readonly string[] = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']

type Json = unknown
type Names = Map<string, Record<string, unknown>>

/** `value` (parsed JSON) as the Avro serde expects it for `schema` (the parsed Avro schema). */
export function avroValueFromJson(schema: Json, value: Json): unknown {
  const names: Names = new Map()
  collectNames(schema, '', names)
  return convert(schema, value, '', names)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The full name of a named type, and the namespace its inner names resolve in. */
function fullName(type: Record<string, unknown>, namespace: string): { name: string; namespace: string } {
  const name = String(type.name)
  if (name.includes('.')) return { name, namespace: name.slice(0, name.lastIndexOf('.')) }
  const ns = typeof type.namespace === 'string' ? type.namespace : namespace
  return { name: ns === '' ? name : `${ns}.${name}`, namespace: ns }
}

/** Named types (records, enums, fixed) by full name and by short name. */
function collectNames(type: Json, namespace: string, names: Names): void {
  if (Array.isArray(type)) {
    for (const branch of type) collectNames(branch, namespace, names)
    return
  }
  if (!isObject(type)) return
  let inner = namespace
  if (typeof type.name === 'string' && (type.type === 'record' || type.type === 'error' || type.type === 'enum' || type.type === 'fixed')) {
    const named = fullName(type, namespace)
    inner = named.namespace
    names.set(named.name, type)
    const short = named.name.slice(named.name.lastIndexOf('.') + 1)
    if (!names.has(short)) names.set(short, type)
  }
  if (Array.isArray(type.fields)) for (const field of type.fields) if (isObject(field)) collectNames(field.type, inner, names)
  if (type.items !== undefined) collectNames(type.items, inner, names)
  if (type.values !== undefined) collectNames(type.values, inner, names)
  if (isObject(type.type) || Array.isArray(type.type)) collectNames(type.type, inner, names)
}

function lookup(name: string, namespace: string, names: Names): Record<string, unknown> | undefined {
  return (namespace !== '' && !name.includes('.') ? names.get(`${namespace}.${name}`) : undefined) ?? names.get(name)
}

/** The JSON kind a type's values take: what a union branch is chosen by. */
function kindOf(type: Json, namespace: string, names: Names): string {
  if (typeof type === 'string') {
    switch (type) {
      case 'null': return 'null'
      case 'boolean': return 'boolean'
      case 'int': case 'long': case 'float': case 'double': return 'number'
      case 'string': case 'bytes': return 'string'
      default: {
        const named = lookup(type, namespace, names)
        return named === undefined ? 'unknown' : kindOf(named, namespace, names)
      }
    }
  }
  if (Array.isArray(type)) return 'union'
  if (!isObject(type)) return 'unknown'
  switch (type.type) {
    case 'record': case 'error': case 'map': return 'object'
    case 'array': return 'array'
    case 'enum': case 'fixed': return 'string'
    default: return kindOf(type.type, namespace, names)
  }
}

function jsonKind(value: Json): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** The name a wrapped union value uses for a branch (Avro's JSON encoding). */
function branchName(type: Json, namespace: string, names: Names): string | undefined {
  if (typeof type === 'string') {
    const named = PRIMITIVES.includes(type) ? undefined : lookup(type, namespace, names)
    return named === undefined ? type : fullName(named, namespace).name
  }
  if (!isObject(type)) return undefined
  if (typeof type.name === 'string' && (type.type === 'record' || type.type === 'error' || type.type === 'enum' || type.type === 'fixed')) {
    return fullName(type, namespace).name
  }
  return typeof type.type === 'string' ? type.type : undefined
}

function convertUnion(branches: readonly Json[], value: Json, namespace: string, names: Names): unknown {
  if (value === null) return null
  const nonNull = branches.filter((b) => b !== 'null')
  if (nonNull.length === 1) return convert(nonNull[0], value, namespace, names)
  if (isObject(value)) {
    const keys = Object.keys(value)
    if (keys.length === 1) {
      const wrapped = nonNull.find((b) => {
        const name = branchName(b, namespace, names)
        return name === keys[0] || (name !== undefined && name.slice(name.lastIndexOf('.') + 1) === keys[0])
      })
      // Keyed by the full name, which the serde expects.
      if (wrapped !== undefined) return { [branchName(wrapped, namespace, names)!]: convert(wrapped, value[keys[0]], namespace, names) }
    }
  }
  const kind = jsonKind(value)
  const branch = nonNull.find((b) => kindOf(b, namespace, names) === kind)
  return branch === undefined ? value : convert(branch, value, namespace, names)
}

function convertLogical(type: Record<string, unknown>, value: Json): { readonly value: unknown } | undefined {
  switch (type.logicalType) {
    case 'timestamp-millis':
      if (typeof value === 'string' && !INTEGER.test(value)) return { value: parseDate(value) ?? value }
      if (typeof value === 'string') return { value: Number(value) }
      return { value }
    case 'timestamp-micros':
      if (typeof value === 'number' && Number.isInteger(value)) return { value: BigInt(value) }
      if (typeof value === 'string' && INTEGER.test(value)) return { value: BigInt(value) }
      if (typeof value === 'string') return { value: parseDate(value) ?? value }
      return { value }
    case 'date':
      if (typeof value === 'number' && Number.isInteger(value)) return { value: new Date(value * DAY_MS) }
      if (typeof value === 'string') return { value: parseDate(value) ?? value }
      return { value }
    case 'decimal':
      return { value: typeof value === 'number' ? String(value) : value }
    default:
      return undefined
  }
}

function parseDate(text: string): Date | undefined {
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function convertPrimitive(type: string, value: Json): unknown {
  switch (type) {
    case 'bytes':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value
    case 'int':
    case 'long':
      if (typeof value === 'string' && INTEGER.test(value)) {
        const n = Number(value)
        return Number.isSafeInteger(n) ? n : value
      }
      return value
    case 'float':
    case 'double':
      return typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value
    default:
      return value
  }
}

function convert(type: Json, value: Json, namespace: string, names: Names): unknown {
  if (Array.isArray(type)) return convertUnion(type, value, namespace, names)
  if (typeof type === 'string') {
    const named = PRIMITIVES.includes(type) ? undefined : lookup(type, namespace, names)
    return named === undefined ? convertPrimitive(type, value) : convert(named, value, namespace, names)
  }
  if (!isObject(type)) return value
  const logical = convertLogical(type, value)
  if (logical !== undefined) return logical.value
  switch (type.type) {
    case 'record':
    case 'error': {
      if (!isObject(value) || !Array.isArray(type.fields)) return value
      const inner = fullName(type, namespace).namespace
      const out: Record<string, unknown> = { ...value }
      for (const field of type.fields) {
        if (isObject(field) && typeof field.name === 'string' && field.name in value) out[field.name] = convert(field.type, value[field.name], inner, names)
      }
      return out
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => convert(type.items, item, namespace, names)) : value
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(type.values, v, namespace, names)])) : value
    case 'fixed':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value
    case 'enum':
      return value
    default:
      return convert(type.type, value, namespace, names)
  }
}
