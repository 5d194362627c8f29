/**
 * `TestInputTopic`: pipes records into a topic of a `TopologyTestDriver` (Kafka Streams'
 * `TestInputTopic`). Records are serialized with the topic's serdes and processed by the tasks
 * reading the topic, in order; each call resolves when the record and everything it led to
 * (repartition topics, cache flushes) was processed. Await it before reading outputs.
 *
 * Time: a record without a timestamp gets the topic's current time, which starts at the
 * driver's wall-clock time when the topic is created (or `startTimestamp`) and moves forward by
 * `autoAdvanceMs` after each such record, or by `advanceTime`.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { KeyValue } from '../state/api.ts'
import type { RawInput, TestRecord } from './test-record.ts'

export interface TestInputTopicOptions {
  readonly startTimestamp?: number
  readonly autoAdvanceMs?: number
}

/** How an input topic hands a record to its driver: `serialize` runs in the driver's order. */
export type PipeFunction = (topic: string, serialize: () => Promise<RawInput>) => Promise<void>

export class TestInputTopic<K, V> {
  readonly name: string
  readonly #keySerde: Serde<K>
  readonly #valueSerde: Serde<V>
  readonly #pipe: PipeFunction
  #currentTime: number
  readonly #autoAdvanceMs: number

  /** Made by `TopologyTestDriver#createInputTopic`. */
  constructor(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, pipe: PipeFunction, startTime: number, options: TestInputTopicOptions = {}) {
    this.name = name
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
    this.#pipe = pipe
    this.#currentTime = options.startTimestamp ?? startTime
    const advance = options.autoAdvanceMs ?? 0
    if (!Number.isFinite(advance) || advance < 0) throw new StreamsError('STREAMS_INVALID_CONFIG', `autoAdvanceMs must be >= 0, got ${String(advance)}`)
    this.#autoAdvanceMs = advance
  }

  /** Moves the topic's current time forward. */
  advanceTime(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new StreamsError('STREAMS_INVALID_CONFIG', `advanceTime needs a duration >= 0, got ${String(ms)}`)
    this.#currentTime += ms
  }

  /** Pipes a record with a null key (one argument), or a key and a value. */
  pipeInput(value: V | null): Promise<void>
  pipeInput(key: K | null, value: V | null, timestamp?: number): Promise<void>
  pipeInput(...args: unknown[]): Promise<void> {
    if (args.length === 1) return this.pipeRecord({ key: null, value: args[0] as V | null })
    return this.pipeRecord({ key: args[0] as K | null, value: args[1] as V | null, timestamp: args[2] as number | undefined })
  }

  pipeRecord(record: TestRecord<K, V>): Promise<void> {
    const timestamp = this.#timestamp(record.timestamp)
    const headers = [...(record.headers ?? [])]
    return this.#pipe(this.name, async () => {
      const key = await this.#keySerde.serialize(this.name, record.key, headers as RecordHeader[])
      const value = await this.#valueSerde.serialize(this.name, record.value, headers as RecordHeader[])
      return { key, value, headers, timestamp }
    })
  }

  async pipeValueList(values: Iterable<V | null>): Promise<void> {
    for (const value of values) await this.pipeRecord({ key: null, value })
  }

  async pipeKeyValueList(pairs: Iterable<KeyValue<K | null, V | null>>): Promise<void> {
    for (const { key, value } of pairs) await this.pipeRecord({ key, value })
  }

  async pipeRecordList(records: Iterable<TestRecord<K, V>>): Promise<void> {
    for (const record of records) await this.pipeRecord(record)
  }

  #timestamp(given: number | undefined): number {
    if (given !== undefined) return given
    const timestamp = this.#currentTime
    this.#currentTime += this.#autoAdvanceMs
    return timestamp
  }
}
