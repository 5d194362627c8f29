/**
 * The skeleton shared by the record operators: subscribes to the source, calls `onRecord` for
 * each record with the downstream subscriber, and passes errors and completion through. It
 * allocates nothing per record; `onRecord` decides what to emit.
 */
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs'
import type { AnyRecord } from './operator-context.ts'

export function recordOperator(onRecord: (record: AnyRecord, out: Subscriber<AnyRecord>) => void): OperatorFunction<AnyRecord, AnyRecord> {
  return (source) =>
    new Observable<AnyRecord>((subscriber) =>
      source.subscribe({
        next: (record) => onRecord(record, subscriber),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    )
}
