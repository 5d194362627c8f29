/**
 * Applying the exception handlers of `StreamsConfig` to a record that failed in a task's
 * pipeline: a deserializer that threw (deserialization handler), a user function or processor
 * that threw (processing handler), a serializer or partitioner at a sink that threw
 * (production handler).
 *
 * Contract, per handler value:
 * - `'log-and-continue'`: logs a warning; the record is dropped at the node that failed (its
 *   siblings already processed it or still will, as in Kafka Streams).
 * - `'log-and-fail'`: logs an error and records a StreamsError (STREAMS_PROCESSING,
 *   STREAMS_DESERIALIZATION or STREAMS_PRODUCTION) naming the node, task and the input record's
 *   topic, partition and offset; `TaskPipeline.process` throws (or rejects with) it.
 * - `{ deadLetterTopic }`: sends the raw input record (key, value, timestamp, headers) to that
 *   topic with Kafka's `__streams.errors.*` headers (exception, message, stacktrace, topic,
 *   partition, offset) and goes on.
 * - a function: its answer decides (`'continue'` or `'fail'`); a promise holds the record
 *   until it settles; a function that throws fails the task.
 *
 * Every answer that goes on without the record ('continue', a dead-letter topic) counts one
 * more `dropped-records` for the task, as Kafka Streams does.
 *
 * Nothing here allocates unless a record failed.
 */
import type { RecordHeader } from '../../core/index.ts'
import { StreamsError, type StreamsErrorCode } from '../errors.ts'
import type { FailedRecordContext, HandlerResponse } from '../runtime/config.ts'
import type { PipelineState } from './pipeline-state.ts'

export type FailureKind = 'processing' | 'deserialization' | 'production'

const CODES: Record<FailureKind, StreamsErrorCode> = {
  processing: 'STREAMS_PROCESSING',
  deserialization: 'STREAMS_DESERIALIZATION',
  production: 'STREAMS_PRODUCTION',
}

const OPTIONS: Record<FailureKind, string> = {
  processing: 'processingExceptionHandler',
  deserialization: 'deserializationExceptionHandler',
  production: 'productionExceptionHandler',
}

/** Kafka Streams' dead-letter headers (KIP-1034). */
export const DEAD_LETTER_HEADERS = {
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  stacktrace: '__streams.errors.stacktrace',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
} as const

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

function where(state: PipelineState): string {
  const input = state.current
  if (input !== null) return `${input.topic}-${input.partition} at offset ${input.offset}`
  const punctuation = state.punctuation
  return punctuation === null ? 'outside of an input record (a cache flush)' : `a ${punctuation.type} punctuation at ${punctuation.timestamp}`
}

function describeFailure(kind: FailureKind, state: PipelineState, node: string, error: Error, detail?: string): string {
  const at = where(state)
  switch (kind) {
    case 'processing':
      return `Processor ${node} of task ${state.taskLabel} failed on the record from ${at}: ${error.message}`
    case 'deserialization':
      return `Source ${node} of task ${state.taskLabel} could not deserialize the record from ${at}: ${error.message}`
    case 'production':
      return `Sink ${node} of task ${state.taskLabel} could not write the record from ${at}${detail === undefined ? '' : ` to ${detail}`}: ${error.message}`
  }
}

/**
 * Hands a failed record to the handler configured for `kind`. `node` is the node that failed;
 * `detail` (production) names the output topic. Never throws.
 */
export function handleFailure(state: PipelineState, kind: FailureKind, thrown: unknown, node: string, detail?: string): void {
  const error = asError(thrown)
  const runtime = state.runtime
  const handler = kind === 'processing'
    ? runtime.config.processingExceptionHandler
    : kind === 'deserialization'
      ? runtime.config.deserializationExceptionHandler
      : runtime.config.productionExceptionHandler
  const message = describeFailure(kind, state, node, error, detail)
  const input = state.current
  const fields = { task: state.taskLabel, node, topic: input?.topic, partition: input?.partition, offset: input?.offset, error: error.message }

  if (handler === 'log-and-continue') {
    runtime.logger.warn(`${message}; skipping it (${OPTIONS[kind]}: log-and-continue)`, fields)
    state.metrics.recordDropped()
    return
  }
  if (handler === 'log-and-fail') {
    runtime.logger.error(`${message}; failing the task (${OPTIONS[kind]}: log-and-fail)`, fields)
    state.fail(failure(kind, message, error))
    return
  }
  if (typeof handler === 'object') {
    try {
      sendToDeadLetterTopic(state, handler.deadLetterTopic, error)
    } catch (sendError) {
      state.fail(failure('production', `${message}; and sending it to dead-letter topic ${handler.deadLetterTopic} failed: ${asError(sendError).message}`, sendError))
      return
    }
    runtime.logger.warn(`${message}; sent it to dead-letter topic ${handler.deadLetterTopic}`, fields)
    state.metrics.recordDropped()
    return
  }
  const context: FailedRecordContext = {
    topic: input?.topic ?? '',
    partition: input?.partition ?? -1,
    offset: input?.offset ?? -1,
    key: input?.key ?? null,
    value: input?.value ?? null,
    processorName: node,
  }
  let response: HandlerResponse | Promise<HandlerResponse>
  try {
    response = handler(error, context)
  } catch (handlerError) {
    state.fail(failure(kind, `${message}; and the ${OPTIONS[kind]} threw: ${asError(handlerError).message}`, handlerError))
    return
  }
  if (!(response instanceof Promise)) {
    decide(state, kind, response, message, error)
    return
  }
  const scope = state.current
  state.hold()
  response.then(
    (answer) => {
      const previous = state.enter(scope as never)
      decide(state, kind, answer, message, error)
      state.enter(previous)
      state.release()
    },
    (handlerError: unknown) => {
      state.fail(failure(kind, `${message}; and the ${OPTIONS[kind]} rejected: ${asError(handlerError).message}`, handlerError))
      state.release()
    },
  )
}

function decide(state: PipelineState, kind: FailureKind, answer: HandlerResponse, message: string, error: Error): void {
  if (answer === 'continue') {
    state.metrics.recordDropped()
    return
  }
  if (answer !== 'fail') {
    state.fail(failure(kind, `${message}; and the ${OPTIONS[kind]} answered ${String(answer)} instead of 'continue' or 'fail'`, error))
    return
  }
  state.fail(failure(kind, `${message}; the ${OPTIONS[kind]} decided to fail the task`, error))
}

function failure(kind: FailureKind, message: string, cause: unknown): StreamsError {
  return new StreamsError(CODES[kind], message, { cause })
}

function sendToDeadLetterTopic(state: PipelineState, topic: string, error: Error): void {
  const input = state.current
  if (input === null) {
    state.runtime.logger.warn(`No input record to send to dead-letter topic ${topic} (the failure happened in a cache flush)`, { task: state.taskLabel })
    return
  }
  const headers: RecordHeader[] = [
    ...input.headerList,
    { key: DEAD_LETTER_HEADERS.exception, value: Buffer.from(error.name) },
    { key: DEAD_LETTER_HEADERS.message, value: Buffer.from(error.message) },
    { key: DEAD_LETTER_HEADERS.stacktrace, value: Buffer.from(error.stack ?? `${error.name}: ${error.message}`) },
    { key: DEAD_LETTER_HEADERS.topic, value: Buffer.from(input.topic) },
    { key: DEAD_LETTER_HEADERS.partition, value: Buffer.from(String(input.partition)) },
    { key: DEAD_LETTER_HEADERS.offset, value: Buffer.from(String(input.offset)) },
  ]
  state.runtime.send(topic, input.key, input.value, headers, input.timestamp)
}
