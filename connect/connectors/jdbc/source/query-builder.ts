/**
 * The SQL the JDBC-style source runs, per mode (Confluent's `TimestampIncrementingCriteria` and
 * `BulkTableQuerier`), with `?` placeholders for every dialect (database.ts rewrites them):
 *
 *   incrementing            SELECT * FROM t WHERE id > ? ORDER BY id ASC LIMIT n
 *   timestamp               SELECT * FROM t WHERE ts > ? AND ts < ? ORDER BY ts ASC LIMIT n
 *   timestamp+incrementing  SELECT * FROM t WHERE ts < ? AND ((ts = ? AND id > ?) OR ts > ?)
 *                           ORDER BY ts,id ASC LIMIT n
 *   bulk                    SELECT * FROM t [WHERE (pk…) > (?…)] [ORDER BY pk… LIMIT n]
 *
 * where `ts` is the timestamp column, or `COALESCE(a, b…)` of several, and the `ts < ?` upper
 * bound is the database's time minus `timestamp.delay.interval.ms`. `LIMIT batch.max.rows`
 * reads one batch per statement (left out when `query.suffix` has its own LIMIT); the suffix
 * ends the statement. A custom query is read as a derived table
 * (`SELECT q.* FROM (<query>) q WHERE …`), so the criteria apply to its result columns and the
 * query may have its own WHERE. Bulk mode pages a table by its primary key (keyset) and reads a
 * table without one, or a custom query, in one statement.
 *
 * Timestamps are compared exactly: in timestamp modes the statement also selects the offset
 * timestamp at the database's own precision (PostgreSQL `EXTRACT(EPOCH …)` as numeric,
 * MySQL `DATE_FORMAT(…, '%f')`, SQLite its normalised text), since a Date keeps only
 * milliseconds; bounds are bound as text at that precision. SQLite compares the normalised
 * text (`strftime`) so that rows stored as text or as epoch milliseconds sort alike.
 */
import type { DatabaseKind, TableId } from '../database.ts'
import { isZonedTimestamp } from './column-mapping.ts'
import type { JdbcSourceMode } from './jdbc-source-config.ts'
import { type TimestampIncrementingOffset, type ZoneClock, formatNominal, nanosOfDateTimeText, nanosOfEpochSeconds } from './source-offset.ts'

/** The alias of the exact offset timestamp selected after the row's columns. */
export const PRECISE_TIMESTAMP_ALIAS = '__creek_ts'
const QUERY_ALIAS = 'creek_query'
const NS_PER_MS = 1_000_000n

export type QuerySource = { readonly table: TableId } | { readonly query: string }

export interface QueryPlanOptions {
  readonly kind: DatabaseKind
  readonly quote: boolean
  readonly source: QuerySource
  readonly mode: JdbcSourceMode
  /** The resolved incrementing column (modes with one). */
  readonly incrementingColumn: string | null
  readonly timestampColumns: readonly string[]
  /** Database type of the (first) timestamp column, to tell instants from wall-clock times. */
  readonly timestampDatabaseType?: string
  readonly clock: ZoneClock
  readonly batchMaxRows: number
  readonly suffix: string
  /** Bulk mode on a table: primary key columns in key order (keyset paging), or empty. */
  readonly keyColumns?: readonly string[]
}

export interface QueryPlan {
  readonly sql: string
  /** True when the statement reads at most `batch.max.rows` rows (more may follow). */
  readonly limited: boolean
  /** True when the exact offset timestamp is the last selected column. */
  readonly preciseTimestamp: boolean
  /**
   * timestamp mode: every row of one timestamp (`WHERE ts = ?`), read when a whole batch shares
   * one timestamp, so that paging never splits a group of equal timestamps.
   */
  readonly groupSql: string | null
  groupParams(timestamp: bigint): unknown[]
  /** Statement parameters for the current offset and upper bound (timestamp modes). */
  params(offset: TimestampIncrementingOffset, upperBound: bigint | null): unknown[]
  /** The exact timestamp (epoch ns, instant) of a selected precise value; null for null. */
  readTimestamp(value: unknown): bigint | null
}

export function quoteIdentifier(kind: DatabaseKind, name: string): string {
  return kind === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`
}

export function tableReference(kind: DatabaseKind, table: TableId, quote: boolean): string {
  const q = (n: string) => (quote ? quoteIdentifier(kind, n) : n)
  return table.schema === undefined ? q(table.name) : `${q(table.schema)}.${q(table.name)}`
}

/** Unquoted `schema.name` (or `name`): the table's name in source partitions and messages. */
export function tableFqn(table: TableId): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`
}

export function buildQueryPlan(options: QueryPlanOptions): QueryPlan {
  const { kind, quote, source, mode, batchMaxRows } = options
  const q = (n: string) => (quote ? quoteIdentifier(kind, n) : n)
  const suffix = options.suffix.trim()
  const limitAllowed = !/\blimit\b/i.test(suffix)
  const tail = (limited: boolean) => `${limited ? ` LIMIT ${batchMaxRows}` : ''}${suffix === '' ? '' : ` ${suffix}`}`

  if (mode === 'bulk') {
    if ('query' in source) {
      return fixedPlan(`${source.query}${suffix === '' ? '' : ` ${suffix}`}`, false)
    }
    const from = `SELECT * FROM ${tableReference(kind, source.table, quote)}`
    const keys = options.keyColumns ?? []
    if (keys.length === 0 || !limitAllowed) return fixedPlan(`${from}${tail(false)}`, false)
    const order = ` ORDER BY ${keys.map(q).join(', ')}`
    return {
      sql: `${from}${order}${tail(true)}`,
      limited: true,
      preciseTimestamp: false,
      groupSql: null,
      groupParams: () => [],
      params: () => [],
      readTimestamp: () => null,
    }
  }

  const ts = options.timestampColumns.length === 0 ? null : timestampExpression(kind, options.timestampColumns.map(q))
  const inc = options.incrementingColumn === null ? null : q(options.incrementingColumn)
  let where: string
  let order: string
  if (ts !== null && inc !== null) {
    where = `${ts} < ? AND ((${ts} = ? AND ${inc} > ?) OR ${ts} > ?)`
    order = `${ts},${inc} ASC`
  } else if (ts !== null) {
    where = `${ts} > ? AND ${ts} < ?`
    order = `${ts} ASC`
  } else {
    where = `${inc} > ?`
    order = `${inc} ASC`
  }
  const precise = ts === null ? '' : `, ${preciseExpression(kind, ts)} AS ${quoteIdentifier(kind, PRECISE_TIMESTAMP_ALIAS)}`
  const select = 'query' in source
    ? `SELECT ${QUERY_ALIAS}.*${precise} FROM (${source.query}) ${QUERY_ALIAS}`
    : `SELECT *${precise} FROM ${tableReference(kind, source.table, quote)}`
  const sql = `${select} WHERE ${where} ORDER BY ${order}${tail(limitAllowed)}`

  const zoned = options.timestampDatabaseType !== undefined && isZonedTimestamp(kind, options.timestampDatabaseType)
  const bind = (ns: bigint) => bindTimestamp(kind, ns, zoned, options.clock)
  const incrementing = (offset: TimestampIncrementingOffset) => bindInteger(offset.incrementing ?? -1n)
  let params: QueryPlan['params']
  if (ts !== null && inc !== null) {
    params = (offset, upper) => {
      const begin = bind(offset.timestamp ?? 0n)
      return [bind(upper ?? 0n), begin, incrementing(offset), begin]
    }
  } else if (ts !== null) params = (offset, upper) => [bind(offset.timestamp ?? 0n), bind(upper ?? 0n)]
  else params = (offset) => [incrementing(offset)]
  const groupSql = ts !== null && inc === null ? `${select} WHERE ${ts} = ?${suffix === '' ? '' : ` ${suffix}`}` : null
  return {
    sql,
    limited: limitAllowed,
    preciseTimestamp: ts !== null,
    groupSql,
    groupParams: (timestamp) => [bind(timestamp)],
    params,
    readTimestamp: (value) => readTimestamp(kind, value, zoned, options.clock),
  }
}

/** The keyset page after `lastKey` (bulk mode on a table with a primary key). */
export function bulkContinuation(options: QueryPlanOptions, lastKey: readonly unknown[]): { sql: string; params: unknown[] } {
  const { kind, quote, batchMaxRows } = options
  const q = (n: string) => (quote ? quoteIdentifier(kind, n) : n)
  const keys = options.keyColumns ?? []
  const source = options.source as { table: TableId }
  const left = keys.length === 1 ? q(keys[0]) : `(${keys.map(q).join(', ')})`
  const right = keys.length === 1 ? '?' : `(${keys.map(() => '?').join(', ')})`
  const suffix = options.suffix.trim()
  return {
    sql: `SELECT * FROM ${tableReference(kind, source.table, quote)} WHERE ${left} > ${right} ORDER BY ${keys.map(q).join(', ')} LIMIT ${batchMaxRows}${suffix === '' ? '' : ` ${suffix}`}`,
    params: [...lastKey],
  }
}

function fixedPlan(sql: string, limited: boolean): QueryPlan {
  return { sql, limited, preciseTimestamp: false, groupSql: null, groupParams: () => [], params: () => [], readTimestamp: () => null }
}

/** SQLite: the column as normalised UTC text, whether stored as text or epoch milliseconds. */
function sqliteNormalised(column: string): string {
  return `(CASE WHEN typeof(${column}) IN ('integer', 'real') THEN strftime('%Y-%m-%d %H:%M:%f', ${column} / 1000.0, 'unixepoch') ELSE strftime('%Y-%m-%d %H:%M:%f', ${column}) END)`
}

function timestampExpression(kind: DatabaseKind, quotedColumns: readonly string[]): string {
  const columns = kind === 'sqlite' ? quotedColumns.map(sqliteNormalised) : quotedColumns
  return columns.length === 1 ? columns[0] : `COALESCE(${columns.join(',')})`
}

function preciseExpression(kind: DatabaseKind, ts: string): string {
  switch (kind) {
    case 'postgresql': return `EXTRACT(EPOCH FROM ${ts})`
    case 'mysql': return `DATE_FORMAT(${ts}, '%Y-%m-%d %H:%i:%s.%f')`
    case 'sqlite': return ts
  }
}

function bindInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/**
 * A bound for a timestamp comparison, as text the database parses at full precision:
 * PostgreSQL gets the wall time of `db.timezone` with that zone's offset (right for timestamp
 * and timestamptz alike: a timestamp ignores the offset); MySQL gets UTC text for TIMESTAMP
 * (sessions run in UTC) and `db.timezone` wall time for DATETIME; SQLite gets the wall time as
 * its normalised text `YYYY-MM-DD HH:MM:SS.SSS`.
 */
export function bindTimestamp(kind: DatabaseKind, ns: bigint, zoned: boolean, clock: ZoneClock): string {
  switch (kind) {
    case 'postgresql': {
      const offsetMs = clock.isUtc ? 0 : clock.offsetAt(Number(ns / NS_PER_MS))
      const minutes = Math.round(Math.abs(offsetMs) / 60_000)
      const sign = offsetMs < 0 ? '-' : '+'
      return `${formatNominal(ns + BigInt(offsetMs) * NS_PER_MS)}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
    }
    case 'mysql':
      return formatNominal(zoned ? ns : clock.wallOfInstantNanos(ns))
    case 'sqlite':
      return formatNominal(clock.wallOfInstantNanos(ns)).slice(0, 23)
  }
}

/** The instant (epoch ns) of a precise timestamp value selected by `preciseExpression`. */
export function readTimestamp(kind: DatabaseKind, value: unknown, zoned: boolean, clock: ZoneClock): bigint | null {
  if (value === null || value === undefined) return null
  let ns: bigint | null
  if (value instanceof Date) ns = BigInt(value.getTime()) * NS_PER_MS
  else if (kind === 'postgresql') ns = nanosOfEpochSeconds(value)
  else if (typeof value === 'number' || typeof value === 'bigint') ns = BigInt(value) * NS_PER_MS
  else ns = nanosOfDateTimeText(String(value))
  if (ns === null) return null
  return zoned ? ns : clock.instantOfWallNanos(ns)
}
