/**
 * The producer's options: Kafka's producer configs in camelCase (`linger.ms` → `lingerMs`),
 * their defaults in one place, and their validation when a producer is built. Every problem is
 * a `CORE_INVALID_CONFIG` error naming the option, the value and what is allowed.
 */
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { type CompressionName, type CompressionType, parseCompressionType } from '../protocol/compression/codecs.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import type { Partitioner } from './partitioners.ts'

/** `acks`: 0 (no response), 1 (leader), −1 or 'all' (all in-sync replicas). */
export type Acks = 0 | 1 | -1 | 'all'

export type { CompressionName }

export interface ProducerOptions {
  /** Names this producer in logs (default `creek-producer-<n>`). */
  readonly clientId?: string
  /** Default −1 ('all'). */
  readonly acks?: Acks
  /** How long a batch waits for more records before it is sent (default 5). */
  readonly lingerMs?: number
  /** Target bytes of records per partition batch (default 16384). */
  readonly batchSize?: number
  /** Bytes of records not yet acknowledged before `send` waits (default 33554432). */
  readonly bufferMemory?: number
  /** Largest Produce request, and so largest record (default 1048576). */
  readonly maxRequestSize?: number
  /** Codec of the batches (default 'none'). */
  readonly compression?: CompressionName
  /** How long to wait for a Produce response (default 30000). */
  readonly requestTimeoutMs?: number
  /** Upper bound from a batch's creation to its success or failure, retries included (default 120000). */
  readonly deliveryTimeoutMs?: number
  /** Retries of a batch after a retriable error (default Infinity: bounded by deliveryTimeoutMs). */
  readonly retries?: number
  /** First backoff between retries (default 100). */
  readonly retryBackoffMs?: number
  /** Cap of the exponential backoff (default 1000). */
  readonly retryBackoffMaxMs?: number
  /** Produce requests in flight per broker (default 5). */
  readonly maxInFlightRequestsPerConnection?: number
  /** Chooses partitions of records without one (default: murmur2 for keys, sticky otherwise). */
  readonly partitioner?: Partitioner
  /** Age after which metadata is refreshed (default 300000). */
  readonly metadataMaxAgeMs?: number
  /** Let Metadata requests create missing topics (default true, Kafka's `allow.auto.create.topics`). */
  readonly allowAutoTopicCreation?: boolean
  /**
   * A cluster view shared with other clients (its own max age and auto-creation settings then
   * apply); by default the producer makes its own from `metadataMaxAgeMs` and `allowAutoTopicCreation`.
   */
  readonly metadata?: ClusterMetadata
  readonly logger?: Logger
}

/** The options after defaults and validation. */
export interface ProducerConfig {
  readonly clientId: string
  /** −1, 0 or 1, as sent on the wire. */
  readonly acks: -1 | 0 | 1
  readonly lingerMs: number
  readonly batchSize: number
  readonly bufferMemory: number
  readonly maxRequestSize: number
  readonly compression: CompressionType
  readonly requestTimeoutMs: number
  readonly deliveryTimeoutMs: number
  readonly retries: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly maxInFlightRequestsPerConnection: number
  readonly partitioner: Partitioner | undefined
  readonly metadataMaxAgeMs: number
  readonly allowAutoTopicCreation: boolean
}

export const PRODUCER_DEFAULTS = {
  acks: -1,
  lingerMs: 5,
  batchSize: 16_384,
  bufferMemory: 33_554_432,
  maxRequestSize: 1_048_576,
  compression: 'none',
  requestTimeoutMs: 30_000,
  deliveryTimeoutMs: 120_000,
  retries: Infinity,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  maxInFlightRequestsPerConnection: 5,
  metadataMaxAgeMs: 300_000,
  allowAutoTopicCreation: true,
} as const

const KNOWN_OPTIONS = new Set<string>([
  ...Object.keys(PRODUCER_DEFAULTS), 'clientId', 'partitioner', 'metadata', 'logger',
])

const INT32_MAX = 0x7fff_ffff
let producerCount = 0

function invalid(message: string): CoreError {
  return new CoreError('CORE_INVALID_CONFIG', `Invalid producer option ${message}`)
}

/** An integer option in [min, max] (Infinity allowed when `max` is Infinity). */
function integer(name: string, value: unknown, min: number, max = INT32_MAX): number {
  const ok = typeof value === 'number' && value >= min && value <= max && (Number.isInteger(value) || value === Infinity)
  if (!ok) throw invalid(`${name}: ${String(value)} is not an integer in [${min}, ${max}]`)
  return value
}

/** Applies defaults and validates; throws CORE_INVALID_CONFIG on the first problem. */
export function resolveProducerConfig(options: ProducerOptions = {}): ProducerConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw invalid(`'${key}': unknown (known options: ${[...KNOWN_OPTIONS].join(', ')})`)
  }
  const o = { ...PRODUCER_DEFAULTS, ...stripUndefined(options) }
  const acks = o.acks === 'all' ? -1 : o.acks
  if (acks !== 0 && acks !== 1 && acks !== -1) throw invalid(`acks: ${String(o.acks)}; use 0, 1, -1 or 'all'`)
  let compression: CompressionType
  try {
    compression = parseCompressionType(o.compression as string)
  } catch (cause) {
    throw invalid(`compression: ${(cause as Error).message}`)
  }
  const lingerMs = integer('lingerMs', o.lingerMs, 0)
  const requestTimeoutMs = integer('requestTimeoutMs', o.requestTimeoutMs, 1)
  let deliveryTimeoutMs = integer('deliveryTimeoutMs', o.deliveryTimeoutMs, 1, Number.MAX_SAFE_INTEGER)
  if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
    // As Kafka: an explicit value must leave room for one linger and one request; a default grows.
    if (options.deliveryTimeoutMs !== undefined) {
      throw invalid(`deliveryTimeoutMs: ${deliveryTimeoutMs} must be ≥ lingerMs + requestTimeoutMs (${lingerMs + requestTimeoutMs})`)
    }
    deliveryTimeoutMs = lingerMs + requestTimeoutMs
  }
  const retryBackoffMs = integer('retryBackoffMs', o.retryBackoffMs, 0)
  const partitioner = o.partitioner
  if (partitioner !== undefined && typeof partitioner !== 'function') {
    throw invalid(`partitioner: expected a function (record, numPartitions) => partition, got ${typeof partitioner}`)
  }
  if (typeof o.allowAutoTopicCreation !== 'boolean') throw invalid(`allowAutoTopicCreation: expected a boolean`)
  const clientId = o.clientId ?? `creek-producer-${++producerCount}`
  if (typeof clientId !== 'string' || clientId.length === 0) throw invalid('clientId: expected a non-empty string')
  return {
    clientId,
    acks,
    lingerMs,
    batchSize: integer('batchSize', o.batchSize, 0),
    bufferMemory: integer('bufferMemory', o.bufferMemory, 1, Number.MAX_SAFE_INTEGER),
    maxRequestSize: integer('maxRequestSize', o.maxRequestSize, 1),
    compression,
    requestTimeoutMs,
    deliveryTimeoutMs,
    retries: integer('retries', o.retries, 0, Infinity),
    retryBackoffMs,
    retryBackoffMaxMs: Math.max(retryBackoffMs, integer('retryBackoffMaxMs', o.retryBackoffMaxMs, 0)),
    maxInFlightRequestsPerConnection: integer('maxInFlightRequestsPerConnection', o.maxInFlightRequestsPerConnection, 1),
    partitioner,
    metadataMaxAgeMs: integer('metadataMaxAgeMs', o.metadataMaxAgeMs, 0, Number.MAX_SAFE_INTEGER),
    allowAutoTopicCreation: o.allowAutoTopicCreation,
  }
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>
}
