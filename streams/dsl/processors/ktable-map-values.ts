/**
 * `KTableMapValues`: `KTable#mapValues` (Kafka Streams' `KTableMapValues`). A deletion stays a
 * deletion (the mapper is not called for null). Old values are mapped too when asked for, or
 * read from the node's own store when it is materialized.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { ValueMapper } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp } from '../value-and-timestamp.ts'
import type { OwnStore } from './ktable-filter.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export class KTableMapValues<K, V, VR> implements TableNodeControl {
  sendOldValues = false
  readonly parent: TableNodeControl
  readonly mapper: ValueMapper<V, K, VR>
  readonly store: OwnStore<VR> | null

  constructor(parent: TableNodeControl, mapper: ValueMapper<V, K, VR>, store: OwnStore<VR> | null) {
    this.parent = parent
    this.mapper = mapper
    this.store = store
  }

  enableSendingOldValues(): void {
    if (this.store === null) this.parent.enableSendingOldValues()
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, Change<V>, K, Change<VR>> => new KTableMapValuesProcessor(this)
}

class KTableMapValuesProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  readonly #def: KTableMapValues<K, V, VR>
  #context!: ProcessorContext<K, Change<VR>>
  #store: KeyValueStore<K, ValueAndTimestamp<VR>> | null = null
  #forwarder: TimestampedTupleForwarder<K, VR> | null = null

  constructor(def: KTableMapValues<K, V, VR>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.#context = context
    const own = this.#def.store
    if (own === null) return
    own.valueSerde.resolveDefault(context.valueSerde())
    const store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<VR>>>(own.name)
    this.#store = store
    this.#forwarder = new TimestampedTupleForwarder(store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key } = record
    const newValue = this.#compute(key, record.value.newValue)
    let oldValue: VR | null = null
    if (this.#def.sendOldValues) {
      oldValue = this.#store === null ? this.#compute(key, record.value.oldValue) : ValueAndTimestamp.getValueOrNull(this.#store.get(key))
    }
    if (this.#store === null) {
      this.#context.forward(withValue(record, change(newValue, oldValue)))
      return
    }
    this.#store.put(key, newValue === null ? null : ValueAndTimestamp.make(newValue, record.timestamp))
    ;(this.#forwarder as TimestampedTupleForwarder<K, VR>).maybeForward(key, newValue, oldValue, record.timestamp)
  }

  #compute(key: K, value: V | null): VR | null {
    if (value === null) return null
    const mapped = this.#def.mapper(value, key)
    return mapped === undefined ? null : mapped
  }
}
