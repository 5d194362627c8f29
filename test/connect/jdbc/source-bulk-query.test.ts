import { afterEach, describe, expect, it } from 'vitest'
import { testDatabases } from '../../helpers/databases.ts'
import { waitFor } from '../runtime/helpers.ts'
import { ddl, insertRows, jdbcSource, sourceHarness, type SourceHarness } from './source-helpers.ts'

const databases = testDatabases()

let harness: SourceHarness | null = null
afterEach(async () => {
  await harness?.close()
  harness = null
})

describe.each(databases)('JdbcSource bulk, custom query and crash recovery on $label', (target) => {
  it('after a crash replays only what was not flushed (at-least-once), in timestamp+incrementing mode', async () => {
    const db = await target.open()
    const table = target.uniqueName('crash')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id ${t.autoId}, name ${t.text} NOT NULL, ts ${t.timestamp} NOT NULL)`)
    const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s))
    await insertRows(db, table, [{ name: 'a', ts: at(1) }, { name: 'b', ts: at(1) }, { name: 'c', ts: at(2) }])
    harness = await sourceHarness()
    const config = jdbcSource(target.url, { mode: 'timestamp+incrementing', 'timestamp.column.name': 'ts', 'incrementing.column.name': 'id', 'table.whitelist': table })
    const first = await harness.newWorker()
    await first.createConnector(config)
    await harness.rows(`db-${table}`, 3)
    await first.flushOffsets()
    await insertRows(db, table, [{ name: 'd', ts: at(3) }])
    await harness.rows(`db-${table}`, 4)
    first.kill() // no flush: the offset of d is lost, d is read again
    const second = await harness.newWorker()
    await second.createConnector(config)
    await insertRows(db, table, [{ name: 'e', ts: at(4) }])
    const names = (await harness.rows(`db-${table}`, 6)).map((r) => r.name)
    expect(names).toEqual(['a', 'b', 'c', 'd', 'd', 'e'])
  })

  it('bulk: copies the whole table at every poll', async () => {
    const db = await target.open()
    const table = target.uniqueName('bulk')
    await db.execute(`CREATE TABLE ${table} (k INT PRIMARY KEY, v ${ddl(target.kind).text})`)
    await insertRows(db, table, [{ k: 1, v: 'x' }, { k: 2, v: 'y' }, { k: 3, v: 'z' }])
    harness = await sourceHarness()
    const worker = await harness.newWorker()
    await worker.createConnector(jdbcSource(target.url, { mode: 'bulk', 'table.whitelist': table, 'batch.max.rows': '2', 'poll.interval.ms': '100' }))
    const rows = await harness.rows(`db-${table}`, 6)
    expect(rows.slice(0, 6).map((r) => r.k)).toEqual([1, 2, 3, 1, 2, 3])
  })

  it('custom query: one task, topic = topic.prefix, the query may have its own WHERE', async () => {
    const db = await target.open()
    const table = target.uniqueName('q')
    const t = ddl(target.kind)
    await db.execute(`CREATE TABLE ${table} (id ${t.autoId}, kind ${t.text} NOT NULL, amount INT NOT NULL)`)
    await insertRows(db, table, [{ kind: 'keep', amount: 1 }, { kind: 'drop', amount: 2 }, { kind: 'keep', amount: 3 }])
    harness = await sourceHarness()
    const worker = await harness.newWorker()
    await worker.createConnector(jdbcSource(target.url, {
      mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'kept', 'tasks.max': '3',
      query: `SELECT id, amount FROM ${table} WHERE kind = 'keep'`,
    }))
    expect(worker.status('jdbc').tasks).toHaveLength(1)
    expect(await harness.rows('kept', 2)).toEqual([{ id: 1, amount: 1 }, { id: 3, amount: 3 }])
    await insertRows(db, table, [{ kind: 'keep', amount: 4 }])
    expect((await harness.rows('kept', 3)).at(-1)).toEqual({ id: 4, amount: 4 })
    await waitFor(async () => {
      await worker.flushOffsets()
      return worker.offsets('jdbc').offsets[0]?.offset?.incrementing === 4
    }, 5000, 'the query offset')
    expect(worker.offsets('jdbc').offsets[0].partition).toEqual({ query: 'query' })
  })
})
