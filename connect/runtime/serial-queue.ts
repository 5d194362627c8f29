/**
 * `SerialQueue`: runs functions one after another, each once everything queued before it has
 * settled (a failure does not stop the queue; it goes only to its own caller).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    this.#tail = result.catch(() => undefined)
    return result
  }
}
