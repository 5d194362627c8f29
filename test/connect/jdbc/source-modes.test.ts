import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { testDatabases } from '../../helpers/databases.ts'
import { waitFor } from '../runtime/helpers.ts'
import { ddl, insertRows, jdbcSource, sleep, sourceHarness, type SourceHarness } from './source-helpers.ts'

const databases = testDatabases()

let harness: SourceHarness | null = null
afterEach(async () => {
  await harness?.close()
  harness = null
})

describe.each(databases)('JdbcSource on $label', (target) => {
  it('incrementing: autodetects the auto-increment column, follows inserts, and resumes from stored offsets without republishing', async () => {
    const db = await target.open()
    const table = target.uniqueName('inc')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id ${t.autoId}, name ${t.text} NOT NULL)`)
    await insertRows(db, table, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    harness = await sourceHarness()
    const config = jdbcSource(target.url, { mode: 'incrementing', 'table.whitelist': table, 'batch.max.rows': '2' })
    const first = await harness.newWorker()
    await first.createConnector(config)
    await waitFor(() => first.status('jdbc').tasks[0]?.state === 'RUNNING', 5000, 'the task')
    expect((await harness.rows(`db-${table}`, 3)).map((r) => r.name)).toEqual(['a', 'b', 'c'])
    await insertRows(db, table, [{ name: 'd' }, { name: 'e' }])
    expect((await harness.rows(`db-${table}`, 5)).map((r) => [r.id, r.name])).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e']])
    await first.stop()

    const fqn = target.kind === 'sqlite' ? table : `${target.kind === 'postgresql' ? 'public' : new URL(target.url.replace(/^jdbc:/, '')).pathname.slice(1)}.${table}`
    const stored = JSON.parse(readFileSync(harness.offsetFile, 'utf8'))
    expect(stored.offsets).toEqual([{ connector: 'jdbc', partition: { protocol: '1', table: fqn }, offset: { incrementing: 5 } }])

    await insertRows(db, table, [{ name: 'f' }])
    const second = await harness.newWorker()
    await second.createConnector(config)
    const rows = await harness.rows(`db-${table}`, 6)
    await sleep(200)
    expect((await harness.rows(`db-${table}`, 6)).map((r) => r.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(rows).toHaveLength(6)
  })

  it('timestamp+incrementing: sees inserts and updates, exact to the microsecond, with Confluent offsets', async () => {
    const db = await target.open()
    const table = target.uniqueName('tsinc')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id ${t.autoId}, name ${t.text}, updated_at ${t.timestamp} NOT NULL)`)
    const micro = target.kind === 'sqlite' ? '2024-01-01 10:00:00.123' : '2024-01-01 10:00:00.123456'
    await db.execute(`INSERT INTO ${table} (name, updated_at) VALUES ('a', '${micro}'), ('b', '${micro}'), ('c', '2024-01-01 10:00:01')`)
    harness = await sourceHarness({ flushMs: 50 })
    const worker = await harness.newWorker()
    await worker.createConnector(jdbcSource(target.url, { mode: 'timestamp+incrementing', 'timestamp.column.name': 'updated_at', 'incrementing.column.name': 'id', 'table.whitelist': table, 'batch.max.rows': '1' }))
    expect((await harness.rows(`db-${table}`, 3)).map((r) => r.name)).toEqual(['a', 'b', 'c'])
    await db.execute(`UPDATE ${table} SET name = 'a2', updated_at = '2024-01-02 00:00:00' WHERE id = 1`)
    const rows = await harness.rows(`db-${table}`, 4)
    expect(rows.at(-1)).toMatchObject({ id: 1, name: 'a2', updated_at: Date.UTC(2024, 0, 2) })
    // Polls go on: the microsecond rows are not read again.
    await sleep(300)
    expect((await harness.rows(`db-${table}`, 4)).map((r) => r.name)).toEqual(['a', 'b', 'c', 'a2'])
    await waitFor(() => worker.offsets('jdbc').offsets.length === 1 && (worker.offsets('jdbc').offsets[0].offset as { incrementing?: number }).incrementing === 1, 5000, 'the offsets')
    expect(worker.offsets('jdbc').offsets[0].offset).toEqual({ incrementing: 1, timestamp: Date.UTC(2024, 0, 2), timestamp_nanos: 0 })
  })

  it('timestamp: sees updates, never splits rows of one timestamp across batches, and resumes after a restart', async () => {
    const db = await target.open()
    const table = target.uniqueName('ts')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id INT NOT NULL, updated_at ${t.timestamp} NOT NULL)`)
    const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s))
    // Five rows share one timestamp; batches of two must neither lose nor repeat any of them.
    await insertRows(db, table, [
      { id: 1, updated_at: at(1) }, { id: 2, updated_at: at(2) }, { id: 3, updated_at: at(2) }, { id: 4, updated_at: at(2) },
      { id: 5, updated_at: at(2) }, { id: 6, updated_at: at(2) }, { id: 7, updated_at: at(3) },
    ])
    harness = await sourceHarness()
    const config = jdbcSource(target.url, { mode: 'timestamp', 'timestamp.column.name': 'updated_at', 'table.include.list': `${table}`, 'batch.max.rows': '2' })
    const first = await harness.newWorker()
    await first.createConnector(config)
    const rows = await harness.rows(`db-${table}`, 7)
    expect(rows.map((r) => r.id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
    await db.execute(`UPDATE ${table} SET updated_at = ? WHERE id = 3`, [at(10)])
    expect((await harness.rows(`db-${table}`, 8)).at(-1)).toMatchObject({ id: 3, updated_at: at(10).getTime() })
    await first.stop()
    expect(JSON.parse(readFileSync(harness.offsetFile, 'utf8')).offsets[0].offset).toEqual({ timestamp: at(10).getTime(), timestamp_nanos: 0 })

    await insertRows(db, table, [{ id: 8, updated_at: at(11) }])
    const second = await harness.newWorker()
    await second.createConnector(config)
    await harness.rows(`db-${table}`, 9)
    await sleep(200)
    expect((await harness.rows(`db-${table}`, 9)).map((r) => r.id)).toHaveLength(9)
  })
})
