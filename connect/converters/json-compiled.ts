/**
 * Per-schema compiled JSON writers and readers: the fast path of json-data.ts for the common
 * case, built once per schema (and cached with it) so that converting a record is one pass over
 * its value or its payload text with no intermediate node tree.
 *
 * Contract: a compiled writer returns exactly the text `JsonData`'s general path writes for the
 * value, or `undefined` when the value is anything it does not handle (a value that does not fit
 * the schema, a null that a default replaces, a decimal too large for a double): the caller then
 * takes the general path, which writes the same text or throws its precise error. A compiled
 * reader likewise returns exactly what the general path reads from the same text, or throws
 * `FALLBACK` (never a real error: bad JSON, a payload that does not fit the schema and unusual
 * shapes such as unknown struct keys all fall back, and the general path reports them). Helpers
 * may throw real errors inside; callers treat any throw as a fallback.
 */
import { Date as ConnectDate, Decimal, Time, Timestamp, decimalToUnscaled, unscaledToDecimal } from '../api/logical-types.ts'
import { LOGICAL, type Field, type Schema } from '../api/schema.ts'
import { Struct } from '../api/struct.ts'
import { fieldOf, isStruct, schemaEquals } from '../api/values.ts'
import { FALLBACK, JsonCursor } from './json-cursor.ts'
import { javaDouble, javaFloat, numberTextToDecimal } from './json-node.ts'

export { FALLBACK, JsonCursor }

/** The text of a value, or undefined: take the general path. */
export type JsonWriter = (value: unknown) => string | undefined

export interface CompileOptions {
  readonly decimalFormat: 'BASE64' | 'NUMERIC'
  readonly replaceNullWithDefault: boolean
}

const DAY_MS = 86_400_000
const DECIMAL_TEXT = /^[+-]?\d+(?:\.\d+)?$/
const INT_RANGES = { INT8: [-128, 127], INT16: [-32_768, 32_767], INT32: [-2_147_483_648, 2_147_483_647] } as const
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
/** Unscaled decimals below this magnitude take the number path (their two's complement fits 6 bytes exactly). */
const SMALL_UNSCALED = 2 ** 47
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const BASE64_CODES = Uint8Array.from(BASE64, (c) => c.charCodeAt(0))
/** The bytes of one small two's complement integer (6) and two zeros after them. */
const BYTES_SCRATCH = new Uint8Array(8)
const BASE64_VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE64.length; i++) BASE64_VALUES[BASE64.charCodeAt(i)] = i

// ---- writers -----------------------------------------------------------------------------------

/** The writer of `schema`'s values (nulls included, as a struct field, array item or top-level value). */
export function compileWriter(schema: Schema, options: CompileOptions): JsonWriter {
  const write = nonNullWriter(schema, options)
  // A null that a default would replace (or that is invalid) takes the general path.
  const nullText = schema.optional && schema.defaultValue === undefined ? 'null' : undefined
  return (value) => (value === null || value === undefined ? nullText : write(value))
}

function nonNullWriter(schema: Schema, options: CompileOptions): JsonWriter {
  switch (schema.name) {
    case LOGICAL.DECIMAL: return decimalWriter(schema, options)
    case LOGICAL.DATE:
      return (v) => {
        const ms = v instanceof Date ? v.getTime() : NaN
        return Number.isNaN(ms) || ms % DAY_MS !== 0 ? undefined : String(ms / DAY_MS)
      }
    case LOGICAL.TIME:
      return (v) => {
        const ms = v instanceof Date ? v.getTime() : NaN
        return !(ms >= 0 && ms < DAY_MS) ? undefined : String(ms)
      }
    case LOGICAL.TIMESTAMP:
      return (v) => {
        const ms = v instanceof Date ? v.getTime() : NaN
        return Number.isNaN(ms) ? undefined : String(ms)
      }
  }
  switch (schema.type) {
    case 'INT8': case 'INT16': case 'INT32': {
      const [min, max] = INT_RANGES[schema.type]
      return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? String(v) : undefined)
    }
    case 'INT64':
      return (v) => {
        if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : undefined
        return typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX ? String(v) : undefined
      }
    case 'FLOAT32': return (v) => (typeof v === 'number' ? javaFloat(v) : undefined)
    case 'FLOAT64': return (v) => (typeof v === 'number' ? javaDouble(v) : undefined)
    case 'BOOLEAN': return (v) => (v === true ? 'true' : v === false ? 'false' : undefined)
    case 'STRING': return (v) => (typeof v === 'string' ? JSON.stringify(v) : undefined)
    case 'BYTES': return (v) => (v instanceof Uint8Array ? `"${base64Of(v)}"` : undefined)
    case 'ARRAY': {
      const item = compileWriter(schema.valueSchema!, options)
      return (v) => {
        if (!Array.isArray(v)) return undefined
        let out = '['
        for (let i = 0; i < v.length; i++) {
          const text = item(v[i])
          if (text === undefined) return undefined
          out += i === 0 ? text : `,${text}`
        }
        return `${out}]`
      }
    }
    case 'MAP': {
      const keySchema = schema.keySchema!
      const writeKey = compileWriter(keySchema, options)
      const writeValue = compileWriter(schema.valueSchema!, options)
      if (keySchema.type === 'STRING') {
        return (v) => {
          if (!(v instanceof Map)) return undefined
          let out = '{'
          let first = true
          for (const [k, value] of v) {
            const text = typeof k === 'string' ? writeValue(value) : undefined
            if (text === undefined) return undefined
            out += `${first ? '' : ','}${JSON.stringify(k)}:${text}`
            first = false
          }
          return `${out}}`
        }
      }
      return (v) => {
        if (!(v instanceof Map)) return undefined
        let out = '['
        let first = true
        for (const [k, value] of v) {
          const key = writeKey(k)
          const text = key === undefined ? undefined : writeValue(value)
          if (text === undefined) return undefined
          out += `${first ? '' : ','}[${key},${text}]`
          first = false
        }
        return `${out}]`
      }
    }
    case 'STRUCT': {
      const fields = schema.fields ?? []
      const prefixes = fields.map((f, i) => `${i === 0 ? '' : ','}${JSON.stringify(f.name)}:`)
      const writers = fields.map((f) => compileWriter(f.schema, options))
      return (v) => {
        if (!isStruct(v) || (v.schema !== schema && !schemaEquals(v.schema, schema))) return undefined
        // Our own fields (same schema object) are read by index; an equal schema's by name.
        const own = v instanceof Struct && v.schema === schema
        let out = '{'
        for (let i = 0; i < fields.length; i++) {
          const text = writers[i](own ? (v as Struct).getWithoutDefault(fields[i]) : v.getWithoutDefault(fields[i].name))
          if (text === undefined) return undefined
          out += prefixes[i] + text
        }
        return `${out}}`
      }
    }
  }
}

function decimalWriter(schema: Schema, options: CompileOptions): JsonWriter {
  const scale = Number(schema.parameters?.scale)
  if (!Number.isInteger(scale)) return () => undefined
  if (options.decimalFormat === 'NUMERIC') {
    return (v) => {
      if (typeof v !== 'string' || !DECIMAL_TEXT.test(v)) return undefined
      return isNormalDecimal(v, scale) ? v : unscaledToDecimal(decimalToUnscaled(v, scale), scale)
    }
  }
  return (v) => {
    if (typeof v !== 'string') return undefined
    const unscaled = smallUnscaled(v, scale)
    if (unscaled !== undefined) return quotedTwosComplementBase64(unscaled)
    return DECIMAL_TEXT.test(v) ? `"${Decimal.fromLogical(schema, v).toString('base64')}"` : undefined
  }
}

/** True when `v` (decimal text) is already what `unscaledToDecimal` prints at `scale`. */
function isNormalDecimal(v: string, scale: number): boolean {
  if (scale <= 0) return false
  const start = v.charCodeAt(0) === 0x2d ? 1 : 0
  const point = v.indexOf('.')
  if (point < 0 || v.length - point - 1 !== scale || v.charCodeAt(start) === 0x2b) return false
  // No leading zero (except a lone "0" before the point), and "-0.00" prints without its sign.
  if (v.charCodeAt(start) === 0x30 && point !== start + 1) return false
  return start === 0 || /[1-9]/.test(v)
}

/**
 * The unscaled integer of decimal text at `scale` when it is small enough to compute exactly
 * with doubles (|n| < 2^47, fraction digits at most `scale`); otherwise undefined.
 */
function smallUnscaled(v: string, scale: number): number | undefined {
  if (scale < 0) return undefined
  let i = 0
  const first = v.charCodeAt(0)
  const negative = first === 0x2d
  if (negative || first === 0x2b) i = 1
  let n = 0
  let digits = 0
  const wholeStart = i
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i) - 0x30
    if (c < 0 || c > 9) break
    n = n * 10 + c
    digits++
  }
  if (i === wholeStart) return undefined
  let fraction = 0
  if (i < v.length) {
    if (v.charCodeAt(i) !== 0x2e) return undefined
    i++
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i) - 0x30
      if (c < 0 || c > 9) return undefined
      n = n * 10 + c
      fraction++
      digits++
    }
    if (fraction === 0) return undefined
  }
  if (fraction > scale || digits + scale - fraction > 15) return undefined
  for (let k = fraction; k < scale; k++) n *= 10
  if (n >= SMALL_UNSCALED) return undefined
  return negative && n !== 0 ? -n : n
}

/**
 * `"<base64>"`: the JSON string of the minimal two's complement big-endian bytes of `n`
 * (|n| < 2^47, so at most 6 bytes and 8 base64 characters), as `bigintToBytes` and Buffer's
 * base64 would give, without an intermediate array or string per byte.
 */
function quotedTwosComplementBase64(n: number): string {
  let length = 1
  while (n < -(2 ** (8 * length - 1)) || n >= 2 ** (8 * length - 1)) length++
  let unsigned = n < 0 ? 2 ** (8 * length) + n : n
  const bytes = BYTES_SCRATCH
  for (let k = length - 1; k >= 0; k--) {
    bytes[k] = unsigned % 256
    unsigned = Math.floor(unsigned / 256)
  }
  // Bytes past `length` are zero for the last group's characters ('=' where no byte is).
  bytes[length] = 0
  bytes[length + 1] = 0
  const b0 = bytes[0]
  const b1 = bytes[1]
  const b2 = bytes[2]
  const first = String.fromCharCode(
    0x22, BASE64_CODES[b0 >> 2], BASE64_CODES[((b0 & 3) << 4) | (b1 >> 4)],
    length > 1 ? BASE64_CODES[((b1 & 15) << 2) | (b2 >> 6)] : 0x3d, length > 2 ? BASE64_CODES[b2 & 63] : 0x3d,
  )
  if (length <= 3) return `${first}"`
  const b3 = bytes[3]
  const b4 = bytes[4]
  const b5 = bytes[5]
  return first + String.fromCharCode(
    BASE64_CODES[b3 >> 2], BASE64_CODES[((b3 & 3) << 4) | (b4 >> 4)],
    length > 4 ? BASE64_CODES[((b4 & 15) << 2) | (b5 >> 6)] : 0x3d, length > 5 ? BASE64_CODES[b5 & 63] : 0x3d, 0x22,
  )
}

function base64Of(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64')
}

// ---- readers -----------------------------------------------------------------------------------

/** Reads one value at the cursor (leading blanks included); throws FALLBACK. */
export type JsonReader = (cursor: JsonCursor) => unknown

/** The reader of `schema`'s values (nulls and missing struct fields: see `missingValue`). */
export function compileReader(schema: Schema, options: CompileOptions): JsonReader {
  const read = nonNullReader(schema, options)
  const onNull = nullReader(schema, options)
  return (cursor) => {
    if (cursor.peek() === 0x6e && cursor.literal('null')) return onNull()
    return read(cursor)
  }
}

/** What a null or absent value reads as (as `JsonData.valueFromJson`), or FALLBACK when it is an error. */
function nullReader(schema: Schema, options: CompileOptions): () => unknown {
  if (schema.defaultValue !== undefined && options.replaceNullWithDefault) {
    const value = schema.defaultValue
    return () => value
  }
  if (schema.optional) return () => null
  return () => {
    throw FALLBACK
  }
}

function integerReader(cursor: JsonCursor): number | bigint {
  if (!cursor.number() || !cursor.numberIsInteger) throw FALLBACK
  return cursor.integerValue()
}

/** An integer as `JsonNumber.toNumber` reads it (the logical types' days and milliseconds). */
function integerNumber(cursor: JsonCursor): number {
  if (!cursor.number() || !cursor.numberIsInteger) throw FALLBACK
  return cursor.numberValue()
}

function nonNullReader(schema: Schema, options: CompileOptions): JsonReader {
  switch (schema.name) {
    case LOGICAL.DECIMAL: {
      const scale = Number(schema.parameters?.scale)
      if (!Number.isInteger(scale)) return () => { throw FALLBACK }
      return (cursor) => {
        if (cursor.peek() === 0x22) {
          const text = cursor.string()
          const unscaled = smallBase64Integer(text)
          return unscaled !== undefined && scale >= 0 ? smallDecimalText(unscaled, scale) : Decimal.toLogical(schema, Buffer.from(text, 'base64'))
        }
        if (!cursor.number()) throw FALLBACK
        return numberTextToDecimal(cursor.numberText(), scale)
      }
    }
    case LOGICAL.DATE: return (cursor) => ConnectDate.toLogical(schema, integerNumber(cursor))
    case LOGICAL.TIME: return (cursor) => Time.toLogical(schema, integerNumber(cursor))
    case LOGICAL.TIMESTAMP: return (cursor) => Timestamp.toLogical(schema, integerNumber(cursor))
  }
  switch (schema.type) {
    case 'INT8': case 'INT16': case 'INT32': {
      const [min, max] = INT_RANGES[schema.type]
      return (cursor) => {
        const n = integerReader(cursor)
        if (typeof n !== 'number' || n < min || n > max) throw FALLBACK
        return n
      }
    }
    case 'INT64':
      return (cursor) => {
        const n = integerReader(cursor)
        if (typeof n === 'bigint' && (n < INT64_MIN || n > INT64_MAX)) throw FALLBACK
        return n
      }
    case 'FLOAT32': case 'FLOAT64': {
      const float = schema.type === 'FLOAT32'
      return (cursor) => {
        if (cursor.peek() === 0x22) {
          // Jackson writes NaN and infinities as strings.
          const text = cursor.string()
          if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return Number(text)
          throw FALLBACK
        }
        if (!cursor.number()) throw FALLBACK
        return float ? Math.fround(cursor.numberValue()) : cursor.numberValue()
      }
    }
    case 'BOOLEAN':
      return (cursor) => {
        cursor.ws()
        if (cursor.literal('true')) return true
        if (cursor.literal('false')) return false
        throw FALLBACK
      }
    case 'STRING':
      return (cursor) => {
        if (cursor.peek() !== 0x22) throw FALLBACK
        return cursor.string()
      }
    case 'BYTES':
      return (cursor) => {
        if (cursor.peek() !== 0x22) throw FALLBACK
        return Buffer.from(cursor.string(), 'base64')
      }
    case 'ARRAY': {
      const item = compileReader(schema.valueSchema!, options)
      return (cursor) => {
        cursor.expect(0x5b)
        const out: unknown[] = []
        if (cursor.peek() === 0x5d) {
          cursor.i++
          return out
        }
        for (;;) {
          out.push(item(cursor))
          const c = cursor.peek()
          cursor.i++
          if (c === 0x5d) return out
          if (c !== 0x2c) throw FALLBACK
        }
      }
    }
    case 'MAP': {
      const readValue = compileReader(schema.valueSchema!, options)
      if (schema.keySchema!.type === 'STRING') {
        return (cursor) => {
          cursor.expect(0x7b)
          const out = new Map<unknown, unknown>()
          if (cursor.peek() === 0x7d) {
            cursor.i++
            return out
          }
          for (;;) {
            if (cursor.peek() !== 0x22) throw FALLBACK
            const key = cursor.string()
            cursor.expect(0x3a)
            out.set(key, readValue(cursor))
            const c = cursor.peek()
            cursor.i++
            if (c === 0x7d) return out
            if (c !== 0x2c) throw FALLBACK
          }
        }
      }
      const readKey = compileReader(schema.keySchema!, options)
      return (cursor) => {
        cursor.expect(0x5b)
        const out = new Map<unknown, unknown>()
        if (cursor.peek() === 0x5d) {
          cursor.i++
          return out
        }
        for (;;) {
          cursor.expect(0x5b)
          const key = readKey(cursor)
          cursor.expect(0x2c)
          out.set(key, readValue(cursor))
          cursor.expect(0x5d)
          const c = cursor.peek()
          cursor.i++
          if (c === 0x5d) return out
          if (c !== 0x2c) throw FALLBACK
        }
      }
    }
    case 'STRUCT': return structReader(schema, options)
  }
}

function structReader(schema: Schema, options: CompileOptions): JsonReader {
  const fields: readonly Field[] = schema.fields ?? []
  const quoted = fields.map((f) => JSON.stringify(f.name))
  const readers = fields.map((f) => compileReader(f.schema, options))
  const missing = fields.map((f) => nullReader(f.schema, options))
  const count = fields.length
  return (cursor) => {
    cursor.expect(0x7b)
    const values = new Array<unknown>(count)
    const seen = new Uint8Array(count)
    let next = 0
    if (cursor.peek() === 0x7d) cursor.i++
    else {
      for (;;) {
        if (cursor.peek() !== 0x22) throw FALLBACK
        let index: number
        // Fields usually come in schema order under their plain names.
        if (next < count && cursor.text.startsWith(quoted[next], cursor.i)) {
          index = next
          cursor.i += quoted[next].length
        } else {
          const field = fieldOf(schema, cursor.string())
          if (field === undefined) throw FALLBACK
          index = field.index
        }
        next = index + 1
        cursor.expect(0x3a)
        values[index] = readers[index](cursor)
        seen[index] = 1
        const c = cursor.peek()
        cursor.i++
        if (c === 0x7d) break
        if (c !== 0x2c) throw FALLBACK
      }
    }
    for (let i = 0; i < count; i++) if (seen[i] === 0) values[i] = missing[i]()
    return Struct.fromValidatedValues(schema, values)
  }
}

/**
 * The signed integer of strict base64 text of at most 6 bytes (two's complement, big-endian, as
 * `bytesToBigint` of `Buffer.from(text, 'base64')`), or undefined for anything else.
 */
function smallBase64Integer(text: string): number | undefined {
  const length = text.length
  if (length === 0 || length > 8 || length % 4 !== 0) return undefined
  let padding = 0
  if (text.charCodeAt(length - 1) === 0x3d) padding = text.charCodeAt(length - 2) === 0x3d ? 2 : 1
  let bits = 0
  for (let k = 0; k < length - padding; k++) {
    const c = text.charCodeAt(k)
    const v = c < 128 ? BASE64_VALUES[c] : -1
    if (v < 0) return undefined
    bits = bits * 64 + v
  }
  // Drop the bits of the padding characters' partial byte.
  const bytes = ((length - padding) * 6) >> 3
  const extra = (length - padding) * 6 - bytes * 8
  let unsigned = Math.floor(bits / 2 ** extra)
  if (bytes === 0) return 0
  const limit = 2 ** (8 * bytes)
  unsigned %= limit
  return unsigned >= limit / 2 ? unsigned - limit : unsigned
}

/** `unscaledToDecimal` of a safe integer, without bigints (`scale` >= 0). */
function smallDecimalText(unscaled: number, scale: number): string {
  const sign = unscaled < 0 ? '-' : ''
  const digits = String(Math.abs(unscaled))
  if (scale === 0) return `${sign}${digits}`
  const padded = digits.padStart(scale + 1, '0')
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`
}
