/**
 * Options of source and sink nodes and the user functions they take (Kafka Streams'
 * `TimestampExtractor`, `TopicNameExtractor`, `StreamPartitioner`, `AutoOffsetReset`).
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import type { RecordMetadata } from '../processor/api.ts'

/** Where a source starts when the application has no committed offset (`auto.offset.reset`). */
export type AutoOffsetReset = 'earliest' | 'latest'

/** A consumed record after deserialization, as a timestamp extractor sees it. */
export interface ConsumedRecord<K = unknown, V = unknown> {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** The record's own timestamp (producer or broker time). */
  readonly timestamp: number
  readonly key: K
  readonly value: V
  readonly headers: readonly RecordHeader[]
}

/**
 * The event time of a consumed record, in ms since the epoch. `partitionTime` is the largest
 * timestamp the task has seen so far (−1 before the first record). A negative or non-finite
 * result fails the record (Kafka's `FailOnInvalidTimestamp`), through the processing exception
 * handler.
 */
export type TimestampExtractor = (record: ConsumedRecord, partitionTime: number) => number

/** Chooses a sink's topic per record. `metadata` is the input record's (null in a punctuation). */
export type TopicNameExtractor<K = unknown, V = unknown> = (key: K, value: V, metadata: RecordMetadata | null) => string

/**
 * Chooses a sink record's partition in `[0, numPartitions)`; undefined leaves it to the
 * producer's default partitioner (murmur2 of the serialized key).
 */
export type StreamPartitioner<K = unknown, V = unknown> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined

export interface SourceOptions<K = unknown, V = unknown> {
  /** Topics to read; exactly one of `topics` and `pattern`. */
  readonly topics?: readonly string[]
  /** Reads every topic whose whole name matches. */
  readonly pattern?: RegExp
  /** Default: the application's `defaultKeySerde` (bytes when none). */
  readonly keySerde?: Serde<K>
  readonly valueSerde?: Serde<V>
  /** Default: the record's own timestamp. */
  readonly timestampExtractor?: TimestampExtractor
  readonly autoOffsetReset?: AutoOffsetReset
}

export interface SinkOptions<K = unknown, V = unknown> {
  /** Default: the application's `defaultKeySerde` (bytes when none). */
  readonly keySerde?: Serde<K>
  readonly valueSerde?: Serde<V>
  readonly partitioner?: StreamPartitioner<K, V>
}

export interface GlobalStoreSourceOptions<K = unknown, V = unknown> {
  readonly topic: string
  readonly keySerde?: Serde<K>
  readonly valueSerde?: Serde<V>
  readonly timestampExtractor?: TimestampExtractor
}
