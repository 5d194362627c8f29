/**
 * The file-to-postgres example end to end: its runner, on the sample file, against PostgreSQL
 * at PG_URL (or an in-memory PGlite when PG_URL is unset), into a table of its own.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..')
const TABLE = `orders_example_${process.pid}`

describe('examples/file-to-postgres', () => {
  afterAll(async () => {
    if (!process.env.PG_URL) return
    const client = new pg.Client({ connectionString: process.env.PG_URL })
    await client.connect()
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`)
    await client.end()
  })

  it('copies the sample file into the table, upserting repeated ids and rejecting a malformed line', async () => {
    const args = [resolve(ROOT, 'bin/run-ts.js'), 'examples/file-to-postgres/main.ts', '--table', TABLE]
    if (!process.env.PG_URL) args.push('--pglite')
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 120_000 })
    expect(stdout).toContain(`Table '${TABLE}' (6 rows; 1 malformed line in 'orders-rejected'):`)
    const rows = stdout.split('\n').filter((line) => /^\s+o-\d+/.test(line)).map((line) => line.trim().split(/\s+/))
    expect(rows).toEqual([
      ['o-1001', 'alice', '42.50', '2026-11-01T09:15:00.000Z'],
      ['o-1002', 'bob', '19.99', '2026-11-01T11:30:00.000Z'],
      ['o-1003', 'carol', '230.00', '2026-11-01T10:02:11.000Z'],
      ['o-1004', 'dave', '5.25', '2026-11-01T10:45:00.000Z'],
      ['o-1005', 'alice', '99.90', '2026-11-01T11:20:42.000Z'],
      ['o-1007', 'frank', '64.00', '2026-11-01T12:05:09.000Z'],
    ])
  }, 150_000)
})
