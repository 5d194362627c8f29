import { concatMap, delay, filter, map, mergeMap, of } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Branched, Consumed, DEAD_LETTER_HEADERS, type KeyValueStore, Named, type ProcessorContext, Produced, Repartitioned, Stores, StreamsBuilder,
  type StreamsOptions, TopologyTestDriver, withValue,
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

function stringsIn(builder: StreamsBuilder, topic = 'in') {
  return builder.stream(topic, Consumed.with(string, string))
}

describe('KStream stateless operations', () => {
  it('map, mapValues, filter, filterNot, selectKey, peek and foreach', async () => {
    const builder = new StreamsBuilder()
    const peeked: string[] = []
    const each: string[] = []
    const source = stringsIn(builder)
    source
      .filter((_k, v) => v !== 'skip')
      .filterNot((k) => k === 'hidden')
      .mapValues((v, k) => `${k}:${v}`)
      .peek((_k, v) => peeked.push(v))
      .map((k, v) => ({ key: v, value: k.length }))
      .to('mapped', Produced.with(string, int))
    source.selectKey((_k, v) => v.toUpperCase()).to('rekeyed', Produced.with(string, string))
    source.foreach((k, v) => each.push(`${k}=${v}`))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, string)
    await input.pipeKeyValueList([{ key: 'a', value: 'x' }, { key: 'b', value: 'skip' }, { key: 'hidden', value: 'y' }])
    expect(driver.createOutputTopic('mapped', string, int).readKeyValuesToList()).toEqual([{ key: 'a:x', value: 1 }])
    expect(driver.createOutputTopic('rekeyed', string, string).readKeyValuesToList()).toEqual([
      { key: 'X', value: 'x' }, { key: 'SKIP', value: 'skip' }, { key: 'Y', value: 'y' },
    ])
    expect(peeked).toEqual(['a:x'])
    expect(each).toEqual(['a=x', 'b=skip', 'hidden=y'])
  })

  it('flatMap and flatMapValues', async () => {
    const builder = new StreamsBuilder()
    const source = stringsIn(builder)
    source.flatMapValues((v) => v.split(' ')).to('words', Produced.with(string, string))
    source.flatMap((k, v) => [...v].map((c, i) => ({ key: `${k}${i}`, value: c }))).to('chars', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('in', string, string).pipeInput('k', 'ab c', 5)
    const words = driver.createOutputTopic('words', string, string).readRecordsToList()
    expect(words.map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual([
      { key: 'k', value: 'ab', timestamp: 5 }, { key: 'k', value: 'c', timestamp: 5 },
    ])
    expect(driver.createOutputTopic('chars', string, string).readKeyValuesToMap()).toEqual(new Map([['k0', 'a'], ['k1', 'b'], ['k2', ' '], ['k3', 'c']]))
  })

  it('merge and a topic name extractor', async () => {
    const builder = new StreamsBuilder()
    stringsIn(builder, 'left').merge(stringsIn(builder, 'right')).to((key) => `out-${key}`, Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('left', string, string).pipeInput('a', '1')
    await driver.createInputTopic('right', string, string).pipeInput('b', '2')
    expect(driver.createOutputTopic('out-a', string, string).readValuesToList()).toEqual(['1'])
    expect(driver.createOutputTopic('out-b', string, string).readValuesToList()).toEqual(['2'])
    expect(builder.build().copartitionGroups()).toEqual([['left', 'right']])
  })

  it('reads several topics and topics matching a pattern', async () => {
    const builder = new StreamsBuilder()
    builder.stream(['t1', 't2'], Consumed.with(string, string)).to('out', Produced.with(string, string))
    builder.stream(/logs-.*/, Consumed.with(string, string)).mapValues((v) => v.toUpperCase()).to('logs', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('t2', string, string).pipeInput('k', 'two')
    await driver.createInputTopic('logs-a', string, string).pipeInput('k', 'log')
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['two'])
    expect(driver.createOutputTopic('logs', string, string).readValuesToList()).toEqual(['LOG'])
  })
})

describe('KStream split()', () => {
  it('routes each record to the first matching branch; names are <prefix><name>', async () => {
    const builder = new StreamsBuilder()
    const consumed: string[] = []
    const branches = stringsIn(builder)
      .split(Named.as('route-'))
      .branch((_k, v) => v.startsWith('a'), Branched.as('a'))
      .branch((_k, v) => v.startsWith('b'), Branched.withConsumer((s) => s.foreach((_k, v) => consumed.push(v))))
      .branch((_k, v) => v.startsWith('c'), Branched.withFunction((s) => s.mapValues((v) => v.toUpperCase()), 'c'))
      .defaultBranch(Branched.as('other'))
    expect([...branches.keys()]).toEqual(['route-a', 'route-c', 'route-other'])
    branches.get('route-a')?.to('a', Produced.with(string, string))
    branches.get('route-c')?.to('c', Produced.with(string, string))
    branches.get('route-other')?.to('other', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('in', string, string).pipeValueList(['a1', 'b1', 'c1', 'ab', 'zz'])
    expect(driver.createOutputTopic('a', string, string).readValuesToList()).toEqual(['a1', 'ab'])
    expect(driver.createOutputTopic('c', string, string).readValuesToList()).toEqual(['C1'])
    expect(driver.createOutputTopic('other', string, string).readValuesToList()).toEqual(['zz'])
    expect(consumed).toEqual(['b1'])
  })

  it('generates branch names from the split name and positions; drops unmatched records without a default', async () => {
    const builder = new StreamsBuilder()
    const branches = stringsIn(builder).split().branch((_k, v) => v === 'x').branch((_k, v) => v === 'y').noDefaultBranch()
    expect([...branches.keys()]).toEqual(['KSTREAM-BRANCH-00000000011', 'KSTREAM-BRANCH-00000000012'])
    branches.get('KSTREAM-BRANCH-00000000012')?.to('y', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('in', string, string).pipeValueList(['x', 'y', 'z'])
    expect(driver.createOutputTopic('y', string, string).readValuesToList()).toEqual(['y'])
  })
})

describe('KStream repartition()', () => {
  it('writes and reads back an internal topic, named by Repartitioned', async () => {
    const builder = new StreamsBuilder()
    stringsIn(builder)
      .selectKey((_k, v) => v)
      .repartition(Repartitioned.with(string, string).withName('by-value').withNumberOfPartitions(3))
      .to('out', Produced.with(string, string))
    const topology = builder.build()
    expect(topology.internalTopics()).toEqual([
      { name: 'by-value-repartition', kind: 'repartition', subtopology: 1, config: { 'cleanup.policy': 'delete' }, numberOfPartitions: 3 },
    ])
    expect(topology.describe().subtopologies.map((s) => s.nodes.map((n) => n.name))).toEqual([
      ['KSTREAM-SOURCE-0000000000', 'KSTREAM-KEY-SELECT-0000000001', 'by-value-repartition-sink'],
      ['by-value-repartition-source', 'KSTREAM-SINK-0000000005'],
    ])
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' })
    drivers.push(driver)
    await driver.createInputTopic('in', string, string).pipeInput('k', 'v')
    expect(driver.createOutputTopic('app-by-value-repartition', string, string).readKeyValue()).toEqual({ key: 'v', value: 'v' })
    expect(driver.createOutputTopic('out', string, string).readKeyValue()).toEqual({ key: 'v', value: 'v' })
  })

  it('uses generated names without Repartitioned', () => {
    const builder = new StreamsBuilder()
    stringsIn(builder).repartition().to('out')
    const topology = builder.build()
    expect(topology.internalTopics().map((t) => t.name)).toEqual(['KSTREAM-REPARTITION-0000000001-repartition'])
    expect(topology.describe().subtopologies.map((s) => s.nodes.map((n) => n.name))).toEqual([
      ['KSTREAM-SOURCE-0000000000', 'KSTREAM-SINK-0000000002'],
      ['KSTREAM-SOURCE-0000000004', 'KSTREAM-SINK-0000000005'],
    ])
  })
})

describe('KStream process()', () => {
  it('runs a processor with a connected store and forwards its records', async () => {
    const builder = new StreamsBuilder()
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), string, int))
    stringsIn(builder)
      .process<string, number>(() => {
        let context: ProcessorContext<string, number>
        let store: KeyValueStore<string, number>
        return {
          init(ctx) {
            context = ctx
            store = ctx.getStateStore('seen')
          },
          process(record) {
            const count = (store.get(record.key) ?? 0) + 1
            store.put(record.key, count)
            context.forward(withValue(record, count))
          },
        }
      }, Named.as('counter'), 'seen')
      .to('counts', Produced.with(string, int))
    const driver = drive(builder)
    await driver.createInputTopic('in', string, string).pipeKeyValueList([{ key: 'a', value: '' }, { key: 'a', value: '' }, { key: 'b', value: '' }])
    expect(driver.createOutputTopic('counts', string, int).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: 1 },
    ])
    expect(driver.getKeyValueStore<string, number>('seen').get('a')).toBe(2)
    expect(driver.createOutputTopic('app-seen-changelog', string, int).readKeyValuesToList()).toHaveLength(3)
  })
})

describe('KStream pipe()', () => {
  it('applies synchronous RxJS operators per record', async () => {
    const builder = new StreamsBuilder()
    stringsIn(builder)
      .pipe(
        map((r) => ({ ...r, value: r.value.length })),
        filter((r) => r.value > 1),
      )
      .to('out', Produced.with(string, int))
    const driver = drive(builder)
    await driver.createInputTopic('in', string, string).pipeValueList(['a', 'bb', 'ccc'])
    expect(driver.createOutputTopic('out', string, int).readValuesToList()).toEqual([2, 3])
  })

  it('keeps order through asynchronous operators (promises, mergeMap, delay)', async () => {
    const builder = new StreamsBuilder()
    stringsIn(builder)
      .flatMapValues((v) => [v, `${v}'`])
      .pipe(
        concatMap(async (r) => {
          await new Promise((resolve) => setTimeout(resolve, r.value.endsWith("'") ? 1 : 8))
          return { ...r, value: `${r.value}!` }
        }),
        mergeMap((r) => of({ ...r, key: r.value }).pipe(delay(r.value.length))),
      )
      .to('out', Produced.with(string, string))
    const driver = drive(builder)
    const input = driver.createInputTopic('in', string, string)
    void input.pipeInput('k', 'one')
    await input.pipeInput('k', 'two')
    expect(driver.createOutputTopic('out', string, string).readKeyValuesToList().map((kv) => kv.key)).toEqual(["one!", "one'!", 'two!', "two'!"])
  })
})

describe('KStream exception handlers through the driver', () => {
  function failing(builder: StreamsBuilder): void {
    stringsIn(builder)
      .mapValues((v) => {
        if (v === 'bad') throw new Error(`cannot map ${v}`)
        return v
      })
      .to('out', Produced.with(string, string))
  }

  it('continue skips, fail rejects with the node, topic, partition and offset', async () => {
    const continuing = new StreamsBuilder()
    failing(continuing)
    const driver = drive(continuing, { processingExceptionHandler: 'log-and-continue' })
    await driver.createInputTopic('in', string, string).pipeValueList(['ok1', 'bad', 'ok2'])
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['ok1', 'ok2'])

    const failingBuilder = new StreamsBuilder()
    failing(failingBuilder)
    const strict = drive(failingBuilder)
    const input = strict.createInputTopic('in', string, string)
    await input.pipeInput('k', 'ok')
    await expect(input.pipeInput('k', 'bad')).rejects.toMatchObject({
      code: 'STREAMS_PROCESSING',
      message: expect.stringContaining('Processor KSTREAM-MAPVALUES-0000000001 of task 0_0 failed on the record from in-0 at offset 1: cannot map bad'),
    })
  })

  it('a dead-letter topic receives the raw record', async () => {
    const builder = new StreamsBuilder()
    failing(builder)
    const driver = drive(builder, { processingExceptionHandler: { deadLetterTopic: 'dlt' } })
    await driver.createInputTopic('in', string, string).pipeInput('k', 'bad')
    const [dead] = driver.createOutputTopic('dlt', string, string).readRecordsToList()
    expect(dead.value).toBe('bad')
    expect(dead.headers.find((h) => h.key === DEAD_LETTER_HEADERS.message)?.value?.toString()).toBe('cannot map bad')
  })

  it('deserialization failures: continue, fail, dead-letter topic', async () => {
    const build = () => {
      const builder = new StreamsBuilder()
      builder.stream('in', Consumed.with(string, int)).to('out', Produced.with(string, int))
      return builder
    }
    const bytes = serdes.bytes()
    const continuing = drive(build(), { deserializationExceptionHandler: 'log-and-continue' })
    await continuing.createInputTopic('in', string, bytes).pipeInput('k', Buffer.from([1]))
    expect(continuing.createOutputTopic('out', string, int).isEmpty()).toBe(true)

    const strict = drive(build())
    await expect(strict.createInputTopic('in', string, bytes).pipeInput('k', Buffer.from([1]))).rejects.toMatchObject({ code: 'STREAMS_DESERIALIZATION' })

    const dlt = drive(build(), { deserializationExceptionHandler: { deadLetterTopic: 'bad-input' } })
    await dlt.createInputTopic('in', string, bytes).pipeInput('k', Buffer.from([1]))
    expect(dlt.createOutputTopic('bad-input', string, bytes).readValue()).toEqual(Buffer.from([1]))
  })
})
