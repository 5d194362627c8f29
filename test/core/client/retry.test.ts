import { describe, expect, it, vi } from 'vitest'
import { backoffDelay, retry, sleep } from '../../../core/client/retry.ts'
import { CoreError } from '../../../core/errors.ts'
import { ErrorCode, KafkaApiError } from '../../../core/protocol/error-codes.ts'

const noJitter = { jitter: 0, initialBackoffMs: 1, maxBackoffMs: 4 }

describe('backoffDelay', () => {
  it('doubles from the initial backoff up to the cap (Kafka retry.backoff.ms / .max.ms)', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { jitter: 0, initialBackoffMs: 100, maxBackoffMs: 1000 }))
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('spreads by ±jitter', () => {
    expect(backoffDelay(1, { initialBackoffMs: 100, random: () => 0 })).toBe(80)
    expect(backoffDelay(1, { initialBackoffMs: 100, random: () => 0.999999 })).toBe(120)
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, { initialBackoffMs: 100, maxBackoffMs: 1000 })
      expect(d).toBeGreaterThanOrEqual(320)
      expect(d).toBeLessThanOrEqual(480)
    }
  })
})

describe('retry', () => {
  it('retries retriable errors (CreekError.retriable, retriable Kafka codes) until success', async () => {
    const errors = [new KafkaApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER), new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', 'x')]
    const seen: number[] = []
    const result = await retry(async (attempt) => {
      seen.push(attempt)
      if (attempt < errors.length) throw errors[attempt]
      return 'ok'
    }, noJitter)
    expect(result).toBe('ok')
    expect(seen).toEqual([0, 1, 2])
  })

  it('does not retry unknown errors or non-retriable codes', async () => {
    for (const error of [new Error('boom'), new KafkaApiError(ErrorCode.INVALID_RECORD), new CoreError('CORE_INVALID_CONFIG', 'x')]) {
      const operation = vi.fn(async () => {
        throw error
      })
      await expect(retry(operation, noJitter)).rejects.toBe(error)
      expect(operation).toHaveBeenCalledTimes(1)
    }
  })

  it('gives up after `retries` retries with the last error, reporting each retry', async () => {
    const onRetry = vi.fn()
    let calls = 0
    const error = new KafkaApiError(ErrorCode.REQUEST_TIMED_OUT)
    await expect(retry(async () => {
      calls++
      throw error
    }, { ...noJitter, retries: 3, onRetry })).rejects.toBe(error)
    expect(calls).toBe(4)
    expect(onRetry.mock.calls.map(([info]) => [info.retry, info.delayMs])).toEqual([[1, 1], [2, 2], [3, 4]])
  })

  it('does not start a retry past the overall timeout', async () => {
    let calls = 0
    const started = Date.now()
    await expect(retry(async () => {
      calls++
      throw new KafkaApiError(ErrorCode.LEADER_NOT_AVAILABLE)
    }, { retries: Infinity, timeoutMs: 60, initialBackoffMs: 20, maxBackoffMs: 20, jitter: 0 })).rejects.toThrow(/LEADER_NOT_AVAILABLE/)
    expect(calls).toBeGreaterThanOrEqual(2)
    expect(calls).toBeLessThanOrEqual(4)
    expect(Date.now() - started).toBeLessThan(200)
  })

  it('stops at once when the signal aborts, during a backoff or before starting', async () => {
    const controller = new AbortController()
    const pending = retry(async () => {
      throw new KafkaApiError(ErrorCode.LEADER_NOT_AVAILABLE)
    }, { initialBackoffMs: 10_000, signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop')), 10)
    await expect(pending).rejects.toMatchObject({ code: 'CORE_CLOSED', cause: new Error('stop') })
    const operation = vi.fn(async () => 1)
    await expect(retry(operation, { signal: controller.signal })).rejects.toMatchObject({ code: 'CORE_CLOSED' })
    expect(operation).not.toHaveBeenCalled()
    await expect(sleep(5, controller.signal)).rejects.toMatchObject({ code: 'CORE_CLOSED' })
  })
})
