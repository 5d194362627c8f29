/**
 * The joins of `KTable` (Kafka Streams' `KTableImpl.join/leftJoin/outerJoin`):
 *
 * - `(KTable, joiner, Named?, Materialized?)`: the primary-key join of two co-partitioned
 *   tables. Nodes, as Kafka Streams: `KTABLE-JOINTHIS-…` under this table and
 *   `KTABLE-JOINOTHER-…` under the other (each reading the other table's store), and
 *   `KTABLE-MERGE-…`, the result table (or `<name>-join-this`, `<name>-join-other`, `<name>`).
 *   Both tables are materialized (their stores are read); a left join needs this table's old
 *   values, an outer join both tables'.
 * - `(KTable, foreignKeyExtractor, joiner, TableJoined?, Materialized?)`: the foreign-key join
 *   (foreign-key-join.ts).
 *
 * A `Materialized` materializes the result (under its name, or a generated
 * `KTABLE-MERGE-STATE-STORE-…`), as Kafka Streams does for joins.
 */
import { StreamsError } from '../../errors.ts'
import type { KTable, ValueJoiner } from '../api.ts'
import type { InternalStreamsBuilder, TableSpec } from '../internal-streams-builder.ts'
import { keyValueStoreFor, storeNameFor } from '../materialize.ts'
import { Materialized } from '../materialized.ts'
import { Named } from '../named.ts'
import { KTableKTableJoin, type TableJoinSide } from '../processors/ktable-ktable-join.ts'
import { KTableKTableJoinMerger } from '../processors/ktable-ktable-join-merger.ts'
import { copartition } from './copartition.ts'
import { tableOf } from './dsl-internals.ts'
import { foreignKeyJoin } from './foreign-key-join.ts'
import { TableJoined } from './table-joined.ts'
import { valueGetterSupplierOf } from './value-getter.ts'

export type TableJoinKind = 'inner' | 'left' | 'outer'

const OPERATION = { inner: 'join()', left: 'leftJoin()', outer: 'outerJoin()' } as const

function invalid(message: string): StreamsError {
  return new StreamsError('STREAMS_INVALID_TOPOLOGY', message)
}

/** Dispatches `KTable#join/leftJoin/outerJoin(...args)`. */
export function ktableJoin(builder: InternalStreamsBuilder, spec: TableSpec<any, any>, kind: TableJoinKind, args: readonly unknown[]): KTable<any, any> {
  builder.checkOpen()
  const operation = OPERATION[kind]
  const [other, second, third, fourth, fifth] = args
  if (typeof second !== 'function') throw invalid(`${operation} needs a joiner (or a foreign-key extractor) function as second argument`)
  if (typeof third === 'function') {
    if (kind === 'outer') throw invalid('A foreign-key join is inner (join()) or left (leftJoin()); there is no foreign-key outerJoin()')
    if (fourth !== undefined && !(fourth instanceof TableJoined)) throw invalid(`${operation} on a foreign key takes TableJoined options as fourth argument`)
    if (fifth !== undefined && !(fifth instanceof Materialized)) throw invalid(`${operation} on a foreign key takes Materialized as fifth argument`)
    const otherSpec = tableOf<any, any>(other, builder, operation)
    return foreignKeyJoin(builder, spec, otherSpec, second as (value: any, key: any) => any, third as ValueJoiner<any, any, any>, fourth, fifth, kind === 'left')
  }
  let named: Named | undefined
  let materialized: Materialized | undefined
  if (third instanceof Named) {
    named = third
    if (fourth !== undefined && !(fourth instanceof Materialized)) throw invalid(`${operation} takes Materialized after Named`)
    materialized = fourth
  } else if (third instanceof Materialized) materialized = third
  else if (third !== undefined) throw invalid(`${operation} of two tables takes Named and/or Materialized after the joiner`)
  return tableTableJoin(builder, spec, tableOf(other, builder, operation), second as ValueJoiner<any, any, any>, named, materialized, kind)
}

function tableTableJoin(
  builder: InternalStreamsBuilder, spec: TableSpec<any, any>, other: TableSpec<any, any>, joiner: ValueJoiner<any, any, any>,
  named: Named | undefined, materialized: Materialized | undefined, kind: TableJoinKind,
): KTable<any, any> {
  const store = materialized === undefined ? null : storeNameFor(builder, materialized, 'KTABLE-MERGE-')
  const mergeName = named?.name ?? builder.newProcessorName('KTABLE-MERGE-')
  const sourceNodes = copartition(builder, spec.sourceNodes, other.sourceNodes)
  if (kind !== 'inner') spec.control.enableSendingOldValues()
  if (kind === 'outer') other.control.enableSendingOldValues()
  const thisGetter = valueGetterSupplierOf<unknown, unknown>(spec.control, spec.node)
  const otherGetter = valueGetterSupplierOf<unknown, unknown>(other.control, other.node)
  const thisSide: TableJoinSide = kind
  const otherSide: TableJoinSide = kind === 'left' ? 'right' : kind
  const joinThis = new KTableKTableJoin(thisSide, { self: spec.control, other: other.control }, thisGetter, otherGetter, joiner)
  const joinOther = new KTableKTableJoin(otherSide, { self: other.control, other: spec.control }, otherGetter, thisGetter,
    (otherValue: unknown, thisValue: unknown, key: unknown) => joiner(thisValue, otherValue, key))
  const thisName = named === undefined ? builder.newProcessorName('KTABLE-JOINTHIS-') : `${named.name}-join-this`
  const otherName = named === undefined ? builder.newProcessorName('KTABLE-JOINOTHER-') : `${named.name}-join-other`

  const keySerde = materialized?.keySerde ?? spec.keySerde
  const valueSerde = materialized?.valueSerde ?? null
  const built = store === null ? null : keyValueStoreFor(store.name, materialized, keySerde, valueSerde)
  const merger = new KTableKTableJoinMerger<unknown, unknown>(joinThis, joinOther, joinThis.valueGetterSupplier(),
    built === null || store === null ? null : { name: store.name, valueSerde: built.valueSerde })

  const topology = builder.topology
  topology.addProcessor(thisName, joinThis.supplier, spec.node)
  topology.addProcessor(otherName, joinOther.supplier, other.node)
  topology.addProcessor(mergeName, merger.supplier, thisName, otherName)
  const otherStores = otherGetter.storeNames()
  const thisStores = thisGetter.storeNames()
  if (otherStores.length > 0) topology.connectProcessorAndStateStores(thisName, ...otherStores)
  if (thisStores.length > 0) topology.connectProcessorAndStateStores(otherName, ...thisStores)
  if (built !== null && store !== null) topology.addStateStore(built.builder, mergeName).markTimestampedStore(store.name)
  return builder.factories.table(builder, {
    node: mergeName, keySerde, valueSerde, control: merger, queryableStoreName: store?.name ?? null, sourceNodes,
  })
}
