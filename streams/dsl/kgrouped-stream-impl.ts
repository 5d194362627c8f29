/**
 * `KGroupedStreamImpl`: a stream grouped by key (Kafka Streams' `KGroupedStreamImpl` and
 * `GroupedStreamAggregateBuilder`). An aggregation adds, in this order of names: the store
 * (`KSTREAM-AGGREGATE-STATE-STORE-…` unless `Materialized.as`), the aggregation node
 * (`KSTREAM-AGGREGATE-…` / `KSTREAM-REDUCE-…` unless `Named`), then, when the key may have
 * changed, the repartition topic `<Grouped name or store name>-repartition` with its sink and
 * source. With a `Grouped` name, later aggregations of the same grouping share that topic.
 */
import type { Serde } from '../../serdes/index.ts'
import { namedAndMaterialized } from './arguments.ts'
import type { Aggregator, Initializer, KGroupedStream, KTable, Reducer } from './api.ts'
import { countSerde } from './count-serde.ts'
import type { GroupedStreamSpec, InternalStreamsBuilder, TableNodeControl } from './internal-streams-builder.ts'
import { keyValueStoreFor, type StoreName, storeNameFor } from './materialize.ts'
import type { Materialized } from './materialized.ts'
import type { Named } from './named.ts'
import { KStreamAggregate } from './processors/kstream-aggregate.ts'
import { KStreamReduce } from './processors/kstream-reduce.ts'
import { createRepartitionedSource } from './repartition.ts'
import type { ValueAndTimestampSerde } from './value-and-timestamp.ts'
import { windowedStream } from './windows/windowed-by.ts'

type Args<V> = (Named | Materialized<any, V> | undefined)[]

export class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: GroupedStreamSpec<K, V>
  /** The repartition source, shared by the aggregations of a named grouping. */
  #repartitionSource: string | null = null

  constructor(builder: InternalStreamsBuilder, spec: GroupedStreamSpec<K, V>) {
    this.#builder = builder
    this.#spec = spec
  }

  count(...args: Args<number>): KTable<K, number> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, number>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<number>(name, store, materialized, materialized?.valueSerde ?? countSerde(), (valueSerde) =>
      new KStreamAggregate<K, V, number>(store.name, valueSerde, () => 0, (_key, _value, count) => count + 1))
  }

  reduce(reducer: Reducer<V>, ...args: Args<V>): KTable<K, V> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-REDUCE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-REDUCE-')
    return this.#aggregate<V>(name, store, materialized, materialized?.valueSerde ?? this.#spec.valueSerde, (valueSerde) =>
      new KStreamReduce<K, V>(store.name, valueSerde, reducer))
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, ...args: Args<VA>): KTable<K, VA> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, VA>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<VA>(name, store, materialized, materialized?.valueSerde ?? null, (valueSerde) =>
      new KStreamAggregate<K, V, VA>(store.name, valueSerde, initializer, aggregator))
  }

  windowedBy(windows: any): any {
    return windowedStream(this.#builder, this.#spec, windows, (storeName) => {
      if (!this.#spec.repartitionRequired) return { parent: this.#spec.node, sourceNodes: this.#spec.sourceNodes }
      const parent = this.#repartition(storeName)
      return { parent, sourceNodes: [parent] }
    })
  }

  #aggregate<VA>(
    name: string,
    store: StoreName,
    materialized: Materialized<K, VA> | undefined,
    valueSerde: Serde<VA> | null,
    make: (storeValueSerde: ValueAndTimestampSerde<VA>) => TableNodeControl & { supplier: () => any },
  ): KTable<K, VA> {
    const builder = this.#builder
    builder.checkOpen()
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    let parent = this.#spec.node
    let sourceNodes = this.#spec.sourceNodes
    if (this.#spec.repartitionRequired) {
      parent = this.#repartition(store.name)
      sourceNodes = [parent]
    }
    const own = keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
    const processor = make(own.valueSerde)
    builder.topology.addProcessor(name, processor.supplier, parent)
    builder.topology.addStateStore(own.builder, name).markTimestampedStore(store.name)
    return builder.factories.table(builder, {
      node: name, keySerde, valueSerde, control: processor, queryableStoreName: store.queryable ? store.name : null, sourceNodes,
    })
  }

  #repartition(storeName: string): string {
    const groupedName = this.#spec.groupedName
    if (this.#repartitionSource !== null && groupedName !== null) return this.#repartitionSource
    this.#repartitionSource = createRepartitionedSource(this.#builder, this.#spec.node, groupedName ?? storeName, {
      keySerde: this.#spec.keySerde, valueSerde: this.#spec.valueSerde, withFilter: true,
    })
    return this.#repartitionSource
  }
}
