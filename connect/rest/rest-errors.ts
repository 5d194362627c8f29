/**
 * Errors of the Connect REST API as Kafka Connect answers them: an HTTP status and the body
 * `{"error_code": <status>, "message": "..."}` (Kafka's `ErrorMessage`), from a `ConnectError`'s
 * code:
 *
 * | code                                 | status |
 * |--------------------------------------|--------|
 * | CONNECT_NOT_FOUND                    | 404    |
 * | CONNECT_CONFLICT                     | 409    |
 * | CONNECT_INVALID_CONFIG, ILLEGAL_STATE, CONNECT_DATA | 400 |
 * | anything else                        | 500    |
 */
import { ConnectError } from '../errors.ts'

export class RestError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.name = 'RestError'
    this.status = status
  }

  toJSON(): { error_code: number; message: string } {
    return { error_code: this.status, message: this.message }
  }
}

const STATUS_OF_CODE: Partial<Record<ConnectError['code'], number>> = {
  CONNECT_NOT_FOUND: 404,
  CONNECT_CONFLICT: 409,
  CONNECT_INVALID_CONFIG: 400,
  CONNECT_ILLEGAL_STATE: 400,
  CONNECT_DATA: 400,
}

/** The REST error of anything a herder threw. */
export function toRestError(error: unknown): RestError {
  if (error instanceof RestError) return error
  if (error instanceof ConnectError) return new RestError(STATUS_OF_CODE[error.code] ?? 500, error.message)
  return new RestError(500, error instanceof Error ? error.message : String(error))
}
