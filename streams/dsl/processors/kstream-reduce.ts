/**
 * `KStreamReduce`: the processor of `KGroupedStream#reduce` (Kafka Streams' `KStreamReduce`):
 * the first value of a key is its aggregate; later values are combined with `reducer`.
 * Records with a null key or value are skipped.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { Reducer } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export class KStreamReduce<K, V> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly storeValueSerde: ValueAndTimestampSerde<V>
  readonly reducer: Reducer<V>

  constructor(storeName: string, storeValueSerde: ValueAndTimestampSerde<V>, reducer: Reducer<V>) {
    this.storeName = storeName
    this.storeValueSerde = storeValueSerde
    this.reducer = reducer
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, K, Change<V>> => new KStreamReduceProcessor(this)
}

class KStreamReduceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  readonly #def: KStreamReduce<K, V>
  #store!: KeyValueStore<K, ValueAndTimestamp<V>>
  #forwarder!: TimestampedTupleForwarder<K, V>

  constructor(def: KStreamReduce<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#def.storeValueSerde.resolveDefault(context.valueSerde())
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value } = record
    if (key === null || key === undefined || value === null || value === undefined) return
    const old = this.#store.get(key)
    let timestamp = record.timestamp
    let next: V
    if (old === undefined) next = value
    else {
      next = this.#def.reducer(old.value, value)
      if (old.timestamp > timestamp) timestamp = old.timestamp
    }
    this.#store.put(key, ValueAndTimestamp.make(next, timestamp))
    this.#forwarder.maybeForward(key, next, old === undefined ? null : old.value, timestamp)
  }
}
