/**
 * File → topic → Streams → PostgreSQL, in one command:
 *
 *   node bin/run-ts.js examples/file-to-postgres/main.ts                  the sample orders.csv
 *   node bin/run-ts.js examples/file-to-postgres/main.ts --file my.csv    your own file
 *   node bin/run-ts.js examples/file-to-postgres/main.ts --follow         keep following appends
 *
 * Three parts run in this process on an embedded broker (data in a temporary directory, removed
 * at the end):
 * 1. a standalone Connect worker with the file source (`FileStreamSource`): the file's lines go
 *    to `orders-raw`, one record per line;
 * 2. a Streams app (orders-topology.ts) that parses them into orders and writes `orders` (key:
 *    the order id; value: Kafka Connect's JSON envelope), and malformed lines to
 *    `orders-rejected`;
 * 3. the JDBC sink (`JdbcSink`) on the same worker, which upserts `orders` into the table
 *    `orders` (created from the records' schema on first use; the order id is the primary key,
 *    so a later line with the same id updates the row).
 *
 * PostgreSQL: `--pg-url`, else `PG_URL`, else the local server
 * (postgres://postgres@127.0.0.1:5432/test); when none of them answers, an in-memory PGlite
 * database is served over TCP on a free port (say so with `--pglite`). Once every line of the
 * file is in the table, the table is printed and the command stops (unless `--follow`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import pg from 'pg'
import { Worker } from '../../connect/index.ts'
import { Creek } from '../../core/index.ts'
import { CreekStreams, StreamsState } from '../../streams/index.ts'
import { APPLICATION_ID, ORDERS_TOPIC, ordersTopology, RAW_TOPIC, REJECTED_TOPIC } from './orders-topology.ts'

const here = dirname(fileURLToPath(import.meta.url))
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/test'
const USAGE = `usage: node bin/run-ts.js examples/file-to-postgres/main.ts [--file orders.csv] [--table orders] [--pg-url url | --pglite] [--follow]
  --file     CSV lines id,customer,amount,ordered_at (default: the sample orders.csv beside this script)
  --table    the PostgreSQL table the sink writes (default: orders)
  --pg-url   PostgreSQL to write to (default: PG_URL, else ${LOCAL_PG}, else an in-memory PGlite)
  --pglite   use an in-memory PGlite served over TCP, whatever else is running
  --follow   keep following the file's appends until Ctrl-C`

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: join(here, 'orders.csv') },
    table: { type: 'string', default: 'orders' },
    'pg-url': { type: 'string' },
    pglite: { type: 'boolean', default: false },
    follow: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(args.table!)) {
  console.error(`file-to-postgres: --table must be a plain SQL name, got '${args.table}'\n${USAGE}`)
  process.exit(2)
}
const file = resolve(args.file!)
const table = args.table!
const CATCH_UP_TIMEOUT_MS = 120_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A PostgreSQL URL that answers, or an in-memory PGlite served on a free port. */
async function postgres(): Promise<{ url: string; what: string; close: () => Promise<void> }> {
  const explicit = args['pg-url'] ?? process.env.PG_URL
  if (!args.pglite) {
    const url = explicit ?? LOCAL_PG
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    try {
      await probe.connect()
      await probe.end()
      return { url, what: `PostgreSQL at ${new URL(url).host}`, close: async () => {} }
    } catch (error) {
      await probe.end().catch(() => {})
      if (explicit !== undefined) throw new Error(`cannot reach PostgreSQL at ${url}: ${(error as Error).message}`)
    }
  }
  const db = await PGlite.create()
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 })
  await server.start()
  const url = `postgres://postgres@${server.getServerConn()}/postgres`
  return {
    url,
    what: `an in-memory PGlite at ${server.getServerConn()}`,
    close: async () => {
      await server.stop()
      await db.close()
    },
  }
}

const home = mkdtempSync(join(tmpdir(), 'creek-file-to-postgres-'))
let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
})
const database = await postgres()
const sql = new pg.Client({ connectionString: database.url })
await sql.connect()
const creek = await Creek.open({ dataDir: join(home, 'data'), config: { 'group.initial.rebalance.delay.ms': 0 } })
const worker = new Worker({
  creek,
  config: { 'offset.storage.file.filename': join(home, 'connect.offsets'), 'offset.flush.interval.ms': 1000 },
})
let app: CreekStreams | undefined
try {
  const admin = creek.admin()
  await admin.createTopics([RAW_TOPIC, ORDERS_TOPIC, REJECTED_TOPIC].map((topic) => ({ topic, numPartitions: 1 })))
  app = new CreekStreams(ordersTopology(), { creek, applicationId: APPLICATION_ID, commitIntervalMs: 500, stateDir: join(home, 'state') })
  let failed = false
  app.onStateChange((next) => {
    if (next === StreamsState.ERROR) failed = true
  })
  await app.start()
  await worker.start()
  await worker.createConnector({
    name: 'orders-file',
    config: {
      'connector.class': 'FileStreamSource',
      file,
      topic: RAW_TOPIC,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    },
  })
  await worker.createConnector({
    name: 'orders-postgres',
    config: {
      'connector.class': 'JdbcSink',
      'connection.url': database.url,
      topics: ORDERS_TOPIC,
      'table.name.format': table,
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'auto.create': 'true',
      'auto.evolve': 'true',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    },
  })
  console.log(`file-to-postgres: ${relative(process.cwd(), file) || file} → '${RAW_TOPIC}' → Streams → '${ORDERS_TOPIC}' → table '${table}' on ${database.what}. Ctrl-C stops.`)

  const stopped = () => interrupted || failed
  const status = () => [worker.status('orders-file'), worker.status('orders-postgres')]
  const failure = () => status().flatMap((s) => [s.connector, ...s.tasks]).find((s) => s.state === 'FAILED')
  // Caught up: the sink's group has committed `orders` to its end and the Streams app `orders-raw`.
  const committed = async (group: string, topic: string) => {
    const offsets = await admin.listGroupOffsets(group, { topics: [topic] })
    return offsets.length > 0 && offsets.every((o) => o.committedOffset >= o.logEndOffset)
  }
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS
  let lastLines = -1
  for (;;) {
    const broken = failure()
    if (broken !== undefined) throw new Error(`a connector failed: ${broken.trace ?? broken.state}`)
    if (stopped()) break
    const [raw] = await admin.fetchTopicOffsets(RAW_TOPIC)
    const caughtUp = raw.latest > 0 && raw.latest === lastLines
      && await committed(APPLICATION_ID, RAW_TOPIC) && await committed(`connect-orders-postgres`, ORDERS_TOPIC)
    if (caughtUp && !args.follow) break
    lastLines = raw.latest
    if (Date.now() > deadline && !args.follow) throw new Error(`the pipeline did not catch up within ${CATCH_UP_TIMEOUT_MS} ms`)
    await sleep(args.follow ? 1000 : 250)
  }
  if (failed) throw new Error('the Streams app failed (state ERROR)')
  const [rejected] = await admin.fetchTopicOffsets(REJECTED_TOPIC)
  const { rows } = await sql.query(`SELECT id, customer, amount, ordered_at FROM ${table} ORDER BY id`)
  console.log(`Table '${table}' (${rows.length} rows; ${rejected.latest} malformed line${rejected.latest === 1 ? '' : 's'} in '${REJECTED_TOPIC}'):`)
  console.log(`  ${'id'.padEnd(8)} ${'customer'.padEnd(10)} ${'amount'.padStart(9)}  ordered_at`)
  for (const row of rows) {
    console.log(`  ${String(row.id).padEnd(8)} ${String(row.customer).padEnd(10)} ${Number(row.amount).toFixed(2).padStart(9)}  ${(row.ordered_at as Date).toISOString()}`)
  }
  if (interrupted) process.exitCode = 130
} catch (error) {
  console.error(`file-to-postgres: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await worker.stop().catch(() => {})
  await app?.close({ timeoutMs: 30_000 })
  await creek.close()
  await sql.end()
  await database.close()
  rmSync(home, { recursive: true, force: true })
}
