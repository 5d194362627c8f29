/**
 * Error handling of a task's record stages (Kafka Connect's `RetryWithToleranceOperator` and
 * its reporters), configured by the connector's `errors.*` keys.
 *
 * Contracts:
 * - `execute(stage, …)` runs one stage of one record. A retriable failure (a `CreekError` with
 *   `retriable`) is retried with backoff (from 300 ms, doubling, capped at
 *   `errors.retry.delay.max.ms`, with jitter) while `errors.retry.timeout` allows (−1: forever).
 * - What still fails: with `errors.tolerance=none` a CONNECT_TASK_FAILED ("tolerance exceeded")
 *   whose cause is the stage's error, which fails the task; with `all` the record is reported and
 *   `SKIPPED` is returned. Reported means: counted, logged (always a warning; with
 *   `errors.log.enable` an error with the full context, and with `errors.log.include.messages`
 *   the record too), and for sinks with `errors.deadletterqueue.topic.name` produced to the
 *   dead-letter topic (acks=all) before `execute` returns, so a skipped record is never silent.
 *   A dead-letter send that fails fails the task.
 */
import { backoffDelay, isRetriable, type Logger, type RecordHeader, sleep } from '../../core/index.ts'
import type { SourceRecord } from '../api/records.ts'
import { ConnectError } from '../errors.ts'
import type { ErrorsConfig } from './connector-config.ts'

export type Stage =
  | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'TASK_POLL' | 'KAFKA_PRODUCE' | 'KAFKA_CONSUME'

/** A record as it was consumed (sinks): what goes to the dead-letter topic. */
export interface RawRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headerList: readonly RecordHeader[]
  readonly timestamp: number
}

export interface ErrorContext {
  readonly stage: Stage
  /** The class (or kind) of the converter, transform or task that failed. */
  readonly className: string
  readonly error: unknown
  readonly consumed?: RawRecord
  readonly sourceRecord?: SourceRecord
}

/** Writes a failed record somewhere (a log, a dead-letter topic). */
export interface ErrorReporter {
  report(context: ErrorContext): Promise<void>
}

export const SKIPPED: unique symbol = Symbol('skipped')
export type Skipped = typeof SKIPPED

const RETRY_DELAY_MIN_MS = 300

export interface TaskIdentity {
  readonly connector: string
  readonly task: number
}

export class ToleranceOperator {
  readonly #config: ErrorsConfig
  readonly #reporters: readonly ErrorReporter[]
  readonly #logger: Logger
  readonly #id: TaskIdentity
  readonly #signal: AbortSignal | undefined
  #skipped = 0

  constructor(config: ErrorsConfig, reporters: readonly ErrorReporter[], logger: Logger, id: TaskIdentity, signal?: AbortSignal) {
    this.#config = config
    this.#reporters = reporters
    this.#logger = logger
    this.#id = id
    this.#signal = signal
  }

  /** Records skipped under `errors.tolerance=all`. */
  get skipped(): number {
    return this.#skipped
  }

  get tolerance(): ErrorsConfig['tolerance'] {
    return this.#config.tolerance
  }

  async execute<T>(
    stage: Stage,
    className: string,
    operation: () => T | Promise<T>,
    record: Pick<ErrorContext, 'consumed' | 'sourceRecord'> = {},
  ): Promise<T | Skipped> {
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation()
      } catch (error) {
        const timeout = this.#config.retryTimeoutMs
        const delay = Math.max(RETRY_DELAY_MIN_MS, backoffDelay(attempt, { initialBackoffMs: RETRY_DELAY_MIN_MS, maxBackoffMs: this.#config.retryDelayMaxMs }))
        const withinBudget = timeout === -1 || Date.now() - started + delay <= timeout
        if (isRetriable(error) && timeout !== 0 && withinBudget && !this.#signal?.aborted) {
          this.#logger.debug(`Retrying stage ${stage} of task ${this.#id.connector}-${this.#id.task} in ${delay} ms`, { cause: String(error) })
          await sleep(delay, this.#signal).catch(() => undefined)
          continue
        }
        return this.#fail({ stage, className, error, ...record })
      }
    }
  }

  /** Reports a failure (tolerance `all`) or throws the task's failure (`none`). */
  async #fail(context: ErrorContext): Promise<Skipped> {
    if (this.#config.tolerance === 'none') {
      throw new ConnectError('CONNECT_TASK_FAILED', `Tolerance exceeded in error handler: task ${this.#id.connector}-${this.#id.task} failed in stage ${context.stage} (${context.className})${where(context)}: ${messageOf(context.error)}`, { cause: context.error })
    }
    await this.report(context)
    return SKIPPED
  }

  /** Counts, logs and dead-letters a record that is skipped (also the errant record reporter's path). */
  async report(context: ErrorContext): Promise<void> {
    this.#skipped++
    const id = `${this.#id.connector}-${this.#id.task}`
    if (this.#config.logEnable) {
      const fields: Record<string, unknown> = { connector: this.#id.connector, task: this.#id.task, stage: context.stage, class: context.className, error: messageOf(context.error) }
      if (this.#config.logIncludeMessages) fields.record = describeRecord(context)
      this.#logger.error(`Error encountered in task ${id}: stage '${context.stage}' with class '${context.className}'${where(context)}; the record is skipped (errors.tolerance=all)`, fields)
    } else {
      this.#logger.warn(`Task ${id} skipped a record${where(context)} that failed in stage ${context.stage}: ${messageOf(context.error)} (errors.tolerance=all; errors.log.enable=true logs details)`)
    }
    for (const reporter of this.#reporters) await reporter.report(context)
  }
}

function where(context: ErrorContext): string {
  if (context.consumed) return ` at ${context.consumed.topic}-${context.consumed.partition} offset ${context.consumed.offset}`
  if (context.sourceRecord) return ` for source partition ${JSON.stringify(context.sourceRecord.sourcePartition)} offset ${JSON.stringify(context.sourceRecord.sourceOffset)}`
  return ''
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function describeRecord(context: ErrorContext): unknown {
  const c = context.consumed
  if (c) return { topic: c.topic, partition: c.partition, offset: c.offset, timestamp: c.timestamp, key: c.key?.toString('base64') ?? null, value: c.value?.toString('base64') ?? null }
  const s = context.sourceRecord
  if (s) return { topic: s.topic, sourcePartition: s.sourcePartition, sourceOffset: s.sourceOffset, key: String(s.key), value: String(s.value) }
  return null
}
