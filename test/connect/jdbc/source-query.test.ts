import { describe, expect, it } from 'vitest'
import { InvalidConfigError } from '../../../connect/api/config-def-impl.ts'
import { LOGICAL } from '../../../connect/api/schema.ts'
import type { ColumnInfo } from '../../../connect/connectors/jdbc/database.ts'
import { mapColumns } from '../../../connect/connectors/jdbc/source/column-mapping.ts'
import { jdbcSourceConfigDef, parseJdbcSourceConfig } from '../../../connect/connectors/jdbc/source/jdbc-source-config.ts'
import { groupPartitions, tableSelected } from '../../../connect/connectors/jdbc/source/jdbc-source-connector.ts'
import { bindTimestamp, buildQueryPlan, bulkContinuation, type QueryPlanOptions, readTimestamp } from '../../../connect/connectors/jdbc/source/query-builder.ts'
import { ZoneClock, formatNominal, nanosOfDateTimeText, nanosOfEpochSeconds, offsetFromMap, offsetToMap } from '../../../connect/connectors/jdbc/source/source-offset.ts'

const utc = new ZoneClock('UTC')
const plan = (options: Partial<QueryPlanOptions>) => buildQueryPlan({
  kind: 'postgresql', quote: true, source: { table: { schema: 'public', name: 'orders' } }, mode: 'incrementing', incrementingColumn: 'id',
  timestampColumns: [], clock: utc, batchMaxRows: 500, suffix: '', ...options,
})

describe('JDBC source statements', () => {
  it('incrementing: WHERE id > ? ORDER BY id, one batch per statement, -1 without an offset', () => {
    const p = plan({})
    expect(p.sql).toBe('SELECT * FROM "public"."orders" WHERE "id" > ? ORDER BY "id" ASC LIMIT 500')
    expect(p.params({ timestamp: null, incrementing: null }, null)).toEqual([-1])
    expect(p.params({ timestamp: null, incrementing: 2n ** 60n }, null)).toEqual([2n ** 60n])
  })

  it("timestamp+incrementing: Confluent's criteria with the upper bound, exact to the microsecond", () => {
    const p = plan({ mode: 'timestamp+incrementing', timestampColumns: ['updated_at'], timestampDatabaseType: 'timestamp with time zone' })
    expect(p.sql).toBe(
      'SELECT *, EXTRACT(EPOCH FROM "updated_at") AS "__creek_ts" FROM "public"."orders" WHERE "updated_at" < ? AND (("updated_at" = ? AND "id" > ?) OR "updated_at" > ?) ORDER BY "updated_at","id" ASC LIMIT 500',
    )
    const begin = 1_704_110_400_123_456_000n
    expect(p.params({ timestamp: begin, incrementing: 7n }, begin + 1_000_000_000n)).toEqual([
      '2024-01-01 12:00:01.123456+00:00', '2024-01-01 12:00:00.123456+00:00', 7, '2024-01-01 12:00:00.123456+00:00',
    ])
    expect(p.readTimestamp('1704110400.123456')).toBe(begin)
  })

  it('timestamp: COALESCE of several columns; MySQL backticks and DATE_FORMAT; a suffix with its own LIMIT', () => {
    const p = plan({ kind: 'mysql', mode: 'timestamp', incrementingColumn: null, timestampColumns: ['modified', 'created'], timestampDatabaseType: 'datetime(6)', source: { table: { name: 't' } }, suffix: 'LIMIT 10' })
    expect(p.sql).toBe(
      "SELECT *, DATE_FORMAT(COALESCE(`modified`,`created`), '%Y-%m-%d %H:%i:%s.%f') AS `__creek_ts` FROM `t` WHERE COALESCE(`modified`,`created`) > ? AND COALESCE(`modified`,`created`) < ? ORDER BY COALESCE(`modified`,`created`) ASC LIMIT 10",
    )
    expect(p.limited).toBe(false)
    expect(p.groupSql).toContain('WHERE COALESCE(`modified`,`created`) = ?')
    expect(p.params({ timestamp: null, incrementing: null }, 0n)).toEqual(['1970-01-01 00:00:00.000000', '1970-01-01 00:00:00.000000'])
  })

  it('a custom query is read as a derived table; unquoted identifiers with quote.sql.identifiers=never', () => {
    const p = plan({ kind: 'sqlite', quote: false, source: { query: 'SELECT a.id, b.x FROM a JOIN b ON a.id = b.id WHERE b.x > 0' } })
    expect(p.sql).toBe('SELECT creek_query.* FROM (SELECT a.id, b.x FROM a JOIN b ON a.id = b.id WHERE b.x > 0) creek_query WHERE id > ? ORDER BY id ASC LIMIT 500')
  })

  it('bulk: the query as written, or a table paged by its primary key', () => {
    expect(plan({ mode: 'bulk', incrementingColumn: null, source: { query: 'SELECT 1' }, suffix: 'FOR SHARE' }).sql).toBe('SELECT 1 FOR SHARE')
    expect(plan({ mode: 'bulk', incrementingColumn: null }).sql).toBe('SELECT * FROM "public"."orders"')
    const options = { kind: 'postgresql', quote: true, source: { table: { name: 't' } }, mode: 'bulk', incrementingColumn: null, timestampColumns: [], clock: utc, batchMaxRows: 2, suffix: '', keyColumns: ['a', 'b'] } as const
    expect(buildQueryPlan(options).sql).toBe('SELECT * FROM "t" ORDER BY "a", "b" LIMIT 2')
    expect(bulkContinuation(options, [1, 'x'])).toEqual({ sql: 'SELECT * FROM "t" WHERE ("a", "b") > (?, ?) ORDER BY "a", "b" LIMIT 2', params: [1, 'x'] })
  })

  it('SQLite compares normalised text so that text and epoch-millisecond storage sort alike', () => {
    const p = plan({ kind: 'sqlite', mode: 'timestamp', incrementingColumn: null, timestampColumns: ['ts'], source: { table: { name: 't' } } })
    expect(p.sql).toContain(`strftime('%Y-%m-%d %H:%M:%f', "ts" / 1000.0, 'unixepoch')`)
    expect(p.params({ timestamp: 1_704_110_400_123_000_000n, incrementing: null }, 0n)[0]).toBe('2024-01-01 12:00:00.123')
    expect(p.readTimestamp('2024-01-01 12:00:00.123')).toBe(1_704_110_400_123_000_000n)
  })

  it('db.timezone: wall-clock columns are read and bound in that zone', () => {
    const paris = new ZoneClock('Europe/Paris')
    const instant = BigInt(Date.UTC(2024, 6, 1, 10, 0, 0)) * 1_000_000n // 12:00 in Paris (UTC+2)
    expect(bindTimestamp('postgresql', instant, false, paris)).toBe('2024-07-01 12:00:00.000000+02:00')
    expect(bindTimestamp('mysql', instant, false, paris)).toBe('2024-07-01 12:00:00.000000')
    expect(bindTimestamp('mysql', instant, true, paris)).toBe('2024-07-01 10:00:00.000000')
    expect(readTimestamp('mysql', '2024-07-01 12:00:00.000000', false, paris)).toBe(instant)
    expect(readTimestamp('postgresql', String(Date.UTC(2024, 6, 1, 12) / 1000), false, paris)).toBe(instant)
  })
})

describe('JDBC source offsets', () => {
  it("writes Confluent's shape and reads it back, keeping nanoseconds", () => {
    const ns = 1_704_110_400_123_456_789n
    const map = offsetToMap({ timestamp: ns, incrementing: 42n })
    expect(map).toEqual({ incrementing: 42, timestamp: 1_704_110_400_123, timestamp_nanos: 123_456_789 })
    expect(offsetFromMap(map, 'x')).toEqual({ timestamp: ns, incrementing: 42n })
    expect(offsetFromMap({ timestamp: 1000 }, 'x')).toEqual({ timestamp: 1_000_000_000n, incrementing: null })
    expect(offsetToMap({ timestamp: -1_500_000_000n, incrementing: 2n ** 62n })).toEqual({ incrementing: String(2n ** 62n), timestamp: -1500, timestamp_nanos: 500_000_000 })
    expect(() => offsetFromMap({ incrementing: 'abc' }, 'table t')).toThrow(/table t.*"incrementing" must be an integer/)
  })

  it('parses database time texts exactly', () => {
    expect(nanosOfEpochSeconds('1704110400.123456')).toBe(1_704_110_400_123_456_000n)
    expect(nanosOfEpochSeconds('-0.5')).toBe(-500_000_000n)
    expect(nanosOfDateTimeText('2024-01-01T12:00:00.5+01:00')).toBe(BigInt(Date.UTC(2024, 0, 1, 11)) * 1_000_000n + 500_000_000n)
    expect(formatNominal(1_704_110_400_000_000_001n)).toBe('2024-01-01 12:00:00.000000001')
  })
})

describe('JDBC source column mapping', () => {
  const column = (name: string, type: ColumnInfo['type'], extra: Partial<ColumnInfo> = {}): ColumnInfo => ({ name, type, databaseType: type, nullable: false, ...extra })
  const columns = [
    column('b', 'boolean'), column('i8', 'int8'), column('i64', 'int64'), column('f', 'float32'),
    column('d', 'decimal', { precision: 10, scale: 2 }), column('dn', 'decimal'), column('i', 'decimal', { precision: 9, scale: 0 }),
    column('s', 'string', { nullable: true }), column('j', 'json'), column('bin', 'bytes'),
    column('day', 'date'), column('t', 'time'), column('ts', 'timestamp'),
  ]

  it('maps column types to Connect schemas, nullable columns to optional fields', () => {
    const { schema } = mapColumns('orders', columns, { kind: 'postgresql', numericMapping: 'none', clock: utc })
    expect(schema.name).toBe('orders')
    const byName = Object.fromEntries(schema.fields!.map((f) => [f.name, f.schema]))
    expect(byName.b).toMatchObject({ type: 'BOOLEAN', optional: false })
    expect(byName.i8.type).toBe('INT8')
    expect(byName.i64.type).toBe('INT64')
    expect(byName.f.type).toBe('FLOAT32')
    expect(byName.d).toMatchObject({ type: 'BYTES', name: LOGICAL.DECIMAL, parameters: { scale: '2' } })
    expect(byName.dn.type).toBe('STRING')
    expect(byName.i).toMatchObject({ name: LOGICAL.DECIMAL, parameters: { scale: '0' } })
    expect(byName.s).toMatchObject({ type: 'STRING', optional: true })
    expect(byName.j.type).toBe('STRING')
    expect(byName.bin.type).toBe('BYTES')
    expect(byName.day).toMatchObject({ type: 'INT32', name: LOGICAL.DATE })
    expect(byName.t).toMatchObject({ type: 'INT32', name: LOGICAL.TIME })
    expect(byName.ts).toMatchObject({ type: 'INT64', name: LOGICAL.TIMESTAMP })
  })

  it('numeric.mapping best_fit and precision_only', () => {
    const decimals = [column('p9', 'decimal', { precision: 9, scale: 0 }), column('p18', 'decimal', { precision: 18, scale: 0 }), column('p2', 'decimal', { precision: 2, scale: 0 }), column('f', 'decimal', { precision: 10, scale: 2 }), column('big', 'decimal', { precision: 30, scale: 0 })]
    const best = mapColumns('t', decimals, { kind: 'mysql', numericMapping: 'best_fit', clock: utc }).schema.fields!.map((f) => f.schema.name ?? f.schema.type)
    expect(best).toEqual(['INT32', 'INT64', 'INT8', 'FLOAT64', LOGICAL.DECIMAL])
    const precision = mapColumns('t', decimals, { kind: 'mysql', numericMapping: 'precision_only', clock: utc }).schema.fields!.map((f) => f.schema.name ?? f.schema.type)
    expect(precision).toEqual(['INT32', 'INT64', 'INT8', LOGICAL.DECIMAL, LOGICAL.DECIMAL])
  })

  it('converts values: decimals at their scale, times of day, bigints, JSON text, wall-clock timestamps in db.timezone', () => {
    const { converters } = mapColumns('t', columns, { kind: 'sqlite', numericMapping: 'none', clock: new ZoneClock('America/New_York') })
    const at = (name: string) => converters[columns.findIndex((c) => c.name === name)]
    expect(at('b')(1)).toBe(true)
    expect(at('i64')(2n ** 60n)).toBe(2n ** 60n)
    expect(at('i64')(5n)).toBe(5)
    expect(at('d')(12.5)).toBe('12.50')
    expect(at('d')('1.239')).toBe('1.24')
    expect(at('j')({ a: 1 })).toBe('{"a":1}')
    expect(at('bin')('x')).toEqual(Buffer.from('x'))
    expect(at('day')('2024-02-03')).toEqual(new Date(Date.UTC(2024, 1, 3)))
    expect(at('t')('13:14:15.5')).toEqual(new Date(((13 * 60 + 14) * 60 + 15) * 1000 + 500))
    expect(() => at('t')('25:00:00')).toThrow(/not a time of day/)
    // 12:00 wall-clock in New York (UTC-5 in January) is 17:00 UTC.
    expect(at('ts')(new Date(Date.UTC(2024, 0, 1, 12)))).toEqual(new Date(Date.UTC(2024, 0, 1, 17)))
  })
})

describe('JDBC source config and table selection', () => {
  const props = { 'connection.url': 'jdbc:sqlite:/tmp/x.db', 'topic.prefix': 'p-', mode: 'incrementing' }

  it('names the key of each mistake', () => {
    const errors = (extra: Record<string, string>) => {
      try {
        parseJdbcSourceConfig({ ...props, ...extra })
        return null
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigError)
        return [...(error as InvalidConfigError).errors.keys()]
      }
    }
    expect(errors({})).toBeNull()
    expect(errors({ mode: '' })).toEqual(['mode'])
    expect(errors({ mode: 'sometimes' })).toEqual(['mode'])
    expect(errors({ mode: 'timestamp' })).toEqual(['timestamp.column.name'])
    expect(errors({ 'table.whitelist': 'a', 'table.blacklist': 'b' })).toEqual(['table.blacklist'])
    expect(errors({ 'table.whitelist': 'a', 'table.include.list': 'b' })).toEqual(['table.include.list'])
    expect(errors({ query: 'SELECT 1' })).toEqual(['incrementing.column.name'])
    expect(errors({ 'table.include.list': '(' })).toEqual(['table.include.list'])
    expect(errors({ 'db.timezone': 'Mars/Olympus' })).toEqual(['db.timezone'])
    expect(errors({ 'batch.max.rows': '0' })).toEqual(['batch.max.rows'])
    const { mode: _mode, ...noMode } = props
    expect(() => parseJdbcSourceConfig(noMode)).toThrow(/Missing required configuration "mode"/)
    const validated = jdbcSourceConfigDef().validate({ ...props, mode: 'timestamp', 'table.whitelist': 'a', query: 'SELECT 1' })
    expect(Object.fromEntries(validated.filter((v) => v.errors.length > 0).map((v) => [v.name, v.errors.length]))).toEqual({ 'timestamp.column.name': 1, query: 1 })
  })

  it('matches white/black lists exactly and include/exclude lists as whole-name regexes', () => {
    const config = (extra: Record<string, string>) => parseJdbcSourceConfig({ ...props, ...extra })
    const orders = { schema: 'public', name: 'orders' }
    expect(tableSelected(orders, config({ 'table.whitelist': 'orders' }))).toBe(true)
    expect(tableSelected(orders, config({ 'table.whitelist': 'public.orders' }))).toBe(true)
    expect(tableSelected(orders, config({ 'table.whitelist': 'order' }))).toBe(false)
    expect(tableSelected(orders, config({ 'table.blacklist': 'orders' }))).toBe(false)
    expect(tableSelected(orders, config({ 'table.include.list': 'ord.*' }))).toBe(true)
    expect(tableSelected(orders, config({ 'table.include.list': 'ord' }))).toBe(false)
    expect(tableSelected(orders, config({ 'table.include.list': 'public\\..*', 'table.exclude.list': '.*ers' }))).toBe(false)
  })

  it("splits tables as Kafka's groupPartitions", () => {
    expect(groupPartitions([1, 2, 3, 4, 5], 3)).toEqual([[1, 2], [3, 4], [5]])
    expect(groupPartitions([1, 2], 2)).toEqual([[1], [2]])
    expect(groupPartitions([], 0)).toEqual([])
  })
})
