/**
 * The processors of a windowed KStream–KStream join (Kafka Streams' `KStreamJoinWindow`,
 * `KStreamKStreamJoin` with its left and right sides, `TimeTracker`, and the outer-join store of
 * `TimestampedKeyAndJoinSide` → `LeftOrRightValue`s).
 *
 * - `KStreamJoinWindow` (one per side) forwards each record to its join processor, then keeps
 *   it in its side's window store (retaining duplicates) for the other side to find.
 * - `KStreamKStreamJoin` (one per side): for a record at time t it fetches the other side's
 *   records of the same key within `[t - before, t + after]` (before/after swapped on the right
 *   side) and forwards `joiner(left, right, key)` for each, at the later of the two times.
 *   Records with a null key or value are dropped, except that an outer side forwards a null-key
 *   record joined with null at once (KIP-962).
 * - Left/outer joins (KIP-633): a record that found no partner is not emitted eagerly but put
 *   into the shared outer store (key: time, side, key); a later partner removes it; when stream
 *   time (the largest time seen by either side of the join in this task) passes its time +
 *   the side's window + grace, it is emitted joined with null, in time order, at its own time.
 *   A record already too old for that to happen later (its window end before stream time) is
 *   emitted at once.
 *
 * Kafka throttles the scan of the outer store to once per second of wall-clock time (an
 * internal config); Creek scans whenever a closed window is possible, so non-joined results
 * come out at the first record that closes their window (the same results, never later).
 * Windows per side follow Kafka 3.8+ (left entries close after `after`, right after `before`).
 */
import type { Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'
import { formatTaskId, type Processor, type ProcessorContext, type StreamRecord } from '../../processor/api.ts'
import { createRecord, withTimestamp, withValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { WindowStore } from '../../state/window-api.ts'
import type { ValueJoiner } from '../api.ts'
import { ResolvableSerde } from './foreign-key-join-wrappers.ts'

export class KStreamJoinWindow<K, V> {
  readonly storeName: string

  constructor(storeName: string) {
    this.storeName = storeName
  }

  readonly supplier = (): Processor<K, V, K, V> => new KStreamJoinWindowProcessor(this.storeName)
}

class KStreamJoinWindowProcessor<K, V> implements Processor<K, V, K, V> {
  readonly #storeName: string
  #context!: ProcessorContext<K, V>
  #window!: WindowStore<K, V>

  constructor(storeName: string) {
    this.#storeName = storeName
  }

  init(context: ProcessorContext<K, V>): void {
    this.#context = context
    this.#window = context.getStateStore(this.#storeName)
  }

  process(record: StreamRecord<K, V>): void {
    this.#context.forward(record)
    // Every record starts its own window; the window store is used for its retention.
    if (record.key !== null && record.key !== undefined) this.#window.put(record.key, record.value, record.timestamp)
  }
}

/** Stream time and the earliest pending non-joined record of one task, shared by both sides. */
export class TimeTracker {
  streamTime = -1
  minTime = Number.MAX_SAFE_INTEGER

  advanceStreamTime(timestamp: number): void {
    if (timestamp > this.streamTime) this.streamTime = timestamp
  }

  updateMinTime(timestamp: number): void {
    if (timestamp < this.minTime) this.minTime = timestamp
  }
}

export class TimeTrackers {
  readonly #byTask = new Map<string, TimeTracker>()

  get(task: string): TimeTracker {
    let tracker = this.#byTask.get(task)
    if (tracker === undefined) {
      tracker = new TimeTracker()
      this.#byTask.set(task, tracker)
    }
    return tracker
  }

  remove(task: string): void {
    this.#byTask.delete(task)
  }
}

/** One not-yet-joined record in the outer store. */
export interface LeftOrRightValue {
  readonly left: boolean
  readonly value: unknown
}

/** Keys of the outer store: time (8 bytes), side (1: left, 0: right), key bytes: time order first. */
export class OuterJoinKeyCodec<K> {
  readonly keySerde: ResolvableSerde<K>
  readonly #topic: string

  constructor(keySerde: ResolvableSerde<K>, storeName: string) {
    this.keySerde = keySerde
    this.#topic = storeName
  }

  encode(left: boolean, key: K, timestamp: number): Buffer {
    const keyBytes = this.keySerde.serialize(this.#topic, key) ?? Buffer.alloc(0)
    const out = Buffer.allocUnsafe(9 + keyBytes.length)
    out.writeBigInt64BE(BigInt(timestamp), 0)
    out[8] = left ? 1 : 0
    keyBytes.copy(out, 9)
    return out
  }

  decode(bytes: Buffer): { left: boolean; key: K; timestamp: number } {
    return { timestamp: Number(bytes.readBigInt64BE(0)), left: bytes[8] === 1, key: this.keySerde.deserialize(this.#topic, bytes.subarray(9)) as K }
  }
}

/** Values of the outer store: the non-joined records of one (time, side, key), in arrival order. */
export class LeftOrRightValuesSerde implements Serde<LeftOrRightValue[]> {
  readonly leftSerde: ResolvableSerde<unknown>
  readonly rightSerde: ResolvableSerde<unknown>

  constructor(leftSerde: ResolvableSerde<unknown>, rightSerde: ResolvableSerde<unknown>) {
    this.leftSerde = leftSerde
    this.rightSerde = rightSerde
  }

  serialize(topic: string, values: LeftOrRightValue[] | null): Buffer | null {
    if (values === null) return null
    const parts: Buffer[] = []
    for (const { left, value } of values) {
      const bytes = (left ? this.leftSerde : this.rightSerde).serialize(topic, value) ?? Buffer.alloc(0)
      const head = Buffer.allocUnsafe(5)
      head[0] = left ? 1 : 0
      head.writeInt32BE(bytes.length, 1)
      parts.push(head, bytes)
    }
    return Buffer.concat(parts)
  }

  deserialize(topic: string, data: Buffer | null): LeftOrRightValue[] | null {
    if (data === null) return null
    const values: LeftOrRightValue[] = []
    let offset = 0
    while (offset < data.length) {
      if (offset + 5 > data.length) throw new StreamsError('STREAMS_STATE_STORE', `A truncated outer-join store value (${data.length} bytes) in ${topic}`)
      const left = data[offset] === 1
      const length = data.readInt32BE(offset + 1)
      const bytes = data.subarray(offset + 5, offset + 5 + length)
      values.push({ left, value: (left ? this.leftSerde : this.rightSerde).deserialize(topic, bytes) })
      offset += 5 + length
    }
    return values
  }
}

export interface OuterStoreRef<K> {
  readonly name: string
  readonly codec: OuterJoinKeyCodec<K>
  readonly valuesSerde: LeftOrRightValuesSerde
}

export interface KStreamKStreamJoinOptions<K> {
  readonly leftSide: boolean
  readonly otherWindowStoreName: string
  /** This side's look-back and look-ahead (the left side's are the windows' before/after). */
  readonly beforeMs: number
  readonly afterMs: number
  readonly windowsBeforeMs: number
  readonly windowsAfterMs: number
  readonly graceMs: number
  /** Non-joined records of this side are results (left side of left/outer joins, both sides of outer). */
  readonly outer: boolean
  readonly outerStore: OuterStoreRef<K> | null
  /** The user's joiner, (left, right, key). */
  readonly joiner: ValueJoiner<unknown, unknown, unknown, K>
  readonly trackers: TimeTrackers
}

export class KStreamKStreamJoin<K> {
  readonly options: KStreamKStreamJoinOptions<K>

  constructor(options: KStreamKStreamJoinOptions<K>) {
    this.options = options
  }

  readonly supplier = (): Processor<K, unknown, K, unknown> => new KStreamKStreamJoinProcessor(this.options)
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined
}

class KStreamKStreamJoinProcessor<K> implements Processor<K, unknown, K, unknown> {
  readonly #options: KStreamKStreamJoinOptions<K>
  #context!: ProcessorContext<K, unknown>
  #otherWindow!: WindowStore<K, unknown>
  #outerStore: KeyValueStore<Buffer, LeftOrRightValue[]> | null = null
  #tracker!: TimeTracker
  #task = ''

  constructor(options: KStreamKStreamJoinOptions<K>) {
    this.#options = options
  }

  init(context: ProcessorContext<K, unknown>): void {
    this.#context = context
    this.#otherWindow = context.getStateStore(this.#options.otherWindowStoreName)
    this.#task = formatTaskId(context.taskId)
    this.#tracker = this.#options.trackers.get(this.#task)
    const outer = this.#options.outerStore
    if (outer !== null) {
      outer.codec.keySerde.resolveDefault(context.keySerde())
      outer.valuesSerde.leftSerde.resolveDefault(context.valueSerde())
      outer.valuesSerde.rightSerde.resolveDefault(context.valueSerde())
      this.#outerStore = context.getStateStore<KeyValueStore<Buffer, LeftOrRightValue[]>>(outer.name)
    }
  }

  close(): void {
    this.#options.trackers.remove(this.#task)
  }

  process(record: StreamRecord<K, unknown>): void {
    const options = this.#options
    const tracker = this.#tracker
    const { key, value, timestamp } = record
    tracker.advanceStreamTime(timestamp)
    if (isNull(value)) return
    if (isNull(key)) {
      if (options.outer) this.#context.forward(withValue(record, this.#join(value, null, key)))
      return
    }
    const store = this.#outerStore
    if (store !== null && timestamp === tracker.streamTime) this.#emitNonJoined(store, record)
    const timeFrom = Math.max(0, timestamp - options.beforeMs)
    const timeTo = Math.max(0, timestamp + options.afterMs)
    let joined = false
    for (const other of this.#otherWindow.fetchRange(key, timeFrom, timeTo)) {
      joined = true
      if (store !== null) {
        // The other record is joined now: it is no longer a non-joined candidate.
        const otherKey = options.outerStore!.codec.encode(!options.leftSide, key, other.key)
        if (store.get(otherKey) !== undefined) store.delete(otherKey)
      }
      this.#context.forward(withTimestamp(withValue(record, this.#join(value, other.value, key)), Math.max(timestamp, other.key)))
    }
    if (joined || !options.outer) return
    if (store === null || timeTo < tracker.streamTime) {
      this.#context.forward(withValue(record, this.#join(value, null, key)))
      return
    }
    tracker.updateMinTime(timestamp)
    const thisKey = options.outerStore!.codec.encode(options.leftSide, key, timestamp)
    const pending = store.get(thisKey) ?? []
    store.put(thisKey, [...pending, { left: options.leftSide, value }])
  }

  /** This side's value and the other side's, in the user's (left, right) order. */
  #join(thisValue: unknown, otherValue: unknown, key: K): unknown {
    const { joiner, leftSide } = this.#options
    return leftSide ? joiner(thisValue, otherValue, key) : joiner(otherValue, thisValue, key)
  }

  #emitNonJoined(store: KeyValueStore<Buffer, LeftOrRightValue[]>, record: StreamRecord<K, unknown>): void {
    const options = this.#options
    const tracker = this.#tracker
    if (tracker.minTime + options.afterMs + options.graceMs >= tracker.streamTime) return
    tracker.minTime = Number.MAX_SAFE_INTEGER
    const codec = options.outerStore!.codec
    let leftOpen = false
    let rightOpen = false
    const emitted: Buffer[] = []
    for (const entry of store.all()) {
      const { left, key, timestamp } = codec.decode(entry.key)
      tracker.minTime = timestamp
      if (leftOpen && rightOpen) break
      const lookAheadMs = left ? options.windowsAfterMs : options.windowsBeforeMs
      if (timestamp + lookAheadMs + options.graceMs >= tracker.streamTime) {
        if (left) leftOpen = true
        else rightOpen = true
        continue
      }
      for (const pending of entry.value) {
        const result = pending.left ? options.joiner(pending.value, null, key) : options.joiner(null, pending.value, key)
        this.#context.forward(createRecord(key, result, timestamp, record.headers))
      }
      emitted.push(entry.key)
    }
    for (const key of emitted) store.delete(key)
  }
}
