/**
 * Group commit: many callers ask for "make everything written so far durable"; one fsync round
 * serves all that arrived before it started, and everyone arriving while it runs shares the
 * single next round. So N concurrent durable appends cost about two fsyncs, not N.
 *
 * `run` performs one round (it snapshots what is dirty when it starts); `hasWork` says whether
 * anything was written since the last round started.
 */
export class GroupCommit {
  readonly #run: () => Promise<void>
  readonly #hasWork: () => boolean
  #inFlight: Promise<void> | undefined
  #next: Promise<void> | undefined

  constructor(run: () => Promise<void>, hasWork: () => boolean) {
    this.#run = run
    this.#hasWork = hasWork
  }

  /** Resolves once everything written before this call is durable (rejects if that round fails). */
  request(): Promise<void> {
    if (!this.#hasWork()) return this.#inFlight ?? Promise.resolve()
    if (!this.#inFlight) {
      this.#inFlight = this.#run().finally(() => {
        this.#inFlight = undefined
      })
      return this.#inFlight
    }
    // A round is running and does not cover what was written since it started: join the next.
    this.#next ??= this.#inFlight
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined
        return this.request()
      })
    return this.#next
  }

  /** Waits for the running and the queued round, ignoring their failures. */
  async settle(): Promise<void> {
    await this.#inFlight?.catch(() => undefined)
    await this.#next?.catch(() => undefined)
  }
}
