/**
 * `SlidingWindows`: windows of a fixed time difference that slide with the records (Kafka
 * Streams' `SlidingWindows`, KIP-450). Two records fall in a common window when their
 * timestamps differ by at most `timeDifferenceMs`; windows are inclusive at both ends,
 * `[start, start + timeDifference]`, and are only created by records: each record makes its
 * left window `[t − timeDifference, t]` and, when a later record needs it, its right window
 * `[t + 1, t + 1 + timeDifference]` (see processors/kstream-sliding-window-aggregate.ts).
 * Immutable; durations in milliseconds.
 */
import { checkDuration } from './duration.ts'

export class SlidingWindows {
  readonly timeDifferenceMs: number
  readonly graceMs: number

  private constructor(timeDifferenceMs: number, graceMs: number) {
    this.timeDifferenceMs = timeDifferenceMs
    this.graceMs = graceMs
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(checkDuration('SlidingWindows', 'the time difference', timeDifferenceMs), 0)
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(checkDuration('SlidingWindows', 'the time difference', timeDifferenceMs), checkDuration('SlidingWindows', 'the grace period', graceMs))
  }

  gracePeriodMs(): number {
    return this.graceMs
  }
}
