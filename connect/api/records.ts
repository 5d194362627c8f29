/**
 * Records as Kafka Connect moves them: `SourceRecord` (from a source task, with where it came
 * from) and `SinkRecord` (to a sink task, with where it was read), both `ConnectRecord`s with a
 * topic, an optional partition, key and value with their schemas, a timestamp and headers.
 * Transforms return new records (`withTopic`-style copies); records are never mutated.
 */
import type { Schema } from './schema.ts'

export interface ConnectHeader {
  readonly key: string
  readonly schema: Schema | null
  readonly value: unknown
}

export interface ConnectRecord {
  readonly topic: string
  /** null: the producer's partitioner chooses. */
  readonly kafkaPartition: number | null
  readonly keySchema: Schema | null
  readonly key: unknown
  readonly valueSchema: Schema | null
  readonly value: unknown
  /** ms since the epoch; null: the producer's time. */
  readonly timestamp: number | null
  readonly headers: readonly ConnectHeader[]
}

/** Source partition and offset maps: JSON objects, stored as JSON (keys sorted). */
export type SourceMap = Readonly<Record<string, string | number | boolean | null>>

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourceMap
  readonly sourceOffset: SourceMap
}

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number
  readonly kafkaOffset: number
  readonly timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType'
  /** Where the record was read, before any transform changed topic or partition. */
  readonly originalTopic: string
  readonly originalKafkaPartition: number
  readonly originalKafkaOffset: number
}
