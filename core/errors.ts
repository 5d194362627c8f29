/**
 * Errors of the core layer.
 *
 * Every error Creek throws on purpose is a `CreekError`: it carries a `code` from a closed list,
 * a `retriable` flag that says whether repeating the same call may succeed, and an optional
 * `cause`. Each layer (core, serdes, streams, connect) extends `CreekError` with its own code
 * list; unknown errors (anything that is not a `CreekError`) are never retried.
 *
 * Messages say what happened, to what (topic, partition, offset, file), and what to do.
 */

export interface CreekErrorOptions {
  readonly cause?: unknown
  /** Overrides the default retriability of the code. */
  readonly retriable?: boolean
}

export abstract class CreekError extends Error {
  abstract readonly code: string
  readonly retriable: boolean

  constructor(message: string, retriable: boolean, options: CreekErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.retriable = options.retriable ?? retriable
  }

  override get name(): string {
    return this.constructor.name
  }
}

/**
 * The closed list of core error codes, each with whether it is retriable by default.
 * Kafka protocol error codes map onto these in `core/protocol/error-codes.ts`.
 */
export const CORE_ERROR_CODES = {
  /** A record batch failed validation: bad magic, CRC mismatch, inconsistent counts, truncated. */
  CORE_CORRUPT_RECORD: false,
  /** A record or batch is larger than the configured limit (`max.message.bytes`, `segment.bytes`). */
  CORE_RECORD_TOO_LARGE: false,
  /** The compression codec id is unknown or not usable. */
  CORE_UNSUPPORTED_COMPRESSION: false,
  /** The batch format (magic) is not record batch v2. */
  CORE_UNSUPPORTED_FORMAT: false,
  /** A requested offset is before the log start offset or past the log end offset. */
  CORE_OFFSET_OUT_OF_RANGE: false,
  /** A configuration key or value is invalid. */
  CORE_INVALID_CONFIG: false,
  /** A topic name breaks Kafka's naming rules. */
  CORE_INVALID_TOPIC: false,
  /** The topic or partition does not exist. */
  CORE_UNKNOWN_TOPIC_OR_PARTITION: true,
  /** The topic already exists. */
  CORE_TOPIC_ALREADY_EXISTS: false,
  /** The data directory is held by another process or another open instance. */
  CORE_DATA_DIR_LOCKED: false,
  /** A file could not be read or written (disk full, permissions, I/O error). */
  CORE_STORAGE_IO: false,
  /** The log or log manager has been closed. */
  CORE_CLOSED: false,
  /** An argument passed to an API is invalid (wrong type, out of range). */
  CORE_INVALID_ARGUMENT: false,
  /** A wire-protocol frame could not be decoded. */
  CORE_PROTOCOL: false,
  /** A connection could not be made, was lost, or a request timed out on the network. */
  CORE_NETWORK: true,
  /**
   * A consumed record's key or value could not be deserialized (and was not skipped or sent to a
   * dead-letter topic); the same bytes fail again, so it is not retriable.
   */
  CORE_DESERIALIZATION: false,
  /**
   * A Kafka broker (or Creek's) answered with a protocol error code; `KafkaApiError` in
   * `core/protocol/error-codes.ts` carries the code, and whether it is retriable comes from Kafka's table.
   */
  CORE_KAFKA_ERROR: false,
} as const satisfies Record<string, boolean>

export type CoreErrorCode = keyof typeof CORE_ERROR_CODES

/** An error of the core layer (protocol, storage, broker, server, clients). */
export class CoreError extends CreekError {
  readonly code: CoreErrorCode

  constructor(code: CoreErrorCode, message: string, options: CreekErrorOptions = {}) {
    super(message, CORE_ERROR_CODES[code], options)
    this.code = code
  }
}

/** True when `error` is a Creek error that may succeed if the same call is repeated. */
export function isRetriable(error: unknown): boolean {
  return error instanceof CreekError && error.retriable
}
