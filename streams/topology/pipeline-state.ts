/**
 * The mutable state one task's pipeline shares between its nodes: the record in scope (or the
 * punctuation running), the task's stream time, its punctuators and metrics, the work still
 * outstanding for the current input record or punctuation, and the failure that ends it.
 *
 * Completion contract: an input record is done when its synchronous push through the nodes
 * returned and every piece of asynchronous work it started (a serde or a handler that returned
 * a promise, a user RxJS operator that did not complete synchronously) was released. Such work
 * brackets itself with `hold()`/`release()`. `endRecord()` returns nothing when nothing is
 * outstanding (no promise is allocated on the synchronous path), and otherwise a promise that
 * settles when the count drops to zero: rejected with the failure if a handler decided to fail.
 *
 * A punctuation is bracketed the same way (`beginPunctuation` / `endRecord`): no record is in
 * scope (`current` null) and `recordTimestamp` is the punctuation's timestamp.
 *
 * Concurrency rule: one input record (or punctuation) at a time. `beginRecord` while work is
 * outstanding (from the previous record, or from a flush that forwarded records) throws
 * STREAMS_ILLEGAL_STATE: the runner awaits `process()` and `drain()` first.
 */
import { StreamsError } from '../errors.ts'
import type { RecordScope } from '../operators/operator-context.ts'
import type { PunctuationType, TaskMetrics } from '../processor/api.ts'
import { PunctuationQueue } from './punctuation-queue.ts'
import type { InputRecord, TaskRuntime } from './task-runtime.ts'

export class PipelineState {
  readonly runtime: TaskRuntime
  /** `0_3`, for messages. */
  readonly taskLabel: string
  /** The input record in scope (its metadata), null outside of one (a cache flush). */
  current: InputRecord | null = null
  /** Timestamp of the record the current processor is processing (what stores stamp writes with). */
  recordTimestamp = -1
  /** The largest timestamp processed so far; −1 before the first record. Never decreases. */
  streamTime = -1
  /** The punctuation running (what failures are reported against), null otherwise. */
  punctuation: { readonly type: PunctuationType; readonly timestamp: number } | null = null
  /** Punctuators of the task's processors; the node is the processor's name (for messages). */
  readonly streamTimePunctuations = new PunctuationQueue<PunctuationNode>()
  readonly wallClockPunctuations = new PunctuationQueue<PunctuationNode>()
  readonly metrics: TaskMetrics
  /** A global store's pipeline: no punctuators (Kafka's global processor context has none). */
  global = false
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
    let dropped = 0
    this.metrics = {
      get droppedRecords() {
        return dropped
      },
      recordDropped(count = 1) {
        dropped += count
      },
    }
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

  /** Starts a punctuation: like `beginRecord`, with no record in scope. */
  beginPunctuation(type: PunctuationType, timestamp: number): void {
    if (this.#broken !== null) {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `Task ${this.taskLabel} cannot punctuate: its pipeline broke (${this.#broken.message}); close the task`, { cause: this.#broken })
    }
    if (this.busy) throw new StreamsError('STREAMS_ILLEGAL_STATE', `Task ${this.taskLabel} was asked to punctuate while earlier work is still running`)
    const failure = this.failure
    if (failure !== null) {
      this.failure = null
      throw failure
    }
    this.#inRecord = true
    this.current = null
    this.punctuation = { type, timestamp }
    this.recordTimestamp = timestamp
  }

  endRecord(): void | Promise<void> {
    this.current = null
    if (this.punctuation !== null) {
      this.punctuation = null
      this.recordTimestamp = -1
    }
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

/** What a punctuation schedule runs: the processor that scheduled it. */
export interface PunctuationNode {
  readonly name: string
  punctuate(punctuator: (timestamp: number) => void, timestamp: number): void
}
