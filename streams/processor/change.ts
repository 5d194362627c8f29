/**
 * `Change<V>`: the value of a record flowing between KTable nodes (Kafka Streams' `Change`).
 * `newValue` null is a deletion. `oldValue` is the value the key had before this change when the
 * downstream node asked for old values (a grouping with a subtractor does), otherwise null.
 */
export interface Change<V> {
  readonly newValue: V | null
  readonly oldValue: V | null
}

export function change<V>(newValue: V | null, oldValue: V | null): Change<V> {
  return { newValue, oldValue }
}
