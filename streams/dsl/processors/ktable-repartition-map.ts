/**
 * `KTableRepartitionMap`: the re-keying node of `KTable#groupBy` (Kafka Streams'
 * `KTableRepartitionMap`). For a change of a row it emits, to the grouping's repartition topic:
 * - the old row's grouping key with `Change(null, oldValue)` (subtract it), then the new row's
 *   key with `Change(newValue, null)` (add it); or
 * - when both map to the same key, one record `Change(newValue, oldValue)` under that key.
 * Rows the selector maps to a null key or value are left out. Its parent sends old values.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withKeyValue } from '../../processor/records.ts'
import type { KeyValue } from '../../state/api.ts'
import type { KeyValueMapper } from '../api.ts'
import type { ChangeSerde } from '../change-serde.ts'

function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b)
}

function usable<K, V>(pair: KeyValue<K, V> | null): pair is KeyValue<K, V> {
  return pair !== null && pair !== undefined && pair.key !== null && pair.key !== undefined && pair.value !== null && pair.value !== undefined
}

export class KTableRepartitionMap<K, V, KR, VR> {
  readonly selector: KeyValueMapper<K, V, KeyValue<KR, VR>>
  /** The repartition topic's value serde, whose default this node resolves. */
  readonly changeSerde: ChangeSerde<VR>

  constructor(selector: KeyValueMapper<K, V, KeyValue<KR, VR>>, changeSerde: ChangeSerde<VR>) {
    this.selector = selector
    this.changeSerde = changeSerde
  }

  readonly supplier = (): Processor<K, Change<V>, KR, Change<VR>> => new KTableRepartitionMapProcessor(this)
}

class KTableRepartitionMapProcessor<K, V, KR, VR> implements Processor<K, Change<V>, KR, Change<VR>> {
  readonly #def: KTableRepartitionMap<K, V, KR, VR>
  #context!: ProcessorContext<KR, Change<VR>>

  constructor(def: KTableRepartitionMap<K, V, KR, VR>) {
    this.#def = def
  }

  init(context: ProcessorContext<KR, Change<VR>>): void {
    this.#context = context
    this.#def.changeSerde.resolveDefault(context.valueSerde())
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key, value } = record
    const selector = this.#def.selector
    const newPair = value.newValue === null ? null : selector(key, value.newValue)
    const oldPair = value.oldValue === null ? null : selector(key, value.oldValue)
    const addNew = usable(newPair)
    if (usable(oldPair)) {
      if (addNew && sameKey(newPair.key, oldPair.key)) {
        this.#context.forward(withKeyValue(record, newPair.key, change(newPair.value, oldPair.value)))
        return
      }
      this.#context.forward(withKeyValue(record, oldPair.key, change<VR>(null, oldPair.value)))
    }
    if (addNew) this.#context.forward(withKeyValue(record, newPair.key, change<VR>(newPair.value, null)))
  }
}
