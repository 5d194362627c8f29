/**
 * Turns sink records into statement parameters (Confluent's `PreparedStatementBinder`): one row
 * of values per record, in `FieldsMetadata.columns` order, in the forms the Database layer takes.
 *
 * | schema                | parameter                                                         |
 * |-----------------------|-------------------------------------------------------------------|
 * | Date (logical)        | `YYYY-MM-DD` (the UTC day of the Date)                            |
 * | Time (logical)        | `HH:MM:SS.mmm` (UTC)                                              |
 * | Timestamp (logical)   | the Date (a UTC instant); with `db.timezone` other than UTC, the wall-clock text in that zone |
 * | Decimal (logical)     | its decimal string                                                |
 * | BYTES                 | a Buffer                                                          |
 * | others                | the value as it is (numbers, bigints, booleans, strings)          |
 *
 * A null field takes its schema default when `replace.null.with.default` is on (as Kafka's
 * `Struct.get`). Records reaching here have passed the task's checks: a Struct value (or a
 * tombstone, whose row holds only the key columns).
 */
import { LOGICAL, type Schema } from '../../../api/schema.ts'
import type { SinkRecord } from '../../../api/records.ts'
import type { StructLike } from '../../../api/values.ts'
import type { FieldsMetadata, SinkColumn } from './fields-metadata.ts'

type Bind = (value: unknown) => unknown
type Read = (record: SinkRecord) => unknown

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function wallClock(zone: string): (date: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  })
  return (date) => {
    const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]))
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${pad(date.getUTCMilliseconds(), 3)}`
  }
}

function binderOf(schema: Schema, timezone: string): Bind | null {
  switch (schema.name) {
    case LOGICAL.DATE: return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)
    case LOGICAL.TIME: return (v) => (v instanceof Date ? v.toISOString().slice(11, 23) : v)
    case LOGICAL.TIMESTAMP: {
      if (timezone === 'UTC') return (v) => (typeof v === 'number' ? new Date(v) : v)
      const wall = wallClock(timezone)
      return (v) => (v instanceof Date ? wall(v) : typeof v === 'number' ? wall(new Date(v)) : v)
    }
    case LOGICAL.DECIMAL: return null
  }
  if (schema.type === 'BYTES') return (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v)
  return null
}

function readerOf(column: SinkColumn, withDefaults: boolean): Read {
  const { name } = column
  const fallback = withDefaults && column.schema.defaultValue !== undefined ? column.schema.defaultValue : null
  const field = (struct: unknown): unknown => {
    if (struct === null || struct === undefined) return null
    return (struct as StructLike).getWithoutDefault(name) ?? fallback
  }
  switch (column.source) {
    case 'topic': return (r) => r.topic
    case 'partition': return (r) => r.kafkaPartition
    case 'offset': return (r) => r.kafkaOffset
    case 'key': return (r) => r.key
    case 'key-field': return (r) => field(r.key)
    case 'value-field': return (r) => field(r.value)
  }
}

/** Reads rows of records for one FieldsMetadata. */
export class RecordBinder {
  readonly width: number
  readonly #readers: Read[]
  readonly #binders: (Bind | null)[]

  constructor(columns: readonly SinkColumn[], options: { readonly timezone: string; readonly replaceNullWithDefault: boolean }) {
    this.width = columns.length
    this.#readers = columns.map((c) => readerOf(c, options.replaceNullWithDefault))
    this.#binders = columns.map((c) => binderOf(c.schema, options.timezone))
  }

  /** Writes the record's values into `out` from `at`. */
  fill(record: SinkRecord, out: unknown[], at: number): void {
    const readers = this.#readers
    const binders = this.#binders
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i](record)
      const bind = binders[i]
      out[at + i] = value === null || value === undefined ? null : bind === null ? value : bind(value)
    }
  }

  /** Writes the record's values at `row` of `columns` (one array per column). */
  fillColumns(record: SinkRecord, columns: unknown[][], row: number): void {
    const readers = this.#readers
    const binders = this.#binders
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i](record)
      const bind = binders[i]
      columns[i][row] = value === null || value === undefined ? null : bind === null ? value : bind(value)
    }
  }

  row(record: SinkRecord): unknown[] {
    const out = new Array<unknown>(this.width)
    this.fill(record, out, 0)
    return out
  }
}

const binders = new WeakMap<FieldsMetadata, Map<string, RecordBinder>>()

/** The (cached) binder of `meta`'s columns (`which`: all, key only, key then non-key for UPDATE). */
export function binderFor(meta: FieldsMetadata, which: 'all' | 'key' | 'update', options: { readonly timezone: string; readonly replaceNullWithDefault: boolean }): RecordBinder {
  let byKind = binders.get(meta)
  if (byKind === undefined) binders.set(meta, byKind = new Map())
  let binder = byKind.get(which)
  if (binder === undefined) {
    const columns = which === 'all' ? meta.columns : which === 'key' ? meta.keyColumns : [...meta.nonKeyColumns, ...meta.keyColumns]
    binder = new RecordBinder(columns, options)
    byKind.set(which, binder)
  }
  return binder
}
