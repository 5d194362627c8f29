/**
 * Consumer options: Kafka's consumer configuration keys in camelCase (`session.timeout.ms` is
 * `sessionTimeoutMs`), with Kafka's defaults, all in `CONSUMER_DEFAULTS`. `resolveConsumerConfig`
 * validates them when the consumer is built and returns a frozen `ConsumerConfig`; a bad value
 * is a CORE_INVALID_CONFIG naming the option, the value and what is valid.
 */
import { CoreError } from '../errors.ts'
import { validateTopicName } from '../storage/topic-name.ts'
import { type PartitionAssignor, type RebalanceProtocol, rebalanceProtocolOf } from './assignors/assignor.ts'
import { CooperativeStickyAssignor } from './assignors/cooperative-sticky.ts'
import { RangeAssignor } from './assignors/range.ts'
import { RoundRobinAssignor } from './assignors/round-robin.ts'
import type { ConsumerRecord } from './completed-fetch.ts'

export type AutoOffsetReset = 'earliest' | 'latest' | 'none'
export type IsolationLevel = 'read_uncommitted' | 'read_committed'
export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky'

/** What to do with a record whose key or value cannot be deserialized. */
export type DeserializationErrorDecision = 'fail' | 'skip'

/**
 * `deserializationErrorHandler` (Kafka Streams' `deserialization.exception.handler`, Spring's
 * dead-letter publishing): 'fail' stops the consumer at the record; 'skip' drops it with a
 * warning; `{ deadLetterTopic }` produces its raw bytes there first; a function decides per
 * record, given the typed error and the raw record. See consumer.ts for the exact contract.
 */
export type DeserializationErrorHandler =
  | DeserializationErrorDecision
  | { readonly deadLetterTopic: string }
  | ((error: Error, record: ConsumerRecord) => DeserializationErrorDecision | Promise<DeserializationErrorDecision>)

export interface ConsumerOptions {
  /** `group.id`. Without it only `assign` works and offsets cannot be committed. */
  readonly groupId?: string
  /** `client.id`, sent in every request header. */
  readonly clientId?: string
  /** `group.instance.id`: static membership (KIP-345). Requires `groupId`. */
  readonly groupInstanceId?: string
  readonly sessionTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
  /** `max.poll.interval.ms`: the longest the app may take between polls before the member leaves. */
  readonly maxPollIntervalMs?: number
  /** How long the coordinator waits for members to rejoin; Kafka uses `maxPollIntervalMs`. */
  readonly rebalanceTimeoutMs?: number
  readonly autoOffsetReset?: AutoOffsetReset
  /** Default true with a `groupId`; setting it true without one is an error. */
  readonly enableAutoCommit?: boolean
  readonly autoCommitIntervalMs?: number
  readonly isolationLevel?: IsolationLevel
  readonly fetchMinBytes?: number
  readonly fetchMaxBytes?: number
  readonly maxPartitionFetchBytes?: number
  readonly fetchMaxWaitMs?: number
  /** Most records handed over at once (an `eachBatch` batch, a pull). */
  readonly maxPollRecords?: number
  /** Protocol names or assignor objects, most preferred first. */
  readonly partitionAssignors?: readonly (AssignorName | PartitionAssignor)[]
  readonly allowAutoCreateTopics?: boolean
  /** `metadata.max.age.ms`: how often a pattern subscription is re-evaluated. */
  readonly metadataMaxAgeMs?: number
  readonly retryBackoffMs?: number
  readonly retryBackoffMaxMs?: number
  /** `request.timeout.ms` for requests that are not long polls. */
  readonly requestTimeoutMs?: number
  /**
   * Bytes of fetched, not yet consumed records buffered per partition at most (Creek's bound on
   * prefetch): a partition is fetched again once its buffer has room for `maxPartitionFetchBytes`.
   * Default twice `maxPartitionFetchBytes`, so one fetch arrives while the last is consumed.
   */
  readonly maxBufferedBytesPerPartition?: number
  /**
   * `check.crcs`: check the CRC-32C of every fetched record batch (default true, as Kafka), which
   * catches corruption on the wire or on disk at the cost of one pass over the bytes. Without it a
   * corrupt batch is noticed only where its records cannot be decoded.
   */
  readonly checkCrcs?: boolean
  /** What a record that the key or value deserializer rejects does to the consumer (default 'fail'). */
  readonly deserializationErrorHandler?: DeserializationErrorHandler
}

export interface ConsumerConfig {
  readonly groupId: string | null
  readonly clientId: string
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly maxPollIntervalMs: number
  readonly rebalanceTimeoutMs: number
  readonly autoOffsetReset: AutoOffsetReset
  readonly enableAutoCommit: boolean
  readonly autoCommitIntervalMs: number
  readonly isolationLevel: IsolationLevel
  readonly fetchMinBytes: number
  readonly fetchMaxBytes: number
  readonly maxPartitionFetchBytes: number
  readonly fetchMaxWaitMs: number
  readonly maxPollRecords: number
  readonly partitionAssignors: readonly PartitionAssignor[]
  /** The protocol the assignors agree on (see `rebalanceProtocolOf`). */
  readonly rebalanceProtocol: RebalanceProtocol
  readonly allowAutoCreateTopics: boolean
  readonly metadataMaxAgeMs: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly requestTimeoutMs: number
  readonly maxBufferedBytesPerPartition: number
  readonly checkCrcs: boolean
  readonly deserializationErrorHandler: DeserializationErrorHandler
}

/** Kafka's defaults (Java consumer 3.x), in one place. */
export const CONSUMER_DEFAULTS = Object.freeze({
  clientId: 'creek-consumer',
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3000,
  maxPollIntervalMs: 300_000,
  autoOffsetReset: 'latest' as AutoOffsetReset,
  autoCommitIntervalMs: 5000,
  isolationLevel: 'read_uncommitted' as IsolationLevel,
  fetchMinBytes: 1,
  fetchMaxBytes: 52_428_800,
  maxPartitionFetchBytes: 1_048_576,
  fetchMaxWaitMs: 500,
  maxPollRecords: 500,
  partitionAssignors: Object.freeze(['range', 'cooperative-sticky'] as AssignorName[]),
  allowAutoCreateTopics: true,
  metadataMaxAgeMs: 300_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  requestTimeoutMs: 30_000,
  checkCrcs: true,
  deserializationErrorHandler: 'fail' as DeserializationErrorHandler,
})

const INT32_MAX = 2 ** 31 - 1

function invalid(option: string, value: unknown, expected: string): CoreError {
  return new CoreError('CORE_INVALID_CONFIG', `Consumer option ${option} is ${JSON.stringify(value) ?? String(value)}; expected ${expected}`)
}

function int(options: ConsumerOptions, key: keyof typeof CONSUMER_DEFAULTS & keyof ConsumerOptions, min: number, max = INT32_MAX): number {
  const value = options[key] ?? CONSUMER_DEFAULTS[key]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, value, `an integer from ${min} to ${max}`)
  }
  return value
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw invalid(key, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`)
  return value as T
}

function optionalString(key: string, value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length === 0) throw invalid(key, value, 'a non-empty string')
  return value
}

/** Builds an assignor from its Kafka protocol name (each consumer gets its own instances). */
export function assignorByName(name: AssignorName): PartitionAssignor {
  switch (name) {
    case 'range': return new RangeAssignor()
    case 'roundrobin': return new RoundRobinAssignor()
    case 'cooperative-sticky': return new CooperativeStickyAssignor()
    default: throw invalid('partitionAssignors', name, "'range', 'roundrobin', 'cooperative-sticky' or a PartitionAssignor")
  }
}

function resolveAssignors(value: ConsumerOptions['partitionAssignors']): PartitionAssignor[] {
  const list = value ?? CONSUMER_DEFAULTS.partitionAssignors
  if (!Array.isArray(list) || list.length === 0) throw invalid('partitionAssignors', value, 'a non-empty list')
  const assignors = list.map((a: AssignorName | PartitionAssignor) => (typeof a === 'string' ? assignorByName(a) : a))
  const names = new Set<string>()
  for (const a of assignors) {
    if (typeof a?.name !== 'string' || typeof a.assign !== 'function' || !Array.isArray(a.supportedProtocols)) {
      throw invalid('partitionAssignors', a, 'assignor names or objects with name, supportedProtocols and assign')
    }
    if (names.has(a.name)) throw invalid('partitionAssignors', a.name, 'each assignor once')
    names.add(a.name)
  }
  const common = (['eager', 'cooperative'] as const).filter((p) => assignors.every((a) => a.supportedProtocols.includes(p)))
  if (common.length === 0) throw invalid('partitionAssignors', [...names], 'assignors that share a rebalance protocol')
  return assignors
}

function resolveDeserializationErrorHandler(value: unknown): DeserializationErrorHandler {
  const handler = value ?? CONSUMER_DEFAULTS.deserializationErrorHandler
  if (handler === 'fail' || handler === 'skip' || typeof handler === 'function') return handler as DeserializationErrorHandler
  const expected = "'fail', 'skip', { deadLetterTopic: string } or a function (error, record) => 'fail' | 'skip'"
  if (typeof handler !== 'object' || handler === null) throw invalid('deserializationErrorHandler', handler, expected)
  const keys = Object.keys(handler)
  if (keys.length !== 1 || keys[0] !== 'deadLetterTopic') throw invalid('deserializationErrorHandler', handler, expected)
  const topic = (handler as { deadLetterTopic: unknown }).deadLetterTopic
  try {
    validateTopicName(topic)
  } catch (error) {
    throw invalid('deserializationErrorHandler.deadLetterTopic', topic, `a valid topic name (${(error as Error).message})`)
  }
  return Object.freeze({ deadLetterTopic: topic })
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'groupId', 'clientId', 'groupInstanceId', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'maxPollIntervalMs', 'rebalanceTimeoutMs',
  'autoOffsetReset', 'enableAutoCommit', 'autoCommitIntervalMs', 'isolationLevel', 'fetchMinBytes', 'fetchMaxBytes',
  'maxPartitionFetchBytes', 'fetchMaxWaitMs', 'maxPollRecords', 'partitionAssignors', 'allowAutoCreateTopics', 'metadataMaxAgeMs',
  'retryBackoffMs', 'retryBackoffMaxMs', 'requestTimeoutMs', 'maxBufferedBytesPerPartition', 'checkCrcs', 'deserializationErrorHandler',
] satisfies (keyof ConsumerOptions)[])

/** Validates `options` and fills in defaults. Throws CORE_INVALID_CONFIG on the first bad option. */
export function resolveConsumerConfig(options: ConsumerOptions = {}): ConsumerConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new CoreError('CORE_INVALID_CONFIG', `Unknown consumer option '${key}'; known options: ${[...KNOWN_OPTIONS].join(', ')}`)
    }
  }
  const groupId = options.groupId === undefined || options.groupId === null ? null : options.groupId
  if (groupId !== null && (typeof groupId !== 'string' || groupId.length === 0)) throw invalid('groupId', groupId, 'a non-empty string')
  const groupInstanceId = optionalString('groupInstanceId', options.groupInstanceId)
  if (groupInstanceId !== null && groupId === null) throw invalid('groupInstanceId', groupInstanceId, 'no value without a groupId')
  if (options.enableAutoCommit === true && groupId === null) {
    throw invalid('enableAutoCommit', true, 'false without a groupId (offsets are committed to a group)')
  }
  const sessionTimeoutMs = int(options, 'sessionTimeoutMs', 1)
  const heartbeatIntervalMs = int(options, 'heartbeatIntervalMs', 1)
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw invalid('heartbeatIntervalMs', heartbeatIntervalMs, `less than sessionTimeoutMs (${sessionTimeoutMs})`)
  }
  const maxPollIntervalMs = int(options, 'maxPollIntervalMs', 1)
  const rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? maxPollIntervalMs
  if (!Number.isInteger(rebalanceTimeoutMs) || rebalanceTimeoutMs < 1 || rebalanceTimeoutMs > INT32_MAX) {
    throw invalid('rebalanceTimeoutMs', rebalanceTimeoutMs, `an integer from 1 to ${INT32_MAX}`)
  }
  const enableAutoCommit = options.enableAutoCommit ?? groupId !== null
  if (typeof enableAutoCommit !== 'boolean') throw invalid('enableAutoCommit', enableAutoCommit, 'a boolean')
  const allowAutoCreateTopics = options.allowAutoCreateTopics ?? CONSUMER_DEFAULTS.allowAutoCreateTopics
  if (typeof allowAutoCreateTopics !== 'boolean') throw invalid('allowAutoCreateTopics', allowAutoCreateTopics, 'a boolean')
  const clientId = options.clientId ?? CONSUMER_DEFAULTS.clientId
  if (typeof clientId !== 'string') throw invalid('clientId', clientId, 'a string')
  const maxPartitionFetchBytes = int(options, 'maxPartitionFetchBytes', 1)
  const maxBufferedBytesPerPartition = options.maxBufferedBytesPerPartition ?? 2 * maxPartitionFetchBytes
  if (!Number.isInteger(maxBufferedBytesPerPartition) || maxBufferedBytesPerPartition < 1) {
    throw invalid('maxBufferedBytesPerPartition', maxBufferedBytesPerPartition, 'a positive integer')
  }
  const checkCrcs = options.checkCrcs ?? CONSUMER_DEFAULTS.checkCrcs
  if (typeof checkCrcs !== 'boolean') throw invalid('checkCrcs', checkCrcs, 'a boolean')
  const partitionAssignors = resolveAssignors(options.partitionAssignors)
  return Object.freeze({
    groupId,
    clientId,
    groupInstanceId,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs,
    rebalanceTimeoutMs,
    autoOffsetReset: oneOf('autoOffsetReset', options.autoOffsetReset ?? CONSUMER_DEFAULTS.autoOffsetReset, ['earliest', 'latest', 'none']),
    enableAutoCommit,
    autoCommitIntervalMs: int(options, 'autoCommitIntervalMs', 1),
    isolationLevel: oneOf('isolationLevel', options.isolationLevel ?? CONSUMER_DEFAULTS.isolationLevel, ['read_uncommitted', 'read_committed']),
    fetchMinBytes: int(options, 'fetchMinBytes', 0),
    fetchMaxBytes: int(options, 'fetchMaxBytes', 1),
    maxPartitionFetchBytes,
    fetchMaxWaitMs: int(options, 'fetchMaxWaitMs', 0),
    maxPollRecords: int(options, 'maxPollRecords', 1),
    partitionAssignors: Object.freeze(partitionAssignors),
    rebalanceProtocol: rebalanceProtocolOf(partitionAssignors),
    allowAutoCreateTopics,
    metadataMaxAgeMs: int(options, 'metadataMaxAgeMs', 0),
    retryBackoffMs: int(options, 'retryBackoffMs', 0),
    retryBackoffMaxMs: int(options, 'retryBackoffMaxMs', 0),
    requestTimeoutMs: int(options, 'requestTimeoutMs', 1),
    maxBufferedBytesPerPartition,
    checkCrcs,
    deserializationErrorHandler: resolveDeserializationErrorHandler(options.deserializationErrorHandler),
  })
}
