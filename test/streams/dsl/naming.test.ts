import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { Branched, Consumed, Grouped, Materialized, Named, Produced, StreamsBuilder, StreamsError, type Topology } from '../../../streams/index.ts'

const string = serdes.string()

function nodes(topology: Topology): string[][] {
  return topology.describe().subtopologies.map((s) => s.nodes.map((n) => n.name))
}

function build(): Topology {
  const builder = new StreamsBuilder()
  const source = builder.stream('in', Consumed.with(string, string))
  const upper = source.mapValues((v) => v.toUpperCase())
  upper.filter((_k, v) => v !== '').groupByKey().count().toStream().to('counts')
  upper.peek(() => {}).merge(source.flatMapValues((v) => [v])).to('merged')
  return builder.build()
}

describe('deterministic names', () => {
  it('names nodes and stores with one counter, in call order, as Kafka Streams', () => {
    // Printed in Kafka's order: by the size of the graph below a node, then by name.
    const topology = build()
    expect(nodes(topology)).toEqual([[
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-MAPVALUES-0000000001',
      'KSTREAM-FILTER-0000000002',
      'KSTREAM-AGGREGATE-0000000004',
      'KSTREAM-FLATMAPVALUES-0000000008',
      'KSTREAM-PEEK-0000000007',
      'KSTREAM-MERGE-0000000009',
      'KTABLE-TOSTREAM-0000000005',
      'KSTREAM-SINK-0000000006',
      'KSTREAM-SINK-0000000010',
    ]])
    expect(topology.stores().map((s) => s.name)).toEqual(['KSTREAM-AGGREGATE-STATE-STORE-0000000003'])
  })

  it('gives the same names every time the same code runs', () => {
    expect(build().describe().toString()).toBe(build().describe().toString())
  })

  it('takes user names from Named, Materialized, Grouped, Produced, Consumed and Branched', () => {
    const builder = new StreamsBuilder()
    const branches = builder.stream('in', Consumed.with(string, string).withName('read'))
      .mapValues((v) => v, Named.as('identity'))
      .split(Named.as('split-'))
      .branch((_k, v) => v === 'a', Branched.as('a'))
      .defaultBranch()
    branches.get('split-a')?.groupBy((_k, v) => v, Grouped.as('by-v')).count(Named.as('count'), Materialized.as('count-store'))
    branches.get('split-0')?.to('rest', Produced.as('write'))
    const topology = builder.build()
    expect(nodes(topology)).toEqual([
      ['read', 'identity', 'split-', 'split-a', 'by-v', 'by-v-repartition-filter', 'split-0', 'by-v-repartition-sink', 'write'],
      ['by-v-repartition-source', 'count'],
    ])
    expect(topology.stores().map((s) => s.name)).toEqual(['count-store'])
  })

  it('rejects names that cannot be part of a topic name, and DSL calls after build()', () => {
    expect(() => Named.as('has space')).toThrow(StreamsError)
    expect(() => Materialized.as('a/b')).toThrow(/Invalid store name "a\/b"/)
    const builder = new StreamsBuilder()
    const stream = builder.stream('in')
    builder.build()
    expect(() => stream.mapValues((v) => v)).toThrow(/already built its topology/)
  })
})
