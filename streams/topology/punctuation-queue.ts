/**
 * The punctuators of one task for one `PunctuationType` (Kafka Streams' `PunctuationQueue` and
 * `PunctuationSchedule`), ordered by when they are due.
 *
 * Rules (Kafka's, kept exactly):
 * - A STREAM_TIME schedule starts due at 0 (aligned to 0: it fires at the first record), a
 *   WALL_CLOCK_TIME one at now + interval.
 * - `mayPunctuate(now)` fires every schedule due at or before `now`, once, with `now` as the
 *   timestamp (the current stream time or wall-clock time, not the time it was due), in the
 *   order they are due (ties: the order they were scheduled).
 * - After firing, the next due time is `due + interval`; when `now` already passed it (stream
 *   time jumped over several intervals, or the wall clock was late), the missed ones are
 *   skipped: the next is the first `due + k * interval` after `now`. So a schedule fires at
 *   most once per call however far time moved.
 * - `cancel()` (also from inside the callback) stops the schedule and every later one of it.
 *
 * Concurrency: single-threaded; the task's thread calls `mayPunctuate` between records.
 */
import type { Cancellable, Punctuator } from '../processor/api.ts'

/** Shared by a schedule and the ones that follow it, so that cancelling stops them all. */
interface CancelFlag {
  cancelled: boolean
}

export class PunctuationSchedule<N> {
  readonly node: N
  /** When it is due (ms of stream time or wall-clock time). */
  readonly timestamp: number
  readonly interval: number
  readonly punctuator: Punctuator
  readonly #flag: CancelFlag

  constructor(node: N, timestamp: number, interval: number, punctuator: Punctuator, flag: CancelFlag = { cancelled: false }) {
    this.node = node
    this.timestamp = timestamp
    this.interval = interval
    this.punctuator = punctuator
    this.#flag = flag
  }

  get cancelled(): boolean {
    return this.#flag.cancelled
  }

  cancel(): void {
    this.#flag.cancelled = true
  }

  /** The schedule after this one fired at `now`; missed intervals are skipped. */
  next(now: number): PunctuationSchedule<N> {
    let due = this.timestamp + this.interval
    if (now >= due) {
      const missed = Math.floor((now - this.timestamp) / this.interval)
      due = this.timestamp + (missed + 1) * this.interval
    }
    return new PunctuationSchedule(this.node, due, this.interval, this.punctuator, this.#flag)
  }
}

export class PunctuationQueue<N> {
  /** Sorted by `timestamp`, then by insertion (stable). */
  #schedules: PunctuationSchedule<N>[] = []

  /** Adds a schedule; cancelling the result cancels it and its successors. */
  schedule(schedule: PunctuationSchedule<N>): Cancellable {
    this.#insert(schedule)
    return { cancel: () => schedule.cancel() }
  }

  /** When the earliest live schedule is due; `Infinity` when there is none. */
  get nextDue(): number {
    this.#dropCancelled()
    return this.#schedules.length === 0 ? Infinity : this.#schedules[0].timestamp
  }

  get size(): number {
    this.#dropCancelled()
    return this.#schedules.length
  }

  /**
   * Fires every schedule due at or before `now` through `punctuate` (see the module comment);
   * returns whether any fired. `punctuate` may schedule or cancel (both take effect at once).
   */
  mayPunctuate(now: number, punctuate: (schedule: PunctuationSchedule<N>) => void): boolean {
    let punctuated = false
    while (this.#schedules.length > 0 && this.#schedules[0].timestamp <= now) {
      const schedule = this.#schedules.shift() as PunctuationSchedule<N>
      if (schedule.cancelled) continue
      punctuate(schedule)
      punctuated = true
      if (!schedule.cancelled) this.#insert(schedule.next(now))
    }
    return punctuated
  }

  clear(): void {
    this.#schedules = []
  }

  #insert(schedule: PunctuationSchedule<N>): void {
    const schedules = this.#schedules
    let i = schedules.length
    while (i > 0 && schedules[i - 1].timestamp > schedule.timestamp) i--
    schedules.splice(i, 0, schedule)
  }

  #dropCancelled(): void {
    if (this.#schedules.some((s) => s.cancelled)) this.#schedules = this.#schedules.filter((s) => !s.cancelled)
  }
}
