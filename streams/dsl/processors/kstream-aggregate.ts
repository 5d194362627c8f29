/**
 * `KStreamAggregate`: the processor of `KGroupedStream#aggregate` and `#count` (Kafka Streams'
 * `KStreamAggregate`). For each record: reads the key's aggregate (or the initializer's value),
 * folds the record in, writes `ValueAndTimestamp(aggregate, max(record time, previous time))`,
 * and forwards the change (see `TimestampedTupleForwarder`). Records with a null key or value
 * are skipped, as in Kafka Streams.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { Aggregator, Initializer } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.ts'

export class KStreamAggregate<K, V, VA> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly storeValueSerde: ValueAndTimestampSerde<VA>
  readonly initializer: Initializer<VA>
  readonly aggregator: Aggregator<K, V, VA>

  constructor(storeName: string, storeValueSerde: ValueAndTimestampSerde<VA>, initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>) {
    this.storeName = storeName
    this.storeValueSerde = storeValueSerde
    this.initializer = initializer
    this.aggregator = aggregator
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, K, Change<VA>> => new KStreamAggregateProcessor(this)
}

class KStreamAggregateProcessor<K, V, VA> implements Processor<K, V, K, Change<VA>> {
  readonly #def: KStreamAggregate<K, V, VA>
  #store!: KeyValueStore<K, ValueAndTimestamp<VA>>
  #forwarder!: TimestampedTupleForwarder<K, VA>

  constructor(def: KStreamAggregate<K, V, VA>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.#def.storeValueSerde.resolveDefault(context.valueSerde())
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.#def.sendOldValues)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value } = record
    if (key === null || key === undefined || value === null || value === undefined) return
    const old = this.#store.get(key)
    let timestamp = record.timestamp
    let aggregate: VA
    if (old === undefined) aggregate = this.#def.initializer()
    else {
      aggregate = old.value
      if (old.timestamp > timestamp) timestamp = old.timestamp
    }
    const next = this.#def.aggregator(key, value, aggregate)
    this.#store.put(key, ValueAndTimestamp.make(next, timestamp))
    this.#forwarder.maybeForward(key, next, old === undefined ? null : old.value, timestamp)
  }
}
