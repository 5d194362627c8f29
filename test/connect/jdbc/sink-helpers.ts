/**
 * Helpers of the JDBC sink tests: an embedded Creek with a standalone Worker using the default
 * converters (JsonConverter envelopes), JSON envelope builders, and waits on database rows.
 */
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Creek } from '../../../core/index.ts'
import { Decimal } from '../../../connect/api/logical-types.ts'
import type { Database } from '../../../connect/connectors/jdbc/database.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import type { TestDatabase } from '../../helpers/databases.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, waitFor } from '../runtime/helpers.ts'

export const FAST_GROUP = {
  'consumer.override.session.timeout.ms': '1000',
  'consumer.override.heartbeat.interval.ms': '100',
  'consumer.override.fetch.max.wait.ms': '50',
}

export const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
}

export interface SinkHarness {
  readonly creek: Creek
  readonly worker: Worker
  close(): Promise<void>
}

/** An embedded Creek and a started Worker with the default plugins and data plugins. */
export async function sinkHarness(): Promise<SinkHarness> {
  const dir = tempDir('creek-jdbc-sink-')
  const creek = await openCreek(join(dir, 'data'))
  const worker = new Worker({ creek, config: { 'offset.storage.file.filename': join(dir, 'offsets'), 'offset.flush.interval.ms': 200 } })
  await worker.start()
  return {
    creek, worker,
    close: async () => {
      await worker.stop().catch(() => undefined)
      await creek.close().catch(() => undefined)
    },
  }
}

export interface SinkSuite {
  readonly harness: SinkHarness
  readonly db: Database
  /** Creates sink connector `name` from `topic` into `target` (JSON converters, a fast group). */
  sink(name: string, topic: string, props: Record<string, string>): Promise<unknown>
  /** `name` quoted for the target database. */
  q(name: string): string
}

/**
 * For a `describe` block on `target`: a harness and a database opened before its tests and
 * closed after them, and a starter of `connectorClass` sinks (the short name or Confluent's).
 */
export function sinkSuite(target: TestDatabase, connectorClass = 'JdbcSink'): SinkSuite {
  let harness: SinkHarness | null = null
  let db: Database | null = null
  beforeAll(async () => {
    harness = await sinkHarness()
    db = await target.open()
  })
  afterAll(async () => {
    await harness?.close()
  })
  const ready = <V>(value: V | null): V => {
    if (value === null) throw new Error('sinkSuite: used outside of a test (before beforeAll ran)')
    return value
  }
  return {
    get harness() { return ready(harness) },
    get db() { return ready(db) },
    sink: (name, topic, props) => ready(harness).worker.createConnector({
      name, 'connector.class': connectorClass, topics: topic, 'connection.url': target.url, ...JSON_CONVERTERS, ...FAST_GROUP, ...props,
    }),
    q: (name) => ready(db).quoteIdentifier(name),
  }
}

type JsonSchema = Record<string, unknown>

export const T = {
  int32: (optional = false): JsonSchema => ({ type: 'int32', optional }),
  int64: (optional = false): JsonSchema => ({ type: 'int64', optional }),
  int16: (optional = false): JsonSchema => ({ type: 'int16', optional }),
  float64: (optional = false): JsonSchema => ({ type: 'double', optional }),
  float32: (optional = false): JsonSchema => ({ type: 'float', optional }),
  boolean: (optional = false): JsonSchema => ({ type: 'boolean', optional }),
  string: (optional = false): JsonSchema => ({ type: 'string', optional }),
  bytes: (optional = false): JsonSchema => ({ type: 'bytes', optional }),
  decimal: (scale: number, optional = false): JsonSchema => ({ type: 'bytes', optional, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: String(scale) } }),
  date: (optional = false): JsonSchema => ({ type: 'int32', optional, name: 'org.apache.kafka.connect.data.Date', version: 1 }),
  time: (optional = false): JsonSchema => ({ type: 'int32', optional, name: 'org.apache.kafka.connect.data.Time', version: 1 }),
  timestamp: (optional = false): JsonSchema => ({ type: 'int64', optional, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 }),
}

/** A struct schema of `fields` (name → JSON schema), in order. */
export function struct(name: string, fields: Record<string, JsonSchema>): JsonSchema {
  return { type: 'struct', name, optional: false, fields: Object.entries(fields).map(([field, schema]) => ({ field, ...schema })) }
}

/** The JsonConverter envelope of `payload` with `schema`. */
export function envelope(schema: JsonSchema, payload: unknown): string {
  return JSON.stringify({ schema, payload })
}

/** The JSON payload form of a Decimal (BASE64 of the unscaled bytes). */
export function decimalPayload(value: string, scale: number): string {
  return Decimal.fromLogical(Decimal.schema(scale), value).toString('base64')
}

export const DAY_MS = 86_400_000

/** Rows of `sql` once `ready(rows)` holds (polling). */
export async function waitForRows(db: Database, sql: string, ready: (rows: readonly (readonly unknown[])[]) => boolean, timeoutMs = 15_000): Promise<(readonly unknown[])[]> {
  let rows: (readonly unknown[])[] = []
  await waitFor(async () => {
    try {
      rows = [...(await db.query(sql)).rows]
    } catch {
      return false
    }
    return ready(rows)
  }, timeoutMs, `rows of "${sql}"`)
  return rows
}

export async function produce(creek: Creek, topic: string, messages: readonly { key?: string | null; value: string | null }[]): Promise<void> {
  const producer = creek.producer()
  await producer.send({ topic, messages: messages.map((m) => ({ key: m.key ?? null, value: m.value })) })
  await producer.close()
}
