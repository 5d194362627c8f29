/**
 * Parses `connection.url` as Kafka Connect users write it (JDBC URLs) and as Node users write it
 * (driver URLs) into the driver-neutral settings the database files connect with.
 *
 *   jdbc:sqlite:/path/file.db[?busy_timeout=ms]   sqlite:/path/file.db   sqlite:///path/file.db   jdbc:sqlite::memory:
 *   jdbc:postgresql://host:5432/db?user=u&password=p    postgres://u:p@host:5432/db    postgresql://…
 *   jdbc:mysql://host:3306/db?user=u   jdbc:mariadb://host/db   mysql://u:p@host/db   mariadb://…
 *
 * User and password come from, in order of precedence: the options (`connection.user`,
 * `connection.password`), the URL's `user`/`password` query parameters, the URL's userinfo.
 * Other query parameters are kept in `params` (e.g. `sslmode`). A URL no scheme matches is a
 * CONNECT_INVALID_CONFIG error that lists the accepted forms.
 */
import type { DatabaseConnectOptions, DatabaseKind } from './database.ts'
import { configError } from './database-error.ts'

export interface SqliteSettings {
  readonly kind: 'sqlite'
  /** A file path or `:memory:`. */
  readonly file: string
  /** How long a statement waits for another connection's lock (`?busy_timeout=ms`, sqlite-jdbc's name; default 5000). */
  readonly busyTimeoutMs: number
}

export interface ServerSettings {
  readonly kind: 'postgresql' | 'mysql'
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string | undefined
  readonly password: string | undefined
  readonly params: Readonly<Record<string, string>>
}

export type ConnectionSettings = SqliteSettings | ServerSettings

const ACCEPTED = 'jdbc:sqlite:<file>, sqlite:<file>, jdbc:postgresql://host:port/db, postgres://user:pass@host:port/db, jdbc:mysql://host:port/db, jdbc:mariadb://host:port/db, mysql://user:pass@host:port/db'

/** The database kind a URL selects, or null when no scheme matches. */
export function kindOfUrl(url: string): DatabaseKind | null {
  const bare = url.trim().replace(/^jdbc:/i, '').toLowerCase()
  if (bare.startsWith('sqlite:')) return 'sqlite'
  if (bare.startsWith('postgresql:') || bare.startsWith('postgres:')) return 'postgresql'
  if (bare.startsWith('mysql:') || bare.startsWith('mariadb:')) return 'mysql'
  return null
}

export function parseConnectionUrl(url: string, options: DatabaseConnectOptions = {}): ConnectionSettings {
  const kind = kindOfUrl(url)
  if (kind === null) {
    throw configError('sqlite', `connection.url "${redact(url)}" names no supported database; use one of: ${ACCEPTED}`)
  }
  const bare = url.trim().replace(/^jdbc:/i, '')
  if (kind === 'sqlite') {
    let file = bare.slice('sqlite:'.length)
    const query = file.indexOf('?')
    const params = new URLSearchParams(query >= 0 ? file.slice(query + 1) : '')
    if (query >= 0) file = file.slice(0, query)
    if (file.startsWith('//')) file = file.slice(2)
    if (file === '') throw configError('sqlite', `connection.url "${url}" names no SQLite file (e.g. jdbc:sqlite:/var/data/app.db)`)
    const busy = params.get('busy_timeout') ?? '5000'
    if (!/^\d+$/.test(busy)) throw configError('sqlite', `connection.url "${url}": busy_timeout must be a number of milliseconds, got "${busy}"`)
    return { kind, file: file === 'memory:' ? ':memory:' : decodeURIComponent(file), busyTimeoutMs: Number(busy) }
  }
  let parsed: URL
  try {
    // WHATWG URL parses special schemes only; `http:` gives host, port and path parsing.
    parsed = new URL(bare.replace(/^[a-z]+:/i, 'http:'))
  } catch (error) {
    throw configError(kind, `connection.url "${redact(url)}" is not a valid URL (${ACCEPTED})`, error)
  }
  const params: Record<string, string> = {}
  for (const [k, v] of parsed.searchParams) params[k] = v
  const userFromUrl = params.user ?? (parsed.username === '' ? undefined : decodeURIComponent(parsed.username))
  const passwordFromUrl = params.password ?? (parsed.password === '' ? undefined : decodeURIComponent(parsed.password))
  delete params.user
  delete params.password
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (parsed.hostname === '') throw configError(kind, `connection.url "${redact(url)}" names no host`)
  return {
    kind,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? (kind === 'postgresql' ? 5432 : 3306) : Number(parsed.port),
    database,
    user: nonEmpty(options.user) ?? userFromUrl,
    password: options.password ?? passwordFromUrl,
    params,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** The URL with any password hidden (for messages). */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***')
}
