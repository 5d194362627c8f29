/**
 * Creek's one retry utility (STYLE.md §9): exponential backoff with jitter, bounded by a number
 * of retries and an overall timeout, cancellable with an `AbortSignal`.
 *
 * Contracts:
 * - Only retriable errors are retried: a `CreekError` whose `retriable` flag is set (this covers
 *   a `KafkaApiError`, whose flag comes from Kafka's error table). Unknown errors, and errors
 *   from user code, are rethrown at once.
 * - The delay before retry n (1-based) is `initialBackoffMs · multiplier^(n−1)`, capped at
 *   `maxBackoffMs`, then spread by ±`jitter` (Kafka's `retry.backoff.ms` /
 *   `retry.backoff.max.ms` rule, jitter 0.2), so clients that failed together do not retry together.
 * - A retry that could not start before the overall deadline is not attempted: the last error is
 *   thrown as it was (its own message says what failed).
 * - Abort: a sleep ends at once and `retry` rejects with `CORE_CLOSED` whose `cause` is the
 *   signal's reason; the operation receives the signal to pass on to its own requests.
 *
 * Callers that retry per item rather than per call (the producer's sender retries batches)
 * use `backoffDelay` so that every retry in Creek follows one schedule.
 */
import { CoreError, isRetriable } from '../errors.ts'

export interface BackoffOptions {
  /** Delay before the first retry (default 100, Kafka's `retry.backoff.ms`). */
  readonly initialBackoffMs?: number
  /** Cap of the delay (default 1000, Kafka's `retry.backoff.max.ms`). */
  readonly maxBackoffMs?: number
  /** Growth factor per retry (default 2). */
  readonly multiplier?: number
  /** Relative spread in [0, 1) (default 0.2: ±20 %). */
  readonly jitter?: number
  /** Random source in [0, 1), injectable for tests. */
  readonly random?: () => number
}

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt (default 5); `Infinity` retries until `timeoutMs`. */
  readonly retries?: number
  /** Overall budget in ms from the first attempt (default Infinity). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Which errors to retry (default: `isRetriable`, i.e. `CreekError.retriable`). */
  readonly retriable?: (error: unknown) => boolean
  /** Called before each sleep; for logging. */
  readonly onRetry?: (info: RetryInfo) => void
  /** Wall clock, injectable for tests (default Date.now). */
  readonly clock?: () => number
}

export interface RetryInfo {
  readonly error: unknown
  /** The retry about to happen, from 1. */
  readonly retry: number
  readonly delayMs: number
}

/** The delay before retry `retry` (1-based), with jitter. */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const initial = options.initialBackoffMs ?? 100
  const max = Math.max(options.maxBackoffMs ?? 1000, initial)
  const multiplier = options.multiplier ?? 2
  const jitter = options.jitter ?? 0.2
  const random = options.random ?? Math.random
  const base = Math.min(initial * multiplier ** Math.max(0, retry - 1), max)
  const spread = base * jitter * (2 * random() - 1)
  return Math.max(0, Math.round(base + spread))
}

function aborted(signal: AbortSignal): CoreError {
  return new CoreError('CORE_CLOSED', 'The operation was aborted', { cause: signal.reason })
}

/** Resolves after `ms`; rejects with `CORE_CLOSED` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(aborted(signal))
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(aborted(signal!))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retriable, runs out of
 * retries, or would pass the deadline. `attempt` counts from 0.
 */
export async function retry<T>(
  operation: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 5
  const clock = options.clock ?? Date.now
  const deadline = clock() + (options.timeoutMs ?? Infinity)
  const retriable = options.retriable ?? isRetriable
  const { signal } = options
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw aborted(signal)
    try {
      return await operation(attempt, signal)
    } catch (error) {
      if (signal?.aborted) throw aborted(signal)
      if (attempt >= retries || !retriable(error)) throw error
      const delayMs = backoffDelay(attempt + 1, options)
      if (clock() + delayMs >= deadline) throw error
      options.onRetry?.({ error, retry: attempt + 1, delayMs })
      await sleep(delayMs, signal)
    }
  }
}
