/**
 * The JDBC sink task (Confluent's `JdbcSinkTask` + `JdbcDbWriter`): writes each `put` to the
 * database before it returns, so `flush` has nothing left to do and the worker commits offsets
 * only of records that are in the database (at-least-once; upserts make replays idempotent).
 *
 * Per `put`:
 * 1. Each record is checked: a Struct value with a STRUCT schema, or a tombstone with
 *    `delete.enabled`; a schemaless value, a tombstone without `delete.enabled`, or keys that do
 *    not fit `pk.mode` are CONNECT_DATA errors naming topic, partition and offset, reported
 *    through the errant record reporter (dead-letter queue under `errors.tolerance=all`; with
 *    `none` the task fails), or thrown when the worker gives none.
 * 2. Records are cut into batches of `batch.size`. In a batch, consecutive records for the same
 *    table with the same key and value schemas form a group (see jdbc-writer.ts); a new schema
 *    starts a new group, and the table is created or evolved for it before the batch's
 *    transaction. Each batch is written in one transaction.
 * 3. A retriable database error (connection lost, deadlock…) rolls the batch back and asks the
 *    worker to put the records again after `retry.backoff.ms`, at most `max.retries` times in a
 *    row (the count resets after a successful put); batches already committed by this put are
 *    not written again. Other database errors are not retried (unlike Confluent, which retries
 *    every SQLException): under `errors.tolerance=all` the batch is written again record by
 *    record and the records that fail are reported; otherwise the task fails, naming the
 *    batch's records and the database's message.
 */
import { isRetriable, sleep } from '../../../../core/index.ts'
import type { SinkTask, SinkTaskContext } from '../../../api/connector.ts'
import type { SinkRecord } from '../../../api/records.ts'
import type { Schema } from '../../../api/schema.ts'
import { describeSchema, isStruct, schemaEquals } from '../../../api/values.ts'
import { ConnectError } from '../../../errors.ts'
import type { ColumnInfo, Database } from '../database.ts'
import { openDatabase } from '../open-database.ts'
import { extractFieldsMetadata, type FieldsMetadata } from './fields-metadata.ts'
import { type JdbcSinkConfig, parseJdbcSinkConfig } from './jdbc-sink-config.ts'
import { JdbcWriter, type WriteGroup } from './jdbc-writer.ts'
import { type SinkDialect, sinkDialect } from './sink-dialect.ts'
import { TableManager, type TableRef, tableRefOf } from './table-manager.ts'

export const JDBC_SINK_VERSION = '1.0.0'

interface Op {
  readonly record: SinkRecord
  readonly table: TableRef
  readonly kind: 'write' | 'delete'
  readonly meta: FieldsMetadata
}

interface MetaEntry {
  readonly keySchema: Schema | null
  readonly valueSchema: Schema | null
  readonly meta: FieldsMetadata
}

const METAS_PER_TABLE = 16

export function describeRecord(record: SinkRecord): string {
  return `(topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset},timestamp=${record.timestamp ?? 'none'})`
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (isStruct(value)) return 'Struct'
  if (Buffer.isBuffer(value)) return 'bytes'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Map) return 'map'
  return typeof value === 'object' ? 'schemaless object' : typeof value
}

export class JdbcSinkTask implements SinkTask {
  readonly version = JDBC_SINK_VERSION
  #context: SinkTaskContext | null = null
  #config: JdbcSinkConfig | null = null
  #db: Database | null = null
  #dialect: SinkDialect | null = null
  #tables: TableManager | null = null
  #writer: JdbcWriter | null = null
  #tolerateAll = false
  #remainingRetries = 0
  /** The records of a put that failed retriably, and how many of them are already committed. */
  #resume: { readonly records: readonly SinkRecord[]; done: number } | null = null
  readonly #tableRefs = new Map<string, TableRef>()
  readonly #metas = new Map<string, MetaEntry[]>()

  initialize(context: SinkTaskContext): void {
    this.#context = context
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const config = parseJdbcSinkConfig(props)
    this.#config = config
    this.#tolerateAll = String(props['errors.tolerance'] ?? '').toLowerCase() === 'all'
    this.#remainingRetries = config.maxRetries
    const db = await this.#connect(config)
    this.#db = db
    this.#dialect = sinkDialect(db.kind, config.quoteIdentifiers)
    this.#tables = new TableManager(db, this.#dialect, config)
    this.#writer = new JdbcWriter(this.#dialect, { insertMode: config.insertMode, batchSize: config.batchSize, timezone: config.dbTimezone, replaceNullWithDefault: config.replaceNullWithDefault })
  }

  async #connect(config: JdbcSinkConfig): Promise<Database> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await openDatabase(config.connectionUrl, {
          ...(config.connectionUser === undefined ? {} : { user: config.connectionUser }),
          ...(config.connectionPassword === undefined ? {} : { password: config.connectionPassword }),
        })
      } catch (error) {
        if (!isRetriable(error) || attempt >= config.connectionAttempts) throw error
        await sleep(config.connectionBackoffMs)
      }
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return
    const config = this.#required()
    const start = this.#resume?.records === records ? this.#resume.done : 0
    this.#resume = { records, done: start }
    // The next batch is checked while the database runs the previous one's transaction.
    let pending: Promise<void> | null = null
    for (let from = start; from < records.length; from += config.batchSize) {
      const batch = records.slice(from, from + config.batchSize)
      let ops: Op[]
      try {
        ops = await this.#opsOf(batch)
      } catch (error) {
        // Never leave a write running behind a failed put: the worker may put these records again.
        await pending?.catch(() => undefined)
        throw error
      }
      if (pending !== null) await pending
      const done = from + batch.length
      pending = (ops.length > 0 ? this.#writeBatch(ops) : Promise.resolve()).then(() => {
        this.#resume!.done = done
      })
      // A failure surfaces at the await above or below; keep it from being reported as unhandled meanwhile.
      pending.catch(() => undefined)
    }
    if (pending !== null) await pending
    this.#resume = null
    this.#remainingRetries = config.maxRetries
  }

  /** Writes are committed in `put`: nothing is buffered. */
  flush(): void {}

  async stop(): Promise<void> {
    const db = this.#db
    this.#db = null
    await db?.close()
  }

  #required(): JdbcSinkConfig {
    if (this.#config === null || this.#db === null) throw new ConnectError('CONNECT_ILLEGAL_STATE', 'JdbcSinkTask.put() before start() or after stop()')
    return this.#config
  }

  /** The operations of valid records; invalid ones are reported (or thrown). */
  async #opsOf(records: readonly SinkRecord[]): Promise<Op[]> {
    const ops: Op[] = []
    for (const record of records) {
      let op: Op
      try {
        op = this.#opOf(record)
      } catch (error) {
        await this.#reportOrThrow(record, error)
        continue
      }
      ops.push(op)
    }
    return ops
  }

  #opOf(record: SinkRecord): Op {
    const config = this.#config!
    const table = this.#tableRef(record.topic)
    if (record.value === null || record.value === undefined) {
      if (!config.deleteEnabled) {
        throw new ConnectError('CONNECT_DATA', `JdbcSink is configured with delete.enabled=false and pk.mode=${config.pkMode} and therefore requires records with a non-null Struct value and non-null Struct schema, but found record at ${describeRecord(record)} with a null value and ${record.valueSchema === null ? 'null' : describeSchema(record.valueSchema)} value schema (set delete.enabled=true with pk.mode=record_key to turn tombstones into deletes)`)
      }
      if (record.key === null || record.key === undefined) {
        throw new ConnectError('CONNECT_DATA', `JdbcSink cannot delete for the tombstone at ${describeRecord(record)}: its key is null`)
      }
      return { record, table, kind: 'delete', meta: this.#meta(table, record.keySchema, null, record) }
    }
    if (record.valueSchema === null || record.valueSchema.type !== 'STRUCT' || !isStruct(record.value)) {
      throw new ConnectError('CONNECT_DATA', `JdbcSink requires records with a non-null Struct value and non-null Struct schema, but found record at ${describeRecord(record)} with a ${describeValue(record.value)} value and ${record.valueSchema === null ? 'null' : describeSchema(record.valueSchema)} value schema (schemaless data cannot be written to tables: use a converter that carries schemas, e.g. JsonConverter with value.converter.schemas.enable=true, or Avro)`)
    }
    if (config.pkMode === 'record_key' && (record.key === null || record.key === undefined)) {
      throw new ConnectError('CONNECT_DATA', `JdbcSink has pk.mode=record_key but the record at ${describeRecord(record)} has a null key`)
    }
    return { record, table, kind: 'write', meta: this.#meta(table, record.keySchema, record.valueSchema, record) }
  }

  #tableRef(topic: string): TableRef {
    let ref = this.#tableRefs.get(topic)
    if (ref === undefined) {
      ref = tableRefOf(this.#config!.tableNameFormat, topic)
      this.#tableRefs.set(topic, ref)
    }
    return ref
  }

  #meta(table: TableRef, keySchema: Schema | null, valueSchema: Schema | null, record: SinkRecord): FieldsMetadata {
    // Only the key schema matters in kafka-less key modes; compare what extract reads.
    const config = this.#config!
    const usesKey = config.pkMode === 'record_key'
    const entries = this.#metas.get(table.text) ?? []
    for (const entry of entries) {
      if (entry.valueSchema === valueSchema && (!usesKey || entry.keySchema === keySchema)) return entry.meta
    }
    for (const entry of entries) {
      if ((valueSchema === null) === (entry.valueSchema === null) && schemaEquals(entry.valueSchema, valueSchema) && (!usesKey || schemaEquals(entry.keySchema, keySchema))) return entry.meta
    }
    let meta: FieldsMetadata
    try {
      meta = extractFieldsMetadata(table.text, config, usesKey ? keySchema : null, valueSchema)
    } catch (error) {
      throw new ConnectError('CONNECT_DATA', `${(error as Error).message} (record at ${describeRecord(record)})`, { cause: error })
    }
    entries.unshift({ keySchema, valueSchema, meta })
    if (entries.length > METAS_PER_TABLE) entries.pop()
    this.#metas.set(table.text, entries)
    return meta
  }

  async #reportOrThrow(record: SinkRecord, error: unknown): Promise<void> {
    const reporter = this.#context?.errantRecordReporter() ?? null
    if (reporter === null) throw error
    await reporter(record, error instanceof Error ? error : new Error(String(error)))
  }

  /** Groups of consecutive ops for one table, kind and FieldsMetadata. */
  #groups(ops: readonly Op[]): WriteGroup[] {
    const groups: WriteGroup[] = []
    let current: WriteGroup | null = null
    for (const op of ops) {
      if (current === null || current.table !== op.table || current.kind !== op.kind || current.meta !== op.meta) {
        current = { table: op.table, kind: op.kind, meta: op.meta, records: [] }
        groups.push(current)
      }
      current.records.push(op.record)
    }
    return groups
  }

  async #writeBatch(ops: readonly Op[]): Promise<void> {
    try {
      await this.#writeGroups(this.#groups(ops))
    } catch (error) {
      this.#retryOrFail(error, ops)
      // A data error with errors.tolerance=all: find the failing records one by one.
      for (const op of ops) {
        try {
          await this.#writeGroups(this.#groups([op]))
        } catch (single) {
          this.#retryOrFail(single, [op])
          await this.#reportOrThrow(op.record, new ConnectError('CONNECT_DATA', `JdbcSink failed to write the record at ${describeRecord(op.record)} to table ${op.table.text}: ${(single as Error).message}`, { cause: single }))
        }
      }
    }
  }

  async #writeGroups(groups: readonly WriteGroup[]): Promise<void> {
    const tables = this.#tables!
    const writer = this.#writer!
    // DDL first, outside the transaction.
    const columns: (ColumnInfo[] | null)[] = []
    for (const group of groups) columns.push(await tables.columnsFor(group.table, group.meta, group.kind === 'delete'))
    await this.#db!.transaction(async (tx) => {
      for (let i = 0; i < groups.length; i++) {
        const names = columns[i]
        if (names !== null) await writer.write(tx, groups[i], names)
      }
    })
  }

  /** Throws what the worker should see for `error`; returns when the records should be tried one by one. */
  #retryOrFail(error: unknown, ops: readonly Op[]): void {
    const config = this.#config!
    const first = ops[0].record
    const last = ops[ops.length - 1].record
    const range = ops.length === 1 ? `the record at ${describeRecord(first)}` : `${ops.length} records from ${describeRecord(first)} to ${describeRecord(last)}`
    const message = (error as Error)?.message ?? String(error)
    if (isRetriable(error)) {
      if (this.#remainingRetries > 0) {
        this.#remainingRetries--
        this.#context?.timeout(config.retryBackoffMs)
        throw new ConnectError('CONNECT_RETRIABLE', `JdbcSink could not write ${range}: ${message}; retrying in ${config.retryBackoffMs} ms (${this.#remainingRetries} retries left)`, { cause: error })
      }
      throw new ConnectError('CONNECT_TASK_FAILED', `JdbcSink could not write ${range} after max.retries=${config.maxRetries} retries: ${message}`, { cause: error })
    }
    const code = error instanceof ConnectError ? error.code : 'CONNECT_DATA'
    // Only data errors are the records' fault; a missing table or column fails the task whatever the tolerance.
    if (this.#tolerateAll && code === 'CONNECT_DATA') return
    throw new ConnectError(code, `JdbcSink could not write ${range}: ${message}`, { cause: error })
  }
}
