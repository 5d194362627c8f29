/**
 * `pipeRecords`: applies user RxJS operators to a stream, one record at a time
 * (`KStream#pipe`). Each record goes through `of(record).pipe(...operators)`, in arrival order:
 * the next record starts only when the previous one's inner observable completed (concatMap
 * semantics), so asynchronous operators (`concatMap(async …)`, `mergeMap(fetch)`, `delay`) work
 * and order is kept.
 *
 * ```ts
 * orders.pipe(
 *   concatMap(async (record) => ({ ...record, value: await enrich(record.value) })),
 *   filter((record) => record.value.valid),
 * )
 * ```
 *
 * Contract:
 * - Operators see one record at a time: every record's inner pipeline is fresh, so `scan`,
 *   `bufferCount`, `distinct` and friends never see two records. State belongs in state stores
 *   (`process()` with a store), where it is changelogged, restored and committed with offsets.
 * - Operators emit `StreamRecord`s (`{ key, value, timestamp, headers }`); a missing timestamp or
 *   headers is taken from the input record.
 * - An inner error (or a throwing operator) drops the record and goes to the processing exception
 *   handler; the stream goes on with the next record.
 * - When the inner observable completes synchronously, nothing is queued and the pipeline stays
 *   synchronous; otherwise the task's pipeline waits (the node holds the record with
 *   `beginAsync`) and later records queue here in order.
 */
import { Observable, of, type OperatorFunction, type Subscription } from 'rxjs'
import { StreamsError } from '../errors.ts'
import type { AnyRecord, NodeOperator, OperatorContext, RecordScope } from './operator-context.ts'

// User operators are typed at the DSL boundary (the KStream#pipe overloads); here they are opaque.
type AnyOperator = OperatorFunction<any, any>

export function pipeRecords(operators: readonly AnyOperator[]): NodeOperator {
  const ops = [...operators]
  const compose = (input: Observable<AnyRecord>): Observable<unknown> => {
    let result: Observable<unknown> = input
    for (const op of ops) result = op(result)
    return result
  }
  return (ctx) => (source) =>
    new Observable<AnyRecord>((subscriber) => {
      const runner = new PipeRunner(ctx, compose, (record) => subscriber.next(record), () => subscriber.complete())
      const upstream = source.subscribe({
        next: (record) => runner.accept(record),
        error: (error: unknown) => subscriber.error(error),
        complete: () => runner.complete(),
      })
      return () => {
        upstream.unsubscribe()
        runner.dispose()
      }
    })
}

/** One task's state of a pipe node: the record in flight and the ones waiting behind it. */
class PipeRunner {
  readonly #ctx: OperatorContext
  readonly #compose: (input: Observable<AnyRecord>) => Observable<unknown>
  readonly #emit: (record: AnyRecord) => void
  readonly #complete: () => void
  /** The source completed: complete once the records in flight and queued are done. */
  #completing = false
  /** Waiting records and their scopes, interleaved; `#head` is the next to run. */
  #queue: unknown[] = []
  #head = 0
  #active = false
  #sync = false
  #done = false
  #held = false
  #input: AnyRecord | null = null
  #scope: RecordScope | null = null
  #inner: Subscription | null = null
  readonly #observer = {
    next: (value: unknown) => this.#onNext(value),
    error: (error: unknown) => this.#onEnd(error, true),
    complete: () => this.#onEnd(undefined, false),
  }

  constructor(
    ctx: OperatorContext,
    compose: (input: Observable<AnyRecord>) => Observable<unknown>,
    emit: (record: AnyRecord) => void,
    complete: () => void,
  ) {
    this.#ctx = ctx
    this.#compose = compose
    this.#emit = emit
    this.#complete = complete
  }

  complete(): void {
    this.#completing = true
    if (!this.#active) this.#complete()
  }

  accept(record: AnyRecord): void {
    if (this.#active) {
      this.#queue.push(record, this.#ctx.currentScope())
      this.#ctx.beginAsync()
      return
    }
    this.#start(record, this.#ctx.currentScope(), false)
  }

  dispose(): void {
    this.#inner?.unsubscribe()
    this.#inner = null
    this.#queue = []
    this.#head = 0
  }

  /** Runs one record; true when it finished synchronously. `held`: the record already holds the task. */
  #start(record: AnyRecord, scope: RecordScope | null, held: boolean): boolean {
    this.#active = true
    this.#input = record
    this.#scope = scope
    this.#done = false
    this.#sync = true
    try {
      this.#inner = this.#compose(of(record)).subscribe(this.#observer)
    } catch (error) {
      this.#ctx.reportError(error)
      this.#done = true
    }
    this.#sync = false
    if (this.#done) {
      this.#inner = null
      this.#active = false
      if (held) this.#ctx.endAsync()
      return true
    }
    this.#held = true
    if (!held) this.#ctx.beginAsync()
    return false
  }

  #onNext(value: unknown): void {
    const record = this.#toRecord(value)
    if (this.#sync) {
      if (record !== null) this.#emit(record)
      return
    }
    const previous = this.#ctx.enter(this.#scope)
    if (record !== null) this.#emit(record)
    this.#ctx.enter(previous)
  }

  #onEnd(error: unknown, failed: boolean): void {
    this.#done = true
    if (this.#sync) {
      if (failed) this.#ctx.reportError(error)
      return
    }
    if (failed) {
      const previous = this.#ctx.enter(this.#scope)
      this.#ctx.reportError(error)
      this.#ctx.enter(previous)
    }
    this.#inner = null
    this.#active = false
    const held = this.#held
    this.#held = false
    this.#drain()
    if (held) this.#ctx.endAsync()
    if (this.#completing && !this.#active) this.#complete()
  }

  /** Runs queued records until one goes asynchronous. */
  #drain(): void {
    while (this.#head < this.#queue.length) {
      const record = this.#queue[this.#head] as AnyRecord
      const scope = this.#queue[this.#head + 1] as RecordScope | null
      this.#head += 2
      if (this.#head === this.#queue.length) {
        this.#queue = []
        this.#head = 0
      }
      const previous = this.#ctx.enter(scope)
      const finished = this.#start(record, scope, true)
      this.#ctx.enter(previous)
      if (!finished) return
    }
  }

  /** What a user operator emitted, as a record; null (after reporting) when it is not one. */
  #toRecord(value: unknown): AnyRecord | null {
    if (value === null || typeof value !== 'object' || !('key' in value) || !('value' in value)) {
      const error = new StreamsError(
        'STREAMS_PROCESSING',
        `pipe() operators must emit records ({ key, value, timestamp, headers }) but node ${this.#ctx.nodeName} emitted ${describe(value)}; map values with ({ ...record, value })`,
      )
      if (this.#sync) this.#ctx.reportError(error)
      else {
        const previous = this.#ctx.enter(this.#scope)
        this.#ctx.reportError(error)
        this.#ctx.enter(previous)
      }
      return null
    }
    const candidate = value as Partial<AnyRecord> & { key: unknown; value: unknown }
    if (typeof candidate.timestamp === 'number' && Array.isArray(candidate.headers)) return candidate as AnyRecord
    const input = this.#input as AnyRecord
    return {
      key: candidate.key,
      value: candidate.value,
      timestamp: typeof candidate.timestamp === 'number' ? candidate.timestamp : input.timestamp,
      headers: Array.isArray(candidate.headers) ? candidate.headers : input.headers,
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object without key and value'
  return `a ${typeof value}`
}
