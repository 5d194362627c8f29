/**
 * The mutable state one task's pipeline shares between its nodes: the record in scope, the
 * task's stream time, the work still outstanding for the current input record, and the failure
 * that ends it.
 *
 * Completion contract: an input record is done when its synchronous push through the nodes
 * returned and every piece of asynchronous work it started (a serde or a handler that returned
 * a promise, a user RxJS operator that did not complete synchronously) was released. Such work
 * brackets itself with `hold()`/`release()`. `endRecord()` returns nothing when nothing is
 * outstanding (no promise is allocated on the synchronous path), and otherwise a promise that
 * settles when the count drops to zero: rejected with the failure if a handler decided to fail.
 *
 * Concurrency rule: one input record at a time. `beginRecord` while work is outstanding (from
 * the previous record, or from a flush that forwarded records) throws STREAMS_ILLEGAL_STATE:
 * the runner awaits `process()` and `drain()` first.
 */
import { StreamsError } from '../errors.ts'
import type { RecordScope } from '../operators/operator-context.ts'
import type { InputRecord, TaskRuntime } from './task-runtime.ts'

export class PipelineState {
  readonly runtime: TaskRuntime
  /** `0_3`, for messages. */
  readonly taskLabel: string
  /** The input record in scope (its metadata), null outside of one (a cache flush). */
  current: InputRecord | null = null
  /** Timestamp of the record the current processor is processing (what stores stamp writes with). */
  recordTimestamp = -1
  /** The largest timestamp processed so far; −1 before the first record. */
  streamTime = -1
  /** Set when a handler decided to fail; thrown (or rejected) when the record is done. */
  failure: StreamsError | null = null
  /** An RxJS pipeline errored (a bug: nodes never error it); the task cannot go on. */
  #broken: Error | null = null
  #pending = 0
  #inRecord = false
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = []

  constructor(runtime: TaskRuntime, taskLabel: string) {
    this.runtime = runtime
    this.taskLabel = taskLabel
  }

  get busy(): boolean {
    return this.#inRecord || this.#pending > 0
  }

  beginRecord(input: InputRecord): void {
    if (this.#broken !== null) {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `Task ${this.taskLabel} cannot process records: its pipeline broke (${this.#broken.message}); close the task`, { cause: this.#broken })
    }
    if (this.busy) {
      throw new StreamsError(
        'STREAMS_ILLEGAL_STATE',
        `Task ${this.taskLabel} got ${input.topic}-${input.partition} offset ${input.offset} while earlier work is still running; await process() and drain() before the next record`,
      )
    }
    const failure = this.failure
    if (failure !== null) {
      this.failure = null
      throw failure
    }
    this.#inRecord = true
    this.current = input
  }

  endRecord(): void | Promise<void> {
    this.current = null
    if (this.#pending === 0) {
      this.#inRecord = false
      this.#throwFailure()
      return
    }
    return this.#wait()
  }

  /** Resolves when no work is outstanding; throws (rejects with) a failure recorded meanwhile. */
  drain(): void | Promise<void> {
    if (this.#pending === 0) {
      this.#throwFailure()
      return
    }
    return this.#wait()
  }

  hold(): void {
    this.#pending++
  }

  release(): void {
    if (--this.#pending > 0) return
    this.#pending = 0
    if (this.#waiters.length === 0) return
    const waiters = this.#waiters
    this.#waiters = []
    this.#inRecord = false
    const failure = this.failure
    this.failure = null
    for (const waiter of waiters) {
      if (failure !== null) waiter.reject(failure)
      else waiter.resolve()
    }
  }

  /** Makes `scope` current; returns the scope to restore. */
  enter(scope: RecordScope | null): RecordScope | null {
    const previous = this.current as RecordScope | null
    this.current = scope as InputRecord | null
    return previous
  }

  fail(error: StreamsError): void {
    if (this.failure === null) this.failure = error
  }

  /** Called when an RxJS pipeline errored (never by design): later records are refused. */
  breakPipeline(error: unknown): void {
    const cause = error instanceof Error ? error : new Error(String(error))
    this.runtime.logger.error('A task pipeline errored; the task must be closed', { task: this.taskLabel, error: cause.message })
    this.#broken ??= cause
    this.fail(new StreamsError('STREAMS_ILLEGAL_STATE', `Task ${this.taskLabel}: its pipeline broke (${cause.message})`, { cause }))
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject })
    })
  }

  #throwFailure(): void {
    const failure = this.failure
    if (failure === null) return
    this.failure = null
    throw failure
  }
}
