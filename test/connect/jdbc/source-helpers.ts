/**
 * Helpers of the JDBC source tests: a standalone worker on an embedded Creek with the JSON
 * converter (schemas off: one JSON object per row), per-dialect DDL, and topic reads.
 */
import { join } from 'node:path'
import type { Creek } from '../../../core/index.ts'
import type { Database, DatabaseKind } from '../../../connect/connectors/jdbc/database.ts'
import { defaultPlugins } from '../../../connect/runtime/default-plugins.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic } from '../runtime/helpers.ts'

export interface SourceHarness {
  readonly creek: Creek
  readonly offsetFile: string
  newWorker(): Promise<Worker>
  /** Rows of a topic as parsed JSON (waits for at least `atLeast`). */
  rows(topic: string, atLeast: number, timeoutMs?: number): Promise<Record<string, unknown>[]>
  close(): Promise<void>
}

export async function sourceHarness(options: { flushMs?: number } = {}): Promise<SourceHarness> {
  const dir = tempDir('creek-jdbc-src-')
  const creek = await openCreek(join(dir, 'data'))
  const offsetFile = join(dir, 'connect.offsets')
  const workers: Worker[] = []
  return {
    creek,
    offsetFile,
    async newWorker() {
      const worker = new Worker({
        creek, plugins: defaultPlugins(),
        config: {
          'offset.storage.file.filename': offsetFile, 'offset.flush.interval.ms': options.flushMs ?? 60_000,
          'value.converter.schemas.enable': 'false', 'key.converter.schemas.enable': 'false',
        },
      })
      await worker.start()
      workers.push(worker)
      return worker
    },
    async rows(topic, atLeast, timeoutMs = 10_000) {
      const { values } = await readTopic(creek, topic, atLeast, timeoutMs)
      return values.map((v) => JSON.parse(v) as Record<string, unknown>)
    },
    async close() {
      for (const worker of workers.splice(0).reverse()) await worker.stop().catch(() => undefined)
      await creek.close()
    },
  }
}

/** Column definitions per dialect. */
/** A JdbcSource connector named `jdbc` on `url`, topics `db-<table>`, polling every 50 ms, with `extra`. */
export function jdbcSource(url: string, extra: Record<string, string>): Record<string, string> {
  return { name: 'jdbc', 'connector.class': 'JdbcSource', 'connection.url': url, 'topic.prefix': 'db-', 'poll.interval.ms': '50', ...extra }
}

export function ddl(kind: DatabaseKind) {
  return {
    autoId: kind === 'sqlite' ? 'INTEGER PRIMARY KEY' : kind === 'postgresql' ? 'SERIAL PRIMARY KEY' : 'INT AUTO_INCREMENT PRIMARY KEY',
    /** A timestamp column at the database's finest precision. */
    timestamp: kind === 'sqlite' ? 'TIMESTAMP' : kind === 'postgresql' ? 'TIMESTAMP' : 'DATETIME(6)',
    timestamptz: kind === 'sqlite' ? 'TIMESTAMP' : kind === 'postgresql' ? 'TIMESTAMPTZ' : 'TIMESTAMP(6)',
    text: kind === 'mysql' ? 'VARCHAR(255)' : 'TEXT',
    bytes: kind === 'sqlite' ? 'BLOB' : kind === 'postgresql' ? 'BYTEA' : 'BLOB',
    json: kind === 'sqlite' ? 'JSON' : kind === 'postgresql' ? 'JSONB' : 'JSON',
    double: kind === 'postgresql' ? 'DOUBLE PRECISION' : 'DOUBLE',
  }
}

/** Inserts rows given as column → value objects (same columns in each). */
export async function insertRows(db: Database, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0])
  const placeholders = `(${columns.map(() => '?').join(', ')})`
  const chunk = 500
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk)
    await db.execute(
      `INSERT INTO ${db.quoteIdentifier(table)} (${columns.map((c) => db.quoteIdentifier(c)).join(', ')}) VALUES ${part.map(() => placeholders).join(', ')}`,
      part.flatMap((row) => columns.map((c) => row[c])),
    )
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
