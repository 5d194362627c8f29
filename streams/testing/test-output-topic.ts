/**
 * `TestOutputTopic`: reads what a `TopologyTestDriver`'s topology wrote to a topic (Kafka
 * Streams' `TestOutputTopic`). Reading consumes: each record is read once, in the order it was
 * written, across every `TestOutputTopic` of the same topic. Serdes must answer synchronously.
 * Reading while piped records are still being processed throws STREAMS_ILLEGAL_STATE: await
 * the `pipeInput` first.
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { KeyValue } from '../state/api.ts'
import type { CapturedRecord } from './test-record.ts'

/** What an output topic reads from its driver. */
export interface OutputQueue {
  /** The next unread record of `topic`, consumed; undefined when none. */
  take(topic: string): CapturedRecord | undefined
  size(topic: string): number
}

export interface OutputRecord<K, V> {
  readonly key: K | null
  readonly value: V | null
  readonly timestamp: number
  readonly headers: CapturedRecord['headers']
  readonly partition: number | undefined
}

export class TestOutputTopic<K, V> {
  readonly name: string
  readonly #keySerde: Serde<K>
  readonly #valueSerde: Serde<V>
  readonly #queue: OutputQueue

  /** Made by `TopologyTestDriver#createOutputTopic`. */
  constructor(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, queue: OutputQueue) {
    this.name = name
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
    this.#queue = queue
  }

  readValue(): V | null {
    return this.readRecord().value
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const { key, value } = this.readRecord()
    return { key, value }
  }

  readRecord(): OutputRecord<K, V> {
    const record = this.#queue.take(this.name)
    if (record === undefined) throw new StreamsError('STREAMS_ILLEGAL_STATE', `Topic ${this.name} has no record left to read`)
    return {
      key: this.#sync(this.#keySerde.deserialize(this.name, record.key, record.headers), 'key'),
      value: this.#sync(this.#valueSerde.deserialize(this.name, record.value, record.headers), 'value'),
      timestamp: record.timestamp,
      headers: record.headers,
      partition: record.partition,
    }
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((record) => record.value)
  }

  readKeyValuesToList(): KeyValue<K | null, V | null>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }))
  }

  /** The last value of each key; a null value (tombstone) removes the key. */
  readKeyValuesToMap(): Map<K, V> {
    const map = new Map<K, V>()
    for (const { key, value } of this.readRecordsToList()) {
      if (key === null) throw new StreamsError('STREAMS_ILLEGAL_STATE', `readKeyValuesToMap: topic ${this.name} has a record with a null key`)
      if (value === null) map.delete(key)
      else map.set(key, value)
    }
    return map
  }

  readRecordsToList(): OutputRecord<K, V>[] {
    const records: OutputRecord<K, V>[] = []
    while (this.#queue.size(this.name) > 0) records.push(this.readRecord())
    return records
  }

  getQueueSize(): number {
    return this.#queue.size(this.name)
  }

  isEmpty(): boolean {
    return this.#queue.size(this.name) === 0
  }

  #sync<T>(result: T | null | Promise<T | null>, which: string): T | null {
    if (result instanceof Promise) {
      result.catch(() => undefined)
      throw new StreamsError('STREAMS_INVALID_CONFIG', `The ${which} serde of output topic ${this.name} answered with a Promise; use a synchronous serde to read test output`)
    }
    return result
  }
}
