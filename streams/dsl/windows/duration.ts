/**
 * Validation of the durations window specifications take (milliseconds, as safe integers),
 * with Kafka's messages for bad values (STREAMS_INVALID_CONFIG).
 */
import { StreamsError } from '../../errors.ts'

/** `value` as a duration in ms: an integer >= 0 (or > 0 with `positive`). */
export function checkDuration(owner: string, name: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || (positive && value === 0)) {
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `${owner}: ${name} must be an integer number of milliseconds ${positive ? '> 0' : '>= 0'}, got ${String(value)}`,
    )
  }
  return value
}
