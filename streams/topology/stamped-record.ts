/**
 * An input record prepared for processing at the head of its partition's queue (Kafka Streams'
 * `StampedRecord`): deserialized with its source's serdes and given its event time by the
 * source's timestamp extractor, so that the task can pick, among its partitions, the head with
 * the lowest event time.
 *
 * When a deserializer failed, `failure` holds what it threw (the deserialization exception
 * handler decides when the record is processed). When a deserializer answered with a promise,
 * extraction waits for it: `extracted` is false and `timestamp` is the record's own until then.
 *
 * Reuse: a partition's queue hands the object of a head that was processed back to the stamper
 * for its next head (`reset`), so that the common case (synchronous serdes) allocates nothing
 * here per record. So nothing may keep a stamped record once its record was processed; the
 * input record (`input`), which processors see as record metadata, is never reused.
 */
import type { InputRecord } from './task-runtime.ts'

export class StampedRecord {
  input: InputRecord
  /** Event time (the extractor's); the record's own timestamp while `extracted` is false. */
  timestamp: number
  /** The partition time the extractor was (or is to be) given. */
  partitionTime: number
  /** Deserialized key and value (promises while `extracted` is false after asynchronous serdes). */
  key: unknown
  value: unknown
  extracted: boolean
  failed: boolean
  failure: unknown

  constructor(input: InputRecord, timestamp: number, partitionTime: number, key: unknown, value: unknown, extracted: boolean, failed = false, failure: unknown = undefined) {
    this.input = input
    this.timestamp = timestamp
    this.partitionTime = partitionTime
    this.key = key
    this.value = value
    this.extracted = extracted
    this.failed = failed
    this.failure = failure
  }

  /** Makes this (processed) stamp that of another record, deserialized and extracted synchronously. */
  reset(input: InputRecord, timestamp: number, partitionTime: number, key: unknown, value: unknown): this {
    this.input = input
    this.timestamp = timestamp
    this.partitionTime = partitionTime
    this.key = key
    this.value = value
    this.extracted = true
    this.failed = false
    this.failure = undefined
    return this
  }
}
