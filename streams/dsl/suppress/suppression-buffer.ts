/**
 * `SuppressionBuffer`: the state store behind `KTable#suppress` (Kafka Streams'
 * `InMemoryTimeOrderedKeyValueChangeBuffer`): the latest held-back update of each key, ordered
 * by buffer time (window end for final results, record time for time limits).
 *
 * Contract:
 * - One entry per key (serialized key bytes). `put` of a key already buffered keeps the key's
 *   place and buffer time (Kafka's "non-resetting" semantics) and replaces its update, keeping
 *   the prior value of the first buffered update (what the emitted `Change` reports as old).
 * - `evictWhile(condition, emit)`: removes the entries in buffer-time order (then insertion
 *   order) while `condition()` holds, handing each to `emit`.
 * - Size: entries, and bytes = key + value bytes + a fixed per-entry overhead.
 * - Changelog (when logging is enabled): at `flush()` every key changed since the last flush is
 *   logged with its current entry, or a tombstone if it was evicted; restoration replays them
 *   (last record of a key wins). Value format (Creek's own, the topic being internal): 8-byte
 *   buffer time, 8-byte record timestamp, then the encoded update the processor gave.
 *
 * Crash behaviour: memory only; rebuilt from the changelog when the task starts (it is not
 * `persistent`, so restoration always replays the changelog). Concurrency: one instance per
 * task, single-threaded.
 */
import type { StateStore, StateStoreContext, StoreBuilder } from '../../state/api.ts'
import { binaryKey, ENTRY_OVERHEAD_BYTES } from '../../state/bytes-range.ts'
import { relativeChangelogTopicName } from '../../state/changelog-topic.ts'
import { SortedKeyMap } from '../../state/sorted-key-map.ts'
import { StoreLifecycle } from '../../state/store-lifecycle.ts'
import { readTimestamp, writeTimestamp } from '../../state/window-key-schema.ts'

export interface BufferedEntry {
  readonly key: Buffer
  readonly bufferTime: number
  /** Record timestamp of the latest update. */
  readonly timestamp: number
  /** The update, encoded by the processor. */
  readonly value: Buffer
}

interface Slot extends BufferedEntry {
  readonly order: string
}

const HEADER_SIZE = 16

function orderKey(time: number, seq: number): string {
  const out = Buffer.allocUnsafe(16)
  writeTimestamp(out, Math.max(0, time), 0)
  writeTimestamp(out, seq, 8)
  return binaryKey(out)
}

export class SuppressionBuffer implements StateStore {
  readonly name: string
  readonly persistent = false
  readonly #logging: boolean
  readonly #lifecycle: StoreLifecycle
  /** Key id → entry. */
  readonly #byKey = new Map<string, Slot>()
  /** (buffer time, seq) → key id. */
  readonly #byTime = new SortedKeyMap<string>()
  readonly #dirty = new Set<string>()
  #seq = 0
  #bytes = 0
  #context: StateStoreContext | null = null

  constructor(name: string, logging: boolean) {
    this.name = name
    this.#logging = logging
    this.#lifecycle = new StoreLifecycle(name)
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  get numRecords(): number {
    return this.#byKey.size
  }

  get bufferSize(): number {
    return this.#bytes
  }

  /** The smallest buffer time, or +Infinity when empty. */
  get minTimestamp(): number {
    for (const id of this.#byTime.scan(undefined, undefined, true, false)) return this.#byKey.get(id)!.bufferTime
    return Number.POSITIVE_INFINITY
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    this.#context = context
    if (this.#logging) {
      context.register(this, (batch) => {
        for (const { key, value } of batch) {
          if (value === null) this.#remove(binaryKey(key))
          else this.#set(key, readTimestamp(value, 0), readTimestamp(value, 8), value.subarray(HEADER_SIZE))
        }
      })
    }
    this.#lifecycle.opened()
  }

  /** The buffered update of `key`, if any. */
  get(key: Buffer): BufferedEntry | undefined {
    this.#lifecycle.check()
    return this.#byKey.get(binaryKey(key))
  }

  put(key: Buffer, bufferTime: number, timestamp: number, value: Buffer): void {
    this.#lifecycle.check()
    const id = this.#set(key, bufferTime, timestamp, value)
    this.#dirty.add(id)
  }

  evictWhile(condition: () => boolean, emit: (entry: BufferedEntry) => void): void {
    this.#lifecycle.check()
    for (const id of this.#byTime.scan(undefined, undefined, true, false)) {
      if (!condition()) return
      const slot = this.#byKey.get(id)
      if (slot === undefined) continue
      this.#remove(id)
      this.#dirty.add(id)
      emit(slot)
    }
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
    if (!this.#logging || this.#dirty.size === 0) {
      this.#dirty.clear()
      return
    }
    const context = this.#context!
    for (const id of this.#dirty) {
      const slot = this.#byKey.get(id)
      if (slot === undefined) {
        context.logChange(this.name, Buffer.from(id, 'latin1'), null, context.recordTimestamp())
        continue
      }
      const value = Buffer.allocUnsafe(HEADER_SIZE + slot.value.length)
      writeTimestamp(value, slot.bufferTime, 0)
      writeTimestamp(value, slot.timestamp, 8)
      slot.value.copy(value, HEADER_SIZE)
      context.logChange(this.name, slot.key, value, slot.timestamp)
    }
    this.#dirty.clear()
  }

  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    this.#lifecycle.closed()
    this.#byKey.clear()
    this.#byTime.clear()
    this.#dirty.clear()
    this.#bytes = 0
  }

  #set(key: Buffer, bufferTime: number, timestamp: number, value: Buffer): string {
    const id = binaryKey(key)
    const previous = this.#byKey.get(id)
    const order = previous?.order ?? orderKey(bufferTime, this.#seq++)
    const slot: Slot = { key, bufferTime: previous?.bufferTime ?? bufferTime, timestamp, value, order }
    if (previous !== undefined) this.#bytes -= previous.key.length + previous.value.length + ENTRY_OVERHEAD_BYTES
    else this.#byTime.set(order, id)
    this.#byKey.set(id, slot)
    this.#bytes += key.length + value.length + ENTRY_OVERHEAD_BYTES
    return id
  }

  #remove(id: string): void {
    const slot = this.#byKey.get(id)
    if (slot === undefined) return
    this.#byKey.delete(id)
    this.#byTime.delete(slot.order)
    this.#bytes -= slot.key.length + slot.value.length + ENTRY_OVERHEAD_BYTES
  }
}

/** Builds a task's suppression buffer; logged by default (`<name>-changelog`). */
export class SuppressionBufferBuilder implements StoreBuilder<SuppressionBuffer> {
  readonly name: string
  #logging: boolean
  #logConfig: Record<string, string>

  constructor(name: string, logging: boolean, logConfig: Readonly<Record<string, string>>) {
    this.name = name
    this.#logging = logging
    this.#logConfig = { ...logConfig }
  }

  get loggingEnabled(): boolean {
    return this.#logging
  }

  get logConfig(): Readonly<Record<string, string>> {
    return Object.freeze({ ...this.#logConfig, 'cleanup.policy': 'compact' })
  }

  get changelogTopic(): string | null {
    return this.#logging ? relativeChangelogTopicName(this.name) : null
  }

  withCachingEnabled(): this {
    return this
  }

  withCachingDisabled(): this {
    return this
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    this.#logging = true
    this.#logConfig = { ...config }
    return this
  }

  withLoggingDisabled(): this {
    this.#logging = false
    this.#logConfig = {}
    return this
  }

  build(): SuppressionBuffer {
    return new SuppressionBuffer(this.name, this.#logging)
  }
}
