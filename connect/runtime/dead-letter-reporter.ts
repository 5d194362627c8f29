/**
 * The dead-letter queue of sink connectors (Kafka Connect's `DeadLetterQueueReporter`): a record
 * that failed conversion, a transform, or that the task reported through its errant record
 * reporter is produced, with its original key, value and headers, to
 * `errors.deadletterqueue.topic.name` (acks=all; the topic is created when missing). With
 * `errors.deadletterqueue.context.headers.enable` it also carries Kafka's context headers, all
 * UTF-8 strings:
 * `__connect.errors.{topic, partition, offset, connector.name, task.id, stage, class.name,
 * exception.class.name, exception.message, exception.stacktrace}`.
 */
import type { Creek, Logger, Producer, RecordHeader } from '../../core/index.ts'
import type { ErrorContext, ErrorReporter, TaskIdentity } from './error-handler.ts'

export const DLQ_HEADER_PREFIX = '__connect.errors.'

export const DLQ_HEADERS = Object.freeze({
  TOPIC: `${DLQ_HEADER_PREFIX}topic`,
  PARTITION: `${DLQ_HEADER_PREFIX}partition`,
  OFFSET: `${DLQ_HEADER_PREFIX}offset`,
  CONNECTOR_NAME: `${DLQ_HEADER_PREFIX}connector.name`,
  TASK_ID: `${DLQ_HEADER_PREFIX}task.id`,
  STAGE: `${DLQ_HEADER_PREFIX}stage`,
  CLASS_NAME: `${DLQ_HEADER_PREFIX}class.name`,
  EXCEPTION_CLASS_NAME: `${DLQ_HEADER_PREFIX}exception.class.name`,
  EXCEPTION_MESSAGE: `${DLQ_HEADER_PREFIX}exception.message`,
  EXCEPTION_STACKTRACE: `${DLQ_HEADER_PREFIX}exception.stacktrace`,
})

export interface DeadLetterReporterOptions {
  readonly creek: Creek
  readonly topic: string
  readonly replicationFactor: number
  readonly contextHeaders: boolean
  readonly id: TaskIdentity
  readonly logger: Logger
}

export class DeadLetterReporter implements ErrorReporter {
  readonly #options: DeadLetterReporterOptions
  #producer: Producer | null = null
  #ready: Promise<void> | null = null
  #sent = 0

  constructor(options: DeadLetterReporterOptions) {
    this.#options = options
  }

  get sent(): number {
    return this.#sent
  }

  async report(context: ErrorContext): Promise<void> {
    const record = context.consumed
    // Only consumed records can be dead-lettered (source records have no bytes yet).
    if (record === undefined) return
    await (this.#ready ??= this.#prepare())
    const headers: RecordHeader[] = [...record.headerList]
    if (this.#options.contextHeaders) {
      const error = context.error
      const add = (key: string, value: string) => headers.push({ key, value: Buffer.from(value, 'utf8') })
      add(DLQ_HEADERS.TOPIC, record.topic)
      add(DLQ_HEADERS.PARTITION, String(record.partition))
      add(DLQ_HEADERS.OFFSET, String(record.offset))
      add(DLQ_HEADERS.CONNECTOR_NAME, this.#options.id.connector)
      add(DLQ_HEADERS.TASK_ID, String(this.#options.id.task))
      add(DLQ_HEADERS.STAGE, context.stage)
      add(DLQ_HEADERS.CLASS_NAME, context.className)
      add(DLQ_HEADERS.EXCEPTION_CLASS_NAME, error instanceof Error ? error.name : typeof error)
      add(DLQ_HEADERS.EXCEPTION_MESSAGE, error instanceof Error ? error.message : String(error))
      add(DLQ_HEADERS.EXCEPTION_STACKTRACE, error instanceof Error ? (error.stack ?? error.message) : String(error))
    }
    await this.#producer!.send({
      topic: this.#options.topic,
      acks: 'all',
      messages: [{ key: record.key, value: record.value, headers, timestamp: record.timestamp }],
    })
    this.#sent++
  }

  async #prepare(): Promise<void> {
    const { creek, topic, replicationFactor, id } = this.#options
    const admin = creek.admin({ clientId: `connector-dlq-admin-${id.connector}-${id.task}` })
    try {
      const existing = await admin.listTopics()
      if (!existing.includes(topic)) {
        // Kafka's default of 3 replicas fails on a single broker: then the broker's default.
        const create = (replicationFactor: number | undefined) => admin.createTopics([{ topic, numPartitions: 1, replicationFactor }])
        await create(replicationFactor === -1 ? undefined : replicationFactor)
          .catch(() => create(undefined))
          .catch((error: unknown) => {
            this.#options.logger.warn(`Creating the dead-letter topic '${topic}' failed; the broker may create it on first write`, { cause: String(error) })
          })
      }
    } finally {
      await admin.close()
    }
    this.#producer = creek.producer({ clientId: `connector-dlq-producer-${id.connector}-${id.task}`, acks: 'all' })
  }

  async close(): Promise<void> {
    await this.#producer?.close()
  }
}
