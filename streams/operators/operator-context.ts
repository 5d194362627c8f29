/**
 * The contract between a stateless DSL node and the task pipeline that runs it.
 *
 * A node operator is a factory `(ctx) => OperatorFunction<StreamRecord, StreamRecord>`: the
 * task pipeline calls it once per task (so every task, and every subscription, starts with fresh
 * state) and subscribes the result between its parent and its children. Rules every operator
 * follows:
 *
 * - A user function that throws never errors the RxJS pipeline: the operator calls
 *   `ctx.reportError(error)` and emits nothing for that record (the record is dropped at this
 *   node). The task's processing exception handler then decides whether the task goes on.
 * - Emission is synchronous: `next` for one record returns after the record (and whatever it
 *   led to downstream) was processed.
 * - An operator that works asynchronously (only `pipeRecords`, for user RxJS operators) keeps
 *   records in order (concatMap semantics), brackets its work with `beginAsync`/`endAsync` so
 *   the pipeline knows when an input record is done, and re-enters the record's scope with
 *   `enter` before it emits or reports for that record later.
 */
import type { OperatorFunction } from 'rxjs'
import type { StreamRecord, TaskId } from '../processor/api.ts'

declare const recordScope: unique symbol

/** The record context of one input record (opaque): what `recordMetadata()` returns downstream. */
export interface RecordScope {
  readonly [recordScope]: true
}

/** A record of any key and value type, as records travel between nodes at run time. */
export type AnyRecord = StreamRecord<unknown, unknown>

export interface OperatorContext {
  /** The node this operator runs as (`KSTREAM-MAPVALUES-0000000001`). */
  readonly nodeName: string
  readonly taskId: TaskId
  /**
   * A user function threw, or a user observable errored, for the record in scope: the record
   * is dropped at this node and the processing exception handler decides. Never throws.
   */
  reportError(error: unknown): void
  /** The scope of the record being processed now. */
  currentScope(): RecordScope | null
  /** Makes `scope` current (to emit or report for an earlier record later); returns the scope to restore. */
  enter(scope: RecordScope | null): RecordScope | null
  /** Asynchronous work started for the record in scope: the pipeline waits for the matching `endAsync`. */
  beginAsync(): void
  endAsync(): void
}

/** A stateless node as the topology stores it: a factory of one RxJS operator per task. */
export type NodeOperator = (ctx: OperatorContext) => OperatorFunction<AnyRecord, AnyRecord>
