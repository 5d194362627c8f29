/**
 * Applies `productionExceptionHandler` (Kafka Streams' `ProductionExceptionHandler`) to an output
 * record the producer could not write: 'log-and-fail' (default) fails the task, 'log-and-continue'
 * drops the record with an error log, `{ deadLetterTopic }` writes the record there with
 * `__streams.errors.*` headers and goes on, a function decides.
 *
 * The context of a production failure is the record that failed: its destination topic and
 * partition (−1 when the partitioner was to choose), offset −1, and its key and value bytes.
 * A handler function that throws, or answers anything but 'continue' or 'fail', fails the task.
 */
import type { Logger, RecordHeader } from '../../core/index.ts'
import type { ExceptionHandler, FailedRecordContext, HandlerResponse } from './config.ts'

export const STREAMS_ERROR_HEADERS = Object.freeze({
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
  exceptionClassName: '__streams.errors.exception',
  exceptionMessage: '__streams.errors.message',
})

/** The headers a dead-lettered record carries after its own. */
export function deadLetterHeaders(headers: readonly RecordHeader[], context: FailedRecordContext, error: Error): RecordHeader[] {
  return [
    ...headers,
    { key: STREAMS_ERROR_HEADERS.topic, value: Buffer.from(context.topic) },
    { key: STREAMS_ERROR_HEADERS.partition, value: Buffer.from(String(context.partition)) },
    { key: STREAMS_ERROR_HEADERS.offset, value: Buffer.from(String(context.offset)) },
    { key: STREAMS_ERROR_HEADERS.exceptionClassName, value: Buffer.from(error.name) },
    { key: STREAMS_ERROR_HEADERS.exceptionMessage, value: Buffer.from(error.message) },
  ]
}

export interface DeadLetterSink {
  /** Writes to the dead-letter topic; resolves once acknowledged. */
  (topic: string, key: Buffer | null, value: Buffer | null, headers: RecordHeader[]): Promise<void>
}

/** What to do with a record that failed to be produced. Never throws: a failing handler is 'fail'. */
export async function decideProduction(
  handler: ExceptionHandler<FailedRecordContext>,
  error: Error,
  context: FailedRecordContext,
  headers: readonly RecordHeader[],
  deps: { readonly logger: Logger; readonly deadLetter: DeadLetterSink },
): Promise<HandlerResponse> {
  const where = { topic: context.topic, partition: context.partition, cause: String(error) }
  if (handler === 'log-and-fail') {
    deps.logger.error('An output record could not be produced; the task fails (productionExceptionHandler: log-and-fail)', where)
    return 'fail'
  }
  if (handler === 'log-and-continue') {
    deps.logger.error('An output record could not be produced and is dropped (productionExceptionHandler: log-and-continue)', where)
    return 'continue'
  }
  if (typeof handler === 'function') {
    try {
      const response = await handler(error, context)
      if (response === 'continue' || response === 'fail') return response
      deps.logger.error(`productionExceptionHandler answered ${String(response)}, not 'continue' or 'fail'; the task fails`, where)
    } catch (handlerError) {
      deps.logger.error('productionExceptionHandler threw; the task fails', { ...where, handlerError: String(handlerError) })
    }
    return 'fail'
  }
  try {
    await deps.deadLetter(handler.deadLetterTopic, context.key, context.value, deadLetterHeaders(headers, context, error))
    deps.logger.warn(`An output record could not be produced; it went to dead-letter topic '${handler.deadLetterTopic}'`, where)
    return 'continue'
  } catch (dlqError) {
    deps.logger.error(`An output record could not be produced, nor written to dead-letter topic '${handler.deadLetterTopic}'; the task fails`, {
      ...where, deadLetterError: String(dlqError),
    })
    return 'fail'
  }
}
