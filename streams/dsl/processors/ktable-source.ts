/**
 * `KTableSource`: the processor that turns a stream of upserts into a table (Kafka Streams'
 * `KTableSource`), for `StreamsBuilder#table`, `#globalTable` and `KStream#toTable`.
 *
 * Each record is the key's new value (null: a deletion); records with a null key are
 * skipped. Materialized (a store named by the user, or forced by a downstream node that needs
 * old values), it writes `ValueAndTimestamp(value, time)` and forwards `Change(new, old)`
 * through the store's listener; otherwise it forwards `Change(value, null)` at once.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export class KTableSource<K, V> implements TableNodeControl {
  readonly storeName: string
  sendOldValues = false
  #storeValueSerde: ValueAndTimestampSerde<V> | null = null
  readonly #materialize: () => ValueAndTimestampSerde<V>

  /** `materialize` adds the store to the topology (once) and returns its value serde. */
  constructor(storeName: string, materialize: () => ValueAndTimestampSerde<V>) {
    this.storeName = storeName
    this.#materialize = materialize
  }

  get materialized(): boolean {
    return this.#storeValueSerde !== null
  }

  get storeValueSerde(): ValueAndTimestampSerde<V> | null {
    return this.#storeValueSerde
  }

  materialize(): void {
    this.#storeValueSerde ??= this.#materialize()
  }

  enableSendingOldValues(): void {
    this.materialize()
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, K, Change<V>> => new KTableSourceProcessor(this)
}

class KTableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  readonly #def: KTableSource<K, V>
  #context!: ProcessorContext<K, Change<V>>
  #store: KeyValueStore<K, ValueAndTimestamp<V>> | null = null
  #forwarder: TimestampedTupleForwarder<K, V> | null = null

  constructor(def: KTableSource<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context
    const serde = this.#def.storeValueSerde
    if (serde === null) return
    serde.resolveDefault(context.valueSerde())
    const store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(this.#def.storeName)
    this.#store = store
    this.#forwarder = new TimestampedTupleForwarder(store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, V>): void {
    const { key } = record
    if (key === null || key === undefined) return
    const value = record.value === undefined ? null : record.value
    const store = this.#store
    if (store === null) {
      this.#context.forward(withValue(record, change(value, null)))
      return
    }
    const old = store.get(key)
    store.put(key, value === null ? null : ValueAndTimestamp.make(value, record.timestamp))
    ;(this.#forwarder as TimestampedTupleForwarder<K, V>).maybeForward(key, value, old === undefined ? null : old.value, record.timestamp)
  }
}
