/**
 * Timestamp extractors (Kafka Streams' `TimestampExtractor` and its built-in implementations in
 * `org.apache.kafka.streams.processor`): what gives a consumed record its event time.
 *
 * ```ts
 * new CreekStreams(topology, { creek, applicationId, defaultTimestampExtractor: new LogAndSkipOnInvalidTimestamp() })
 * builder.stream('clicks', Consumed.with(k, v).withTimestampExtractor((record) => (record.value as Click).at))
 * ```
 *
 * An extractor is a function `(record, partitionTime) => ms`, or an object with `extract` of
 * that signature (Kafka's classes). `partitionTime` is the largest timestamp extracted so far
 * from the record's partition (−1 before the first, or as committed before a restart).
 *
 * Contract (the task applies it when a record reaches the head of its partition's queue, before
 * it competes with the other partitions of the task for processing):
 * - A negative or non-finite result drops the record: logged as a warning and counted in the
 *   task's `dropped-records` metric (this is how `LogAndSkipOnInvalidTimestamp` skips).
 * - An extractor that throws fails the task (Kafka: a fatal user-code error; exception
 *   handlers are not asked). `FailOnInvalidTimestamp` throws STREAMS_INVALID_TIMESTAMP naming
 *   the topic, partition and offset.
 *
 * The default (`default.timestamp.extractor`) is `FailOnInvalidTimestamp`: the record's own
 * timestamp (producer CreateTime or broker LogAppendTime).
 */
import type { RecordHeader } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'

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

/** Kafka's `TimestampExtractor` interface, for extractors written as classes. */
export interface TimestampExtractorObject {
  extract(record: ConsumedRecord, partitionTime: number): number
}

/** The event time of a consumed record, in ms since the epoch (see the module comment). */
export type TimestampExtractor = ((record: ConsumedRecord, partitionTime: number) => number) | TimestampExtractorObject

/**
 * Base of the extractors that take the record's own timestamp (Kafka's
 * `ExtractRecordMetadataTimestamp`): a valid one (>= 0) is returned as is, an invalid one goes
 * to `onInvalidTimestamp`. Subclass it to decide what an invalid timestamp becomes.
 */
export abstract class ExtractRecordMetadataTimestamp implements TimestampExtractorObject {
  extract(record: ConsumedRecord, partitionTime: number): number {
    const timestamp = record.timestamp
    if (timestamp < 0) return this.onInvalidTimestamp(record, timestamp, partitionTime)
    return timestamp
  }

  abstract onInvalidTimestamp(record: ConsumedRecord, recordTimestamp: number, partitionTime: number): number
}

/** The default: the record's timestamp; a negative one fails the task (STREAMS_INVALID_TIMESTAMP). */
export class FailOnInvalidTimestamp extends ExtractRecordMetadataTimestamp {
  onInvalidTimestamp(record: ConsumedRecord, recordTimestamp: number): number {
    throw new StreamsError(
      'STREAMS_INVALID_TIMESTAMP',
      `Input record of ${record.topic}-${record.partition} at offset ${record.offset} has an invalid (negative) timestamp ${recordTimestamp}; ` +
        'it was probably written without a timestamp. Use another timestamp extractor (LogAndSkipOnInvalidTimestamp, ' +
        'UsePartitionTimeOnInvalidTimestamp or your own) to process such records',
    )
  }
}

/** The record's timestamp; a record with a negative one is dropped (warning, `dropped-records`). */
export class LogAndSkipOnInvalidTimestamp extends ExtractRecordMetadataTimestamp {
  onInvalidTimestamp(_record: ConsumedRecord, recordTimestamp: number): number {
    // Returned as is: the task drops records with a negative timestamp, logs and counts them.
    return recordTimestamp
  }
}

/**
 * The record's timestamp; a negative one is replaced by the partition time (the largest
 * timestamp of the partition so far). Fails the task (STREAMS_INVALID_TIMESTAMP) when the
 * partition has no time yet.
 */
export class UsePartitionTimeOnInvalidTimestamp extends ExtractRecordMetadataTimestamp {
  onInvalidTimestamp(record: ConsumedRecord, recordTimestamp: number, partitionTime: number): number {
    if (partitionTime < 0) {
      throw new StreamsError(
        'STREAMS_INVALID_TIMESTAMP',
        `Could not infer a timestamp for the record of ${record.topic}-${record.partition} at offset ${record.offset} ` +
          `(its own is ${recordTimestamp}): the partition time is unknown (no valid record before it). Use another timestamp extractor`,
      )
    }
    return partitionTime
  }
}

/** Processing time: the wall-clock time when the record is extracted (Kafka's `WallclockTimestampExtractor`). */
export class WallclockTimestampExtractor implements TimestampExtractorObject {
  extract(): number {
    return Date.now()
  }
}

/** Calls an extractor of either form. */
export function extractTimestamp(extractor: TimestampExtractor, record: ConsumedRecord, partitionTime: number): number {
  return typeof extractor === 'function' ? extractor(record, partitionTime) : extractor.extract(record, partitionTime)
}

/** Whether `value` is a timestamp extractor (for option validation). */
export function isTimestampExtractor(value: unknown): value is TimestampExtractor {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as TimestampExtractorObject).extract === 'function')
}

/** A name for `describe()` and log lines. */
export function extractorName(extractor: TimestampExtractor): string {
  if (typeof extractor === 'function') return extractor.name || 'anonymous'
  return extractor.constructor?.name || 'anonymous'
}
