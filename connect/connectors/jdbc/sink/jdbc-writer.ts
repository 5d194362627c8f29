/**
 * Writes groups of sink records (Confluent's `BufferedRecords`): each group holds consecutive
 * records for one table, with one FieldsMetadata, all writes or all deletes. A group becomes as
 * few statements as the parameter limit allows:
 * - insert: multi-row `INSERT … VALUES (…),(…)`;
 * - upsert: the dialect's multi-row upsert; records with the same key in one statement keep only
 *   the last (PostgreSQL refuses to touch a row twice in one statement, and the last one wins anyway);
 * - update: one `UPDATE … WHERE pk = ?` per record (a missing row updates nothing, as Confluent);
 * - delete: `DELETE … WHERE pk IN (…)` / `WHERE (k1, k2) IN ((…),(…))`.
 *
 * Full chunks of a group reuse one SQL text (cached here), which the PostgreSQL layer runs as a
 * named prepared statement; only the last, shorter chunk has its own text.
 *
 * On PostgreSQL, inserts and upserts into columns of built-in types take one array parameter
 * per column (sink-dialect.ts): one statement text for any number of rows, so every chunk runs
 * prepared, and chunks are cut at ARRAY_CHUNK_ROWS rows rather than at 65535 values.
 */
import type { SinkRecord } from '../../../api/records.ts'
import type { ColumnInfo, Database } from '../database.ts'
import type { FieldsMetadata } from './fields-metadata.ts'
import type { InsertMode } from './jdbc-sink-config.ts'
import { binderFor } from './record-binder.ts'
import type { SinkDialect } from './sink-dialect.ts'
import type { TableRef } from './table-manager.ts'

export interface WriteGroup {
  readonly table: TableRef
  readonly kind: 'write' | 'delete'
  readonly meta: FieldsMetadata
  readonly records: SinkRecord[]
}

export interface WriterOptions {
  readonly insertMode: InsertMode
  /** `batch.size`: a chunk of that many rows is a full one too. */
  readonly batchSize: number
  readonly timezone: string
  readonly replaceNullWithDefault: boolean
}

const SQL_CACHE_SIZE = 32
/** Rows per statement with array parameters (bounds the size of one statement's arrays). */
const ARRAY_CHUNK_ROWS = 16_384

export class JdbcWriter {
  readonly #dialect: SinkDialect
  readonly #options: WriterOptions
  readonly #sql = new Map<string, string>()

  constructor(dialect: SinkDialect, options: WriterOptions) {
    this.#dialect = dialect
    this.#options = options
  }

  /** Runs the statements of `group` on `db` (a transaction); `infos`: the table's columns of `group.meta.columns`. */
  async write(db: Database, group: WriteGroup, infos: readonly ColumnInfo[]): Promise<void> {
    const { meta } = group
    const columns = infos.map((c) => c.name)
    const keyCount = meta.keyColumns.length
    const keys = columns.slice(0, keyCount)
    if (group.kind === 'write' && (this.#options.insertMode === 'insert' || this.#options.insertMode === 'upsert')) {
      const upsert = this.#options.insertMode === 'upsert'
      const sql = this.#arraySql(group.table.text, infos, columns, upsert ? keys : null)
      if (sql !== null) {
        await this.#columnar(db, upsert ? dedupeByKey(group.records, meta, this.#options) : group.records, sql, meta)
        return
      }
    }
    if (group.kind === 'delete') {
      await this.#chunked(db, group.records, binderFor(meta, 'key', this.#options).width, (n, full) => this.#text(full, `d|${group.table.text}|${keys.join(',')}|${n}`, () => this.#dialect.delete(group.table.text, keys, n)), 'key', meta)
      return
    }
    switch (this.#options.insertMode) {
      case 'insert':
        await this.#chunked(db, group.records, columns.length, (n, full) => this.#text(full, `i|${group.table.text}|${columns.join(',')}|${n}`, () => this.#dialect.insert(group.table.text, columns, n)), 'all', meta)
        return
      case 'upsert':
        await this.#chunked(db, dedupeByKey(group.records, meta, this.#options), columns.length, (n, full) => this.#text(full, `u|${group.table.text}|${columns.join(',')}|${n}`, () => this.#dialect.upsert(group.table.text, columns, keys, n)), 'all', meta)
        return
      case 'update': {
        const nonKeys = columns.slice(keyCount)
        if (nonKeys.length === 0) return
        const sql = this.#text(true, `p|${group.table.text}|${columns.join(',')}`, () => this.#dialect.update(group.table.text, keys, nonKeys))
        const binder = binderFor(meta, 'update', this.#options)
        for (const record of group.records) await db.execute(sql, binder.row(record))
        return
      }
    }
  }

  async #chunked(db: Database, records: readonly SinkRecord[], width: number, sqlFor: (rows: number, full: boolean) => string, which: 'all' | 'key', meta: FieldsMetadata): Promise<void> {
    if (records.length === 0) return
    const binder = binderFor(meta, which, this.#options)
    const perStatement = Math.max(1, Math.floor(this.#dialect.maxParameters / width))
    const byteLimit = this.#dialect.maxStatementBytes
    let start = 0
    while (start < records.length) {
      let end = Math.min(records.length, start + perStatement)
      let params = new Array<unknown>((end - start) * width)
      for (let i = start; i < end; i++) binder.fill(records[i], params, (i - start) * width)
      if (Number.isFinite(byteLimit)) {
        const fit = rowsWithin(params, width, byteLimit)
        if (fit < end - start) {
          end = start + fit
          params = params.slice(0, fit * width)
        }
      }
      await db.execute(sqlFor(end - start, end - start === perStatement || end - start === this.#options.batchSize), params)
      start = end
    }
  }

  /** The array-parameter INSERT/upsert of these columns, or null when the dialect or a column type has none. */
  #arraySql(table: string, infos: readonly ColumnInfo[], columns: readonly string[], keys: readonly string[] | null): string | null {
    const types: string[] = []
    for (const info of infos) {
      const type = this.#dialect.arrayElementType(info)
      if (type === null) return null
      types.push(type)
    }
    const key = `a|${keys === null ? 'i' : 'u'}|${table}|${columns.join(',')}|${types.join(',')}`
    const cached = this.#sql.get(key)
    if (cached !== undefined) return cached
    const sql = this.#dialect.arrayInsert(table, columns, types, keys)
    if (sql !== null) this.#text(true, key, () => sql)
    return sql
  }

  /** Writes `records` with one array of values per column, ARRAY_CHUNK_ROWS rows per statement. */
  async #columnar(db: Database, records: readonly SinkRecord[], sql: string, meta: FieldsMetadata): Promise<void> {
    const binder = binderFor(meta, 'all', this.#options)
    for (let start = 0; start < records.length; start += ARRAY_CHUNK_ROWS) {
      const end = Math.min(records.length, start + ARRAY_CHUNK_ROWS)
      const arrays: unknown[][] = []
      for (let c = 0; c < binder.width; c++) arrays.push(new Array<unknown>(end - start))
      for (let i = start; i < end; i++) binder.fillColumns(records[i], arrays, i - start)
      await db.execute(sql, arrays)
    }
  }

  /** The SQL of `key`; kept for reuse only when `keep` (full chunks: the shorter last chunk of each put varies). */
  #text(keep: boolean, key: string, build: () => string): string {
    if (!keep) return build()
    let sql = this.#sql.get(key)
    if (sql === undefined) {
      sql = build()
      this.#sql.set(key, sql)
      if (this.#sql.size > SQL_CACHE_SIZE) this.#sql.delete(this.#sql.keys().next().value!)
    }
    return sql
  }
}

/** The records, keeping only the last one of each key (in the order of those last ones). */
function dedupeByKey(records: SinkRecord[], meta: FieldsMetadata, options: WriterOptions): SinkRecord[] {
  if (records.length < 2 || meta.keyColumns.length === 0) return records
  const binder = binderFor(meta, 'key', options)
  const key = new Array<unknown>(binder.width)
  // One key column of a primitive value: the value itself is the map key (the common case, and cheap).
  const keyOf = (record: SinkRecord): unknown => {
    binder.fill(record, key, 0)
    const first = key[0]
    return key.length === 1 && (typeof first === 'number' || typeof first === 'string' || typeof first === 'bigint') ? first : keyText(key)
  }
  const keys = new Array<unknown>(records.length)
  const last = new Map<unknown, number>()
  for (let i = 0; i < records.length; i++) {
    const k = keyOf(records[i])
    keys[i] = k
    last.set(k, i)
  }
  if (last.size === records.length) return records
  return records.filter((_, i) => last.get(keys[i]) === i)
}

function keyText(values: readonly unknown[]): string {
  let text = ''
  for (const v of values) {
    const part = Buffer.isBuffer(v) ? `b${v.toString('hex')}` : v instanceof Date ? `d${v.getTime()}` : `${typeof v}${String(v)}`
    text += `${part.length}:${part}`
  }
  return text
}

/** How many rows of `params` fit in `limit` bytes of statement text (estimated; at least 1). */
function rowsWithin(params: readonly unknown[], width: number, limit: number): number {
  let bytes = 0
  const rows = params.length / width
  for (let r = 0; r < rows; r++) {
    let row = 4
    for (let c = 0; c < width; c++) {
      const v = params[r * width + c]
      row += typeof v === 'string' ? v.length * 3 + 4 : Buffer.isBuffer(v) ? v.length * 2 + 4 : 24
    }
    bytes += row
    if (bytes > limit) return Math.max(1, r)
  }
  return rows
}
