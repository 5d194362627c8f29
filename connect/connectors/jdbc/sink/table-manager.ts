/**
 * The destination tables of the JDBC sink (Confluent's `DbStructure`): resolves a topic to a
 * table (`table.name.format`), and makes sure the table has a column for every field a group of
 * records writes, creating it (`auto.create`) or adding the missing columns (`auto.evolve`).
 *
 * Contracts:
 * - Table descriptions are cached per table and refreshed only when a record needs a column the
 *   cached description lacks (another task may have added it) or after DDL ran.
 * - `auto.evolve` only adds columns, never drops or retypes one; a missing field that is neither
 *   optional nor defaulted cannot be added (rows already there would have no value): CONNECT_DATA.
 * - Without `auto.create` a missing table, and without `auto.evolve` a missing column, fail the
 *   task (CONNECT_INVALID_CONFIG / CONNECT_DATA) with the table and the fields named.
 * - Field names match columns exactly, else ignoring case (PostgreSQL folds unquoted names to
 *   lower case, MySQL compares names without case).
 * - DDL runs outside the write transaction (MySQL commits DDL implicitly anyway). Two tasks
 *   creating the same table are fine (`CREATE TABLE IF NOT EXISTS`, then described again).
 */
import type { ColumnInfo, Database, TableId } from '../database.ts'
import { ConnectError } from '../../../errors.ts'
import type { FieldsMetadata, SinkColumn } from './fields-metadata.ts'
import type { SinkDialect } from './sink-dialect.ts'

export interface TableRef {
  /** As `table.name.format` made it (`schema.table` or `table`), for SQL and messages. */
  readonly text: string
  readonly id: TableId
}

export function tableRefOf(format: string, topic: string): TableRef {
  const text = format.replaceAll('${topic}', topic)
  const parts = text.split('.')
  const id = parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { name: text }
  return { text: parts.length > 2 ? parts.slice(-2).join('.') : text, id }
}

export interface TableManagerOptions {
  readonly autoCreate: boolean
  readonly autoEvolve: boolean
  readonly quoteIdentifiers: boolean
}

export class TableManager {
  readonly #db: Database
  readonly #dialect: SinkDialect
  readonly #options: TableManagerOptions
  /** Columns by exact name, per table text. */
  readonly #tables = new Map<string, Map<string, ColumnInfo>>()

  constructor(db: Database, dialect: SinkDialect, options: TableManagerOptions) {
    this.#db = db
    this.#dialect = dialect
    this.#options = options
  }

  /**
   * The table's columns for `meta.columns` (same order), after creating or evolving the table as
   * allowed. `deleteOnly`: a group of deletes; a missing table means nothing to delete (null).
   */
  async columnsFor(table: TableRef, meta: FieldsMetadata, deleteOnly = false): Promise<ColumnInfo[] | null> {
    let columns = this.#tables.get(table.text) ?? await this.#describe(table)
    if (columns === null) {
      if (deleteOnly) return null
      if (!this.#options.autoCreate) {
        throw new ConnectError('CONNECT_INVALID_CONFIG', `Table ${table.text} is missing and auto-creation is disabled (set auto.create=true, or create the table)`)
      }
      await this.#ddl(this.#dialect.createTable(table.text, meta.columns, meta.keyColumns.map((c) => c.name)), table)
      columns = await this.#describe(table)
      if (columns === null) throw new ConnectError('CONNECT_DATA', `Table ${table.text} was created but cannot be described`)
    }
    let missing = meta.columns.filter((c) => resolve(columns!, c.name) === undefined)
    if (missing.length > 0) {
      // Another task (or a person) may have changed the table since it was described.
      columns = await this.#describe(table) ?? columns
      missing = meta.columns.filter((c) => resolve(columns!, c.name) === undefined)
    }
    if (missing.length > 0) {
      columns = await this.#evolve(table, missing)
    }
    return meta.columns.map((c) => resolve(columns!, c.name)!)
  }

  async #evolve(table: TableRef, missing: readonly SinkColumn[]): Promise<Map<string, ColumnInfo>> {
    const names = missing.map((c) => c.name).join(', ')
    if (!this.#options.autoEvolve) {
      throw new ConnectError('CONNECT_DATA', `Table ${table.text} is missing fields (${names}) and auto-evolution is disabled (set auto.evolve=true, or add the columns)`)
    }
    for (const column of missing) {
      if (column.isKey) {
        throw new ConnectError('CONNECT_DATA', `Table ${table.text} has no column for primary key field "${column.name}"; auto.evolve does not change primary keys`)
      }
      if (!column.schema.optional && column.schema.defaultValue === undefined) {
        throw new ConnectError('CONNECT_DATA', `Cannot ALTER TABLE ${table.text} to add missing field "${column.name}": the field is not optional and has no default value`)
      }
    }
    for (const column of missing) {
      await this.#ddl(this.#dialect.addColumn(table.text, column), table).catch(async (error: unknown) => {
        // Another task may have added it first.
        const now = await this.#describe(table)
        if (now === null || resolve(now, column.name) === undefined) throw error
      })
    }
    const columns = await this.#describe(table)
    const still = missing.filter((c) => columns === null || resolve(columns, c.name) === undefined)
    if (columns === null || still.length > 0) {
      throw new ConnectError('CONNECT_DATA', `Table ${table.text} still lacks columns (${still.map((c) => c.name).join(', ')}) after ALTER TABLE`)
    }
    return columns
  }

  async #ddl(sql: string, table: TableRef): Promise<void> {
    this.#tables.delete(table.text)
    await this.#db.execute(sql)
  }

  async #describe(table: TableRef): Promise<Map<string, ColumnInfo> | null> {
    let described = await this.#db.describeTable(table.id)
    if (described === null && !this.#options.quoteIdentifiers && this.#db.kind === 'postgresql') {
      // Unquoted names were folded to lower case by PostgreSQL.
      described = await this.#db.describeTable({ ...(table.id.schema === undefined ? {} : { schema: table.id.schema.toLowerCase() }), name: table.id.name.toLowerCase() })
    }
    if (described === null) {
      this.#tables.delete(table.text)
      return null
    }
    const columns = new Map(described.map((c) => [c.name, c]))
    this.#tables.set(table.text, columns)
    return columns
  }
}

function resolve(columns: ReadonlyMap<string, ColumnInfo>, name: string): ColumnInfo | undefined {
  const exact = columns.get(name)
  if (exact !== undefined) return exact
  const lower = name.toLowerCase()
  const matches = [...columns.values()].filter((c) => c.name.toLowerCase() === lower)
  return matches.length === 1 ? matches[0] : undefined
}
