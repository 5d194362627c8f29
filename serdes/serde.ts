/**
 * `Serde<T>`: turns a `T` into record bytes and back, given the topic and the record's headers.
 *
 * A serde satisfies core's `Serializer` and `Deserializer` structurally, so
 * `creek.producer({ key, value })` and `creek.consumer({ key, value })` take serdes as they are.
 *
 * Contracts, as Kafka's serdes:
 * - `null` serializes to `null` (a null key, or a tombstone value) and null bytes deserialize to
 *   `null`, whatever the format; so `deserialize` returns `T | null`.
 * - A serde that needs nothing but the value answers synchronously (`SyncSerde`); a
 *   schema-aware serde answers synchronously too once its schema ids are cached, and with a
 *   promise only while it consults the registry.
 * - Failures are `SerdesError`s naming the topic (and schema id when known); a serializer may
 *   append headers, a deserializer never changes them.
 */
import type { RecordHeader, RecordHeaders } from '../core/index.ts'

export interface Serde<T> {
  serialize(topic: string, value: T | null, headers?: RecordHeaders): Buffer | null | Promise<Buffer | null>
  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): T | null | Promise<T | null>
}

/** A serde that never needs to wait: primitives and schema-less JSON. */
export interface SyncSerde<T> extends Serde<T> {
  serialize(topic: string, value: T | null, headers?: RecordHeaders): Buffer | null
  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): T | null
}
