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
 * since the last emission is emitted once, with its final aggregate, by window start then key,
 * before the record that closed them is aggregated.
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
    if (def.emitFinal) this.#emitClosed(closeTime)
    for (const window of def.windows.windowsFor(timestamp)) {
      if (window.endMs <= closeTime) {
        this.#context.metrics().recordDropped()
        continue
      }
      const old = this.#store.fetch(key, window.startMs)
      let aggregate: VA | null
      let newTimestamp = timestamp
      if (old === undefined) aggregate = def.initializer()
      else {
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
   * on the grid `start + size` (starts are multiples of the advance), so the store is only read
   * when the close time crosses a window end (Kafka's `shouldRangeFetch`); the read is a time
   * range over all keys, once per advance interval of stream time.
   */
  #emitClosed(closeTime: number): void {
    const { sizeMs, advanceMs } = this.#def.windows
    const lastClosedStart = closeTime - sizeMs
    if (lastClosedStart < 0) return
    const to = Math.floor(lastClosedStart / advanceMs) * advanceMs
    if (to <= this.#lastEmittedStart) return
    const from = this.#lastEmittedStart < 0 ? 0 : this.#lastEmittedStart + 1
    this.#lastEmittedStart = to
    const closed = [...this.#store.fetchAll(from, to)]
    closed.sort((a, b) => a.key.window.startMs - b.key.window.startMs)
    for (const { key, value } of closed) this.#forwarder.forward(key, value.value, null, value.timestamp)
  }
}
