/**
 * `flatMap`: replaces each record by zero or more records with new keys and values (Kafka
 * Streams' `KStream#flatMap`). The records are emitted in iteration order, each processed
 * downstream before the next is taken from the iterable.
 *
 * ```ts
 * sentences.flatMap((_key, text) => text.split(' ').map((word) => ({ key: word, value: 1 })))
 * ```
 *
 * If the iterable throws midway, the records emitted before stay emitted (as in Kafka Streams)
 * and the failure goes to the processing exception handler.
 * @see flatMapValues to keep the key.
 */
import { withKeyValue } from '../processor/records.ts'
import type { KeyValue } from '../state/api.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function flatMap<K, V, KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>): NodeOperator {
  return (ctx) =>
    recordOperator((record, out) => {
      try {
        for (const pair of mapper(record.key as K, record.value as V)) out.next(withKeyValue(record, pair.key, pair.value))
      } catch (error) {
        ctx.reportError(error)
      }
    })
}
