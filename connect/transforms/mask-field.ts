/**
 * `MaskField` (Kafka's `MaskField$Key` / `$Value`): replaces the named fields with the "empty"
 * value of their type (0, 0n, false, "", the epoch for dates, "0" for decimals, empty arrays,
 * maps and objects) or, for numeric and string fields, with `replacement` converted to the type.
 *
 * Configs: `fields` (required, non-empty), `replacement`. The schema is unchanged. A null key or
 * value passes unchanged.
 */
import { LOGICAL, type Schema } from '../api/schema.ts'
import type { ConnectRecord } from '../api/records.ts'
import { Struct } from '../api/struct.ts'
import { describeValue } from '../api/values.ts'
import { ConnectError } from '../errors.ts'
import { KeyOrValueTransform, isPlainObject, requireMap, requireStruct, transformConfig } from './transform-support.ts'

const PURPOSE = 'masking fields'

function emptyOf(schema: Schema | null, value: unknown): unknown {
  if (schema !== null) {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return '0'
      case LOGICAL.DATE: case LOGICAL.TIME: case LOGICAL.TIMESTAMP: return new Date(0)
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': case 'FLOAT32': case 'FLOAT64': return 0
      case 'BOOLEAN': return false
      case 'STRING': return ''
      case 'BYTES': return Buffer.alloc(0)
      case 'ARRAY': return []
      case 'MAP': return new Map()
      case 'STRUCT': break
    }
  } else {
    switch (typeof value) {
      case 'number': return 0
      case 'bigint': return 0n
      case 'boolean': return false
      case 'string': return ''
    }
    if (value instanceof Date) return new Date(0)
    if (Array.isArray(value)) return []
    if (value instanceof Map) return new Map()
    if (isPlainObject(value)) return {}
  }
  throw new ConnectError('CONNECT_TRANSFORM', `Cannot mask value of type ${schema?.type ?? describeValue(value)}`)
}

function replacementOf(schema: Schema | null, value: unknown, replacement: string): unknown {
  const type = schema?.type ?? (typeof value === 'number' ? 'FLOAT64' : typeof value === 'bigint' ? 'INT64' : typeof value === 'string' ? 'STRING' : undefined)
  if (schema?.name === LOGICAL.DECIMAL) {
    if (!/^[+-]?\d+(?:\.\d+)?$/.test(replacement)) throw new ConnectError('CONNECT_TRANSFORM', `Unable to convert ${replacement} to a decimal`)
    return replacement
  }
  switch (type) {
    case 'STRING': return replacement
    case 'INT8': case 'INT16': case 'INT32': case 'INT64': case 'FLOAT32': case 'FLOAT64': {
      const n = Number(replacement)
      const integer = type !== 'FLOAT32' && type !== 'FLOAT64' && schema !== null
      if (replacement.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) {
        throw new ConnectError('CONNECT_TRANSFORM', `Unable to convert ${replacement} (${type}) to number`)
      }
      return typeof value === 'bigint' ? BigInt(replacement) : n
    }
  }
  throw new ConnectError('CONNECT_TRANSFORM', `Cannot mask value of type ${type ?? describeValue(value)} with custom replacement`)
}

export class MaskField<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #fields = new Set<string>()
  #replacement: string | null = null

  protected definition() {
    return transformConfig()
      .define('fields', 'LIST', undefined, 'HIGH', 'Names of fields to mask.', (_name, value) => {
        if ((value as string[]).length === 0) throw new Error('Empty list')
      })
      .define('replacement', 'STRING', null, 'LOW', 'Custom value replacement, that will be applied to all \'fields\' values (numeric or non-empty string values only).')
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#fields = new Set(config.fields as string[])
    this.#replacement = config.replacement as string | null
  }

  #masked(schema: Schema | null, value: unknown): unknown {
    if (value === null || value === undefined) return value
    return this.#replacement === null ? emptyOf(schema, value) : replacementOf(schema, value, this.#replacement)
  }

  apply(record: R): R {
    const value = this.operatingValue(record)
    if (value === null || value === undefined) return record
    const schema = this.operatingSchema(record)
    if (schema === null) {
      const out = { ...requireMap(value, PURPOSE, record) }
      for (const name of this.#fields) if (Object.hasOwn(out, name)) out[name] = this.#masked(null, out[name])
      return this.newRecord(record, null, out)
    }
    const struct = requireStruct(value, PURPOSE, record)
    const out = new Struct(schema)
    for (const field of schema.fields ?? []) {
      const v = struct.getWithoutDefault(field.name)
      out.put(field.name, this.#fields.has(field.name) ? this.#masked(field.schema, v) : v)
    }
    return this.newRecord(record, schema, out)
  }
}

export class MaskFieldKey<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  constructor() { super('key') }
}

export class MaskFieldValue<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  constructor() { super('value') }
}
