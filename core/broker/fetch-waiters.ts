/**
 * Long polling for Fetch: a fetch that found fewer than `minBytes` parks here until an append to
 * one of its partitions, its `maxWaitMs`, or an abort signal (the connection closing, the broker
 * shutting down), whichever comes first.
 *
 * A wait is a promise, a timer and one registration per partition and per signal: nothing
 * blocks, so other requests, including the produce that ends the wait, run meanwhile. Timers are
 * unref'd so that a parked fetch never keeps the process alive. A signal gets one 'abort'
 * listener, the first time a wait names it, that wakes the waits registered on it then: signals
 * live long (a connection's, a consumer's per broker, the broker's own) while waits come and go
 * hundreds of times a second, and adding and removing event listeners costs more than a set.
 *
 * Contract: `notify` must be called after an append has made records readable; `wait` must be
 * called in the same synchronous step as the read that found too little, so that no append can
 * slip in between (Node runs one step at a time, which is the whole concurrency rule here).
 * Every wait settles exactly once and leaves nothing registered behind.
 */
import type { BrokerContext } from './handler.ts'

/** Why a wait ended. */
export type WaitOutcome = 'appended' | 'timeout' | 'aborted'

export interface TopicPartitionKey {
  readonly topic: string
  readonly partition: number
}

type Wake = (outcome: WaitOutcome) => void

export class FetchWaiters {
  /** Pending waits by `topic\0partition`. */
  readonly #byPartition = new Map<string, Set<Wake>>()
  /** Pending waits by the signals that abort them (see the module comment). */
  readonly #bySignal = new WeakMap<AbortSignal, Set<Wake>>()

  /** Number of partitions with at least one parked fetch (for tests and metrics). */
  get size(): number {
    return this.#byPartition.size
  }

  /**
   * Resolves on the first append to any of `partitions` (`'appended'`), after `maxWaitMs`
   * (`'timeout'`), or when any of `signals` aborts (`'aborted'`, at once if one already has).
   */
  wait(partitions: readonly TopicPartitionKey[], maxWaitMs: number, signals: readonly (AbortSignal | undefined)[]): Promise<WaitOutcome> {
    const active = signals.filter((signal): signal is AbortSignal => signal !== undefined)
    if (active.some((signal) => signal.aborted)) return Promise.resolve('aborted')
    if (partitions.length === 0 || maxWaitMs <= 0) return Promise.resolve('timeout')
    return new Promise<WaitOutcome>((resolve) => {
      const keys = [...new Set(partitions.map(keyOf))]
      let timer: NodeJS.Timeout | undefined
      const wake: Wake = (outcome) => {
        clearTimeout(timer)
        for (const signal of active) this.#bySignal.get(signal)?.delete(wake)
        for (const key of keys) {
          const set = this.#byPartition.get(key)
          set?.delete(wake)
          if (set?.size === 0) this.#byPartition.delete(key)
        }
        resolve(outcome)
      }
      for (const key of keys) {
        let set = this.#byPartition.get(key)
        if (set === undefined) this.#byPartition.set(key, (set = new Set()))
        set.add(wake)
      }
      for (const signal of active) this.#abortedBy(signal).add(wake)
      timer = setTimeout(() => wake('timeout'), Math.min(maxWaitMs, MAX_TIMER_MS))
      timer.unref()
    })
  }

  /** The waits `signal` aborts; registers its one listener the first time. */
  #abortedBy(signal: AbortSignal): Set<Wake> {
    let waits = this.#bySignal.get(signal)
    if (waits === undefined) {
      const registered = new Set<Wake>()
      this.#bySignal.set(signal, (waits = registered))
      signal.addEventListener('abort', () => {
        for (const wake of [...registered]) wake('aborted')
      }, { once: true })
    }
    return waits
  }

  /** Wakes every fetch parked on this partition. */
  notify(topic: string, partition: number): void {
    const set = this.#byPartition.get(keyOf({ topic, partition }))
    if (set === undefined) return
    for (const wake of [...set]) wake('appended')
  }
}

/** setTimeout's limit; Fetch's maxWaitMs is an INT32, so this only guards against misuse. */
const MAX_TIMER_MS = 0x7fffffff

function keyOf({ topic, partition }: TopicPartitionKey): string {
  return `${topic}\0${partition}`
}

const byBroker = new WeakMap<BrokerContext, FetchWaiters>()

/**
 * The waiters of a broker, shared by its Fetch handler (which parks) and Produce handler (which
 * wakes). Kept beside the broker rather than on it so that handlers stay the only owners.
 */
export function fetchWaitersOf(broker: BrokerContext): FetchWaiters {
  let waiters = byBroker.get(broker)
  if (waiters === undefined) byBroker.set(broker, (waiters = new FetchWaiters()))
  return waiters
}
