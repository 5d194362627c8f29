/**
 * The coordinator's timers by key (a member's session, a group's delayed join or pending sync):
 * scheduling a key replaces its previous timer, so each key has at most one. Timers are
 * unref'ed (they never keep the process alive) and a callback that throws is logged, never
 * thrown into the event loop. Real `setTimeout`, so tests may use fake timers or short delays.
 */
import type { Logger } from '../../logger.ts'

/** Node's setTimeout accepts at most 2^31 - 1 ms; longer delays would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1

export class GroupTimers {
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #logger: Logger
  #closed = false

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** Runs `task` after `delayMs`, replacing any timer of `key`. Ignored once closed. */
  schedule(key: string, delayMs: number, task: () => void): void {
    if (this.#closed) return
    this.cancel(key)
    const timer = setTimeout(() => {
      this.#timers.delete(key)
      try {
        task()
      } catch (error) {
        this.#logger.error(`Group coordinator timer ${key} failed`, { cause: String(error) })
      }
    }, Math.max(0, Math.min(delayMs, MAX_DELAY_MS)))
    timer.unref()
    this.#timers.set(key, timer)
  }

  cancel(key: string): void {
    const timer = this.#timers.get(key)
    if (timer === undefined) return
    clearTimeout(timer)
    this.#timers.delete(key)
  }

  has(key: string): boolean {
    return this.#timers.has(key)
  }

  /** Number of scheduled timers (for tests). */
  get size(): number {
    return this.#timers.size
  }

  /** Clears every timer; later `schedule` calls do nothing. */
  close(): void {
    this.#closed = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }
}
