/**
 * What a consumer reads: its subscription (topics, a pattern, or a manual assignment), the
 * partitions assigned to it, and per partition the consumed position, the last committed
 * offset, the paused flag and a pending offset reset (Kafka's SubscriptionState).
 *
 * Positions: `position` is the offset of the next record to hand to the application; it moves
 * only when the application has processed a record (or a batch whose records were compacted
 * away). Fetching runs ahead of it in the fetcher; `epoch` grows whenever fetched-ahead data
 * becomes stale (so the fetcher drops it), `positionEpoch` only when the position jumps (so
 * progress reported for records of before the jump is ignored).
 *
 * A newly assigned partition has no position: the consumer first looks up its committed offset
 * (group consumers) and otherwise resets it by `autoOffsetReset`.
 *
 * Concurrency: single-threaded; listeners run synchronously after each change.
 */
import { CoreError } from '../errors.ts'
import type { AutoOffsetReset } from './consumer-config.ts'
import { PartitionMap, type TopicPartition, formatTopicPartition } from './partition-map.ts'

export type SubscriptionType = 'none' | 'topics' | 'pattern' | 'assigned'

/** A reset to do by ListOffsets: the earliest or latest offset of the partition. */
export type OffsetResetStrategy = Exclude<AutoOffsetReset, 'none'>

export interface PartitionState {
  /** Next offset to hand to the application; null until initialized or while a reset is pending. */
  position: number | null
  /** The offset last committed (or read as committed) for this partition, null when unknown. */
  committed: number | null
  paused: boolean
  /** A reset to do before fetching; set by `seekToBeginning/End` and on OFFSET_OUT_OF_RANGE. */
  reset: OffsetResetStrategy | null
  /** Whether the committed offset has been looked up since the partition was assigned. */
  committedFetched: boolean
  /**
   * Grows whenever fetched-ahead data becomes invalid (seek, reset, assignment,
   * `invalidate`): records of an older epoch are not handed out any more.
   */
  epoch: number
  /** Grows when the position jumps (seek, reset, assignment): progress of an older one is ignored. */
  positionEpoch: number
  /** From the last fetch response; -1 until one arrived. */
  highWatermark: number
  logStartOffset: number
}

export class SubscriptionState {
  #nextEpoch = 1
  #type: SubscriptionType = 'none'
  #topics: ReadonlySet<string> = new Set()
  #pattern: RegExp | null = null
  readonly #assignment = new PartitionMap<PartitionState>()
  readonly #listeners = new Set<() => void>()

  get type(): SubscriptionType {
    return this.#type
  }

  /** Subscribed topic names (for a pattern, the topics it matched at the last evaluation). */
  get topics(): ReadonlySet<string> {
    return this.#topics
  }

  get pattern(): RegExp | null {
    return this.#pattern
  }

  /** Runs `listener` after every change of assignment, position, pause or reset. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #changed(): void {
    for (const listener of this.#listeners) listener()
  }

  subscribe(topics: readonly string[]): void {
    this.#setType('topics')
    this.#pattern = null
    this.#topics = new Set(topics)
  }

  subscribePattern(pattern: RegExp): void {
    this.#setType('pattern')
    this.#pattern = pattern
    this.#topics = new Set()
  }

  /** For a pattern subscription: the topics it matches now. Returns whether the set changed. */
  setPatternTopics(topics: Iterable<string>): boolean {
    const next = new Set(topics)
    const changed = next.size !== this.#topics.size || [...next].some((t) => !this.#topics.has(t))
    this.#topics = next
    return changed
  }

  /** Manual assignment: replaces the assignment, keeping the state of partitions that stay. */
  assign(partitions: readonly TopicPartition[]): void {
    this.#setType('assigned')
    this.#topics = new Set(partitions.map((p) => p.topic))
    this.setAssignment(partitions)
  }

  /** Drops subscription and assignment. */
  unsubscribe(): void {
    this.#type = 'none'
    this.#pattern = null
    this.#topics = new Set()
    this.#assignment.clear()
    this.#changed()
  }

  #setType(type: SubscriptionType): void {
    if (this.#type !== 'none' && this.#type !== type && !(this.#type !== 'assigned' && type !== 'assigned')) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `The consumer already uses ${this.#type === 'assigned' ? 'assign()' : 'subscribe()'}; call unsubscribe() before switching to ${type === 'assigned' ? 'assign()' : 'subscribe()'}`)
    }
    this.#type = type
  }

  /** Sets the assigned partitions; partitions kept keep their state, new ones start uninitialized. */
  setAssignment(partitions: readonly TopicPartition[]): void {
    const next = PartitionMap.of(partitions.map((tp) => [tp, true] as const))
    for (const tp of [...this.#assignment.keys()]) if (!next.has(tp)) this.#assignment.delete(tp)
    for (const tp of next.keys()) if (!this.#assignment.has(tp)) this.#assignment.set(tp, this.#freshState())
    this.#changed()
  }

  /** Adds partitions (cooperative assignment), uninitialized. */
  addPartitions(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) if (!this.#assignment.has(tp)) this.#assignment.set(tp, this.#freshState())
    this.#changed()
  }

  /** Removes partitions (revocation or loss). */
  removePartitions(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#assignment.delete(tp)
    this.#changed()
  }

  assignment(): TopicPartition[] {
    return [...this.#assignment.keys()]
  }

  isAssigned(tp: TopicPartition): boolean {
    return this.#assignment.has(tp)
  }

  /** The state of an assigned partition, undefined when not assigned. Mutate only through this class. */
  state(tp: TopicPartition): Readonly<PartitionState> | undefined {
    return this.#assignment.get(tp)
  }

  entries(): IterableIterator<[TopicPartition, Readonly<PartitionState>]> {
    return this.#assignment.entries()
  }

  /** The assigned partitions and their states, as `PartitionMap.list()` (for per-poll loops). */
  list(): readonly (readonly [TopicPartition, Readonly<PartitionState>])[] {
    return this.#assignment.list()
  }

  #require(tp: TopicPartition, action: string): PartitionState {
    const state = this.#assignment.get(tp)
    if (!state) throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot ${action} ${formatTopicPartition(tp)}: it is not assigned to this consumer`)
    return state
  }

  /** Moves the position (a seek by the application, or an initialization); invalidates fetched data. */
  seek(tp: TopicPartition, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Cannot seek ${formatTopicPartition(tp)} to ${offset}: offsets are integers ≥ 0`)
    }
    const state = this.#require(tp, 'seek')
    state.position = offset
    state.reset = null
    state.committedFetched = true
    state.epoch = this.#nextEpoch++
    state.positionEpoch = state.epoch
    this.#changed()
  }

  /** Asks for a reset to the earliest or latest offset before the next fetch. */
  requestReset(tp: TopicPartition, strategy: OffsetResetStrategy): void {
    const state = this.#require(tp, 'reset')
    state.position = null
    state.reset = strategy
    state.committedFetched = true
    state.epoch = this.#nextEpoch++
    state.positionEpoch = state.epoch
    this.#changed()
  }

  /** Records the application's progress: `offset` is the next offset to consume. Ignored for an older position epoch. */
  advance(tp: TopicPartition, offset: number, positionEpoch: number): void {
    const state = this.#assignment.get(tp)
    if (!state || state.positionEpoch !== positionEpoch || state.position === null || offset <= state.position) return
    state.position = offset
  }

  /** Discards fetched-ahead data of a partition without moving its position (new epoch). */
  invalidate(tp: TopicPartition): void {
    const state = this.#assignment.get(tp)
    if (!state) return
    state.epoch = this.#nextEpoch++
    this.#changed()
  }

  markCommittedFetched(tp: TopicPartition, committed: number | null): void {
    const state = this.#assignment.get(tp)
    if (!state) return
    state.committedFetched = true
    if (committed !== null) state.committed = committed
  }

  setCommitted(tp: TopicPartition, offset: number): void {
    const state = this.#assignment.get(tp)
    if (state) state.committed = offset
  }

  setWatermarks(tp: TopicPartition, highWatermark: number, logStartOffset: number): void {
    const state = this.#assignment.get(tp)
    if (!state) return
    state.highWatermark = highWatermark
    if (logStartOffset >= 0) state.logStartOffset = logStartOffset
  }

  pause(tp: TopicPartition): void {
    const state = this.#assignment.get(tp)
    if (!state || state.paused) return
    // As Kafka's consumer, records fetched ahead stay buffered and are handed out after
    // `resume`; the epoch stays too. Records handed out and not processed when the pause came
    // are dropped by the loop that holds them (`invalidate`), and fetched again from the position.
    state.paused = true
    this.#changed()
  }

  resume(tp: TopicPartition): void {
    const state = this.#assignment.get(tp)
    if (!state || !state.paused) return
    state.paused = false
    this.#changed()
  }

  /** Positions that differ from the last commit: what an auto-commit would send. */
  uncommitted(partitions: Iterable<TopicPartition> = this.#assignment.keys()): PartitionMap<number> {
    const result = new PartitionMap<number>()
    for (const tp of partitions) {
      const state = this.#assignment.get(tp)
      if (state && state.position !== null && state.position !== state.committed) result.set(tp, state.position)
    }
    return result
  }

  /** Every assigned partition that has a position. */
  positions(partitions: Iterable<TopicPartition> = this.#assignment.keys()): PartitionMap<number> {
    const result = new PartitionMap<number>()
    for (const tp of partitions) {
      const position = this.#assignment.get(tp)?.position
      if (position !== null && position !== undefined) result.set(tp, position)
    }
    return result
  }

  #freshState(): PartitionState {
    const epoch = this.#nextEpoch++
    return {
      position: null,
      committed: null,
      paused: false,
      reset: null,
      committedFetched: false,
      epoch,
      positionEpoch: epoch,
      highWatermark: -1,
      logStartOffset: -1,
    }
  }
}
