/**
 * `Materialized`: how a KTable is kept in a state store (Kafka Streams' `Materialized`): the
 * store's name (which makes it queryable and names its changelog `<name>-changelog`) or a
 * store supplier, serdes, and whether the store is cached and changelogged. Immutable.
 *
 * ```ts
 * words.groupByKey().count(Materialized.as('counts').withCachingDisabled())
 * table.filter(isActive, Materialized.as(Stores.inMemoryKeyValueStore('active')))
 * ```
 *
 * Defaults, as Kafka Streams': a RocksDB store (`Stores.persistentKeyValueStore`), caching and
 * logging enabled; unnamed stores get generated names (`KSTREAM-AGGREGATE-STATE-STORE-…`).
 *
 * Windowed aggregations take a window or session store supplier in `as`
 * (`Stores.persistentWindowStore`, `Stores.inMemorySessionStore`, …) and `withRetention(ms)`:
 * how long windows are kept (default and minimum: what the windows need, see
 * windows/windowed-materialize.ts).
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { KeyValueBytesStoreSupplier } from '../state/stores.ts'
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../state/window-stores.ts'
import { validateName } from './named.ts'

interface MaterializedFields<K, V> {
  readonly storeName: string | null
  readonly storeSupplier: KeyValueBytesStoreSupplier | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly cachingEnabled: boolean
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>
  readonly windowStoreSupplier: WindowBytesStoreSupplier | null
  readonly sessionStoreSupplier: SessionBytesStoreSupplier | null
  readonly retentionMs: number | null
}

export class Materialized<K = any, V = any> implements MaterializedFields<K, V> {
  /** The store name, when given (by name or by the supplier's). */
  readonly storeName: string | null
  readonly storeSupplier: KeyValueBytesStoreSupplier | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly cachingEnabled: boolean
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>
  /** Window stores (windowed aggregations): the supplier given to `as`. */
  readonly windowStoreSupplier: WindowBytesStoreSupplier | null
  /** Session stores (session-windowed aggregations): the supplier given to `as`. */
  readonly sessionStoreSupplier: SessionBytesStoreSupplier | null
  /** `withRetention`: how long a windowed store keeps windows (ms); null: size + grace. */
  readonly retentionMs: number | null

  private constructor(fields: MaterializedFields<K, V>) {
    this.storeName = fields.storeName
    this.storeSupplier = fields.storeSupplier
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.cachingEnabled = fields.cachingEnabled
    this.loggingEnabled = fields.loggingEnabled
    this.logConfig = fields.logConfig
    this.windowStoreSupplier = fields.windowStoreSupplier
    this.sessionStoreSupplier = fields.sessionStoreSupplier
    this.retentionMs = fields.retentionMs
  }

  /** A store named `storeName`, or made by `supplier` (named after it). */
  static as<K = any, V = any>(store: string | KeyValueBytesStoreSupplier | WindowBytesStoreSupplier | SessionBytesStoreSupplier): Materialized<K, V> {
    if (typeof store === 'string') return new Materialized<K, V>({ ...DEFAULTS, storeName: validateName(store, 'store') })
    if (store !== null && typeof store === 'object' && typeof store.get === 'function' && 'retentionPeriodMs' in store) {
      if ('windowSizeMs' in store) return new Materialized<K, V>({ ...DEFAULTS, storeName: store.name, windowStoreSupplier: store })
      return new Materialized<K, V>({ ...DEFAULTS, storeName: store.name, sessionStoreSupplier: store as SessionBytesStoreSupplier })
    }
    if (store === null || typeof store !== 'object' || typeof store.get !== 'function') {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'Materialized.as needs a store name or a store supplier (Stores.persistentKeyValueStore, Stores.inMemoryKeyValueStore)')
    }
    return new Materialized<K, V>({ ...DEFAULTS, storeName: store.name, storeSupplier: store })
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Materialized<K, V> {
    return new Materialized<K, V>({ ...DEFAULTS, keySerde, valueSerde })
  }

  withKeySerde<KR>(keySerde: Serde<KR>): Materialized<KR, V> {
    return new Materialized<KR, V>({ ...this.#fields(), keySerde })
  }

  withValueSerde<VR>(valueSerde: Serde<VR>): Materialized<K, VR> {
    return new Materialized<K, VR>({ ...this.#fields(), valueSerde })
  }

  withCachingEnabled(): Materialized<K, V> {
    return new Materialized({ ...this.#fields(), cachingEnabled: true })
  }

  withCachingDisabled(): Materialized<K, V> {
    return new Materialized({ ...this.#fields(), cachingEnabled: false })
  }

  withLoggingEnabled(config: Record<string, string> = {}): Materialized<K, V> {
    return new Materialized({ ...this.#fields(), loggingEnabled: true, logConfig: Object.freeze({ ...config }) })
  }

  /** For windowed stores: keep windows `retentionMs` (at least window size + grace; Kafka's `withRetention`). */
  withRetention(retentionMs: number): Materialized<K, V> {
    if (typeof retentionMs !== 'number' || !Number.isSafeInteger(retentionMs) || retentionMs < 0) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Materialized.withRetention needs an integer number of milliseconds >= 0, got ${String(retentionMs)}`)
    }
    return new Materialized({ ...this.#fields(), retentionMs })
  }

  withLoggingDisabled(): Materialized<K, V> {
    return new Materialized({ ...this.#fields(), loggingEnabled: false, logConfig: Object.freeze({}) })
  }

  #fields(): MaterializedFields<K, V> {
    return {
      storeName: this.storeName, storeSupplier: this.storeSupplier, keySerde: this.keySerde, valueSerde: this.valueSerde,
      cachingEnabled: this.cachingEnabled, loggingEnabled: this.loggingEnabled, logConfig: this.logConfig,
      windowStoreSupplier: this.windowStoreSupplier, sessionStoreSupplier: this.sessionStoreSupplier, retentionMs: this.retentionMs,
    }
  }
}

const DEFAULTS: MaterializedFields<any, any> = {
  storeName: null, storeSupplier: null, keySerde: null, valueSerde: null, cachingEnabled: true, loggingEnabled: true, logConfig: Object.freeze({}),
  windowStoreSupplier: null, sessionStoreSupplier: null, retentionMs: null,
}
