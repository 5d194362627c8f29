/**
 * Connect benchmark against the PostgreSQL server at PG_URL (default the local one):
 * - pg COPY: the rows written straight into a table with `COPY … FROM STDIN` (the peer: what
 *   PostgreSQL itself ingests on this machine in the same run);
 * - JDBC source: a standalone worker copies the table into a topic (`mode=incrementing`) on an
 *   embedded Creek; rows/s from the connector's start until the topic holds every row;
 * - JDBC sink: a second connector upserts the topic into another table (`insert.mode=upsert`,
 *   `pk.mode=record_value`, `auto.create`); rows/s until the table holds every row.
 *
 * Both connectors use the worker's default JsonConverter with schemas (Kafka Connect's default).
 * Beside rows/s, each phase prints this process's CPU time per row (worker, converters, producer
 * or consumer, and the embedded broker; not PostgreSQL's), steadier than rows/s on a busy machine.
 * CREEK_BENCH_CPU_PROFILE=<dir> writes `source.cpuprofile` and `sink.cpuprofile` (bench/_profile.ts).
 *
 * Targets (issue 8): source >= 100,000 rows/s, sink with upserts >= 50,000 rows/s.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { Worker } from '../connect/index.ts'
import { Creek } from '../core/index.ts'
import { profiled } from './_profile.ts'
import { fmt, report } from './_report.ts'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ROWS = Number(process.env.CREEK_BENCH_ROWS ?? 200_000)
const suffix = `${process.pid}`
const SOURCE = `bench_src_${suffix}`
const COPY_TARGET = `bench_copy_${suffix}`
const SINK_TARGET = `bench_sink_${suffix}`
const TOPIC = `bench-${SOURCE}`
const COLUMNS = '(id bigint primary key, name text not null, amount numeric(12,2) not null, created_at timestamptz not null, active boolean not null)'

const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-connect-'))
const client = new pg.Client({ connectionString: PG_URL })

function* copyLines(): Generator<string> {
  const base = Date.UTC(2026, 0, 1)
  let chunk = ''
  for (let id = 1; id <= ROWS; id++) {
    chunk += `${id}\tcustomer-${id % 9973}\t${(id % 100_000) / 100}\t${new Date(base + id * 1000).toISOString()}\t${id % 2 === 0 ? 't' : 'f'}\n`
    if (id % 1000 === 0) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk !== '') yield chunk
}

async function copyInto(table: string): Promise<number> {
  const start = performance.now()
  await pipeline(Readable.from(copyLines()), client.query(copyFrom(`COPY ${table} FROM STDIN`)))
  return ROWS / ((performance.now() - start) / 1000)
}

async function count(table: string): Promise<number> {
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`)
  return rows[0].n as number
}

/** This process's CPU time (user + system) since `since`, in µs per row (the database's own CPU is not included). */
function cpuMicrosPerRow(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / ROWS
}

async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

await client.connect()
let creek: Creek | null = null
let worker: Worker | null = null
try {
  for (const table of [SOURCE, COPY_TARGET]) await client.query(`CREATE TABLE ${table} ${COLUMNS}`)
  const copyRps = await copyInto(COPY_TARGET)
  await copyInto(SOURCE)
  await client.query(`ANALYZE ${SOURCE}`)

  creek = await Creek.open({ dataDir: join(root, 'creek'), config: { 'group.initial.rebalance.delay.ms': 0 } })
  await creek.admin().createTopics([{ topic: TOPIC, numPartitions: 3 }])
  worker = new Worker({ creek, config: { 'offset.storage.file.filename': join(root, 'offsets.json'), 'offset.flush.interval.ms': 1000 } })
  await worker.start()

  const admin = creek.admin()
  const topicRecords = async () => {
    const offsets = await admin.fetchTopicOffsets(TOPIC)
    return offsets.reduce((sum, p) => sum + p.latest, 0)
  }
  let start = performance.now()
  let cpu = process.cpuUsage()
  await profiled('source', () => worker!.createConnector({
    name: 'bench-source',
    config: {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': PG_URL,
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': SOURCE,
      'topic.prefix': 'bench-',
      'poll.interval.ms': '100',
      'batch.max.rows': '5000',
    },
  }).then(() => waitUntil('the source to copy every row', async () => (await topicRecords()) >= ROWS, 300_000)))
  const sourceRps = ROWS / ((performance.now() - start) / 1000)
  const sourceCpu = cpuMicrosPerRow(cpu)
  await worker.deleteConnector('bench-source')

  start = performance.now()
  cpu = process.cpuUsage()
  await profiled('sink', () => worker!.createConnector({
    name: 'bench-sink',
    config: {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': PG_URL,
      topics: TOPIC,
      'table.name.format': SINK_TARGET,
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'auto.create': 'true',
      'consumer.override.max.poll.records': '5000',
    },
  }).then(() => waitUntil('the sink to write every row', async () => {
    const exists = await client.query('SELECT to_regclass($1) AS t', [SINK_TARGET])
    return exists.rows[0].t !== null && (await count(SINK_TARGET)) >= ROWS
  }, 300_000)))
  const sinkRps = ROWS / ((performance.now() - start) / 1000)
  const sinkCpu = cpuMicrosPerRow(cpu)

  console.log(`rows: ${fmt(ROWS)} (id, name, amount numeric(12,2), created_at timestamptz, active) on ${new URL(PG_URL).host}`)
  console.log(`pg COPY into a table (peer):           ${fmt(copyRps)} rows/s`)
  console.log(`JDBC source, table -> topic:           ${fmt(sourceRps)} rows/s (${fmt((sourceRps / copyRps) * 100, 1)}% of COPY; target >= 100,000), ${fmt(sourceCpu, 2)} µs CPU/row in this process`)
  console.log(`JDBC sink, topic -> table with upserts: ${fmt(sinkRps)} rows/s (${fmt((sinkRps / copyRps) * 100, 1)}% of COPY; target >= 50,000), ${fmt(sinkCpu, 2)} µs CPU/row in this process`)
  report('connect', {
    jdbc_source_rows_per_s: sourceRps,
    jdbc_sink_upsert_rows_per_s: sinkRps,
    pg_copy_rows_per_s: copyRps,
    source_vs_copy: sourceRps / copyRps,
    sink_vs_copy: sinkRps / copyRps,
    jdbc_source_cpu_us_per_row: sourceCpu,
    jdbc_sink_cpu_us_per_row: sinkCpu,
  })
} finally {
  await worker?.stop().catch(() => {})
  await creek?.close().catch(() => {})
  for (const table of [SOURCE, COPY_TARGET, SINK_TARGET]) await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {})
  await client.end()
  rmSync(root, { recursive: true, force: true })
}
