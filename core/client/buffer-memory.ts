/**
 * The producer's memory bound (`buffer.memory`): bytes of records accepted by `send` and not yet
 * acknowledged or failed. A send takes its bytes before its records join batches and the bytes
 * come back when their batch is done.
 *
 * Contracts: waiters are served strictly in arrival order (a small request never overtakes a
 * large one that waits), so no send starves and sends keep their call order; a request larger
 * than the whole budget is refused by the producer before it gets here.
 */
export class BufferMemory {
  readonly limit: number
  #used = 0
  readonly #waiters: { readonly bytes: number; readonly resolve: () => void }[] = []
  #head = 0

  constructor(limit: number) {
    this.limit = limit
  }

  get used(): number {
    return this.#used
  }

  /** Whether someone waits for memory. */
  get exhausted(): boolean {
    return this.#head < this.#waiters.length
  }

  /** Takes `bytes` if they are free and nobody waits; false otherwise. */
  tryAcquire(bytes: number): boolean {
    if (this.exhausted || this.#used + bytes > this.limit) return false
    this.#used += bytes
    return true
  }

  /** Takes `bytes`, waiting behind earlier requests until they are free. */
  acquire(bytes: number): Promise<void> {
    if (this.tryAcquire(bytes)) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ bytes, resolve }))
  }

  release(bytes: number): void {
    this.#used -= bytes
    while (this.#head < this.#waiters.length) {
      const waiter = this.#waiters[this.#head]
      if (this.#used + waiter.bytes > this.limit) break
      this.#used += waiter.bytes
      this.#head++
      waiter.resolve()
    }
    if (this.#head > 64 && this.#head * 2 > this.#waiters.length) {
      this.#waiters.splice(0, this.#head)
      this.#head = 0
    } else if (this.#head === this.#waiters.length) {
      this.#waiters.length = 0
      this.#head = 0
    }
  }
}
