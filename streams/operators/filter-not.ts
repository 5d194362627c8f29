/**
 * `filterNot`: drops the records for which `predicate` is true (Kafka Streams' `KStream#filterNot`).
 *
 * ```ts
 * events.filterNot((_key, event) => event.test)
 * ```
 *
 * @see filter for the opposite.
 */
import type { Predicate } from './filter.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function filterNot<K, V>(predicate: Predicate<K, V>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      let drop: boolean
      try {
        drop = predicate(record.key as K, record.value as V)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      if (!drop) out.next(record)
    })
}
