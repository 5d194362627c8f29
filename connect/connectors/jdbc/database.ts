/**
 * The database access contract of the JDBC-style connectors: one small interface over SQLite
 * (`better-sqlite3`), PostgreSQL (`pg`) and MySQL/MariaDB (`mysql2`), chosen by the scheme of
 * `connection.url` as Kafka Connect users write it:
 *
 *   jdbc:sqlite:/path/to/file.db            sqlite:/path/to/file.db
 *   jdbc:postgresql://host:5432/db          postgres://user:pass@host:5432/db
 *   jdbc:mysql://host:3306/db  jdbc:mariadb://host:3306/db   mysql://user:pass@host/db
 *
 * `connection.user` and `connection.password` override what the URL carries.
 *
 * Contracts:
 * - SQL is written with `?` placeholders for every dialect; a driver that wants `$1…` rewrites
 *   them (outside quoted strings and identifiers).
 * - Values cross the boundary in JavaScript form: numbers, bigints (64-bit integers beyond 2^53
 *   and, from drivers that return them, every BIGINT), strings, booleans, `Date`s (timestamps,
 *   always UTC instants), `Buffer`s (bytes), null; DECIMAL/NUMERIC values are strings so that no
 *   digit is lost. Read back by column type: `date` → a Date at midnight UTC, `time` → the text
 *   `HH:MM:SS[.ffffff]`, `json` → the JSON text, `boolean` → boolean (also MySQL's TINYINT(1)
 *   and SQLite's 0/1), `other` → the database's text. Parameters may also be booleans and Dates
 *   on every database (SQLite stores a Date as the UTC text `YYYY-MM-DD HH:MM:SS.SSS`), and
 *   arrays of such values on PostgreSQL (sent as array literals, e.g. for `unnest(?::int8[])`).
 * - Column metadata names a portable `ColumnType` next to the database's own type name, so the
 *   source maps columns to Connect schemas the same way on every database.
 * - Every failure is a ConnectError: CONNECT_RETRIABLE for connection loss, deadlocks and
 *   serialization failures (the worker retries), CONNECT_DATA for constraint and type errors,
 *   CONNECT_INVALID_CONFIG for a bad URL or unknown table; the message names the database kind,
 *   the statement's first words and the driver's own message. The error is a `DatabaseError`
 *   (database-error.ts) that also carries the driver's code (SQLSTATE, MySQL errno name, SQLITE_…).
 * - `openDatabase` (open-database.ts) resolves once a first connection works.
 */

export type DatabaseKind = 'sqlite' | 'postgresql' | 'mysql'

/** Portable column types (what the source maps to Connect schemas and the sink creates). */
export type ColumnType =
  | 'boolean'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'float32' | 'float64'
  /** DECIMAL/NUMERIC with `precision` and `scale` when the database declares them. */
  | 'decimal'
  | 'string'
  | 'bytes'
  | 'date'
  | 'time'
  /** A timestamp (with or without a time zone: values are UTC instants). */
  | 'timestamp'
  | 'json'
  /** Anything else; the source reads it as a string. */
  | 'other'

export interface ColumnInfo {
  readonly name: string
  readonly type: ColumnType
  /** The database's own type name, as declared (e.g. `varchar(255)`, `timestamptz`, `INTEGER`). */
  readonly databaseType: string
  /**
   * PostgreSQL `describeTable` only: the name of the column's type without modifiers
   * (`pg_type.typname`, of the base type for a domain), e.g. `int8`, `varchar`, `timestamptz`.
   */
  readonly typeName?: string
  readonly nullable: boolean
  readonly precision?: number
  readonly scale?: number
  /** Filled in by `describeTable`: part of the primary key, and its position there (0-based). */
  readonly primaryKeyIndex?: number
  /** An auto-increment / serial / identity column. */
  readonly autoIncrement?: boolean
}

export interface QueryResult {
  /** The result's columns in order; types as the driver reports them (best effort for SQLite). */
  readonly columns: readonly ColumnInfo[]
  /** One array of values per row, in `columns` order. */
  readonly rows: readonly (readonly unknown[])[]
}

export interface TableId {
  /** Schema (PostgreSQL) or database (MySQL); undefined for SQLite and the default schema. */
  readonly schema?: string
  readonly name: string
}

export interface Database {
  readonly kind: DatabaseKind
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>
  /** Runs a statement that returns no rows; the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>
  /** Tables (and, when asked, views) the connected user can read, in name order. */
  listTables(options?: { readonly types?: readonly ('TABLE' | 'VIEW')[]; readonly schema?: string }): Promise<TableId[]>
  /** Columns in table order with primary key positions; null when the table does not exist. */
  describeTable(table: TableId): Promise<ColumnInfo[] | null>
  /** The database's current time (the source's upper bound in timestamp modes). */
  currentTime(): Promise<Date>
  /** Quotes an identifier for this dialect (`"a"` or `` `a` ``), doubling quote characters inside. */
  quoteIdentifier(name: string): string
  /** A table reference for SQL: the quoted schema (if any) and name. */
  tableReference(table: TableId): string
  close(): Promise<void>
}

export interface DatabaseConnectOptions {
  readonly user?: string
  readonly password?: string
  /** Pool size for PostgreSQL and MySQL (default 2); SQLite uses one handle. */
  readonly maxConnections?: number
}
