/**
 * `mapValues`: replaces each record's value, keeping the key (Kafka Streams' `KStream#mapValues`
 * with a `ValueMapperWithKey`; the key is the second argument and may be ignored).
 *
 * ```ts
 * payments.mapValues((payment) => payment.amount)
 * ```
 *
 * @see map to change the key as well.
 */
import { withValue } from '../processor/records.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export type ValueMapper<V, K, R> = (value: V, key: K) => R

export function mapValues<K, V, VR>(mapper: ValueMapper<V, K, VR>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      let value: VR
      try {
        value = mapper(record.value as V, record.key as K)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      out.next(withValue(record, value))
    })
}
