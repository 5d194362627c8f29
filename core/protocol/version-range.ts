/**
 * Kafka's version range notation, as used in the message definitions: `'3+'` (3 and later),
 * `'3-7'` (inclusive), `'5'` (only 5), `'none'` (never).
 */
import { CoreError } from '../errors.ts'

export interface VersionRange {
  /** Lowest version, inclusive. */
  readonly min: number
  /** Highest version, inclusive; `Infinity` for an open range, −1 for `none`. */
  readonly max: number
}

const NONE: VersionRange = Object.freeze({ min: 0, max: -1 })
const cache = new Map<string, VersionRange>()

/** Parses `'0+'`, `'3-7'`, `'5'` or `'none'`; throws `CORE_INVALID_ARGUMENT` on anything else. */
export function parseVersionRange(spec: string): VersionRange {
  const cached = cache.get(spec)
  if (cached !== undefined) return cached
  let range: VersionRange
  let match: RegExpExecArray | null
  if (spec === 'none') range = NONE
  else if ((match = /^(\d+)\+$/.exec(spec)) !== null) range = { min: Number(match[1]), max: Infinity }
  else if ((match = /^(\d+)-(\d+)$/.exec(spec)) !== null) range = { min: Number(match[1]), max: Number(match[2]) }
  else if ((match = /^(\d+)$/.exec(spec)) !== null) range = { min: Number(match[1]), max: Number(match[1]) }
  else throw new CoreError('CORE_INVALID_ARGUMENT', `Invalid version range ${JSON.stringify(spec)}: expected 'N+', 'N-M', 'N' or 'none'`)
  if (range.max < range.min && range !== NONE) {
    throw new CoreError('CORE_INVALID_ARGUMENT', `Invalid version range ${JSON.stringify(spec)}: the upper bound is below the lower one`)
  }
  Object.freeze(range)
  cache.set(spec, range)
  return range
}

/** True when `version` is within the range written as `spec` (undefined = never). */
export function inVersionRange(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false
  const { min, max } = parseVersionRange(spec)
  return version >= min && version <= max
}

/** Renders a parsed range back to Kafka's notation. */
export function formatVersionRange(range: VersionRange): string {
  if (range.max < range.min) return 'none'
  if (range.max === Infinity) return `${range.min}+`
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`
}
