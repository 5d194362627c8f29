/**
 * `KStreamSessionWindowAggregate`: the processor of `SessionWindowedKStream#aggregate`,
 * `#count` and `#reduce` (Kafka Streams' `KStreamSessionWindowAggregate`).
 *
 * For a record of key `k` at `t` (a null key or value is dropped and counted):
 * the sessions of `k` overlapping `[t − gap, t + gap]` are merged with the new session
 * `[t, t]` (aggregates combined with the session merger, starting from the initializer's
 * value; window = the union). If the merged session ended before the close time
 * (`end < streamTime − grace − gap`) the record is late: dropped and counted. Otherwise the
 * merged sessions are removed (each forwarded as a tombstone `Change(null, old)`), the record is
 * folded in, and the merged session is written and forwarded. With caching (the default)
 * removals and updates of one commit collapse: a session created and merged away before a
 * flush is never emitted. Records are stamped with the session end.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import type { SessionStore, Window, Windowed } from '../../state/window-api.ts'
import type { Merger } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import type { SessionWindows } from '../windows/session-windows.ts'
import { WindowedTupleForwarder } from '../windows/windowed-forwarder.ts'
import type { WindowAggregator } from './kstream-window-aggregate.ts'

export class KStreamSessionWindowAggregate<K, V, VA> implements TableNodeControl {
  sendOldValues = false
  readonly storeName: string
  readonly windows: SessionWindows
  readonly initializer: () => VA | null
  readonly aggregator: WindowAggregator<K, V, VA>
  readonly merger: (key: K, aggregate1: VA | null, aggregate2: VA) => VA | null
  /** Resolves the store's default value serde at init (when the store has none). */
  readonly resolveDefault: (serde: unknown) => void

  constructor(
    storeName: string, windows: SessionWindows, initializer: () => VA | null, aggregator: WindowAggregator<K, V, VA>,
    merger: (key: K, aggregate1: VA | null, aggregate2: VA) => VA | null, resolveDefault: (serde: unknown) => void,
  ) {
    this.storeName = storeName
    this.windows = windows
    this.initializer = initializer
    this.aggregator = aggregator
    this.merger = merger
    this.resolveDefault = resolveDefault
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true
  }

  readonly supplier = (): Processor<K, V, Windowed<K>, Change<VA>> => new SessionWindowProcessor(this)
}

/** Kafka's session merger for `reduce`/`count` built from the reducer. */
export type { Merger }

class SessionWindowProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly #def: KStreamSessionWindowAggregate<K, V, VA>
  #context!: ProcessorContext<Windowed<K>, Change<VA>>
  #store!: SessionStore<K, VA>
  #forwarder!: WindowedTupleForwarder<K, VA, VA>
  #observedStreamTime = -1

  constructor(def: KStreamSessionWindowAggregate<K, V, VA>) {
    this.#def = def
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#def.resolveDefault(context.valueSerde())
    this.#context = context
    this.#store = context.getStateStore(this.#def.storeName)
    this.#forwarder = new WindowedTupleForwarder(this.#store, context, this.#def.sendOldValues, (stored) => ({ value: stored, timestamp: -1 }), true)
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp } = record
    if (key === null || key === undefined || value === null || value === undefined) {
      this.#context.metrics().recordDropped()
      return
    }
    const def = this.#def
    const gap = def.windows.gapMs
    if (timestamp > this.#observedStreamTime) this.#observedStreamTime = timestamp
    const closeTime = this.#observedStreamTime - def.windows.graceMs - gap
    const merged = [...this.#store.findSessions(key, timestamp - gap, timestamp + gap)]
    let window: Window = { startMs: timestamp, endMs: timestamp }
    let aggregate = def.initializer()
    for (const session of merged) {
      aggregate = def.merger(key, aggregate, session.value)
      window = { startMs: Math.min(window.startMs, session.key.window.startMs), endMs: Math.max(window.endMs, session.key.window.endMs) }
    }
    if (window.endMs < closeTime) {
      this.#context.metrics().recordDropped()
      return
    }
    if (window.startMs !== timestamp || window.endMs !== timestamp) {
      for (const session of merged) {
        this.#store.remove(session.key)
        this.#forwarder.maybeForward(session.key, null, session.value, session.key.window.endMs)
      }
    }
    const next = def.aggregator(key, value, aggregate)
    const sessionKey: Windowed<K> = { key, window }
    this.#store.put(sessionKey, next)
    this.#forwarder.maybeForward(sessionKey, next, null, window.endMs)
  }
}
