/**
 * `KTableFilter`: `KTable#filter` and `#filterNot` (Kafka Streams' `KTableFilter`). A row the
 * predicate rejects becomes null, so a key that leaves the filter is deleted downstream (a
 * tombstone; without old values every rejected update is forwarded as a tombstone, since
 * the node cannot tell whether the key was in). With old values, a change that is null both
 * before and after is not forwarded. Materialized (`Materialized` given), it keeps its own
 * store and takes old values from it.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { Predicate } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export interface OwnStore<V> {
  readonly name: string
  readonly valueSerde: ValueAndTimestampSerde<V>
}

export class KTableFilter<K, V> implements TableNodeControl {
  sendOldValues = false
  readonly parent: TableNodeControl
  readonly predicate: Predicate<K, V>
  readonly filterNot: boolean
  readonly store: OwnStore<V> | null

  constructor(parent: TableNodeControl, predicate: Predicate<K, V>, filterNot: boolean, store: OwnStore<V> | null) {
    this.parent = parent
    this.predicate = predicate
    this.filterNot = filterNot
    this.store = store
  }

  enableSendingOldValues(): void {
    if (this.store === null) this.parent.enableSendingOldValues()
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, Change<V>, K, Change<V>> => new KTableFilterProcessor(this)
}

class KTableFilterProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  readonly #def: KTableFilter<K, V>
  #context!: ProcessorContext<K, Change<V>>
  #store: KeyValueStore<K, ValueAndTimestamp<V>> | null = null
  #forwarder: TimestampedTupleForwarder<K, V> | null = null

  constructor(def: KTableFilter<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context
    const own = this.#def.store
    if (own === null) return
    own.valueSerde.resolveDefault(context.valueSerde())
    const store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(own.name)
    this.#store = store
    this.#forwarder = new TimestampedTupleForwarder(store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key } = record
    const newValue = this.#compute(key, record.value.newValue)
    let oldValue: V | null = null
    if (this.#def.sendOldValues) {
      oldValue = this.#store === null ? this.#compute(key, record.value.oldValue) : ValueAndTimestamp.getValueOrNull(this.#store.get(key))
      if (oldValue === null && newValue === null) return
    }
    if (this.#store === null) {
      this.#context.forward(withValue(record, change(newValue, oldValue)))
      return
    }
    this.#store.put(key, newValue === null ? null : ValueAndTimestamp.make(newValue, record.timestamp))
    ;(this.#forwarder as TimestampedTupleForwarder<K, V>).maybeForward(key, newValue, oldValue, record.timestamp)
  }

  #compute(key: K, value: V | null): V | null {
    if (value === null) return null
    return this.#def.predicate(key, value) !== this.#def.filterNot ? value : null
  }
}
