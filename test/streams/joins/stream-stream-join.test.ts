import { describe, expect, it } from 'vitest'
import {
  Consumed, JoinWindows, Produced, StreamJoined, StreamsBuilder, Stores,
} from '../../../streams/index.ts'
import { DOC_INPUT, type DocRow, drive, pair, runRows, string } from './doc-tables.ts'

/**
 * The guide assumes a 10 s window with a 5 s grace period: rows 1–15 all fall in one window
 * (they are milliseconds apart, as in Kafka's own StreamStreamJoinIntegrationTest), and the
 * rows 40, 60, 80, 100 are seconds apart, so that windows close between them.
 */
const WINDOWS = JoinWindows.ofTimeDifferenceAndGrace(10_000, 5_000)
const LATER: readonly DocRow[] = [
  { timestamp: 40_000, side: 'left', value: 'E' },
  { timestamp: 60_000, side: 'left', value: 'F' },
  { timestamp: 80_000, side: 'right', value: 'f' },
  { timestamp: 100_000, side: 'left', value: 'G' },
]

function streamStream(kind: 'join' | 'leftJoin' | 'outerJoin', windows = WINDOWS): StreamsBuilder {
  const builder = new StreamsBuilder()
  const left = builder.stream('left', Consumed.with(string, string))
  const right = builder.stream('right', Consumed.with(string, string))
  const joined = kind === 'join'
    ? left.join(right, (l, r) => pair(l, r), windows)
    : kind === 'leftJoin' ? left.leftJoin(right, (l, r) => pair(l, r), windows) : left.outerJoin(right, (l, r) => pair(l, r), windows)
  joined.to('out', Produced.with(string, string))
  return builder
}

const JOINED_ROWS: [number, string[]][] = [
  [4, [pair('A', 'a')]],
  [5, [pair('B', 'a')]],
  [6, [pair('A', 'b'), pair('B', 'b')]],
  [9, [pair('C', 'a'), pair('C', 'b')]],
  [10, [pair('A', 'c'), pair('B', 'c'), pair('C', 'c')]],
  [14, [pair('A', 'd'), pair('B', 'd'), pair('C', 'd')]],
  [15, [pair('D', 'a'), pair('D', 'b'), pair('D', 'c'), pair('D', 'd')]],
]

describe('KStream–KStream join (developer guide table)', () => {
  it('inner join', async () => {
    expect(await runRows(drive(streamStream('join')), [...DOC_INPUT, ...LATER])).toEqual(new Map(JOINED_ROWS))
  })

  it('left join: a left record without partner is emitted with null once its window closed', async () => {
    expect(await runRows(drive(streamStream('leftJoin')), [...DOC_INPUT, ...LATER])).toEqual(new Map([
      ...JOINED_ROWS,
      [60_000, [pair('E', null)]],
      [80_000, [pair('F', null)]],
    ]))
  })

  it('outer join: records of either side without partner are emitted with null once their window closed', async () => {
    expect(await runRows(drive(streamStream('outerJoin')), [...DOC_INPUT, ...LATER])).toEqual(new Map([
      ...JOINED_ROWS,
      [60_000, [pair('E', null)]],
      [80_000, [pair('F', null)]],
      [100_000, [pair(null, 'f')]],
    ]))
  })
})

describe('KStream–KStream join', () => {
  it('joins within [t - before, t + after] and stamps results with the later time', async () => {
    const builder = streamStream('join', JoinWindows.ofTimeDifferenceWithNoGrace(100).before(50).after(0))
    const driver = drive(builder)
    const left = driver.createInputTopic('left', string, string)
    const right = driver.createInputTopic('right', string, string)
    await right.pipeInput('k', 'r1', 1000)
    await left.pipeInput('k', 'in', 1040)
    await left.pipeInput('k', 'too-late', 1051)
    await left.pipeInput('k', 'before-it', 999)
    const records = driver.createOutputTopic('out', string, string).readRecordsToList()
    expect(records.map((r) => [r.value, r.timestamp])).toEqual([[pair('in', 'r1'), 1040]])
  })

  it('left join: out-of-order records within grace still join; records whose window already closed are emitted at once', async () => {
    const driver = drive(streamStream('leftJoin'))
    const left = driver.createInputTopic('left', string, string)
    const right = driver.createInputTopic('right', string, string)
    const out = driver.createOutputTopic('out', string, string)
    await left.pipeInput('k', 'A', 0)
    await right.pipeInput('k', 'r', 30_000)
    expect(out.readValuesToList()).toEqual([pair('A', null)])
    await left.pipeInput('k', 'B', 18_000)
    expect(out.readValuesToList()).toEqual([pair('B', null)])
    await left.pipeInput('k', 'C', 25_000)
    expect(out.readValuesToList()).toEqual([pair('C', 'r')])
    await right.pipeInput('k', 's', 27_000)
    expect(out.readValuesToList()).toEqual([pair('B', 's'), pair('C', 's')])
    await left.pipeInput('k', 'D', 31_000)
    await right.pipeInput('k', 't', 35_000)
    // Partners come in time order: s (27 s) before r (30 s); t finds C (25 s) and D (31 s).
    expect(out.readValuesToList()).toEqual([pair('D', 's'), pair('D', 'r'), pair('C', 't'), pair('D', 't')])
    await right.pipeInput('k', 'u', 60_000)
    expect(out.readValuesToList()).toEqual([])
  })

  it('names processors and stores as Kafka Streams, and accepts StreamJoined names and suppliers', () => {
    const builder = streamStream('outerJoin')
    const description = builder.build().describe().toString()
    expect(description).toContain('Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-OUTERTHIS-0000000004-store])')
    expect(description).toContain('Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])')
    expect(description).toContain('Processor: KSTREAM-MERGE-0000000006')

    const named = new StreamsBuilder()
    const left = named.stream('left', Consumed.with(string, string))
    const right = named.stream('right', Consumed.with(string, string))
    left.leftJoin(right, (l, r) => pair(l, r), WINDOWS, StreamJoined.with(string, string, string).withName('pairs').withStoreName('pair-store'))
      .to('out', Produced.with(string, string))
    const text = named.build().describe().toString()
    expect(text).toContain('Processor: pairs-this-windowed (stores: [pair-store-this-join-store])')
    expect(text).toContain('Processor: pairs-this-join (stores: [pair-store-outer-other-join-store, pair-store-left-shared-join-store])')
    expect(text).toContain('Processor: pairs-merge')

    const supplied = new StreamsBuilder()
    const a = supplied.stream('a', Consumed.with(string, string))
    const b = supplied.stream('b', Consumed.with(string, string))
    expect(() => a.join(b, (x, y) => x + y, WINDOWS, StreamJoined.withStoreSuppliers(
      Stores.inMemoryWindowStore('x', 25_000, 20_000, false), Stores.inMemoryWindowStore('y', 25_000, 20_000, true),
    ))).toThrow(/retain duplicates/)
    expect(() => a.join(b, (x, y) => x + y, WINDOWS, StreamJoined.withStoreSuppliers(
      Stores.inMemoryWindowStore('x', 30_000, 20_000, true), Stores.inMemoryWindowStore('y', 25_000, 20_000, true),
    ))).toThrow(/Window settings mismatch/)
    a.join(b, (x, y) => x + y, WINDOWS, StreamJoined.withStoreSuppliers(
      Stores.inMemoryWindowStore('x', 25_000, 20_000, true), Stores.inMemoryWindowStore('y', 25_000, 20_000, true),
    )).to('out')
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-20)).toThrow(/must not be negative/)
  })
})
