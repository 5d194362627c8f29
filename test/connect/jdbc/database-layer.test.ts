import { describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../connect/connectors/jdbc/connection-url.ts'
import type { Database, DatabaseKind } from '../../../connect/connectors/jdbc/database.ts'
import { DatabaseError } from '../../../connect/connectors/jdbc/database-error.ts'
import { openDatabase } from '../../../connect/connectors/jdbc/open-database.ts'
import { numberPlaceholders } from '../../../connect/connectors/jdbc/postgres-database.ts'
import { testDatabases } from '../../helpers/databases.ts'

const databases = testDatabases()

describe('connection URLs', () => {
  it('accepts JDBC and driver URLs, with credentials from options, query or userinfo', () => {
    expect(parseConnectionUrl('jdbc:sqlite:/tmp/a.db')).toEqual({ kind: 'sqlite', file: '/tmp/a.db', busyTimeoutMs: 5000 })
    expect(parseConnectionUrl('sqlite:///tmp/a.db?busy_timeout=100')).toEqual({ kind: 'sqlite', file: '/tmp/a.db', busyTimeoutMs: 100 })
    expect(parseConnectionUrl('jdbc:sqlite::memory:')).toEqual({ kind: 'sqlite', file: ':memory:', busyTimeoutMs: 5000 })
    expect(() => parseConnectionUrl('jdbc:sqlite:/tmp/a.db?busy_timeout=soon')).toThrow(/busy_timeout/)
    expect(parseConnectionUrl('jdbc:postgresql://db.local/shop?user=u&password=p&sslmode=disable')).toEqual({
      kind: 'postgresql', host: 'db.local', port: 5432, database: 'shop', user: 'u', password: 'p', params: { sslmode: 'disable' },
    })
    expect(parseConnectionUrl('postgres://a:b%40c@h:6543/d', { user: 'x' })).toMatchObject({ host: 'h', port: 6543, database: 'd', user: 'x', password: 'b@c' })
    expect(parseConnectionUrl('jdbc:mariadb://h/d', { user: 'root', password: '' })).toMatchObject({ kind: 'mysql', port: 3306, user: 'root', password: '' })
    expect(parseConnectionUrl('mysql://root@127.0.0.1:3307/test')).toMatchObject({ kind: 'mysql', port: 3307, user: 'root', password: undefined })
    expect(() => parseConnectionUrl('jdbc:oracle:thin:@h:1521:x')).toThrow(expect.objectContaining({ code: 'CONNECT_INVALID_CONFIG', message: expect.stringMatching(/jdbc:postgresql/) }))
    expect(() => parseConnectionUrl('jdbc:sqlite:')).toThrow(/names no SQLite file/)
    expect(() => parseConnectionUrl('postgres://u:secret@')).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/secret/) }))
  })

  it('numbers ? placeholders outside literals, identifiers and comments', () => {
    expect(numberPlaceholders(`SELECT ?, '?', "a?", ? -- ?\n, $$ ? $$, E'\\'?', ? /* ? */`)).toBe(`SELECT $1, '?', "a?", $2 -- ?\n, $$ ? $$, E'\\'?', $3 /* ? */`)
  })

  it('reports an unreachable server as retriable', async () => {
    await expect(openDatabase('postgres://postgres@127.0.0.1:1/x')).rejects.toMatchObject({ code: 'CONNECT_RETRIABLE', retriable: true, message: expect.stringMatching(/PostgreSQL failed connecting.*ECONNREFUSED/) })
    await expect(openDatabase('jdbc:mysql://127.0.0.1:1/x?user=root')).rejects.toMatchObject({ code: 'CONNECT_RETRIABLE' })
    await expect(openDatabase('jdbc:sqlite:/nonexistent-dir/x/y.db')).rejects.toMatchObject({ code: 'CONNECT_INVALID_CONFIG' })
  })
})

function ddl(kind: DatabaseKind, table: string, q: (n: string) => string): string {
  const t = q(table)
  switch (kind) {
    case 'sqlite':
      return `CREATE TABLE ${t} (id INTEGER NOT NULL, b BOOLEAN, i16 SMALLINT, i32 INT, i64 BIGINT, f64 DOUBLE, d DECIMAL(10,2), s TEXT, bin BLOB,
        dt DATE, tm TIME, ts TIMESTAMP, j JSON, PRIMARY KEY (id))`
    case 'postgresql':
      return `CREATE TABLE ${t} (id bigint NOT NULL, b boolean, i16 smallint, i32 integer, i64 bigint, f64 double precision, d numeric(10,2), s text,
        bin bytea, dt date, tm time, ts timestamptz, j jsonb, PRIMARY KEY (id))`
    case 'mysql':
      return `CREATE TABLE ${t} (id BIGINT NOT NULL, b TINYINT(1), i16 SMALLINT, i32 INT, i64 BIGINT, f64 DOUBLE, d DECIMAL(10,2), s TEXT,
        bin BLOB, dt DATE, tm TIME, ts DATETIME(3), j JSON, PRIMARY KEY (id))`
  }
}

describe.each(databases)('Database on $label', (target) => {
  async function withTable(prefix: string): Promise<{ db: Database; table: string; ref: string }> {
    const db = await target.open()
    const table = target.uniqueName(prefix)
    await db.execute(ddl(target.kind, table, (n) => db.quoteIdentifier(n)))
    return { db, table, ref: db.tableReference({ name: table }) }
  }

  it('round-trips every portable type', async () => {
    const { db, ref } = await withTable('types')
    const ts = new Date('2024-03-01T12:34:56.789Z')
    const day = new Date('2024-02-29T00:00:00Z')
    const inserted = await db.execute(
      `INSERT INTO ${ref} (id, b, i16, i32, i64, f64, d, s, bin, dt, tm, ts, j) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [1, true, -32768, 2147483647, 9007199254740993n, 1.5, '12345678.90', 'héllo ✓ \'"`', Buffer.from([0, 1, 255]), day, '12:34:56', ts, '{"a":1}',
        2, false, null, null, 42, null, null, null, null, null, null, null, null],
    )
    expect(inserted).toBe(2)
    const result = await db.query(`SELECT id, b, i16, i32, i64, f64, d, s, bin, dt, tm, ts, j FROM ${ref} ORDER BY id`)
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'b', 'i16', 'i32', 'i64', 'f64', 'd', 's', 'bin', 'dt', 'tm', 'ts', 'j'])
    expect(result.columns.map((c) => c.type)).toEqual(['int64', 'boolean', 'int16', 'int32', 'int64', 'float64', 'decimal', 'string', 'bytes', 'date', 'time', 'timestamp',
      target.kind === 'mysql' ? expect.stringMatching(/json|string|bytes/) : 'json'])
    const [first, second] = result.rows
    expect(first.slice(0, 6)).toEqual([1, true, -32768, 2147483647, 9007199254740993n, 1.5])
    expect(first[6]).toBe(target.kind === 'sqlite' ? '12345678.9' : '12345678.90')
    expect(first[7]).toBe('héllo ✓ \'"`')
    expect(first[8]).toEqual(Buffer.from([0, 1, 255]))
    expect(first[9]).toEqual(day)
    expect(String(first[10])).toMatch(/^12:34:56/)
    expect(first[11]).toEqual(ts)
    expect(JSON.parse(String(first[12]))).toEqual({ a: 1 })
    expect(second).toEqual([2, false, null, null, 42, null, null, null, null, null, null, null, null])
  })

  it('describes tables with primary keys, lists tables, quotes identifiers', async () => {
    const { db, table } = await withTable('described')
    const columns = await db.describeTable({ name: table })
    expect(columns?.map((c) => [c.name, c.type])).toEqual([
      ['id', 'int64'], ['b', 'boolean'], ['i16', 'int16'], ['i32', 'int32'], ['i64', 'int64'], ['f64', 'float64'], ['d', 'decimal'], ['s', 'string'],
      ['bin', 'bytes'], ['dt', 'date'], ['tm', 'time'], ['ts', 'timestamp'], [expect.any(String), expect.any(String)],
    ])
    expect(columns?.[0]).toMatchObject({ name: 'id', primaryKeyIndex: 0, nullable: false })
    expect(columns?.[1]).toMatchObject({ nullable: true })
    expect(columns?.[1].primaryKeyIndex).toBeUndefined()
    expect(columns?.[6]).toMatchObject({ precision: 10, scale: 2 })
    expect(await db.describeTable({ name: target.uniqueName('missing') })).toBeNull()

    const composite = target.uniqueName('composite')
    const q = (n: string) => db.quoteIdentifier(n)
    const serial = target.kind === 'postgresql' ? 'serial' : target.kind === 'mysql' ? 'INT AUTO_INCREMENT' : 'INTEGER'
    await db.execute(`CREATE TABLE ${q(composite)} (${q('we"ird`name')} INT NOT NULL, k2 VARCHAR(20) NOT NULL, auto_id ${serial}, PRIMARY KEY (k2, ${q('we"ird`name')})${target.kind === 'mysql' ? ', KEY (auto_id)' : ''})`)
    const described = await db.describeTable({ name: composite })
    expect(described?.map((c) => [c.name, c.primaryKeyIndex])).toEqual([['we"ird`name', 1], ['k2', 0], ['auto_id', undefined]])
    if (target.kind !== 'sqlite') expect(described?.[2].autoIncrement).toBe(true)

    const tables = await db.listTables()
    const names = tables.map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining([table, composite]))
    const mine = tables.filter((t) => t.name === table || t.name === composite).map((t) => t.name)
    expect(mine).toEqual([composite, table].sort())
    if (target.kind !== 'sqlite') expect(tables.find((t) => t.name === table)?.schema).toEqual(expect.any(String))
    const view = target.uniqueName('a_view')
    await db.execute(`CREATE VIEW ${q(view)} AS SELECT id FROM ${q(table)}`)
    expect((await db.listTables()).map((t) => t.name)).not.toContain(view)
    expect((await db.listTables({ types: ['VIEW'] })).map((t) => t.name)).toContain(view)
  })

  it('commits and rolls back transactions; nested ones use savepoints', async () => {
    const { db, ref } = await withTable('tx')
    await db.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [1])
      await tx.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [2])
    })
    await expect(db.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [3])
      throw new Error('boom')
    })).rejects.toThrow('boom')
    await db.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [4])
      await expect(tx.transaction(async (inner) => {
        await inner.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [5])
        throw new Error('inner')
      })).rejects.toThrow('inner')
    })
    const ids = (await db.query(`SELECT id FROM ${ref} ORDER BY id`)).rows.map((r) => r[0])
    expect(ids).toEqual([1, 2, 4])
  })

  it('maps driver errors to ConnectErrors', async () => {
    const { db, ref } = await withTable('errors')
    await db.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [1])
    const duplicate = await db.execute(`INSERT INTO ${ref} (id) VALUES (?)`, [1]).catch((e: unknown) => e)
    expect(duplicate).toBeInstanceOf(DatabaseError)
    expect(duplicate).toMatchObject({ code: 'CONNECT_DATA', retriable: false, databaseKind: target.kind, message: expect.stringMatching(/INSERT INTO/) })
    await expect(db.query(`SELECT * FROM ${db.quoteIdentifier(target.uniqueName('nope'))}`)).rejects.toMatchObject({ code: 'CONNECT_INVALID_CONFIG' })
    await expect(db.query('SELEC 1')).rejects.toMatchObject({ code: 'CONNECT_INVALID_CONFIG' })
    await expect(db.query('SELECT ?', [])).rejects.toMatchObject({ retriable: false })
    const now = await db.currentTime()
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000)
  })

  it('classifies deadlocks, lost connections and busy databases as retriable', async () => {
    const db = await target.open()
    let failure: unknown
    if (target.kind === 'postgresql') {
      failure = await db.query(`DO $$ BEGIN RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = 'deadlock_detected'; END $$`).catch((e: unknown) => e)
    } else if (target.kind === 'mysql') {
      failure = await db.transaction((tx) => tx.query('KILL CONNECTION_ID()')).catch((e: unknown) => e)
    } else {
      const table = target.uniqueName('busy')
      await db.execute(`CREATE TABLE ${db.quoteIdentifier(table)} (id INT)`)
      const impatient = await openDatabase(`${target.url}?busy_timeout=20`)
      try {
        failure = await db.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${db.quoteIdentifier(table)} (id) VALUES (1)`)
          return impatient.execute(`INSERT INTO ${db.quoteIdentifier(table)} (id) VALUES (2)`).catch((e: unknown) => e)
        })
      } finally {
        await impatient.close()
      }
    }
    expect(failure).toBeInstanceOf(DatabaseError)
    expect(failure).toMatchObject({ code: 'CONNECT_RETRIABLE', retriable: true })
    // The database is still usable afterwards (the pool replaced a lost connection).
    expect((await db.query('SELECT 1')).rows).toEqual([[1]])
  })
})
