/**
 * `JdbcSourceConnector` (Confluent's `io.confluent.connect.jdbc.JdbcSourceConnector`): copies
 * tables of a SQLite, PostgreSQL or MySQL/MariaDB database (or the rows of one custom query)
 * into topics; the configuration is jdbc-source-config.ts, the records table-querier.ts.
 *
 * Lifecycle:
 * - `start` parses the config, connects, lists the tables to copy (`table.types`,
 *   `schema.pattern`, then the white/black or include/exclude lists) and checks each of them
 *   (or the query) against the mode: a missing or nullable offset column, or no auto-increment
 *   column to detect, is a CONNECT_INVALID_CONFIG here, so the connector fails with a clear
 *   message before any task starts.
 * - `taskConfigs(maxTasks)`: the custom query runs in one task; tables are split into
 *   min(tables, tasks.max) contiguous groups (Kafka's `ConnectorUtils.groupPartitions`), passed
 *   to tasks as the `tables` key. No table: no task (the monitor adds them when tables appear).
 * - Every `table.poll.interval.ms` the table list is read again; when it changed, the connector
 *   asks the worker to reconfigure its tasks (`requestTaskReconfiguration`). A failed listing
 *   is retried at the next interval.
 */
import type { ConnectorContext, SourceConnector, SourceTask } from '../../../api/connector.ts'
import type { ConfigDef } from '../../../api/config-def-impl.ts'
import type { Database, TableId } from '../database.ts'
import { openDatabase } from '../open-database.ts'
import { type JdbcSourceConfig, TASK_TABLES_CONFIG, jdbcSourceConfigDef, parseJdbcSourceConfig } from './jdbc-source-config.ts'
import { JDBC_SOURCE_VERSION, JdbcSourceTask, formatTables } from './jdbc-source-task.ts'
import { tableFqn } from './query-builder.ts'
import { ZoneClock } from './source-offset.ts'
import { TableQuerier } from './table-querier.ts'

export const JDBC_SOURCE_CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector'

export class JdbcSourceConnector implements SourceConnector {
  readonly kind = 'source'
  readonly version = JDBC_SOURCE_VERSION
  #context: ConnectorContext | null = null
  #props: Record<string, string> = {}
  #config: JdbcSourceConfig | null = null
  #db: Database | null = null
  #tables: TableId[] = []
  #monitor: NodeJS.Timeout | undefined
  #checking = false
  #stopped = false

  config(): ConfigDef {
    return jdbcSourceConfigDef()
  }

  initialize(context: ConnectorContext): void {
    this.#context = context
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const config = parseJdbcSourceConfig(props)
    this.#config = config
    this.#props = { ...props }
    delete this.#props[TASK_TABLES_CONFIG]
    this.#stopped = false
    const db = await openDatabase(config.url, { ...(config.user === undefined ? {} : { user: config.user }), ...(config.password === undefined ? {} : { password: config.password }), maxConnections: 1 })
    this.#db = db
    try {
      const clock = new ZoneClock(config.dbTimezone)
      const noOffsets = async () => null
      if (config.query !== '') {
        await new TableQuerier(config, clock, null).start(db, noOffsets)
        // One query, one task: nothing to monitor.
        this.#db = null
        await db.close()
      } else {
        this.#tables = await selectTables(db, config)
        for (const table of this.#tables) await new TableQuerier(config, clock, table).start(db, noOffsets)
        this.#monitor = setInterval(() => void this.#checkTables(), config.tablePollIntervalMs)
        this.#monitor.unref?.()
      }
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  /** The tables being copied (table mode). */
  get tables(): readonly TableId[] {
    return this.#tables
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    const config = this.#config
    if (config === null) return []
    if (config.query !== '') return [{ ...this.#props }]
    return groupPartitions(this.#tables, Math.min(this.#tables.length, maxTasks))
      .map((group) => ({ ...this.#props, [TASK_TABLES_CONFIG]: formatTables(group) }))
  }

  taskClass(): () => SourceTask {
    return () => new JdbcSourceTask()
  }

  async #checkTables(): Promise<void> {
    const db = this.#db
    const config = this.#config
    if (this.#checking || db === null || config === null || this.#stopped) return
    this.#checking = true
    try {
      const tables = await selectTables(db, config)
      if (this.#stopped) return
      const key = (list: readonly TableId[]) => list.map(tableFqn).join('\n')
      if (key(tables) !== key(this.#tables)) {
        this.#tables = tables
        this.#context?.requestTaskReconfiguration()
      }
    } catch {
      // The database may be briefly unreachable: the next interval tries again.
    } finally {
      this.#checking = false
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearInterval(this.#monitor)
    this.#monitor = undefined
    const db = this.#db
    this.#db = null
    await db?.close().catch(() => undefined)
  }
}

/** The tables to copy, in name order: by type and schema, then the configured lists. */
export async function selectTables(db: Database, config: JdbcSourceConfig): Promise<TableId[]> {
  const pattern = config.schemaPattern
  const plainSchema = pattern !== null && pattern !== '' && !/[%_]/.test(pattern)
  const listed = await db.listTables({ types: config.tableTypes, ...(plainSchema ? { schema: pattern } : {}) })
  const schemaMatches = pattern === null || plainSchema
    ? () => true
    : pattern === ''
      ? (t: TableId) => t.schema === undefined
      : (t: TableId) => t.schema !== undefined && likeToRegExp(pattern).test(t.schema)
  return listed.filter((t) => schemaMatches(t) && tableSelected(t, config))
}

/** Whether the table lists of the config keep `table` (names match simple or schema-qualified). */
export function tableSelected(table: TableId, config: Pick<JdbcSourceConfig, 'whitelist' | 'blacklist' | 'includeList' | 'excludeList'>): boolean {
  const names = table.schema === undefined ? [table.name] : [table.name, tableFqn(table)]
  const listed = (list: readonly string[]) => names.some((n) => list.includes(n))
  const matched = (list: readonly RegExp[]) => names.some((n) => list.some((re) => re.test(n)))
  if (config.whitelist.length > 0 && !listed(config.whitelist)) return false
  if (config.blacklist.length > 0 && listed(config.blacklist)) return false
  if (config.includeList.length > 0 && !matched(config.includeList)) return false
  if (config.excludeList.length > 0 && matched(config.excludeList)) return false
  return true
}

/**
 * Kafka's `ConnectorUtils.groupPartitions`: `numGroups` contiguous groups, the first
 * `length % numGroups` of them one element larger.
 */
export function groupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  if (numGroups <= 0) return []
  const groups: T[][] = []
  const perGroup = Math.floor(elements.length / numGroups)
  const leftover = elements.length - numGroups * perGroup
  let assigned = 0
  for (let group = 0; group < numGroups; group++) {
    const size = group < leftover ? perGroup + 1 : perGroup
    groups.push(elements.slice(assigned, assigned + size))
    assigned += size
  }
  return groups
}

function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${body}$`)
}
