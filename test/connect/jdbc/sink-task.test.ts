/**
 * JdbcSinkTask driven directly (no worker): retries of retriable database errors with
 * max.retries and retry.backoff.ms, resuming a put without writing committed batches again,
 * errors without an errant record reporter, identifiers and time zones.
 */
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { SinkTaskContext } from '../../../connect/api/connector.ts'
import { Timestamp } from '../../../connect/api/logical-types.ts'
import type { SinkRecord } from '../../../connect/api/records.ts'
import type { Schema } from '../../../connect/api/schema.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import { JdbcSinkTask } from '../../../connect/connectors/jdbc/sink/jdbc-sink-task.ts'
import { testDatabases } from '../../helpers/databases.ts'

const databases = testDatabases({ only: ['sqlite', 'postgresql'] })
const sqlite = databases.find((d) => d.kind === 'sqlite')!
const postgres = databases.find((d) => d.kind === 'postgresql')!

const ROW = SchemaBuilder.struct().name('row').field('id', Schemas.INT32).field('name', Schemas.STRING).build()

function record(topic: string, offset: number, valueSchema: Schema | null, value: unknown): SinkRecord {
  return {
    topic, kafkaPartition: 0, kafkaOffset: offset, keySchema: null, key: null, valueSchema, value, timestamp: 1000, timestampType: 'CreateTime', headers: [],
    originalTopic: topic, originalKafkaPartition: 0, originalKafkaOffset: offset,
  }
}
const row = (topic: string, id: number) => record(topic, id, ROW, new Struct(ROW).put('id', id).put('name', `n${id}`))

function context(): SinkTaskContext & { timeouts: number[] } {
  const timeouts: number[] = []
  return {
    timeouts, configs: {}, offset() {}, timeout: (ms) => void timeouts.push(ms), assignment: () => [], pause() {}, resume() {}, requestCommit() {},
    errantRecordReporter: () => null,
  }
}

async function startTask(props: Record<string, string>, ctx = context()) {
  const task = new JdbcSinkTask()
  task.initialize(ctx)
  await task.start(props)
  return { task, ctx }
}

describe('JdbcSinkTask', () => {
  it('retries a retriable error (SQLite busy) up to max.retries, then fails; succeeds once the lock is gone', async () => {
    const topic = sqlite.uniqueName('busy')
    const url = `${sqlite.url}?busy_timeout=50`
    const { task, ctx } = await startTask({ 'connection.url': url, 'auto.create': 'true', 'max.retries': '2', 'retry.backoff.ms': '123' })
    try {
      await task.put([row(topic, 1)])
      const blocker = new BetterSqlite3(sqlite.url.replace('jdbc:sqlite:', ''))
      blocker.exec('BEGIN IMMEDIATE')
      const records = [row(topic, 2), row(topic, 3)]
      await expect(task.put(records)).rejects.toMatchObject({ code: 'CONNECT_RETRIABLE', message: expect.stringMatching(/retrying in 123 ms \(1 retries left\)/) })
      await expect(task.put(records)).rejects.toMatchObject({ code: 'CONNECT_RETRIABLE', message: expect.stringMatching(/0 retries left/) })
      await expect(task.put(records)).rejects.toMatchObject({ code: 'CONNECT_TASK_FAILED', retriable: false, message: expect.stringMatching(/after max.retries=2 retries.*SQLITE_BUSY/) })
      expect(ctx.timeouts).toEqual([123, 123])
      blocker.exec('ROLLBACK')
      blocker.close()
      await task.put(records)
      const db = await sqlite.open()
      expect((await db.query(`SELECT id FROM "${topic}" ORDER BY id`)).rows).toEqual([[1], [2], [3]])
    } finally {
      await task.stop()
    }
  })

  it('puts a failed put again without writing the batches it had committed', async () => {
    const topic = postgres.uniqueName('resume')
    const seq = postgres.uniqueName('resume_seq')
    const db = await postgres.open()
    await db.execute(`CREATE TABLE "${topic}" (id INT NOT NULL, name TEXT NOT NULL)`)
    await db.execute(`CREATE SEQUENCE "${seq}"`)
    // The first insert of id 5 fails with a serialization failure (40001, retriable); sequences ignore rollbacks.
    await db.execute(`CREATE FUNCTION "${topic}_fail"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = 5 AND nextval('"${seq}"') = 1 THEN RAISE EXCEPTION 'injected conflict' USING ERRCODE = 'serialization_failure'; END IF;
        RETURN NEW;
      END $$`)
    await db.execute(`CREATE TRIGGER "${topic}_t" BEFORE INSERT ON "${topic}" FOR EACH ROW EXECUTE FUNCTION "${topic}_fail"()`)
    const { task, ctx } = await startTask({ 'connection.url': postgres.url, 'batch.size': '2', 'retry.backoff.ms': '10' })
    try {
      const records = [1, 2, 3, 4, 5, 6, 7].map((id) => row(topic, id))
      await expect(task.put(records)).rejects.toMatchObject({ code: 'CONNECT_RETRIABLE', message: expect.stringMatching(/injected conflict/) })
      expect(ctx.timeouts).toEqual([10])
      await task.put(records)
      expect((await db.query(`SELECT id FROM "${topic}" ORDER BY id`)).rows).toEqual([[1], [2], [3], [4], [5], [6], [7]])
    } finally {
      await task.stop()
      await db.execute(`DROP TABLE "${topic}"`)
      await db.execute(`DROP FUNCTION "${topic}_fail"()`)
      await db.execute(`DROP SEQUENCE "${seq}"`)
    }
  })

  it('throws a CONNECT_DATA error naming the record when there is no errant record reporter', async () => {
    const topic = sqlite.uniqueName('nodlq')
    const { task } = await startTask({ 'connection.url': sqlite.url, 'auto.create': 'true' })
    try {
      await expect(task.put([row(topic, 0), record(topic, 1, null, { id: 1 })])).rejects.toMatchObject({
        code: 'CONNECT_DATA', message: expect.stringMatching(new RegExp(`non-null Struct value.*topic='${topic}',partition=0,offset=1.*schemaless object value and null value schema`)),
      })
      await expect(task.put([record(topic, 2, null, null)])).rejects.toThrow(/delete.enabled=false/)
      const UNSUPPORTED = SchemaBuilder.struct().field('id', Schemas.INT32).field('tags', SchemaBuilder.array(Schemas.STRING).build()).build()
      await expect(task.put([record(topic, 3, UNSUPPORTED, new Struct(UNSUPPORTED).put('id', 1).put('tags', ['a']))])).rejects.toThrow(/"tags".*ARRAY|tags.*cannot write/)
    } finally {
      await task.stop()
    }
  })

  it('writes unquoted identifiers with quote.sql.identifiers=never and timestamps in db.timezone', async () => {
    const topic = sqlite.uniqueName('Mixed_Case')
    const schema = SchemaBuilder.struct().field('id', Schemas.INT32).field('at', Timestamp.SCHEMA).build()
    const { task } = await startTask({ 'connection.url': sqlite.url, 'auto.create': 'true', 'quote.sql.identifiers': 'never', 'db.timezone': 'Europe/Paris' })
    try {
      await task.put([record(topic, 0, schema, new Struct(schema).put('id', 1).put('at', new Date('2024-01-15T12:00:00.000Z')))])
      const db = await sqlite.open()
      expect((await db.query(`SELECT id, at || '' FROM ${topic}`)).rows).toEqual([[1, '2024-01-15 13:00:00.000']])
    } finally {
      await task.stop()
    }
    await expect(startTask({ 'connection.url': sqlite.url, 'db.timezone': 'Mars/Olympus' })).rejects.toThrow(/db.timezone/)
  })
})
