/**
 * JDBC sink end to end (embedded Creek → standalone Worker → database), per database:
 * insert, upsert and update modes, each pk.mode, deletes on tombstones, batch.size.
 */
import { describe, expect, it } from 'vitest'
import { testDatabases } from '../../helpers/databases.ts'
import { waitFor } from '../runtime/helpers.ts'
import { T, envelope, produce, sinkSuite, struct, waitForRows } from './sink-helpers.ts'

const databases = testDatabases()

const PERSON = struct('person', { id: T.int64(), name: T.string(), score: T.int32(true) })
const person = (id: number, name: string, score: number | null = null) => envelope(PERSON, { id, name, score })
const KEY = struct('person_key', { id: T.int64() })
const key = (id: number) => envelope(KEY, { id })

describe.each(databases)('JdbcSink on $label', (target) => {
  const suite = sinkSuite(target)
  const { sink, q } = suite

  it('inserts with pk.mode=none and auto.create, in batches of batch.size', async () => {
    const topic = target.uniqueName('ins')
    await produce(suite.harness.creek, topic, Array.from({ length: 25 }, (_, i) => ({ value: person(i, `p${i}`, i % 3 === 0 ? null : i * 10) })))
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'batch.size': '7' })
    const rows = await waitForRows(suite.db, `SELECT id, name, score FROM ${q(topic)} ORDER BY id`, (r) => r.length >= 25)
    expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => [i, `p${i}`, i % 3 === 0 ? null : i * 10]))
    const columns = await suite.db.describeTable({ name: topic })
    expect(columns?.map((c) => [c.name, c.type, c.nullable, c.primaryKeyIndex])).toEqual([
      ['id', 'int64', false, undefined], ['name', 'string', false, undefined], ['score', 'int32', true, undefined],
    ])
    expect(suite.harness.worker.status(`${topic}-c`)).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] })
    // Plain inserts without a key: a second connector on the same topic appends the rows again.
    await sink(`${topic}-again`, topic, {})
    await waitForRows(suite.db, `SELECT id FROM ${q(topic)}`, (r) => r.length === 50)
  })

  it('upserts with pk.mode=record_value: the last value of a key wins, within and across batches', async () => {
    const topic = target.uniqueName('ups')
    const messages = [person(1, 'a'), person(2, 'b'), person(1, 'a2'), person(3, 'c'), person(1, 'a3', 7), person(2, 'b2')]
    await produce(suite.harness.creek, topic, messages.map((value) => ({ value })))
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'batch.size': '4' })
    await waitForRows(suite.db, `SELECT id, name, score FROM ${q(topic)} ORDER BY id`, (r) => r.length === 3 && r[0][1] === 'a3' && r[1][1] === 'b2')
    expect((await suite.db.query(`SELECT id, name, score FROM ${q(topic)} ORDER BY id`)).rows).toEqual([[1, 'a3', 7], [2, 'b2', null], [3, 'c', null]])
    expect((await suite.db.describeTable({ name: topic }))?.find((c) => c.name === 'id')?.primaryKeyIndex).toBe(0)
    await produce(suite.harness.creek, topic, [{ value: person(3, 'c2', 1) }])
    await waitForRows(suite.db, `SELECT name FROM ${q(topic)} WHERE id = 3`, (r) => r[0]?.[0] === 'c2')
  })

  it('upserts with pk.mode=record_key (a Struct key) and deletes on tombstones with delete.enabled', async () => {
    const topic = target.uniqueName('del')
    await produce(suite.harness.creek, topic, [
      { key: key(1), value: person(1, 'one') }, { key: key(2), value: person(2, 'two') }, { key: key(3), value: person(3, 'three') },
      { key: key(2), value: null }, { key: key(4), value: person(4, 'four') }, { key: key(4), value: null }, { key: key(4), value: person(4, 'four again') },
      { key: key(9), value: null },
    ])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' })
    const rows = await waitForRows(suite.db, `SELECT id, name FROM ${q(topic)} ORDER BY id`, (r) => r.length === 3 && r[2]?.[1] === 'four again')
    expect(rows).toEqual([[1, 'one'], [3, 'three'], [4, 'four again']])
    await produce(suite.harness.creek, topic, [{ key: key(1), value: null }, { key: key(3), value: null }])
    await waitForRows(suite.db, `SELECT id FROM ${q(topic)}`, (r) => r.length === 1)
  })

  it('takes a primitive key as the one pk.fields column (record_key)', async () => {
    const topic = target.uniqueName('prim')
    const VALUE = struct('v', { name: T.string() })
    await produce(suite.harness.creek, topic, [
      { key: envelope(T.string(), 'k1'), value: envelope(VALUE, { name: 'x' }) },
      { key: envelope(T.string(), 'k2'), value: envelope(VALUE, { name: 'y' }) },
      { key: envelope(T.string(), 'k1'), value: envelope(VALUE, { name: 'z' }) },
    ])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'code' })
    const rows = await waitForRows(suite.db, `SELECT code, name FROM ${q(topic)} ORDER BY code`, (r) => r.length === 2 && r[0][1] === 'z')
    expect(rows).toEqual([['k1', 'z'], ['k2', 'y']])
  })

  it('keys rows by topic, partition and offset with pk.mode=kafka (replays are idempotent)', async () => {
    const topic = target.uniqueName('kafka')
    await produce(suite.harness.creek, topic, [{ value: person(1, 'a') }, { value: person(1, 'b') }])
    await sink(`${topic}-c`, topic, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'kafka', 'fields.whitelist': 'name' })
    const sql = `SELECT __connect_topic, __connect_partition, __connect_offset, name FROM ${q(topic)} ORDER BY __connect_offset`
    const rows = await waitForRows(suite.db, sql, (r) => r.length === 2)
    expect(rows).toEqual([[topic, 0, 0, 'a'], [topic, 0, 1, 'b']])
    expect((await suite.db.describeTable({ name: topic }))?.map((c) => [c.name, c.primaryKeyIndex])).toEqual([
      ['__connect_topic', 0], ['__connect_partition', 1], ['__connect_offset', 2], ['name', undefined],
    ])
    // Same records again from the start under another connector name: same keys, no new rows.
    await sink(`${topic}-replay`, topic, { 'insert.mode': 'upsert', 'pk.mode': 'kafka', 'fields.whitelist': 'name' })
    await new Promise((r) => setTimeout(r, 800))
    expect((await suite.db.query(sql)).rows).toEqual(rows)
  })

  it('updates existing rows only with insert.mode=update', async () => {
    const topic = target.uniqueName('upd')
    await suite.db.execute(`CREATE TABLE ${q(topic)} (id BIGINT NOT NULL, name VARCHAR(50), score INT, PRIMARY KEY (id))`)
    await suite.db.execute(`INSERT INTO ${q(topic)} (id, name, score) VALUES (1, 'old1', 1), (2, 'old2', 2)`)
    await produce(suite.harness.creek, topic, [{ value: person(2, 'new2', 20) }, { value: person(3, 'ghost', 30) }, { value: person(1, 'new1') }])
    await sink(`${topic}-c`, topic, { 'insert.mode': 'update', 'pk.mode': 'record_value', 'pk.fields': 'id' })
    const rows = await waitForRows(suite.db, `SELECT id, name, score FROM ${q(topic)} ORDER BY id`, (r) => r[0]?.[1] === 'new1')
    expect(rows).toEqual([[1, 'new1', null], [2, 'new2', 20]])
  })

  it('refuses inconsistent configs when the connector is created', async () => {
    const topic = target.uniqueName('cfg')
    await expect(sink(`${topic}-a`, topic, { 'delete.enabled': 'true', 'pk.mode': 'record_value' })).rejects.toThrow(/delete.enabled.*record_key/)
    await expect(sink(`${topic}-b`, topic, { 'insert.mode': 'upsert' })).rejects.toThrow(/insert.mode.*pk.mode/)
    await expect(sink(`${topic}-c`, topic, { 'insert.mode': 'merge' })).rejects.toThrow(/insert.mode/)
    await expect(sink(`${topic}-e`, topic, { 'connection.url': 'jdbc:oracle:thin:@h:1521:x' })).rejects.toThrow(/connection.url.*Not a SQLite, PostgreSQL or MySQL/)
    await expect(suite.harness.worker.createConnector({ name: `${topic}-d`, 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', topics: topic })).rejects.toThrow(/connection.url/)
    expect(suite.harness.worker.connectors()).not.toContain(`${topic}-a`)
    await waitFor(() => true)
  })
})
