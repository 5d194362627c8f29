import { existsSync } from 'node:fs'
import { delay, mergeMap, of } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Grouped, Materialized, type Processor, type ProcessorContext, Produced, Stores, StreamsBuilder, StreamsError, Topology, TopologyTestDriver,
  withValue, countSerde,
} from '../../../streams/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const string = serdes.string()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

function echo(): Topology {
  const builder = new StreamsBuilder()
  builder.stream('in', Consumed.with(string, string)).to('out', Produced.with(string, string))
  return builder.build()
}

function open(topology: Topology, options: ConstructorParameters<typeof TopologyTestDriver>[1] = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(topology, options)
  drivers.push(driver)
  return driver
}

describe('TopologyTestDriver input and output topics', () => {
  it('stamps records with the input topic time, auto-advancing, or the given timestamp', async () => {
    const driver = open(echo(), { initialWallClockTimeMs: 1_000 })
    const input = driver.createInputTopic('in', string, string, { autoAdvanceMs: 10 })
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('a', '1')
    await input.pipeInput('b', '2')
    input.advanceTime(100)
    await input.pipeInput('c', '3')
    await input.pipeInput('d', '4', 5)
    await input.pipeInput('only-value')
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', '1', 1_000], ['b', '2', 1_010], ['c', '3', 1_120], ['d', '4', 5], [null, 'only-value', 1_130],
    ])
    const other = driver.createInputTopic('in', string, string, { startTimestamp: 42 })
    await other.pipeRecord({ key: 'k', value: 'v', headers: [{ key: 'h', value: Buffer.from('x') }] })
    const record = output.readRecord()
    expect(record.timestamp).toBe(42)
    expect(record.headers).toEqual([{ key: 'h', value: Buffer.from('x') }])
  })

  it('reads in order, once, and knows when a topic is empty', async () => {
    const driver = open(echo())
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    expect(output.isEmpty()).toBe(true)
    await input.pipeKeyValueList([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: null }])
    expect(output.getQueueSize()).toBe(3)
    expect(output.readValue()).toBe('1')
    expect(driver.createOutputTopic('out', string, string).readKeyValue()).toEqual({ key: 'b', value: '2' })
    expect(output.readKeyValuesToMap()).toEqual(new Map())
    expect(() => output.readValue()).toThrow(/Topic out has no record left to read/)
  })

  it('refuses unknown input topics and reads while input is in flight', async () => {
    const driver = open(echo())
    await expect(driver.createInputTopic('nope', string, string).pipeInput('k', 'v')).rejects.toThrow(/No source of the topology reads topic nope/)
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string)).pipe(mergeMap((r) => of(r).pipe(delay(5)))).to('out', Produced.with(string, string))
    const slow = open(builder.build())
    const piped = slow.createInputTopic('in', string, string).pipeInput('k', 'v')
    const output = slow.createOutputTopic('out', string, string)
    expect(() => output.readValue()).toThrow(expect.objectContaining({ code: 'STREAMS_ILLEGAL_STATE' }))
    await piped
    expect(output.readValue()).toBe('v')
  })

  it('processes piped records in order even when not awaited one by one', async () => {
    const driver = open(echo())
    const input = driver.createInputTopic('in', string, string)
    const all = ['1', '2', '3'].map((v) => input.pipeInput('k', v))
    await Promise.all(all)
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['1', '2', '3'])
  })
})

describe('TopologyTestDriver stores, internal topics and time', () => {
  it('routes repartition topics back into the tasks that read them and captures changelogs', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(string, string))
      .selectKey((_k, v) => v)
      .groupByKey(Grouped.with(string, string))
      .count(Materialized.as('counts'))
      .toStream()
      .to('out', Produced.with(string, countSerde()))
    const driver = open(builder.build(), { applicationId: 'wc' })
    await driver.createInputTopic('in', string, string).pipeKeyValueList([{ key: '1', value: 'x' }, { key: '2', value: 'x' }])
    expect(driver.producedTopicNames()).toEqual(new Set(['wc-counts-repartition', 'wc-counts-changelog', 'out']))
    expect(driver.createOutputTopic('out', string, countSerde()).readValuesToList()).toEqual([1, 2])
    expect(driver.createOutputTopic('wc-counts-changelog', string, serdes.bytes()).getQueueSize()).toBe(2)
    expect([...driver.getAllStateStores().keys()]).toEqual(['counts'])
    expect(() => driver.getStateStore('missing')).toThrow(/The topology has no state store missing \(stores: counts\)/)
  })

  it('mocks wall-clock time for processors', async () => {
    const seen: number[] = []
    const topology = new Topology()
      .addSource('source', { topics: ['in'] })
      .addProcessor('clock', (): Processor<unknown, unknown> => {
        let context: ProcessorContext
        return { init: (ctx) => void (context = ctx), process: () => void seen.push(context.currentSystemTimeMs()) }
      }, 'source')
    const driver = open(topology, { initialWallClockTimeMs: 5_000 })
    const input = driver.createInputTopic('in', serdes.bytes(), serdes.bytes())
    await input.pipeInput(null, Buffer.from('x'))
    driver.advanceWallClockTime(250)
    await input.pipeInput(null, Buffer.from('y'))
    expect(seen).toEqual([5_000, 5_250])
  })

  it('gives raw access to stores of the low-level API, and keeps state in stateDir', async () => {
    const stateDir = tempDir()
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('save', (): Processor<string, string, string, string> => {
        let context: ProcessorContext<string, string>
        return {
          init: (ctx) => void (context = ctx),
          process(record) {
            context.getStateStore<import('../../../streams/index.ts').KeyValueStore<string, string>>('kv').put(record.key, record.value)
            context.forward(withValue(record, `saved ${record.value}`))
          },
        }
      }, 'source')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('kv'), string, string), 'save')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'save')
    const driver = open(topology, { applicationId: 'raw', stateDir })
    await driver.createInputTopic('in', string, string).pipeInput('k', 'v')
    expect(driver.getKeyValueStore<string, string>('kv').get('k')).toBe('v')
    expect(existsSync(`${stateDir}/raw/0_0/rocksdb/kv`)).toBe(true)
    expect(driver.createOutputTopic('out', string, string).readValue()).toBe('saved v')
  })

  it('refuses use after close, and closes once', async () => {
    const driver = new TopologyTestDriver(echo())
    await driver.ready()
    await driver.close()
    expect(() => driver.createInputTopic('in', string, string)).toThrow(StreamsError)
    await driver.close()
  })
})
