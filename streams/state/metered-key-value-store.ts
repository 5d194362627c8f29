/**
 * `MeteredKeyValueStore<K, V>`: the outermost, typed layer of a key-value store (Kafka Streams'
 * `MeteredKeyValueStore`), what processors get from `context.getStateStore(name)`.
 *
 * Contract:
 * - The only layer that knows K and V: it serializes keys and values with the store's serdes
 *   (or the application's default serdes, else bytes) and hands bytes to the layers below
 *   (caching, change-logging, bytes store). The serdes' "topic" is the changelog topic
 *   `<applicationId>-<store>-changelog`, as in Kafka Streams, even when logging is disabled.
 * - Store serdes must answer synchronously: store reads and writes are synchronous. A serde
 *   that returns a Promise fails the call with STREAMS_INVALID_CONFIG naming the store (JSON
 *   and primitive serdes are synchronous; schema-registry serdes are once their schema is cached).
 * - Keys are never null; a null (or undefined) value deletes, as does a value whose
 *   serialization is null.
 * - Flush listener (`CachedStateStore`): with a caching layer below, the listener receives the
 *   cache's flushed entries, deserialized. Without one, it is called on every write that
 *   changes the store (a deletion of an absent key is not a change), with the record timestamp
 *   and, when old values are asked for, the value read just before the write.
 *
 * Metrics (the "metered" part in Kafka Streams) are not recorded yet.
 * Concurrency: single-threaded, one instance per task.
 */
import { bytesSerde, type Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { CachedStateStore, FlushedEntry, KeyValue, KeyValueBytesStore, KeyValueStore, StateStoreContext } from './api.ts'
import { changelogTopicName } from './changelog-topic.ts'
import { derivedContext } from './derived-context.ts'
import { isCached } from './metered-segmented-store.ts'
import { StoreLifecycle } from './store-lifecycle.ts'

type Listener<K, V> = (entry: FlushedEntry<K, V>) => void

function isPromise(value: unknown): value is Promise<unknown> {
  // Buffers and primitives first: the common answers, without a prototype walk for `then`.
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false
  return typeof (value as { then?: unknown }).then === 'function'
}

export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
  readonly name: string
  readonly #inner: KeyValueBytesStore
  readonly #lifecycle: StoreLifecycle
  #keySerde: Serde<K> | null
  #valueSerde: Serde<V> | null
  #topic = ''
  #context: StateStoreContext | null = null
  /** The listener when no caching layer is below (called on every write). */
  #listener: Listener<K, V> | null = null
  #sendOldValues = false
  /**
   * The last primitive key serialized and its bytes: a read-modify-write (get then put of one
   * key, as every aggregation does) serializes it once. Only primitives, whose value cannot
   * change behind the store's back; the bytes are never mutated below (stores keep key buffers).
   */
  #lastKey: unknown = undefined
  #lastKeyBytes: Buffer | null = null

  constructor(inner: KeyValueBytesStore, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    this.name = inner.name
    this.#inner = inner
    this.#lifecycle = new StoreLifecycle(inner.name)
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
  }

  get persistent(): boolean {
    return this.#inner.persistent
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    this.#keySerde ??= (context.config.defaultKeySerde ?? bytesSerde()) as Serde<K>
    this.#valueSerde ??= (context.config.defaultValueSerde ?? bytesSerde()) as Serde<V>
    this.#topic = changelogTopicName(context.applicationId, this.name)
    // Restoration registers this outermost store, the one the runtime opens, flushes and closes.
    await this.#inner.init(derivedContext(context, { register: (_store, restore) => context.register(this, restore) }))
    this.#context = context
    this.#lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
    await this.#inner.flush()
  }

  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    this.#lifecycle.closed()
    await this.#inner.close()
  }

  setFlushListener(listener: Listener<K, V>, sendOldValues: boolean): void {
    const inner = this.#inner
    if (isCached(inner)) {
      inner.setFlushListener(
        (entry) =>
          listener({
            key: this.#key(entry.key),
            newValue: entry.newValue === null ? null : this.#value(entry.newValue),
            oldValue: entry.oldValue === null ? null : this.#value(entry.oldValue),
            timestamp: entry.timestamp,
          }),
        sendOldValues,
      )
      return
    }
    this.#listener = listener
    this.#sendOldValues = sendOldValues
  }

  get(key: K): V | undefined {
    this.#lifecycle.check()
    const bytes = this.#inner.get(this.#keyBytes(key))
    return bytes === undefined ? undefined : (this.#value(bytes) ?? undefined)
  }

  put(key: K, value: V | null): void {
    this.#lifecycle.check()
    this.#put(key, this.#keyBytes(key), value)
  }

  putIfAbsent(key: K, value: V): V | undefined {
    this.#lifecycle.check()
    const keyBytes = this.#keyBytes(key)
    const valueBytes = this.#valueBytes(value)
    if (valueBytes === null) return this.get(key)
    const existing = this.#inner.putIfAbsent(keyBytes, valueBytes)
    if (existing !== undefined) return this.#value(existing) ?? undefined
    this.#notify(key, value, undefined)
    return undefined
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) this.#put(key, this.#keyBytes(key), value)
  }

  delete(key: K): V | undefined {
    this.#lifecycle.check()
    const old = this.#inner.delete(this.#keyBytes(key))
    if (old === undefined) return undefined
    this.#notify(key, null, old)
    return this.#value(old) ?? undefined
  }

  range(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    this.#lifecycle.check()
    return this.#typed(this.#inner.range(this.#boundBytes(from), this.#boundBytes(to)))
  }

  reverseRange(from?: K, to?: K): Iterable<KeyValue<K, V>> {
    this.#lifecycle.check()
    return this.#typed(this.#inner.reverseRange(this.#boundBytes(from), this.#boundBytes(to)))
  }

  all(): Iterable<KeyValue<K, V>> {
    this.#lifecycle.check()
    return this.#typed(this.#inner.all())
  }

  prefixScan(prefix: K): Iterable<KeyValue<K, V>> {
    this.#lifecycle.check()
    return this.#typed(this.#inner.prefixScan(this.#keyBytes(prefix)))
  }

  approximateNumEntries(): number {
    this.#lifecycle.check()
    return this.#inner.approximateNumEntries()
  }

  #put(key: K, keyBytes: Buffer, value: V | null | undefined): void {
    const valueBytes = value === null || value === undefined ? null : this.#valueBytes(value)
    if (this.#listener === null) {
      this.#inner.put(keyBytes, valueBytes)
      return
    }
    const old = valueBytes === null || this.#sendOldValues ? this.#inner.get(keyBytes) : undefined
    if (valueBytes === null && old === undefined) return
    this.#inner.put(keyBytes, valueBytes)
    this.#notify(key, valueBytes === null ? null : (value as V), old)
  }

  /** Without a caching layer: tells the listener about one write. */
  #notify(key: K, newValue: V | null, oldBytes: Buffer | undefined): void {
    const listener = this.#listener
    if (listener === null) return
    const oldValue = this.#sendOldValues && oldBytes !== undefined ? this.#value(oldBytes) : null
    listener({ key, newValue, oldValue, timestamp: this.#context!.recordTimestamp() })
  }

  *#typed(entries: Iterable<KeyValue<Buffer, Buffer>>): Generator<KeyValue<K, V>, void, undefined> {
    for (const entry of entries) yield { key: this.#key(entry.key), value: this.#value(entry.value) }
  }

  #boundBytes(bound: K | undefined): Buffer | undefined {
    return bound === undefined ? undefined : this.#keyBytes(bound)
  }

  #keyBytes(key: K): Buffer {
    if (key === this.#lastKey && this.#lastKeyBytes !== null) return this.#lastKeyBytes
    if (key === null || key === undefined) {
      throw new StreamsError('STREAMS_STATE_STORE', `State store "${this.name}" was given a ${String(key)} key; store keys must not be null`)
    }
    const bytes = this.#sync(this.#keySerde!.serialize(this.#topic, key), 'key', 'serialize')
    if (bytes === null) throw new StreamsError('STREAMS_STATE_STORE', `The key serde of state store "${this.name}" serialized a key to null; store keys must not be null`)
    if (typeof key !== 'object' && typeof key !== 'function') {
      this.#lastKey = key
      this.#lastKeyBytes = bytes
    }
    return bytes
  }

  #valueBytes(value: V): Buffer | null {
    return this.#sync(this.#valueSerde!.serialize(this.#topic, value), 'value', 'serialize')
  }

  #key(bytes: Buffer): K {
    return this.#sync(this.#keySerde!.deserialize(this.#topic, bytes), 'key', 'deserialize') as K
  }

  #value(bytes: Buffer): V {
    return this.#sync(this.#valueSerde!.deserialize(this.#topic, bytes), 'value', 'deserialize') as V
  }

  #sync<T>(result: T | Promise<T>, which: 'key' | 'value', action: string): T {
    if (!isPromise(result)) return result
    result.catch(() => undefined)
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `The ${which} serde of state store "${this.name}" returned a Promise to ${action}, but state store reads and writes are synchronous; ` +
        'use a serde that answers synchronously (primitive or JSON serdes, or a schema-registry serde whose schema is registered and cached)',
    )
  }
}
