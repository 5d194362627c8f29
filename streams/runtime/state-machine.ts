/**
 * A guarded state: a states constant and a transition table define the legal moves, and
 * `transitionTo()` throws STREAMS_ILLEGAL_STATE on any other (an illegal move is a bug in the
 * runtime, never something to recover from). The application state (`streams-state.ts`) and
 * the task state (`task-state.ts`) are instances.
 *
 * Listeners run synchronously after each move, in registration order; a listener that throws is
 * logged by the caller's `onListenerError` and does not stop the move or the other listeners.
 *
 * Concurrency: single-threaded (one event loop); a listener may not move the same machine.
 */
import { StreamsError } from '../errors.ts'

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>

export type StateListener<S extends string> = (next: S, previous: S) => void

export class StateMachine<S extends string> {
  readonly #what: string
  readonly #table: TransitionTable<S>
  readonly #listeners = new Set<StateListener<S>>()
  readonly #onListenerError: (error: unknown) => void
  #state: S
  #notifying = false

  /** `what` names the owner in error messages (`application 'wc'`, `task 0_1`). */
  constructor(what: string, initial: S, table: TransitionTable<S>, onListenerError: (error: unknown) => void = () => {}) {
    this.#what = what
    this.#state = initial
    this.#table = table
    this.#onListenerError = onListenerError
  }

  get state(): S {
    return this.#state
  }

  is(...states: readonly S[]): boolean {
    return states.includes(this.#state)
  }

  canTransitionTo(next: S): boolean {
    return this.#table[this.#state].includes(next)
  }

  /** Moves to `next`; throws STREAMS_ILLEGAL_STATE when the table does not allow it. */
  transitionTo(next: S): void {
    if (!this.canTransitionTo(next)) {
      const allowed = this.#table[this.#state].join(', ') || 'none'
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `The ${this.#what} cannot move from ${this.#state} to ${next}; allowed from ${this.#state}: ${allowed}`)
    }
    if (this.#notifying) throw new StreamsError('STREAMS_ILLEGAL_STATE', `A state listener of the ${this.#what} tried to move it to ${next}`)
    const previous = this.#state
    this.#state = next
    this.#notifying = true
    try {
      for (const listener of this.#listeners) {
        try {
          listener(next, previous)
        } catch (error) {
          this.#onListenerError(error)
        }
      }
    } finally {
      this.#notifying = false
    }
  }

  /** Adds a listener; returns a function that removes it. */
  onChange(listener: StateListener<S>): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
