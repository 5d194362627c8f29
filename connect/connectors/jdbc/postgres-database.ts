/**
 * The PostgreSQL `Database` (database.ts) over a `pg` Pool (also PGlite served over TCP).
 *
 * SQL: `?` placeholders are rewritten to `$1…` outside string literals, quoted identifiers,
 * dollar quotes and comments (rewrites are cached per statement text, within a bound). INSERT,
 * UPDATE and DELETE statements without RETURNING that run a second time become named prepared
 * statements (parsed once per connection, which matters for the sink's 65535-parameter batches);
 * statements that return rows stay unnamed so that a table altered underneath never breaks a
 * cached plan.
 *
 * Values read (text protocol, parsers of this pool only; pg's global parsers are untouched):
 * bool → boolean; int2/int4/oid → number; int8 → number when safe, bigint beyond 2^53;
 * float4/float8 → number; numeric → string; bytea → Buffer; date → Date at midnight UTC;
 * timestamp → Date read as UTC; timestamptz → Date; time/timetz, json/jsonb and everything else
 * → the server's text. Parameters: Dates are sent as ISO-8601 UTC text (a `timestamp` column
 * ignores the zone, so it stores the UTC wall time), bigints and booleans as text, Buffers as
 * bytea, arrays as PostgreSQL array literals (`arrayLiteral`, elements in the same forms).
 *
 * Timestamps, dates and timestamps with a zone are read by hand from the server's ISO output
 * (`parseTimestamptz` & co.), falling back to pg's parser for anything else (BC, infinity).
 */
import pg from 'pg'
import type { ColumnInfo, ColumnType, Database, QueryResult, TableId } from './database.ts'
import type { ServerSettings } from './connection-url.ts'
import { NETWORK_ERROR_CODES, databaseError, type DatabaseErrorCode } from './database-error.ts'

const CACHE_SIZE = 200
/** Statement texts kept for reuse, in characters (a 65535-parameter INSERT is about 0.5 M). */
const CACHE_CHARS = 8_000_000

/** PostgreSQL type OIDs (pg_type.oid of the built-in types) → portable type and name. */
const OID_TYPES = new Map<number, { readonly type: ColumnType; readonly name: string }>([
  [16, { type: 'boolean', name: 'bool' }], [17, { type: 'bytes', name: 'bytea' }], [18, { type: 'string', name: 'char' }],
  [19, { type: 'string', name: 'name' }], [20, { type: 'int64', name: 'int8' }], [21, { type: 'int16', name: 'int2' }],
  [23, { type: 'int32', name: 'int4' }], [25, { type: 'string', name: 'text' }], [26, { type: 'int64', name: 'oid' }],
  [114, { type: 'json', name: 'json' }], [700, { type: 'float32', name: 'float4' }], [701, { type: 'float64', name: 'float8' }],
  [1042, { type: 'string', name: 'bpchar' }], [1043, { type: 'string', name: 'varchar' }], [1082, { type: 'date', name: 'date' }],
  [1083, { type: 'time', name: 'time' }], [1114, { type: 'timestamp', name: 'timestamp' }], [1184, { type: 'timestamp', name: 'timestamptz' }],
  [1266, { type: 'time', name: 'timetz' }], [1700, { type: 'decimal', name: 'numeric' }], [2950, { type: 'string', name: 'uuid' }],
  [3802, { type: 'json', name: 'jsonb' }],
])

/** Type names (pg_type.typname) → portable type, for `describeTable`. */
const NAME_TYPES = new Map<string, ColumnType>([...OID_TYPES.values()].map((t) => [t.name, t.type]))
NAME_TYPES.set('citext', 'string')

const identity = (text: string): string => text

function parseInt8(text: string): number | bigint {
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
}

/**
 * Fast paths for the server's ISO output (DateStyle ISO, pg's default): digits read in place
 * instead of a regular expression and a string per part (these run once per value of every row
 * the source reads). Anything else (years before 100 or past 9999, BC, infinity, another
 * DateStyle) goes to the general parser.
 */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/** Where the text read by the last `wallClockAt` ended. */
let wallEnd = 0

/** Epoch ms of `YYYY-MM-DD HH:MM:SS[.f…]` at the start of `text` (its end in `wallEnd`); NaN when not that shape. */
function wallClockAt(text: string): number {
  if (text.length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return Number.NaN
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0) return Number.NaN
  let end = 19
  let ms = 0
  if (text.charCodeAt(19) === 46) {
    // Milliseconds: the first three digits of the fraction (a Date keeps no more).
    end = 20
    let scale = 100
    for (;;) {
      const d = text.charCodeAt(end) - 48
      if (!(d >= 0 && d <= 9)) break
      ms += d * scale
      scale /= 10
      end++
    }
    if (end === 20) return Number.NaN
    ms = Math.trunc(ms)
  }
  wallEnd = end
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}

function parseTimestamptz(text: string): unknown {
  const wall = wallClockAt(text)
  if (!Number.isNaN(wall)) {
    let at = wallEnd
    const sign = text.charCodeAt(at)
    if (sign === 43 || sign === 45) {
      const hours = digitsAt(text, at + 1, 2)
      let offset = hours * 3_600_000
      at += 3
      if (hours >= 0 && text.charCodeAt(at) === 58) {
        const minutes = digitsAt(text, at + 1, 2)
        offset = minutes < 0 ? -1 : offset + minutes * 60_000
        at += 3
        if (offset >= 0 && text.charCodeAt(at) === 58) {
          const seconds = digitsAt(text, at + 1, 2)
          offset = seconds < 0 ? -1 : offset + seconds * 1000
          at += 3
        }
      }
      if (hours >= 0 && offset >= 0 && at === text.length) return new Date(sign === 43 ? wall - offset : wall + offset)
    }
  }
  return timestamptz(text)
}

function parseDate(text: string): Date | string {
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digitsAt(text, 0, 4)
    const month = digitsAt(text, 5, 2)
    const day = digitsAt(text, 8, 2)
    if (year >= 100 && month >= 1 && day >= 1) return new Date(Date.UTC(year, month - 1, day))
  }
  const date = new Date(`${text}T00:00:00Z`)
  return Number.isNaN(date.getTime()) ? text : date
}

function parseUtcTimestamp(text: string): Date | string {
  const wall = wallClockAt(text)
  if (!Number.isNaN(wall) && wallEnd === text.length) return new Date(wall)
  const date = new Date(`${text.replace(' ', 'T')}Z`)
  return Number.isNaN(date.getTime()) ? text : date
}

const timestamptz = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown
const bytea = pg.types.getTypeParser(17, 'text') as (text: string) => unknown

const PARSERS = new Map<number, (text: string) => unknown>([
  [16, (t) => t === 't' || t === 'true'], [17, bytea], [20, parseInt8], [21, Number], [23, Number], [26, Number],
  [700, Number], [701, Number], [1082, parseDate], [1114, parseUtcTimestamp], [1184, parseTimestamptz],
])

const TYPES = {
  getTypeParser: (oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary')
    return PARSERS.get(oid) ?? identity
  },
}

/** Insertion-order map bounded by entries and by the characters of its keys and values (oldest dropped first). */
class BoundedCache<V> {
  readonly #map = new Map<string, V>()
  #chars = 0

  get(key: string): V | undefined { return this.#map.get(key) }

  set(key: string, value: V): void {
    const old = this.#map.get(key)
    if (old !== undefined) this.#chars -= charsOf(key, old)
    this.#map.set(key, value)
    this.#chars += charsOf(key, value)
    while (this.#map.size > CACHE_SIZE || (this.#chars > CACHE_CHARS && this.#map.size > 1)) {
      const [oldestKey, oldestValue] = this.#map.entries().next().value!
      this.#map.delete(oldestKey)
      this.#chars -= charsOf(oldestKey, oldestValue)
    }
  }
}

function charsOf(key: string, value: unknown): number {
  return key.length + (typeof value === 'string' ? value.length : 8)
}

/** `sql` with `?` placeholders numbered `$1…` (outside literals, identifiers and comments). */
export function numberPlaceholders(sql: string): string {
  let out = ''
  let n = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    if (c === '?') {
      out += `$${++n}`
      i++
    } else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2
          else break
        } else if (c === "'" && sql[j] === '\\' && /[eE]$/.test(sql.slice(0, i))) j += 2
        else j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      const j = end < 0 ? sql.length : end
      out += sql.slice(i, j)
      i = j
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      const j = end < 0 ? sql.length : end + 2
      out += sql.slice(i, j)
      i = j
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))
      if (tag !== null && !/[A-Za-z0-9_]$/.test(sql.slice(0, i))) {
        const end = sql.indexOf(tag[0], i + tag[0].length)
        const j = end < 0 ? sql.length : end + tag[0].length
        out += sql.slice(i, j)
        i = j
      } else {
        out += c
        i++
      }
    } else {
      out += c
      i++
    }
  }
  return out
}

/** What a driver error means (database-error.ts): by SQLSTATE class, else by socket error code. */
function classify(error: unknown): { code: DatabaseErrorCode; driverCode: string | undefined } {
  const raw = (error as { code?: unknown }).code
  const driverCode = typeof raw === 'string' ? raw : undefined
  if (driverCode === undefined) {
    const message = error instanceof Error ? error.message : ''
    if (/Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(message)) return { code: 'CONNECT_RETRIABLE', driverCode }
    return { code: 'CONNECT_DATA', driverCode }
  }
  if (NETWORK_ERROR_CODES.has(driverCode)) return { code: 'CONNECT_RETRIABLE', driverCode }
  if (driverCode === '40001' || driverCode === '40P01' || driverCode === '55P03' || driverCode === '57014') return { code: 'CONNECT_RETRIABLE', driverCode }
  const sqlClass = driverCode.slice(0, 2)
  // 08P01 (protocol violation) is a malformed request, e.g. the wrong number of parameters: repeating it fails again.
  if (['08', '53', '57', '58'].includes(sqlClass) && driverCode !== '08P01') return { code: 'CONNECT_RETRIABLE', driverCode }
  if (['28', '3D', '3F', '42'].includes(sqlClass) && driverCode !== '42804') return { code: 'CONNECT_INVALID_CONFIG', driverCode }
  return { code: 'CONNECT_DATA', driverCode }
}

function pgError(error: unknown, sql?: string): Error {
  const { code, driverCode } = classify(error)
  return databaseError('postgresql', code, error, driverCode, sql)
}

function prepareParams(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    if (typeof v === 'object' && v !== null) out[i] = v instanceof Date ? isoText(v) : Array.isArray(v) ? arrayLiteral(v) : v
    else out[i] = v === undefined ? null : v
  }
  return out
}

const MS_PER_DAY = 86_400_000
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))
/** The day of the last `isoText` and its `YYYY-MM-DDT` (rows written together mostly share days). */
let isoDay = Number.NaN
let isoDayText = ''

/** `date.toISOString()`, computed from the time of day and a cached date part (toISOString is slow). */
export function isoText(date: Date): string {
  const ms = date.getTime()
  if (!Number.isFinite(ms)) return date.toISOString()
  const day = Math.floor(ms / MS_PER_DAY)
  if (day !== isoDay) {
    const iso = date.toISOString()
    isoDay = day
    isoDayText = iso.slice(0, iso.indexOf('T') + 1)
  }
  let rest = ms - day * MS_PER_DAY
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  return `${isoDayText}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`
}

const ARRAY_ESCAPE = /["\\]/g
const NEEDS_ESCAPE = /["\\]/

/**
 * The PostgreSQL array literal of `values` (`{1,"a b",NULL}`), elements written as scalar
 * parameters are: Dates as ISO-8601 UTC text, Buffers as bytea hex, null/undefined as NULL,
 * nested arrays as sub-arrays. Element text is parsed by the element type's input function,
 * as a parameter of that type would be.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const v = values[i]
    if (v === null || v === undefined) out += 'NULL'
    else if (typeof v === 'number') out += Number.isFinite(v) ? String(v) : `"${String(v)}"`
    else if (typeof v === 'string') out += NEEDS_ESCAPE.test(v) ? `"${v.replace(ARRAY_ESCAPE, '\\$&')}"` : `"${v}"`
    else if (typeof v === 'boolean') out += v ? 't' : 'f'
    else if (typeof v === 'bigint') out += v.toString()
    else if (v instanceof Date) out += `"${isoText(v)}"`
    else if (Buffer.isBuffer(v)) out += `"\\\\x${v.toString('hex')}"`
    else if (Array.isArray(v)) out += arrayLiteral(v)
    else out += `"${String(v).replace(ARRAY_ESCAPE, '\\$&')}"`
  }
  return `${out}}`
}

/** Statements safe to prepare under a name: they return no rows, so a changed table cannot break them. */
const NAMEABLE = /^\s*(INSERT|UPDATE|DELETE)\b/i

interface Shared {
  readonly pool: pg.Pool
  readonly texts: BoundedCache<string>
  readonly names: BoundedCache<string>
  /** Off once a server refused a name (PGlite serves every connection from one session). */
  naming: boolean
  savepoints: number
}

/** Statement names unique in this process and across processes sharing one session (PGlite). */
const NAME_PREFIX = `creek_${process.pid.toString(36)}_${Math.floor(Math.random() * 36 ** 4).toString(36)}_`
let nextName = 0

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient

export async function openPostgresDatabase(settings: ServerSettings, maxConnections: number): Promise<Database> {
  const sslmode = settings.params.sslmode ?? settings.params.ssl
  const pool = new pg.Pool({
    host: settings.host, port: settings.port, database: settings.database || undefined,
    user: settings.user, password: settings.password,
    max: maxConnections, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000,
    application_name: 'creek-connect',
    types: TYPES,
    ...(sslmode === 'require' || sslmode === 'true' ? { ssl: { rejectUnauthorized: false } } : {}),
  })
  // An idle client that loses its connection: the pool drops it; the next query reconnects.
  pool.on('error', () => undefined)
  let version: string
  try {
    version = String((await pool.query<{ v: string }>('SELECT version() AS v')).rows[0].v)
  } catch (error) {
    await pool.end().catch(() => undefined)
    throw pgError(error)
  }
  // PGlite serves every connection from one session: statement names would collide.
  const naming = !/PGlite/i.test(version)
  return new PostgresDatabase({ pool, texts: new BoundedCache(), names: new BoundedCache(), naming, savepoints: 0 }, null)
}

class PostgresDatabase implements Database {
  readonly kind = 'postgresql' as const
  readonly #shared: Shared
  /** The connection of a transaction; null: the pool. */
  readonly #client: pg.PoolClient | null

  constructor(shared: Shared, client: pg.PoolClient | null) {
    this.#shared = shared
    this.#client = client
  }

  async #run(sql: string, params: readonly unknown[]): Promise<pg.QueryArrayResult> {
    const shared = this.#shared
    let text = shared.texts.get(sql)
    if (text === undefined) {
      text = params.length === 0 && !sql.includes('?') ? sql : numberPlaceholders(sql)
      shared.texts.set(sql, text)
    }
    let name: string | undefined
    if (shared.naming && NAMEABLE.test(text) && !/\bRETURNING\b/i.test(text)) {
      // Named (prepared once per connection) from the second run on: one-off texts stay unnamed.
      const known = shared.names.get(text)
      if (known === undefined) shared.names.set(text, '')
      else if (known === '') shared.names.set(text, name = `${NAME_PREFIX}${++nextName}`)
      else name = known
    }
    const target: Queryable = this.#client ?? shared.pool
    const values = prepareParams(params)
    try {
      return await target.query({ text, values, rowMode: 'array', ...(name === undefined ? {} : { name }) })
    } catch (error) {
      if (name !== undefined && (error as { code?: unknown }).code === '42P05') {
        // Connections share prepared statements (a pooler in transaction mode): run unnamed from now on.
        shared.naming = false
        // In a transaction the error aborted it: the caller must run it again.
        if (this.#client !== null) throw databaseError('postgresql', 'CONNECT_RETRIABLE', error, '42P05', sql)
        try {
          return await target.query({ text, values, rowMode: 'array' })
        } catch (again) {
          throw pgError(again, sql)
        }
      }
      throw pgError(error, sql)
    }
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const result = await this.#run(sql, params)
    const columns: ColumnInfo[] = (result.fields ?? []).map((f) => {
      const known = OID_TYPES.get(f.dataTypeID)
      const type = known?.type ?? 'other'
      const decimal = type === 'decimal' && f.dataTypeModifier >= 4
        ? { precision: ((f.dataTypeModifier - 4) >> 16) & 0xffff, scale: (f.dataTypeModifier - 4) & 0xffff }
        : {}
      return { name: f.name, type, databaseType: known?.name ?? `oid ${f.dataTypeID}`, nullable: true, ...decimal }
    })
    return { columns, rows: result.rows ?? [] }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.#run(sql, params)
    return result.rowCount ?? 0
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (this.#client !== null) {
      const name = `creek_sp_${++this.#shared.savepoints}`
      await this.#run(`SAVEPOINT ${name}`, [])
      try {
        const result = await fn(this)
        await this.#run(`RELEASE SAVEPOINT ${name}`, [])
        return result
      } catch (error) {
        await this.#run(`ROLLBACK TO SAVEPOINT ${name}`, []).catch(() => undefined)
        throw error
      }
    }
    let client: pg.PoolClient
    try {
      client = await this.#shared.pool.connect()
    } catch (error) {
      throw pgError(error, 'BEGIN')
    }
    const tx = new PostgresDatabase(this.#shared, client)
    let broken: Error | undefined
    try {
      await tx.#run('BEGIN', [])
      const result = await fn(tx)
      await tx.#run('COMMIT', [])
      return result
    } catch (error) {
      try {
        await client.query('ROLLBACK')
      } catch (rollbackError) {
        // The connection is unusable: the pool must not hand it out again.
        broken = rollbackError as Error
      }
      throw error
    } finally {
      client.release(broken)
    }
  }

  async listTables(options: { readonly types?: readonly ('TABLE' | 'VIEW')[]; readonly schema?: string } = {}): Promise<TableId[]> {
    const types = (options.types ?? ['TABLE']).map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'))
    if (types.length === 0) return []
    const params: unknown[] = [...types]
    let sql = `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type IN (${types.map(() => '?').join(', ')})
      AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'`
    if (options.schema !== undefined) {
      sql += ' AND table_schema = ?'
      params.push(options.schema)
    }
    const result = await this.query(`${sql} ORDER BY table_name, table_schema`, params)
    return result.rows.map((row) => ({ schema: String(row[0]), name: String(row[1]) }))
  }

  async describeTable(table: TableId): Promise<ColumnInfo[] | null> {
    const result = await this.query(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod), COALESCE(bt.typname, t.typname), NOT a.attnotnull, a.atttypmod,
         array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1),
         a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [this.tableReference(table)],
    )
    if (result.rows.length === 0) return null
    return result.rows.map((row) => {
      const typname = String(row[2])
      const type = NAME_TYPES.get(typname) ?? 'other'
      const typmod = Number(row[4])
      const pk = row[5] === null ? undefined : Number(row[5])
      return {
        name: String(row[0]), type, databaseType: String(row[1]), nullable: row[3] === true,
        ...(type === 'decimal' && typmod >= 4 ? { precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff } : {}),
        typeName: typname,
        ...(pk === undefined ? {} : { primaryKeyIndex: pk }),
        ...(row[6] === true ? { autoIncrement: true } : {}),
      }
    })
  }

  async currentTime(): Promise<Date> {
    const result = await this.query('SELECT CURRENT_TIMESTAMP')
    return result.rows[0][0] as Date
  }

  quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`
  }

  tableReference(table: TableId): string {
    return table.schema === undefined ? this.quoteIdentifier(table.name) : `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}`
  }

  async close(): Promise<void> {
    if (this.#client !== null) return
    if (this.#shared.pool.ended) return
    await this.#shared.pool.end()
  }
}
