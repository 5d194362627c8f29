/**
 * The loop behind `Consumer.run` (kafkajs' shape): poll, hand records to `eachMessage` one by
 * one or to `eachBatch` as a batch, and record progress.
 *
 * Contracts:
 * - Within a partition, records are processed strictly in order and one at a time (the loop
 *   awaits each handler); progress (the position) moves only when a handler resolved (for
 *   `eachBatch`: `resolveOffset`, and the whole batch with `eachBatchAutoResolve`).
 * - Between records the loop checks whether the batch is still valid (partition assigned, not
 *   paused, not seeked) and whether a rebalance waits; then it stops the batch, and records not
 *   processed are fetched again from the position (never skipped, never handed out twice).
 * - A handler that throws: the partition goes back to the failed record, which is retried after
 *   a backoff (retry.ts' schedule); after `retry.retries` failures in a row the run crashes with
 *   the handler's error (the consumer stops and `finished()` rejects with it).
 */
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ConsumerRecord } from './completed-fetch.ts'
import type { FetchedBatch } from './fetcher.ts'
import { type TopicPartition, formatTopicPartition } from './partition-map.ts'
import { backoffDelay } from './retry.ts'
import type { SubscriptionState } from './subscription-state.ts'

/** A record as the application sees it, with its key and value deserialized. */
export interface ConsumerMessage<K = Buffer | null, V = Buffer | null> extends Omit<ConsumerRecord, 'key' | 'value'> {
  readonly key: K
  readonly value: V
}

export interface EachMessagePayload<K, V> {
  readonly topic: string
  readonly partition: number
  readonly message: ConsumerMessage<K, V>
  /** Heartbeats run in the background; this tells the consumer the application is alive (max poll interval). */
  heartbeat(): Promise<void>
  /** Pauses this partition (after this message) and returns a function that resumes it. */
  pause(): () => void
}

export interface Batch<K, V> {
  readonly topic: string
  readonly partition: number
  readonly highWatermark: number
  readonly messages: readonly ConsumerMessage<K, V>[]
  isEmpty(): boolean
  firstOffset(): number | null
  lastOffset(): number
  /** Records after this batch still to consume (high watermark − last offset − 1). */
  offsetLag(): number
}

export interface EachBatchPayload<K, V> {
  readonly batch: Batch<K, V>
  /** Marks every message up to `offset` as processed. */
  resolveOffset(offset: number): void
  heartbeat(): Promise<void>
  /** Commits processed positions when auto-commit is on and its interval has passed. */
  commitOffsetsIfNecessary(): Promise<void>
  /** False once the consumer is stopping. */
  isRunning(): boolean
  /** True when the batch should be abandoned: its partition was paused, seeked or revoked, or a rebalance waits. */
  isStale(): boolean
  pause(): () => void
}

export interface RunRetryOptions {
  /** Retries of a failing handler before the run crashes (default 5). */
  readonly retries?: number
  readonly initialBackoffMs?: number
  readonly maxBackoffMs?: number
}

export interface RunOptions<K, V> {
  readonly eachMessage?: (payload: EachMessagePayload<K, V>) => Promise<void>
  readonly eachBatch?: (payload: EachBatchPayload<K, V>) => Promise<void>
  /** Resolve the whole batch when `eachBatch` returns (default true). */
  readonly eachBatchAutoResolve?: boolean
  readonly retry?: RunRetryOptions
}

/** What the runner needs of the consumer. */
export interface RunnerHost<K, V> {
  readonly subscriptions: SubscriptionState
  readonly logger: Logger
  readonly maxPollRecords: number
  /** One poll step: group membership, positions, auto-commit; a batch or null (nothing yet). */
  poll(): Promise<FetchedBatch | null>
  /** Whether a rebalance waits (the loop must come back to poll). */
  rejoinNeeded(): boolean
  deserialize(record: ConsumerRecord): ConsumerMessage<K, V> | Promise<ConsumerMessage<K, V>>
  /** True when `deserialize` returns every record as it is (no key or value deserializer). */
  readonly passesRecordsThrough: boolean
  touch(): void
  commitIfNecessary(): Promise<void>
  pause(tp: TopicPartition): () => void
  /** Ends a sleep early when the run stops. */
  readonly stopSignal: AbortSignal
}

export class ConsumerRunner<K, V> {
  readonly #host: RunnerHost<K, V>
  readonly #options: RunOptions<K, V>
  readonly #retries: number
  #running = true
  /** Set while a batch is being processed (not while polling). */
  #busy: Promise<void> | null = null
  /** Consecutive failures at (partition, offset). */
  #failures = { key: '', count: 0 }
  readonly #done: Promise<void>

  constructor(host: RunnerHost<K, V>, options: RunOptions<K, V>) {
    if (typeof options.eachMessage !== 'function' && typeof options.eachBatch !== 'function') {
      throw new CoreError('CORE_INVALID_ARGUMENT', 'run() needs an eachMessage or an eachBatch handler')
    }
    this.#host = host
    this.#options = options
    this.#retries = options.retry?.retries ?? 5
    this.#done = this.#loop()
  }

  get running(): boolean {
    return this.#running
  }

  /** Resolves when the loop ends after `stop()`, rejects with the error that crashed it. */
  get done(): Promise<void> {
    return this.#done
  }

  /** Ends the loop after the record (or batch) being processed. */
  stop(): void {
    this.#running = false
  }

  /** Resolves when no record is being processed (the loop may still be waiting in `poll`). */
  async settled(): Promise<void> {
    await this.#busy?.catch(() => undefined)
  }

  async #loop(): Promise<void> {
    try {
      while (this.#running) {
        const batch = await this.#host.poll()
        if (!this.#running) break
        if (batch === null) continue
        if (batch.records.length === 0) {
          this.#host.subscriptions.advance(batch, batch.nextOffset, batch.positionEpoch)
          continue
        }
        this.#busy = this.#options.eachBatch ? this.#runBatch(batch) : this.#runMessages(batch)
        try {
          await this.#busy
        } finally {
          this.#busy = null
        }
      }
    } finally {
      this.#running = false
    }
  }

  #valid(batch: FetchedBatch): boolean {
    const state = this.#host.subscriptions.state(batch)
    return state !== undefined && state.epoch === batch.epoch && !state.paused
  }

  /*
   * Payload functions are method shorthands over captured variables: they still work when the
   * handler destructures them, and creating them per batch costs no name-keeping wrapper (the
   * TypeScript loader keeps function names, which costs a property definition per arrow function).
   */

  #payloadBase(batch: FetchedBatch): { heartbeat(): Promise<void>; pause(): () => void } {
    const host = this.#host
    return {
      async heartbeat() {
        host.touch()
      },
      pause() {
        return host.pause({ topic: batch.topic, partition: batch.partition })
      },
    }
  }

  async #runMessages(batch: FetchedBatch): Promise<void> {
    const { subscriptions } = this.#host
    const { heartbeat, pause } = this.#payloadBase(batch)
    const { topic, partition } = batch
    const eachMessage = this.#options.eachMessage!
    for (const record of batch.records) {
      if (!this.#running || !this.#valid(batch) || this.#host.rejoinNeeded()) {
        subscriptions.invalidate(batch)
        return
      }
      try {
        const deserialized = this.#host.deserialize(record)
        const message = deserialized instanceof Promise ? await deserialized : deserialized
        await eachMessage({ topic, partition, message, heartbeat, pause })
      } catch (error) {
        await this.#failed(batch, record.offset, error)
        return
      }
      this.#succeeded(batch, record.offset)
      subscriptions.advance(batch, record.offset + 1, batch.positionEpoch)
    }
    subscriptions.advance(batch, batch.nextOffset, batch.positionEpoch)
  }

  async #runBatch(batch: FetchedBatch): Promise<void> {
    const host = this.#host
    const runner = this
    const { subscriptions } = host
    let resolved = batch.records[0].offset
    let messages: readonly ConsumerMessage<K, V>[]
    try {
      if (this.#host.passesRecordsThrough) {
        // The batch's records array is its own (the fetcher does not keep it).
        messages = batch.records as readonly ConsumerRecord[] as readonly ConsumerMessage<K, V>[]
      } else {
        const deserialized = batch.records.map((r) => this.#host.deserialize(r))
        messages = deserialized.some((m) => m instanceof Promise) ? await Promise.all(deserialized) : (deserialized as ConsumerMessage<K, V>[])
      }
      const last = batch.records[batch.records.length - 1].offset
      await this.#options.eachBatch!({
        batch: {
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          messages,
          isEmpty() {
            return messages.length === 0
          },
          firstOffset() {
            return messages[0]?.offset ?? null
          },
          lastOffset() {
            return last
          },
          offsetLag() {
            return Math.max(0, batch.highWatermark - 1 - last)
          },
        },
        resolveOffset(offset: number) {
          if (offset + 1 <= resolved) return
          resolved = offset + 1
          subscriptions.advance(batch, resolved, batch.positionEpoch)
        },
        commitOffsetsIfNecessary() {
          return host.commitIfNecessary()
        },
        isRunning() {
          return runner.#running
        },
        isStale() {
          return !runner.#valid(batch) || host.rejoinNeeded()
        },
        ...this.#payloadBase(batch),
      })
    } catch (error) {
      await this.#failed(batch, resolved, error)
      return
    }
    this.#succeeded(batch, resolved)
    if (this.#options.eachBatchAutoResolve !== false) subscriptions.advance(batch, batch.nextOffset, batch.positionEpoch)
    const state = subscriptions.state(batch)
    // Records handed out but not resolved are fetched again from the position.
    if (state && state.position !== null && state.position < batch.nextOffset) subscriptions.invalidate(batch)
  }

  #succeeded(tp: TopicPartition, offset: number): void {
    if (this.#failures.key !== '' && this.#failures.key === `${formatTopicPartition(tp)}@${offset}`) this.#failures = { key: '', count: 0 }
  }

  /** The handler failed at `offset`: go back to it and retry after a backoff, or crash after too many failures. */
  async #failed(batch: FetchedBatch, offset: number, error: unknown): Promise<void> {
    this.#host.subscriptions.invalidate(batch)
    const key = `${formatTopicPartition(batch)}@${offset}`
    this.#failures = this.#failures.key === key ? { key, count: this.#failures.count + 1 } : { key, count: 1 }
    if (this.#failures.count > this.#retries) {
      this.#host.logger.error(`Handler failed ${this.#failures.count} times at offset ${offset} of ${formatTopicPartition(batch)}; the consumer stops (fix the handler, or seek past the record)`, { cause: String(error) })
      throw error
    }
    const retry = this.#options.retry ?? {}
    const delayMs = backoffDelay(this.#failures.count, { initialBackoffMs: retry.initialBackoffMs ?? 300, maxBackoffMs: retry.maxBackoffMs ?? 30_000 })
    this.#host.logger.warn(`Handler failed at offset ${offset} of ${formatTopicPartition(batch)}; retry ${this.#failures.count} of ${this.#retries} in ${delayMs} ms`, { cause: String(error) })
    const signal = this.#host.stopSignal
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, delayMs)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
