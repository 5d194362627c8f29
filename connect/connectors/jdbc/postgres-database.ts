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
 * bytea, arrays as PostgreSQL arrays.
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

function parseDate(text: string): Date | string {
  const date = new Date(`${text}T00:00:00Z`)
  return Number.isNaN(date.getTime()) ? text : date
}

function parseUtcTimestamp(text: string): Date | string {
  const date = new Date(`${text.replace(' ', 'T')}Z`)
  return Number.isNaN(date.getTime()) ? text : date
}

const timestamptz = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown
const bytea = pg.types.getTypeParser(17, 'text') as (text: string) => unknown

const PARSERS = new Map<number, (text: string) => unknown>([
  [16, (t) => t === 't' || t === 'true'], [17, bytea], [20, parseInt8], [21, Number], [23, Number], [26, Number],
  [700, Number], [701, Number], [1082, parseDate], [1114, parseUtcTimestamp], [1184, timestamptz],
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
    out[i] = v instanceof Date ? v.toISOString() : v === undefined ? null : v
  }
  return out
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
