/**
 * The SQLite `Database` (database.ts) over `better-sqlite3`: one synchronous handle per file,
 * WAL journal, a busy timeout (5 s unless the URL says `?busy_timeout=ms`; SQLITE_BUSY after it
 * is CONNECT_RETRIABLE).
 *
 * Values: SQLite stores INTEGER, REAL, TEXT, BLOB and NULL; columns read back are typed by their
 * declared type (best effort, as the contract allows): integers are read as 64-bit (`safeIntegers`)
 * and become numbers when safe, bigints otherwise; BOOLEAN columns give booleans; DECIMAL/NUMERIC
 * give strings; DATE gives a Date at midnight UTC, DATETIME/TIMESTAMP a Date (text read as UTC,
 * numbers as ms since the epoch), TIME the text `HH:MM:SS[.fff]`. Parameters: booleans are bound
 * as 1/0, Dates as UTC text `YYYY-MM-DD HH:MM:SS.SSS` (SQLite's own format, sortable), plain
 * objects and arrays as JSON text.
 *
 * Concurrency: calls are serialised on the handle; a `transaction` holds the handle until it
 * ends (BEGIN IMMEDIATE, so that two handles on one file never deadlock upgrading a read lock),
 * and calls made outside it wait. Nested `transaction` calls use savepoints.
 */
import { SerialQueue } from '../../../core/index.ts'
import BetterSqlite3 from 'better-sqlite3'
import type { ColumnInfo, ColumnType, Database, QueryResult, TableId } from './database.ts'
import { configError, databaseError, type DatabaseErrorCode } from './database-error.ts'

type Handle = BetterSqlite3.Database
type Statement = BetterSqlite3.Statement<unknown[], unknown>

const STATEMENT_CACHE_SIZE = 100

interface Core {
  readonly handle: Handle
  readonly statements: Map<string, Statement>
  readonly queue: SerialQueue
  closed: boolean
  savepoints: number
}

export function openSqliteDatabase(file: string, busyTimeoutMs = 5000): Database {
  let handle: Handle
  try {
    handle = new BetterSqlite3(file, { timeout: busyTimeoutMs })
    if (file !== ':memory:') handle.pragma('journal_mode = WAL')
  } catch (error) {
    throw configError('sqlite', `SQLite cannot open "${file}": ${(error as Error).message}`, error)
  }
  return new SqliteDatabase({ handle, statements: new Map(), queue: new SerialQueue(), closed: false, savepoints: 0 }, false)
}

class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const
  readonly #core: Core
  /** True for the handle given to a transaction's function: it runs without queueing. */
  readonly #inTransaction: boolean

  constructor(core: Core, inTransaction: boolean) {
    this.#core = core
    this.#inTransaction = inTransaction
  }

  #serially<T>(fn: () => T): Promise<T> {
    if (this.#inTransaction) return Promise.resolve().then(fn)
    return this.#core.queue.run(fn)
  }

  query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    return this.#serially(() => {
      const statement = this.#prepare(sql)
      const values = bindable(params)
      try {
        if (!statement.reader) {
          statement.run(values)
          return { columns: [], rows: [] }
        }
        statement.safeIntegers(true).raw(true)
        const columns = statement.columns().map((c) => columnOf(c.name, c.type ?? ''))
        const raw = statement.all(values) as unknown[][]
        return { columns, rows: raw.map((row) => readRow(row, columns)) }
      } catch (error) {
        throw sqliteError(error, sql)
      }
    })
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.#serially(() => {
      const statement = this.#prepare(sql)
      try {
        if (statement.reader) {
          statement.raw(true).all(bindable(params))
          return 0
        }
        return statement.run(bindable(params)).changes
      } catch (error) {
        throw sqliteError(error, sql)
      }
    })
  }

  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const core = this.#core
    if (this.#inTransaction) {
      const name = `creek_sp_${++core.savepoints}`
      return this.#inside(`SAVEPOINT ${name}`, `RELEASE ${name}`, `ROLLBACK TO ${name}; RELEASE ${name}`, fn)
    }
    return core.queue.run(() => this.#inside('BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK', fn))
  }

  async #inside<T>(begin: string, commit: string, rollback: string, fn: (tx: Database) => Promise<T>): Promise<T> {
    const core = this.#core
    this.#exec(begin)
    let result: T
    try {
      result = await fn(new SqliteDatabase(core, true))
    } catch (error) {
      if (core.handle.inTransaction) {
        try {
          core.handle.exec(rollback)
        } catch {
          // The original error matters more than a failed rollback.
        }
      }
      throw error
    }
    this.#exec(commit)
    return result
  }

  #exec(sql: string): void {
    this.#checkOpen(sql)
    try {
      this.#core.handle.exec(sql)
    } catch (error) {
      throw sqliteError(error, sql)
    }
  }

  async listTables(options: { readonly types?: readonly ('TABLE' | 'VIEW')[]; readonly schema?: string } = {}): Promise<TableId[]> {
    const types = (options.types ?? ['TABLE']).map((t) => t.toLowerCase())
    if (types.length === 0) return []
    const master = options.schema === undefined ? 'sqlite_master' : `${this.quoteIdentifier(options.schema)}.sqlite_master`
    const result = await this.query(
      `SELECT name FROM ${master} WHERE type IN (${types.map(() => '?').join(', ')}) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      types,
    )
    return result.rows.map((row) => (options.schema === undefined ? { name: String(row[0]) } : { schema: options.schema, name: String(row[0]) }))
  }

  async describeTable(table: TableId): Promise<ColumnInfo[] | null> {
    const prefix = table.schema === undefined ? '' : `${this.quoteIdentifier(table.schema)}.`
    const result = await this.query(`PRAGMA ${prefix}table_info(${this.quoteIdentifier(table.name)})`)
    if (result.rows.length === 0) return null
    // cid, name, type, notnull, dflt_value, pk (1-based position in the primary key, 0: none)
    const pkCount = result.rows.filter((r) => Number(r[5]) > 0).length
    return result.rows.map((row) => {
      const declared = String(row[2] ?? '')
      const base = columnOf(String(row[1]), declared)
      const pk = Number(row[5])
      // An INTEGER PRIMARY KEY alone is the rowid: SQLite assigns it.
      const rowid = pk > 0 && pkCount === 1 && declared.trim().toUpperCase() === 'INTEGER'
      return {
        ...base,
        nullable: Number(row[3]) === 0 && pk === 0,
        ...(pk > 0 ? { primaryKeyIndex: pk - 1 } : {}),
        ...(rowid ? { autoIncrement: true } : {}),
      }
    })
  }

  async currentTime(): Promise<Date> {
    const result = await this.query(`SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')`)
    return parseUtc(String(result.rows[0][0])) ?? new Date()
  }

  quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`
  }

  tableReference(table: TableId): string {
    return table.schema === undefined ? this.quoteIdentifier(table.name) : `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}`
  }

  async close(): Promise<void> {
    if (this.#inTransaction) return
    await this.#core.queue.run(() => {
      if (this.#core.closed) return
      this.#core.closed = true
      this.#core.statements.clear()
      this.#core.handle.close()
    })
  }

  #checkOpen(sql: string): void {
    if (this.#core.closed) throw databaseError('sqlite', 'CONNECT_INVALID_CONFIG', new Error('the database is closed'), undefined, sql)
  }

  #prepare(sql: string): Statement {
    this.#checkOpen(sql)
    const { statements } = this.#core
    const cached = statements.get(sql)
    if (cached !== undefined) {
      // Most recently used last: the first entry is the one to evict.
      statements.delete(sql)
      statements.set(sql, cached)
      return cached
    }
    let statement: Statement
    try {
      statement = this.#core.handle.prepare(sql)
    } catch (error) {
      throw sqliteError(error, sql)
    }
    statements.set(sql, statement)
    if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!)
    return statement
  }
}

/** What SQLite's driver codes mean (database-error.ts). */
function classify(error: unknown): { code: DatabaseErrorCode; driverCode: string | undefined } {
  const driverCode = (error as { code?: unknown }).code
  const code = typeof driverCode === 'string' ? driverCode : undefined
  const message = error instanceof Error ? error.message : ''
  if (code === undefined) return { code: 'CONNECT_DATA', driverCode: undefined } // bind errors: wrong values
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return { code: 'CONNECT_RETRIABLE', driverCode: code }
  if (/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code)) return { code: 'CONNECT_DATA', driverCode: code }
  if (/^SQLITE_(CANTOPEN|NOTADB|AUTH|PERM|READONLY)/.test(code)) return { code: 'CONNECT_INVALID_CONFIG', driverCode: code }
  if (/no such (table|column|function)|syntax error|has no column|unrecognized token|ON CONFLICT clause does not match/i.test(message)) return { code: 'CONNECT_INVALID_CONFIG', driverCode: code }
  return { code: 'CONNECT_DATA', driverCode: code }
}

function sqliteError(error: unknown, sql: string): Error {
  const { code, driverCode } = classify(error)
  return databaseError('sqlite', code, error, driverCode, sql)
}

/** Parameters in the forms SQLite binds. */
function bindable(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) out[i] = bindValue(params[i])
  return out
}

function bindValue(value: unknown): unknown {
  switch (typeof value) {
    case 'number': case 'string': case 'bigint': return value
    case 'boolean': return value ? 1 : 0
    case 'undefined': return null
    default:
      if (value === null || Buffer.isBuffer(value)) return value
      if (value instanceof Date) return formatUtc(value)
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  }
}

/** `YYYY-MM-DD HH:MM:SS.SSS` in UTC. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '')
}

/** A UTC instant from SQLite text (`YYYY-MM-DD[ T]HH:MM[:SS[.f…]]` with an optional zone), or null. */
function parseUtc(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim())
  if (match === null) return null
  const [, date, time = '00:00:00', zone = 'Z'] = match
  const parsed = new Date(`${date}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`)
  return Number.isNaN(parsed.getTime()) ? null : parsed
}

const DAY_MS = 86_400_000

function timeOfDay(ms: number): string {
  const t = ((ms % DAY_MS) + DAY_MS) % DAY_MS
  return new Date(t).toISOString().slice(11, 23)
}

interface SqliteType {
  readonly type: ColumnType
  readonly precision?: number
  readonly scale?: number
}

/** The portable type of a declared SQLite column type (names first, then SQLite's affinity rules). */
export function sqliteType(declared: string): SqliteType {
  const upper = declared.trim().toUpperCase()
  const base = upper.replace(/\(.*$/, '').trim()
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(upper)
  switch (base) {
    case '': return { type: 'other' }
    case 'BOOLEAN': case 'BOOL': return { type: 'boolean' }
    case 'TINYINT': return { type: 'int8' }
    case 'SMALLINT': case 'INT2': return { type: 'int16' }
    case 'INT': case 'MEDIUMINT': case 'INT4': return { type: 'int32' }
    case 'INTEGER': case 'BIGINT': case 'INT8': case 'UNSIGNED BIG INT': return { type: 'int64' }
    case 'FLOAT4': return { type: 'float32' }
    case 'REAL': case 'DOUBLE': case 'DOUBLE PRECISION': case 'FLOAT': case 'FLOAT8': return { type: 'float64' }
    case 'DECIMAL': case 'NUMERIC':
      return { type: 'decimal', ...(args === null ? {} : { precision: Number(args[1]), ...(args[2] === undefined ? { scale: 0 } : { scale: Number(args[2]) }) }) }
    case 'DATE': return { type: 'date' }
    case 'TIME': return { type: 'time' }
    case 'DATETIME': case 'TIMESTAMP': return { type: 'timestamp' }
    case 'JSON': case 'JSONB': return { type: 'json' }
    case 'BLOB': case 'BINARY': case 'VARBINARY': case 'BYTEA': return { type: 'bytes' }
  }
  if (base.includes('INT')) return { type: 'int64' }
  if (base.includes('CHAR') || base.includes('CLOB') || base.includes('TEXT')) return { type: 'string' }
  if (base.includes('BLOB')) return { type: 'bytes' }
  if (base.includes('REAL') || base.includes('FLOA') || base.includes('DOUB')) return { type: 'float64' }
  return { type: 'other' }
}

function columnOf(name: string, declared: string): ColumnInfo {
  const { type, precision, scale } = sqliteType(declared)
  return {
    name, type, databaseType: declared, nullable: true,
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale }),
  }
}

function readRow(raw: unknown[], columns: readonly ColumnInfo[]): unknown[] {
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i]
    if (value !== null) raw[i] = readValue(value, columns[i].type)
  }
  return raw
}

function readValue(value: unknown, type: ColumnType): unknown {
  if (typeof value === 'bigint') {
    switch (type) {
      case 'boolean': return value !== 0n
      case 'decimal': return value.toString()
      case 'date': case 'timestamp': return new Date(Number(value))
      case 'time': return timeOfDay(Number(value))
      default: return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value
    }
  }
  switch (type) {
    case 'boolean': return typeof value === 'number' ? value !== 0 : value
    case 'decimal': return typeof value === 'number' ? String(value) : value
    case 'date': {
      if (typeof value === 'number') return new Date(value)
      if (typeof value !== 'string') return value
      const date = parseUtc(value.slice(0, 10))
      return date ?? value
    }
    case 'timestamp':
      if (typeof value === 'number') return new Date(value)
      return typeof value === 'string' ? (parseUtc(value) ?? value) : value
    case 'time': return typeof value === 'number' ? timeOfDay(value) : value
    default: return value
  }
}
