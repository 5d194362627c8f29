/**
 * `SerialQueue`: a FIFO async lock. Each function runs once everything queued before it has
 * settled; a failure goes only to its own caller and does not stop the queue. Not reentrant:
 * a function running in the queue must not wait for another it queues.
 *
 * Used wherever calls that change state must not interleave: a group member's handler calls,
 * a stream thread's loop iterations and rebalance callbacks, Connect's connector and task
 * lifecycles, a SQLite handle's statements.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    this.#tail = result.catch(() => undefined)
    return result
  }
}
