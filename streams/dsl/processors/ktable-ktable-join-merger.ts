/**
 * `KTableKTableJoinMerger`: the node under both sides of a KTable–KTable join (Kafka Streams'
 * `KTableKTableJoinMerger`); it is the join's result table. Materialized (`Materialized` given),
 * it writes each result to its store and forwards through the store (emit on flush when
 * cached); otherwise it passes changes on, without old values unless asked for them.
 * Its value getter reads its store, or else computes the join (the join's view).
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { type KTableValueGetterSupplier, storeValueGetterSupplier } from '../joins/value-getter.ts'
import { ValueAndTimestamp } from '../value-and-timestamp.ts'
import type { OwnStore } from './ktable-filter.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export class KTableKTableJoinMerger<K, V> implements TableNodeControl {
  sendOldValues = false
  readonly parent1: TableNodeControl
  readonly parent2: TableNodeControl
  readonly view: KTableValueGetterSupplier<K, V>
  readonly store: OwnStore<V> | null

  constructor(parent1: TableNodeControl, parent2: TableNodeControl, view: KTableValueGetterSupplier<K, V>, store: OwnStore<V> | null) {
    this.parent1 = parent1
    this.parent2 = parent2
    this.view = view
    this.store = store
  }

  enableSendingOldValues(): void {
    this.parent1.enableSendingOldValues()
    this.parent2.enableSendingOldValues()
    this.sendOldValues = true
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.store === null ? this.view : storeValueGetterSupplier(this.store.name)
  }

  readonly supplier = (): Processor<K, Change<V>, K, Change<V>> => new KTableKTableJoinMergeProcessor(this)
}

class KTableKTableJoinMergeProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  readonly #def: KTableKTableJoinMerger<K, V>
  #context!: ProcessorContext<K, Change<V>>
  #store: KeyValueStore<K, ValueAndTimestamp<V>> | null = null
  #forwarder: TimestampedTupleForwarder<K, V> | null = null

  constructor(def: KTableKTableJoinMerger<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context
    const own = this.#def.store
    if (own === null) return
    own.valueSerde.resolveDefault(context.valueSerde())
    this.#store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(own.name)
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key, value } = record
    if (this.#store === null) {
      this.#context.forward(this.#def.sendOldValues ? record : withValue(record, change(value.newValue, null)))
      return
    }
    this.#store.put(key, value.newValue === null ? null : ValueAndTimestamp.make(value.newValue, record.timestamp))
    ;(this.#forwarder as TimestampedTupleForwarder<K, V>).maybeForward(key, value.newValue, value.oldValue, record.timestamp)
  }
}
