/**
 * Errors of the streams layer: a closed list of `STREAMS_…` codes, each with whether it is
 * retriable by default. Messages say what failed, where (application, task, processor, store,
 * topic-partition-offset) and what to do.
 */
import { CreekError, type CreekErrorOptions } from '../core/index.ts'

export const STREAMS_ERROR_CODES = {
  /** A topology that cannot run: unknown store or node, a cycle, a name used twice, no source. */
  STREAMS_INVALID_TOPOLOGY: false,
  /** Bad options for an application, a store or a DSL call. */
  STREAMS_INVALID_CONFIG: false,
  /** Co-partitioned input topics have different partition counts. */
  STREAMS_COPARTITIONING: false,
  /** A user function or processor threw while processing a record. */
  STREAMS_PROCESSING: false,
  /** A record's event time is invalid (negative) and the timestamp extractor fails on it. */
  STREAMS_INVALID_TIMESTAMP: false,
  /** An input record's key or value could not be deserialized. */
  STREAMS_DESERIALIZATION: false,
  /** An output record could not be serialized or produced. */
  STREAMS_PRODUCTION: false,
  /** A state store failed (open, read, write, flush, restore). */
  STREAMS_STATE_STORE: false,
  /** A store was used after it was closed, or before its task was running. */
  STREAMS_INVALID_STATE_STORE: true,
  /** An operation not allowed in the application's or task's current state. */
  STREAMS_ILLEGAL_STATE: false,
  /** A task's local state is inconsistent with its changelog; it must be wiped and restored. */
  STREAMS_TASK_CORRUPTED: true,
  /** The application was closed. */
  STREAMS_CLOSED: false,
} as const satisfies Record<string, boolean>

export type StreamsErrorCode = keyof typeof STREAMS_ERROR_CODES

export class StreamsError extends CreekError {
  readonly code: StreamsErrorCode

  constructor(code: StreamsErrorCode, message: string, options: CreekErrorOptions = {}) {
    super(message, STREAMS_ERROR_CODES[code], options)
    this.code = code
  }
}
