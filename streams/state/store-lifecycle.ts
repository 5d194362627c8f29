/**
 * `StoreLifecycle`: the open/closed state every store layer keeps, and the errors it throws.
 *
 * States: CREATED → (init) → OPEN → (close) → CLOSED; a store is never reopened (a new task
 * builds new stores). Using a store outside OPEN is STREAMS_INVALID_STATE_STORE naming it, as
 * the contract in api.ts says; a second `init` is STREAMS_ILLEGAL_STATE.
 */
import { StreamsError } from '../errors.ts'

export type StoreState = 'CREATED' | 'OPEN' | 'CLOSED'

export class StoreLifecycle {
  readonly #storeName: string
  #state: StoreState = 'CREATED'

  constructor(storeName: string) {
    this.#storeName = storeName
  }

  get state(): StoreState {
    return this.#state
  }

  get isOpen(): boolean {
    return this.#state === 'OPEN'
  }

  /** Throws unless the store is open. */
  check(): void {
    if (this.#state !== 'OPEN') throw notOpen(this.#storeName, this.#state)
  }

  /** Before `init`: throws if the store was already initialized. */
  checkCreated(): void {
    if (this.#state !== 'CREATED') {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `State store "${this.#storeName}" was already initialized; each task builds its own stores (StoreBuilder.build())`)
    }
  }

  opened(): void {
    this.#state = 'OPEN'
  }

  closed(): void {
    this.#state = 'CLOSED'
  }
}

export function notOpen(storeName: string, state: StoreState): StreamsError {
  const what = state === 'CREATED' ? 'has not been initialized yet' : 'is closed'
  return new StreamsError('STREAMS_INVALID_STATE_STORE', `State store "${storeName}" ${what}; it can only be used while its task is running`)
}

/** The message of an error and of its causes, for messages that wrap a native error. */
export function describeCause(cause: unknown): string {
  const parts: string[] = []
  for (let current = cause, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current)
    if (!parts.includes(message)) parts.push(message)
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join(': ')
}
