/**
 * The skeleton shared by the record operators: subscribes to the source, calls `onRecord` for
 * each record with the downstream sink, and passes errors and completion through. It allocates
 * nothing per record; `onRecord` decides what to emit.
 *
 * Fusion: an operator made here carries its `onRecord` (its record step, `recordStepOf`), so the
 * task pipeline can compile a run of consecutive record operators (`mapValues` → `filter` →
 * `peek`) into one RxJS operator (`fuseRecordSteps`) whose steps call each other directly,
 * instead of one subscriber layer per node. The result is the same: every step is synchronous,
 * emits only through its sink, and never errors or completes the stream by itself, so errors and
 * completion still pass from the source to the subscriber, and a record emitted by one step is
 * through the rest of the run before that step returns.
 */
import { Observable, type OperatorFunction } from 'rxjs'
import type { AnyRecord } from './operator-context.ts'

/** Where a record step emits: the next step, or the downstream subscriber. */
export interface RecordSink {
  next(record: AnyRecord): void
}

/** What a record operator does with one record. */
export type RecordStep = (record: AnyRecord, out: RecordSink) => void

const RECORD_STEP = Symbol('recordStep')

type RecordOperator = OperatorFunction<AnyRecord, AnyRecord> & { readonly [RECORD_STEP]?: RecordStep }

export function recordOperator(onRecord: RecordStep): OperatorFunction<AnyRecord, AnyRecord> {
  const operator = fuseRecordSteps([onRecord]) as RecordOperator & { [RECORD_STEP]?: RecordStep }
  operator[RECORD_STEP] = onRecord
  return operator
}

/** The record step of an operator made by `recordOperator`; undefined for any other operator. */
export function recordStepOf(operator: OperatorFunction<AnyRecord, AnyRecord>): RecordStep | undefined {
  return (operator as RecordOperator)[RECORD_STEP]
}

/** One operator that runs `steps` in order, each emitting into the next (the last into the subscriber). */
export function fuseRecordSteps(steps: readonly RecordStep[]): OperatorFunction<AnyRecord, AnyRecord> {
  const fused = [...steps]
  if (fused.length === 0) throw new RangeError('fuseRecordSteps needs at least one step')
  return (source) =>
    new Observable<AnyRecord>((subscriber) => {
      // Built per subscription: each step's sink is the next step bound to its own sink.
      const entry = recordStepsInto(fused, subscriber)
      return source.subscribe({
        next: entry.next,
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      })
    })
}

/**
 * A sink that runs `steps` in order, the last emitting into `out` (for a chain whose end is the
 * task pipeline's own observer, which needs no subscriber of its own in between).
 */
export function recordStepsInto(steps: readonly RecordStep[], out: RecordSink): RecordSink {
  let sink = out
  for (let i = steps.length - 1; i >= 0; i--) sink = bind(steps[i], sink)
  return sink
}

function bind(step: RecordStep, out: RecordSink): RecordSink {
  return { next: (record) => step(record, out) }
}
