/**
 * `KStreamImpl`: the `KStream` of the DSL (Kafka Streams' `KStreamImpl`). Each method adds
 * nodes to the builder's topology under this stream's node and returns the stream (or table,
 * grouping) that hangs off the new node. Stateless operations become RxJS operator nodes
 * (`streams/operators/`), named `KSTREAM-<OPERATION>-<index>` unless `Named`.
 *
 * What a stream knows about its records travels along (`StreamSpec`): the serdes while the
 * types do not change (dropped by operations that change the key or value), and whether the
 * key may have changed since the last source or repartition (`map`, `selectKey`, `flatMap`,
 * `process`, `pipe`, a `merge` with such a stream), so that groupings and `toTable` insert a
 * repartition topic first.
 */
import type { OperatorFunction } from 'rxjs'
import { filter } from '../operators/filter.ts'
import { filterNot } from '../operators/filter-not.ts'
import { flatMap } from '../operators/flat-map.ts'
import { flatMapValues } from '../operators/flat-map-values.ts'
import { foreach } from '../operators/foreach.ts'
import { map } from '../operators/map.ts'
import { mapValues } from '../operators/map-values.ts'
import type { NodeOperator } from '../operators/operator-context.ts'
import { passThrough } from '../operators/pass-through.ts'
import { peek } from '../operators/peek.ts'
import { pipeRecords } from '../operators/pipe-records.ts'
import { selectKey } from '../operators/select-key.ts'
import type { ProcessorSupplier } from '../processor/api.ts'
import type { KeyValue } from '../state/api.ts'
import { StreamsError } from '../errors.ts'
import type { TopicNameExtractor } from '../topology/node-options.ts'
import type {
  BranchedKStream, ForeachAction, KGroupedStream, KStream, KTable, KeyValueMapper, Predicate, ValueMapper,
} from './api.ts'
import { namedAndMaterialized } from './arguments.ts'
import type { Grouped } from './grouped.ts'
import type { InternalStreamsBuilder, StreamSpec } from './internal-streams-builder.ts'
import { keyValueStoreFor, storeNameFor } from './materialize.ts'
import type { Materialized } from './materialized.ts'
import { Named } from './named.ts'
import { KTableSource } from './processors/ktable-source.ts'
import { DSL_INTERNALS, type StreamInternals } from './joins/dsl-internals.ts'
import { kstreamJoin } from './joins/kstream-joins.ts'
import type { Produced } from './produced.ts'
import { createRepartitionedSource } from './repartition.ts'
import type { Repartitioned } from './repartitioned.ts'

export class KStreamImpl<K, V> implements KStream<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: StreamSpec<K, V>

  constructor(builder: InternalStreamsBuilder, spec: StreamSpec<K, V>) {
    this.#builder = builder
    this.#spec = spec
  }

  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.#stateless('KSTREAM-FILTER-', named, filter(predicate), {})
  }

  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.#stateless('KSTREAM-FILTER-', named, filterNot(predicate), {})
  }

  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V> {
    return this.#stateless('KSTREAM-KEY-SELECT-', named, selectKey(mapper), { keySerde: null, repartitionRequired: true })
  }

  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>, named?: Named): KStream<KR, VR> {
    return this.#stateless('KSTREAM-MAP-', named, map(mapper), { keySerde: null, valueSerde: null, repartitionRequired: true })
  }

  mapValues<VR>(mapper: ValueMapper<V, K, VR>, named?: Named): KStream<K, VR> {
    return this.#stateless('KSTREAM-MAPVALUES-', named, mapValues(mapper), { valueSerde: null })
  }

  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>, named?: Named): KStream<KR, VR> {
    return this.#stateless('KSTREAM-FLATMAP-', named, flatMap(mapper), { keySerde: null, valueSerde: null, repartitionRequired: true })
  }

  flatMapValues<VR>(mapper: ValueMapper<V, K, Iterable<VR>>, named?: Named): KStream<K, VR> {
    return this.#stateless('KSTREAM-FLATMAPVALUES-', named, flatMapValues(mapper), { valueSerde: null })
  }

  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    return this.#stateless('KSTREAM-PEEK-', named, peek(action), {})
  }

  foreach(action: ForeachAction<K, V>, named?: Named): void {
    this.#addOperator('KSTREAM-FOREACH-', named, foreach(action), [this.#spec.node])
  }

  split(named?: Named): BranchedKStream<K, V> {
    this.#builder.checkOpen()
    return this.#builder.factories.branched(this.#builder, this.#spec, named)
  }

  merge(stream: KStream<K, V>, named?: Named): KStream<K, V> {
    if (!(stream instanceof KStreamImpl) || stream.#builder !== this.#builder) {
      throw new StreamsError('STREAMS_INVALID_TOPOLOGY', 'merge() needs a stream of the same StreamsBuilder')
    }
    const other = stream.#spec
    const name = this.#addOperator('KSTREAM-MERGE-', named, passThrough(), [this.#spec.node, other.node])
    const sourceNodes = [...new Set([...this.#spec.sourceNodes, ...other.sourceNodes])]
    this.#builder.topology.copartitionSources(...sourceNodes)
    return this.#stream<K, V>({
      node: name, keySerde: null, valueSerde: null, sourceNodes,
      repartitionRequired: this.#spec.repartitionRequired || other.repartitionRequired,
    })
  }

  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    this.#builder.checkOpen()
    const name = produced?.processorName ?? this.#builder.newProcessorName('KSTREAM-SINK-')
    this.#builder.topology.addSink<K, V>(name, topic, {
      keySerde: produced?.keySerde ?? this.#spec.keySerde ?? undefined,
      valueSerde: produced?.valueSerde ?? this.#spec.valueSerde ?? undefined,
      partitioner: produced?.partitioner ?? undefined,
    }, this.#spec.node)
  }

  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.#builder.newProcessorName('KSTREAM-REPARTITION-')
    const keySerde = repartitioned?.keySerde ?? this.#spec.keySerde
    const valueSerde = repartitioned?.valueSerde ?? this.#spec.valueSerde
    const source = createRepartitionedSource(this.#builder, this.#spec.node, name, {
      keySerde, valueSerde, partitioner: repartitioned?.partitioner, numberOfPartitions: repartitioned?.numberOfPartitions, withFilter: false,
    })
    return this.#stream({ node: source, keySerde, valueSerde, repartitionRequired: false, sourceNodes: [source] })
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    this.#builder.checkOpen()
    return this.#builder.factories.groupedStream(this.#builder, {
      ...this.#spec,
      keySerde: grouped?.keySerde ?? this.#spec.keySerde,
      valueSerde: grouped?.valueSerde ?? this.#spec.valueSerde,
      groupedName: grouped?.name ?? null,
    })
  }

  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    this.#builder.checkOpen()
    // As Kafka Streams: a Grouped name also names the key-selecting node.
    const name = grouped?.name ?? this.#builder.newProcessorName('KSTREAM-KEY-SELECT-')
    this.#builder.topology.addOperator(name, selectKey(selector), this.#spec.node)
    return this.#builder.factories.groupedStream(this.#builder, {
      node: name,
      keySerde: grouped?.keySerde ?? null,
      valueSerde: grouped?.valueSerde ?? this.#spec.valueSerde,
      repartitionRequired: true,
      sourceNodes: this.#spec.sourceNodes,
      groupedName: grouped?.name ?? null,
    })
  }

  toTable(...args: (Named | Materialized<K, V> | undefined)[]): KTable<K, V> {
    this.#builder.checkOpen()
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const builder = this.#builder
    const name = named?.name ?? builder.newProcessorName('KSTREAM-TOTABLE-')
    const store = storeNameFor(builder, materialized, 'KSTREAM-TOTABLE-')
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const valueSerde = materialized?.valueSerde ?? this.#spec.valueSerde
    let parent = this.#spec.node
    let sourceNodes = this.#spec.sourceNodes
    if (this.#spec.repartitionRequired) {
      parent = createRepartitionedSource(builder, parent, name, { keySerde, valueSerde, withFilter: true })
      sourceNodes = [parent]
    }
    const table = new KTableSource<K, V>(store.name, () => {
      const own = keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
      builder.topology.addStateStore(own.builder, name).markTimestampedStore(store.name)
      return own.valueSerde
    })
    builder.topology.addProcessor(name, table.supplier, parent)
    if (store.queryable) table.materialize()
    return builder.factories.table(builder, {
      node: name, keySerde, valueSerde, control: table, queryableStoreName: store.queryable ? store.name : null, sourceNodes,
    })
  }

  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...args: (Named | string)[]): KStream<KOut, VOut> {
    this.#builder.checkOpen()
    const named = args[0] instanceof Named ? args[0] : undefined
    const storeNames = (named === undefined ? args : args.slice(1)) as string[]
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-PROCESSOR-')
    const topology = this.#builder.topology
    topology.addProcessor(name, supplier, this.#spec.node)
    if (storeNames.length > 0) topology.connectProcessorAndStateStores(name, ...storeNames)
    return this.#stream({ node: name, keySerde: null, valueSerde: null, repartitionRequired: true, sourceNodes: this.#spec.sourceNodes })
  }

  join(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this.#builder, this.#spec, 'inner', args)
  }

  leftJoin(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this.#builder, this.#spec, 'left', args)
  }

  outerJoin(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this.#builder, this.#spec, 'outer', args)
  }

  /** For the join modules (see joins/dsl-internals.ts). */
  [DSL_INTERNALS](): StreamInternals<K, V> {
    return { kind: 'stream', builder: this.#builder, spec: this.#spec }
  }

  pipe(...operators: OperatorFunction<any, any>[]): KStream<any, any> {
    for (const operator of operators) {
      if (typeof operator !== 'function') throw new StreamsError('STREAMS_INVALID_TOPOLOGY', 'pipe() takes RxJS operators (functions from Observable to Observable)')
    }
    if (operators.length === 0) return this
    return this.#stateless('KSTREAM-PIPE-', undefined, pipeRecords(operators), { keySerde: null, valueSerde: null, repartitionRequired: true })
  }

  #addOperator(prefix: string, named: Named | undefined, operator: NodeOperator, parents: readonly string[]): string {
    this.#builder.checkOpen()
    const name = named?.name ?? this.#builder.newProcessorName(prefix)
    this.#builder.topology.addOperator(name, operator, ...parents)
    return name
  }

  #stateless<KR, VR>(prefix: string, named: Named | undefined, operator: NodeOperator, changes: Partial<StreamSpec<KR, VR>>): KStream<KR, VR> {
    const name = this.#addOperator(prefix, named, operator, [this.#spec.node])
    return this.#stream({ ...(this.#spec as unknown as StreamSpec<KR, VR>), ...changes, node: name })
  }

  #stream<KR, VR>(spec: StreamSpec<KR, VR>): KStream<KR, VR> {
    return this.#builder.factories.stream(this.#builder, spec)
  }
}
