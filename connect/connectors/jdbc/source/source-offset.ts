/**
 * Source offsets of the JDBC-style source, in the shape Confluent's `TimestampIncrementingOffset`
 * writes them, and the exact timestamps they carry.
 *
 *   incrementing mode            { incrementing: 42 }
 *   timestamp mode               { timestamp: 1704110400123, timestamp_nanos: 123456000 }
 *   timestamp+incrementing mode  { timestamp: …, timestamp_nanos: …, incrementing: 42 }
 *
 * As `java.sql.Timestamp`: `timestamp` is epoch milliseconds and `timestamp_nanos` the whole
 * fraction of the second in nanoseconds (so it repeats the milliseconds). Internally a timestamp
 * is one bigint of epoch nanoseconds, so that microsecond database values survive the round
 * trip (a JavaScript Date keeps milliseconds only; comparing a µs column to a ms bound would
 * return the same row forever). An incrementing value beyond 2^53 is stored as a decimal
 * string (a JSON number would lose digits).
 */
import type { SourceMap } from '../../../api/records.ts'
import { ConnectError } from '../../../errors.ts'

export interface TimestampIncrementingOffset {
  /** Epoch nanoseconds; null: none stored (start of time, or `timestamp.initial`). */
  readonly timestamp: bigint | null
  /** null: none stored (queries use −1, as Confluent). */
  readonly incrementing: bigint | null
}

export const EMPTY_OFFSET: TimestampIncrementingOffset = Object.freeze({ timestamp: null, incrementing: null })

const NS_PER_MS = 1_000_000n
const NS_PER_S = 1_000_000_000n

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q
}

function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b
}

/** A number when it is a safe integer, else its decimal string. */
export function incrementingToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
}

export function offsetToMap(offset: TimestampIncrementingOffset): SourceMap {
  const map: Record<string, number | string> = {}
  if (offset.incrementing !== null) map.incrementing = incrementingToJson(offset.incrementing)
  if (offset.timestamp !== null) {
    map.timestamp = Number(floorDiv(offset.timestamp, NS_PER_MS))
    map.timestamp_nanos = Number(floorMod(offset.timestamp, NS_PER_S))
  }
  return map
}

/** The offset of a stored map (Confluent's or ours); CONNECT_DATA naming the partition when malformed. */
export function offsetFromMap(map: SourceMap | null, where: string): TimestampIncrementingOffset {
  if (map === null) return EMPTY_OFFSET
  const bad = (why: string) => new ConnectError('CONNECT_DATA', `The stored offset of ${where} is ${JSON.stringify(map)}: ${why}; fix or delete it (DELETE /connectors/{name}/offsets)`)
  const integer = (value: unknown, key: string): bigint | null => {
    if (value === undefined || value === null) return null
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
    throw bad(`"${key}" must be an integer`)
  }
  const incrementing = integer(map.incrementing, 'incrementing')
  const millis = integer(map.timestamp, 'timestamp')
  const nanos = integer(map.timestamp_nanos, 'timestamp_nanos')
  if (nanos !== null && (nanos < 0n || nanos >= NS_PER_S)) throw bad('"timestamp_nanos" must be within 0..999999999')
  let timestamp: bigint | null = null
  if (millis !== null) timestamp = nanos === null ? millis * NS_PER_MS : floorDiv(millis, 1000n) * NS_PER_S + nanos
  return { timestamp, incrementing }
}

/** Epoch nanoseconds of a Date (or of epoch milliseconds). */
export function nanosOfMillis(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS
}

export function millisOfNanos(ns: bigint): number {
  return Number(floorDiv(ns, NS_PER_MS))
}

/**
 * Epoch nanoseconds of an epoch-seconds value as PostgreSQL's `EXTRACT(EPOCH FROM …)` returns it:
 * a numeric string (`"1704110400.123456"`, exact) or a double (older servers).
 */
export function nanosOfEpochSeconds(value: unknown): bigint | null {
  if (value === null || value === undefined) return null
  const text = typeof value === 'number' ? value.toFixed(6) : String(value)
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim())
  if (match === null) throw new ConnectError('CONNECT_DATA', `Cannot read a timestamp from the epoch value ${JSON.stringify(value)}`)
  const [, sign, whole, fraction = ''] = match
  const magnitude = BigInt(whole) * NS_PER_S + BigInt(fraction.slice(0, 9).padEnd(9, '0'))
  return sign === '-' ? -magnitude : magnitude
}

const NOMINAL = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Epoch nanoseconds of a date-time text (`2024-01-01 12:00:00.123456`, ISO forms, an optional
 * `Z` or `±hh[:mm]` zone). Without a zone the text is read as UTC; null when it is no date-time.
 */
export function nanosOfDateTimeText(text: string): bigint | null {
  const m = NOMINAL.exec(text.trim())
  if (m === null) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(ms)) return null
  // Date.UTC maps years 0..99 to 1900..1999; fix those rare years up.
  const fixed = Number(y) >= 0 && Number(y) < 100 ? new Date(ms).setUTCFullYear(Number(y)) : ms
  let ns = BigInt(fixed) * NS_PER_MS + BigInt(fraction.padEnd(9, '0'))
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!
    const minutes = Number(zm[2]) * 60 + Number(zm[3] ?? '0')
    ns -= BigInt((zm[1] === '-' ? -minutes : minutes) * 60) * NS_PER_S
  }
  return ns
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff` of epoch nanoseconds read as UTC wall-clock time (nine fraction
 * digits when there are sub-microsecond digits), the form every supported database parses.
 */
export function formatNominal(ns: bigint): string {
  const ms = Number(floorDiv(ns, NS_PER_MS))
  const fractionNs = floorMod(ns, NS_PER_S)
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  const fraction = fractionNs % 1000n === 0n ? pad(Number(fractionNs / 1000n), 6) : pad(Number(fractionNs), 9)
  return `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${fraction}`
}

/**
 * Conversions between instants and wall-clock time of a zone (`db.timezone`) for timestamp
 * columns without a time zone. UTC is the identity (and costs nothing).
 */
export class ZoneClock {
  readonly zone: string
  readonly isUtc: boolean
  readonly #format: Intl.DateTimeFormat | null

  constructor(zone: string) {
    this.zone = zone
    this.isUtc = /^(utc|gmt|z|etc\/utc|etc\/gmt|\+00:00|00:00)$/i.test(zone)
    this.#format = this.isUtc ? null : new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    })
  }

  /** The zone's offset from UTC (ms) at an instant. */
  offsetAt(ms: number): number {
    if (this.#format === null) return 0
    const parts: Record<string, number> = {}
    for (const part of this.#format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value)
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
    return wall - (ms - (((ms % 1000) + 1000) % 1000))
  }

  /** The instant (epoch ms) of a wall-clock time of this zone, given as if it were UTC. */
  instantOfWall(wallMs: number): number {
    if (this.isUtc) return wallMs
    const guess = wallMs - this.offsetAt(wallMs)
    return wallMs - this.offsetAt(guess)
  }

  /** The wall-clock time of this zone (as if it were UTC) of an instant. */
  wallOfInstant(ms: number): number {
    return this.isUtc ? ms : ms + this.offsetAt(ms)
  }

  instantOfWallNanos(ns: bigint): bigint {
    if (this.isUtc) return ns
    const ms = millisOfNanos(ns)
    return ns + BigInt(this.instantOfWall(ms) - ms) * NS_PER_MS
  }

  wallOfInstantNanos(ns: bigint): bigint {
    if (this.isUtc) return ns
    const ms = millisOfNanos(ns)
    return ns + BigInt(this.wallOfInstant(ms) - ms) * NS_PER_MS
  }
}
