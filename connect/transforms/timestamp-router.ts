/**
 * `TimestampRouter` (Kafka's `org.apache.kafka.connect.transforms.TimestampRouter`): the topic
 * becomes `topic.format` (default `${topic}-${timestamp}`) with the record's timestamp formatted
 * by `timestamp.format` (default `yyyyMMdd`, a SimpleDateFormat pattern, UTC). A record without a
 * timestamp is an error.
 */
import type { ConnectRecord } from '../api/records.ts'
import { SimpleDateFormat } from './simple-date-format.ts'
import { BaseTransform, transformConfig, transformError, withChanges } from './transform-support.ts'

export class TimestampRouter<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  #topicFormat = '${topic}-${timestamp}'
  #format = new SimpleDateFormat('yyyyMMdd')

  protected definition() {
    return transformConfig()
      .define('topic.format', 'STRING', '${topic}-${timestamp}', 'HIGH', 'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.')
      .define('timestamp.format', 'STRING', 'yyyyMMdd', 'HIGH', 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#topicFormat = config['topic.format'] as string
    this.#format = new SimpleDateFormat(config['timestamp.format'] as string)
  }

  apply(record: R): R {
    if (record.timestamp === null) throw transformError('timestamp routing', record, 'Timestamp missing on record')
    const formatted = this.#format.format(new Date(record.timestamp))
    return withChanges(record, { topic: this.#topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', formatted) })
  }
}
