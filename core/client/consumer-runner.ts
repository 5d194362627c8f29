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
 * - A record that cannot be deserialized (typed consumers; see record-deserializer.ts) and that
 *   the consumer's `deserializationErrorHandler` drops (skip, dead-letter topic) is processed
 *   without reaching the handler: the position moves past it. One it does not drop crashes the
 *   run at once (the same bytes fail again, so it is not retried), with the position at it:
 *   `eachMessage` has processed the records before it; `eachBatch` gets the records before it
 *   as a batch first, and the run crashes after that batch (unless it was stopped or went stale).
 *   A batch never contains dropped records; `resolveOffset` of the message before dropped ones
 *   also resolves them.
 * - Consumers without deserializers hand the fetched records over as they are (no copies).
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

/** A typed batch as deserialized for `eachBatch`. */
interface DeserializedBatch<K, V> {
  /** The records before `end` that were not dropped. */
  readonly messages: readonly ConsumerMessage<K, V>[]
  /** Where the position may move before any message is processed (past dropped records). */
  readonly start: number
  /** Message offset → the position once it is processed, when dropped records follow it. */
  readonly droppedAfter: ReadonlyMap<number, number> | null
  /** The position once every message is processed: the failed record, or the batch's end. */
  readonly end: number
  /** The failure at `end` that must crash the run, if any. */
  readonly error: { readonly error: unknown } | null
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
  /**
   * The message of a record; null when it cannot be deserialized and was dropped (skipped or
   * dead-lettered); throws (rejects) when the consumer must stop at it.
   */
  deserialize(record: ConsumerRecord): ConsumerMessage<K, V> | null | Promise<ConsumerMessage<K, V> | null>
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
      let message: ConsumerMessage<K, V> | null
      try {
        const deserialized = this.#host.deserialize(record)
        message = deserialized instanceof Promise ? await deserialized : deserialized
      } catch (error) {
        this.#undeserializable(batch, record.offset, error)
      }
      if (message !== null) {
        try {
          await eachMessage({ topic, partition, message, heartbeat, pause })
        } catch (error) {
          await this.#failed(batch, record.offset, error)
          return
        }
        this.#succeeded(batch, record.offset)
      }
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
    let typed: DeserializedBatch<K, V> | null = null
    if (host.passesRecordsThrough) {
      // The batch's records array is its own (the fetcher does not keep it).
      messages = batch.records as readonly ConsumerRecord[] as readonly ConsumerMessage<K, V>[]
    } else {
      typed = await this.#deserializeBatch(batch)
      messages = typed.messages
      // Records dropped before the first message are processed already.
      if (typed.start > resolved) {
        resolved = typed.start
        subscriptions.advance(batch, resolved, batch.positionEpoch)
      }
      if (messages.length === 0) {
        this.#endTypedBatch(batch, typed)
        return
      }
    }
    const droppedAfter = typed?.droppedAfter
    try {
      const last = messages[messages.length - 1].offset
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
          const next = droppedAfter?.get(offset) ?? offset + 1
          if (next <= resolved) return
          resolved = next
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
    if (typed !== null) {
      if (this.#options.eachBatchAutoResolve !== false) subscriptions.advance(batch, typed.end, batch.positionEpoch)
      this.#endTypedBatch(batch, typed)
      return
    }
    if (this.#options.eachBatchAutoResolve !== false) subscriptions.advance(batch, batch.nextOffset, batch.positionEpoch)
    const state = subscriptions.state(batch)
    // Records handed out but not resolved are fetched again from the position.
    if (state && state.position !== null && state.position < batch.nextOffset) subscriptions.invalidate(batch)
  }

  /**
   * Deserializes a batch in offset order up to the first record that must fail the run: the
   * messages, where the position may move for dropped records, and the failure.
   */
  async #deserializeBatch(batch: FetchedBatch): Promise<DeserializedBatch<K, V>> {
    const { records } = batch
    const messages: ConsumerMessage<K, V>[] = []
    let start = records[0].offset
    let droppedAfter: Map<number, number> | null = null
    for (const record of records) {
      let message: ConsumerMessage<K, V> | null
      try {
        const deserialized = this.#host.deserialize(record)
        message = deserialized instanceof Promise ? await deserialized : deserialized
      } catch (error) {
        return { messages, start, droppedAfter, end: record.offset, error: { error } }
      }
      if (message !== null) messages.push(message)
      else if (messages.length === 0) start = record.offset + 1
      else (droppedAfter ??= new Map()).set(messages[messages.length - 1].offset, record.offset + 1)
    }
    return { messages, start, droppedAfter, end: batch.nextOffset, error: null }
  }

  /**
   * After a typed batch's messages are processed: crash at a record that failed deserialization
   * (unless the batch is stopped or stale: then it is met again when the partition is read
   * again), and fetch again what was not resolved.
   */
  #endTypedBatch(batch: FetchedBatch, typed: DeserializedBatch<K, V>): void {
    const { subscriptions } = this.#host
    if (typed.messages.length === 0) subscriptions.advance(batch, typed.end, batch.positionEpoch)
    if (typed.error !== null && this.#running && this.#valid(batch) && !this.#host.rejoinNeeded()) {
      this.#undeserializable(batch, typed.end, typed.error.error)
    }
    const state = subscriptions.state(batch)
    if (state && state.position !== null && state.position < batch.nextOffset) subscriptions.invalidate(batch)
  }

  /** A record that cannot be deserialized and was not dropped: the run crashes with the position at it. */
  #undeserializable(batch: FetchedBatch, offset: number, error: unknown): never {
    this.#host.subscriptions.invalidate(batch)
    this.#host.logger.error(`The record at offset ${offset} of ${formatTopicPartition(batch)} cannot be deserialized; the consumer stops at it `
      + '(fix the data or the deserializer, or set deserializationErrorHandler to skip it or send it to a dead-letter topic)', { cause: String(error) })
    throw error
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
