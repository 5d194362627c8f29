/**
 * `TimestampConverter` (Kafka's `TimestampConverter$Key` / `$Value`): converts a timestamp between
 * a formatted string, a unix number, and the Date, Time and Timestamp logical types, for the whole
 * key or value (`field` empty) or one field of it.
 *
 * Configs: `field` (default empty: the whole value), `target.type` (string, unix, Date, Time,
 * Timestamp), `format` (a SimpleDateFormat pattern, UTC; required for string input or output),
 * `unix.precision` (seconds, milliseconds, microseconds, nanoseconds; default milliseconds).
 * The input type comes from the schema (STRING, INT64, or a logical type) or, schema-less, from
 * the value (string, number or bigint, Date). Unix values beyond 2^53 are bigints. Null values
 * stay null (the schema still converted).
 */
import { Date as ConnectDate, Time, Timestamp } from '../api/logical-types.ts'
import type { ConnectRecord } from '../api/records.ts'
import { LOGICAL, type Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { validStringIgnoreCase } from '../api/config-validators.ts'
import { describeValue, fieldOf } from '../api/values.ts'
import { ConnectError } from '../errors.ts'
import { SimpleDateFormat } from './simple-date-format.ts'
import {
  KeyOrValueTransform, SchemaCache, copyStructBasics, requireMap, requireStruct, transformConfig, transformError,
} from './transform-support.ts'

const PURPOSE = 'converting timestamp formats'
const DAY_MS = 86_400_000
type TimeType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp'
const TYPES: Readonly<Record<string, TimeType>> = { string: 'string', unix: 'unix', date: 'Date', time: 'Time', timestamp: 'Timestamp' }
const PRECISION: Readonly<Record<string, bigint>> = { seconds: 1n, milliseconds: 1_000n, microseconds: 1_000_000n, nanoseconds: 1_000_000_000n }

export class TimestampConverter<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #field = ''
  #target: TimeType = 'Timestamp'
  #format: SimpleDateFormat | null = null
  #perSecond = 1_000n
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('field', 'STRING', '', 'HIGH', 'The field containing the timestamp, or empty if the entire value is a timestamp')
      .define('target.type', 'STRING', undefined, 'HIGH', 'The desired timestamp representation: string, unix, Date, Time, or Timestamp', validStringIgnoreCase('string', 'unix', 'Date', 'Time', 'Timestamp'))
      .define('format', 'STRING', '', 'MEDIUM', 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.')
      .define('unix.precision', 'STRING', 'milliseconds', 'LOW', 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds.', validStringIgnoreCase('seconds', 'milliseconds', 'microseconds', 'nanoseconds'))
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#field = config.field as string
    this.#target = TYPES[(config['target.type'] as string).toLowerCase()]
    const format = config.format as string
    if (this.#target === 'string' && format === '') {
      throw new ConnectError('CONNECT_INVALID_CONFIG', 'TimestampConverter requires format option to be specified when using string timestamps')
    }
    this.#format = format === '' ? null : new SimpleDateFormat(format)
    this.#perSecond = PRECISION[(config['unix.precision'] as string).toLowerCase()]
  }

  #inputType(schema: Schema | null, value: unknown): TimeType {
    if (schema !== null) {
      switch (schema.name) {
        case LOGICAL.DATE: return 'Date'
        case LOGICAL.TIME: return 'Time'
        case LOGICAL.TIMESTAMP: return 'Timestamp'
      }
      if (schema.type === 'STRING') return 'string'
      if (schema.type === 'INT64') return 'unix'
      throw new ConnectError('CONNECT_DATA', `Schema ${schema.type} does not correspond to a known timestamp type format`)
    }
    if (typeof value === 'string') return 'string'
    if (typeof value === 'number' || typeof value === 'bigint') return 'unix'
    if (value instanceof Date) return 'Timestamp'
    throw new ConnectError('CONNECT_DATA', `TimestampConverter does not support ${describeValue(value)} as a timestamp`)
  }

  #toDate(type: TimeType, value: unknown): Date {
    switch (type) {
      case 'string':
        if (this.#format === null) throw new ConnectError('CONNECT_DATA', 'TimestampConverter requires format option to be specified when using string timestamps')
        return this.#format.parse(value as string)
      case 'unix': {
        const ms = (BigInt(typeof value === 'number' ? Math.trunc(value) : (value as bigint)) * 1_000n) / this.#perSecond
        return new Date(Number(ms))
      }
      default:
        return value as Date
    }
  }

  #fromDate(date: Date): unknown {
    const ms = date.getTime()
    switch (this.#target) {
      case 'string': return this.#format!.format(date)
      case 'unix': {
        const n = (BigInt(ms) * this.#perSecond) / 1_000n
        return Number.isSafeInteger(Number(n)) ? Number(n) : n
      }
      case 'Date': return new Date(Math.floor(ms / DAY_MS) * DAY_MS)
      case 'Time': return new Date(((ms % DAY_MS) + DAY_MS) % DAY_MS)
      case 'Timestamp': return date
    }
  }

  #targetSchema(optional: boolean): Schema {
    const builder = this.#target === 'string' ? SchemaBuilder.string() : this.#target === 'unix' ? SchemaBuilder.int64()
      : this.#target === 'Date' ? ConnectDate.builder() : this.#target === 'Time' ? Time.builder() : Timestamp.builder()
    if (optional) builder.optional()
    return builder.build()
  }

  #convert(schema: Schema | null, value: unknown): unknown {
    if (value === null || value === undefined) return null
    return this.#fromDate(this.#toDate(this.#inputType(schema, value), value))
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record)
    const value = this.operatingValue(record)
    if (this.#field === '') {
      return this.newRecord(record, schema === null ? null : this.#targetSchema(schema.optional), this.#convert(schema, value))
    }
    if (schema === null) {
      if (value === null || value === undefined) return record
      const out = { ...requireMap(value, PURPOSE, record) }
      if (Object.hasOwn(out, this.#field)) out[this.#field] = this.#convert(null, out[this.#field])
      return this.newRecord(record, null, out)
    }
    const field = fieldOf(schema, this.#field)
    if (field === undefined) throw transformError(PURPOSE, record, `Field does not exist: ${this.#field}`)
    const updated = this.#schemas.get(schema, (s) => {
      const builder = copyStructBasics(s)
      if (s.optional) builder.optional()
      for (const f of s.fields ?? []) builder.field(f.name, f.name === this.#field ? this.#targetSchema(f.schema.optional) : f.schema)
      return builder.build()
    })
    if (value === null || value === undefined) return this.newRecord(record, updated, null)
    const struct = requireStruct(value, PURPOSE, record)
    const out = new Struct(updated)
    for (const f of schema.fields ?? []) {
      const v = struct.getWithoutDefault(f.name)
      out.put(f.name, f.name === this.#field ? this.#convert(f.schema, v) : v)
    }
    return this.newRecord(record, updated, out)
  }
}

export class TimestampConverterKey<R extends ConnectRecord = ConnectRecord> extends TimestampConverter<R> {
  constructor() { super('key') }
}

export class TimestampConverterValue<R extends ConnectRecord = ConnectRecord> extends TimestampConverter<R> {
  constructor() { super('value') }
}
