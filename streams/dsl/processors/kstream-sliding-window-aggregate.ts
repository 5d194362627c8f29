/**
 * `KStreamSlidingWindowAggregate`: the processor of `TimeWindowedKStream` aggregations over
 * `SlidingWindows` (Kafka Streams' `KStreamSlidingWindowAggregate`, KIP-450), following
 * Kafka's algorithm so that the same input gives the same windows and updates.
 *
 * Windows are `[start, start + timeDifference]` (both ends inclusive), stored by start, and
 * created only by records. A record at `t` (in order: `t >= timeDifference`):
 * - reads the key's windows starting in `[t − 2·timeDifference, t + 1]`;
 * - adds itself to every existing window that contains it (`start <= t <= end`);
 * - creates its LEFT window `[t − timeDifference, t]` (unless it exists), holding the aggregate
 *   of the latest window ending before `t` when the previous record falls in it, else only
 *   itself;
 * - creates the RIGHT window of the previous record, `[prev + 1, prev + 1 + timeDifference]`,
 *   when it does not exist and `t` falls in it;
 * - creates its own RIGHT window `[t + 1, t + 1 + timeDifference]` when a later record (an
 *   out-of-order arrival) already exists within it, with that record's aggregate.
 * Records with `t < timeDifference` ("early" records) share the window `[0, timeDifference]`
 * instead of a left window of their own.
 *
 * A window whose end is `< streamTime − grace` is closed: updates to it are dropped; a record
 * too late for all its windows (`t + 1 + timeDifference <= streamTime − grace`) is dropped and
 * counted in `dropped-records`.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import { StreamsError } from '../../errors.ts'
import type { Window, WindowStore } from '../../state/window-api.ts'
import type { Windowed } from '../../state/window-api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import type { SlidingWindows } from '../windows/sliding-windows.ts'
import { WindowedTupleForwarder } from '../windows/windowed-forwarder.ts'
import type { WindowAggregator } from './kstream-window-aggregate.ts'

type Stored<VA> = ValueAndTimestamp<VA | null>

export class KStreamSlidingWindowAggregate<K, V, VA> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly storeValueSerde: ValueAndTimestampSerde<VA>
  readonly windows: SlidingWindows
  readonly initializer: () => VA | null
  readonly aggregator: WindowAggregator<K, V, VA>

  constructor(storeName: string, storeValueSerde: ValueAndTimestampSerde<VA>, windows: SlidingWindows, initializer: () => VA | null, aggregator: WindowAggregator<K, V, VA>) {
    this.storeName = storeName
    this.storeValueSerde = storeValueSerde
    this.windows = windows
    this.initializer = initializer
    this.aggregator = aggregator
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, Windowed<K>, Change<VA>> => new SlidingWindowProcessor(this)
}

class SlidingWindowProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly #def: KStreamSlidingWindowAggregate<K, V, VA>
  readonly #diff: number
  #context!: ProcessorContext<Windowed<K>, Change<VA>>
  #store!: WindowStore<K, ValueAndTimestamp<VA>>
  #forwarder!: WindowedTupleForwarder<K, ValueAndTimestamp<VA>, VA>
  #observedStreamTime = -1

  constructor(def: KStreamSlidingWindowAggregate<K, V, VA>) {
    this.#def = def
    this.#diff = def.windows.timeDifferenceMs
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#def.storeValueSerde.resolveDefault(context.valueSerde())
    this.#context = context
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new WindowedTupleForwarder(this.#store, context, this.#def.sendOldValues, (stored) => stored, false)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp } = record
    if (key === null || key === undefined || value === null || value === undefined) {
      this.#context.metrics().recordDropped()
      return
    }
    if (timestamp > this.#observedStreamTime) this.#observedStreamTime = timestamp
    const closeTime = this.#observedStreamTime - this.#def.windows.graceMs
    if (timestamp + 1 + this.#diff <= closeTime) {
      this.#context.metrics().recordDropped()
      return
    }
    if (timestamp < this.#diff) this.#processEarly(key, value, timestamp, closeTime)
    else this.#processInOrder(key, value, timestamp, closeTime)
  }

  #processInOrder(key: K, value: V, t: number, closeTime: number): void {
    const diff = this.#diff
    const startTimes = new Set<number>()
    let leftWinAgg: Stored<VA> | null = null
    let rightWinAgg: Stored<VA> | null = null
    let leftWinAlreadyCreated = false
    let rightWinAlreadyCreated = false
    let previousRecordTimestamp: number | null = null
    for (const { key: start, value: stored } of [...this.#store.fetchRange(key, Math.max(0, t - 2 * diff), t + 1)]) {
      startTimes.add(start)
      const end = start + diff
      const maxRecordTimestamp = stored.timestamp
      if (end < t) {
        leftWinAgg = stored
        previousRecordTimestamp = maxRecordTimestamp
      } else if (end === t) {
        leftWinAlreadyCreated = true
        if (maxRecordTimestamp < t) previousRecordTimestamp = maxRecordTimestamp
        this.#update(key, value, { startMs: start, endMs: end }, stored, closeTime, t)
      } else if (end > t && start <= t) {
        rightWinAgg = stored
        this.#update(key, value, { startMs: start, endMs: end }, stored, closeTime, t)
      } else if (start === t + 1) {
        rightWinAlreadyCreated = true
      } else {
        throw new StreamsError('STREAMS_ILLEGAL_STATE', `Unexpected window [${start}, ${end}] found when processing sliding windows at ${t}`)
      }
    }
    // The right window of the previous record, if missing and this record falls in it.
    if (previousRecordTimestamp !== null) {
      const previousRightStart = previousRecordTimestamp + 1
      if (!startTimes.has(previousRightStart) && previousRightStart + diff >= t) {
        this.#update(key, value, { startMs: previousRightStart, endMs: previousRightStart + diff }, this.#initial(t), closeTime, t)
      }
    }
    // This record's left window.
    if (!leftWinAlreadyCreated) {
      const leftNotEmpty = previousRecordTimestamp !== null && t - diff <= previousRecordTimestamp
      const stored = leftNotEmpty && leftWinAgg !== null ? ValueAndTimestamp.make(leftWinAgg.value, t) : this.#initial(t)
      this.#update(key, value, { startMs: t - diff, endMs: t }, stored, closeTime, t)
    }
    // This record's right window, when later records already fall in it.
    if (!rightWinAlreadyCreated && rightWinAgg !== null && rightWinAgg.timestamp > t) this.#createRightWindow(key, t, rightWinAgg)
  }

  #processEarly(key: K, value: V, t: number, closeTime: number): void {
    const diff = this.#diff
    let combined: { start: number; stored: Stored<VA> } | null = null
    let rightWinAgg: Stored<VA> | null = null
    let rightWinAlreadyCreated = false
    const startTimes = new Set<number>()
    let previousRecordTimestamp: number | null = null
    for (const { key: start, value: stored } of [...this.#store.fetchRange(key, 0, t + 1)]) {
      startTimes.add(start)
      if (start === 0) {
        combined = { start, stored }
        if (stored.timestamp < t) previousRecordTimestamp = stored.timestamp
      } else if (start <= t) {
        rightWinAgg = stored
        this.#update(key, value, { startMs: start, endMs: start + diff }, stored, closeTime, t)
      } else if (start === t + 1) {
        rightWinAlreadyCreated = true
      } else {
        throw new StreamsError('STREAMS_ILLEGAL_STATE', `Unexpected window [${start}, ${start + diff}] found when processing early sliding windows at ${t}`)
      }
    }
    // Without a right-window aggregate, the combined window's records after t belong to this record's right window.
    if (rightWinAgg === null && combined !== null && combined.stored.timestamp > t) rightWinAgg = combined.stored
    if (!rightWinAlreadyCreated && rightWinAgg !== null && rightWinAgg.timestamp > t) this.#createRightWindow(key, t, rightWinAgg)
    if (previousRecordTimestamp !== null && !startTimes.has(previousRecordTimestamp + 1)) {
      const start = previousRecordTimestamp + 1
      this.#update(key, value, { startMs: start, endMs: start + diff }, this.#initial(t), closeTime, t)
    }
    const window = { startMs: 0, endMs: diff }
    this.#update(key, value, window, combined === null ? this.#initial(t) : combined.stored, closeTime, t)
  }

  #initial(t: number): Stored<VA> {
    return ValueAndTimestamp.make(this.#def.initializer(), t)
  }

  #createRightWindow(key: K, t: number, aggregate: Stored<VA>): void {
    const window = { startMs: t + 1, endMs: t + 1 + this.#diff }
    this.#store.put(key, aggregate as ValueAndTimestamp<VA>, window.startMs)
    this.#forwarder.maybeForward({ key, window }, aggregate.value, null, aggregate.timestamp)
  }

  #update(key: K, value: V, window: Window, stored: Stored<VA>, closeTime: number, t: number): void {
    // Inclusive ends: a window is open while its end >= stream time − grace (Kafka's rule).
    if (window.endMs < closeTime) return
    const oldAgg = stored.value
    const next = this.#def.aggregator(key, value, oldAgg)
    const newTimestamp = oldAgg === null ? t : Math.max(t, stored.timestamp)
    this.#store.put(key, ValueAndTimestamp.make(next, newTimestamp), window.startMs)
    this.#forwarder.maybeForward({ key, window }, next, oldAgg, newTimestamp)
  }
}
