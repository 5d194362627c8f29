/**
 * `filter`: keeps the records for which `predicate` is true (Kafka Streams' `KStream#filter`).
 *
 * ```ts
 * payments.filter((_key, payment) => payment.amount > 100)
 * ```
 *
 * @see filterNot for the opposite.
 */
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export type Predicate<K, V> = (key: K, value: V) => boolean

export function filter<K, V>(predicate: Predicate<K, V>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      let keep: boolean
      try {
        keep = predicate(record.key as K, record.value as V)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      if (keep) out.next(record)
    })
}
