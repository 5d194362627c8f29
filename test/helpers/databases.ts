/**
 * The databases the JDBC connector tests run against, one `TestDatabase` each:
 * - SQLite: a file in a temporary directory of this test file;
 * - PostgreSQL: the server at `PG_URL` (CI), else PGlite in memory served over TCP
 *   (`@electric-sql/pglite-socket`, 127.0.0.1, a free port), started once per test file;
 * - MySQL/MariaDB: the server at `MYSQL_URL`; left out when it is unset.
 *
 * ```ts
 * const databases = testDatabases()          // at the top of a test file: registers beforeAll/afterAll
 * describe.each(databases)('$label', (target) => {
 *   it('…', async () => {
 *     const db = await target.open()          // a Database on it, closed after the file
 *     const table = target.uniqueName('orders') // dropped after the file (or by target.cleanup())
 *     await worker.createConnector({ 'connection.url': target.url, … })
 *   })
 * })
 * ```
 *
 * Test files run in parallel against the shared servers: `uniqueName` makes names no other file
 * (or run) uses — lower case, under 63 characters, safe unquoted. `cleanup()` drops every table
 * and view named through `uniqueName` so far; it runs after the file, and a test may call it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Database, DatabaseKind } from '../../connect/connectors/jdbc/database.ts'
import { openDatabase } from '../../connect/connectors/jdbc/open-database.ts'

export interface TestDatabase {
  readonly kind: DatabaseKind
  /** `sqlite`, `postgresql`, `postgresql (PGlite)`, `mysql`: for test titles. */
  readonly label: string
  /** A `connection.url` for connector configs (available once the file's `beforeAll` ran). */
  readonly url: string
  /** A table name of `prefix` that no other test file or run uses; dropped by `cleanup`. */
  uniqueName(prefix: string): string
  /** A new Database on it (closed by `cleanup` after the file). */
  open(): Promise<Database>
  /** Drops every table and view named by `uniqueName`, closes what `open` opened. */
  cleanup(): Promise<void>
}

let counter = 0
const runId = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')}`

class Target implements TestDatabase {
  readonly kind: DatabaseKind
  readonly label: string
  #url: string | null
  readonly #start: (() => Promise<{ url: string; stop: () => Promise<void> }>) | null
  #stop: (() => Promise<void>) | null = null
  readonly #names: string[] = []
  readonly #opened: Database[] = []

  constructor(kind: DatabaseKind, label: string, url: string | null, start: (() => Promise<{ url: string; stop: () => Promise<void> }>) | null) {
    this.kind = kind
    this.label = label
    this.#url = url
    this.#start = start
  }

  get url(): string {
    if (this.#url === null) throw new Error(`${this.label} is not started: call testDatabases() at the top of the test file (it starts it in beforeAll)`)
    return this.#url
  }

  toString(): string {
    return this.label
  }

  async start(): Promise<void> {
    if (this.#url !== null || this.#start === null) return
    const started = await this.#start()
    this.#url = started.url
    this.#stop = started.stop
  }

  uniqueName(prefix: string): string {
    const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30)
    const name = `${clean}_${runId}_${(++counter).toString(36)}`
    this.#names.push(name)
    return name
  }

  async open(): Promise<Database> {
    const db = await openDatabase(this.url)
    this.#opened.push(db)
    return db
  }

  async cleanup(): Promise<void> {
    const names = this.#names.splice(0)
    if (names.length > 0 && this.#url !== null) {
      const db = await openDatabase(this.#url)
      try {
        for (const name of names.reverse()) {
          await db.execute(`DROP VIEW IF EXISTS ${db.quoteIdentifier(name)}`).catch(() => undefined)
          await db.execute(`DROP TABLE IF EXISTS ${db.quoteIdentifier(name)}`).catch(() => undefined)
        }
      } finally {
        await db.close()
      }
    }
    for (const db of this.#opened.splice(0)) await db.close().catch(() => undefined)
  }

  async stop(): Promise<void> {
    await this.cleanup()
    await this.#stop?.()
    this.#stop = null
  }
}

async function startPglite(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
  const db = await PGlite.create()
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
  await server.start()
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    stop: async () => {
      await server.stop()
      await db.close()
    },
  }
}

function sqliteTarget(): Target {
  return new Target('sqlite', 'sqlite', null, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creek-jdbc-'))
    return { url: `jdbc:sqlite:${join(dir, 'test.db')}`, stop: async () => rmSync(dir, { recursive: true, force: true }) }
  })
}

/**
 * The databases to test against (see the file comment). Call it once, at the top level of a
 * test file: it registers the `beforeAll` that starts them and the `afterAll` that cleans up.
 * `only` keeps some kinds (e.g. `['sqlite']` for a quick file).
 */
export function testDatabases(options: { readonly only?: readonly DatabaseKind[] } = {}): TestDatabase[] {
  const targets: Target[] = [sqliteTarget()]
  const pgUrl = process.env.PG_URL
  targets.push(pgUrl ? new Target('postgresql', 'postgresql', pgUrl, null) : new Target('postgresql', 'postgresql (PGlite)', null, startPglite))
  const mysqlUrl = process.env.MYSQL_URL
  if (mysqlUrl) targets.push(new Target('mysql', 'mysql', mysqlUrl, null))
  const chosen = options.only === undefined ? targets : targets.filter((t) => options.only!.includes(t.kind))
  beforeAll(async () => {
    for (const target of chosen) await target.start()
  }, 60_000)
  afterAll(async () => {
    for (const target of chosen) await target.stop()
  }, 60_000)
  return chosen
}
