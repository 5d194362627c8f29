/**
 * Where an idle stream thread waits: `wait` resolves on the next `wake` (new records, a finished
 * restoration, a released task directory, a commit request, shutdown) or after a timeout. A
 * `wake` with nobody waiting is remembered, so a wake-up between two checks is never lost.
 */
export class Waker {
  #pending = false
  #resolve: (() => void) | null = null
  #timer: NodeJS.Timeout | undefined

  wake(): void {
    const resolve = this.#resolve
    if (resolve === null) {
      this.#pending = true
      return
    }
    this.#resolve = null
    clearTimeout(this.#timer)
    resolve()
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#resolve = resolve
      this.#timer = setTimeout(() => {
        this.#resolve = null
        resolve()
      }, Math.max(0, timeoutMs))
    })
  }
}
