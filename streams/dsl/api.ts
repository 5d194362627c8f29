/**
 * The DSL's public types (Kafka Streams' `KStream`, `KTable`, `KGroupedStream`,
 * `KGroupedTable`, `BranchedKStream`, `GlobalKTable` and their function types).
 *
 * Contract of every DSL method: it only adds named nodes (and stores, internal topics) to the
 * builder's `Topology`; nothing runs until a runtime or the test driver compiles that topology.
 * Names are deterministic (`KSTREAM-FILTER-0000000003`, a counter shared by nodes and stores,
 * in call order), or given with `Named`, `Materialized`, `Grouped`, `Produced`, `Consumed`,
 * `Repartitioned`, `Branched`; a name that reaches state (a store, an internal topic) must not
 * change between versions of an application, or its state is lost.
 *
 * User functions run synchronously, one record at a time, in order; a function that throws
 * drops that record at that node and hands the error to the processing exception handler.
 * `KStream#pipe` is the way to run asynchronous work (RxJS operators, one record at a time).
 */
import type { OperatorFunction } from 'rxjs'
import type { ProcessorSupplier, StreamRecord } from '../processor/api.ts'
import type { KeyValue } from '../state/api.ts'
import type { Windowed } from '../state/window-api.ts'
import type { TopicNameExtractor } from '../topology/node-options.ts'
import type { Grouped } from './grouped.ts'
import type { Joined } from './joins/joined.ts'
import type { JoinWindows } from './joins/join-windows.ts'
import type { StreamJoined } from './joins/stream-joined.ts'
import type { TableJoined } from './joins/table-joined.ts'
import type { Materialized } from './materialized.ts'
import type { Named } from './named.ts'
import type { Produced } from './produced.ts'
import type { Repartitioned } from './repartitioned.ts'
import type { Suppressed } from './suppress/suppressed.ts'
import type { EmitStrategy } from './windows/emit-strategy.ts'
import type { SessionWindows } from './windows/session-windows.ts'
import type { SlidingWindows } from './windows/sliding-windows.ts'
import type { TimeWindows } from './windows/time-windows.ts'

export type Predicate<K, V> = (key: K, value: V) => boolean
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R
/** Maps a value; the key is given second (Kafka's `ValueMapperWithKey`, key read-only). */
export type ValueMapper<V, K, VR> = (value: V, key: K) => VR
export type ForeachAction<K, V> = (key: K, value: V) => void
export type Initializer<VA> = () => VA
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA
/** Combines the aggregate so far with a value (Kafka's `Reducer.apply(value1, value2)`). */
export type Reducer<V> = (aggregate: V, value: V) => V
/** Merges the aggregates of two sessions that a record bridges (Kafka's `Merger`). */
export type Merger<K, VA> = (key: K, aggregate1: VA, aggregate2: VA) => VA
/**
 * Combines the values of two joined records (Kafka's `ValueJoiner`, with the key given third
 * as `ValueJoinerWithKey` does, read-only). In left and outer joins a missing side is `null`.
 */
export type ValueJoiner<V1, V2, VR, K = any> = (value1: V1, value2: V2, key: K) => VR

/** What a user RxJS operator in `KStream#pipe` may emit: a record (timestamp and headers default to the input's). */
export interface PipedRecord {
  readonly key: unknown
  readonly value: unknown
}

/** A branch of `split()`: its name (suffix of the split's name) and what to do with it. */
export interface BranchedOptions<K, V> {
  readonly name: string | null
  /** Builds on the branch; its result (when not void) is the branch's entry in the result map. */
  readonly chainFunction: ((branch: KStream<K, V>) => KStream<K, V> | void) | null
  /** Consumes the branch; the branch gets no entry in the result map. */
  readonly chainConsumer: ((branch: KStream<K, V>) => void) | null
}

export interface KStream<K, V> {
  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V>
  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V>
  /** Changes the key: a later grouping or `toTable` repartitions first. */
  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V>
  /** Changes key and value: a later grouping or `toTable` repartitions first. */
  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>, named?: Named): KStream<KR, VR>
  mapValues<VR>(mapper: ValueMapper<V, K, VR>, named?: Named): KStream<K, VR>
  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>, named?: Named): KStream<KR, VR>
  flatMapValues<VR>(mapper: ValueMapper<V, K, Iterable<VR>>, named?: Named): KStream<K, VR>
  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V>
  /** A terminal action: the stream ends here. */
  foreach(action: ForeachAction<K, V>, named?: Named): void
  /** Splits the stream by predicates; each record goes to the first branch that matches. */
  split(named?: Named): BranchedKStream<K, V>
  merge(stream: KStream<K, V>, named?: Named): KStream<K, V>
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void
  /** Writes to and reads back from an internal topic (`<name>-repartition`), repartitioned by key. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V>
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V>
  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V>
  toTable(materialized?: Materialized<K, V>): KTable<K, V>
  toTable(named: Named, materialized?: Materialized<K, V>): KTable<K, V>
  /**
   * Adds a Processor-API node. Its stores (added with `StreamsBuilder#addStateStore`) are
   * connected by name. The processor may change keys, so a later grouping repartitions.
   */
  process<KOut = never, VOut = never>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut>
  process<KOut = never, VOut = never>(supplier: ProcessorSupplier<K, V, KOut, VOut>, named: Named, ...storeNames: string[]): KStream<KOut, VOut>
  /**
   * Applies RxJS operators to each record on its own: the record goes through
   * `of(record).pipe(...operators)`, records one after the other (concatMap semantics), so
   * asynchronous operators keep order and the task waits for them. Operators never see two
   * records: keep state in a store (`process()`), not in `scan` or `buffer`. Operators may
   * change keys, so a later grouping repartitions.
   */
  pipe(): KStream<K, V>
  pipe<A extends PipedRecord>(op1: OperatorFunction<StreamRecord<K, V>, A>): KStream<A['key'], A['value']>
  pipe<A, B extends PipedRecord>(op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, B>): KStream<B['key'], B['value']>
  pipe<A, B, C extends PipedRecord>(
    op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, B>, op3: OperatorFunction<B, C>,
  ): KStream<C['key'], C['value']>
  pipe<A, B, C, D extends PipedRecord>(
    op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, B>, op3: OperatorFunction<B, C>, op4: OperatorFunction<C, D>,
  ): KStream<D['key'], D['value']>
  pipe<A, B, C, D, E extends PipedRecord>(
    op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, B>, op3: OperatorFunction<B, C>, op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, E>,
  ): KStream<E['key'], E['value']>
  pipe<A, B, C, D, E, F extends PipedRecord>(
    op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, B>, op3: OperatorFunction<B, C>, op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, E>, op6: OperatorFunction<E, F>,
  ): KStream<F['key'], F['value']>
  pipe<R extends PipedRecord>(...operators: OperatorFunction<any, any>[]): KStream<R['key'], R['value']>
  /**
   * Joins with records of `other` whose timestamps are within `windows` of this record's
   * (either side triggers). Both streams must be co-partitioned (a stream whose key changed
   * is repartitioned first).
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  /** Joins each record with the table's current row of its key (only stream records trigger; no row: no output). */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>
  /** Joins each record with the global table's row of `keySelector(key, value)` (no co-partitioning needed). */
  join<GK, GV, VR>(globalTable: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK>, joiner: ValueJoiner<V, GV, VR, K>, named?: Named): KStream<K, VR>
  /** As `join`, and a record that found no partner within its window is emitted with null once its window closed. */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  /** As `join`, and a record whose key has no row is joined with null. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>
  leftJoin<GK, GV, VR>(globalTable: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK>, joiner: ValueJoiner<V, GV | null, VR, K>, named?: Named): KStream<K, VR>
  /** As the windowed `leftJoin`, for records of both sides. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
}

export interface BranchedKStream<K, V> {
  /** Adds a branch for the records `predicate` accepts (and no earlier branch took). */
  branch(predicate: Predicate<K, V>, branched?: BranchedOptions<K, V>): BranchedKStream<K, V>
  /** Adds a branch for the records no predicate accepted; returns the branches by name. */
  defaultBranch(branched?: BranchedOptions<K, V>): Map<string, KStream<K, V>>
  /** Returns the branches by name; records no predicate accepted are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>>
}

export interface KGroupedStream<K, V> {
  count(materialized?: Materialized<K, number>): KTable<K, number>
  count(named: Named, materialized?: Materialized<K, number>): KTable<K, number>
  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<K, V>
  reduce(reducer: Reducer<V>, named: Named, materialized?: Materialized<K, V>): KTable<K, V>
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized?: Materialized<K, VA>): KTable<K, VA>
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named: Named, materialized?: Materialized<K, VA>): KTable<K, VA>
  /** Aggregates per key and time window (tumbling, hopping or sliding). */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>
  /** Aggregates per key and session. */
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>
}

/** A grouped stream with time windows (Kafka Streams' `TimeWindowedKStream`): results are `KTable<Windowed<K>, …>`. */
export interface TimeWindowedKStream<K, V> {
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number>
  count(named: Named, materialized?: Materialized<K, number>): KTable<Windowed<K>, number>
  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>
  reduce(reducer: Reducer<V>, named: Named, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named: Named, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  /** When results are emitted: on every update (default) or once per window when it closes (KIP-825, time windows only). */
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V>
}

/** A grouped stream with session windows (Kafka Streams' `SessionWindowedKStream`). */
export interface SessionWindowedKStream<K, V> {
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number>
  count(named: Named, materialized?: Materialized<K, number>): KTable<Windowed<K>, number>
  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>
  reduce(reducer: Reducer<V>, named: Named, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, sessionMerger: Merger<K, VA>, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  aggregate<VA>(
    initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, sessionMerger: Merger<K, VA>, named: Named, materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA>
}

export interface KTable<K, V> {
  /** Keeps the rows `predicate` accepts; a row it rejects is deleted downstream (a tombstone). */
  filter(predicate: Predicate<K, V>, materialized?: Materialized<K, V>): KTable<K, V>
  filter(predicate: Predicate<K, V>, named: Named, materialized?: Materialized<K, V>): KTable<K, V>
  filterNot(predicate: Predicate<K, V>, materialized?: Materialized<K, V>): KTable<K, V>
  filterNot(predicate: Predicate<K, V>, named: Named, materialized?: Materialized<K, V>): KTable<K, V>
  mapValues<VR>(mapper: ValueMapper<V, K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>
  mapValues<VR>(mapper: ValueMapper<V, K, VR>, named: Named, materialized?: Materialized<K, VR>): KTable<K, VR>
  /** The table's changes as a stream: deletions are records with a null value. */
  toStream(named?: Named): KStream<K, V>
  /** Re-keys the table for an aggregation; always through a repartition topic. */
  groupBy<KR, VR>(selector: KeyValueMapper<K, V, KeyValue<KR, VR>>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR>
  /** The name of the store holding the table, when it is materialized under a name. */
  queryableStoreName(): string | null
  /**
   * Holds updates back (Kafka Streams' `suppress`): until their window closes
   * (`Suppressed.untilWindowCloses`, windowed tables: one final result per window) or for a
   * time limit per key (`Suppressed.untilTimeLimit`), both driven by stream time.
   */
  suppress(suppressed: Suppressed<K>): KTable<K, V>
  /**
   * Joins with the row of `other` whose key is `foreignKeyExtractor(value, key)` (KIP-213): a
   * change of either table updates the result, keyed by this table's key. No co-partitioning
   * needed (the join goes through two internal topics).
   */
  join<VR, KO, VO>(
    other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO, joiner: ValueJoiner<V, VO, VR, K>,
    tableJoined?: TableJoined<K, KO>, materialized?: Materialized<K, VR>,
  ): KTable<K, VR>
  /** Joins with the row of the same key in `other` (co-partitioned); an update of either table triggers. */
  join<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, materialized?: Materialized<K, VR>): KTable<K, VR>
  join<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, named: Named, materialized?: Materialized<K, VR>): KTable<K, VR>
  /** As the foreign-key `join`, and a row whose foreign key has no row (or is null) is joined with null. */
  leftJoin<VR, KO, VO>(
    other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO | null, joiner: ValueJoiner<V, VO | null, VR, K>,
    tableJoined?: TableJoined<K, KO>, materialized?: Materialized<K, VR>,
  ): KTable<K, VR>
  /** As `join`, and every row of this table is in the result (joined with null when `other` has no row). */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, materialized?: Materialized<K, VR>): KTable<K, VR>
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, named: Named, materialized?: Materialized<K, VR>): KTable<K, VR>
  /** As `join`, and every row of either table is in the result (the missing side null). */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, materialized?: Materialized<K, VR>): KTable<K, VR>
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, named: Named, materialized?: Materialized<K, VR>): KTable<K, VR>
}

export interface KGroupedTable<K, V> {
  count(materialized?: Materialized<K, number>): KTable<K, number>
  count(named: Named, materialized?: Materialized<K, number>): KTable<K, number>
  /** `adder` folds in a new row value, `subtractor` takes out the value a row had before. */
  reduce(adder: Reducer<V>, subtractor: Reducer<V>, materialized?: Materialized<K, V>): KTable<K, V>
  reduce(adder: Reducer<V>, subtractor: Reducer<V>, named: Named, materialized?: Materialized<K, V>): KTable<K, V>
  aggregate<VA>(initializer: Initializer<VA>, adder: Aggregator<K, V, VA>, subtractor: Aggregator<K, V, VA>, materialized?: Materialized<K, VA>): KTable<K, VA>
  aggregate<VA>(
    initializer: Initializer<VA>, adder: Aggregator<K, V, VA>, subtractor: Aggregator<K, V, VA>, named: Named, materialized?: Materialized<K, VA>,
  ): KTable<K, VA>
}

/** A table replicated in full in every instance, loaded from all partitions of its topic. */
export interface GlobalKTable<K, V> {
  /** Type marker: the key and value types (no run-time value). */
  readonly __types?: { readonly key: K; readonly value: V }
  queryableStoreName(): string
}
