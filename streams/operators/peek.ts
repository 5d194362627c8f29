/**
 * `peek`: calls `action` for each record and passes the record on unchanged (Kafka Streams'
 * `KStream#peek`).
 *
 * ```ts
 * stream.peek((key, value) => logger.debug('seen', { key, value }))
 * ```
 *
 * If `action` throws, the record is dropped at this node and the processing exception handler
 * decides. @see foreach for a terminal action.
 */
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function peek<K, V>(action: (key: K, value: V) => void): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      try {
        action(record.key as K, record.value as V)
      } catch (error) {
        ctx.reportError(error)
        return
      }
      out.next(record)
    })
}
