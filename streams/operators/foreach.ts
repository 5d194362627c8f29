/**
 * `foreach`: calls `action` for each record and ends the stream there (Kafka Streams'
 * `KStream#foreach`): the node has no children and emits nothing.
 *
 * ```ts
 * alerts.foreach((key, alert) => notifier.send(key, alert))
 * ```
 *
 * `action` runs synchronously; for asynchronous side effects use `pipe()` with a
 * `concatMap` so the task waits for them. @see peek to continue the stream.
 */
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function foreach<K, V>(action: (key: K, value: V) => void): NodeOperator {
  return (ctx) =>
    recordOperator((record) => {
      try {
        action(record.key as K, record.value as V)
      } catch (error) {
        ctx.reportError(error)
      }
    })
}
