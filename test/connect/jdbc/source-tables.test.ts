import { afterEach, describe, expect, it } from 'vitest'
import { Decimal, Timestamp } from '../../../connect/api/logical-types.ts'
import type { SourceRecord } from '../../../connect/api/records.ts'
import { LOGICAL } from '../../../connect/api/schema.ts'
import type { Struct } from '../../../connect/api/struct.ts'
import { parseJdbcSourceConfig } from '../../../connect/connectors/jdbc/source/jdbc-source-config.ts'
import { selectTables } from '../../../connect/connectors/jdbc/source/jdbc-source-connector.ts'
import { JdbcSourceTask, formatTables } from '../../../connect/connectors/jdbc/source/jdbc-source-task.ts'
import { testDatabases } from '../../helpers/databases.ts'
import { waitFor } from '../runtime/helpers.ts'
import { ddl, insertRows, sourceHarness, type SourceHarness } from './source-helpers.ts'

const databases = testDatabases()

let harness: SourceHarness | null = null
const tasks: JdbcSourceTask[] = []
afterEach(async () => {
  for (const task of tasks.splice(0)) await task.stop()
  await harness?.close()
  harness = null
})

async function startTask(props: Record<string, string>): Promise<JdbcSourceTask> {
  const task = new JdbcSourceTask()
  tasks.push(task)
  task.initialize({ offsetStorageReader: { offset: async () => null, offsets: async () => new Map() }, configs: props })
  await task.start(props)
  return task
}

async function pollAll(task: JdbcSourceTask, atLeast: number): Promise<SourceRecord[]> {
  const records: SourceRecord[] = []
  const deadline = Date.now() + 5000
  while (records.length < atLeast && Date.now() < deadline) records.push(...((await task.poll()) ?? []))
  return records
}

describe.each(databases)('JdbcSource tables and types on $label', (target) => {
  it('copies the tables the include/exclude lists keep, split over tasks.max, and picks up a new table', async () => {
    const db = await target.open()
    const [a, b, skip, c] = [target.uniqueName('sel_a'), target.uniqueName('sel_b'), target.uniqueName('sel_skip'), target.uniqueName('sel_c')]
    for (const name of [a, b, skip]) {
      await db.execute(`CREATE TABLE ${name} (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)`)
      await insertRows(db, name, [{ id: 1, v: 10 }, { id: 2, v: 20 }])
    }
    harness = await sourceHarness()
    const worker = await harness.newWorker()
    await worker.createConnector({
      name: 'sel', 'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url': target.url, mode: 'incrementing',
      'incrementing.column.name': 'id', 'topic.prefix': 't-', 'poll.interval.ms': '50', 'table.poll.interval.ms': '100', 'tasks.max': '4',
      'table.include.list': [a, b, skip, c].join('|'), 'table.exclude.list': 'sel_skip.*',
    })
    await waitFor(() => worker.status('sel').tasks.length === 2 && worker.status('sel').tasks.every((t) => t.state === 'RUNNING'), 5000, 'two tasks')
    expect((await harness.rows(`t-${a}`, 2)).map((r) => r.v)).toEqual([10, 20])
    expect((await harness.rows(`t-${b}`, 2)).map((r) => r.v)).toEqual([10, 20])

    await db.execute(`CREATE TABLE ${c} (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)`)
    await insertRows(db, c, [{ id: 1, v: 30 }])
    expect((await harness.rows(`t-${c}`, 1)).map((r) => r.v)).toEqual([30])
    await waitFor(() => worker.status('sel').tasks.length === 3, 5000, 'a third task')
    const admin = harness.creek.admin()
    const topics = await admin.listTopics()
    await admin.close()
    expect(topics.filter((t) => t.startsWith('t-')).sort()).toEqual([`t-${a}`, `t-${b}`, `t-${c}`].sort())
  })

  it('fails with a clear config error for a missing incrementing column, a nullable one, or no auto-increment column', async () => {
    const db = await target.open()
    const table = target.uniqueName('bad')
    await db.execute(`CREATE TABLE ${table} (id INT, name ${ddl(target.kind).text})`)
    harness = await sourceHarness()
    const worker = await harness.newWorker()
    const config = (name: string, extra: Record<string, string>) => ({
      name, 'connector.class': 'JdbcSource', 'connection.url': target.url, mode: 'incrementing', 'topic.prefix': 'x-', 'table.whitelist': table, ...extra,
    })
    await worker.createConnector(config('missing', { 'incrementing.column.name': 'nope' }))
    expect(worker.status('missing').connector.state).toBe('FAILED')
    expect(worker.status('missing').connector.trace).toMatch(/incrementing\.column\.name "nope" is not a column of table .*bad.* \(columns: id, name\)/)
    await worker.createConnector(config('nullable', { 'incrementing.column.name': 'id' }))
    expect(worker.status('nullable').connector.trace).toMatch(/incrementing column id on table .* because this column is nullable/)
    await worker.createConnector(config('auto', {}))
    expect(worker.status('auto').connector.trace).toMatch(/has no auto-increment column/)
    await expect(worker.createConnector({ ...config('nomode', {}), mode: '' })).rejects.toThrow(/Query mode must be specified/)
    await expect(worker.createConnector({ ...config('nots', {}), mode: 'timestamp' })).rejects.toThrow(/timestamp\.column\.name/)
    if (target.kind !== 'sqlite') {
      await worker.createConnector(config('textts', { mode: 'timestamp', 'timestamp.column.name': 'name', 'validate.non.null': 'false' }))
      expect(worker.status('textts').connector.trace).toMatch(/The timestamp column "name" of table .* it must be a timestamp column/)
    }
  })

  it('maps column types to schemas and values', async () => {
    const db = await target.open()
    const table = target.uniqueName('types')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (
      id ${t.autoId}, price DECIMAL(10,2) NOT NULL, ratio ${t.double}, label ${t.text}, payload ${t.bytes}, doc ${t.json},
      day DATE, at_time TIME, created ${t.timestamp} NOT NULL, flag BOOLEAN, big BIGINT)`)
    const created = new Date(Date.UTC(2024, 2, 4, 5, 6, 7, 890))
    await insertRows(db, table, [
      { price: '12.30', ratio: 0.5, label: 'héllo', payload: Buffer.from([0, 1, 255]), doc: '{"a":1}', day: '2024-02-29', at_time: '13:14:15', created, flag: true, big: 9007199254740993n },
      { price: '-0.05', ratio: null, label: null, payload: null, doc: null, day: null, at_time: null, created, flag: null, big: null },
    ])
    const task = await startTask({
      'connection.url': target.url, mode: 'incrementing', 'topic.prefix': 'x-', tables: formatTables([target.kind === 'sqlite' ? { name: table } : { schema: target.kind === 'postgresql' ? 'public' : new URL(target.url).pathname.slice(1), name: table }]),
    })
    const records = await pollAll(task, 2)
    expect(records).toHaveLength(2)
    const schema = records[0].valueSchema!
    expect(schema.name).toBe(table)
    const fields = Object.fromEntries(schema.fields!.map((f) => [f.name, f.schema]))
    expect(fields.price).toMatchObject({ name: Decimal.LOGICAL_NAME, parameters: { scale: '2' }, optional: false })
    expect(fields.ratio).toMatchObject({ type: 'FLOAT64', optional: true })
    expect(fields.label).toMatchObject({ type: 'STRING', optional: true })
    expect(fields.payload.type).toBe('BYTES')
    expect(fields.doc.type).toBe('STRING')
    expect(fields.day.name).toBe(LOGICAL.DATE)
    expect(fields.at_time.name).toBe(LOGICAL.TIME)
    expect(fields.created).toMatchObject({ name: Timestamp.LOGICAL_NAME, optional: false })
    expect(fields.flag.type).toBe('BOOLEAN')
    expect(fields.big.type).toBe('INT64')
    const [full, empty] = records.map((r) => r.value as Struct)
    expect(full.get('price')).toBe('12.30')
    expect(empty.get('price')).toBe('-0.05')
    expect(full.get('ratio')).toBe(0.5)
    expect(full.get('label')).toBe('héllo')
    expect(full.get('payload')).toEqual(Buffer.from([0, 1, 255]))
    expect(JSON.parse(full.get('doc') as string)).toEqual({ a: 1 })
    expect(full.get('day')).toEqual(new Date(Date.UTC(2024, 1, 29)))
    expect(full.get('at_time')).toEqual(new Date(((13 * 60 + 14) * 60 + 15) * 1000))
    expect(full.get('created')).toEqual(created)
    expect(full.get('flag')).toBe(true)
    expect(full.get('big')).toBe(9007199254740993n)
    expect(empty.get('label')).toBeNull()
    expect(records[1].sourceOffset).toEqual({ incrementing: 2 })
    full.validate()
    empty.validate()
  })

  it('lists views with table.types=VIEW; timestamp.initial starts later than the epoch', async () => {
    const db = await target.open()
    const table = target.uniqueName('base')
    const view = target.uniqueName('view')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id INT NOT NULL, ts ${t.timestamp} NOT NULL)`)
    await db.execute(`CREATE VIEW ${view} AS SELECT id, ts FROM ${table}`)
    await insertRows(db, table, [{ id: 1, ts: new Date(Date.UTC(2020, 0, 1)) }, { id: 2, ts: new Date(Date.UTC(2024, 0, 1)) }])
    const listed = async (types: string) => (await selectTables(db, parseJdbcSourceConfig({ 'connection.url': target.url, 'topic.prefix': 'v-', mode: 'bulk', 'table.types': types, 'table.include.list': `${table}|${view}` }))).map((t) => t.name)
    expect(await listed('TABLE')).toEqual([table])
    expect(await listed('VIEW')).toEqual([view])
    expect((await listed('TABLE,VIEW')).sort()).toEqual([table, view].sort())
    const task = await startTask({
      'connection.url': target.url, mode: 'timestamp', 'timestamp.column.name': 'ts', 'timestamp.initial': String(Date.UTC(2023, 0, 1)), 'topic.prefix': 'v-',
      'table.types': 'VIEW', 'validate.non.null': 'false',
      tables: formatTables([target.kind === 'sqlite' ? { name: view } : { schema: target.kind === 'postgresql' ? 'public' : new URL(target.url).pathname.slice(1), name: view }]),
    })
    const records = await pollAll(task, 1)
    expect(records.map((r) => (r.value as Struct).get('id'))).toEqual([2])
    expect(records[0].topic).toBe(`v-${view}`)
  })
})

describe('JdbcSourceTask scheduling', () => {
  const sqlite = databases.find((d) => d.kind === 'sqlite')!

  it('tables with more rows take turns, and stop() ends an idle poll at once', async () => {
    const db = await sqlite.open()
    const [a, b] = [sqlite.uniqueName('turn_a'), sqlite.uniqueName('turn_b')]
    for (const name of [a, b]) {
      await db.execute(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, v TEXT)`)
      await insertRows(db, name, [{ v: `${name}-1` }, { v: `${name}-2` }])
    }
    const task = await startTask({
      'connection.url': sqlite.url, mode: 'incrementing', 'topic.prefix': '', 'batch.max.rows': '1', 'poll.interval.ms': '60000',
      tables: formatTables([{ name: a }, { name: b }]),
    })
    const topics: string[] = []
    for (let i = 0; i < 4; i++) topics.push(...((await task.poll()) ?? []).map((r) => r.topic))
    expect(topics).toEqual([a, b, a, b])
    const started = Date.now()
    const idle = task.poll()
    await new Promise((r) => setTimeout(r, 50))
    await task.stop()
    expect(await idle).toBeNull()
    expect(Date.now() - started).toBeLessThan(500)
  })

  it('timestamp.delay.interval.ms holds back rows newer than the database time minus the delay', async () => {
    const db = await sqlite.open()
    const table = sqlite.uniqueName('delay')
    await db.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, ts TIMESTAMP NOT NULL)`)
    const now = await db.currentTime()
    await insertRows(db, table, [{ ts: new Date(now.getTime() - 120_000) }, { ts: now }])
    const task = await startTask({
      'connection.url': sqlite.url, mode: 'timestamp+incrementing', 'timestamp.column.name': 'ts', 'incrementing.column.name': 'id',
      'timestamp.delay.interval.ms': '60000', 'topic.prefix': '', tables: formatTables([{ name: table }]),
    })
    const records = (await task.poll()) ?? []
    expect(records.map((r) => (r.value as Struct).get('id'))).toEqual([1])
    expect(records[0].sourceOffset).toEqual({ incrementing: 1, timestamp: now.getTime() - 120_000, timestamp_nanos: ((now.getTime() - 120_000) % 1000) * 1_000_000 })
  })
})
