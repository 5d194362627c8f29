/**
 * The PostgreSQL fast paths of the JDBC connectors, checked against what the server itself says:
 * timestamps read by hand from the ISO text (in session zones with odd offsets, with the
 * general parser for BC and infinity), ISO text written by hand, array parameters (the sink's
 * `unnest` statements) round-tripping every element form, and the sink's array INSERT/upsert
 * keeping the column's own rules (a too-long varchar fails rather than being cut, timestamps
 * with and without a zone, domains, and an enum column, which takes multi-row VALUES).
 */
import { describe, expect, it } from 'vitest'
import type { SinkTaskContext } from '../../../connect/api/connector.ts'
import { Decimal, Timestamp } from '../../../connect/api/logical-types.ts'
import type { SinkRecord } from '../../../connect/api/records.ts'
import { SchemaBuilder, Schemas } from '../../../connect/api/schema-builder.ts'
import { Struct } from '../../../connect/api/struct.ts'
import type { Database } from '../../../connect/connectors/jdbc/database.ts'
import { arrayLiteral, isoText } from '../../../connect/connectors/jdbc/postgres-database.ts'
import { JdbcSinkTask } from '../../../connect/connectors/jdbc/sink/jdbc-sink-task.ts'
import { testDatabases } from '../../helpers/databases.ts'

const [postgres] = testDatabases({ only: ['postgresql'] })

describe('ISO text and array literals', () => {
  it('writes ISO-8601 UTC text as Date.toISOString does', () => {
    const instants = [0, -1, 999, -86_400_001, Date.UTC(2026, 0, 1, 23, 59, 59, 999), 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000, 8.64e15, -8.64e15]
    for (let i = 0; i < 2000; i++) instants.push(Math.round((i * 7919.123 - 5000) * 86_400_017))
    for (const ms of instants) expect(isoText(new Date(ms))).toBe(new Date(ms).toISOString())
    expect(() => isoText(new Date(Number.NaN))).toThrow(RangeError)
  })

  it('writes array literals with quoted, escaped elements', () => {
    expect(arrayLiteral([1, -2.5, Number.NaN, 12n, true, false, null, undefined, 'a "b" \\c', '', new Date(86_400_000), Buffer.from([1, 255]), [1, [2]]]))
      .toBe('{1,-2.5,"NaN",12,t,f,NULL,NULL,"a \\"b\\" \\\\c","","1970-01-02T00:00:00.000Z","\\\\x01ff",{1,{2}}}')
  })
})

describe(`PostgreSQL fast paths on ${postgres.label}`, () => {
  it('reads timestamptz, timestamp and date values as the server computes them, in any session time zone', async () => {
    const db = await postgres.open()
    for (const zone of ['UTC', 'Europe/Amsterdam', 'America/St_Johns', 'Asia/Kathmandu']) {
      const rows = await db.transaction(async (tx) => {
        await tx.execute(`SET LOCAL TIME ZONE '${zone}'`)
        return (await tx.query(`SELECT t, floor(extract(epoch FROM t) * 1000)::float8, ts, floor(extract(epoch FROM ts) * 1000)::float8, d, floor(extract(epoch FROM d) * 1000)::float8
          FROM (SELECT timestamptz '1890-01-01 00:00:00.987654+00' + g * interval '97 days 5 hours 17.777777 seconds' AS t,
                       timestamp '1950-06-01 12:00:00.5' + g * interval '1 day 1.001 seconds' AS ts,
                       date '0101-02-28' + g * 211 AS d FROM generate_series(0, 2000) g) x`)).rows
      })
      for (const row of rows) {
        expect([(row[0] as Date).getTime(), (row[2] as Date).getTime(), (row[4] as Date).getTime()]).toEqual([row[1], row[3], row[5]])
      }
    }
    const [special] = (await db.query(`SELECT timestamptz 'infinity', timestamptz '0044-03-15 12:00:00+00 BC', floor(extract(epoch FROM timestamptz '0044-03-15 12:00:00+00 BC') * 1000)::float8, date '0050-06-01'`)).rows
    expect(special[0]).toBe(Number.POSITIVE_INFINITY)
    expect((special[1] as Date).getTime()).toBe(special[2])
    expect(special[3]).toEqual(new Date('0050-06-01T00:00:00Z'))
  })

  it('sends arrays as parameters that unnest into the values scalar parameters give', async () => {
    const db = await postgres.open()
    const texts = ['plain', 'quote " and \\ backslash', 'comma, {braces}', '', 'NULL', ' spaced ', 'héllo ✓']
    const when = new Date('2024-02-29T23:59:59.123Z')
    const result = await db.query(
      'SELECT * FROM unnest(?::"text"[], ?::"int8"[], ?::"bytea"[], ?::"timestamptz"[], ?::"bool"[], ?::"float8"[], ?::"numeric"[]) WITH ORDINALITY',
      [texts, [1, -2, 9007199254740993n, null, 0, 5, 6], [Buffer.from([0, 1, 255]), null, Buffer.alloc(0), null, null, null, null],
        [when, null, null, null, null, null, null], [true, false, null, null, null, null, null], [1.5, Number.NaN, Number.NEGATIVE_INFINITY, null, null, null, null],
        ['12345678901234567890.12', null, null, null, null, null, null]],
    )
    expect(result.rows.map((r) => r[0])).toEqual(texts)
    expect(result.rows.map((r) => r[1])).toEqual([1, -2, 9007199254740993n, null, 0, 5, 6])
    expect(result.rows.slice(0, 3).map((r) => r[2])).toEqual([Buffer.from([0, 1, 255]), null, Buffer.alloc(0)])
    expect(result.rows[0].slice(3)).toEqual([when, true, 1.5, '12345678901234567890.12', 1])
    expect(result.rows[1].slice(4, 6)).toEqual([false, Number.NaN])
    expect(result.rows[2][5]).toBe(Number.NEGATIVE_INFINITY)
  })

  it('upserts with array parameters under the columns own rules, and into other column types with VALUES', async () => {
    const db: Database = await postgres.open()
    const table = postgres.uniqueName('arrays')
    const mood = postgres.uniqueName('mood')
    const positive = postgres.uniqueName('positive')
    await db.execute(`CREATE TYPE "${mood}" AS ENUM ('sad', 'happy')`)
    await db.execute(`CREATE DOMAIN "${positive}" AS int CHECK (VALUE > 0)`)
    await db.execute(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, code varchar(5) NOT NULL, at timestamptz, wall timestamp, amount numeric(6,2), n "${positive}", doc jsonb)`)
    const schema = SchemaBuilder.struct().name('row').field('id', Schemas.INT64).field('code', Schemas.STRING).field('at', Timestamp.builder().optional().build())
      .field('wall', Timestamp.builder().optional().build()).field('amount', Decimal.builder(3).optional().build()).field('n', Schemas.OPTIONAL_INT32)
      .field('doc', Schemas.OPTIONAL_STRING).build()
    let offset = 0
    const record = (values: Record<string, unknown>, s = schema): SinkRecord => {
      const struct = new Struct(s)
      for (const [k, v] of Object.entries(values)) struct.put(k, v)
      const o = offset++
      return { topic: table, kafkaPartition: 0, kafkaOffset: o, keySchema: null, key: null, valueSchema: s, value: struct, timestamp: null, timestampType: 'CreateTime', headers: [], originalTopic: table, originalKafkaPartition: 0, originalKafkaOffset: o }
    }
    const context: SinkTaskContext = { configs: {}, offset() {}, timeout() {}, assignment: () => [], pause() {}, resume() {}, requestCommit() {}, errantRecordReporter: () => null }
    const task = new JdbcSinkTask()
    task.initialize(context)
    await task.start({ 'connection.url': postgres.url, 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'table.name.format': '${topic}' })
    try {
      const at = new Date('2024-06-30T22:15:00.250Z')
      // timestamptz gets the instant, timestamp the UTC wall time.
      await task.put([
        record({ id: 1, code: 'abc', at, wall: at, amount: '1234.567', n: 7, doc: '{"a": [1, "x"]}' }),
        record({ id: 2, code: 'q"\\,', at: null, wall: null, amount: null, n: null, doc: null }),
        record({ id: 1, code: 'abcde', at, wall: at, amount: '-0.004', n: 8, doc: '"text"' }),
      ])
      expect((await db.query(`SELECT id, code, extract(epoch FROM at)::float8 * 1000, wall::text, amount::text, n, doc::text FROM "${table}" ORDER BY id`)).rows).toEqual([
        [1, 'abcde', at.getTime(), '2024-06-30 22:15:00.25', '0.00', 8, '"text"'],
        [2, 'q"\\,', null, null, null, null, null],
      ])
      // Assignment rules, not cast rules: too long for varchar(5) fails instead of being cut; the domain's check holds.
      await expect(task.put([record({ id: 3, code: 'toolong' })])).rejects.toMatchObject({ code: 'CONNECT_DATA', message: expect.stringMatching(/too long/) })
      await expect(task.put([record({ id: 4, code: 'ok', n: -1 })])).rejects.toMatchObject({ code: 'CONNECT_DATA', message: expect.stringMatching(/check constraint/) })
      // An enum column has no array path: multi-row VALUES.
      await db.execute(`ALTER TABLE "${table}" ADD COLUMN feeling "${mood}"`)
      const withMood = SchemaBuilder.struct().name('row').field('id', Schemas.INT64).field('code', Schemas.STRING).field('feeling', Schemas.OPTIONAL_STRING).build()
      await task.put([record({ id: 5, code: 'm', feeling: 'happy' }, withMood), record({ id: 2, code: 'm2', feeling: 'sad' }, withMood)])
      expect((await db.query(`SELECT id, code, feeling::text FROM "${table}" WHERE feeling IS NOT NULL ORDER BY id`)).rows).toEqual([[2, 'm2', 'sad'], [5, 'm', 'happy']])
    } finally {
      await task.stop()
      await db.execute(`DROP TABLE IF EXISTS "${table}"`)
      await db.execute(`DROP TYPE IF EXISTS "${mood}"`)
      await db.execute(`DROP DOMAIN IF EXISTS "${positive}"`)
    }
  })
})
