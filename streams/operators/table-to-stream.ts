/**
 * `tableToStream`: turns a KTable's change records (`{ newValue, oldValue }`) into plain
 * records carrying the new value (Kafka Streams' `KTable#toStream`); a deletion becomes a
 * record with a null value (a tombstone).
 *
 * ```ts
 * counts.toStream().to('word-counts')
 * ```
 */
import type { Change } from '../processor/change.ts'
import { withValue } from '../processor/records.ts'
import type { NodeOperator } from './operator-context.ts'
import { recordOperator } from './record-operator.ts'

export function tableToStream(): NodeOperator {
  return () => recordOperator((record, out) => out.next(withValue(record, (record.value as Change<unknown>).newValue)))
}
