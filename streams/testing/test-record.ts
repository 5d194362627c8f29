/**
 * `TestRecord`: a record as the test driver's input and output topics show it (Kafka Streams'
 * `TestRecord`): key, value, timestamp and headers.
 */
import type { RecordHeader } from '../../core/index.ts'

export interface TestRecord<K, V> {
  readonly key: K | null
  readonly value: V | null
  /** Ms since the epoch; omitted on input: the input topic's current time. */
  readonly timestamp?: number
  readonly headers?: readonly RecordHeader[]
}

/** What the driver captured for an output topic: the raw record. */
export interface CapturedRecord {
  readonly topic: string
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
  readonly timestamp: number
  /** The partition the sink chose, if any (the driver runs every task on partition 0). */
  readonly partition: number | undefined
}

/** A record ready to be piped, serialized. */
export interface RawInput {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
  readonly timestamp: number
}
