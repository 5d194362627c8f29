/**
 * The configuration of the JDBC-style source (Confluent's `JdbcSourceConnectorConfig`): the same
 * keys, defaults and meanings, so that a connector config written for Kafka Connect runs here.
 *
 * | key                          | default | meaning                                                     |
 * |------------------------------|---------|-------------------------------------------------------------|
 * | connection.url               | —       | `jdbc:sqlite:…`, `jdbc:postgresql://…`, `jdbc:mysql://…`…    |
 * | connection.user / .password  | null    | override what the URL carries                                |
 * | mode                         | —       | bulk, incrementing, timestamp, timestamp+incrementing (required) |
 * | incrementing.column.name     | ""      | strictly increasing column; "" = the auto-increment column  |
 * | timestamp.column.name        | ""      | list of timestamp columns, combined with COALESCE            |
 * | timestamp.delay.interval.ms  | 0       | rows newer than database now − delay wait for the next poll  |
 * | timestamp.initial            | null    | first timestamp offset (ms) when none is stored; −1 = now    |
 * | validate.non.null            | true    | offset columns must be NOT NULL (table mode)                 |
 * | query                        | ""      | custom SELECT: one task, topic = topic.prefix                |
 * | query.suffix                 | ""      | appended to every generated statement                        |
 * | table.whitelist / blacklist  | ""      | exact table names (simple or schema-qualified)               |
 * | table.include.list / exclude | ""      | regular expressions matched against table names              |
 * | table.types                  | TABLE   | TABLE and/or VIEW                                            |
 * | schema.pattern               | null    | only tables of this schema (SQL LIKE pattern: `%`, `_`)       |
 * | poll.interval.ms             | 5000    | wait between polls of a table that had no more rows          |
 * | batch.max.rows               | 100     | rows per query and per poll                                  |
 * | topic.prefix                 | —       | topic = prefix + table name (query mode: the whole topic)    |
 * | table.poll.interval.ms       | 60000   | how often the table list is checked for added/removed tables |
 * | numeric.mapping              | null    | none, precision_only, best_fit (null: numeric.precision.mapping) |
 * | quote.sql.identifiers        | always  | always or never                                              |
 * | db.timezone                  | UTC     | zone of timestamp columns without a time zone                |
 * Accepted for compatibility and not used: connection.attempts, connection.backoff.ms (the worker
 * retries a retriable poll error with backoff), catalog.pattern, dialect.name,
 * incrementing.relaxed.monotonic, transaction.isolation.mode, poll.linger.ms.
 *
 * `parseJdbcSourceConfig` checks everything that can be checked without the database and
 * throws a CONNECT_INVALID_CONFIG naming the key.
 */
import { ConfigDef, InvalidConfigError, Password } from '../../../api/config-def-impl.ts'
import type { ConfigValue } from '../../../api/config-def.ts'
import { nonEmptyString, ranged, validList, validString, validStringIgnoreCase } from '../../../api/config-validators.ts'

export const MODES = ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'] as const
export type JdbcSourceMode = (typeof MODES)[number]
export type NumericMapping = 'none' | 'precision_only' | 'best_fit'

/** Task-only keys the connector adds to each task config. */
export const TASK_TABLES_CONFIG = 'tables'

export function jdbcSourceConfigDef(): ConfigDef {
  const modeValidator = (_name: string, value: unknown) => {
    if (value === '') throw new Error('Query mode must be specified: one of bulk, incrementing, timestamp, timestamp+incrementing')
    validString(...MODES)(_name, value)
  }
  const timezoneValidator = (_name: string, value: unknown) => {
    if (value === null || value === undefined) return
    if (!isValidTimeZone(String(value))) throw new Error(`Invalid time zone identifier (use an IANA name such as UTC or Europe/Paris)`)
  }
  const regexList = (_name: string, value: unknown) => {
    if (!Array.isArray(value)) return
    for (const pattern of value) {
      try {
        new RegExp(String(pattern))
      } catch (error) {
        throw new Error(`"${String(pattern)}" is not a valid regular expression: ${(error as Error).message}`)
      }
    }
  }
  return new JdbcSourceConfigDef()
    .define({ name: 'connection.url', type: 'STRING', importance: 'HIGH', group: 'Database', documentation: 'JDBC connection URL, e.g. jdbc:postgresql://localhost:5432/db, jdbc:mysql://localhost/db, jdbc:sqlite:/path/file.db', validator: nonEmptyString() })
    .define({ name: 'connection.user', type: 'STRING', defaultValue: null, importance: 'HIGH', group: 'Database', documentation: 'JDBC connection user.' })
    .define({ name: 'connection.password', type: 'PASSWORD', defaultValue: null, importance: 'HIGH', group: 'Database', documentation: 'JDBC connection password.' })
    .define({ name: 'connection.attempts', type: 'INT', defaultValue: 3, importance: 'LOW', group: 'Database', documentation: 'Maximum number of attempts to retrieve a valid JDBC connection (accepted; the worker retries retriable errors).', validator: ranged(1) })
    .define({ name: 'connection.backoff.ms', type: 'LONG', defaultValue: 10_000, importance: 'LOW', group: 'Database', documentation: 'Backoff time in milliseconds between connection attempts (accepted; see connection.attempts).' })
    .define({ name: 'table.whitelist', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: 'Database', documentation: 'List of tables to include in copying. If specified, table.blacklist may not be set.' })
    .define({ name: 'table.blacklist', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: 'Database', documentation: 'List of tables to exclude from copying. If specified, table.whitelist may not be set.' })
    .define({ name: 'table.include.list', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: 'Database', documentation: 'List of regular expressions matching table names (simple or schema-qualified) to include.', validator: regexList })
    .define({ name: 'table.exclude.list', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: 'Database', documentation: 'List of regular expressions matching table names (simple or schema-qualified) to exclude.', validator: regexList })
    .define({ name: 'catalog.pattern', type: 'STRING', defaultValue: null, importance: 'MEDIUM', group: 'Database', documentation: 'Catalog pattern to fetch table metadata from the database (accepted; catalogs are databases here, chosen by the URL).' })
    .define({ name: 'schema.pattern', type: 'STRING', defaultValue: null, importance: 'HIGH', group: 'Database', documentation: 'Schema pattern to fetch table metadata from the database; null: every schema.' })
    .define({ name: 'numeric.precision.mapping', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', group: 'Database', documentation: 'Deprecated: use numeric.mapping. true means precision_only.' })
    .define({ name: 'numeric.mapping', type: 'STRING', defaultValue: null, importance: 'LOW', group: 'Database', documentation: 'Map NUMERIC values by precision and optionally scale: none (Decimal), precision_only, best_fit (INT8..INT64 or FLOAT64).', validator: validStringIgnoreCase('none', 'precision_only', 'best_fit') })
    .define({ name: 'dialect.name', type: 'STRING', defaultValue: '', importance: 'LOW', group: 'Database', documentation: 'The database dialect (accepted; the dialect follows connection.url).' })
    .define({ name: 'mode', type: 'STRING', importance: 'HIGH', group: 'Mode', documentation: 'The mode for updating a table each time it is polled: bulk, incrementing, timestamp, timestamp+incrementing.', validator: Object.assign(modeValidator, { recommendedValues: MODES }) })
    .define({ name: 'incrementing.column.name', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: 'Mode', documentation: 'The name of the strictly incrementing column used to detect new rows. Empty: the auto-increment column. It may not be nullable.' })
    .define({ name: 'incrementing.relaxed.monotonic', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', group: 'Mode', documentation: 'Accepted for compatibility; not used.' })
    .define({ name: 'timestamp.column.name', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: 'Mode', documentation: 'Comma separated list of one or more timestamp columns, combined with COALESCE, to detect new or modified rows.' })
    .define({ name: 'timestamp.initial', type: 'LONG', defaultValue: null, importance: 'LOW', group: 'Mode', documentation: 'The epoch timestamp (ms) used for initial queries in timestamp modes when no offset is stored; -1 means the current time.' })
    .define({ name: 'validate.non.null', type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: 'Mode', documentation: 'Check that the incrementing and timestamp columns are NOT NULL; the task fails to start otherwise.' })
    .define({ name: 'query', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: 'Mode', documentation: 'A custom query selecting the rows to copy (instead of whole tables). The incremental WHERE clause is applied to its result.' })
    .define({ name: 'query.suffix', type: 'STRING', defaultValue: '', importance: 'LOW', group: 'Mode', documentation: 'Suffix appended at the end of the generated query.' })
    .define({ name: 'quote.sql.identifiers', type: 'STRING', defaultValue: 'always', importance: 'MEDIUM', group: 'Mode', documentation: 'When to quote table names, column names, and other identifiers in SQL statements: always or never.', validator: validStringIgnoreCase('always', 'never') })
    .define({ name: 'transaction.isolation.mode', type: 'STRING', defaultValue: 'DEFAULT', importance: 'LOW', group: 'Mode', documentation: 'Accepted for compatibility; statements run with the database default isolation.' })
    .define({ name: 'table.types', type: 'LIST', defaultValue: 'TABLE', importance: 'LOW', group: 'Connector', documentation: 'Table types to copy: TABLE, VIEW.', validator: validList('TABLE', 'VIEW') })
    .define({ name: 'poll.interval.ms', type: 'INT', defaultValue: 5000, importance: 'HIGH', group: 'Connector', documentation: 'Frequency in ms to poll for new data in each table.', validator: ranged(0) })
    .define({ name: 'batch.max.rows', type: 'INT', defaultValue: 100, importance: 'LOW', group: 'Connector', documentation: 'Maximum number of rows to include in a single batch when polling for new data.', validator: ranged(1) })
    .define({ name: 'poll.linger.ms', type: 'LONG', defaultValue: 0, importance: 'LOW', group: 'Connector', documentation: 'Accepted for compatibility; not used.' })
    .define({ name: 'table.poll.interval.ms', type: 'LONG', defaultValue: 60_000, importance: 'LOW', group: 'Connector', documentation: 'Frequency in ms to poll for new or removed tables.', validator: ranged(1) })
    .define({ name: 'topic.prefix', type: 'STRING', importance: 'HIGH', group: 'Connector', documentation: 'Prefix to prepend to table names to generate the topic name, or in the case of a custom query, the full name of the topic.' })
    .define({ name: 'timestamp.delay.interval.ms', type: 'LONG', defaultValue: 0, importance: 'HIGH', group: 'Connector', documentation: 'How long to wait after a row with a certain timestamp appears before including it.', validator: ranged(0) })
    .define({ name: 'db.timezone', type: 'STRING', defaultValue: 'UTC', importance: 'MEDIUM', group: 'Connector', documentation: 'Name of the time zone of timestamp columns without a time zone. Defaults to UTC.', validator: timezoneValidator })
    .define({ name: TASK_TABLES_CONFIG, type: 'STRING', defaultValue: '', importance: 'LOW', group: 'Connector', documentation: 'Internal (task configs): the tables of this task, a JSON array of {schema?, name}.' })
}

export interface JdbcSourceConfig {
  readonly url: string
  readonly user: string | undefined
  readonly password: string | undefined
  readonly mode: JdbcSourceMode
  /** "" = autodetect (table mode); null in bulk and timestamp modes. */
  readonly incrementingColumn: string | null
  /** Empty outside timestamp modes. */
  readonly timestampColumns: readonly string[]
  readonly timestampDelayMs: number
  readonly timestampInitial: number | null
  readonly validateNonNull: boolean
  /** "" in table mode. */
  readonly query: string
  readonly querySuffix: string
  readonly whitelist: readonly string[]
  readonly blacklist: readonly string[]
  readonly includeList: readonly RegExp[]
  readonly excludeList: readonly RegExp[]
  readonly tableTypes: readonly ('TABLE' | 'VIEW')[]
  readonly schemaPattern: string | null
  readonly pollIntervalMs: number
  readonly batchMaxRows: number
  readonly tablePollIntervalMs: number
  readonly topicPrefix: string
  readonly numericMapping: NumericMapping
  readonly quoteIdentifiers: boolean
  readonly dbTimezone: string
  /** Task configs only: the tables assigned to the task (JSON). */
  readonly tasksTables: string
}

/**
 * Errors that involve several keys (a mode and its columns, exclusive table lists), per key, on
 * values parsed by the ConfigDef.
 */
function crossKeyErrors(raw: Readonly<Record<string, unknown>>): Map<string, string[]> {
  const errors = new Map<string, string[]>()
  const fail = (key: string, message: string) => errors.set(key, [...(errors.get(key) ?? []), message])
  const mode = raw.mode as string | null
  if (mode === null || mode === undefined) return errors
  const timestampColumns = ((raw['timestamp.column.name'] as string[] | null) ?? []).filter((c) => c !== '')
  const usesTimestamp = mode === 'timestamp' || mode === 'timestamp+incrementing'
  const usesIncrementing = mode === 'incrementing' || mode === 'timestamp+incrementing'
  if (usesTimestamp && timestampColumns.length === 0) fail('timestamp.column.name', `Mode ${mode} needs timestamp.column.name (one or more timestamp columns)`)
  const query = (raw.query as string | null) ?? ''
  if (usesIncrementing && query !== '' && ((raw['incrementing.column.name'] as string | null) ?? '') === '') {
    fail('incrementing.column.name', `Mode ${mode} with a custom query needs incrementing.column.name: the auto-increment column cannot be detected in a query`)
  }
  const list = (key: string) => (raw[key] as string[] | null) ?? []
  const [whitelist, blacklist, include, exclude] = ['table.whitelist', 'table.blacklist', 'table.include.list', 'table.exclude.list'].map(list)
  if (whitelist.length > 0 && blacklist.length > 0) fail('table.blacklist', 'table.whitelist and table.blacklist cannot both be set')
  if ((whitelist.length > 0 || blacklist.length > 0) && (include.length > 0 || exclude.length > 0)) {
    fail('table.include.list', 'table.whitelist/table.blacklist cannot be combined with table.include.list/table.exclude.list')
  }
  if (query !== '' && (whitelist.length > 0 || blacklist.length > 0 || include.length > 0 || exclude.length > 0)) {
    fail('query', 'A custom query cannot be combined with table lists (table.whitelist, table.blacklist, table.include.list, table.exclude.list)')
  }
  return errors
}

/** The ConfigDef whose `validate` (the REST validate endpoint, worker checks) also reports cross-key errors. */
class JdbcSourceConfigDef extends ConfigDef {
  override validate(props: Readonly<Record<string, unknown>>): ConfigValue[] {
    const values = super.validate(props)
    const raw = Object.fromEntries(values.map((v) => [v.name, v.value]))
    const errors = crossKeyErrors(raw)
    return values.map((v) => (errors.has(v.name) ? { ...v, errors: [...v.errors, ...errors.get(v.name)!] } : v))
  }
}

/** Typed config; CONNECT_INVALID_CONFIG (naming the keys) for anything wrong. */
export function parseJdbcSourceConfig(props: Readonly<Record<string, unknown>>, context = 'JdbcSourceConnector'): JdbcSourceConfig {
  const raw = jdbcSourceConfigDef().parse(props, context)
  const errors = crossKeyErrors(raw)
  if (errors.size > 0) throw new InvalidConfigError(errors, context)
  const mode = raw.mode as string
  const timestampColumns = (raw['timestamp.column.name'] as string[]).filter((c) => c !== '')
  const usesTimestamp = mode === 'timestamp' || mode === 'timestamp+incrementing'
  const usesIncrementing = mode === 'incrementing' || mode === 'timestamp+incrementing'
  // A trailing semicolon would end the statement before the criteria appended to it.
  const query = (raw.query as string).replace(/[\s;]+$/, '')
  const incrementingColumn = raw['incrementing.column.name'] as string
  const whitelist = raw['table.whitelist'] as string[]
  const blacklist = raw['table.blacklist'] as string[]
  const include = raw['table.include.list'] as string[]
  const exclude = raw['table.exclude.list'] as string[]

  let numericMapping: NumericMapping = 'none'
  const mapping = raw['numeric.mapping'] as string | null
  if (mapping !== null) numericMapping = mapping.toLowerCase() as NumericMapping
  else if (raw['numeric.precision.mapping'] === true) numericMapping = 'precision_only'
  const password = raw['connection.password'] as Password | null
  const user = raw['connection.user'] as string | null
  return {
    url: raw['connection.url'] as string,
    user: user === null || user === '' ? undefined : user,
    password: password === null ? undefined : password.value(),
    mode: mode as JdbcSourceMode,
    incrementingColumn: usesIncrementing ? incrementingColumn : null,
    timestampColumns: usesTimestamp ? timestampColumns : [],
    timestampDelayMs: raw['timestamp.delay.interval.ms'] as number,
    timestampInitial: raw['timestamp.initial'] as number | null,
    validateNonNull: raw['validate.non.null'] as boolean,
    query,
    querySuffix: raw['query.suffix'] as string,
    whitelist,
    blacklist,
    includeList: include.map((p) => new RegExp(`^(?:${p})$`)),
    excludeList: exclude.map((p) => new RegExp(`^(?:${p})$`)),
    tableTypes: raw['table.types'] as ('TABLE' | 'VIEW')[],
    schemaPattern: raw['schema.pattern'] as string | null,
    pollIntervalMs: raw['poll.interval.ms'] as number,
    batchMaxRows: raw['batch.max.rows'] as number,
    tablePollIntervalMs: raw['table.poll.interval.ms'] as number,
    topicPrefix: raw['topic.prefix'] as string,
    numericMapping,
    quoteIdentifiers: (raw['quote.sql.identifiers'] as string).toLowerCase() === 'always',
    dbTimezone: raw['db.timezone'] as string,
    tasksTables: raw[TASK_TABLES_CONFIG] as string,
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
