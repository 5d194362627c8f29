/**
 * The message a consumer writes to a dead-letter topic for a record it could not deserialize:
 * the record's raw key, value, headers and timestamp, followed by headers that say where it came
 * from and why it failed. Header names mirror Kafka Connect's `__connect.errors.*`; values are
 * UTF-8 strings (partition and offset in decimal). Headers the record already had are kept in
 * order, so a record dead-lettered twice carries both sets; the last one wins in
 * `ConsumerRecord.headers`.
 *
 * No partition is set: the producer's partitioner chooses by key, so the dead-letter topic may
 * have any number of partitions.
 */
import type { ConsumerRecord } from './completed-fetch.ts'
import type { ProducerMessage } from './producer-message.ts'

export const DEAD_LETTER_HEADERS = Object.freeze({
  topic: '__creek.errors.topic',
  partition: '__creek.errors.partition',
  offset: '__creek.errors.offset',
  exceptionClassName: '__creek.errors.exception.class.name',
  exceptionMessage: '__creek.errors.exception.message',
})

/** The dead-letter message of `record`, which failed with `error`. */
export function deadLetterMessage(record: ConsumerRecord, error: Error): ProducerMessage {
  return {
    key: record.key,
    value: record.value,
    // A record without a timestamp (−1) gets the send time: the producer takes none below 0.
    timestamp: record.timestamp >= 0 ? record.timestamp : undefined,
    headers: [
      ...record.headerList,
      { key: DEAD_LETTER_HEADERS.topic, value: record.topic },
      { key: DEAD_LETTER_HEADERS.partition, value: String(record.partition) },
      { key: DEAD_LETTER_HEADERS.offset, value: String(record.offset) },
      { key: DEAD_LETTER_HEADERS.exceptionClassName, value: error.name },
      { key: DEAD_LETTER_HEADERS.exceptionMessage, value: error.message },
    ],
  }
}
