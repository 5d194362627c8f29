/**
 * `StreamsBuilder`: the entry point of the DSL (Kafka Streams' `StreamsBuilder`).
 *
 * ```ts
 * const builder = new StreamsBuilder()
 * builder.stream('text', Consumed.with(serdes.string(), serdes.string()))
 *   .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
 *   .groupBy((_key, word) => word, Grouped.with(serdes.string(), serdes.string()))
 *   .count(Materialized.as('counts'))
 *   .toStream()
 *   .to('word-counts', Produced.with(serdes.string(), countSerde()))
 * const topology = builder.build()
 * console.log(topology.describe().toString())
 * ```
 *
 * The builder only describes: `build()` returns the `Topology` that a `CreekStreams` runtime or
 * the `TopologyTestDriver` runs. A builder builds one topology; DSL calls after `build()` throw
 * STREAMS_ILLEGAL_STATE.
 */
import { StreamsError } from '../errors.ts'
import type { ProcessorSupplier } from '../processor/api.ts'
import type { StoreBuilder } from '../state/api.ts'
import type { Topology } from '../topology/topology.ts'
import type { GlobalKTable, KStream, KTable } from './api.ts'
import { BranchedKStreamImpl } from './branched-kstream-impl.ts'
import type { Consumed } from './consumed.ts'
import { type DslFactories, InternalStreamsBuilder } from './internal-streams-builder.ts'
import { KGroupedStreamImpl } from './kgrouped-stream-impl.ts'
import { KGroupedTableImpl } from './kgrouped-table-impl.ts'
import { KStreamImpl } from './kstream-impl.ts'
import { KTableImpl } from './ktable-impl.ts'
import { keyValueStoreFor, storeNameFor } from './materialize.ts'
import { Materialized } from './materialized.ts'
import { KTableSource } from './processors/ktable-source.ts'

const FACTORIES: DslFactories = {
  stream: (builder, spec) => new KStreamImpl(builder, spec),
  table: (builder, spec) => new KTableImpl(builder, spec),
  groupedStream: (builder, spec) => new KGroupedStreamImpl(builder, spec),
  groupedTable: (builder, spec) => new KGroupedTableImpl(builder, spec),
  branched: (builder, spec, named) => new BranchedKStreamImpl(builder, spec, named),
}

class GlobalKTableImpl<K, V> implements GlobalKTable<K, V> {
  readonly #storeName: string

  constructor(storeName: string) {
    this.#storeName = storeName
  }

  queryableStoreName(): string {
    return this.#storeName
  }
}

function topicList(topics: string | readonly string[] | RegExp): { topics?: readonly string[]; pattern?: RegExp } {
  if (topics instanceof RegExp) return { pattern: topics }
  const list = typeof topics === 'string' ? [topics] : [...topics]
  if (list.length === 0 || list.some((topic) => typeof topic !== 'string' || topic === '')) {
    throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `stream() needs a topic, a non-empty list of topics or a RegExp, got ${JSON.stringify(topics)}`)
  }
  return { topics: list }
}

export class StreamsBuilder {
  readonly #internal = new InternalStreamsBuilder(FACTORIES)

  /** A stream of the records of `topics` (a name, names, or every topic a RegExp fully matches). */
  stream<K = Buffer, V = Buffer>(topics: string | readonly string[] | RegExp, consumed?: Consumed<K, V>): KStream<K, V> {
    const builder = this.#internal
    const name = consumed?.processorName ?? builder.newProcessorName('KSTREAM-SOURCE-')
    builder.checkOpen()
    builder.topology.addSource(name, {
      ...topicList(topics),
      keySerde: consumed?.keySerde ?? undefined, valueSerde: consumed?.valueSerde ?? undefined,
      timestampExtractor: consumed?.timestampExtractor ?? undefined, autoOffsetReset: consumed?.offsetResetPolicy ?? undefined,
    })
    return new KStreamImpl<K, V>(builder, {
      node: name, keySerde: consumed?.keySerde ?? null, valueSerde: consumed?.valueSerde ?? null, repartitionRequired: false, sourceNodes: [name],
    })
  }

  /**
   * A table of the latest value per key of `topic` (a null value deletes the key). Queryable,
   * and materialized, when `Materialized.as(name)` names its store.
   */
  table<K = Buffer, V = Buffer>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    if (consumed instanceof Materialized) return this.table(topic, undefined, consumed)
    const builder = this.#internal
    const store = storeNameFor(builder, materialized, `${topic}-`)
    const sourceName = consumed?.processorName ?? builder.newProcessorName('KSTREAM-SOURCE-')
    const tableName = consumed?.processorName == null ? builder.newProcessorName('KTABLE-SOURCE-') : `${consumed.processorName}-table-source`
    const keySerde = materialized?.keySerde ?? consumed?.keySerde ?? null
    const valueSerde = materialized?.valueSerde ?? consumed?.valueSerde ?? null
    const topology = builder.topology
    topology.addSource(sourceName, {
      topics: [topic], keySerde: consumed?.keySerde ?? keySerde ?? undefined, valueSerde: consumed?.valueSerde ?? valueSerde ?? undefined,
      timestampExtractor: consumed?.timestampExtractor ?? undefined, autoOffsetReset: consumed?.offsetResetPolicy ?? undefined,
    })
    const source = new KTableSource<K, V>(store.name, () => {
      const own = keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
      topology.addStateStore(own.builder, tableName).markTimestampedStore(store.name)
      return own.valueSerde
    })
    topology.addProcessor(tableName, source.supplier, sourceName)
    if (store.queryable) source.materialize()
    return new KTableImpl<K, V>(builder, {
      node: tableName, keySerde, valueSerde, control: source, queryableStoreName: store.queryable ? store.name : null, sourceNodes: [sourceName],
    })
  }

  /**
   * A table replicated in full in every instance: all partitions of `topic` are loaded into a
   * global store (logging disabled: the topic is its changelog), readable by every processor.
   */
  globalTable<K = Buffer, V = Buffer>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    if (consumed instanceof Materialized) return this.globalTable(topic, undefined, consumed)
    const builder = this.#internal
    const store = storeNameFor(builder, materialized, `${topic}-`)
    const sourceName = consumed?.processorName ?? builder.newProcessorName('KSTREAM-SOURCE-')
    const processorName = consumed?.processorName == null ? builder.newProcessorName('KTABLE-SOURCE-') : `${consumed.processorName}-table-source`
    const keySerde = materialized?.keySerde ?? consumed?.keySerde ?? null
    const valueSerde = materialized?.valueSerde ?? consumed?.valueSerde ?? null
    const own = keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
    own.builder.withLoggingDisabled()
    const source = new KTableSource<K, V>(store.name, () => own.valueSerde)
    source.materialize()
    builder.topology.addGlobalStore(own.builder, sourceName, {
      topic, keySerde: consumed?.keySerde ?? keySerde ?? undefined, valueSerde: consumed?.valueSerde ?? valueSerde ?? undefined,
      timestampExtractor: consumed?.timestampExtractor ?? undefined,
    }, processorName, source.supplier as ProcessorSupplier<K, V>)
    builder.topology.markTimestampedStore(store.name)
    return new GlobalKTableImpl<K, V>(store.name)
  }

  /** Adds a store for `KStream#process(supplier, storeName)` to connect to. */
  addStateStore(storeBuilder: StoreBuilder): this {
    this.#internal.checkOpen()
    this.#internal.topology.addStateStore(storeBuilder)
    return this
  }

  /**
   * Adds a global store loaded from `topic` by `stateUpdateSupplier` (which writes the store
   * named by `storeBuilder`; logging must be disabled), readable by every processor.
   */
  addGlobalStore<K, V>(storeBuilder: StoreBuilder, topic: string, consumed: Consumed<K, V> | undefined, stateUpdateSupplier: ProcessorSupplier<K, V>): this {
    const builder = this.#internal
    const sourceName = consumed?.processorName ?? builder.newProcessorName('KSTREAM-SOURCE-')
    const processorName = builder.newProcessorName('KTABLE-SOURCE-')
    builder.topology.addGlobalStore(storeBuilder, sourceName, {
      topic, keySerde: consumed?.keySerde ?? undefined, valueSerde: consumed?.valueSerde ?? undefined,
      timestampExtractor: consumed?.timestampExtractor ?? undefined,
    }, processorName, stateUpdateSupplier)
    return this
  }

  /** The topology described so far; the builder cannot be used afterwards. */
  build(): Topology {
    return this.#internal.build()
  }
}
