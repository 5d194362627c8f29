import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Joined, type KStream, Materialized, Named, Produced, StreamsBuilder, type KTable,
} from '../../../streams/index.ts'
import { DOC_INPUT, drive, KEY, pair, runRows, string } from './doc-tables.ts'

function streamTable(kind: 'join' | 'leftJoin'): StreamsBuilder {
  const builder = new StreamsBuilder()
  const stream = builder.stream('left', Consumed.with(string, string))
  const table = builder.table('right', Consumed.with(string, string))
  const joiner = (l: string, r: string | null) => pair(l, r)
  const joined = kind === 'join' ? stream.join(table, joiner) : stream.leftJoin(table, joiner)
  joined.to('out', Produced.with(string, string))
  return builder
}

describe('KStream–KTable join (developer guide table)', () => {
  it('inner join: only stream records trigger, and only when the table has a row', async () => {
    const out = await runRows(drive(streamTable('join')), DOC_INPUT)
    expect(out).toEqual(new Map([
      [5, [pair('B', 'a')]],
      [15, [pair('D', 'd')]],
    ]))
  })

  it('left join: every non-null stream record triggers, joined with null when the table has no row', async () => {
    const out = await runRows(drive(streamTable('leftJoin')), DOC_INPUT)
    expect(out).toEqual(new Map([
      [3, [pair('A', null)]],
      [5, [pair('B', 'a')]],
      [9, [pair('C', null)]],
      [15, [pair('D', 'd')]],
    ]))
  })
})

describe('KStream–KTable join', () => {
  it('keeps the stream record key, timestamp and headers; the joiner gets the key; the table is materialized', async () => {
    const builder = new StreamsBuilder()
    const table = builder.table('right', Consumed.with(string, string), Materialized.as('users'))
    builder.stream('left', Consumed.with(string, string))
      .join(table, (l, r, key) => `${key}:${l}+${r}`, Joined.as('enrich'))
      .to('out', Produced.with(string, string))
    const topology = builder.build()
    expect(topology.describe().toString()).toContain('Processor: enrich (stores: [users])')
    const driver = drive(builder)
    await driver.createInputTopic('right', string, string).pipeInput('u1', 'alice', 5)
    await driver.createInputTopic('left', string, string).pipeRecord({ key: 'u1', value: 'click', timestamp: 3, headers: [{ key: 'h', value: Buffer.from('v') }] })
    const [record] = driver.createOutputTopic('out', string, string).readRecordsToList()
    expect(record).toMatchObject({ key: 'u1', value: 'u1:click+alice', timestamp: 3 })
    expect(record.headers.map((h) => h.key)).toEqual(['h'])
    expect(driver.getKeyValueStore<string, string>('users').get('u1')).toBe('alice')
  })

  it('drops null keys and values in an inner join; a left join joins a null key with null (KIP-962)', async () => {
    const builder = new StreamsBuilder()
    const table = builder.table('right', Consumed.with(string, string))
    const stream = builder.stream('left', Consumed.with(string, string))
    stream.join(table, (l, r) => pair(l, r)).to('inner', Produced.with(string, string))
    stream.leftJoin(table, (l, r) => pair(l, r)).to('left-out', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('right', string, string).pipeInput(KEY, 'x', 1)
    const left = driver.createInputTopic('left', string, string)
    await left.pipeInput(null, 'A', 2)
    await left.pipeInput(KEY, null, 3)
    await left.pipeInput(KEY, 'B', 4)
    expect(driver.createOutputTopic('inner', string, string).readKeyValuesToList()).toEqual([{ key: KEY, value: pair('B', 'x') }])
    expect(driver.createOutputTopic('left-out', string, string).readKeyValuesToList()).toEqual([
      { key: null, value: pair('A', null) }, { key: KEY, value: pair('B', 'x') },
    ])
  })

  it('joins a filtered and mapped table without materializing those nodes (value getters)', async () => {
    const builder = new StreamsBuilder()
    const table: KTable<string, number> = builder.table('right', Consumed.with(string, serdes.int32()))
      .filter((_k, v) => v > 10)
      .mapValues((v) => v * 2)
    builder.stream('left', Consumed.with(string, string)).leftJoin(table, (l, r) => `${l}:${r}`).to('out', Produced.with(string, string))
    const driver = drive(builder)
    const right = driver.createInputTopic('right', string, serdes.int32())
    const left = driver.createInputTopic('left', string, string)
    await right.pipeInput('a', 5, 1)
    await right.pipeInput('b', 50, 2)
    await left.pipeInput('a', 'x', 3)
    await left.pipeInput('b', 'y', 4)
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['x:null', 'y:100'])
  })

  it('repartitions a re-keyed stream through <name>-repartition before the join', async () => {
    const builder = new StreamsBuilder()
    const table = builder.table('users', Consumed.with(string, string))
    const clicks: KStream<string, string> = builder.stream('clicks', Consumed.with(string, string)).selectKey((_k, v) => v.split(':')[0])
    clicks.join(table, (click, user) => `${user} ${click}`, Joined.with(string, string, string).withName('by-user')).to('out', Produced.with(string, string))
    const description = builder.build().describe().toString()
    expect(description).toContain('Sink: by-user-repartition-sink (topic: by-user-repartition)')
    expect(description).toContain('Source: by-user-repartition-source (topics: [by-user-repartition])')
    const driver = drive(builder)
    await driver.createInputTopic('users', string, string).pipeInput('u1', 'alice', 1)
    await driver.createInputTopic('clicks', string, string).pipeInput('x', 'u1:home', 2)
    expect(driver.createOutputTopic('out', string, string).readKeyValuesToList()).toEqual([{ key: 'u1', value: 'alice u1:home' }])
    expect(driver.producedTopicNames()).toContain('joins-by-user-repartition')
  })

  it('names its node KSTREAM-JOIN-/KSTREAM-LEFTJOIN- and rejects bad arguments with typed errors', () => {
    const builder = new StreamsBuilder()
    const table = builder.table('right', Consumed.with(string, string))
    const stream = builder.stream('left', Consumed.with(string, string))
    stream.join(table, (l, r) => l + r).to('a')
    stream.leftJoin(table, (l, r) => l + r, Joined.as('named-left')).to('b')
    // @ts-expect-error: outer joins need a stream and windows
    expect(() => stream.outerJoin(table, (l: string, r: string) => l + r)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_TOPOLOGY' }))
    // @ts-expect-error: a joiner is a function
    expect(() => stream.join(table, 'nope')).toThrow(/needs a joiner/)
    const other = new StreamsBuilder().table('t', Consumed.with(string, string))
    expect(() => stream.join(other, (l, r) => l + r)).toThrow(/same StreamsBuilder/)
    const description = builder.build().describe().toString()
    expect(description).toContain('Processor: KSTREAM-JOIN-0000000004 (stores: [right-STATE-STORE-0000000000])')
    expect(description).toContain('Processor: named-left (stores: [right-STATE-STORE-0000000000])')
    expect(Named.as('x').name).toBe('x')
  })
})
