/**
 * `KStreamKTableJoin`: the processor of `KStream#join`/`#leftJoin` with a `KTable` or a
 * `GlobalKTable` (Kafka Streams' `KStreamKTableJoinProcessor`). Only stream records trigger
 * output; table updates only change what later stream records find.
 *
 * For each stream record: the lookup key is the record's key (KTable) or `keyMapper(key, value)`
 * (GlobalKTable). A record with a null value, or whose lookup key is null, is dropped, except
 * in a left join a record with a null key and a value (KIP-962): it is joined with null. The
 * table row is looked up at its latest value; an inner join forwards
 * `joiner(value, row, key)` only when the row exists, a left join always (row or null). The
 * result keeps the stream record's key, timestamp and headers.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { withValue } from '../../processor/records.ts'
import type { KeyValueMapper, ValueJoiner } from '../api.ts'
import type { KTableValueGetter, KTableValueGetterSupplier } from '../joins/value-getter.ts'

export class KStreamKTableJoin<K, V, KT, VT, VR> {
  readonly valueGetterSupplier: KTableValueGetterSupplier<KT, VT>
  readonly keyMapper: KeyValueMapper<K, V, KT>
  readonly joiner: ValueJoiner<V, VT | null, VR, K>
  readonly leftJoin: boolean

  constructor(
    valueGetterSupplier: KTableValueGetterSupplier<KT, VT>, keyMapper: KeyValueMapper<K, V, KT>, joiner: ValueJoiner<V, VT | null, VR, K>, leftJoin: boolean,
  ) {
    this.valueGetterSupplier = valueGetterSupplier
    this.keyMapper = keyMapper
    this.joiner = joiner
    this.leftJoin = leftJoin
  }

  readonly supplier = (): Processor<K, V, K, VR> => new KStreamKTableJoinProcessor(this, this.valueGetterSupplier.get())
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined
}

class KStreamKTableJoinProcessor<K, V, KT, VT, VR> implements Processor<K, V, K, VR> {
  readonly #def: KStreamKTableJoin<K, V, KT, VT, VR>
  readonly #getter: KTableValueGetter<KT, VT>
  #context!: ProcessorContext<K, VR>

  constructor(def: KStreamKTableJoin<K, V, KT, VT, VR>, getter: KTableValueGetter<KT, VT>) {
    this.#def = def
    this.#getter = getter
  }

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context
    this.#getter.init(context as ProcessorContext<unknown, unknown>)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value } = record
    if (isNull(value)) return
    const def = this.#def
    const lookupKey = def.keyMapper(key, value)
    if (isNull(lookupKey)) {
      if (!(def.leftJoin && isNull(key))) return
    }
    const row = isNull(lookupKey) ? null : this.#getter.get(lookupKey)
    if (row === null && !def.leftJoin) return
    this.#context.forward(withValue(record, def.joiner(value, row === null ? null : row.value, key)))
  }
}
