/**
 * KTable value getters (Kafka Streams' `KTableValueGetterSupplier` / `KTableValueGetter`): how a
 * join looks up the current row of a table by key, whatever node the table hangs off.
 *
 * - A source table (`builder.table`, `toTable`) is materialized when a getter is asked for
 *   (as Kafka Streams does), and its store is read.
 * - A node with its own store (aggregations; `filter`/`mapValues` materialized with a name;
 *   a materialized join result) reads that store.
 * - `filter` and `mapValues` without a store compute from their parent's getter (the
 *   predicate or mapper runs on lookup).
 * - Nodes of the join package (`KTableKTableJoinMerger`, …) provide their own (`JoinableTable`).
 *
 * Contract: `storeNames()` lists the stores the getter reads; the DSL connects them to the
 * processor that uses the getter (which puts that processor into the stores' sub-topology).
 * `get` returns the row with its timestamp, or null when the key has no row.
 */
import type { ProcessorContext } from '../../processor/api.ts'
import { StreamsError } from '../../errors.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { KStreamAggregate } from '../processors/kstream-aggregate.ts'
import { KStreamReduce } from '../processors/kstream-reduce.ts'
import { KTableAggregate } from '../processors/ktable-aggregate.ts'
import { KTableFilter } from '../processors/ktable-filter.ts'
import { KTableMapValues } from '../processors/ktable-map-values.ts'
import { KTableSource } from '../processors/ktable-source.ts'
import { ValueAndTimestamp } from '../value-and-timestamp.ts'

export interface KTableValueGetter<K, V> {
  /** Called from the using processor's `init` (stores are reachable through its context). */
  init(context: ProcessorContext<unknown, unknown>): void
  get(key: K): ValueAndTimestamp<V> | null
}

export interface KTableValueGetterSupplier<K, V> {
  get(): KTableValueGetter<K, V>
  storeNames(): readonly string[]
}

/** A table node that knows its own getter (the join package's nodes). */
export interface JoinableTable<K, V> extends TableNodeControl {
  valueGetterSupplier(): KTableValueGetterSupplier<K, V>
}

function isJoinable(control: TableNodeControl): control is JoinableTable<unknown, unknown> {
  return typeof (control as Partial<JoinableTable<unknown, unknown>>).valueGetterSupplier === 'function'
}

/** Reads a KTable store (`ValueAndTimestamp` values) by name. */
export function storeValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: KeyValueStore<K, ValueAndTimestamp<V>> | null = null
      return {
        init: (context) => {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(storeName)
        },
        get: (key) => (store as KeyValueStore<K, ValueAndTimestamp<V>>).get(key) ?? null,
      }
    },
  }
}

/** Computes a row from the parent's row (`filter`, `mapValues` without a store of their own). */
function derivedValueGetterSupplier<K, VP, V>(
  parent: KTableValueGetterSupplier<K, VP>,
  compute: (key: K, value: VP) => V | null,
): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: () => parent.storeNames(),
    get: () => {
      const getter = parent.get()
      return {
        init: (context) => getter.init(context),
        get: (key) => {
          const row = getter.get(key)
          if (row === null) return null
          const value = compute(key, row.value)
          return value === null || value === undefined ? null : ValueAndTimestamp.make(value, row.timestamp)
        },
      }
    },
  }
}

/** The value getter of the table whose node is `control` (see the module comment). */
export function valueGetterSupplierOf<K, V>(control: TableNodeControl, tableNode: string): KTableValueGetterSupplier<K, V> {
  if (isJoinable(control)) return control.valueGetterSupplier() as KTableValueGetterSupplier<K, V>
  if (control instanceof KTableSource) {
    control.materialize()
    return storeValueGetterSupplier(control.storeName)
  }
  if (control instanceof KStreamAggregate || control instanceof KStreamReduce || control instanceof KTableAggregate) {
    return storeValueGetterSupplier(control.storeName)
  }
  if (control instanceof KTableFilter) {
    if (control.store !== null) return storeValueGetterSupplier(control.store.name)
    const filter = control as KTableFilter<K, V>
    return derivedValueGetterSupplier<K, V, V>(valueGetterSupplierOf(control.parent, tableNode), (key, value) =>
      filter.predicate(key, value) !== filter.filterNot ? value : null)
  }
  if (control instanceof KTableMapValues) {
    if (control.store !== null) return storeValueGetterSupplier(control.store.name)
    const mapValues = control as KTableMapValues<K, unknown, V>
    return derivedValueGetterSupplier<K, unknown, V>(valueGetterSupplierOf(control.parent, tableNode), (key, value) => mapValues.mapper(value, key))
  }
  throw new StreamsError(
    'STREAMS_INVALID_TOPOLOGY',
    `The table of node ${tableNode} cannot be looked up by key for a join (a ${control?.constructor?.name ?? typeof control} node); `
      + 'materialize it first, e.g. with toStream().toTable(Materialized.as(name))',
  )
}
