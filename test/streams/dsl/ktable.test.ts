import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Grouped, type KeyValueStore, Materialized, Named, type ProcessorContext, Produced, StreamsBuilder, type StreamsOptions,
  TopologyTestDriver, type ValueAndTimestamp, withValue, countSerde,
} from '../../../streams/index.ts'

const string = serdes.string()
const int = serdes.int32()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

function drive(builder: StreamsBuilder, options: Partial<StreamsOptions> = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', ...options })
  drivers.push(driver)
  return driver
}

describe('KTable', () => {
  it('table() keeps the latest value per key; toStream() shows updates and tombstones', async () => {
    const builder = new StreamsBuilder()
    const table = builder.table('users', Consumed.with(string, string), Materialized.as('users-store'))
    expect(table.queryableStoreName()).toBe('users-store')
    table.toStream().to('changes', Produced.with(string, string))
    const driver = drive(builder)
    const input = driver.createInputTopic('users', string, string)
    await input.pipeInput('alice', 'paris', 1)
    await input.pipeInput('bob', 'oslo', 2)
    await input.pipeInput('alice', 'rome', 3)
    await input.pipeInput('bob', null, 4)
    expect(driver.createOutputTopic('changes', string, string).readKeyValuesToList()).toEqual([
      { key: 'alice', value: 'paris' }, { key: 'bob', value: 'oslo' }, { key: 'alice', value: 'rome' }, { key: 'bob', value: null },
    ])
    const store = driver.getKeyValueStore<string, string>('users-store')
    expect([...store.all()]).toEqual([{ key: 'alice', value: 'rome' }])
    expect(driver.getTimestampedKeyValueStore<string, string>('users-store').get('alice')).toMatchObject({ value: 'rome', timestamp: 3 })
  })

  it('a table() without a store name is not materialized, and names follow Kafka Streams', () => {
    const builder = new StreamsBuilder()
    builder.table('topic', Consumed.with(string, string)).toStream().to('out')
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n' +
        '      --> KTABLE-TOSTREAM-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: out)\n' +
        '      <-- KTABLE-TOSTREAM-0000000003\n' +
        '\n',
    )
  })

  it('filter() turns rejected rows into tombstones; materialized, it keeps only accepted rows', async () => {
    const builder = new StreamsBuilder()
    const table = builder.table('in', Consumed.with(string, int))
    table.filter((_k, v) => v > 10).toStream().to('big', Produced.with(string, int))
    table.filterNot((_k, v) => v > 10, Materialized.as('small')).toStream().to('small', Produced.with(string, int))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, int)
    await input.pipeInput('a', 5)
    await input.pipeInput('a', 50)
    await input.pipeInput('b', 20)
    await input.pipeInput('a', null)
    expect(driver.createOutputTopic('big', string, int).readKeyValuesToList()).toEqual([
      { key: 'a', value: null }, { key: 'a', value: 50 }, { key: 'b', value: 20 }, { key: 'a', value: null },
    ])
    expect(driver.createOutputTopic('small', string, int).readKeyValuesToList()).toEqual([
      { key: 'a', value: 5 }, { key: 'a', value: null },
    ])
    expect([...driver.getKeyValueStore<string, number>('small').all()]).toEqual([])
  })

  it('mapValues() maps rows; a deletion stays a deletion', async () => {
    const builder = new StreamsBuilder()
    builder.table('in', Consumed.with(string, string))
      .mapValues((v, k) => `${k}:${v.length}`, Named.as('len'), Materialized.as<string, string>('lengths').withValueSerde(string))
      .toStream()
      .to('out', Produced.with(string, string))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, string)
    await input.pipeInput('k', 'abc')
    await input.pipeInput('k', null)
    expect(driver.createOutputTopic('out', string, string).readKeyValuesToList()).toEqual([{ key: 'k', value: 'k:3' }, { key: 'k', value: null }])
    expect(builder.build().describe().subtopologies[0].nodes.map((n) => n.name)).toContain('len')
  })

  it('groupBy() + count() moves a row between groups with the subtractor', async () => {
    const builder = new StreamsBuilder()
    builder.table('user-regions', Consumed.with(string, string))
      .groupBy((user, region) => ({ key: region, value: user }), Grouped.with(string, string))
      .count(Materialized.as('region-counts'))
      .toStream()
      .to('counts', Produced.with(string, countSerde()))
    const topology = builder.build()
    expect(topology.subtopologies()).toHaveLength(2)
    expect(topology.stores().map((s) => s.name)).toEqual(['user-regions-STATE-STORE-0000000000', 'region-counts'])
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    const input = driver.createInputTopic('user-regions', string, string)
    const counts = driver.createOutputTopic('counts', string, countSerde())
    await input.pipeInput('alice', 'asia')
    await input.pipeInput('bob', 'europe')
    await input.pipeInput('carol', 'asia')
    expect(counts.readKeyValuesToMap()).toEqual(new Map([['asia', 2], ['europe', 1]]))
    await input.pipeInput('alice', 'europe')
    expect(counts.readKeyValuesToList()).toEqual([{ key: 'asia', value: 1 }, { key: 'europe', value: 2 }])
    await input.pipeInput('bob', null)
    expect(counts.readKeyValuesToList()).toEqual([{ key: 'europe', value: 1 }])
    await input.pipeInput('carol', 'asia')
    expect(counts.readKeyValuesToList()).toEqual([{ key: 'asia', value: 1 }])
    expect(driver.getKeyValueStore<string, number>('region-counts').get('asia')).toBe(1)
  })

  it('groupBy() + aggregate() and reduce() use adder and subtractor across keys', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder.table('balances', Consumed.with(string, int))
      .groupBy((account, balance) => ({ key: account.split('/')[0], value: balance }), Grouped.with(string, int).withName('by-owner'))
    grouped
      .aggregate(() => 0, (_owner, balance, total) => total + balance, (_owner, balance, total) => total - balance, Materialized.with(string, int))
      .toStream()
      .to('totals', Produced.with(string, int))
    grouped.reduce((a, b) => a + b, (a, b) => a - b, Materialized.as('reduced')).toStream().to('reduced', Produced.with(string, int))
    const driver = drive(builder)
    const input = driver.createInputTopic('balances', string, int)
    await input.pipeInput('ann/1', 100)
    await input.pipeInput('ann/2', 50)
    await input.pipeInput('ann/1', 70)
    await input.pipeInput('bo/1', 5)
    await input.pipeInput('ann/2', null)
    expect(driver.createOutputTopic('totals', string, int).readKeyValuesToList()).toEqual([
      { key: 'ann', value: 100 }, { key: 'ann', value: 150 }, { key: 'ann', value: 120 }, { key: 'bo', value: 5 }, { key: 'ann', value: 70 },
    ])
    expect(driver.createOutputTopic('reduced', string, int).readKeyValuesToMap()).toEqual(new Map([['ann', 70], ['bo', 5]]))
    expect(builder.build().internalTopics().filter((t) => t.kind === 'repartition').map((t) => t.name)).toEqual(['by-owner-repartition'])
  })

  it('toTable() turns a stream into a table, repartitioning after a key change', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string))
      .selectKey((_k, v) => v.split('=')[0])
      .mapValues((v) => v.split('=')[1])
      .toTable(Materialized.as<string, string>('latest').withKeySerde(string).withValueSerde(string))
      .toStream()
      .to('out', Produced.with(string, string))
    const topology = builder.build()
    expect(topology.internalTopics().map((t) => t.name)).toEqual(['KSTREAM-TOTABLE-0000000003-repartition', 'latest-changelog'])
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    await driver.createInputTopic('in', string, string).pipeValueList(['a=1', 'b=2', 'a=3'])
    expect(driver.createOutputTopic('out', string, string).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: '3' },
    ])
    expect(driver.getKeyValueStore<string, string>('latest').get('a')).toBe('3')
  })

  it('globalTable() is loaded from its topic and readable by every processor', async () => {
    const builder = new StreamsBuilder()
    const rates = builder.globalTable('rates', Consumed.with(string, int), Materialized.as('rates-store'))
    expect(rates.queryableStoreName()).toBe('rates-store')
    builder.stream('prices', Consumed.with(string, int))
      .process<string, number>(() => {
        let context: ProcessorContext<string, number>
        let store: KeyValueStore<string, ValueAndTimestamp<number>>
        return {
          init(ctx) {
            context = ctx
            store = ctx.getStateStore('rates-store')
          },
          process(record) {
            context.forward(withValue(record, record.value * (store.get(record.key)?.value ?? 0)))
          },
        }
      })
      .to('converted', Produced.with(string, int))
    const topology = builder.build()
    expect(topology.globalStores().map((g) => [g.name, g.sourceTopic])).toEqual([['rates-store', 'rates']])
    expect(topology.describe().toString()).toContain('Sub-topology: 0 for global store (will not generate tasks)\n    Source: KSTREAM-SOURCE-0000000000 (topics: [rates])')
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    await driver.createInputTopic('rates', string, int).pipeInput('eur', 3)
    await driver.createInputTopic('prices', string, int).pipeInput('eur', 10)
    expect(driver.createOutputTopic('converted', string, int).readValue()).toBe(30)
    expect(driver.getKeyValueStore<string, number>('rates-store').get('eur')).toBe(3)
  })
})
