/**
 * `KTableImpl`: the `KTable` of the DSL (Kafka Streams' `KTableImpl`). Records between KTable
 * nodes carry `Change(newValue, oldValue)`; `toStream()` unwraps the new value.
 *
 * Materialization: a KTable node keeps a store only when `Materialized.as(name)` (or a
 * supplier) names one, or, for a source table, when a downstream node needs old values (a
 * `groupBy` with its subtractor does: `enableSendingOldValues` walks up to the nearest node
 * that has a store, materializing a source table if it must). `Materialized.with(serdes)`
 * without a name sets serdes but takes a generated name (and index) without building a store,
 * as Kafka Streams.
 */
import type { Serde } from '../../serdes/index.ts'
import { tableToStream } from '../operators/table-to-stream.ts'
import type { KeyValue, StoreBuilder } from '../state/api.ts'
import type { KeyValueMapper, KGroupedTable, KStream, KTable, Predicate, ValueMapper } from './api.ts'
import { namedAndMaterialized } from './arguments.ts'
import { ChangeSerde } from './change-serde.ts'
import type { Grouped } from './grouped.ts'
import type { InternalStreamsBuilder, TableSpec } from './internal-streams-builder.ts'
import { keyValueStoreFor, storeNameFor } from './materialize.ts'
import type { Materialized } from './materialized.ts'
import type { Named } from './named.ts'
import { KTableFilter, type OwnStore } from './processors/ktable-filter.ts'
import { KTableMapValues } from './processors/ktable-map-values.ts'
import { KTableRepartitionMap } from './processors/ktable-repartition-map.ts'
import type { Suppressed } from './suppress/suppressed.ts'
import { suppressTable } from './suppress/suppress-table.ts'
import { DSL_INTERNALS, type TableInternals } from './joins/dsl-internals.ts'
import { ktableJoin } from './joins/ktable-joins.ts'

type Args<K, V> = (Named | Materialized<K, V> | undefined)[]

interface Owned<V> {
  readonly store: OwnStore<V>
  readonly builder: StoreBuilder
}

export class KTableImpl<K, V> implements KTable<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: TableSpec<K, V>

  constructor(builder: InternalStreamsBuilder, spec: TableSpec<K, V>) {
    this.#builder = builder
    this.#spec = spec
  }

  queryableStoreName(): string | null {
    return this.#spec.queryableStoreName
  }

  filter(predicate: Predicate<K, V>, ...args: Args<K, V>): KTable<K, V> {
    return this.#filter(predicate, false, args)
  }

  filterNot(predicate: Predicate<K, V>, ...args: Args<K, V>): KTable<K, V> {
    return this.#filter(predicate, true, args)
  }

  mapValues<VR>(mapper: ValueMapper<V, K, VR>, ...args: Args<K, VR>): KTable<K, VR> {
    this.#builder.checkOpen()
    const [named, materialized] = namedAndMaterialized<Materialized<K, VR>>(args)
    const builder = this.#builder
    const store = materialized === undefined ? null : storeNameFor(builder, materialized, 'KTABLE-MAPVALUES-')
    const name = named?.name ?? builder.newProcessorName('KTABLE-MAPVALUES-')
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const valueSerde = materialized?.valueSerde ?? null
    const owned = this.#ownStore(store?.queryable ? store.name : null, materialized, keySerde, valueSerde)
    const node = new KTableMapValues<K, V, VR>(this.#spec.control, mapper, owned?.store ?? null)
    builder.topology.addProcessor(name, node.supplier, this.#spec.node)
    this.#connect(name, owned)
    return builder.factories.table(builder, {
      node: name, keySerde, valueSerde, control: node, queryableStoreName: owned?.store.name ?? null, sourceNodes: this.#spec.sourceNodes,
    })
  }

  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    return suppressTable(this.#builder, this.#spec, suppressed)
  }

  toStream(named?: Named): KStream<K, V> {
    this.#builder.checkOpen()
    const name = named?.name ?? this.#builder.newProcessorName('KTABLE-TOSTREAM-')
    this.#builder.topology.addOperator(name, tableToStream(), this.#spec.node)
    return this.#builder.factories.stream(this.#builder, {
      node: name, keySerde: this.#spec.keySerde, valueSerde: this.#spec.valueSerde, repartitionRequired: false, sourceNodes: this.#spec.sourceNodes,
    })
  }

  groupBy<KR, VR>(selector: KeyValueMapper<K, V, KeyValue<KR, VR>>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    this.#builder.checkOpen()
    // As Kafka Streams: a Grouped name also names the selecting node.
    const name = grouped?.name ?? this.#builder.newProcessorName('KTABLE-SELECT-')
    const changeSerde = new ChangeSerde<VR>(grouped?.valueSerde ?? null)
    const select = new KTableRepartitionMap<K, V, KR, VR>(selector, changeSerde)
    this.#builder.topology.addProcessor(name, select.supplier, this.#spec.node)
    this.#spec.control.enableSendingOldValues()
    return this.#builder.factories.groupedTable(this.#builder, {
      node: name, keySerde: grouped?.keySerde ?? null, valueSerde: grouped?.valueSerde ?? null, groupedName: grouped?.name ?? null,
      changeSerde, sourceNodes: this.#spec.sourceNodes,
    })
  }

  join(...args: unknown[]): KTable<any, any> {
    return ktableJoin(this.#builder, this.#spec, 'inner', args)
  }

  leftJoin(...args: unknown[]): KTable<any, any> {
    return ktableJoin(this.#builder, this.#spec, 'left', args)
  }

  outerJoin(...args: unknown[]): KTable<any, any> {
    return ktableJoin(this.#builder, this.#spec, 'outer', args)
  }

  /** For the join modules (see joins/dsl-internals.ts). */
  [DSL_INTERNALS](): TableInternals<K, V> {
    return { kind: 'table', builder: this.#builder, spec: this.#spec }
  }

  #filter(predicate: Predicate<K, V>, not: boolean, args: Args<K, V>): KTable<K, V> {
    this.#builder.checkOpen()
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const builder = this.#builder
    const store = materialized === undefined ? null : storeNameFor(builder, materialized, 'KTABLE-FILTER-')
    const name = named?.name ?? builder.newProcessorName('KTABLE-FILTER-')
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const valueSerde = materialized?.valueSerde ?? this.#spec.valueSerde
    const owned = this.#ownStore(store?.queryable ? store.name : null, materialized, keySerde, valueSerde)
    const node = new KTableFilter<K, V>(this.#spec.control, predicate, not, owned?.store ?? null)
    builder.topology.addProcessor(name, node.supplier, this.#spec.node)
    this.#connect(name, owned)
    return builder.factories.table(builder, {
      node: name, keySerde, valueSerde, control: node, queryableStoreName: owned?.store.name ?? null, sourceNodes: this.#spec.sourceNodes,
    })
  }

  /** The store of a node materialized under a name, or null. */
  #ownStore<VS>(name: string | null, materialized: Materialized<K, VS> | undefined, keySerde: Serde<K> | null, valueSerde: Serde<VS> | null): Owned<VS> | null {
    if (name === null) return null
    const built = keyValueStoreFor(name, materialized, keySerde, valueSerde)
    return { store: { name, valueSerde: built.valueSerde }, builder: built.builder }
  }

  /** Adds the node's store, once the node exists. */
  #connect(node: string, owned: Owned<unknown> | null): void {
    if (owned === null) return
    this.#builder.topology.addStateStore(owned.builder, node).markTimestampedStore(owned.store.name)
  }
}
