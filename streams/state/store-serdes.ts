/**
 * `StoreSerdes<K, V>`: the key and value serdes of a typed window or session store, resolved
 * at `init` (the store's own, else the application's defaults, else bytes), with the rules of
 * the typed key-value store (metered-key-value-store.ts): the serdes' "topic" is the changelog
 * topic, serdes must answer synchronously (a Promise fails with STREAMS_INVALID_CONFIG naming
 * the store), keys are never null.
 */
import { bytesSerde, type Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { StateStoreContext } from './api.ts'
import { changelogTopicName } from './changelog-topic.ts'

function isPromise(value: unknown): value is Promise<unknown> {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false
  return typeof (value as { then?: unknown }).then === 'function'
}

export class StoreSerdes<K, V> {
  readonly #storeName: string
  #keySerde: Serde<K> | null
  #valueSerde: Serde<V> | null
  #topic = ''

  constructor(storeName: string, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    this.#storeName = storeName
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
  }

  resolve(context: StateStoreContext): void {
    this.#keySerde ??= (context.config.defaultKeySerde ?? bytesSerde()) as Serde<K>
    this.#valueSerde ??= (context.config.defaultValueSerde ?? bytesSerde()) as Serde<V>
    this.#topic = changelogTopicName(context.applicationId, this.#storeName)
  }

  keyBytes(key: K): Buffer {
    if (key === null || key === undefined) {
      throw new StreamsError('STREAMS_STATE_STORE', `State store "${this.#storeName}" was given a ${String(key)} key; store keys must not be null`)
    }
    const bytes = this.#sync(this.#keySerde!.serialize(this.#topic, key), 'key', 'serialize')
    if (bytes === null) throw new StreamsError('STREAMS_STATE_STORE', `The key serde of state store "${this.#storeName}" serialized a key to null; store keys must not be null`)
    return bytes
  }

  /** Null for a null value (a deletion). */
  valueBytes(value: V | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null
    return this.#sync(this.#valueSerde!.serialize(this.#topic, value), 'value', 'serialize')
  }

  key(bytes: Buffer): K {
    return this.#sync(this.#keySerde!.deserialize(this.#topic, bytes), 'key', 'deserialize') as K
  }

  value(bytes: Buffer): V {
    return this.#sync(this.#valueSerde!.deserialize(this.#topic, bytes), 'value', 'deserialize') as V
  }

  #sync<T>(result: T | Promise<T>, which: 'key' | 'value', action: string): T {
    if (!isPromise(result)) return result
    result.catch(() => undefined)
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `The ${which} serde of state store "${this.#storeName}" returned a Promise to ${action}, but state store reads and writes are synchronous; ` +
        'use a serde that answers synchronously (primitive or JSON serdes, or a schema-registry serde whose schema is registered and cached)',
    )
  }
}
