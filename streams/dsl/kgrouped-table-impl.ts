/**
 * `KGroupedTableImpl`: a table re-keyed for an aggregation (Kafka Streams'
 * `KGroupedTableImpl`). Every aggregation goes through a repartition topic
 * (`<Grouped name or store name>-repartition`) carrying `Change`s, so that subtracting a row's
 * old value and adding its new one happen in the tasks that own the old and the new grouping
 * keys. Names, in Kafka Streams' order: the store (`KTABLE-AGGREGATE-STATE-STORE-…` unless
 * `Materialized.as`), the repartition sink and source (`KSTREAM-SINK-…`, `KSTREAM-SOURCE-…`, or
 * `<Named>-sink`, `<Named>-source`), then the aggregation (`KTABLE-AGGREGATE-…`,
 * `KTABLE-REDUCE-…`, or the `Named` name).
 */
import type { Serde } from '../../serdes/index.ts'
import type { Aggregator, Initializer, KGroupedTable, KTable, Reducer } from './api.ts'
import { namedAndMaterialized } from './arguments.ts'
import { countSerde } from './count-serde.ts'
import type { GroupedTableSpec, InternalStreamsBuilder } from './internal-streams-builder.ts'
import { keyValueStoreFor, type StoreName, storeNameFor } from './materialize.ts'
import type { Materialized } from './materialized.ts'
import type { Named } from './named.ts'
import { KTableAggregate } from './processors/ktable-aggregate.ts'
import { REPARTITION_TOPIC_SUFFIX } from './repartition.ts'
import type { ValueAndTimestampSerde } from './value-and-timestamp.ts'

type Args<V> = (Named | Materialized<any, V> | undefined)[]

export class KGroupedTableImpl<K, V> implements KGroupedTable<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: GroupedTableSpec<K, V>
  /** The repartition source, shared by the aggregations of a named grouping. */
  #repartitionSource: string | null = null

  constructor(builder: InternalStreamsBuilder, spec: GroupedTableSpec<K, V>) {
    this.#builder = builder
    this.#spec = spec
  }

  count(...args: Args<number>): KTable<K, number> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, number>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KTABLE-AGGREGATE-')
    return this.#aggregate<number>(named, 'KTABLE-AGGREGATE-', store, materialized, materialized?.valueSerde ?? countSerde(), (valueSerde) =>
      KTableAggregate.aggregate<K, V, number>(store.name, valueSerde, this.#spec.changeSerde, () => 0, (_k, _v, count) => count + 1, (_k, _v, count) => count - 1))
  }

  reduce(adder: Reducer<V>, subtractor: Reducer<V>, ...args: Args<V>): KTable<K, V> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KTABLE-REDUCE-')
    return this.#aggregate<V>(named, 'KTABLE-REDUCE-', store, materialized, materialized?.valueSerde ?? this.#spec.valueSerde, (valueSerde) =>
      KTableAggregate.reduce<K, V>(store.name, valueSerde, this.#spec.changeSerde, adder, subtractor))
  }

  aggregate<VA>(initializer: Initializer<VA>, adder: Aggregator<K, V, VA>, subtractor: Aggregator<K, V, VA>, ...args: Args<VA>): KTable<K, VA> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, VA>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KTABLE-AGGREGATE-')
    return this.#aggregate<VA>(named, 'KTABLE-AGGREGATE-', store, materialized, materialized?.valueSerde ?? null, (valueSerde) =>
      KTableAggregate.aggregate<K, V, VA>(store.name, valueSerde, this.#spec.changeSerde, initializer, adder, subtractor))
  }

  #aggregate<VA>(
    named: Named | undefined,
    prefix: string,
    store: StoreName,
    materialized: Materialized<K, VA> | undefined,
    valueSerde: Serde<VA> | null,
    make: (storeValueSerde: ValueAndTimestampSerde<VA>) => KTableAggregate<K, V, VA>,
  ): KTable<K, VA> {
    const builder = this.#builder
    builder.checkOpen()
    const topology = builder.topology
    const sinkName = named === undefined ? builder.newProcessorName('KSTREAM-SINK-') : `${named.name}-sink`
    const sourceName = named === undefined ? builder.newProcessorName('KSTREAM-SOURCE-') : `${named.name}-source`
    const name = named?.name ?? builder.newProcessorName(prefix)
    const groupedName = this.#spec.groupedName
    if (this.#repartitionSource === null || groupedName === null) {
      const topic = `${groupedName ?? store.name}${REPARTITION_TOPIC_SUFFIX}`
      topology.addInternalTopic(topic)
      topology.addSink(sinkName, topic, { keySerde: this.#spec.keySerde ?? undefined, valueSerde: this.#spec.changeSerde }, this.#spec.node)
      topology.addSource(sourceName, { topics: [topic], keySerde: this.#spec.keySerde ?? undefined, valueSerde: this.#spec.changeSerde })
      this.#repartitionSource = sourceName
    }
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const own = keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
    const processor = make(own.valueSerde)
    topology.addProcessor(name, processor.supplier, this.#repartitionSource)
    topology.addStateStore(own.builder, name).markTimestampedStore(store.name)
    return builder.factories.table(builder, {
      node: name, keySerde, valueSerde, control: processor, queryableStoreName: store.queryable ? store.name : null,
      sourceNodes: [this.#repartitionSource],
    })
  }
}
