/**
 * Building `StreamRecord`s. Records are immutable: a processor that changes a key, a value or a
 * timestamp forwards a new record. These helpers always create objects of one shape (key,
 * value, timestamp, headers, in that order), so the engine's property accesses stay monomorphic
 * on the hot path.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { StreamRecord } from './api.ts'

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** A new record; headers default to none. */
export function createRecord<K, V>(key: K, value: V, timestamp: number, headers: readonly RecordHeader[] = NO_HEADERS): StreamRecord<K, V> {
  return { key, value, timestamp, headers }
}

/** `record` with another key. */
export function withKey<K, V>(record: StreamRecord<unknown, V>, key: K): StreamRecord<K, V> {
  return { key, value: record.value, timestamp: record.timestamp, headers: record.headers }
}

/** `record` with another value. */
export function withValue<K, V>(record: StreamRecord<K, unknown>, value: V): StreamRecord<K, V> {
  return { key: record.key, value, timestamp: record.timestamp, headers: record.headers }
}

/** `record` with another key and value. */
export function withKeyValue<K, V>(record: StreamRecord<unknown, unknown>, key: K, value: V): StreamRecord<K, V> {
  return { key, value, timestamp: record.timestamp, headers: record.headers }
}

/** `record` with another timestamp. */
export function withTimestamp<K, V>(record: StreamRecord<K, V>, timestamp: number): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp, headers: record.headers }
}
