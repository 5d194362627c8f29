/**
 * `JdbcSourceTask` (Confluent's `JdbcSourceTask`): polls the tables the connector assigned to it
 * (or the custom query) and returns their rows as source records (table-querier.ts).
 *
 * Scheduling: each table is due when it may have rows: right away after a full batch, else
 * `poll.interval.ms` after its last empty or partial batch. `poll()` reads one batch of the
 * table due first (tables with more rows take turns), and sleeps only when no table is due;
 * the sleep ends at once when the task stops. A table whose reads fail because it was dropped
 * is left out until the connector's table monitor reassigns tables; other errors go to the
 * worker (retriable ones: polled again after a backoff, then the task resumes from the same
 * in-memory position; others fail the task).
 *
 * Concurrency: the worker calls `poll()` from one loop; `stop()` may come at any time.
 */
import type { SourceTask, SourceTaskContext } from '../../../api/connector.ts'
import type { SourceMap, SourceRecord } from '../../../api/records.ts'
import { ConnectError } from '../../../errors.ts'
import type { Database, TableId } from '../database.ts'
import { openDatabase } from '../open-database.ts'
import { type JdbcSourceConfig, parseJdbcSourceConfig } from './jdbc-source-config.ts'
import { type QuerierBatch, TableQuerier } from './table-querier.ts'
import { ZoneClock } from './source-offset.ts'

export const JDBC_SOURCE_VERSION = '1.0.0'

export class JdbcSourceTask implements SourceTask {
  readonly version = JDBC_SOURCE_VERSION
  #context: SourceTaskContext | null = null
  #config: JdbcSourceConfig | null = null
  #db: Database | null = null
  #queriers: TableQuerier[] = []
  /** ms at which each querier is due next (same order as #queriers). */
  #due: number[] = []
  #stop = new AbortController()
  /** The next batch of the querier due next, read while the worker sends the previous one. */
  #prefetch: { readonly index: number; readonly batch: Promise<QuerierBatch> } | null = null

  initialize(context: SourceTaskContext): void {
    this.#context = context
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const config = parseJdbcSourceConfig(props, 'JdbcSourceTask')
    this.#config = config
    this.#stop = new AbortController()
    const tables = config.query === '' ? parseTables(config.tasksTables) : []
    if (config.query === '' && tables.length === 0) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', 'Invalid configuration: each JdbcSourceTask must have at least one table assigned to it or one query specified')
    }
    const db = await openDatabase(config.url, { ...(config.user === undefined ? {} : { user: config.user }), ...(config.password === undefined ? {} : { password: config.password }), maxConnections: 1 })
    this.#db = db
    const clock = new ZoneClock(config.dbTimezone)
    const reader = this.#context?.offsetStorageReader
    const lookup = async (partitions: readonly SourceMap[]): Promise<SourceMap | null> => {
      if (reader === undefined) return null
      for (const partition of partitions) {
        const offset = await reader.offset(partition)
        if (offset !== null) return offset
      }
      return null
    }
    try {
      const queriers = config.query === '' ? tables.map((t) => new TableQuerier(config, clock, t)) : [new TableQuerier(config, clock, null)]
      for (const querier of queriers) await querier.start(db, lookup)
      this.#queriers = queriers
      this.#due = queriers.map(() => 0)
    } catch (error) {
      this.#db = null
      await db.close().catch(() => undefined)
      throw error
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.#config
    const signal = this.#stop.signal
    while (!signal.aborted) {
      const db = this.#db
      if (db === null || config === null || this.#queriers.length === 0) {
        await sleep(config?.pollIntervalMs ?? 1000, signal)
        return null
      }
      // A prefetched batch comes first: its querier's position already follows it.
      const prefetched = this.#prefetch
      this.#prefetch = null
      const next = prefetched?.index ?? this.#dueFirst()
      const wait = prefetched === null ? this.#due[next] - Date.now() : 0
      if (wait > 0) {
        // Return to the worker now and then so that it can flush offsets and see pauses.
        await sleep(Math.min(wait, 1000), signal)
        if (wait > 1000) return null
        continue
      }
      const querier = this.#queriers[next]
      let batch: QuerierBatch
      try {
        batch = await (prefetched?.batch ?? querier.poll(db))
      } catch (error) {
        if (signal.aborted) return null
        if (querier.table !== null && (await this.#dropped(db, querier.table))) {
          this.#queriers.splice(next, 1)
          this.#due.splice(next, 1)
          continue
        }
        throw error
      }
      const now = Date.now()
      if (batch.more) this.#due[next] = now
      else this.#due[next] = now + config.pollIntervalMs
      if (batch.records.length > 0) {
        this.#prefetchNext(db, now)
        return batch.records
      }
    }
    return null
  }

  /**
   * Starts reading the next batch of the querier due next when it is due now, so that the
   * database works while the worker converts and sends this batch. The querier's position
   * already follows the returned batch; records of the next batch are returned only by the
   * next `poll()`, so offsets keep their order.
   */
  #prefetchNext(db: Database, now: number): void {
    const next = this.#dueFirst()
    if (this.#due[next] > now || this.#stop.signal.aborted) return
    const batch = this.#queriers[next].poll(db)
    batch.catch(() => undefined) // Reported when the next poll() takes it.
    this.#prefetch = { index: next, batch }
  }

  /** The index of the querier due first. */
  #dueFirst(): number {
    let next = 0
    for (let i = 1; i < this.#due.length; i++) if (this.#due[i] < this.#due[next]) next = i
    return next
  }

  /** True when `table` no longer exists (the read failed because it was dropped). */
  async #dropped(db: Database, table: TableId): Promise<boolean> {
    try {
      return (await db.describeTable(table)) === null
    } catch {
      return false
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort()
    // A read still in flight ends with the connection; its rows were never returned.
    this.#prefetch = null
    const db = this.#db
    this.#db = null
    await db?.close().catch(() => undefined)
  }
}

/** The `tables` task key: a JSON array of `{ schema?, name }`. */
export function parseTables(text: string): TableId[] {
  if (text.trim() === '') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `The task key "tables" must be a JSON array of {schema?, name}, got ${text.slice(0, 80)}`)
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === 'object' && t !== null && typeof t.name === 'string' && (t.schema === undefined || typeof t.schema === 'string'))) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `The task key "tables" must be a JSON array of {schema?, name}, got ${text.slice(0, 80)}`)
  }
  return (parsed as { schema?: string; name: string }[]).map((t) => (t.schema === undefined ? { name: t.name } : { schema: t.schema, name: t.name }))
}

export function formatTables(tables: readonly TableId[]): string {
  return JSON.stringify(tables.map((t) => (t.schema === undefined ? { name: t.name } : { schema: t.schema, name: t.name })))
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}
