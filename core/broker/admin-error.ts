/**
 * Failures of one resource (topic, partition, config resource) inside an admin request. Admin
 * APIs answer per resource, so validation helpers throw an `AdminError` (a Kafka error code and
 * the text for the response's errorMessage) and handlers turn whatever was thrown into the
 * `{ errorCode, errorMessage }` pair of that resource with `failureOf`.
 */
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { ErrorCode, KafkaApiError, errorInfo, toKafkaErrorCode } from '../protocol/error-codes.ts'

/** A Kafka error code for one resource, with the message the client is shown. */
export class AdminError extends KafkaApiError {
  /** The errorMessage put in the response (without the code prefix of `message`). */
  readonly detail: string

  constructor(errorCode: number, detail: string) {
    super(errorCode, detail)
    this.detail = detail
  }
}

export interface AdminFailure {
  readonly errorCode: number
  readonly errorMessage: string
}

/**
 * The error code and message to answer for `error`. Creek's own errors keep their message;
 * anything that maps to UNKNOWN_SERVER_ERROR is logged and answered with Kafka's generic text,
 * so that internals (paths, stack details) do not leak to clients.
 */
export function failureOf(error: unknown, logger: Logger, context: string): AdminFailure {
  if (error instanceof AdminError) return { errorCode: error.errorCode, errorMessage: error.detail }
  const errorCode = toKafkaErrorCode(error)
  if (errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) {
    logger.error(`${context} failed`, { cause: String(error) })
    return { errorCode, errorMessage: errorInfo(errorCode)!.message }
  }
  return { errorCode, errorMessage: error instanceof CoreError ? error.message : String(error) }
}
