/**
 * A FIFO async lock: a stream thread's loop iterations and its rebalance callbacks run under
 * it, so a revocation never commits or suspends tasks in the middle of a record, a commit or a
 * restoration step. Not reentrant: code holding it must not ask for it again.
 */
export class WorkLock {
  #tail: Promise<void> = Promise.resolve()

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    this.#tail = result.then(() => undefined, () => undefined)
    return result
  }
}
