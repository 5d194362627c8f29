/**
 * The state behind a `StreamsBuilder` (Kafka Streams' `InternalStreamsBuilder`): the topology
 * being built, the name counter, and the factories of the DSL classes.
 *
 * Naming: one counter for nodes and stores, in call order, formatted as Kafka Streams does
 * (`KSTREAM-FILTER-0000000003`, `KSTREAM-AGGREGATE-STATE-STORE-0000000004`), so the same code
 * gives the same names, run after run, and the same names as the equivalent Kafka Streams
 * application. Some operations generate names they then do not use ("burn" an index), exactly
 * where Kafka Streams does, to keep that correspondence.
 *
 * The DSL classes construct each other (a KStream makes a KTable and back) through
 * `factories`, which `StreamsBuilder` supplies, so that their modules do not import each other.
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import { Topology } from '../topology/topology.ts'
import type { ChangeSerde } from './change-serde.ts'
import type { BranchedKStream, KGroupedStream, KGroupedTable, KStream, KTable } from './api.ts'
import type { Named } from './named.ts'

/** What a KStream is: the node its children hang off, and what is known about its records. */
export interface StreamSpec<K, V> {
  readonly node: string
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  /** The key may have changed since the last source or repartition: groupings and `toTable` repartition first. */
  readonly repartitionRequired: boolean
  /** Source nodes upstream (for co-partitioning). */
  readonly sourceNodes: readonly string[]
}

/** A KTable node that can be asked to forward old values (Kafka Streams' `enableSendingOldValues`). */
export interface TableNodeControl {
  enableSendingOldValues(): void
}

export interface TableSpec<K, V> {
  readonly node: string
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly control: TableNodeControl
  readonly queryableStoreName: string | null
  readonly sourceNodes: readonly string[]
}

export interface GroupedStreamSpec<K, V> extends StreamSpec<K, V> {
  /** `Grouped` name: names the repartition topic. */
  readonly groupedName: string | null
}

export interface GroupedTableSpec<K, V> {
  /** The KTABLE-SELECT node emitting re-keyed changes. */
  readonly node: string
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly groupedName: string | null
  /** The value serde of the repartition topic (resolved by the select node when it is the default). */
  readonly changeSerde: ChangeSerde<V>
  readonly sourceNodes: readonly string[]
}

export interface DslFactories {
  stream<K, V>(builder: InternalStreamsBuilder, spec: StreamSpec<K, V>): KStream<K, V>
  table<K, V>(builder: InternalStreamsBuilder, spec: TableSpec<K, V>): KTable<K, V>
  groupedStream<K, V>(builder: InternalStreamsBuilder, spec: GroupedStreamSpec<K, V>): KGroupedStream<K, V>
  groupedTable<K, V>(builder: InternalStreamsBuilder, spec: GroupedTableSpec<K, V>): KGroupedTable<K, V>
  branched<K, V>(builder: InternalStreamsBuilder, spec: StreamSpec<K, V>, named: Named | undefined): BranchedKStream<K, V>
}

function pad(index: number): string {
  return String(index).padStart(10, '0')
}

export class InternalStreamsBuilder {
  readonly topology = new Topology()
  readonly factories: DslFactories
  #index = 0
  #built = false

  constructor(factories: DslFactories) {
    this.factories = factories
  }

  /** `<prefix><10-digit index>`, e.g. `KSTREAM-MAP-0000000002`. */
  newProcessorName(prefix: string): string {
    this.checkOpen()
    return `${prefix}${pad(this.#index++)}`
  }

  /** `<prefix>STATE-STORE-<10-digit index>`. */
  newStoreName(prefix: string): string {
    this.checkOpen()
    return `${prefix}STATE-STORE-${pad(this.#index++)}`
  }

  build(): Topology {
    this.#built = true
    return this.topology
  }

  checkOpen(): void {
    if (this.#built) throw new StreamsError('STREAMS_ILLEGAL_STATE', 'This StreamsBuilder already built its topology; use a new StreamsBuilder for another one')
  }
}
