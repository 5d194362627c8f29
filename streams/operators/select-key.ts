/**
 * `selectKey`: replaces each record's key, keeping the value (Kafka Streams' `KStream#selectKey`).
 *
 * ```ts
 * orders.selectKey((_key, order) => order.customerId)
 * ```
 *
 * Changes the key, so a grouping or join downstream repartitions first.
 */
import { withKey } from '../processor/records.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function selectKey<K, V, KR>(selector: (key: K, value: V) => KR): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      let key: KR
      try {
        key = selector(record.key as K, record.value as V)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      out.next(withKey(record, key))
    })
}
