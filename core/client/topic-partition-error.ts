/**
 * A Kafka error code a broker answered for one topic-partition (a Produce or Fetch partition
 * response), with the topic and partition as fields so callers need not parse the message.
 */
import { KafkaApiError } from '../protocol/error-codes.ts'

export class TopicPartitionError extends KafkaApiError {
  readonly topic: string
  readonly partition: number

  /** `detail`: the broker's error message if it sent one, else Kafka's message for the code. */
  constructor(errorCode: number, topic: string, partition: number, detail?: string | null, options: { cause?: unknown } = {}) {
    super(errorCode, undefined, options)
    this.topic = topic
    this.partition = partition
    const suffix = detail ? `: ${detail}` : ''
    this.message = `${this.message} (topic '${topic}', partition ${partition})${suffix}`
  }
}
