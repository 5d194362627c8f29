/**
 * `KTableAggregate` and `KTableReduce`: the aggregations of `KGroupedTable` (Kafka Streams'
 * `KTableAggregate`, `KTableReduce`). Each input is a `Change` of one row of the upstream
 * table, re-keyed by the grouping: the old value is taken out of the key's aggregate with the
 * subtractor, then the new value is added with the adder (for an aggregate, starting from the
 * initializer when the key has none; for a reduce, the first value is the aggregate). The
 * result, stamped with the latest input time, is written and forwarded as a change. Records
 * with a null key are skipped.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { Aggregator, Initializer, Reducer } from '../api.ts'
import type { ChangeSerde } from '../change-serde.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

/** How a grouped-table aggregation folds values: `add` and `remove` return the new aggregate. */
interface Folding<K, V, VA> {
  /** `current` null: the key has no aggregate yet. */
  add(key: K, value: V, current: VA | null): VA
  remove(key: K, value: V, current: VA): VA
}

export class KTableAggregate<K, V, VA> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly storeValueSerde: ValueAndTimestampSerde<VA>
  /** The repartition topic's value serde, whose default this node resolves. */
  readonly changeSerde: ChangeSerde<V>
  readonly folding: Folding<K, V, VA>

  constructor(storeName: string, storeValueSerde: ValueAndTimestampSerde<VA>, changeSerde: ChangeSerde<V>, folding: Folding<K, V, VA>) {
    this.storeName = storeName
    this.storeValueSerde = storeValueSerde
    this.changeSerde = changeSerde
    this.folding = folding
  }

  static aggregate<K, V, VA>(
    storeName: string, storeValueSerde: ValueAndTimestampSerde<VA>, changeSerde: ChangeSerde<V>,
    initializer: Initializer<VA>, adder: Aggregator<K, V, VA>, subtractor: Aggregator<K, V, VA>,
  ): KTableAggregate<K, V, VA> {
    return new KTableAggregate(storeName, storeValueSerde, changeSerde, {
      add: (key, value, current) => adder(key, value, current === null ? initializer() : current),
      remove: (key, value, current) => subtractor(key, value, current),
    })
  }

  static reduce<K, V>(
    storeName: string, storeValueSerde: ValueAndTimestampSerde<V>, changeSerde: ChangeSerde<V>, adder: Reducer<V>, subtractor: Reducer<V>,
  ): KTableAggregate<K, V, V> {
    return new KTableAggregate<K, V, V>(storeName, storeValueSerde, changeSerde, {
      add: (_key, value, current) => (current === null ? value : adder(current, value)),
      remove: (_key, value, current) => subtractor(current, value),
    })
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, Change<V>, K, Change<VA>> => new KTableAggregateProcessor(this)
}

class KTableAggregateProcessor<K, V, VA> implements Processor<K, Change<V>, K, Change<VA>> {
  readonly #def: KTableAggregate<K, V, VA>
  #store!: KeyValueStore<K, ValueAndTimestamp<VA>>
  #forwarder!: TimestampedTupleForwarder<K, VA>

  constructor(def: KTableAggregate<K, V, VA>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.#def.storeValueSerde.resolveDefault(context.valueSerde())
    this.#def.changeSerde.resolveDefault(context.valueSerde())
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key, value } = record
    if (key === null || key === undefined) return
    const old = this.#store.get(key)
    const oldAggregate = old === undefined ? null : old.value
    const timestamp = old === undefined || old.timestamp < record.timestamp ? record.timestamp : old.timestamp
    let aggregate = oldAggregate
    if (value.oldValue !== null && aggregate !== null) aggregate = this.#def.folding.remove(key, value.oldValue, aggregate)
    if (value.newValue !== null) aggregate = this.#def.folding.add(key, value.newValue, aggregate)
    this.#store.put(key, aggregate === null ? null : ValueAndTimestamp.make(aggregate, timestamp))
    this.#forwarder.maybeForward(key, aggregate, oldAggregate, timestamp)
  }
}
