/**
 * The MySQL/MariaDB `Database` (database.ts) over a `mysql2/promise` pool.
 *
 * Sessions run in UTC (`SET time_zone = '+00:00'` on every new connection) and the driver reads
 * and writes DATETIME/TIMESTAMP as UTC (`timezone: 'Z'`), so instants survive whatever zone the
 * server is in. Statements go through the text protocol (`query`, parameters escaped by the
 * driver), which suits the sink's large multi-row statements.
 *
 * Values read: integers → number; BIGINT → number when safe, bigint beyond 2^53 (the driver's
 * `supportBigNumbers` gives strings for those, turned into bigints here); TINYINT(1) and BIT(1)
 * → boolean; FLOAT/DOUBLE → number; DECIMAL → string (`decimalNumbers: false`); DATE → Date at
 * midnight UTC; DATETIME/TIMESTAMP → Date; TIME → its text; JSON → its text (`jsonStrings`);
 * binary strings and BLOBs → Buffer; other text → string. Parameters: plain objects are sent as
 * JSON text; arrays expand to lists (`IN (?)`), as in mysql2.
 */
import mysql from 'mysql2/promise'
import type { ColumnInfo, ColumnType, Database, QueryResult, TableId } from './database.ts'
import type { ServerSettings } from './connection-url.ts'
import { NETWORK_ERROR_CODES, databaseError, type DatabaseErrorCode } from './database-error.ts'

const UNSIGNED_FLAG = 32
const BINARY_CHARSET = 63

/** MySQL protocol column type codes (mysql2's `Types`) → type name. */
const TYPE_NAMES: Record<number, string> = {
  0: 'decimal', 1: 'tinyint', 2: 'smallint', 3: 'int', 4: 'float', 5: 'double', 6: 'null', 7: 'timestamp', 8: 'bigint',
  9: 'mediumint', 10: 'date', 11: 'time', 12: 'datetime', 13: 'year', 14: 'date', 15: 'varchar', 16: 'bit', 245: 'json',
  246: 'decimal', 247: 'enum', 248: 'set', 249: 'tinyblob', 250: 'mediumblob', 251: 'longblob', 252: 'blob',
  253: 'varchar', 254: 'char', 255: 'geometry',
}

interface FieldLike {
  readonly name: string
  readonly columnType?: number
  readonly type?: number
  readonly columnLength?: number
  readonly flags?: number
  readonly decimals?: number
  readonly characterSet?: number
}

function fieldColumn(field: FieldLike): ColumnInfo {
  const code = field.columnType ?? field.type ?? -1
  const unsigned = ((field.flags ?? 0) & UNSIGNED_FLAG) !== 0
  const length = field.columnLength ?? 0
  const binary = field.characterSet === BINARY_CHARSET
  let type: ColumnType = 'other'
  let databaseType = TYPE_NAMES[code] ?? `type ${code}`
  let decimal = {}
  switch (code) {
    case 1: type = length === 1 ? 'boolean' : unsigned ? 'int16' : 'int8'; break
    case 2: type = unsigned ? 'int32' : 'int16'; break
    case 9: type = 'int32'; break
    case 3: type = unsigned ? 'int64' : 'int32'; break
    case 8: type = 'int64'; break
    case 13: type = 'int16'; break
    case 4: type = 'float32'; break
    case 5: type = 'float64'; break
    case 0: case 246: {
      type = 'decimal'
      const scale = field.decimals ?? 0
      decimal = { precision: length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1), scale }
      break
    }
    case 10: case 14: type = 'date'; break
    case 11: type = 'time'; break
    case 7: case 12: type = 'timestamp'; break
    case 16: type = length === 1 ? 'boolean' : 'bytes'; break
    case 245: type = 'json'; break
    case 15: case 247: case 248: case 253: case 254: case 249: case 250: case 251: case 252:
      type = binary ? 'bytes' : 'string'
      if (binary && (code === 253 || code === 254)) databaseType = code === 253 ? 'varbinary' : 'binary'
      else if (!binary && code >= 249 && code <= 252) databaseType = databaseType.replace('blob', 'text')
      break
  }
  if (unsigned && type !== 'boolean') databaseType += ' unsigned'
  return { name: field.name, type, databaseType, nullable: true, ...decimal }
}

/** Post-processing the driver's values need to follow the contract (null: none). */
function converterOf(column: ColumnInfo): ((value: unknown) => unknown) | null {
  switch (column.type) {
    case 'int64': return (v) => (typeof v === 'string' ? BigInt(v) : v)
    case 'boolean': return (v) => (Buffer.isBuffer(v) ? v.some((b) => b !== 0) : typeof v === 'number' ? v !== 0 : v)
    default: return null
  }
}

/** Column type of `information_schema.COLUMNS` (DATA_TYPE, COLUMN_TYPE). */
function declaredType(dataType: string, columnType: string): ColumnType {
  const unsigned = /unsigned/i.test(columnType)
  switch (dataType.toLowerCase()) {
    case 'tinyint': return /^tinyint\(1\)/i.test(columnType) ? 'boolean' : unsigned ? 'int16' : 'int8'
    case 'smallint': return unsigned ? 'int32' : 'int16'
    case 'mediumint': return 'int32'
    case 'int': case 'integer': return unsigned ? 'int64' : 'int32'
    case 'bigint': return 'int64'
    case 'year': return 'int16'
    case 'float': return 'float32'
    case 'double': case 'real': return 'float64'
    case 'decimal': case 'numeric': return 'decimal'
    case 'bit': return /^bit\(1\)$/i.test(columnType) ? 'boolean' : 'bytes'
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext': case 'enum': case 'set': return 'string'
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob': return 'bytes'
    case 'date': return 'date'
    case 'time': return 'time'
    case 'datetime': case 'timestamp': return 'timestamp'
    case 'json': return 'json'
    default: return 'other'
  }
}

/** MySQL errno codes (mysql2's `code` names) grouped by meaning. */
const RETRIABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_INTERRUPTED',
  'ER_TOO_MANY_USER_CONNECTIONS', 'ER_CLIENT_INTERACTION_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_LOCK_TABLE_FULL'])
const INVALID_CONFIG = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR',
  'ER_PARSE_ERROR', 'ER_TABLEACCESS_DENIED_ERROR', 'ER_NO_DB_ERROR', 'ER_BAD_TABLE_ERROR', 'ER_WRONG_VALUE_COUNT_ON_ROW', 'ER_NOT_SUPPORTED_AUTH_MODE'])

/** Retriable errnos the driver may not name (MariaDB's own): deadlock, lock wait, shutdown, killed, gone away, lost. */
const RETRIABLE_ERRNOS = new Set([1205, 1213, 1053, 1927, 2006, 2013])

function classify(error: unknown): { code: DatabaseErrorCode; driverCode: string | undefined } {
  const e = error as { code?: unknown; errno?: unknown; sqlState?: unknown; fatal?: unknown }
  const errno = typeof e.errno === 'number' ? e.errno : undefined
  const driverCode = typeof e.code === 'string' ? e.code : errno === undefined ? undefined : `errno ${errno}`
  const sqlState = typeof e.sqlState === 'string' ? e.sqlState : ''
  if (driverCode !== undefined && (NETWORK_ERROR_CODES.has(driverCode) || RETRIABLE.has(driverCode))) return { code: 'CONNECT_RETRIABLE', driverCode }
  if (errno !== undefined && RETRIABLE_ERRNOS.has(errno)) return { code: 'CONNECT_RETRIABLE', driverCode }
  if (driverCode !== undefined && INVALID_CONFIG.has(driverCode)) return { code: 'CONNECT_INVALID_CONFIG', driverCode }
  if (sqlState === '40001' || sqlState === '70100' || sqlState.startsWith('08')) return { code: 'CONNECT_RETRIABLE', driverCode }
  if (sqlState.startsWith('42') || sqlState.startsWith('28') || sqlState === '3D000') return { code: 'CONNECT_INVALID_CONFIG', driverCode }
  if (e.fatal === true) return { code: 'CONNECT_RETRIABLE', driverCode }
  return { code: 'CONNECT_DATA', driverCode }
}

function mysqlError(error: unknown, sql?: string): Error {
  const { code, driverCode } = classify(error)
  return databaseError('mysql', code, error, driverCode, sql)
}

function prepareParams(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    if (v === undefined) out[i] = null
    else if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v) && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      out[i] = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
    } else out[i] = v
  }
  return out
}

type Queryable = mysql.Pool | mysql.PoolConnection

interface Shared {
  readonly pool: mysql.Pool
  savepoints: number
}

export async function openMysqlDatabase(settings: ServerSettings, maxConnections: number): Promise<Database> {
  const pool = mysql.createPool({
    host: settings.host, port: settings.port, database: settings.database || undefined,
    user: settings.user, password: settings.password,
    connectionLimit: maxConnections, maxIdle: maxConnections, idleTimeout: 10_000, connectTimeout: 10_000,
    supportBigNumbers: true, bigNumberStrings: false, decimalNumbers: false, dateStrings: false,
    timezone: 'Z', jsonStrings: true, multipleStatements: false, charset: 'utf8mb4',
    ...(settings.params.ssl === 'true' || settings.params.useSSL === 'true' ? { ssl: { rejectUnauthorized: false } } : {}),
  })
  // Every new connection is switched to UTC before it runs anything else (commands are queued in order).
  pool.on('connection', (connection) => {
    const raw = connection as unknown as { query(sql: string, cb: (error: unknown) => void): void }
    raw.query("SET time_zone = '+00:00'", () => undefined)
  })
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => undefined)
    throw mysqlError(error)
  }
  return new MysqlDatabase({ pool, savepoints: 0 }, null)
}

class MysqlDatabase implements Database {
  readonly kind = 'mysql' as const
  readonly #shared: Shared
  readonly #connection: mysql.PoolConnection | null

  constructor(shared: Shared, connection: mysql.PoolConnection | null) {
    this.#shared = shared
    this.#connection = connection
  }

  async #run(sql: string, params: readonly unknown[], rows: boolean): Promise<[unknown, FieldLike[] | undefined]> {
    const target: Queryable = this.#connection ?? this.#shared.pool
    try {
      const [result, fields] = await target.query({ sql, rowsAsArray: rows }, prepareParams(params))
      return [result, fields as FieldLike[] | undefined]
    } catch (error) {
      throw mysqlError(error, sql)
    }
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const [result, fields] = await this.#run(sql, params, true)
    if (!Array.isArray(result) || fields === undefined) return { columns: [], rows: [] }
    const columns = fields.map(fieldColumn)
    const converters = columns.map(converterOf)
    const rows = result as unknown[][]
    if (converters.some((c) => c !== null)) {
      for (const row of rows) {
        for (let i = 0; i < converters.length; i++) {
          const convert = converters[i]
          if (convert !== null && row[i] !== null) row[i] = convert(row[i])
        }
      }
    }
    return { columns, rows }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const [result] = await this.#run(sql, params, false)
    return (result as { affectedRows?: number }).affectedRows ?? 0
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (this.#connection !== null) {
      const name = `creek_sp_${++this.#shared.savepoints}`
      await this.execute(`SAVEPOINT ${name}`)
      try {
        const result = await fn(this)
        await this.execute(`RELEASE SAVEPOINT ${name}`)
        return result
      } catch (error) {
        await this.execute(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined)
        throw error
      }
    }
    let connection: mysql.PoolConnection
    try {
      connection = await this.#shared.pool.getConnection()
    } catch (error) {
      throw mysqlError(error, 'BEGIN')
    }
    const tx = new MysqlDatabase(this.#shared, connection)
    let broken = false
    try {
      await tx.execute('START TRANSACTION')
      const result = await fn(tx)
      await tx.execute('COMMIT')
      return result
    } catch (error) {
      try {
        await connection.query('ROLLBACK')
      } catch {
        broken = true
      }
      throw error
    } finally {
      if (broken) connection.destroy()
      else connection.release()
    }
  }

  async listTables(options: { readonly types?: readonly ('TABLE' | 'VIEW')[]; readonly schema?: string } = {}): Promise<TableId[]> {
    const types = (options.types ?? ['TABLE']).map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'))
    if (types.length === 0) return []
    const result = await this.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN (?) AND TABLE_SCHEMA = COALESCE(?, DATABASE())
       ORDER BY TABLE_NAME`,
      [types, options.schema ?? null],
    )
    return result.rows.map((row) => ({ schema: String(row[0]), name: String(row[1]) }))
  }

  async describeTable(table: TableId): Promise<ColumnInfo[] | null> {
    const schema = table.schema ?? null
    const columns = await this.query(
      `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [schema, table.name],
    )
    if (columns.rows.length === 0) return null
    const keys = await this.query(
      `SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
      [schema, table.name],
    )
    const pk = keys.rows.map((r) => String(r[0]))
    return columns.rows.map((row) => {
      const name = String(row[0])
      const type = declaredType(String(row[1]), String(row[2]))
      const index = pk.indexOf(name)
      return {
        name, type, databaseType: String(row[2]), nullable: row[3] === 'YES',
        ...(type === 'decimal' && row[4] !== null ? { precision: Number(row[4]), scale: Number(row[5] ?? 0) } : {}),
        ...(index >= 0 ? { primaryKeyIndex: index } : {}),
        ...(/auto_increment/i.test(String(row[6] ?? '')) ? { autoIncrement: true } : {}),
      }
    })
  }

  async currentTime(): Promise<Date> {
    const result = await this.query('SELECT CURRENT_TIMESTAMP(3)')
    return result.rows[0][0] as Date
  }

  quoteIdentifier(name: string): string {
    return `\`${name.replaceAll('`', '``')}\``
  }

  tableReference(table: TableId): string {
    return table.schema === undefined ? this.quoteIdentifier(table.name) : `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}`
  }

  async close(): Promise<void> {
    if (this.#connection !== null) return
    await this.#shared.pool.end().catch(() => undefined)
  }
}
