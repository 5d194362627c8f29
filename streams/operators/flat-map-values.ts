/**
 * `flatMapValues`: replaces each record by zero or more records with the same key (Kafka
 * Streams' `KStream#flatMapValues`).
 *
 * ```ts
 * lines.flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
 * ```
 *
 * If the iterable throws midway, the records emitted before stay emitted (as in Kafka Streams)
 * and the failure goes to the processing exception handler.
 * @see flatMap to change keys too.
 */
import { withValue } from '../processor/records.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function flatMapValues<K, V, VR>(mapper: (value: V, key: K) => Iterable<VR>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      try {
        for (const value of mapper(record.value as V, record.key as K)) out.next(withValue(record, value))
      } catch (error) {
        ctx.reportError(error)
      }
    })
}
