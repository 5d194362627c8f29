/**
 * Where a node's output goes inside a compiled task pipeline: the next node's entry. Every
 * endpoint is an RxJS observer (it is subscribed to sources and operator chains) whose `next`
 * never throws: failures are handed to the exception handlers instead.
 */
import type { AnyRecord } from '../operators/operator-context.ts'
import type { PipelineState } from './pipeline-state.ts'

export interface Endpoint {
  next(record: AnyRecord): void
  error(error: unknown): void
  complete(): void
}

/** Sends each record to several endpoints in order, depth-first. */
export class FanOut implements Endpoint {
  readonly #targets: readonly Endpoint[]
  readonly #state: PipelineState

  constructor(targets: readonly Endpoint[], state: PipelineState) {
    this.#targets = targets
    this.#state = state
  }

  next(record: AnyRecord): void {
    const targets = this.#targets
    for (let i = 0; i < targets.length; i++) targets[i].next(record)
  }

  error(error: unknown): void {
    this.#state.breakPipeline(error)
  }

  complete(): void {}
}

/** The end of a node with no children (a `foreach`). */
export class Discard implements Endpoint {
  readonly #state: PipelineState

  constructor(state: PipelineState) {
    this.#state = state
  }

  next(): void {}

  error(error: unknown): void {
    this.#state.breakPipeline(error)
  }

  complete(): void {}
}

/** Feeds an operator chain that has no source of its own (its parents are processors, or several). */
export class ChainEntry implements Endpoint {
  readonly #subscriber: { next(record: AnyRecord): void }

  constructor(subscriber: { next(record: AnyRecord): void }) {
    this.#subscriber = subscriber
  }

  next(record: AnyRecord): void {
    this.#subscriber.next(record)
  }

  error(): void {}

  complete(): void {}
}
