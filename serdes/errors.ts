/**
 * Errors of the serdes layer.
 *
 * Every failure to turn a value into bytes or bytes into a value is a `SerdesError` naming the
 * topic, whether it was the key or the value, the schema id when one is known and, once the
 * consumer attaches them with `withRecord()`, the partition and offset of the record. None of
 * these is retriable except a registry that could not be reached: the same bytes decoded again
 * fail again.
 */
import { CreekError, type CreekErrorOptions } from '../core/index.ts'

/** The closed list of serdes error codes, each with whether it is retriable by default. */
export const SERDES_ERROR_CODES = {
  /** A value could not be encoded (wrong type for the schema, out of range, not encodable). */
  SERDES_SERIALIZATION: false,
  /** Bytes could not be decoded (truncated, trailing data, not the expected encoding). */
  SERDES_DESERIALIZATION: false,
  /** Schema-framed bytes do not start with the Confluent magic byte 0. */
  SERDES_UNKNOWN_MAGIC_BYTE: false,
  /** A value or decoded record does not satisfy its JSON Schema (or a user validation). */
  SERDES_VALIDATION: false,
  /** The registry has no schema with that id, subject or version. */
  SERDES_SCHEMA_NOT_FOUND: false,
  /** A schema does not parse, or is not of the expected type. */
  SERDES_INVALID_SCHEMA: false,
  /**
   * The writer's schema cannot be read as the reader's schema, or the schema registry refused to
   * register a schema incompatible with the subject's earlier versions (registry code 40901).
   */
  SERDES_INCOMPATIBLE_SCHEMA: false,
  /** The schema registry could not be reached or failed; repeating the call may succeed. */
  SERDES_REGISTRY_UNAVAILABLE: true,
  /** A serde was built with invalid options. */
  SERDES_INVALID_CONFIG: false,
  /**
   * The schema registry refused a request for a reason other than the ones above: an invalid
   * version, compatibility level, mode or subject, an operation the mode forbids, a version
   * still referenced, a delete in the wrong state. `registryErrorCode` says which (42202…).
   */
  SERDES_REGISTRY_REJECTED: false,
} as const satisfies Record<string, boolean>

export type SerdesErrorCode = keyof typeof SERDES_ERROR_CODES

export interface SerdesErrorOptions extends CreekErrorOptions {
  /**
   * The Confluent Schema Registry error code behind the failure (40401, 42201, 50001…), when a
   * registry answered one; kept by `withRecord` and `withContext`.
   */
  readonly registryErrorCode?: number
}

/** Where a serde failure happened; every field is optional because not every serde knows all. */
export interface SerdesErrorContext {
  readonly topic?: string
  /** True for the record key, false for the value (the subject suffix of TopicNameStrategy). */
  readonly isKey?: boolean
  readonly schemaId?: number
  readonly subject?: string
  readonly partition?: number
  readonly offset?: number
}

function describeContext(context: SerdesErrorContext): string {
  const parts: string[] = []
  if (context.topic !== undefined) parts.push(`topic "${context.topic}"`)
  if (context.partition !== undefined) parts.push(`partition ${context.partition}`)
  if (context.offset !== undefined) parts.push(`offset ${context.offset}`)
  if (context.isKey !== undefined) parts.push(context.isKey ? 'key' : 'value')
  if (context.subject !== undefined) parts.push(`subject "${context.subject}"`)
  if (context.schemaId !== undefined) parts.push(`schema id ${context.schemaId}`)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

/** An error of the serdes layer. `message` is the detail followed by the context in parentheses. */
export class SerdesError extends CreekError {
  readonly code: SerdesErrorCode
  /** What failed, without the context. */
  readonly detail: string
  readonly topic: string | undefined
  readonly isKey: boolean | undefined
  readonly schemaId: number | undefined
  readonly subject: string | undefined
  readonly partition: number | undefined
  readonly offset: number | undefined
  /** The schema registry's error code, when a registry refused the request (see SerdesErrorOptions). */
  readonly registryErrorCode: number | undefined
  readonly #options: SerdesErrorOptions

  constructor(code: SerdesErrorCode, detail: string, context: SerdesErrorContext = {}, options: SerdesErrorOptions = {}) {
    super(detail + describeContext(context), SERDES_ERROR_CODES[code], options)
    this.code = code
    this.detail = detail
    this.topic = context.topic
    this.isKey = context.isKey
    this.schemaId = context.schemaId
    this.subject = context.subject
    this.partition = context.partition
    this.offset = context.offset
    this.registryErrorCode = options.registryErrorCode
    this.#options = options
  }

  get context(): SerdesErrorContext {
    return {
      topic: this.topic, isKey: this.isKey, schemaId: this.schemaId, subject: this.subject,
      partition: this.partition, offset: this.offset,
    }
  }

  /**
   * The same error with the record's partition and offset (a deserializer is given only the
   * topic and headers; the consumer, which knows where the record came from, attaches them).
   */
  withRecord(record: { readonly partition: number; readonly offset: number }): SerdesError {
    return new SerdesError(this.code, this.detail, { ...this.context, partition: record.partition, offset: record.offset }, {
      ...this.#options,
      retriable: this.retriable,
    })
  }

  /** The same error with more context filled in (fields already set are kept). */
  withContext(context: SerdesErrorContext): SerdesError {
    const merged: Record<string, unknown> = { ...context }
    for (const [name, value] of Object.entries(this.context)) if (value !== undefined) merged[name] = value
    return new SerdesError(this.code, this.detail, merged as SerdesErrorContext, { ...this.#options, retriable: this.retriable })
  }
}

/** `error` as a SerdesError of `code` with `context`, keeping a SerdesError's own code and detail. */
export function toSerdesError(error: unknown, code: SerdesErrorCode, what: string, context: SerdesErrorContext): SerdesError {
  if (error instanceof SerdesError) return error.withContext(context)
  const reason = error instanceof Error ? error.message : String(error)
  return new SerdesError(code, `${what}: ${reason}`, context, { cause: error })
}
