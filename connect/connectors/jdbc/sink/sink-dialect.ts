/**
 * What the JDBC sink writes differently per database (Confluent's `DatabaseDialect`s for the
 * sink): column types for Connect schemas, DEFAULT literals, and the text of CREATE TABLE,
 * ALTER TABLE ADD, multi-row INSERT, upsert, UPDATE and DELETE statements, with `?` placeholders.
 *
 * | Connect      | PostgreSQL       | MySQL/MariaDB                         | SQLite    |
 * |--------------|------------------|---------------------------------------|-----------|
 * | INT8         | SMALLINT         | TINYINT                               | TINYINT   |
 * | INT16        | SMALLINT         | SMALLINT                              | SMALLINT  |
 * | INT32        | INT              | INT                                   | INT       |
 * | INT64        | BIGINT           | BIGINT                                | BIGINT    |
 * | FLOAT32      | REAL             | FLOAT                                 | REAL      |
 * | FLOAT64      | DOUBLE PRECISION | DOUBLE                                | DOUBLE    |
 * | BOOLEAN      | BOOLEAN          | BOOLEAN (TINYINT(1))                  | BOOLEAN   |
 * | STRING       | TEXT             | TEXT; VARCHAR(256) in a key           | TEXT      |
 * | BYTES        | BYTEA            | BLOB; VARBINARY(767) in a key         | BLOB      |
 * | Decimal(s)   | DECIMAL          | DECIMAL(65,s)                         | NUMERIC   |
 * | Date         | DATE             | DATE                                  | DATE      |
 * | Time         | TIME             | TIME(3)                               | TIME      |
 * | Timestamp    | TIMESTAMP        | DATETIME(3)                           | TIMESTAMP |
 *
 * Upserts: PostgreSQL and SQLite `INSERT … ON CONFLICT (pk) DO UPDATE SET c = EXCLUDED.c`
 * (`DO NOTHING` when every column is in the key), MySQL `INSERT … ON DUPLICATE KEY UPDATE
 * c = VALUES(c)`. Parameters per statement stay under the database's limit (PostgreSQL and MySQL
 * 65535, SQLite 32766); MySQL statements also stay under 8 MiB of estimated text (its default
 * `max_allowed_packet` is 16 MiB or more).
 *
 * PostgreSQL inserts and upserts take one array parameter per column instead of one parameter
 * per value: `INSERT INTO t (a,b) SELECT * FROM unnest(?::"int8"[],?::"text"[]) [ON CONFLICT …]`.
 * The statement text is the same for any number of rows (prepared once per connection), the
 * server parses a few array literals instead of binding thousands of parameters, and a chunk is
 * not cut at 65535 values. Each array is cast to the column's own type without modifiers (its
 * base type for a domain), so that element text is read by the same input function as a
 * parameter bound to that column, and the column's modifiers and constraints apply on
 * assignment as they do for VALUES (an explicit cast to `varchar(n)` would truncate instead of
 * failing). Columns of other types (arrays, enums, extension types) use multi-row VALUES.
 */
import { LOGICAL, type Schema } from '../../../api/schema.ts'
import { Decimal } from '../../../api/logical-types.ts'
import type { ColumnInfo, DatabaseKind } from '../database.ts'

export interface SinkDialect {
  readonly kind: DatabaseKind
  readonly maxParameters: number
  /** Estimated statement text limit (bytes); Infinity when the database has none worth heeding. */
  readonly maxStatementBytes: number
  quote(name: string): string
  columnType(schema: Schema, isKey: boolean): string
  /** `DEFAULT …` clause for a field's default value ('' when none or not expressible). */
  defaultClause(schema: Schema): string
  createTable(table: string, columns: readonly ColumnSpec[], keys: readonly string[]): string
  addColumn(table: string, column: ColumnSpec): string
  insert(table: string, columns: readonly string[], rows: number): string
  upsert(table: string, columns: readonly string[], keys: readonly string[], rows: number): string
  update(table: string, keys: readonly string[], nonKeys: readonly string[]): string
  delete(table: string, keys: readonly string[], rows: number): string
  /** The array element type of `column` for `arrayInsert`; null: not supported (use `insert`/`upsert`). */
  arrayElementType(column: ColumnInfo): string | null
  /**
   * The INSERT (upsert when `keys` is given) of one row per array element, one array parameter
   * per column (`types` from `arrayElementType`); null when the database has no such statement.
   */
  arrayInsert(table: string, columns: readonly string[], types: readonly string[], keys: readonly string[] | null): string | null
}

export interface ColumnSpec {
  readonly name: string
  readonly schema: Schema
  readonly isKey: boolean
}

const rowsOf = (width: number, rows: number): string => {
  const row = `(${Array.from({ length: width }, () => '?').join(',')})`
  return Array.from({ length: rows }, () => row).join(',')
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** The SQL literal of a default value, or null when it cannot be written as one. */
function literal(kind: DatabaseKind, schema: Schema, value: unknown): string | null {
  if (value === null || value === undefined) return null
  switch (schema.name) {
    case LOGICAL.DECIMAL: return typeof value === 'string' ? value : null
    case LOGICAL.DATE: {
      if (!(value instanceof Date)) return null
      return quoteLiteral(value.toISOString().slice(0, 10))
    }
    case LOGICAL.TIME: {
      if (!(value instanceof Date)) return null
      return quoteLiteral(value.toISOString().slice(11, 23))
    }
    case LOGICAL.TIMESTAMP: {
      if (!(value instanceof Date)) return null
      const d = value
      return quoteLiteral(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`)
    }
  }
  switch (schema.type) {
    case 'BOOLEAN': return kind === 'postgresql' ? (value ? 'TRUE' : 'FALSE') : value ? '1' : '0'
    case 'INT8': case 'INT16': case 'INT32': case 'INT64': case 'FLOAT32': case 'FLOAT64':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'bigint' ? value.toString() : null
    case 'STRING': return typeof value === 'string' ? quoteLiteral(value) : null
    default: return null
  }
}

abstract class BaseDialect implements SinkDialect {
  abstract readonly kind: DatabaseKind
  abstract readonly maxParameters: number
  readonly maxStatementBytes: number = Number.POSITIVE_INFINITY
  readonly #quote: boolean

  constructor(quoteIdentifiers: boolean) {
    this.#quote = quoteIdentifiers
  }

  protected abstract quoteChar(): string
  abstract columnType(schema: Schema, isKey: boolean): string
  abstract upsert(table: string, columns: readonly string[], keys: readonly string[], rows: number): string

  quote(name: string): string {
    if (!this.#quote) return name
    const q = this.quoteChar()
    return name.split('.').map((part) => `${q}${part.replaceAll(q, q + q)}${q}`).join('.')
  }

  /** A column name (never split at dots, unlike table names). */
  protected col(name: string): string {
    if (!this.#quote) return name
    const q = this.quoteChar()
    return `${q}${name.replaceAll(q, q + q)}${q}`
  }

  defaultClause(schema: Schema): string {
    const text = literal(this.kind, schema, schema.defaultValue)
    return text === null ? '' : ` DEFAULT ${text}`
  }

  #columnDefinition(column: ColumnSpec): string {
    const nullable = column.schema.optional && !column.isKey
    return `${this.col(column.name)} ${this.columnType(column.schema, column.isKey)}${this.defaultClause(column.schema)}${nullable ? ' NULL' : ' NOT NULL'}`
  }

  createTable(table: string, columns: readonly ColumnSpec[], keys: readonly string[]): string {
    const parts = columns.map((c) => this.#columnDefinition(c))
    if (keys.length > 0) parts.push(`PRIMARY KEY(${keys.map((k) => this.col(k)).join(', ')})`)
    return `CREATE TABLE IF NOT EXISTS ${this.quote(table)} (\n${parts.join(',\n')})`
  }

  addColumn(table: string, column: ColumnSpec): string {
    // Added columns must accept the rows already there: nullable unless the field has a default.
    const hasDefault = this.defaultClause(column.schema) !== ''
    const definition = `${this.col(column.name)} ${this.columnType(column.schema, false)}${this.defaultClause(column.schema)}${hasDefault && !column.schema.optional ? ' NOT NULL' : ' NULL'}`
    return `ALTER TABLE ${this.quote(table)} ADD ${definition}`
  }

  insert(table: string, columns: readonly string[], rows: number): string {
    return `INSERT INTO ${this.quote(table)} (${columns.map((c) => this.col(c)).join(',')}) VALUES ${rowsOf(columns.length, rows)}`
  }

  update(table: string, keys: readonly string[], nonKeys: readonly string[]): string {
    return `UPDATE ${this.quote(table)} SET ${nonKeys.map((c) => `${this.col(c)} = ?`).join(', ')} WHERE ${keys.map((k) => `${this.col(k)} = ?`).join(' AND ')}`
  }

  delete(table: string, keys: readonly string[], rows: number): string {
    if (keys.length === 1) {
      return `DELETE FROM ${this.quote(table)} WHERE ${this.col(keys[0])} IN (${Array.from({ length: rows }, () => '?').join(',')})`
    }
    return `DELETE FROM ${this.quote(table)} WHERE (${keys.map((k) => this.col(k)).join(',')}) IN (${rowsOf(keys.length, rows)})`
  }

  arrayElementType(_column: ColumnInfo): string | null {
    return null
  }

  arrayInsert(_table: string, _columns: readonly string[], _types: readonly string[], _keys: readonly string[] | null): string | null {
    return null
  }

  /** `ON CONFLICT` upsert of PostgreSQL and SQLite. */
  protected onConflict(table: string, columns: readonly string[], keys: readonly string[], rows: number): string {
    return `${this.insert(table, columns, rows)}${this.onConflictClause(columns, keys)}`
  }

  protected onConflictClause(columns: readonly string[], keys: readonly string[]): string {
    const keySet = new Set(keys)
    const updates = columns.filter((c) => !keySet.has(c)).map((c) => `${this.col(c)}=EXCLUDED.${this.col(c)}`)
    const action = updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(',')}`
    return ` ON CONFLICT (${keys.map((k) => this.col(k)).join(',')}) ${action}`
  }
}

/**
 * Built-in PostgreSQL types (pg_type.typname) whose arrays `unnest` into values of the type
 * itself, read by the same input function as a scalar parameter.
 */
const POSTGRES_ARRAY_TYPES: ReadonlySet<string> = new Set([
  'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'bytea',
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'json', 'jsonb', 'uuid',
])

class PostgresDialect extends BaseDialect {
  readonly kind = 'postgresql' as const
  readonly maxParameters = 65_535

  protected quoteChar(): string { return '"' }

  columnType(schema: Schema): string {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return 'DECIMAL'
      case LOGICAL.DATE: return 'DATE'
      case LOGICAL.TIME: return 'TIME'
      case LOGICAL.TIMESTAMP: return 'TIMESTAMP'
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': return 'SMALLINT'
      case 'INT32': return 'INT'
      case 'INT64': return 'BIGINT'
      case 'FLOAT32': return 'REAL'
      case 'FLOAT64': return 'DOUBLE PRECISION'
      case 'BOOLEAN': return 'BOOLEAN'
      case 'STRING': return 'TEXT'
      case 'BYTES': return 'BYTEA'
      default: return 'TEXT'
    }
  }

  upsert(table: string, columns: readonly string[], keys: readonly string[], rows: number): string {
    return this.onConflict(table, columns, keys, rows)
  }

  override arrayElementType(column: ColumnInfo): string | null {
    const name = column.typeName
    return name !== undefined && POSTGRES_ARRAY_TYPES.has(name) ? `"${name}"` : null
  }

  override arrayInsert(table: string, columns: readonly string[], types: readonly string[], keys: readonly string[] | null): string {
    const arrays = types.map((t) => `?::${t}[]`).join(',')
    const insert = `INSERT INTO ${this.quote(table)} (${columns.map((c) => this.col(c)).join(',')}) SELECT * FROM unnest(${arrays})`
    return keys === null ? insert : `${insert}${this.onConflictClause(columns, keys)}`
  }
}

class SqliteDialect extends BaseDialect {
  readonly kind = 'sqlite' as const
  readonly maxParameters = 32_766

  protected quoteChar(): string { return '"' }

  columnType(schema: Schema): string {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return 'NUMERIC'
      case LOGICAL.DATE: return 'DATE'
      case LOGICAL.TIME: return 'TIME'
      case LOGICAL.TIMESTAMP: return 'TIMESTAMP'
    }
    switch (schema.type) {
      case 'INT8': return 'TINYINT'
      case 'INT16': return 'SMALLINT'
      case 'INT32': return 'INT'
      case 'INT64': return 'BIGINT'
      case 'FLOAT32': return 'REAL'
      case 'FLOAT64': return 'DOUBLE'
      case 'BOOLEAN': return 'BOOLEAN'
      case 'BYTES': return 'BLOB'
      default: return 'TEXT'
    }
  }

  upsert(table: string, columns: readonly string[], keys: readonly string[], rows: number): string {
    return this.onConflict(table, columns, keys, rows)
  }
}

class MysqlDialect extends BaseDialect {
  readonly kind = 'mysql' as const
  readonly maxParameters = 65_535
  override readonly maxStatementBytes = 8 * 1024 * 1024

  protected quoteChar(): string { return '`' }

  columnType(schema: Schema, isKey: boolean): string {
    switch (schema.name) {
      case LOGICAL.DECIMAL: return `DECIMAL(65,${Decimal.scaleOf(schema)})`
      case LOGICAL.DATE: return 'DATE'
      case LOGICAL.TIME: return 'TIME(3)'
      case LOGICAL.TIMESTAMP: return 'DATETIME(3)'
    }
    switch (schema.type) {
      case 'INT8': return 'TINYINT'
      case 'INT16': return 'SMALLINT'
      case 'INT32': return 'INT'
      case 'INT64': return 'BIGINT'
      case 'FLOAT32': return 'FLOAT'
      case 'FLOAT64': return 'DOUBLE'
      case 'BOOLEAN': return 'BOOLEAN'
      case 'BYTES': return isKey ? 'VARBINARY(767)' : 'BLOB'
      default: return isKey ? 'VARCHAR(256)' : 'TEXT'
    }
  }

  override defaultClause(schema: Schema): string {
    // MySQL before 8.0.13 takes no DEFAULT on TEXT and BLOB columns.
    if (schema.type === 'STRING' || schema.type === 'BYTES') return ''
    return super.defaultClause(schema)
  }

  upsert(table: string, columns: readonly string[], keys: readonly string[], rows: number): string {
    const keySet = new Set(keys)
    const nonKeys = columns.filter((c) => !keySet.has(c))
    // Every column in the key: a no-op update keeps the row (INSERT IGNORE would hide other errors).
    const updates = (nonKeys.length === 0 ? [keys[0]] : nonKeys).map((c) => `${this.col(c)}=VALUES(${this.col(c)})`)
    return `${this.insert(table, columns, rows)} ON DUPLICATE KEY UPDATE ${updates.join(',')}`
  }
}

export function sinkDialect(kind: DatabaseKind, quoteIdentifiers: boolean): SinkDialect {
  switch (kind) {
    case 'postgresql': return new PostgresDialect(quoteIdentifiers)
    case 'mysql': return new MysqlDialect(quoteIdentifiers)
    case 'sqlite': return new SqliteDialect(quoteIdentifiers)
  }
}
