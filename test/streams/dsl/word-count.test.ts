import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Grouped, Materialized, Produced, StreamsBuilder, TopologyTestDriver, type KTable, countSerde,
} from '../../../streams/index.ts'

function wordCount(materialized = Materialized.as<string, number>('counts-store')): StreamsBuilder {
  const builder = new StreamsBuilder()
  const counts: KTable<string, number> = builder
    .stream('streams-plaintext-input', Consumed.with(serdes.string(), serdes.string()))
    .flatMapValues((value) => value.toLowerCase().split(/\W+/).filter((word) => word !== ''))
    .groupBy((_key, value) => value, Grouped.with(serdes.string(), serdes.string()))
    .count(materialized)
  counts.toStream().to('streams-wordcount-output', Produced.with(serdes.string(), countSerde()))
  return builder
}

const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

describe('word count', () => {
  it('prints its topology like Kafka Streams', () => {
    expect(wordCount().build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])\n' +
        '      --> KSTREAM-FLATMAPVALUES-0000000001\n' +
        '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n' +
        '      --> KSTREAM-KEY-SELECT-0000000002\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n' +
        '      --> counts-store-repartition-filter\n' +
        '      <-- KSTREAM-FLATMAPVALUES-0000000001\n' +
        '    Processor: counts-store-repartition-filter (stores: [])\n' +
        '      --> counts-store-repartition-sink\n' +
        '      <-- KSTREAM-KEY-SELECT-0000000002\n' +
        '    Sink: counts-store-repartition-sink (topic: counts-store-repartition)\n' +
        '      <-- counts-store-repartition-filter\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: counts-store-repartition-source (topics: [counts-store-repartition])\n' +
        '      --> KSTREAM-AGGREGATE-0000000003\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])\n' +
        '      --> KTABLE-TOSTREAM-0000000007\n' +
        '      <-- counts-store-repartition-source\n' +
        '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000008\n' +
        '      <-- KSTREAM-AGGREGATE-0000000003\n' +
        '    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)\n' +
        '      <-- KTABLE-TOSTREAM-0000000007\n' +
        '\n',
    )
  })

  it('counts words across the repartition topic', async () => {
    const driver = new TopologyTestDriver(wordCount().build(), { applicationId: 'word-count' })
    drivers.push(driver)
    const input = driver.createInputTopic('streams-plaintext-input', serdes.string(), serdes.string())
    const output = driver.createOutputTopic('streams-wordcount-output', serdes.string(), countSerde())
    await input.pipeInput('1', 'all streams lead to kafka')
    await input.pipeInput('2', 'hello kafka streams')
    await input.pipeInput('3', 'join kafka summit')
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'all', value: 1 }, { key: 'streams', value: 1 }, { key: 'lead', value: 1 }, { key: 'to', value: 1 }, { key: 'kafka', value: 1 },
      { key: 'hello', value: 1 }, { key: 'kafka', value: 2 }, { key: 'streams', value: 2 },
      { key: 'join', value: 1 }, { key: 'kafka', value: 3 }, { key: 'summit', value: 1 },
    ])
    const store = driver.getKeyValueStore<string, number>('counts-store')
    expect(store.get('kafka')).toBe(3)
    expect(driver.producedTopicNames()).toEqual(new Set([
      'word-count-counts-store-repartition', 'word-count-counts-store-changelog', 'streams-wordcount-output',
    ]))
  })
})
