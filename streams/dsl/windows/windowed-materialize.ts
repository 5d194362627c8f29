/**
 * Turning a `Materialized` into the window or session store of a windowed aggregation (Kafka
 * Streams' `TimeWindowedKStreamImpl#materialize`, `SlidingWindowedKStreamImpl#materialize`,
 * `SessionWindowedKStreamImpl#materialize`).
 *
 * Retention: `Materialized.withRetention`, else the least the windows need: window size +
 * grace (time windows), 2 × time difference + grace (sliding windows: a record may need the
 * windows of the previous record), inactivity gap + grace (sessions). A shorter retention is
 * STREAMS_INVALID_CONFIG, with Kafka's message. Default store: RocksDB; caching and logging as
 * `Materialized` says (both on by default). Window stores hold `ValueAndTimestamp`s.
 */
import type { Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'
import type { StoreBuilder } from '../../state/api.ts'
import { Stores } from '../../state/stores.ts'
import type { SessionStoreBuilder, WindowStoreBuilder } from '../../state/window-stores.ts'
import type { Materialized } from '../materialized.ts'
import { ValueAndTimestampSerde } from '../value-and-timestamp.ts'

function configure(builder: WindowStoreBuilder<any, any> | SessionStoreBuilder<any, any>, materialized: Materialized | undefined): StoreBuilder {
  if (materialized?.cachingEnabled ?? true) builder.withCachingEnabled()
  else builder.withCachingDisabled()
  if (materialized?.loggingEnabled ?? true) builder.withLoggingEnabled({ ...(materialized?.logConfig ?? {}) })
  else builder.withLoggingDisabled()
  return builder
}

function retentionFor(name: string, materialized: Materialized | undefined, minimum: number, what: string, detail: string): number {
  const retention = materialized?.windowStoreSupplier?.retentionPeriodMs ?? materialized?.sessionStoreSupplier?.retentionPeriodMs ?? materialized?.retentionMs ?? minimum
  if (retention < minimum) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `The retention period of the ${what} ${name} must be no smaller than ${detail}. Got ${`retention=[${retention}], minimum=[${minimum}]`}`)
  }
  return retention
}

export interface WindowedStore<V> {
  readonly builder: StoreBuilder
  readonly valueSerde: ValueAndTimestampSerde<V>
  readonly retentionMs: number
}

export function windowStoreFor<K, V>(
  name: string, materialized: Materialized | undefined, keySerde: Serde<K> | null, valueSerde: Serde<V> | null, windowSizeMs: number, minimumRetentionMs: number,
  detail: string,
): WindowedStore<V> {
  if (materialized?.sessionStoreSupplier != null || materialized?.storeSupplier != null) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `A windowed aggregation (store ${name}) needs a window store supplier (Stores.persistentWindowStore / inMemoryWindowStore) in Materialized.as`)
  }
  const retention = retentionFor(name, materialized, minimumRetentionMs, 'window store', detail)
  const supplied = materialized?.windowStoreSupplier ?? null
  if (supplied !== null && supplied.windowSizeMs !== windowSizeMs) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `The window store supplier of ${name} has window size ${supplied.windowSizeMs} ms; the windows have size ${windowSizeMs} ms`)
  }
  if (supplied?.retainDuplicates === true) throw new StreamsError('STREAMS_INVALID_CONFIG', `The window store supplier of ${name} retains duplicates; aggregations need one value per window`)
  const supplier = supplied ?? Stores.persistentTimestampedWindowStore(name, retention, windowSizeMs, false)
  const storeValueSerde = new ValueAndTimestampSerde<V>(valueSerde)
  return { builder: configure(Stores.windowStoreBuilder(supplier, keySerde, storeValueSerde), materialized), valueSerde: storeValueSerde, retentionMs: retention }
}

export interface SessionedStore {
  readonly builder: StoreBuilder
  readonly retentionMs: number
}

export function sessionStoreFor<K, V>(name: string, materialized: Materialized | undefined, keySerde: Serde<K> | null, valueSerde: Serde<V> | null, minimumRetentionMs: number): SessionedStore {
  if (materialized?.windowStoreSupplier != null || materialized?.storeSupplier != null) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `A session-windowed aggregation (store ${name}) needs a session store supplier (Stores.persistentSessionStore / inMemorySessionStore) in Materialized.as`)
  }
  const retention = retentionFor(name, materialized, minimumRetentionMs, 'session store', 'the session inactivity gap plus the grace period')
  const supplier = materialized?.sessionStoreSupplier ?? Stores.persistentSessionStore(name, retention)
  return { builder: configure(Stores.sessionStoreBuilder(supplier, keySerde, valueSerde), materialized), retentionMs: retention }
}
