/**
 * `TimeWindows`: fixed-size windows, tumbling or hopping (Kafka Streams' `TimeWindows`).
 *
 * ```ts
 * TimeWindows.ofSizeWithNoGrace(60_000)                   // tumbling 1-minute windows
 * TimeWindows.ofSizeAndGrace(300_000, 60_000).advanceBy(60_000)  // hopping: 5 min every minute
 * ```
 *
 * Windows are aligned to the epoch and half-open, `[start, start + size)`; a record with
 * timestamp `t` falls in every window with `start <= t < start + size`, starts being multiples
 * of `advance` (= size for tumbling windows) and never negative. A window closes when stream
 * time reaches `end + grace`: records for it after that are dropped (and counted).
 * Immutable; durations in milliseconds.
 */
import { StreamsError } from '../../errors.ts'
import type { Window } from '../../state/window-api.ts'
import { checkDuration } from './duration.ts'

export class TimeWindows {
  readonly sizeMs: number
  readonly advanceMs: number
  readonly graceMs: number

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    this.sizeMs = sizeMs
    this.advanceMs = advanceMs
    this.graceMs = graceMs
  }

  /** Tumbling windows of `sizeMs`, no grace period: a record later than its window's end is dropped. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    const size = checkDuration('TimeWindows', 'the window size', sizeMs, true)
    return new TimeWindows(size, size, 0)
  }

  /** Tumbling windows of `sizeMs` accepting out-of-order records until `end + graceMs`. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkDuration('TimeWindows', 'the window size', sizeMs, true)
    return new TimeWindows(size, size, checkDuration('TimeWindows', 'the grace period', graceMs))
  }

  /** Hopping windows: a new window every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = checkDuration('TimeWindows', 'the advance interval', advanceMs, true)
    if (advance > this.sizeMs) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Window advancement interval should be more than zero and less than window duration which is ${this.sizeMs} ms, but given advancement interval is: ${advance} ms`)
    }
    return new TimeWindows(this.sizeMs, advance, this.graceMs)
  }

  size(): number {
    return this.sizeMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }

  /** The windows a record with `timestampMs` falls in, by start time, oldest first (Kafka's `windowsFor`). */
  windowsFor(timestampMs: number): Window[] {
    const windows: Window[] = []
    let start = Math.floor(Math.max(0, timestampMs - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs
    for (; start <= timestampMs; start += this.advanceMs) windows.push({ startMs: start, endMs: start + this.sizeMs })
    return windows
  }
}
