/**
 * `JoinWindows`: the time bounds of a stream–stream join (Kafka Streams' `JoinWindows`). A
 * record of this stream at time `t` joins the records of the other stream with timestamps in
 * `[t - before, t + after]`; records are kept `before + after + grace` ms behind stream time
 * (the window stores' retention), and left/outer joins emit a non-joined record only once its
 * window closed: when stream time passed its time plus `after` (this side) or `before` (other
 * side) plus `grace` (KIP-633). Times are milliseconds. Immutable.
 *
 * ```ts
 * JoinWindows.ofTimeDifferenceWithNoGrace(5 * 60_000)              // ±5 min, no late records
 * JoinWindows.ofTimeDifferenceAndGrace(10_000, 5_000).after(0)     // the other record up to 10 s earlier
 * ```
 *
 * Kafka's deprecated `JoinWindows.of(…).grace(…)` (eager, spurious left/outer results) is not
 * offered: every Creek join window has the KIP-633 semantics.
 */
import { StreamsError } from '../../errors.ts'

function duration(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `JoinWindows ${what} must be an integer number of milliseconds >= 0, got ${String(value)}`)
  }
  return value
}

export class JoinWindows {
  /** How much earlier the other stream's records may be (ms). */
  readonly beforeMs: number
  /** How much later the other stream's records may be (ms). */
  readonly afterMs: number
  readonly graceMs: number

  private constructor(beforeMs: number, afterMs: number, graceMs: number) {
    if (beforeMs + afterMs < 0) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `JoinWindows: the window (before ${beforeMs} ms + after ${afterMs} ms) must not be negative`)
    }
    this.beforeMs = beforeMs
    this.afterMs = afterMs
    this.graceMs = graceMs
  }

  /** Records at most `timeDifferenceMs` apart join; records arriving after their window closed are dropped. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    const difference = duration(timeDifferenceMs, 'time difference')
    return new JoinWindows(difference, difference, 0)
  }

  /** Records at most `timeDifferenceMs` apart join; out-of-order records are accepted `graceMs` after their window. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const difference = duration(timeDifferenceMs, 'time difference')
    return new JoinWindows(difference, difference, duration(graceMs, 'grace period'))
  }

  /** The same windows, the other record at most `timeDifferenceMs` earlier (may be negative, down to −after). */
  before(timeDifferenceMs: number): JoinWindows {
    if (typeof timeDifferenceMs !== 'number' || !Number.isSafeInteger(timeDifferenceMs)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `JoinWindows before must be an integer number of milliseconds, got ${String(timeDifferenceMs)}`)
    }
    return new JoinWindows(timeDifferenceMs, this.afterMs, this.graceMs)
  }

  /** The same windows, the other record at most `timeDifferenceMs` later (may be negative, down to −before). */
  after(timeDifferenceMs: number): JoinWindows {
    if (typeof timeDifferenceMs !== 'number' || !Number.isSafeInteger(timeDifferenceMs)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `JoinWindows after must be an integer number of milliseconds, got ${String(timeDifferenceMs)}`)
    }
    return new JoinWindows(this.beforeMs, timeDifferenceMs, this.graceMs)
  }

  /** `before + after`: the window stores' window size. */
  size(): number {
    return this.beforeMs + this.afterMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }
}
