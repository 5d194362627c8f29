/**
 * Crash test of the JDBC connectors (issue 8): a standalone worker (`creek connect standalone`,
 * a child process) copies a 100,000-row SQLite table into a topic with the JDBC source and from
 * there into another database with the JDBC sink (PostgreSQL at PG_URL, else a second SQLite
 * file). It is killed with SIGKILL twice — once while the source is copying, once while the sink
 * is writing — and restarted each time. In the end the target table equals the source table and
 * the topic holds every row at least once.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { startCreek, type CreekProcess } from '../../helpers/creek-process.ts'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const ROWS = 100_000
const TOPIC = 'crash-items'

interface Target {
  readonly url: string
  count(): Promise<number>
  rows(): Promise<{ id: number; name: string; qty: number }[]>
  close(): Promise<void>
}

function sqliteTarget(file: string, table: string): Target {
  const open = () => new Database(file, { readonly: false, fileMustExist: false })
  const query = <T>(sql: string): T[] => {
    const db = open()
    try {
      const exists = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)
      return exists === undefined ? [] : (db.prepare(sql).all() as T[])
    } finally {
      db.close()
    }
  }
  return {
    url: `jdbc:sqlite:${file}`,
    count: async () => query<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`)[0]?.n ?? 0,
    rows: async () => query(`SELECT id, name, qty FROM "${table}" ORDER BY id`),
    close: async () => {},
  }
}

function postgresTarget(url: string, table: string): Target {
  const client = new pg.Client({ connectionString: url })
  const connected = client.connect()
  const exists = async () => (await client.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null
  return {
    url,
    count: async () => {
      await connected
      return (await exists()) ? Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n) : 0
    },
    rows: async () => {
      await connected
      const { rows } = await client.query(`SELECT id, name, qty FROM "${table}" ORDER BY id`)
      return rows.map((r) => ({ id: Number(r.id), name: r.name as string, qty: Number(r.qty) }))
    },
    close: async () => {
      await connected
      await client.query(`DROP TABLE IF EXISTS "${table}"`)
      await client.end()
    },
  }
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number, worker?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${worker ? `\nworker output:\n${worker()}` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('JDBC source and sink killed with SIGKILL twice', () => {
  let dir: string
  let broker: CreekProcess
  let creek: Creek
  let target: Target
  let workerOutput = ''

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'creek-jdbc-crash-'))
    broker = await startCreek(join(dir, 'broker'), { 'group.initial.rebalance.delay.ms': 0 })
    creek = Creek.connect({ bootstrap: broker.bootstrap })
  }, 30_000)

  afterAll(async () => {
    await creek?.close()
    await broker?.stop()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('ends with the target table equal to the source and every row in the topic', async () => {
    const sourceFile = join(dir, 'source.db')
    const source = new Database(sourceFile)
    source.exec('CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, qty INTEGER NOT NULL)')
    const insert = source.prepare('INSERT INTO items (name, qty) VALUES (?, ?)')
    source.transaction(() => {
      for (let i = 1; i <= ROWS; i++) insert.run(`item-${i}`, (i * 7919) % 1000)
    })()
    const expected = source.prepare('SELECT id, name, qty FROM items ORDER BY id').all() as { id: number; name: string; qty: number }[]
    source.close()

    const table = `items_copy_${process.pid}`
    target = process.env.PG_URL ? postgresTarget(process.env.PG_URL, table) : sqliteTarget(join(dir, 'target.db'), table)
    await creek.admin().createTopics([{ topic: TOPIC, numPartitions: 3 }])

    const files = {
      worker: join(dir, 'worker.json'),
      source: join(dir, 'source.json'),
      sink: join(dir, 'sink.json'),
    }
    writeFileSync(files.worker, JSON.stringify({
      'bootstrap.servers': broker.bootstrap,
      'offset.storage.file.filename': join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '300',
      // A killed worker's sink consumer leaves the group after its session timeout (Kafka's
      // default 45 s); the restarted one waits that long for its partitions.
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
    }))
    writeFileSync(files.source, JSON.stringify({
      name: 'items-source',
      config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
        'connection.url': `jdbc:sqlite:${sourceFile}`,
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.whitelist': 'items',
        'topic.prefix': 'crash-',
        'batch.max.rows': '1000',
        'poll.interval.ms': '200',
      },
    }))
    writeFileSync(files.sink, JSON.stringify({
      name: 'items-sink',
      config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'connection.url': target.url,
        topics: TOPIC,
        'table.name.format': table,
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.create': 'true',
        'batch.size': '1000',
      },
    }))

    let child: ChildProcess | null = null
    const startWorker = () => {
      const args = [join(ROOT, 'bin', 'creek.js'), 'connect', 'standalone', files.worker, files.source, files.sink, '--bootstrap', broker.bootstrap, '--log-level', 'warn']
      child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout!.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()))
      child.stderr!.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()))
    }
    const killWorker = async () => {
      const running = child!
      const exited = new Promise((r) => running.once('exit', r))
      expect(running.exitCode).toBeNull()
      process.kill(running.pid!, 'SIGKILL')
      await exited
    }
    const admin = creek.admin()
    const topicRecords = async () => (await admin.fetchTopicOffsets(TOPIC)).reduce((sum, p) => sum + p.latest, 0)
    const output = () => workerOutput.slice(-4000)

    try {
      // Killed while the source copies (and the sink follows it).
      startWorker()
      await waitFor('the source to copy 30,000 rows', async () => (await topicRecords()) >= 30_000, 60_000, output)
      await killWorker()
      // Killed again while the sink writes.
      startWorker()
      await waitFor('the sink to write 60,000 rows', async () => (await target.count()) >= 60_000, 90_000, output)
      await killWorker()
      // Runs to the end.
      startWorker()
      await waitFor('the target to hold every row', async () => (await target.count()) >= ROWS, 120_000, output)
    } finally {
      if (child !== null && (child as ChildProcess).exitCode === null) await killWorker()
    }

    const copied = await target.rows()
    expect(copied.length).toBe(ROWS)
    expect(copied).toEqual(expected)

    // The topic holds every row at least once (duplicates are allowed: at-least-once).
    const ids = new Set<number>()
    const total = await topicRecords()
    expect(total).toBeGreaterThanOrEqual(ROWS)
    const consumer = creek.consumer({ groupId: `crash-check-${process.pid}`, autoOffsetReset: 'earliest' })
    await consumer.subscribe({ topics: [TOPIC] })
    let seen = 0
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`read ${seen} of ${total} records of ${TOPIC}`)), 60_000)
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const envelope = JSON.parse(message.value!.toString()) as { payload: { id: number } }
            ids.add(Number(envelope.payload.id))
          }
          seen += batch.messages.length
          if (seen >= total) {
            clearTimeout(timer)
            done()
          }
        },
      })
    })
    await consumer.close()
    expect(ids.size).toBe(ROWS)
  }, 300_000)
})
