/**
 * `openDatabase(connectionUrl, options)`: the `Database` (database.ts) for a `connection.url`,
 * its driver chosen by the URL's scheme (connection-url.ts lists the accepted forms). The driver
 * module is loaded only when a URL needs it.
 *
 * Resolves once a first connection works (so a wrong host, password or database fails here, not
 * at the first query): CONNECT_RETRIABLE when the server cannot be reached, CONNECT_INVALID_CONFIG
 * for a bad URL, credentials or database name.
 */
import { parseConnectionUrl } from './connection-url.ts'
import type { Database, DatabaseConnectOptions } from './database.ts'
import { configError } from './database-error.ts'

export const DEFAULT_MAX_CONNECTIONS = 2

export async function openDatabase(connectionUrl: string, options: DatabaseConnectOptions = {}): Promise<Database> {
  const settings = parseConnectionUrl(connectionUrl, options)
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw configError(settings.kind, `maxConnections must be a positive integer, got ${maxConnections}`)
  }
  switch (settings.kind) {
    case 'sqlite': {
      const { openSqliteDatabase } = await import('./sqlite-database.ts')
      return openSqliteDatabase(settings.file, settings.busyTimeoutMs)
    }
    case 'postgresql': {
      const { openPostgresDatabase } = await import('./postgres-database.ts')
      return openPostgresDatabase(settings, maxConnections)
    }
    case 'mysql': {
      const { openMysqlDatabase } = await import('./mysql-database.ts')
      return openMysqlDatabase(settings, maxConnections)
    }
  }
}
