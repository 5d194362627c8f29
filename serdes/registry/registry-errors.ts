/**
 * Confluent Schema Registry's error codes, in one table, and `RegistryError`, the SerdesError
 * the registry (embedded or over REST) fails with.
 *
 * Every registry failure carries Confluent's `error_code` (`errorCode`, also kept as
 * `registryErrorCode` through `withContext`/`withRecord`), the HTTP status the REST API answers
 * it with (`httpStatus`), and a SerdesError code for code that does not care about the registry
 * (`code`): 404xx → SERDES_SCHEMA_NOT_FOUND, 40901 → SERDES_INCOMPATIBLE_SCHEMA, 42201 →
 * SERDES_INVALID_SCHEMA, 500xx → SERDES_REGISTRY_UNAVAILABLE (retriable), the other refusals →
 * SERDES_REGISTRY_REJECTED. The message is Confluent's wording where it has one, without the
 * context suffix (`detail` is what the REST body's `message` carries).
 *
 * Besides Confluent's five-digit codes, the REST layer answers plain HTTP codes with the same
 * body shape, as Confluent's Jersey stack does: 400 (malformed JSON), 404 (unknown path), 415
 * (unsupported content type), 422 (a body of the wrong shape), 500 (unexpected failure).
 */
import { SerdesError, type SerdesErrorCode, type SerdesErrorContext } from '../errors.ts'

interface RegistryErrorInfo {
  readonly name: string
  readonly httpStatus: number
  readonly code: SerdesErrorCode
}

/** Confluent's codes (`io.confluent.kafka.schemaregistry.rest.exceptions.Errors`) and HTTP's. */
export const REGISTRY_ERRORS: Readonly<Record<number, RegistryErrorInfo>> = Object.freeze({
  400: { name: 'BAD_REQUEST', httpStatus: 400, code: 'SERDES_REGISTRY_REJECTED' },
  401: { name: 'UNAUTHORIZED', httpStatus: 401, code: 'SERDES_REGISTRY_REJECTED' },
  403: { name: 'FORBIDDEN', httpStatus: 403, code: 'SERDES_REGISTRY_REJECTED' },
  404: { name: 'NOT_FOUND', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  405: { name: 'METHOD_NOT_ALLOWED', httpStatus: 405, code: 'SERDES_REGISTRY_REJECTED' },
  409: { name: 'CONFLICT', httpStatus: 409, code: 'SERDES_INCOMPATIBLE_SCHEMA' },
  415: { name: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415, code: 'SERDES_REGISTRY_REJECTED' },
  422: { name: 'UNPROCESSABLE_ENTITY', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  500: { name: 'INTERNAL_SERVER_ERROR', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
  40401: { name: 'SUBJECT_NOT_FOUND', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40402: { name: 'VERSION_NOT_FOUND', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40403: { name: 'SCHEMA_NOT_FOUND', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40404: { name: 'SUBJECT_SOFT_DELETED', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40405: { name: 'SUBJECT_NOT_SOFT_DELETED', httpStatus: 404, code: 'SERDES_REGISTRY_REJECTED' },
  40406: { name: 'SCHEMA_VERSION_SOFT_DELETED', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40407: { name: 'SCHEMA_VERSION_NOT_SOFT_DELETED', httpStatus: 404, code: 'SERDES_REGISTRY_REJECTED' },
  40408: { name: 'SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40409: { name: 'SUBJECT_LEVEL_MODE_NOT_CONFIGURED', httpStatus: 404, code: 'SERDES_SCHEMA_NOT_FOUND' },
  40901: { name: 'INCOMPATIBLE_SCHEMA', httpStatus: 409, code: 'SERDES_INCOMPATIBLE_SCHEMA' },
  42201: { name: 'INVALID_SCHEMA', httpStatus: 422, code: 'SERDES_INVALID_SCHEMA' },
  42202: { name: 'INVALID_VERSION', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42203: { name: 'INVALID_COMPATIBILITY_LEVEL', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42204: { name: 'INVALID_MODE', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42205: { name: 'OPERATION_NOT_PERMITTED', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42206: { name: 'REFERENCE_EXISTS', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42207: { name: 'ID_DOES_NOT_MATCH', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42208: { name: 'INVALID_SUBJECT', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  42209: { name: 'SCHEMA_TOO_LARGE', httpStatus: 422, code: 'SERDES_REGISTRY_REJECTED' },
  50001: { name: 'STORE_ERROR', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
  50002: { name: 'OPERATION_TIMEOUT', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
  50003: { name: 'REQUEST_FORWARDING_FAILED', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
  50004: { name: 'UNKNOWN_LEADER', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
  50005: { name: 'JSON_PARSE_ERROR', httpStatus: 500, code: 'SERDES_REGISTRY_UNAVAILABLE' },
})

/** The entry of `errorCode`; a code outside the table is judged by its leading HTTP status. */
export function registryErrorInfo(errorCode: number): RegistryErrorInfo {
  const known = REGISTRY_ERRORS[errorCode]
  if (known !== undefined) return known
  const status = errorCode >= 10_000 ? Math.floor(errorCode / 100) : errorCode
  const code: SerdesErrorCode = status >= 500 || status < 400 ? 'SERDES_REGISTRY_UNAVAILABLE' : status === 404 ? 'SERDES_SCHEMA_NOT_FOUND' : 'SERDES_REGISTRY_REJECTED'
  return { name: `ERROR_${errorCode}`, httpStatus: status >= 100 && status < 600 ? status : 500, code }
}

/** A failure the schema registry answers with a Confluent error code. */
export class RegistryError extends SerdesError {
  /** Confluent's `error_code` (40401…), or an HTTP status for generic failures (404, 422…). */
  readonly errorCode: number
  /** The HTTP status the REST API answers it with. */
  readonly httpStatus: number

  constructor(errorCode: number, message: string, context: SerdesErrorContext = {}, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    const info = registryErrorInfo(errorCode)
    super(info.code, message, context, { cause: options.cause, retriable: options.retriable, registryErrorCode: errorCode })
    this.errorCode = errorCode
    this.httpStatus = info.httpStatus
  }

  override withRecord(record: { readonly partition: number; readonly offset: number }): RegistryError {
    return new RegistryError(this.errorCode, this.detail, { ...this.context, partition: record.partition, offset: record.offset }, {
      cause: this.cause, retriable: this.retriable,
    })
  }

  override withContext(context: SerdesErrorContext): RegistryError {
    const merged: Record<string, unknown> = { ...context }
    for (const [name, value] of Object.entries(this.context)) if (value !== undefined) merged[name] = value
    return new RegistryError(this.errorCode, this.detail, merged as SerdesErrorContext, { cause: this.cause, retriable: this.retriable })
  }

  /** The REST body: `{ error_code, message }`. */
  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.detail }
  }
}

// The errors with Confluent's wording, in one place.

export const registryErrors = {
  subjectNotFound: (subject: string) => new RegistryError(40401, `Subject '${subject}' not found.`, { subject }),
  versionNotFound: (subject: string, version: number | string) =>
    new RegistryError(40402, `Version ${version} not found.`, { subject }),
  schemaNotFound: (detail = 'Schema not found', context: SerdesErrorContext = {}) => new RegistryError(40403, detail, context),
  schemaIdNotFound: (id: number | string) =>
    new RegistryError(40403, `Schema ${id} not found`, typeof id === 'number' ? { schemaId: id } : {}),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`, { subject }),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`, { subject }),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`, { subject }),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`, { subject }),
  subjectCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`, { subject }),
  subjectModeNotConfigured: (subject: string) =>
    new RegistryError(40409, `Subject '${subject}' does not have subject-level mode configured`, { subject }),
  incompatible: (subject: string, messages: readonly string[]) =>
    new RegistryError(40901, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`, { subject }),
  invalidSchema: (detail: string, context: SerdesErrorContext = {}, cause?: unknown) =>
    new RegistryError(42201, detail, context, { cause }),
  invalidVersion: (version: string) =>
    new RegistryError(42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`),
  invalidCompatibilityLevel: (level: unknown) =>
    new RegistryError(42203, `Invalid compatibility level ${JSON.stringify(level) ?? String(level)}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`),
  invalidMode: (mode: unknown) =>
    new RegistryError(42204, `Invalid mode ${JSON.stringify(mode) ?? String(mode)}. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT`),
  operationNotPermitted: (detail: string, context: SerdesErrorContext = {}) => new RegistryError(42205, detail, context),
  referenceExists: (subject: string, version: number, referrers: readonly number[]) =>
    new RegistryError(42206, `One or more references exist to the schema {subject=${subject}, version=${version}}: schema ids ${referrers.join(', ')} use it; delete those first`, { subject }),
  idDoesNotMatch: (id: number, existing: number) =>
    new RegistryError(42207, `Schema already registered with id ${existing} instead of input id ${id}`, { schemaId: id }),
  invalidSubject: (subject: unknown) =>
    new RegistryError(42208, `Invalid subject ${JSON.stringify(subject) ?? String(subject)}: a subject is a non-empty string without control characters`),
  storeError: (detail: string, cause?: unknown) => new RegistryError(50001, detail, {}, { cause }),
  /** 50001, not retriable: the registry object was closed. */
  closed: (detail: string) => new RegistryError(50001, detail, {}, { retriable: false }),
  timeout: (detail: string) => new RegistryError(50002, detail),
  unprocessable: (detail: string) => new RegistryError(422, detail),
} as const
