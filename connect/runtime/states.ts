/**
 * The states of connectors and tasks (Kafka Connect's `AbstractStatus.State`) as explicit state
 * machines: a states constant, a transition table, and `transitionTo()` that throws
 * CONNECT_ILLEGAL_STATE on a move the table does not allow.
 *
 * | state      | meaning                                                                  |
 * |------------|--------------------------------------------------------------------------|
 * | UNASSIGNED | created (or restarting), not started yet                                 |
 * | RUNNING    | started; tasks poll or consume                                           |
 * | PAUSED     | started, but tasks neither poll nor consume (resources kept)             |
 * | STOPPED    | connector only: stopped with its tasks released (KIP-875); offsets kept  |
 * | FAILED     | failed; `trace` holds the error and its causes; only a restart leaves it |
 *
 * Concurrency: a machine is owned by one connector or task runner; JavaScript runs one
 * transition at a time, so no locking is needed.
 */
import { ConnectError } from '../errors.ts'

export const CONNECTOR_STATES = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED'] as const
export type ConnectorState = (typeof CONNECTOR_STATES)[number]
/** Tasks never are STOPPED: a stopped connector has no tasks. */
export type TaskState = Exclude<ConnectorState, 'STOPPED'>

export const CONNECTOR_TRANSITIONS: Readonly<Record<ConnectorState, readonly ConnectorState[]>> = {
  UNASSIGNED: ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED'],
  RUNNING: ['PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED'],
  PAUSED: ['RUNNING', 'STOPPED', 'FAILED', 'UNASSIGNED'],
  STOPPED: ['UNASSIGNED', 'RUNNING', 'PAUSED'],
  FAILED: ['UNASSIGNED', 'STOPPED'],
}

export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  UNASSIGNED: ['RUNNING', 'PAUSED', 'FAILED'],
  RUNNING: ['PAUSED', 'FAILED', 'UNASSIGNED'],
  PAUSED: ['RUNNING', 'FAILED', 'UNASSIGNED'],
  FAILED: ['UNASSIGNED'],
}

/** One state machine: the current state, the trace of a failure, and checked transitions. */
export class StateMachine<S extends string> {
  readonly #what: string
  readonly #transitions: Readonly<Record<S, readonly S[]>>
  #state: S
  #trace: string | null = null
  #listeners: ((state: S) => void)[] = []

  constructor(what: string, transitions: Readonly<Record<S, readonly S[]>>, initial: S) {
    this.#what = what
    this.#transitions = transitions
    this.#state = initial
  }

  get state(): S {
    return this.#state
  }

  /** The failure's trace while FAILED, else null. */
  get trace(): string | null {
    return this.#trace
  }

  canTransitionTo(next: S): boolean {
    return this.#transitions[this.#state].includes(next)
  }

  /** Moves to `next` (FAILED takes the error); throws CONNECT_ILLEGAL_STATE on a move the table forbids. */
  transitionTo(next: S, error?: unknown): void {
    if (!this.canTransitionTo(next)) {
      throw new ConnectError('CONNECT_ILLEGAL_STATE', `${this.#what} cannot go from ${this.#state} to ${next}; allowed: ${this.#transitions[this.#state].join(', ') || 'none'}`)
    }
    this.#state = next
    this.#trace = next === 'FAILED' ? traceOf(error) : null
    for (const listener of this.#listeners) listener(next)
  }

  /** Resolves once the state is one of `states` (at once when it already is). */
  when(states: readonly S[]): Promise<S> {
    if (states.includes(this.#state)) return Promise.resolve(this.#state)
    return new Promise((resolve) => {
      const listener = (state: S): void => {
        if (!states.includes(state)) return
        this.#listeners = this.#listeners.filter((l) => l !== listener)
        resolve(state)
      }
      this.#listeners.push(listener)
    })
  }
}

/** An error's stack followed by its causes' (Java's "Caused by:"), as the REST API shows traces. */
export function traceOf(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current)
    parts.push(depth === 0 ? text : `Caused by: ${text}`)
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join('\n') || 'unknown error'
}
