/**
 * `DatabaseError`: the ConnectError every database driver failure becomes (database.ts states
 * the contract), with the database kind, the driver's code (SQLSTATE for PostgreSQL, the errno
 * name or SQLSTATE for MySQL, `SQLITE_…` for SQLite) and the driver's error as `cause`.
 *
 * Classification (one table per driver, in the driver files, feeding `classify` here):
 * - CONNECT_RETRIABLE: connection loss or refusal, deadlocks, serialization failures, lock and
 *   busy timeouts, the server shutting down or out of resources;
 * - CONNECT_DATA: constraint violations and values the column cannot take;
 * - CONNECT_INVALID_CONFIG: a bad URL, credentials, unknown database, table or column, SQL the
 *   database cannot parse;
 * - anything unknown: CONNECT_DATA, not retried (Creek never retries unknown errors).
 */
import { ConnectError, type ConnectErrorCode } from '../../errors.ts'
import type { DatabaseKind } from './database.ts'

export type DatabaseErrorCode = Extract<ConnectErrorCode, 'CONNECT_RETRIABLE' | 'CONNECT_DATA' | 'CONNECT_INVALID_CONFIG'>

export class DatabaseError extends ConnectError {
  readonly databaseKind: DatabaseKind
  /** The driver's own code: a SQLSTATE (`23505`), a MySQL errno name (`ER_DUP_ENTRY`), `SQLITE_BUSY`, `ECONNREFUSED`… */
  readonly driverCode: string | undefined

  constructor(code: DatabaseErrorCode, kind: DatabaseKind, message: string, driverCode: string | undefined, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause })
    this.databaseKind = kind
    this.driverCode = driverCode
  }
}

/** Node socket errors that mean "the connection went away or could not be made": retriable. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
])

const KIND_NAMES: Record<DatabaseKind, string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL', mysql: 'MySQL' }

/** The first words of a statement, for messages (never its parameters). */
export function statementHead(sql: string | undefined): string {
  if (sql === undefined) return ''
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length <= 60 ? flat : `${flat.slice(0, 60)}…`
}

/** A DatabaseError for `error`, thrown by the driver while running `sql` (undefined: connecting). */
export function databaseError(kind: DatabaseKind, code: DatabaseErrorCode, error: unknown, driverCode: string | undefined, sql?: string): DatabaseError {
  if (error instanceof DatabaseError) return error
  const driverMessage = error instanceof Error ? error.message : String(error)
  const where = sql === undefined ? 'connecting' : `running "${statementHead(sql)}"`
  const hint = code === 'CONNECT_RETRIABLE' ? ' (retriable)' : ''
  return new DatabaseError(code, kind, `${KIND_NAMES[kind]} failed ${where}: ${driverMessage}${driverCode === undefined ? '' : ` [${driverCode}]`}${hint}`, driverCode, error)
}

/** A CONNECT_INVALID_CONFIG DatabaseError about the connection URL or options. */
export function configError(kind: DatabaseKind, message: string, cause?: unknown): DatabaseError {
  return new DatabaseError('CONNECT_INVALID_CONFIG', kind, message, undefined, cause)
}
