import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { Consumed, Grouped, Materialized, Named, Produced, StreamsBuilder } from '../../../streams/index.ts'
import { DOC_INPUT, drive, pair, runRows, string } from './doc-tables.ts'

function tableTable(kind: 'join' | 'leftJoin' | 'outerJoin'): StreamsBuilder {
  const builder = new StreamsBuilder()
  const left = builder.table('left', Consumed.with(string, string))
  const right = builder.table('right', Consumed.with(string, string))
  const joined = kind === 'join'
    ? left.join(right, (l, r) => pair(l, r))
    : kind === 'leftJoin' ? left.leftJoin(right, (l, r) => pair(l, r)) : left.outerJoin(right, (l, r) => pair(l, r))
  joined.toStream().to('out', Produced.with(string, string))
  return builder
}

describe('KTable–KTable join (developer guide table)', () => {
  it('inner join: both sides trigger; deleting a joined row emits a tombstone', async () => {
    expect(await runRows(drive(tableTable('join')), DOC_INPUT)).toEqual(new Map([
      [4, [pair('A', 'a')]],
      [5, [pair('B', 'a')]],
      [6, [pair('B', 'b')]],
      [7, [null]],
      [10, [pair('C', 'c')]],
      [11, [null]],
      [15, [pair('D', 'd')]],
    ]))
  })

  it('left join: every left row is in the result, joined with null when the right has none', async () => {
    expect(await runRows(drive(tableTable('leftJoin')), DOC_INPUT)).toEqual(new Map([
      [3, [pair('A', null)]],
      [4, [pair('A', 'a')]],
      [5, [pair('B', 'a')]],
      [6, [pair('B', 'b')]],
      [7, [null]],
      [9, [pair('C', null)]],
      [10, [pair('C', 'c')]],
      [11, [pair('C', null)]],
      [12, [null]],
      [15, [pair('D', 'd')]],
    ]))
  })

  it('outer join: every row of either side is in the result', async () => {
    expect(await runRows(drive(tableTable('outerJoin')), DOC_INPUT)).toEqual(new Map([
      [3, [pair('A', null)]],
      [4, [pair('A', 'a')]],
      [5, [pair('B', 'a')]],
      [6, [pair('B', 'b')]],
      [7, [pair(null, 'b')]],
      [8, [null]],
      [9, [pair('C', null)]],
      [10, [pair('C', 'c')]],
      [11, [pair('C', null)]],
      [12, [null]],
      [14, [pair(null, 'd')]],
      [15, [pair('D', 'd')]],
    ]))
  })
})

describe('KTable–KTable join', () => {
  it('is materialized with Materialized, queryable, and stamps results with the later row time', async () => {
    const builder = new StreamsBuilder()
    const left = builder.table('left', Consumed.with(string, string))
    const right = builder.table('right', Consumed.with(string, serdes.int32()))
    const joined = left.join(right, (l, r) => `${l}x${r}`, Named.as('lr'), Materialized.as<string, string>('joined').withValueSerde(string))
    expect(joined.queryableStoreName()).toBe('joined')
    joined.toStream().to('out', Produced.with(string, string))
    const description = builder.build().describe().toString()
    expect(description).toContain('Processor: lr-join-this (stores: [right-STATE-STORE-0000000003])')
    expect(description).toContain('Processor: lr-join-other (stores: [left-STATE-STORE-0000000000])')
    expect(description).toContain('Processor: lr (stores: [joined])')
    const driver = drive(builder)
    await driver.createInputTopic('left', string, string).pipeInput('k', 'a', 10)
    await driver.createInputTopic('right', string, serdes.int32()).pipeInput('k', 2, 7)
    await driver.createInputTopic('left', string, string).pipeInput('k', 'b', 5)
    expect(driver.createOutputTopic('out', string, string).readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([['ax2', 10], ['bx2', 7]])
    expect(driver.getTimestampedKeyValueStore<string, string>('joined').get('k')).toMatchObject({ value: 'bx2', timestamp: 7 })
  })

  it('sends old values downstream when a grouping needs them (join result re-aggregated)', async () => {
    const builder = new StreamsBuilder()
    const users = builder.table('users', Consumed.with(string, string))
    const regions = builder.table('regions', Consumed.with(string, string))
    users.join(regions, (name, region) => region)
      .groupBy((_user, region) => ({ key: region, value: region }), Grouped.with(string, string))
      .count(Materialized.as('per-region'))
    const driver = drive(builder)
    const u = driver.createInputTopic('users', string, string)
    const r = driver.createInputTopic('regions', string, string)
    await u.pipeInput('u1', 'ann', 1)
    await u.pipeInput('u2', 'bob', 2)
    await r.pipeInput('u1', 'eu', 3)
    await r.pipeInput('u2', 'eu', 4)
    await r.pipeInput('u1', 'us', 5)
    await u.pipeInput('u2', null, 6)
    const store = driver.getKeyValueStore<string, number>('per-region')
    expect(store.get('eu')).toBe(0)
    expect(store.get('us')).toBe(1)
  })

  it('a join result can be joined again (its value getter is the join view) and names follow Kafka Streams', async () => {
    const builder = new StreamsBuilder()
    const a = builder.table('a', Consumed.with(string, string))
    const b = builder.table('b', Consumed.with(string, string))
    const c = builder.table('c', Consumed.with(string, string))
    a.leftJoin(b, (x, y) => `${x}${y ?? '-'}`).join(c, (xy, z) => `${xy}${z}`).toStream().to('out', Produced.with(string, string))
    const description = builder.build().describe().toString()
    expect(description).toContain('KTABLE-MERGE-0000000009')
    expect(description).toContain('KTABLE-JOINTHIS-0000000010')
    expect(description).toContain('KTABLE-JOINOTHER-0000000011')
    const driver = drive(builder)
    await driver.createInputTopic('c', string, string).pipeInput('k', 'Z', 1)
    await driver.createInputTopic('a', string, string).pipeInput('k', 'X', 2)
    await driver.createInputTopic('b', string, string).pipeInput('k', 'Y', 3)
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['X-Z', 'XYZ'])
  })
})
