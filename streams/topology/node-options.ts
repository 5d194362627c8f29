/**
 * Options of source and sink nodes and the user functions they take (Kafka Streams'
 * `TimestampExtractor`, `TopicNameExtractor`, `StreamPartitioner`, `AutoOffsetReset`).
 */
import type { Serde } from '../../serdes/index.ts'
import type { RecordMetadata } from '../processor/api.ts'
import type { TimestampExtractor } from '../processor/timestamp-extractor.ts'

/** Where a source starts when the application has no committed offset (`auto.offset.reset`). */
export type AutoOffsetReset = 'earliest' | 'latest'

export type { ConsumedRecord, TimestampExtractor, TimestampExtractorObject } from '../processor/timestamp-extractor.ts'

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
  /** Default: the application's `defaultTimestampExtractor` (the record's own timestamp). */
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
