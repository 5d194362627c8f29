/**
 * The error a consumer raises when a record's key or value cannot be deserialized, naming the
 * record (topic, partition, offset) and whether the key or the value failed.
 *
 * A deserializer is given only the topic, the bytes and the headers, so the consumer attaches
 * where the record came from. Core never imports serdes: an error that offers
 * `withRecord({ partition, offset })` (the serdes layer's `SerdesError` does) is asked for its own
 * copy with the record filled in, which keeps its type, code and schema id; any other error is
 * wrapped in a `RecordDeserializationError` (`CORE_DESERIALIZATION`, not retriable) with the
 * original as `cause`.
 */
import { CoreError, type CreekErrorOptions } from '../errors.ts'
import type { ConsumerRecord } from './completed-fetch.ts'

/** Where the failing record is, and which part of it failed. */
export interface RecordDeserializationContext {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** True when the key failed, false for the value. */
  readonly isKey: boolean
}

/** A record that cannot be deserialized (Kafka's `RecordDeserializationException`). */
export class RecordDeserializationError extends CoreError {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly isKey: boolean

  constructor(context: RecordDeserializationContext, message: string, options: CreekErrorOptions = {}) {
    super('CORE_DESERIALIZATION', message, options)
    this.topic = context.topic
    this.partition = context.partition
    this.offset = context.offset
    this.isKey = context.isKey
  }
}

interface WithRecord {
  withRecord(record: { readonly partition: number; readonly offset: number }): unknown
}

function offersWithRecord(error: unknown): error is WithRecord {
  return typeof error === 'object' && error !== null && typeof (error as Partial<WithRecord>).withRecord === 'function'
}

/** The typed error for `cause`, thrown by the key (`isKey`) or value deserializer of `record`. */
export function toDeserializationError(record: ConsumerRecord, isKey: boolean, cause: unknown): Error {
  if (offersWithRecord(cause)) {
    try {
      const attached = cause.withRecord({ partition: record.partition, offset: record.offset })
      if (attached instanceof Error) return attached
    } catch {
      // A withRecord that fails is no reason to lose the original: wrap it below.
    }
  }
  const reason = cause instanceof Error ? cause.message : String(cause)
  const part = isKey ? 'key' : 'value'
  return new RecordDeserializationError(
    { topic: record.topic, partition: record.partition, offset: record.offset, isKey },
    `Cannot deserialize the ${part} of the record at topic '${record.topic}', partition ${record.partition}, offset ${record.offset}: `
    + `${reason}. Fix the data or the ${part} deserializer, or set the `
    + `consumer's deserializationErrorHandler to skip such records or send them to a dead-letter topic`,
    { cause },
  )
}
