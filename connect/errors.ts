/**
 * Errors of the connect layer: a closed list of `CONNECT_…` codes, each with whether it is
 * retriable by default (Kafka Connect's `RetriableException` is a CONNECT_RETRIABLE error).
 * Messages say what failed, where (connector, task, topic-partition-offset, config key) and what
 * to do.
 */
import { CreekError, type CreekErrorOptions } from '../core/index.ts'

export const CONNECT_ERROR_CODES = {
  /** A connector, task, converter or transform config is invalid (names the key and the value). */
  CONNECT_INVALID_CONFIG: false,
  /** Data does not match its schema, or a conversion between schema types is impossible. */
  CONNECT_DATA: false,
  /** A converter could not turn bytes into Connect data or back. */
  CONNECT_CONVERSION: false,
  /** A transform failed on a record. */
  CONNECT_TRANSFORM: false,
  /** A task asks for the same work to be done again later (Kafka Connect's RetriableException). */
  CONNECT_RETRIABLE: true,
  /** A connector or task failed. */
  CONNECT_TASK_FAILED: false,
  /** No connector, task or plugin with that name. */
  CONNECT_NOT_FOUND: false,
  /** An operation not allowed in the current state (e.g. editing offsets of a running connector). */
  CONNECT_ILLEGAL_STATE: false,
  /** The request conflicts with what exists (a connector of that name) or is under way (a rebalance). */
  CONNECT_CONFLICT: false,
  /** Offsets could not be read or written. */
  CONNECT_OFFSET_STORAGE: true,
} as const satisfies Record<string, boolean>

export type ConnectErrorCode = keyof typeof CONNECT_ERROR_CODES

export class ConnectError extends CreekError {
  readonly code: ConnectErrorCode

  constructor(code: ConnectErrorCode, message: string, options: CreekErrorOptions = {}) {
    super(message, CONNECT_ERROR_CODES[code], options)
    this.code = code
  }
}
