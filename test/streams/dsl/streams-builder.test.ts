import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, type KeyValueStore, Materialized, type ProcessorContext, Produced, Stores, StreamsBuilder, TopologyTestDriver,
} from '../../../streams/index.ts'

const string = serdes.string()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

describe('StreamsBuilder', () => {
  it('adds a global store written by a custom processor and read by others', async () => {
    const builder = new StreamsBuilder()
    builder.addGlobalStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('names'), string, string).withLoggingDisabled(),
      'names-topic',
      Consumed.with(string, string),
      () => {
        let store: KeyValueStore<string, string>
        return {
          init: (ctx) => void (store = ctx.getStateStore('names')),
          process: (record) => store.put(record.key, record.value.toUpperCase()),
        }
      },
    )
    builder.stream('ids', Consumed.with(string, string))
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>
        return {
          init: (ctx) => void (context = ctx),
          process: (record) => context.forward({ ...record, value: context.getStateStore<KeyValueStore<string, string>>('names').get(record.key) ?? '?' }),
        }
      })
      .to('named', Produced.with(string, string))
    const driver = new TopologyTestDriver(builder.build())
    drivers.push(driver)
    await driver.createInputTopic('names-topic', string, string).pipeInput('1', 'ada')
    await driver.createInputTopic('ids', string, string).pipeKeyValueList([{ key: '1', value: '' }, { key: '2', value: '' }])
    expect(driver.createOutputTopic('named', string, string).readValuesToList()).toEqual(['ADA', '?'])
  })

  it('takes table(topic, materialized) and names the table source after Consumed', () => {
    const builder = new StreamsBuilder()
    builder.table('t', Materialized.as<string, string>('t-store').withKeySerde(string).withValueSerde(string))
    builder.table('u', Consumed.as('users'))
    const topology = builder.build()
    expect(topology.describe().subtopologies.map((s) => s.nodes.map((n) => n.name))).toEqual([
      ['KSTREAM-SOURCE-0000000000', 'KTABLE-SOURCE-0000000001'],
      ['users', 'users-table-source'],
    ])
    expect(topology.stores().map((s) => s.name)).toEqual(['t-store'])
  })
})
