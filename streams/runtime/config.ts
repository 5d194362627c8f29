/**
 * Application options: Kafka Streams' configuration keys in camelCase (`commit.interval.ms` is
 * `commitIntervalMs`), with Kafka Streams' defaults, validated once by `resolveStreamsConfig`
 * (a bad value is STREAMS_INVALID_CONFIG naming the option, the value and what is valid).
 *
 * The clients the runtime makes can be tuned as Kafka Streams' `main.consumer.*` and
 * `producer.*` prefixes allow, through `consumer` and `producer`; options the runtime must own
 * (group id, auto-commit, assignors, client ids) are refused there.
 */
import type { ConsumerOptions, ProducerOptions } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import { FailOnInvalidTimestamp, isTimestampExtractor, type TimestampExtractor } from '../processor/timestamp-extractor.ts'

/** What to do with a record that failed: go on with the next one, or fail the task. */
export type HandlerResponse = 'continue' | 'fail'

/**
 * `default.deserialization.exception.handler`, `processing.exception.handler`,
 * `production.exception.handler`: 'log-and-fail' (default), 'log-and-continue', a dead-letter
 * topic (the raw record plus `__streams.errors.*` headers), or a function.
 */
export type ExceptionHandler<C> =
  | 'log-and-fail'
  | 'log-and-continue'
  | { readonly deadLetterTopic: string }
  | ((error: Error, context: C) => HandlerResponse | Promise<HandlerResponse>)

export interface FailedRecordContext {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** The processor node that failed, for processing errors. */
  readonly processorName?: string
}

/** Consumer options the application may set for its stream threads' and restore consumers. */
export type StreamsConsumerOptions = Omit<ConsumerOptions,
  'groupId' | 'groupInstanceId' | 'clientId' | 'enableAutoCommit' | 'autoCommitIntervalMs' | 'partitionAssignors' | 'deserializationErrorHandler'>

/** Producer options the application may set for its stream threads' producers. */
export type StreamsProducerOptions = Omit<ProducerOptions, 'clientId' | 'metadata' | 'logger' | 'partitioner'>

/** Consumer keys the runtime owns (see `StreamsConsumerOptions`). */
const RESERVED_CONSUMER_OPTIONS = [
  'groupId', 'groupInstanceId', 'clientId', 'enableAutoCommit', 'autoCommitIntervalMs', 'partitionAssignors', 'deserializationErrorHandler',
] as const
const RESERVED_PRODUCER_OPTIONS = ['clientId', 'metadata', 'logger', 'partitioner'] as const

export interface StreamsOptions {
  /** `application.id`: consumer group id, prefix of internal topics and of the state directory. */
  readonly applicationId: string
  /** `state.dir` (default `<os tmpdir>/creek-streams`). */
  readonly stateDir?: string
  /** `commit.interval.ms` (default 30000, as Kafka Streams at-least-once). */
  readonly commitIntervalMs?: number
  /** `statestore.cache.max.bytes` (default 10 MiB), shared by the caches of one instance. */
  readonly cacheMaxBytes?: number
  /** `buffered.records.per.partition` (default 1000): above it a partition is paused. */
  readonly bufferedRecordsPerPartition?: number
  /** `num.stream.threads` (default 1): concurrent consumers in this process. */
  readonly numStreamThreads?: number
  /** `default.key.serde` / `default.value.serde` (default: bytes). */
  readonly defaultKeySerde?: Serde<unknown>
  readonly defaultValueSerde?: Serde<unknown>
  /**
   * `default.timestamp.extractor` (default `FailOnInvalidTimestamp`: the record's own
   * timestamp, failing on a negative one); a source's own extractor (`Consumed`) wins.
   */
  readonly defaultTimestampExtractor?: TimestampExtractor
  /**
   * `max.task.idle.ms` (default 0): how long a task with several input partitions waits, once
   * an empty partition is known to be caught up, for it to get records before processing the
   * others (which may then be out of event-time order). With 0 it still waits while records
   * are known to be on the broker but not fetched yet (lag > 0 or unknown); −1 never waits.
   *
   * As Kafka Streams (KIP-695), the lag is the consumer's: the last fetch response's high
   * watermark minus the position (`Consumer.currentLag`). Differences: a partition's lag
   * becoming known without records (an empty fetch) does not wake an idle thread, which looks
   * again within 500 ms; and the topology test driver counts every input as caught up (lag 0),
   * so there only the `maxTaskIdleMs` wait applies, against its mocked wall clock.
   */
  readonly maxTaskIdleMs?: number
  readonly deserializationExceptionHandler?: ExceptionHandler<FailedRecordContext>
  readonly processingExceptionHandler?: ExceptionHandler<FailedRecordContext>
  readonly productionExceptionHandler?: ExceptionHandler<FailedRecordContext>
  /** `num.standby.replicas` (default 0). */
  readonly numStandbyReplicas?: number
  /** `replication.factor` of internal topics (default 1; −1: the broker default). */
  readonly replicationFactor?: number
  /** `client.id`: prefix of the client ids of the runtime's clients (default: `applicationId`). */
  readonly clientId?: string
  /**
   * `main.consumer.*` / `restore.consumer.*`: options of the runtime's consumers (session
   * timeout, fetch sizes…). `autoOffsetReset` defaults to 'earliest', as in Kafka Streams.
   */
  readonly consumer?: StreamsConsumerOptions
  /**
   * `producer.*`: options of the stream threads' producers (linger, batch size, compression…).
   * The runtime's own defaults are acks 'all', batchSize 512 KiB and lingerMs 20 (see
   * stream-thread.ts). `bufferMemory` also bounds the output a thread lets wait for
   * acknowledgement before it stops processing (backpressure).
   */
  readonly producer?: StreamsProducerOptions
}

export interface StreamsConfig {
  readonly applicationId: string
  readonly stateDir: string
  readonly commitIntervalMs: number
  readonly cacheMaxBytes: number
  readonly bufferedRecordsPerPartition: number
  readonly numStreamThreads: number
  readonly defaultKeySerde: Serde<unknown> | null
  readonly defaultValueSerde: Serde<unknown> | null
  readonly defaultTimestampExtractor: TimestampExtractor
  readonly maxTaskIdleMs: number
  readonly deserializationExceptionHandler: ExceptionHandler<FailedRecordContext>
  readonly processingExceptionHandler: ExceptionHandler<FailedRecordContext>
  readonly productionExceptionHandler: ExceptionHandler<FailedRecordContext>
  readonly numStandbyReplicas: number
  readonly replicationFactor: number
  readonly clientId: string
  readonly consumer: StreamsConsumerOptions
  readonly producer: StreamsProducerOptions
}

export const STREAMS_DEFAULTS = {
  commitIntervalMs: 30_000,
  cacheMaxBytes: 10 * 1024 * 1024,
  bufferedRecordsPerPartition: 1000,
  numStreamThreads: 1,
  maxTaskIdleMs: 0,
  numStandbyReplicas: 0,
  replicationFactor: 1,
} as const

/** Kafka's rule for `application.id`: the characters of a topic name. */
const APPLICATION_ID = /^[a-zA-Z0-9._-]+$/

function invalid(option: string, value: unknown, expected: string): StreamsError {
  return new StreamsError('STREAMS_INVALID_CONFIG', `Invalid ${option}: ${String(value)}; expected ${expected}`)
}

function integer(option: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(option, value, `an integer >= ${min}`)
  return value
}

function handler(option: string, value: ExceptionHandler<FailedRecordContext> | undefined): ExceptionHandler<FailedRecordContext> {
  if (value === undefined) return 'log-and-fail'
  if (value === 'log-and-fail' || value === 'log-and-continue' || typeof value === 'function') return value
  if (typeof value === 'object' && value !== null && typeof value.deadLetterTopic === 'string' && value.deadLetterTopic !== '') return value
  throw invalid(option, value, "'log-and-fail', 'log-and-continue', { deadLetterTopic } or a function")
}

function clientOptions<T extends object>(option: string, value: T | undefined, reserved: readonly string[]): T {
  if (value === undefined) return Object.freeze({}) as T
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object of client options')
  for (const key of reserved) {
    if ((value as Record<string, unknown>)[key] !== undefined) throw invalid(`${option}.${key}`, (value as Record<string, unknown>)[key], 'nothing: the runtime sets it')
  }
  return Object.freeze({ ...value })
}

export function resolveStreamsConfig(options: StreamsOptions, tmpdir: string): StreamsConfig {
  if (options === null || typeof options !== 'object') throw invalid('options', options, 'an object with at least applicationId')
  const { applicationId } = options
  if (typeof applicationId !== 'string' || !APPLICATION_ID.test(applicationId)) {
    throw invalid('applicationId', applicationId, 'a non-empty string of letters, digits, ".", "_" and "-"')
  }
  if (options.stateDir !== undefined && (typeof options.stateDir !== 'string' || options.stateDir === '')) {
    throw invalid('stateDir', options.stateDir, 'a directory path')
  }
  const replicationFactor = options.replicationFactor ?? STREAMS_DEFAULTS.replicationFactor
  if (replicationFactor !== -1) integer('replicationFactor', replicationFactor, 1, 1)
  return Object.freeze({
    applicationId,
    stateDir: options.stateDir ?? `${tmpdir}/creek-streams`,
    commitIntervalMs: integer('commitIntervalMs', options.commitIntervalMs, 0, STREAMS_DEFAULTS.commitIntervalMs),
    cacheMaxBytes: integer('cacheMaxBytes', options.cacheMaxBytes, 0, STREAMS_DEFAULTS.cacheMaxBytes),
    bufferedRecordsPerPartition: integer('bufferedRecordsPerPartition', options.bufferedRecordsPerPartition, 1, STREAMS_DEFAULTS.bufferedRecordsPerPartition),
    numStreamThreads: integer('numStreamThreads', options.numStreamThreads, 1, STREAMS_DEFAULTS.numStreamThreads),
    defaultKeySerde: options.defaultKeySerde ?? null,
    defaultValueSerde: options.defaultValueSerde ?? null,
    defaultTimestampExtractor: timestampExtractor(options.defaultTimestampExtractor),
    maxTaskIdleMs: integer('maxTaskIdleMs', options.maxTaskIdleMs, -1, STREAMS_DEFAULTS.maxTaskIdleMs),
    deserializationExceptionHandler: handler('deserializationExceptionHandler', options.deserializationExceptionHandler),
    processingExceptionHandler: handler('processingExceptionHandler', options.processingExceptionHandler),
    productionExceptionHandler: handler('productionExceptionHandler', options.productionExceptionHandler),
    numStandbyReplicas: integer('numStandbyReplicas', options.numStandbyReplicas, 0, STREAMS_DEFAULTS.numStandbyReplicas),
    replicationFactor,
    clientId: resolveClientId(options.clientId, applicationId),
    consumer: clientOptions('consumer', options.consumer, RESERVED_CONSUMER_OPTIONS),
    producer: clientOptions('producer', options.producer, RESERVED_PRODUCER_OPTIONS),
  })
}

/** One shared default instance: it keeps no state. */
const FAIL_ON_INVALID_TIMESTAMP = new FailOnInvalidTimestamp()

function timestampExtractor(value: unknown): TimestampExtractor {
  if (value === undefined) return FAIL_ON_INVALID_TIMESTAMP
  if (!isTimestampExtractor(value)) throw invalid('defaultTimestampExtractor', value, 'a function (record, partitionTime) => ms or an object with extract(record, partitionTime)')
  return value
}

function resolveClientId(value: unknown, applicationId: string): string {
  if (value === undefined) return applicationId
  if (typeof value !== 'string' || value === '') throw invalid('clientId', value, 'a non-empty string')
  return value
}
