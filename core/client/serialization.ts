/**
 * What typed clients need of a serde: turning a value into record bytes and back, given the
 * topic and the record's headers. The serdes layer implements these interfaces structurally
 * (core never imports serdes); a plain object with the method works too.
 */
import type { RecordHeader } from '../protocol/record-batch.ts'

/**
 * The headers of one record, in order (a key may repeat). A serializer may append to them, for
 * example to carry a schema id or a content type beside the value.
 */
export type RecordHeaders = RecordHeader[]

export interface Serializer<T> {
  /** The bytes of `value`; `null` writes a null key or value (a tombstone for a value). */
  serialize(topic: string, value: T, headers: RecordHeaders): Buffer | null | Promise<Buffer | null>
}

export interface Deserializer<T> {
  /** The value of `data` (null for a null key or a tombstone). */
  deserialize(topic: string, data: Buffer | null, headers: readonly RecordHeader[]): T | Promise<T>
}
