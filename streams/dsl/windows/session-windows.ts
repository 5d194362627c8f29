/**
 * `SessionWindows`: per-key sessions of activity separated by gaps of inactivity (Kafka
 * Streams' `SessionWindows`). A record starts a session `[t, t]`; a record within
 * `inactivityGap` of a session (of its key) joins it, and sessions it bridges merge into one.
 * Sessions are inclusive at both ends. A session closes when stream time reaches
 * `end + inactivityGap + grace`. Immutable; durations in milliseconds.
 */
import { checkDuration } from './duration.ts'

export class SessionWindows {
  readonly gapMs: number
  readonly graceMs: number

  private constructor(gapMs: number, graceMs: number) {
    this.gapMs = gapMs
    this.graceMs = graceMs
  }

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(checkDuration('SessionWindows', 'the inactivity gap', inactivityGapMs, true), 0)
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(checkDuration('SessionWindows', 'the inactivity gap', inactivityGapMs, true), checkDuration('SessionWindows', 'the grace period', graceMs))
  }

  inactivityGap(): number {
    return this.gapMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }
}
