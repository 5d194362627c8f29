import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Grouped, Materialized, Named, Produced, Stores, StreamsBuilder, type StreamsOptions, TopologyTestDriver, countSerde,
} from '../../../streams/index.ts'

const string = serdes.string()
const int = serdes.int32()
const json = serdes.json<{ sum: number; n: number }>()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

function drive(builder: StreamsBuilder, options: Partial<StreamsOptions> = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', ...options })
  drivers.push(driver)
  return driver
}

describe('KGroupedStream', () => {
  it('count() by key needs no repartition topic, and names its store', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string)).groupByKey().count().toStream().to('out', Produced.with(string, countSerde()))
    const topology = builder.build()
    expect(topology.subtopologies()).toHaveLength(1)
    expect(topology.stores().map((s) => [s.name, s.changelogTopic])).toEqual([
      ['KSTREAM-AGGREGATE-STATE-STORE-0000000001', 'KSTREAM-AGGREGATE-STATE-STORE-0000000001-changelog'],
    ])
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    await driver.createInputTopic('in', string, string).pipeKeyValueList([{ key: 'a', value: 'x' }, { key: 'b', value: 'y' }, { key: 'a', value: 'z' }])
    expect(driver.createOutputTopic('out', string, countSerde()).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 2 },
    ])
  })

  it('groupBy() repartitions by the new key, so counts are per new key', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string))
      .groupBy((_key, value) => value, Grouped.with(string, string).withName('by-value'))
      .count(Materialized.as('counts'))
      .toStream()
      .to('out', Produced.with(string, countSerde()))
    const topology = builder.build()
    expect(topology.internalTopics().map((t) => t.name)).toEqual(['by-value-repartition', 'counts-changelog'])
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    await driver.createInputTopic('in', string, string).pipeKeyValueList([
      { key: 'k1', value: 'red' }, { key: 'k2', value: 'red' }, { key: 'k3', value: 'blue' },
    ])
    expect(driver.createOutputTopic('out', string, countSerde()).readKeyValuesToMap()).toEqual(new Map([['red', 2], ['blue', 1]]))
    expect(driver.createOutputTopic('app-by-value-repartition', string, string).readKeyValuesToList()).toEqual([
      { key: 'red', value: 'red' }, { key: 'red', value: 'red' }, { key: 'blue', value: 'blue' },
    ])
  })

  it('groupByKey() after a key change repartitions through <store>-repartition', () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string)).selectKey((_k, v) => v).groupByKey().count()
    const topology = builder.build()
    expect(topology.internalTopics().map((t) => t.name)).toEqual([
      'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition', 'KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog',
    ])
    expect(topology.subtopologies()).toHaveLength(2)
  })

  it('reduce() and aggregate(), stamping results with the latest input time', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('in', Consumed.with(string, int)).groupByKey()
    grouped.reduce((a, b) => a + b, Named.as('sum'), Materialized.as('sums')).toStream().to('sums', Produced.with(string, int))
    grouped
      .aggregate(() => ({ sum: 0, n: 0 }), (_k, v, agg) => ({ sum: agg.sum + v, n: agg.n + 1 }), Materialized.with(string, json))
      .toStream()
      .to('stats', Produced.with(string, json))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, int)
    await input.pipeInput('a', 1, 10)
    await input.pipeInput('a', 2, 5)
    await input.pipeInput('b', 7, 20)
    const sums = driver.createOutputTopic('sums', string, int).readRecordsToList()
    expect(sums.map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual([
      { key: 'a', value: 1, timestamp: 10 }, { key: 'a', value: 3, timestamp: 10 }, { key: 'b', value: 7, timestamp: 20 },
    ])
    expect(driver.createOutputTopic('stats', string, json).readKeyValuesToMap()).toEqual(new Map([['a', { sum: 3, n: 2 }], ['b', { sum: 7, n: 1 }]]))
    expect(driver.getKeyValueStore<string, number>('sums').get('a')).toBe(3)
    expect(driver.getTimestampedKeyValueStore<string, number>('sums').get('a')).toMatchObject({ value: 3, timestamp: 10 })
  })

  it('with caching, emits once per key per commit; without, on every update', async () => {
    // The driver commits after each input record, so one input record that updates a key
    // several times shows the difference.
    const build = (materialized: Materialized<string, number>) => {
      const builder = new StreamsBuilder()
      builder.stream('in', Consumed.with(string, string))
        .flatMapValues((v) => v.split(' '))
        .groupByKey()
        .count(materialized)
        .toStream()
        .to('out', Produced.with(string, countSerde()))
      return builder
    }
    const cached = drive(build(Materialized.as<string, number>(Stores.inMemoryKeyValueStore('cached')).withCachingEnabled()))
    await cached.createInputTopic('in', string, string).pipeKeyValueList([{ key: 'a', value: 'x x x' }, { key: 'b', value: 'y' }])
    expect(cached.createOutputTopic('out', string, countSerde()).readKeyValuesToList()).toEqual([{ key: 'a', value: 3 }, { key: 'b', value: 1 }])

    const uncached = drive(build(Materialized.as<string, number>(Stores.inMemoryKeyValueStore('uncached')).withCachingDisabled()))
    await uncached.createInputTopic('in', string, string).pipeKeyValueList([{ key: 'a', value: 'x x x' }, { key: 'b', value: 'y' }])
    expect(uncached.createOutputTopic('out', string, countSerde()).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 }, { key: 'a', value: 2 }, { key: 'a', value: 3 }, { key: 'b', value: 1 },
    ])
  })

  it('skips records with a null key or value', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string)).groupByKey().count(Materialized.as('c')).toStream().to('out', Produced.with(string, countSerde()))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, string)
    await input.pipeInput(null, 'v')
    await input.pipeInput('k', null)
    expect(driver.createOutputTopic('out', string, countSerde()).isEmpty()).toBe(true)
  })

  it('shares the repartition topic of a named grouping between aggregations', () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('in', Consumed.with(string, int)).groupBy((_k, v) => String(v), Grouped.as('g'))
    grouped.count()
    grouped.reduce((a, b) => a + b)
    expect(builder.build().internalTopics().filter((t) => t.kind === 'repartition').map((t) => t.name)).toEqual(['g-repartition'])
  })

  it('uses the default serdes when none are given', async () => {
    const builder = new StreamsBuilder()
    builder.stream<string, string>('in').groupByKey().reduce((a, b) => `${a}${b}`).toStream().to('out')
    const driver = drive(builder, { defaultKeySerde: string, defaultValueSerde: string })
    await driver.createInputTopic('in', string, string).pipeKeyValueList([{ key: 'k', value: 'a' }, { key: 'k', value: 'b' }])
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['a', 'ab'])
  })
})
