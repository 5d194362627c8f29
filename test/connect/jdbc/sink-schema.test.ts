/**
 * JDBC sink end to end, per database: Connect types to columns (auto.create), schema evolution
 * (auto.evolve), bad records (errors.tolerance none / all with a dead-letter queue), missing
 * tables and columns.
 */
import { describe, expect, it } from 'vitest'
import { testDatabases } from '../../helpers/databases.ts'
import { readTopic, waitFor } from '../runtime/helpers.ts'
import {
  DAY_MS, T, decimalPayload, envelope, produce, sinkSuite, struct, waitForRows,
} from './sink-helpers.ts'

const databases = testDatabases()

describe.each(databases)('JdbcSink schemas and errors on $label', (target) => {
  const suite = sinkSuite(target, 'io.confluent.connect.jdbc.JdbcSinkConnector')
  const { sink, q } = suite

  it('creates columns for every Connect type and writes their values', async () => {
    const topic = target.uniqueName('types')
    const schema = struct('all', {
      id: T.int64(), small: T.int16(), f32: T.float32(), f64: T.float64(), flag: T.boolean(), text: T.string(), raw: T.bytes(),
      amount: T.decimal(2), day: T.date(), at: T.time(), ts: T.timestamp(), maybe: T.string(true),
    })
    const ts = Date.UTC(2024, 2, 1, 12, 34, 56, 789)
    const day = Date.UTC(2024, 1, 29) / DAY_MS
    const time = ((12 * 60 + 34) * 60 + 56) * 1000 + 789
    await produce(suite.harness.creek, topic, [
      { value: envelope(schema, { id: '__ID__', small: -7, f32: 1.5, f64: 2.25, flag: true, text: 'héllo', raw: Buffer.from([0, 255]).toString('base64'), amount: decimalPayload('-12.34', 2), day, at: time, ts, maybe: null }).replace('"__ID__"', '9007199254740993') },
    ])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id', 'insert.mode': 'upsert' })
    const [row] = await waitForRows(suite.db, `SELECT id, small, f32, f64, flag, ${q('text')}, raw, amount, day, ${q('at')}, ts, maybe FROM ${q(topic)}`, (r) => r.length === 1)
    expect(row[0]).toBe(9007199254740993n)
    expect(row.slice(1, 6)).toEqual([-7, 1.5, 2.25, true, 'héllo'])
    expect(row[6]).toEqual(Buffer.from([0, 255]))
    expect(row[7]).toBe('-12.34')
    expect(row[8]).toEqual(new Date(Date.UTC(2024, 1, 29)))
    expect(String(row[9])).toMatch(/^12:34:56\.789/)
    expect(row[10]).toEqual(new Date(ts))
    expect(row[11]).toBeNull()
    const columns = await suite.db.describeTable({ name: topic })
    expect(columns?.map((c) => c.type)).toEqual(['int64', 'int16', target.kind === 'postgresql' || target.kind === 'mysql' ? 'float32' : 'float64', 'float64', 'boolean', 'string', 'bytes', 'decimal', 'date', 'time', 'timestamp', 'string'])
    expect(columns?.map((c) => c.nullable)).toEqual([false, false, false, false, false, false, false, false, false, false, false, true])
  })

  it('adds a column for a new optional field with auto.evolve (schema evolution)', async () => {
    const topic = target.uniqueName('evolve')
    const v1 = struct('row', { id: T.int32(), name: T.string() })
    const v2 = struct('row', { id: T.int32(), name: T.string(), email: T.string(true), level: { ...T.int32(), default: 5 } })
    await produce(suite.harness.creek, topic, [
      { value: envelope(v1, { id: 1, name: 'a' }) },
      { value: envelope(v2, { id: 2, name: 'b', email: 'b@x', level: 2 }) },
      { value: envelope(v1, { id: 3, name: 'c' }) },
    ])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'auto.evolve': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id', 'insert.mode': 'upsert' })
    const rows = await waitForRows(suite.db, `SELECT id, name, email, level FROM ${q(topic)} ORDER BY id`, (r) => r.length === 3)
    expect(rows).toEqual([[1, 'a', null, 5], [2, 'b', 'b@x', 2], [3, 'c', null, 5]])
    const columns = await suite.db.describeTable({ name: topic })
    expect(columns?.map((c) => [c.name, c.nullable])).toEqual([['id', false], ['name', false], ['email', true], ['level', false]])
  })

  it('fails the task visibly on a record without a Struct value (errors.tolerance=none)', async () => {
    const topic = target.uniqueName('bad')
    const schema = struct('row', { id: T.int32() })
    await produce(suite.harness.creek, topic, [{ value: envelope(schema, { id: 1 }) }, { value: envelope(T.string(), 'just text') }, { value: envelope(schema, { id: 3 }) }])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true' })
    await waitFor(() => suite.harness.worker.status(`${topic}-c`).tasks[0]?.state === 'FAILED', 15_000, 'the task to fail')
    const trace = suite.harness.worker.status(`${topic}-c`).tasks[0].trace ?? ''
    expect(trace).toContain('non-null Struct value')
    expect(trace).toContain(`topic='${topic}',partition=0,offset=1`)
    // Nothing of the failed batch was committed to the table or to the group.
    const count = await suite.db.query(`SELECT COUNT(*) FROM ${q(topic)}`).then((r) => Number(r.rows[0][0])).catch(() => 0)
    expect(count).toBe(0)
  })

  it('reports bad records to the dead-letter queue with errors.tolerance=all and writes the others', async () => {
    const topic = target.uniqueName('dlq')
    const dlq = `${topic}-dlq`
    const schema = struct('row', { id: T.int32(), name: T.string() })
    await suite.db.execute(`CREATE TABLE ${q(topic)} (id INT NOT NULL, name VARCHAR(20) NOT NULL, PRIMARY KEY (id))`)
    await produce(suite.harness.creek, topic, [
      { value: envelope(schema, { id: 1, name: 'a' }) },
      { value: envelope(T.string(), 'schemaless') },
      { value: envelope(schema, { id: 2, name: 'b' }) },
      { value: envelope(schema, { id: 1, name: 'duplicate key' }) },
      { value: null },
      { value: envelope(schema, { id: 3, name: 'c' }) },
    ])
    await sink(`${topic}-c`, topic, {
      'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    })
    const rows = await waitForRows(suite.db, `SELECT id, name FROM ${q(topic)} ORDER BY id`, (r) => r.length === 3)
    expect(rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']])
    const dead = await readTopic(suite.harness.creek, dlq, 3)
    // Records failing the checks are reported as they are met, those the database refuses after the batch failed.
    const payloads = dead.values.map((v) => (v === 'null' ? null : JSON.parse(v).payload))
    expect(payloads).toHaveLength(3)
    expect(payloads).toEqual(expect.arrayContaining(['schemaless', { id: 1, name: 'duplicate key' }, null]))
    const duplicate = payloads.findIndex((p) => p !== null && typeof p === 'object')
    expect(dead.headers[duplicate]['__connect.errors.exception.message']).toMatch(/offset=3/)
    expect(dead.headers[payloads.indexOf(null)]['__connect.errors.exception.message']).toMatch(/delete.enabled=false/)
    expect(suite.harness.worker.status(`${topic}-c`).tasks[0].state).toBe('RUNNING')
  })

  it('fails on a missing table without auto.create and a missing column without auto.evolve', async () => {
    const topic = target.uniqueName('missing')
    const schema = struct('row', { id: T.int32(), extra: T.string(true) })
    await produce(suite.harness.creek, topic, [{ value: envelope(schema, { id: 1, extra: 'x' }) }])
    await sink(`${topic}-c`, topic, {})
    await waitFor(() => suite.harness.worker.status(`${topic}-c`).tasks[0]?.state === 'FAILED', 15_000, 'the task to fail')
    expect(suite.harness.worker.status(`${topic}-c`).tasks[0].trace).toMatch(/Table .* is missing and auto-creation is disabled/)

    const other = target.uniqueName('nocol')
    await suite.db.execute(`CREATE TABLE ${q(other)} (id INT NOT NULL)`)
    await produce(suite.harness.creek, other, [{ value: envelope(schema, { id: 1, extra: 'x' }) }])
    await sink(`${other}-c`, other, {})
    await waitFor(() => suite.harness.worker.status(`${other}-c`).tasks[0]?.state === 'FAILED', 15_000, 'the task to fail')
    expect(suite.harness.worker.status(`${other}-c`).tasks[0].trace).toMatch(/missing fields \(extra\) and auto-evolution is disabled/)
  })

  it('names tables with table.name.format', async () => {
    const topic = target.uniqueName('fmt')
    const table = `${topic}_tbl`
    target.uniqueName(table) // registered for cleanup under the same prefix scheme
    const schema = struct('row', { id: T.int32() })
    await produce(suite.harness.creek, topic, [{ value: envelope(schema, { id: 42 }) }])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'table.name.format': '${topic}_tbl' })
    const rows = await waitForRows(suite.db, `SELECT id FROM ${q(table)}`, (r) => r.length === 1)
    expect(rows).toEqual([[42]])
    await suite.db.execute(`DROP TABLE ${q(table)}`)
  })
})
