/**
 * The last step of a foreign-key join (Kafka Streams' `ResponseJoinProcessorSupplier`), in the
 * primary table's task: a response carries the foreign row for a primary key and the hash of
 * the primary row it was computed for. Responses to an older version of the primary row (the
 * hash differs from the current row's) are stale and dropped, so results are never computed
 * from a foreign key the row no longer has. Otherwise it forwards `joiner(row, foreign, key)`,
 * or null (a deletion of the result) when the foreign row is missing in an inner join or the
 * primary row is gone.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { withValue } from '../../processor/records.ts'
import type { ValueJoiner } from '../api.ts'
import type { KTableValueGetter, KTableValueGetterSupplier } from '../joins/value-getter.ts'
import { hashValue, type ResolvableSerde, type SubscriptionResponseWrapper } from './foreign-key-join-wrappers.ts'

export class ResponseJoin<K, V, VO, VR> {
  readonly primaryValues: KTableValueGetterSupplier<K, V>
  readonly valueSerde: ResolvableSerde<V>
  /** The (relative) registration topic; values are hashed as `<topic>-vh`, as the sender did. */
  readonly topic: string
  readonly joiner: ValueJoiner<V, VO | null, VR, K>
  readonly leftJoin: boolean

  constructor(primaryValues: KTableValueGetterSupplier<K, V>, valueSerde: ResolvableSerde<V>, topic: string, joiner: ValueJoiner<V, VO | null, VR, K>, leftJoin: boolean) {
    this.primaryValues = primaryValues
    this.valueSerde = valueSerde
    this.topic = topic
    this.joiner = joiner
    this.leftJoin = leftJoin
  }

  readonly supplier = (): Processor<K, SubscriptionResponseWrapper<VO>, K, VR | null> => new ResponseJoinProcessor(this, this.primaryValues.get())
}

class ResponseJoinProcessor<K, V, VO, VR> implements Processor<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
  readonly #def: ResponseJoin<K, V, VO, VR>
  readonly #primaryValues: KTableValueGetter<K, V>
  #context!: ProcessorContext<K, VR | null>

  constructor(def: ResponseJoin<K, V, VO, VR>, primaryValues: KTableValueGetter<K, V>) {
    this.#def = def
    this.#primaryValues = primaryValues
  }

  init(context: ProcessorContext<K, VR | null>): void {
    this.#context = context
    this.#def.valueSerde.resolveDefault(context.valueSerde())
    this.#primaryValues.init(context as ProcessorContext<unknown, unknown>)
  }

  process(record: StreamRecord<K, SubscriptionResponseWrapper<VO>>): void {
    const response = record.value
    if (response === null || response === undefined) return
    const def = this.#def
    const current = this.#primaryValues.get(record.key)
    const currentHash = current === null ? null : hashValue(def.valueSerde.serialize(`${def.topic}-vh`, current.value))
    const messageHash = response.originalValueHash
    const same = currentHash === null || messageHash === null ? currentHash === messageHash : currentHash.equals(messageHash)
    if (!same) return
    const result = response.foreignValue === null && (!def.leftJoin || current === null)
      ? null
      : def.joiner((current === null ? null : current.value) as V, response.foreignValue, record.key)
    this.#context.forward(withValue(record, result))
  }
}
