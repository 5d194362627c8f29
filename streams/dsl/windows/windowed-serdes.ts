/**
 * `WindowedSerdes`: serdes of `Windowed<K>` keys (Kafka Streams' `WindowedSerdes`,
 * `TimeWindowedSerializer`/`Deserializer`, `SessionWindowedSerializer`/`Deserializer`), with
 * Kafka's byte layouts, so windowed results written to a topic read the same as Kafka's:
 *
 * - time-windowed: `[inner key bytes][8-byte big-endian window start]`; the end is not
 *   written: the deserializer is given the window size (end = start + size);
 * - session-windowed: `[inner key bytes][8-byte session end][8-byte session start]`.
 *
 * The inner serde may be asynchronous (schema-registry serdes): the result is then a Promise.
 */
import type { RecordHeader, RecordHeaders } from '../../../core/index.ts'
import type { Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'
import type { Windowed } from '../../state/window-api.ts'
import { readTimestamp, SESSION_SUFFIX_SIZE, sessionKey, TIMESTAMP_SIZE, timeWindowedKey } from '../../state/window-key-schema.ts'
import { checkDuration } from './duration.ts'

type MaybePromise<T> = T | Promise<T>

function then<T, R>(value: MaybePromise<T>, next: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}

function tooShort(kind: string, topic: string, data: Buffer, needed: number): StreamsError {
  return new StreamsError('STREAMS_DESERIALIZATION', `A ${kind} key of ${data.length} bytes on ${topic} is too short: it needs ${needed} bytes after the inner key`)
}

function innerOf<K>(inner: Serde<K> | null): Serde<K> {
  if (inner === null) throw new StreamsError('STREAMS_ILLEGAL_STATE', 'A windowed key serde was used before the default key serde was supplied')
  return inner
}

export class TimeWindowedSerde<K> implements Serde<Windowed<K>> {
  #inner: Serde<K> | null
  readonly windowSizeMs: number

  /** A null inner serde: the application's default key serde, supplied by `resolveDefault` before use (DSL tables). */
  constructor(inner: Serde<K> | null, windowSizeMs: number) {
    this.#inner = inner
    this.windowSizeMs = checkDuration('WindowedSerdes.timeWindowedSerdeFrom', 'the window size', windowSizeMs)
  }

  resolveDefault(serde: Serde<unknown>): void {
    this.#inner ??= serde as Serde<K>
  }

  get #serde(): Serde<K> {
    return innerOf(this.#inner)
  }

  serialize(topic: string, value: Windowed<K> | null, headers?: RecordHeaders): MaybePromise<Buffer | null> {
    if (value === null) return null
    return then(this.#serde.serialize(topic, value.key, headers), (bytes) => (bytes === null ? null : timeWindowedKey(bytes, value.window.startMs)))
  }

  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): MaybePromise<Windowed<K> | null> {
    if (data === null) return null
    if (data.length < TIMESTAMP_SIZE) throw tooShort('time-windowed', topic, data, TIMESTAMP_SIZE)
    const start = readTimestamp(data, data.length - TIMESTAMP_SIZE)
    const window = { startMs: start, endMs: start + this.windowSizeMs }
    return then(this.#serde.deserialize(topic, data.subarray(0, data.length - TIMESTAMP_SIZE), headers), (key) => ({ key: key as K, window }))
  }
}

export class SessionWindowedSerde<K> implements Serde<Windowed<K>> {
  #inner: Serde<K> | null

  /** A null inner serde: the application's default key serde, supplied by `resolveDefault` before use (DSL tables). */
  constructor(inner: Serde<K> | null) {
    this.#inner = inner
  }

  resolveDefault(serde: Serde<unknown>): void {
    this.#inner ??= serde as Serde<K>
  }

  get #serde(): Serde<K> {
    return innerOf(this.#inner)
  }

  serialize(topic: string, value: Windowed<K> | null, headers?: RecordHeaders): MaybePromise<Buffer | null> {
    if (value === null) return null
    return then(this.#serde.serialize(topic, value.key, headers), (bytes) => (bytes === null ? null : sessionKey(bytes, value.window.startMs, value.window.endMs)))
  }

  deserialize(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): MaybePromise<Windowed<K> | null> {
    if (data === null) return null
    if (data.length < SESSION_SUFFIX_SIZE) throw tooShort('session-windowed', topic, data, SESSION_SUFFIX_SIZE)
    const end = readTimestamp(data, data.length - SESSION_SUFFIX_SIZE)
    const start = readTimestamp(data, data.length - TIMESTAMP_SIZE)
    const window = { startMs: start, endMs: end }
    return then(this.#serde.deserialize(topic, data.subarray(0, data.length - SESSION_SUFFIX_SIZE), headers), (key) => ({ key: key as K, window }))
  }
}

export const WindowedSerdes = Object.freeze({
  /** Serde of time-windowed keys; `windowSizeMs` gives the window end when reading. */
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSizeMs: number): TimeWindowedSerde<K> {
    return new TimeWindowedSerde(inner, windowSizeMs)
  },

  sessionWindowedSerdeFrom<K>(inner: Serde<K>): SessionWindowedSerde<K> {
    return new SessionWindowedSerde(inner)
  },
})
