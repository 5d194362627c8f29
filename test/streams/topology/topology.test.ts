import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { type Processor, Stores, StreamsError, Topology } from '../../../streams/index.ts'
import { passThrough } from '../../../streams/operators/pass-through.ts'

const noop = (): Processor<unknown, unknown> => ({ process() {} })
const store = (name: string) => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), serdes.string(), serdes.string())

function invalid(fn: () => unknown, message: RegExp): void {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(StreamsError)
    expect((error as StreamsError).code).toBe('STREAMS_INVALID_TOPOLOGY')
    expect((error as Error).message).toMatch(message)
    return
  }
  throw new Error('expected STREAMS_INVALID_TOPOLOGY')
}

describe('Topology validation', () => {
  it('rejects an unknown parent, naming it', () => {
    const topology = new Topology().addSource('source', { topics: ['in'] })
    invalid(() => topology.addProcessor('p', noop, 'nope'), /Parent node nope of p is not added yet/)
    invalid(() => topology.addSink('sink', 'out', {}, 'nope'), /Parent node nope of sink/)
  })

  it('rejects duplicate node names and parents', () => {
    const topology = new Topology().addSource('source', { topics: ['in'] })
    invalid(() => topology.addProcessor('source', noop, 'source'), /Processor source is already added/)
    invalid(() => topology.addProcessor('p', noop), /must have at least one parent/)
    invalid(() => topology.addProcessor('p', noop, 'source', 'source'), /lists a parent twice/)
  })

  it('rejects a sink as a parent and a topic read twice', () => {
    const topology = new Topology().addSource('source', { topics: ['in'] }).addSink('sink', 'out', {}, 'source')
    invalid(() => topology.addProcessor('p', noop, 'sink'), /Sink sink cannot be a parent/)
    invalid(() => topology.addSource('other', { topics: ['in'] }), /Topic in is already read by source source/)
    invalid(() => topology.addSource('both', { topics: ['a'], pattern: /b/ }), /exactly one/)
    invalid(() => topology.addSource('none', {}), /exactly one/)
  })

  it('rejects unknown stores and stores on non-processors', () => {
    const topology = new Topology().addSource('source', { topics: ['in'] }).addProcessor('p', noop, 'source')
    invalid(() => topology.connectProcessorAndStateStores('p', 'missing'), /State store missing is not added yet \(connecting it to processor p\)/)
    invalid(() => topology.addStateStore(store('s'), 'ghost'), /Processor ghost is not added yet/)
    invalid(() => topology.connectProcessorAndStateStores('source', 's'), /it is a source node, not a processor/)
    invalid(() => topology.addStateStore(store('s')), /different state store has already been added with the name s/)
  })

  it('requires global stores to have logging disabled', () => {
    invalid(() => new Topology().addGlobalStore(store('g'), 'gs', { topic: 'g' }, 'gp', noop), /must have logging disabled/)
  })
})

describe('Topology queries', () => {
  function twoSubtopologies(): Topology {
    return new Topology()
      .addSource('source', { topics: ['in'], keySerde: serdes.string() })
      .addProcessor('p', noop, 'source')
      .addStateStore(store('a'), 'p')
      .addInternalTopic('x-repartition', { numberOfPartitions: 4 })
      .addSink('to-x', 'x-repartition', {}, 'p')
      .addSource('from-x', { topics: ['x-repartition'] })
      .addProcessor('q', noop, 'from-x')
      .addStateStore(store('b').withLoggingDisabled(), 'q')
      .addSource('other', { pattern: /logs-.*/ })
      .addProcessor('r', noop, 'other')
      .connectProcessorAndStateStores('r', 'a')
      .addSink('out', 'out', {}, 'q')
  }

  it('splits sub-topologies at repartition topics and joins them through shared stores', () => {
    const topology = twoSubtopologies()
    expect(topology.subtopologies()).toEqual([
      { id: 0, sourceTopics: ['in'], sourcePatterns: [/logs-.*/], repartitionSourceTopics: [], stores: ['a'] },
      { id: 1, sourceTopics: [], sourcePatterns: [], repartitionSourceTopics: ['x-repartition'], stores: ['b'] },
    ])
    expect(topology.stores().map(({ name, subtopology, changelogTopic }) => ({ name, subtopology, changelogTopic }))).toEqual([
      { name: 'a', subtopology: 0, changelogTopic: 'a-changelog' },
      { name: 'b', subtopology: 1, changelogTopic: null },
    ])
    expect(topology.internalTopics()).toEqual([
      { name: 'x-repartition', kind: 'repartition', subtopology: 1, config: { 'cleanup.policy': 'delete' }, numberOfPartitions: 4 },
      { name: 'a-changelog', kind: 'changelog', subtopology: 0, config: { 'cleanup.policy': 'compact' } },
    ])
  })

  it('lists global stores with their sub-topology and co-partition groups', () => {
    const topology = new Topology()
      .addGlobalStore(store('g').withLoggingDisabled(), 'g-source', { topic: 'g-topic' }, 'g-processor', noop)
      .addSource('left', { topics: ['l1', 'l2'] })
      .addSource('right', { topics: ['r'] })
      .addOperator('merge', passThrough(), 'left', 'right')
      .copartitionSources('left', 'right')
    expect(topology.globalStores().map(({ name, sourceTopic, subtopology }) => ({ name, sourceTopic, subtopology }))).toEqual([
      { name: 'g', sourceTopic: 'g-topic', subtopology: 0 },
    ])
    expect(topology.subtopologies().map((s) => s.id)).toEqual([1])
    expect(topology.copartitionGroups()).toEqual([['l1', 'l2', 'r']])
    expect(topology.autoOffsetResetOf('g-topic')).toBe('earliest')
    expect(topology.autoOffsetResetOf('l1')).toBeNull()
    expect(topology.isGlobalStore('g')).toBe(true)
  })

  it('describes like Kafka Streams: sizes, patterns, extractors, global stores', () => {
    function pickTopic(): string {
      return 'x'
    }
    const topology = new Topology()
      .addSource('source', { pattern: /in-\d+/ })
      .addProcessor('a', noop, 'source')
      .addProcessor('b', noop, 'source')
      .addProcessor('a2', noop, 'a')
      .addSink('sink-a', pickTopic, {}, 'a2')
      .addSink('sink-b', 'out', {}, 'b')
      .addStateStore(store('s'), 'a', 'b')
      .addGlobalStore(store('g').withLoggingDisabled(), 'g-source', { topic: 'g-topic' }, 'g-processor', noop)
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: source (topics: in-\\d+)\n' +
        '      --> a, b\n' +
        '    Processor: a (stores: [s])\n' +
        '      --> a2\n' +
        '      <-- source\n' +
        '    Processor: a2 (stores: [])\n' +
        '      --> sink-a\n' +
        '      <-- a\n' +
        '    Processor: b (stores: [s])\n' +
        '      --> sink-b\n' +
        '      <-- source\n' +
        '    Sink: sink-a (extractor class: pickTopic)\n' +
        '      <-- a2\n' +
        '    Sink: sink-b (topic: out)\n' +
        '      <-- b\n' +
        '\n' +
        '  Sub-topology: 1 for global store (will not generate tasks)\n' +
        '    Source: g-source (topics: [g-topic])\n' +
        '      --> g-processor\n' +
        '    Processor: g-processor (stores: [g])\n' +
        '      --> none\n' +
        '      <-- g-source\n',
    )
    const description = topology.describe()
    expect(description.subtopologies[0].nodes.map((n) => n.name)).toEqual(['source', 'a', 'a2', 'b', 'sink-a', 'sink-b'])
    expect(description.globalStores[0].processor.stores).toEqual(['g'])
  })
})
