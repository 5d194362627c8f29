/**
 * A mistake the user can fix (a bad option value, a locked data directory): `creek` prints its
 * message alone, without a stack trace, and exits with code 1.
 */
export class CliError extends Error {
  override get name(): string {
    return 'CliError'
  }
}

/** Parses a whole number option, or throws a CliError naming the option. */
export function parseInteger(option: string, value: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${option} must be ${min === 0 ? 'an integer ≥ 0' : min === 1 ? 'a positive integer' : 'an integer'}, got '${value}'`)
  }
  return n
}

/** Parses `k=v` pairs (a repeatable option, or a comma-separated list) into a record. */
export function parseKeyValues(option: string, values: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {}
  for (const item of values) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new CliError(`${option} expects key=value, got '${item}'`)
    result[item.slice(0, eq).trim()] = item.slice(eq + 1)
  }
  return result
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
