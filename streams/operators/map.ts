/**
 * `map`: replaces each record's key and value (Kafka Streams' `KStream#map`).
 *
 * ```ts
 * stream.map((key, order) => ({ key: order.customerId, value: order.total }))
 * ```
 *
 * Changes the key, so a grouping or join downstream repartitions first.
 * @see mapValues when only the value changes (no repartitioning needed).
 */
import { withKeyValue } from '../processor/records.ts'
import type { KeyValue } from '../state/api.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export type KeyValueMapper<K, V, R> = (key: K, value: V) => R

export function map<K, V, KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      let pair: KeyValue<KR, VR>
      try {
        pair = mapper(record.key as K, record.value as V)
        if (pair === null || typeof pair !== 'object') throw new TypeError(`map() must return { key, value }, got ${String(pair)}`)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      out.next(withKeyValue(record, pair.key, pair.value))
    })
}
