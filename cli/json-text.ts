/**
 * Decoded values as one line of JSON, for `creek consume --value-format …`, and JSON lines back
 * into values, for `creek produce --value-format …`.
 *
 * What the serdes hand out is not always JSON: `JSON.stringify` throws on a bigint and prints a
 * Buffer as `{"type":"Buffer","data":[…]}`. `toJsonText` prints every value a serde returns, and
 * prints it so that `creek produce` reads it back to the same record:
 *
 * | value                                   | printed as                                        |
 * |-----------------------------------------|---------------------------------------------------|
 * | `bigint` (Avro `timestamp-micros`)      | a JSON number with every digit (exact; JSON numbers have no size limit, `jq` keeps them) |
 * | 64-bit integers of Protobuf             | JSON strings, as the Protobuf serde decodes them (the Protobuf JSON mapping); a protobufjs `Long` likewise |
 * | `Buffer`, `Uint8Array` (bytes, fixed)   | a base64 string (the Protobuf JSON mapping's choice) |
 * | `Date` (timestamp-millis, date)         | an ISO 8601 string in UTC                         |
 * | `NaN`, `Infinity`, `-Infinity`          | the strings `"NaN"`, `"Infinity"`, `"-Infinity"`  |
 * | `Map`                                   | an object                                         |
 * | `null` (a tombstone)                    | `null`                                            |
 *
 * Everything else prints as `JSON.stringify` would (object keys in their order, `undefined`
 * fields left out), always on one line.
 */

/** One line of JSON for `value` (see the table above); never contains a newline. */
export function toJsonText(value: unknown): string {
  return write(value, new Set()) ?? 'null'
}

/** True for protobufjs's `Long` (and long.js's), which the Protobuf serde may hand out. */
function isLong(value: object): boolean {
  const v = value as { low?: unknown; high?: unknown; unsigned?: unknown }
  return typeof v.low === 'number' && typeof v.high === 'number' && typeof v.unsigned === 'boolean'
}

/** The JSON of `value`, or undefined for what JSON leaves out (undefined, functions, symbols). */
function write(value: unknown, path: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value))
    case 'bigint':
      return value.toString()
    case 'boolean':
      return String(value)
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return 'null'
  const object = value as object
  if (object instanceof Uint8Array) return JSON.stringify(Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64'))
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'null' : JSON.stringify(object.toISOString())
  if (isLong(object)) return JSON.stringify(String(object))
  if (path.has(object)) throw new TypeError('Cannot print a circular structure as JSON')
  path.add(object)
  try {
    if (Array.isArray(object)) return `[${object.map((item) => write(item, path) ?? 'null').join(',')}]`
    if (object instanceof Map) return writeEntries([...object].map(([k, v]) => [String(k), v]), path)
    if (object instanceof Set) return `[${[...object].map((item) => write(item, path) ?? 'null').join(',')}]`
    const toJSON = (object as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return write(toJSON.call(object), path)
    return writeEntries(Object.entries(object), path)
  } finally {
    path.delete(object)
  }
}

function writeEntries(entries: readonly (readonly [string, unknown])[], path: Set<object>): string {
  const parts: string[] = []
  for (const [key, item] of entries) {
    const text = write(item, path)
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`)
  }
  return `{${parts.join(',')}}`
}

