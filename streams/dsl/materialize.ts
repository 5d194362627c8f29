/**
 * Turning a `Materialized` into a store for a KTable node (Kafka Streams'
 * `MaterializedInternal` and `KeyValueStoreMaterializer`).
 *
 * Two steps, because Kafka Streams orders its name generation that way: `storeNameFor` decides
 * the store's name when the DSL call is made (a generated `<prefix>STATE-STORE-<index>` when
 * the user gave none, consuming an index even if the store is never built), and
 * `keyValueStoreFor` builds the `StoreBuilder` when the node is materialized. KTable stores hold
 * `ValueAndTimestamp`s; default store: RocksDB, caching and logging on.
 */
import type { Serde } from '../../serdes/index.ts'
import type { StoreBuilder } from '../state/api.ts'
import { Stores } from '../state/stores.ts'
import type { InternalStreamsBuilder } from './internal-streams-builder.ts'
import type { Materialized } from './materialized.ts'
import { ValueAndTimestampSerde } from './value-and-timestamp.ts'

export interface StoreName {
  readonly name: string
  /** Named by the user: the table is queryable and always materialized. */
  readonly queryable: boolean
}

export function storeNameFor(builder: InternalStreamsBuilder, materialized: Materialized | undefined, prefix: string): StoreName {
  const name = materialized?.storeName ?? null
  return name === null ? { name: builder.newStoreName(prefix), queryable: false } : { name, queryable: true }
}

export interface MaterializedStore<V> {
  readonly builder: StoreBuilder
  /** The store's value serde: to resolve the application's default at processor init. */
  readonly valueSerde: ValueAndTimestampSerde<V>
}

export function keyValueStoreFor<K, V>(
  name: string,
  materialized: Materialized | undefined,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): MaterializedStore<V> {
  const supplier = materialized?.storeSupplier ?? Stores.persistentKeyValueStore(name)
  const storeValueSerde = new ValueAndTimestampSerde<V>(valueSerde)
  const builder = Stores.keyValueStoreBuilder(supplier, keySerde, storeValueSerde)
  if (materialized?.cachingEnabled ?? true) builder.withCachingEnabled()
  else builder.withCachingDisabled()
  if (materialized?.loggingEnabled ?? true) builder.withLoggingEnabled({ ...(materialized?.logConfig ?? {}) })
  else builder.withLoggingDisabled()
  return { builder, valueSerde: storeValueSerde }
}
