/**
 * The config of the JDBC sink (Confluent's `JdbcSinkConfig`): the same keys, defaults and
 * meanings, for SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * Cross-key rules, reported by `validate` (so the worker refuses the connector) and `parse`:
 * - `delete.enabled=true` requires `pk.mode=record_key` (as Confluent);
 * - `insert.mode=upsert|update` requires a `pk.mode` other than `none` (Confluent fails at the
 *   first write; Creek says it when the connector is created);
 * - `pk.mode=kafka` takes no `pk.fields` or exactly three names (topic, partition, offset columns).
 */
import { ConfigDef, InvalidConfigError, Password } from '../../../api/config-def-impl.ts'
import type { ConfigValue } from '../../../api/config-def.ts'
import { composite, nonEmptyString, ranged, validStringIgnoreCase } from '../../../api/config-validators.ts'
import { kindOfUrl } from '../connection-url.ts'

export type InsertMode = 'insert' | 'upsert' | 'update'
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value'

export const KAFKA_PK_FIELDS = ['__connect_topic', '__connect_partition', '__connect_offset'] as const

export interface JdbcSinkConfig {
  readonly connectionUrl: string
  readonly connectionUser: string | undefined
  readonly connectionPassword: string | undefined
  readonly connectionAttempts: number
  readonly connectionBackoffMs: number
  readonly tableNameFormat: string
  readonly insertMode: InsertMode
  readonly pkMode: PkMode
  readonly pkFields: readonly string[]
  readonly fieldsWhitelist: readonly string[]
  readonly autoCreate: boolean
  readonly autoEvolve: boolean
  readonly deleteEnabled: boolean
  readonly batchSize: number
  readonly maxRetries: number
  readonly retryBackoffMs: number
  readonly quoteIdentifiers: boolean
  readonly dbTimezone: string
  readonly replaceNullWithDefault: boolean
}

function supportedUrl(): (name: string, value: unknown) => void {
  return (_name, value) => {
    if (value === null || value === undefined || String(value).trim() === '') return
    if (kindOfUrl(String(value)) === null) throw new Error('Not a SQLite, PostgreSQL or MySQL/MariaDB URL (jdbc:sqlite:<file>, jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db, postgres://…, mysql://…)')
  }
}

function validTimezone(): (name: string, value: unknown) => void {
  return (_name, value) => {
    if (value === null || value === undefined) return
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(value) })
    } catch {
      throw new Error(`"${String(value)}" is not a time zone (use an IANA name such as UTC or Europe/Paris)`)
    }
  }
}

const CONNECTION = 'Connection'
const WRITES = 'Writes'
const FIELDS = 'Data Mapping'
const DDL = 'DDL Support'
const RETRIES = 'Retries'

class JdbcSinkConfigDef extends ConfigDef {
  override validate(props: Readonly<Record<string, unknown>>): ConfigValue[] {
    const values = super.validate(props)
    const byName = new Map(values.map((v) => [v.name, v]))
    const extra = crossKeyErrors((name) => byName.get(name)?.value)
    return values.map((v) => (extra.has(v.name) ? { ...v, errors: [...v.errors, ...extra.get(v.name)!] } : v))
  }

  override parse(props: Readonly<Record<string, unknown>>, context?: string): Record<string, unknown> {
    const parsed = super.parse(props, context)
    const extra = crossKeyErrors((name) => parsed[name])
    if (extra.size > 0) throw new InvalidConfigError(extra, context)
    return parsed
  }
}

function crossKeyErrors(get: (name: string) => unknown): Map<string, string[]> {
  const errors = new Map<string, string[]>()
  const pkMode = String(get('pk.mode') ?? 'none').toLowerCase()
  const insertMode = String(get('insert.mode') ?? 'insert').toLowerCase()
  const pkFields = get('pk.fields')
  if (get('delete.enabled') === true && pkMode !== 'record_key') {
    errors.set('delete.enabled', [`Invalid value true for configuration delete.enabled: Deletes are only supported for pk.mode record_key (pk.mode is ${pkMode})`])
  }
  if ((insertMode === 'upsert' || insertMode === 'update') && pkMode === 'none') {
    errors.set('insert.mode', [`Invalid value ${insertMode} for configuration insert.mode: ${insertMode} needs a primary key; set pk.mode to kafka, record_key or record_value`])
  }
  if (pkMode === 'kafka' && Array.isArray(pkFields) && pkFields.length !== 0 && pkFields.length !== 3) {
    errors.set('pk.fields', [`Invalid value ${pkFields.join(',')} for configuration pk.fields: pk.mode kafka takes 3 column names (topic, partition, offset) or none for ${KAFKA_PK_FIELDS.join(',')}`])
  }
  return errors
}

export function jdbcSinkConfigDef(): ConfigDef {
  return new JdbcSinkConfigDef()
    .define({ name: 'connection.url', type: 'STRING', importance: 'HIGH', group: CONNECTION, validator: composite(nonEmptyString(), supportedUrl()), documentation: 'JDBC connection URL: jdbc:sqlite:<file>, jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db (or postgres://, mysql://, sqlite: URLs).' })
    .define({ name: 'connection.user', type: 'STRING', defaultValue: null, importance: 'HIGH', group: CONNECTION, documentation: 'JDBC connection user.' })
    .define({ name: 'connection.password', type: 'PASSWORD', defaultValue: null, importance: 'HIGH', group: CONNECTION, documentation: 'JDBC connection password.' })
    .define({ name: 'connection.attempts', type: 'INT', defaultValue: 3, importance: 'LOW', group: CONNECTION, validator: ranged(1), documentation: 'Maximum number of attempts to open a connection when the database cannot be reached.' })
    .define({ name: 'connection.backoff.ms', type: 'LONG', defaultValue: 10_000, importance: 'LOW', group: CONNECTION, validator: ranged(0), documentation: 'Backoff time in milliseconds between connection attempts.' })
    .define({ name: 'insert.mode', type: 'STRING', defaultValue: 'insert', importance: 'HIGH', group: WRITES, validator: validStringIgnoreCase('insert', 'upsert', 'update'), documentation: 'The insertion mode to use: insert (plain INSERT), upsert (INSERT … ON CONFLICT/ON DUPLICATE KEY UPDATE), update (UPDATE by primary key).' })
    .define({ name: 'batch.size', type: 'INT', defaultValue: 3000, importance: 'MEDIUM', group: WRITES, validator: ranged(1), documentation: 'Number of records written together (multi-row statements) in one transaction, when possible.' })
    .define({ name: 'delete.enabled', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: WRITES, documentation: 'Whether to treat null record values (tombstones) as deletes. Requires pk.mode to be record_key.' })
    .define({ name: 'table.name.format', type: 'STRING', defaultValue: '${topic}', importance: 'MEDIUM', group: FIELDS, validator: nonEmptyString(), documentation: 'A format string for the destination table name, which may contain ${topic} for the originating topic name. A "schema.table" name selects a schema (PostgreSQL) or database (MySQL).' })
    .define({ name: 'pk.mode', type: 'STRING', defaultValue: 'none', importance: 'HIGH', group: FIELDS, validator: validStringIgnoreCase('none', 'kafka', 'record_key', 'record_value'), documentation: 'The primary key mode: none, kafka (topic, partition and offset columns), record_key (fields of the record key), record_value (fields of the record value).' })
    .define({ name: 'pk.fields', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: FIELDS, documentation: 'Primary key field names; empty: all fields of the key (record_key) or value (record_value); for kafka, the three column names (default __connect_topic,__connect_partition,__connect_offset).' })
    .define({ name: 'fields.whitelist', type: 'LIST', defaultValue: '', importance: 'MEDIUM', group: FIELDS, documentation: 'Record value fields to write; empty: all. Primary key fields are written whatever this says.' })
    .define({ name: 'db.timezone', type: 'STRING', defaultValue: 'UTC', importance: 'MEDIUM', group: FIELDS, validator: validTimezone(), documentation: 'The time zone in which timestamps are written to columns without a time zone.' })
    .define({ name: 'replace.null.with.default', type: 'BOOLEAN', defaultValue: true, importance: 'LOW', group: FIELDS, documentation: 'Whether a null field value is replaced by the field schema\'s default value.' })
    .define({ name: 'auto.create', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: DDL, documentation: 'Whether to create the destination table (CREATE TABLE from the record schema) when it is missing.' })
    .define({ name: 'auto.evolve', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: DDL, documentation: 'Whether to add columns (ALTER TABLE … ADD) for record fields the table lacks. Columns are never dropped or retyped; added columns are nullable or take the field default.' })
    .define({ name: 'quote.sql.identifiers', type: 'STRING', defaultValue: 'always', importance: 'MEDIUM', group: DDL, validator: validStringIgnoreCase('always', 'never'), documentation: 'When to quote table and column names in SQL statements: always or never.' })
    .define({ name: 'max.retries', type: 'INT', defaultValue: 10, importance: 'MEDIUM', group: RETRIES, validator: ranged(0), documentation: 'The maximum number of times to retry a write that failed with a retriable database error (connection loss, deadlock…) before the task fails.' })
    .define({ name: 'retry.backoff.ms', type: 'INT', defaultValue: 3000, importance: 'MEDIUM', group: RETRIES, validator: ranged(0), documentation: 'The time in milliseconds to wait after a retriable error before a retry.' })
}

export function parseJdbcSinkConfig(props: Readonly<Record<string, string>>): JdbcSinkConfig {
  const c = jdbcSinkConfigDef().parse(props, 'JdbcSinkConnector')
  const password = c['connection.password']
  const pkMode = String(c['pk.mode']).toLowerCase() as PkMode
  const pkFields = c['pk.fields'] as string[]
  return {
    connectionUrl: c['connection.url'] as string,
    connectionUser: (c['connection.user'] as string | null) ?? undefined,
    connectionPassword: password instanceof Password ? password.value() : undefined,
    connectionAttempts: c['connection.attempts'] as number,
    connectionBackoffMs: c['connection.backoff.ms'] as number,
    tableNameFormat: c['table.name.format'] as string,
    insertMode: String(c['insert.mode']).toLowerCase() as InsertMode,
    pkMode,
    pkFields: pkMode === 'kafka' && pkFields.length === 0 ? [...KAFKA_PK_FIELDS] : pkFields,
    fieldsWhitelist: c['fields.whitelist'] as string[],
    autoCreate: c['auto.create'] as boolean,
    autoEvolve: c['auto.evolve'] as boolean,
    deleteEnabled: c['delete.enabled'] as boolean,
    batchSize: c['batch.size'] as number,
    maxRetries: c['max.retries'] as number,
    retryBackoffMs: c['retry.backoff.ms'] as number,
    quoteIdentifiers: String(c['quote.sql.identifiers']).toLowerCase() === 'always',
    dbTimezone: c['db.timezone'] as string,
    replaceNullWithDefault: c['replace.null.with.default'] as boolean,
  }
}
