/**
 * `TableQuerier`: reads one table (or the custom query) for a JDBC source task, batch by batch,
 * and turns rows into source records (Confluent's `TimestampIncrementingTableQuerier` and
 * `BulkTableQuerier`).
 *
 * Records: topic `topic.prefix` + table name (the prefix alone for a query), no key, value a
 * Struct of the row (column-mapping.ts), source partition `{ protocol: '1', table: 'schema.name' }`
 * as Confluent writes it (`{ query: 'query' }` for a query), source offset as
 * source-offset.ts shows (none in bulk mode). At start the stored offset is looked up under
 * that partition, then under Confluent's older `{ table: 'name' }`.
 *
 * Invariants of the offsets:
 * - incrementing and timestamp+incrementing: rows are totally ordered by the criteria, each
 *   record carries its own row's position, so a restart resumes after the last committed row.
 * - timestamp: timestamps are not unique, so a batch never ends inside a group of equal
 *   timestamps (a full batch drops its trailing group, which the next statement reads whole; a
 *   batch of one timestamp reads that whole group), and a record carries its own timestamp only
 *   when it ends its group (the others carry the previous group's): a restart may repeat a
 *   group, never skip the rest of one.
 * - bulk: the whole table again at every poll interval (paged by primary key when it has one).
 *
 * Not concurrent: one task polls its queriers one at a time.
 */
import type { SourceMap, SourceRecord } from '../../../api/records.ts'
import type { Field, Schema } from '../../../api/schema.ts'
import { Struct } from '../../../api/struct.ts'
import { validateValue } from '../../../api/values.ts'
import { ConnectError } from '../../../errors.ts'
import type { ColumnInfo, Database, QueryResult, TableId } from '../database.ts'
import { type RowMapping, mapColumns } from './column-mapping.ts'
import type { JdbcSourceConfig } from './jdbc-source-config.ts'
import { PRECISE_TIMESTAMP_ALIAS, type QueryPlan, type QueryPlanOptions, buildQueryPlan, bulkContinuation, tableFqn } from './query-builder.ts'
import { EMPTY_OFFSET, type TimestampIncrementingOffset, type ZoneClock, nanosOfMillis, offsetFromMap, offsetToMap } from './source-offset.ts'

const NO_HEADERS: readonly never[] = Object.freeze([])
const NS_PER_MS = 1_000_000n

export interface QuerierBatch {
  readonly records: SourceRecord[]
  /** True when the table may have more rows right now (poll again without waiting). */
  readonly more: boolean
}

export type OffsetLookup = (partitions: readonly SourceMap[]) => Promise<SourceMap | null>

export class TableQuerier {
  readonly table: TableId | null
  readonly topic: string
  readonly partition: SourceMap
  readonly #config: JdbcSourceConfig
  readonly #clock: ZoneClock
  #plan: QueryPlan | null = null
  #planOptions: QueryPlanOptions | null = null
  #mapping: RowMapping | null = null
  #fields: readonly Field[] = []
  #incrementingColumn: string | null = null
  #offset: TimestampIncrementingOffset = EMPTY_OFFSET
  /** Bulk keyset paging: the last key read in the current pass, or null at the pass start. */
  #bulkLastKey: unknown[] | null = null
  #keyIndexes: number[] = []

  constructor(config: JdbcSourceConfig, clock: ZoneClock, table: TableId | null) {
    this.#config = config
    this.#clock = clock
    this.table = table
    if (table === null) {
      this.topic = config.topicPrefix
      this.partition = Object.freeze({ query: 'query' })
    } else {
      this.topic = config.topicPrefix + table.name
      this.partition = Object.freeze({ protocol: '1', table: tableFqn(table) })
    }
  }

  get name(): string {
    return this.table === null ? 'the custom query' : `table ${tableFqn(this.table)}`
  }

  /**
   * Checks the table against the config, resolves the incrementing column, builds the statement
   * and loads the stored offset. CONNECT_INVALID_CONFIG when a configured column is missing or
   * nullable (with `validate.non.null`), or no auto-increment column can be found.
   */
  async start(db: Database, lookup: OffsetLookup): Promise<void> {
    const config = this.#config
    const mode = config.mode
    let columns: ColumnInfo[] | readonly ColumnInfo[]
    if (this.table !== null) {
      const described = await db.describeTable(this.table)
      if (described === null) throw this.#invalid('table.whitelist', `${this.name} does not exist (or cannot be read by this user)`)
      columns = described
    } else if (mode === 'bulk') {
      columns = []
    } else {
      columns = (await db.query(`SELECT * FROM (${config.query}) creek_query WHERE 1 = 0`)).columns
    }
    const checkColumns = this.table !== null || mode !== 'bulk'
    let incrementing = config.incrementingColumn
    if (incrementing === '' && this.table !== null) {
      const auto = columns.find((c) => c.autoIncrement === true)
      if (auto === undefined) {
        throw this.#invalid('incrementing.column.name', `${this.name} has no auto-increment column to use as the incrementing column; set incrementing.column.name to a strictly increasing, NOT NULL column`)
      }
      incrementing = auto.name
    }
    const resolve = (key: string, name: string): ColumnInfo => {
      const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
      if (found === undefined) {
        throw this.#invalid(key, `${key} "${name}" is not a column of ${this.name} (columns: ${columns.map((c) => c.name).join(', ')})`)
      }
      return found
    }
    let incrementingInfo: ColumnInfo | null = null
    let timestampInfos: ColumnInfo[] = []
    if (checkColumns) {
      if (incrementing !== null) incrementingInfo = resolve('incrementing.column.name', incrementing)
      timestampInfos = config.timestampColumns.map((c) => resolve('timestamp.column.name', c))
      if (incrementingInfo !== null && !['int8', 'int16', 'int32', 'int64', 'decimal', 'other'].includes(incrementingInfo.type)) {
        throw this.#invalid('incrementing.column.name', `The incrementing column "${incrementingInfo.name}" of ${this.name} is ${incrementingInfo.databaseType || incrementingInfo.type}; it must be an integer column`)
      }
      // SQLite keeps timestamps as text or epoch milliseconds in columns of any declared type.
      const timestampTypes = db.kind === 'sqlite' ? ['timestamp', 'date', 'string', 'int64', 'int32', 'other'] : ['timestamp', 'date', 'other']
      for (const column of timestampInfos) {
        if (!timestampTypes.includes(column.type)) {
          throw this.#invalid('timestamp.column.name', `The timestamp column "${column.name}" of ${this.name} is ${column.databaseType || column.type}; it must be a timestamp column`)
        }
      }
      if (this.table !== null && config.validateNonNull) {
        if (incrementingInfo?.nullable === true) {
          throw this.#invalid('incrementing.column.name', `Cannot make incremental queries using incrementing column ${incrementingInfo.name} on ${this.name} because this column is nullable (make it NOT NULL or set validate.non.null=false)`)
        }
        if (timestampInfos.length > 0 && timestampInfos.every((c) => c.nullable)) {
          throw this.#invalid('timestamp.column.name', `Cannot make incremental queries using timestamp columns [${timestampInfos.map((c) => c.name).join(', ')}] on ${this.name} because all of these columns are nullable (make one NOT NULL or set validate.non.null=false)`)
        }
      }
    }
    this.#incrementingColumn = incrementingInfo?.name ?? null
    const keyColumns = this.table !== null && mode === 'bulk'
      ? columns.filter((c) => c.primaryKeyIndex !== undefined).sort((a, b) => a.primaryKeyIndex! - b.primaryKeyIndex!).map((c) => c.name)
      : []
    this.#planOptions = {
      kind: db.kind,
      quote: config.quoteIdentifiers,
      source: this.table === null ? { query: config.query } : { table: this.table },
      mode,
      incrementingColumn: this.#incrementingColumn,
      timestampColumns: timestampInfos.map((c) => c.name),
      ...(timestampInfos.length > 0 ? { timestampDatabaseType: timestampInfos[0].databaseType } : {}),
      clock: this.#clock,
      batchMaxRows: config.batchMaxRows,
      suffix: config.querySuffix,
      keyColumns,
    }
    this.#plan = buildQueryPlan(this.#planOptions)
    if (this.table !== null) this.#setMapping(columns)

    if (mode !== 'bulk') {
      const candidates: SourceMap[] = this.table === null ? [this.partition] : [this.partition, { table: this.table.name }]
      const stored = await lookup(candidates)
      this.#offset = offsetFromMap(stored, this.name)
      if (this.#offset.timestamp === null && config.timestampColumns.length > 0 && config.timestampInitial !== null) {
        const initial = config.timestampInitial === -1 ? (await db.currentTime()).getTime() : config.timestampInitial
        this.#offset = { ...this.#offset, timestamp: nanosOfMillis(initial) }
      }
    }
  }

  /** The stored position this querier resumes from (for logs and tests). */
  get offset(): TimestampIncrementingOffset {
    return this.#offset
  }

  /** Reads the next batch. */
  async poll(db: Database): Promise<QuerierBatch> {
    const plan = this.#plan
    if (plan === null) throw new ConnectError('CONNECT_ILLEGAL_STATE', `The querier of ${this.name} was polled before it started`)
    if (this.#config.mode === 'bulk') return this.#pollBulk(db, plan)
    let upper: bigint | null = null
    if (plan.preciseTimestamp) upper = nanosOfMillis((await db.currentTime()).getTime()) - BigInt(this.#config.timestampDelayMs) * NS_PER_MS
    const result = await db.query(plan.sql, plan.params(this.#offset, upper))
    const mapping = await this.#mappingFor(db, result, plan.preciseTimestamp)
    const rows = result.rows
    const full = plan.limited && rows.length >= this.#config.batchMaxRows
    if (!plan.preciseTimestamp) return { records: this.#incrementingRecords(rows, mapping), more: full }
    return this.#timestampRecords(db, plan, rows, mapping, full)
  }

  #incrementingRecords(rows: QueryResult['rows'], mapping: RowMapping): SourceRecord[] {
    const index = mapping.columnNames.indexOf(this.#incrementingColumn!)
    const records = new Array<SourceRecord>(rows.length)
    let last: unknown = null
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      const value = row[index]
      last = value
      records[i] = this.#record(row, mapping, { incrementing: this.#incrementingJson(value) })
    }
    if (rows.length > 0) this.#offset = { timestamp: null, incrementing: this.#incrementingBigint(last) }
    return records
  }

  async #timestampRecords(db: Database, plan: QueryPlan, rows: QueryResult['rows'], mapping: RowMapping, full: boolean): Promise<QuerierBatch> {
    const preciseIndex = mapping.columnNames.length
    const withIncrementing = this.#incrementingColumn !== null
    const incIndex = withIncrementing ? mapping.columnNames.indexOf(this.#incrementingColumn!) : -1
    let batch = rows
    let more = full
    const timestamps = rows.map((row) => plan.readTimestamp(row[preciseIndex]))
    if (!withIncrementing && full && rows.length > 0) {
      const last = timestamps[rows.length - 1]
      let cut = rows.length
      while (cut > 0 && timestamps[cut - 1] === last) cut--
      if (cut > 0) {
        batch = rows.slice(0, cut)
        timestamps.length = cut
      } else if (last !== null && plan.groupSql !== null) {
        // One timestamp fills the batch: read its whole group now; later rows come next.
        const group = await db.query(plan.groupSql, plan.groupParams(last))
        batch = group.rows
        timestamps.length = 0
        for (const row of batch) timestamps.push(last)
      }
    }
    const records = new Array<SourceRecord>(batch.length)
    let complete = this.#offset.timestamp
    let lastIncrementing: bigint | null = this.#offset.incrementing
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]
      const ts = timestamps[i]
      let offset: SourceMap
      if (withIncrementing) {
        lastIncrementing = this.#incrementingBigint(row[incIndex])
        offset = offsetToMap({ timestamp: ts, incrementing: lastIncrementing })
        complete = ts
      } else {
        if (i === batch.length - 1 || timestamps[i + 1] !== ts) complete = ts
        offset = offsetToMap({ timestamp: complete, incrementing: null })
      }
      records[i] = this.#record(row, mapping, offset)
    }
    if (batch.length > 0) this.#offset = { timestamp: complete, incrementing: withIncrementing ? lastIncrementing : null }
    return { records, more }
  }

  async #pollBulk(db: Database, plan: QueryPlan): Promise<QuerierBatch> {
    const options = this.#planOptions!
    const statement = this.#bulkLastKey === null ? { sql: plan.sql, params: [] as unknown[] } : bulkContinuation(options, this.#bulkLastKey)
    const result = await db.query(statement.sql, statement.params)
    const mapping = await this.#mappingFor(db, result, false)
    const records = new Array<SourceRecord>(result.rows.length)
    const offset: SourceMap = Object.freeze({})
    for (let i = 0; i < result.rows.length; i++) records[i] = this.#record(result.rows[i], mapping, offset)
    const more = plan.limited && result.rows.length >= this.#config.batchMaxRows
    if (more) {
      const last = result.rows[result.rows.length - 1]
      if (this.#keyIndexes.length === 0) this.#keyIndexes = (options.keyColumns ?? []).map((k) => mapping.columnNames.indexOf(k))
      this.#bulkLastKey = this.#keyIndexes.map((i) => last[i])
    } else this.#bulkLastKey = null
    return { records, more }
  }

  /** The row mapping for a result; rebuilt when the columns changed (e.g. ALTER TABLE). */
  async #mappingFor(db: Database, result: QueryResult, precise: boolean): Promise<RowMapping> {
    const columns = precise ? result.columns.slice(0, -1) : result.columns
    if (precise && result.columns.at(-1)?.name !== PRECISE_TIMESTAMP_ALIAS) {
      throw new ConnectError('CONNECT_DATA', `The statement of ${this.name} did not return its offset timestamp column last`)
    }
    const mapping = this.#mapping
    if (mapping !== null && sameNames(mapping.columnNames, columns)) return mapping
    if (this.table !== null) {
      const described = await db.describeTable(this.table)
      if (described !== null && sameNames(described.map((c) => c.name), columns)) return this.#setMapping(described)
    }
    return this.#setMapping(columns)
  }

  #setMapping(columns: readonly ColumnInfo[]): RowMapping {
    const mapping = mapColumns(this.table?.name, columns, { kind: this.#planOptions!.kind, numericMapping: this.#config.numericMapping, clock: this.#clock })
    this.#mapping = mapping
    this.#fields = mapping.schema.fields ?? []
    return mapping
  }

  #record(row: readonly unknown[], mapping: RowMapping, sourceOffset: SourceMap): SourceRecord {
    const schema: Schema = mapping.schema
    const fields = this.#fields
    const converters = mapping.converters
    const checked = mapping.checked
    const values = new Array<unknown>(fields.length)
    for (let c = 0; c < fields.length; c++) {
      const raw = row[c]
      const value = raw === null || raw === undefined ? null : converters[c](raw)
      // What Struct.put checks, for the values a converter does not guarantee (and nulls).
      if (value === null || !checked[c]) validateValue(fields[c].schema, value, fields[c].name, false)
      values[c] = value
    }
    const struct = Struct.fromValidatedValues(schema, values)
    return {
      topic: this.topic, kafkaPartition: null, keySchema: null, key: null, valueSchema: schema, value: struct,
      timestamp: null, headers: NO_HEADERS, sourcePartition: this.partition, sourceOffset,
    }
  }

  #incrementingBigint(value: unknown): bigint {
    if (typeof value === 'number') return BigInt(value)
    if (typeof value === 'bigint') return value
    if (value === null || value === undefined) {
      throw new ConnectError('CONNECT_DATA', `Null value for the incrementing column ${this.#incrementingColumn} of ${this.name}: it must be NOT NULL`)
    }
    const text = String(value)
    if (!/^-?\d+(\.0*)?$/.test(text)) throw new ConnectError('CONNECT_DATA', `Invalid value ${text} for the incrementing column ${this.#incrementingColumn} of ${this.name}: it must be an integer`)
    return BigInt(text.replace(/\.0*$/, ''))
  }

  #incrementingJson(value: unknown): number | string {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value
    // PostgreSQL's int8 (and MySQL's BIGINT as text) arrive as digits: up to 15 are a safe integer.
    if (typeof value === 'string' && value.length <= 15 && DIGITS.test(value)) return Number(value)
    const n = this.#incrementingBigint(value)
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()
  }

  #invalid(key: string, message: string): ConnectError {
    return new ConnectError('CONNECT_INVALID_CONFIG', `JdbcSourceConnector (${key}): ${message}`)
  }
}

/** An optionally negative run of decimal digits, nothing else. */
const DIGITS = /^-?\d+$/

function sameNames(names: readonly string[], columns: readonly ColumnInfo[]): boolean {
  if (names.length !== columns.length) return false
  for (let i = 0; i < names.length; i++) if (names[i] !== columns[i].name) return false
  return true
}
