/**
 * `KStreamWindowAggregate`: the processor of `TimeWindowedKStream#aggregate`, `#count` and
 * `#reduce` over `TimeWindows` (Kafka Streams' `KStreamWindowAggregate`).
 *
 * For each record (a null key or value is dropped and counted in the task's `dropped-records`):
 * stream time (observed by this processor) moves to the record's timestamp; for every window
 * the record falls in (`TimeWindows.windowsFor`), if the window is still open
 * (`end > streamTime − grace`) the window's aggregate is read (or the initializer's value),
 * the record folded in, and `ValueAndTimestamp(aggregate, max(record time, stored time))`
 * written; otherwise the record is late for that window and is dropped and counted
 * (Kafka's late-record drop).
 *
 * Emission: by default as a KTable (`WindowedTupleForwarder`: with caching, once per window
 * per commit). With `EmitStrategy.onWindowClose()` (KIP-825) nothing is emitted on update:
 * whenever stream time closes windows (`end + grace <= streamTime`), each window that closed
 * since the last emission is emitted once, with its final aggregate, by window start, then in
 * the order the windows were created, before the record that closed them is aggregated.
 * The processor finds them in an index of the windows not emitted yet (window start → keys,
 * one entry per window, added when the aggregate creates the window), so emitting reads only
 * the closed windows (point reads, mostly from the record cache) instead of scanning the store
 * (a time-range scan of a key-first store reads every key of every live segment, and sorts the
 * whole record cache). The index is memory only: it is built from the store at the first record
 * after a start (a restart finds the windows restored from the changelog), and holds at most
 * what the store holds (the windows still open).
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import type { Windowed, WindowStore } from '../../state/window-api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import type { TimeWindows } from '../windows/time-windows.ts'
import { WindowedTupleForwarder } from '../windows/windowed-forwarder.ts'

/** Folds a value into an aggregate; `aggregate` is null only when the initializer gave null (reduce). */
export type WindowAggregator<K, V, VA> = (key: K, value: V, aggregate: VA | null) => VA

export class KStreamWindowAggregate<K, V, VA> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly storeValueSerde: ValueAndTimestampSerde<VA>
  readonly windows: TimeWindows
  readonly initializer: () => VA | null
  readonly aggregator: WindowAggregator<K, V, VA>
  emitFinal = false

  constructor(storeName: string, storeValueSerde: ValueAndTimestampSerde<VA>, windows: TimeWindows, initializer: () => VA | null, aggregator: WindowAggregator<K, V, VA>) {
    this.storeName = storeName
    this.storeValueSerde = storeValueSerde
    this.windows = windows
    this.initializer = initializer
    this.aggregator = aggregator
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, Windowed<K>, Change<VA>> => new KStreamWindowAggregateProcessor(this)
}

class KStreamWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly #def: KStreamWindowAggregate<K, V, VA>
  #context!: ProcessorContext<Windowed<K>, Change<VA>>
  #store!: WindowStore<K, ValueAndTimestamp<VA>>
  #forwarder!: WindowedTupleForwarder<K, ValueAndTimestamp<VA>, VA>
  #observedStreamTime = -1
  /**
   * Emit-final: the start of the last window emitted (−1: none). Kept in memory: Creek has no
   * processor metadata committed with offsets (where Kafka keeps it), so after a restart windows
   * closed before it and still in the store may be emitted again (at least once).
   */
  #lastEmittedStart = -1
  /** Emit-final: the keys of each window not emitted yet, by window start; null until built from the store. */
  #pending: Map<number, K[]> | null = null

  constructor(def: KStreamWindowAggregate<K, V, VA>) {
    this.#def = def
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#def.storeValueSerde.resolveDefault(context.valueSerde())
    this.#context = context
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new WindowedTupleForwarder(this.#store, context, this.#def.sendOldValues, (stored) => stored, false, this.#def.emitFinal)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp } = record
    if (key === null || key === undefined || value === null || value === undefined) {
      this.#context.metrics().recordDropped()
      return
    }
    const def = this.#def
    if (timestamp > this.#observedStreamTime) this.#observedStreamTime = timestamp
    const closeTime = this.#observedStreamTime - def.windows.graceMs
    // Emit-final: windows this record's time closes go out first, before its writes move the
    // store's retention past them (the record itself only updates windows still open).
    if (def.emitFinal) {
      this.#pending ??= this.#pendingFromStore()
      this.#emitClosed(closeTime)
    }
    for (const window of def.windows.windowsFor(timestamp)) {
      if (window.endMs <= closeTime) {
        this.#context.metrics().recordDropped()
        continue
      }
      const old = this.#store.fetch(key, window.startMs)
      let aggregate: VA | null
      let newTimestamp = timestamp
      if (old === undefined) {
        aggregate = def.initializer()
        if (this.#pending !== null) this.#addPending(window.startMs, key)
      } else {
        aggregate = old.value
        if (old.timestamp > newTimestamp) newTimestamp = old.timestamp
      }
      const next = def.aggregator(key, value, aggregate)
      this.#store.put(key, ValueAndTimestamp.make(next, newTimestamp), window.startMs)
      this.#forwarder.maybeForward({ key, window }, next, old === undefined ? null : old.value, newTimestamp)
    }
  }

  /**
   * Emits every window that closed (end <= closeTime) since the last emission. Window ends lie
   * on the grid `start + size` (starts are multiples of the advance), so there is only work
   * when the close time crosses a window end (Kafka's `shouldRangeFetch`), once per advance
   * interval of stream time; each closed window is then read once from the store.
   */
  #emitClosed(closeTime: number): void {
    const { sizeMs, advanceMs } = this.#def.windows
    const lastClosedStart = closeTime - sizeMs
    if (lastClosedStart < 0) return
    const to = Math.floor(lastClosedStart / advanceMs) * advanceMs
    if (to <= this.#lastEmittedStart) return
    this.#lastEmittedStart = to
    const pending = this.#pending!
    const starts: number[] = []
    for (const start of pending.keys()) if (start <= to) starts.push(start)
    starts.sort((a, b) => a - b)
    for (const start of starts) {
      const keys = pending.get(start)!
      pending.delete(start)
      for (const key of keys) {
        const stored = this.#store.fetch(key, start)
        // Absent: expired from the store (only after a restart, for windows closed long before).
        if (stored !== undefined) this.#forwarder.forward({ key, window: { startMs: start, endMs: start + sizeMs } }, stored.value, null, stored.timestamp)
      }
    }
  }

  #addPending(start: number, key: K): void {
    const pending = this.#pending!
    const keys = pending.get(start)
    if (keys === undefined) pending.set(start, [key])
    else keys.push(key)
  }

  /** The index of windows not emitted yet, from the store: every window it holds (already-emitted ones again after a restart: at least once). */
  #pendingFromStore(): Map<number, K[]> {
    this.#pending = new Map()
    for (const { key } of this.#store.all()) this.#addPending(key.window.startMs, key.key)
    return this.#pending
  }
}
