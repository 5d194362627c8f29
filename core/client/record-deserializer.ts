/**
 * Turns fetched records into the messages a typed consumer hands out, and applies the
 * consumer's `deserializationErrorHandler` when the key or value deserializer throws or rejects.
 *
 * Contracts:
 * - Only consumers with a key or value deserializer use this; records of consumers without
 *   one are handed out as they are, and never reach this class.
 * - A failure becomes a typed error naming topic, partition, offset and key or value
 *   (`toDeserializationError`); the handler then decides:
 *   - 'fail': the error is thrown (or the promise rejects) and the caller must stop at the record;
 *   - 'skip': a warning is logged, `skippedRecords` grows, and the result is `null` (dropped);
 *   - `{ deadLetterTopic }`: the raw key, value, headers and timestamp are produced there with
 *     `acks = all`, the partitioner choosing by key (`deadLetterMessage`), and `null` is returned
 *     once the send is acknowledged. A missing topic is created only if the broker
 *     auto-creates topics. A failed send throws, as 'fail' does, a `RecordDeserializationError` whose
 *     message has both failures and whose cause is the send error;
 *   - a function: its answer, 'fail' or 'skip'. A function that throws fails with its error; an
 *     answer that is neither is a `CORE_INVALID_ARGUMENT` failure.
 * - The dead-letter producer is made on the first dead-lettered record and closed by `close()`.
 *
 * Concurrency: single-threaded; records are handled one at a time by the caller, so sends to the
 * dead-letter topic keep the order of the source partition.
 */
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ConsumerRecord } from './completed-fetch.ts'
import type { DeserializationErrorDecision, DeserializationErrorHandler } from './consumer-config.ts'
import type { ConsumerMessage } from './consumer-runner.ts'
import { deadLetterMessage } from './dead-letter-message.ts'
import { formatTopicPartition } from './partition-map.ts'
import type { ProducerSend } from './producer-message.ts'
import { RecordDeserializationError, toDeserializationError } from './record-deserialization-error.ts'
import type { Deserializer } from './serialization.ts'

/** What the dead-letter topic needs of a producer (a `Producer` is one). */
export interface DeadLetterProducer {
  send(request: ProducerSend): Promise<readonly unknown[]>
  close(): Promise<void>
}

export interface RecordDeserializerOptions<K, V> {
  readonly key: Deserializer<K> | undefined
  readonly value: Deserializer<V> | undefined
  readonly handler: DeserializationErrorHandler
  readonly logger: Logger
  /** Makes the producer of the dead-letter topic; called once, on the first record sent there. */
  readonly deadLetterProducer: () => DeadLetterProducer
}

export class RecordDeserializer<K, V> {
  readonly #key: Deserializer<K> | undefined
  readonly #value: Deserializer<V> | undefined
  readonly #handler: DeserializationErrorHandler
  readonly #logger: Logger
  readonly #makeProducer: () => DeadLetterProducer
  #producer: DeadLetterProducer | null = null
  #skipped = 0
  #deadLettered = 0

  constructor(options: RecordDeserializerOptions<K, V>) {
    this.#key = options.key
    this.#value = options.value
    this.#handler = options.handler
    this.#logger = options.logger
    this.#makeProducer = options.deadLetterProducer
  }

  /** Records dropped because their deserialization failed ('skip', or a handler's 'skip'). */
  get skippedRecords(): number {
    return this.#skipped
  }

  /** Records sent to the dead-letter topic (acknowledged). */
  get deadLetteredRecords(): number {
    return this.#deadLettered
  }

  /**
   * The message of `record`, or null when it failed and the handler dropped it (skipped or
   * dead-lettered); throws (or rejects) when the consumer must stop at it.
   */
  deserialize(record: ConsumerRecord): ConsumerMessage<K, V> | null | Promise<ConsumerMessage<K, V> | null> {
    let message: ConsumerMessage<K, V> | Promise<ConsumerMessage<K, V>>
    try {
      message = this.#decode(record)
    } catch (error) {
      return this.#failed(error as Error, record)
    }
    return message instanceof Promise ? message.catch((error: Error) => this.#failed(error, record)) : message
  }

  /** Closes the dead-letter producer, if one was made (flushing what it holds). */
  async close(): Promise<void> {
    const producer = this.#producer
    this.#producer = null
    await producer?.close()
  }

  /** The message; throws (rejects) with the typed error of the part that failed. */
  #decode(record: ConsumerRecord): ConsumerMessage<K, V> | Promise<ConsumerMessage<K, V>> {
    let key: K | Promise<K>
    let value: V | Promise<V>
    try {
      key = this.#key === undefined ? (record.key as K) : this.#key.deserialize(record.topic, record.key, record.headerList)
    } catch (error) {
      throw toDeserializationError(record, true, error)
    }
    try {
      value = this.#value === undefined ? (record.value as V) : this.#value.deserialize(record.topic, record.value, record.headerList)
    } catch (error) {
      if (key instanceof Promise) key.catch(() => undefined) // the value's failure is the one reported
      throw toDeserializationError(record, false, error)
    }
    if (!(key instanceof Promise) && !(value instanceof Promise)) return { ...record, key, value }
    return Promise.all([
      key instanceof Promise ? key.catch((error: unknown) => { throw toDeserializationError(record, true, error) }) : key,
      value instanceof Promise ? value.catch((error: unknown) => { throw toDeserializationError(record, false, error) }) : value,
    ]).then(([k, v]) => ({ ...record, key: k, value: v }))
  }

  /** Applies the handler to a failed record: null when dropped, a throw when the consumer must fail. */
  #failed(error: Error, record: ConsumerRecord): null | Promise<null> {
    const handler = this.#handler
    if (handler === 'fail') throw error
    if (handler === 'skip') return this.#skip(error, record)
    if (typeof handler !== 'function') return this.#deadLetter(handler.deadLetterTopic, error, record)
    const decision = handler(error, record)
    return decision instanceof Promise ? decision.then((d) => this.#decide(d, error, record)) : this.#decide(decision, error, record)
  }

  #decide(decision: DeserializationErrorDecision, error: Error, record: ConsumerRecord): null {
    if (decision === 'skip') return this.#skip(error, record)
    if (decision === 'fail') throw error
    throw new CoreError('CORE_INVALID_ARGUMENT', `The consumer's deserializationErrorHandler answered ${JSON.stringify(decision) ?? String(decision)} `
      + `for the record at offset ${record.offset} of ${formatTopicPartition(record)}; it must answer 'fail' or 'skip'`, { cause: error })
  }

  #skip(error: Error, record: ConsumerRecord): null {
    this.#skipped++
    this.#logger.warn(`Skipped the record at offset ${record.offset} of ${formatTopicPartition(record)}: it cannot be deserialized`, { cause: error.message })
    return null
  }

  async #deadLetter(topic: string, error: Error, record: ConsumerRecord): Promise<null> {
    try {
      this.#producer ??= this.#makeProducer()
      await this.#producer.send({ topic, acks: -1, messages: [deadLetterMessage(record, error)] })
    } catch (sendError) {
      throw new RecordDeserializationError(
        { topic: record.topic, partition: record.partition, offset: record.offset, isKey: 'isKey' in error && error.isKey === true },
        `Sending the record at topic '${record.topic}', partition ${record.partition}, offset ${record.offset} to the dead-letter `
        + `topic '${topic}' failed (${sendError instanceof Error ? sendError.message : String(sendError)}); the consumer stops at it. It could not be `
        + `deserialized: ${error.message}`,
        { cause: sendError },
      )
    }
    this.#deadLettered++
    this.#logger.warn(`Sent the record at offset ${record.offset} of ${formatTopicPartition(record)} to dead-letter topic '${topic}': it cannot be deserialized`, { cause: error.message })
    return null
  }
}
