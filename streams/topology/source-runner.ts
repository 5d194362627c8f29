/**
 * One source node of one task: prepares an input record (`stamp`: deserializes it with the
 * source's serdes, or the application's defaults, and takes its event time from the source's
 * timestamp extractor, or the application's `defaultTimestampExtractor`), then (`accept`)
 * advances the task's stream time and pushes the record into the source's RxJS Subject, whose
 * subscribers are the source's children in the order they were added.
 *
 * Failures, as Kafka Streams treats them:
 * - a deserializer that throws (or rejects): the deserialization exception handler, when the
 *   record is processed;
 * - a timestamp extractor that throws: fatal for the task (a StreamsError naming the source and
 *   the record; handlers are not asked); `FailOnInvalidTimestamp` throws STREAMS_INVALID_TIMESTAMP;
 * - an extracted timestamp that is negative or not finite: the record is dropped, with a
 *   warning and one more `dropped-records`.
 * Serdes answering with promises hold the record until both settled (extraction then happens
 * after them); the synchronous path allocates only the stamped record and the record.
 *
 * The source's `records` observable multicasts to its subscribers (the children, in the order
 * they were added) as an RxJS `Subject` does, minus what a Subject costs per record (a closure
 * and a check of its state): a plain loop over the subscribers, whose list is replaced, never
 * changed, when one subscribes or unsubscribes (so a change during a record does not disturb it).
 */
import { Observable, type Subscriber } from 'rxjs'
import { bytesSerde, type Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { AnyRecord } from '../operators/operator-context.ts'
import { type ConsumedRecord, ExtractRecordMetadataTimestamp, FailOnInvalidTimestamp, type TimestampExtractor, extractorName } from '../processor/timestamp-extractor.ts'
import { handleFailure } from './exception-handling.ts'
import type { PipelineState } from './pipeline-state.ts'
import { StampedRecord } from './stamped-record.ts'
import type { InputRecord } from './task-runtime.ts'
import type { SourceNode } from './topology-node.ts'

const BYTES: Serde<unknown> = bytesSerde() as Serde<unknown>
const FAIL_ON_INVALID_TIMESTAMP = new FailOnInvalidTimestamp()

export class SourceRunner {
  readonly name: string
  /** The source's records, for its children to subscribe to; completes when the task's pipeline closes. */
  readonly records: Observable<AnyRecord>
  #subscribers: readonly Subscriber<AnyRecord>[] = []
  #completed = false
  readonly #state: PipelineState
  readonly #keySerde: Serde<unknown>
  readonly #valueSerde: Serde<unknown>
  readonly #extractor: TimestampExtractor
  /** The extractor is one of the record-timestamp ones: no record object is made unless the timestamp is invalid. */
  readonly #recordTimestampExtractor: ExtractRecordMetadataTimestamp | null

  constructor(node: SourceNode, state: PipelineState) {
    this.name = node.name
    this.#state = state
    const config = state.runtime.config
    this.#keySerde = node.keySerde ?? config.defaultKeySerde ?? BYTES
    this.#valueSerde = node.valueSerde ?? config.defaultValueSerde ?? BYTES
    // A hand-made config (tests) may lack the default: it is Kafka's FailOnInvalidTimestamp.
    this.#extractor = node.timestampExtractor ?? config.defaultTimestampExtractor ?? FAIL_ON_INVALID_TIMESTAMP
    const extractor = this.#extractor
    this.#recordTimestampExtractor = extractor instanceof ExtractRecordMetadataTimestamp && extractor.extract === ExtractRecordMetadataTimestamp.prototype.extract
      ? extractor
      : null
    this.records = new Observable<AnyRecord>((subscriber) => {
      if (this.#completed) {
        subscriber.complete()
        return undefined
      }
      this.#subscribers = [...this.#subscribers, subscriber]
      return () => {
        this.#subscribers = this.#subscribers.filter((s) => s !== subscriber)
      }
    })
  }

  /**
   * Deserializes `input` and extracts its event time (see the module comment); null when the
   * record is dropped for an invalid timestamp. Throws a fatal extractor failure. `reuse`, a
   * processed record's stamp, is reset and returned in the common (synchronous) case.
   */
  stamp(input: InputRecord, partitionTime: number, reuse: StampedRecord | null = null): StampedRecord | null {
    let key: unknown
    let value: unknown
    try {
      key = this.#keySerde.deserialize(input.topic, input.key, input.headerList)
      value = this.#valueSerde.deserialize(input.topic, input.value, input.headerList)
    } catch (error) {
      return new StampedRecord(input, input.timestamp, partitionTime, undefined, undefined, false, true, error)
    }
    if (key instanceof Promise || value instanceof Promise) {
      // The record may wait in its queue before `accept` looks at these: a rejection meanwhile is not unhandled.
      if (key instanceof Promise) key.catch(noop)
      if (value instanceof Promise) value.catch(noop)
      return new StampedRecord(input, input.timestamp, partitionTime, key, value, false)
    }
    const timestamp = this.#extract(input, key, value, partitionTime)
    if (timestamp < 0) return null
    if (reuse !== null) return reuse.reset(input, timestamp, partitionTime, key, value)
    return new StampedRecord(input, timestamp, partitionTime, key, value, true)
  }

  /** Processes a stamped record (the pipeline began the record). */
  accept(stamped: StampedRecord): void {
    if (stamped.failed) {
      handleFailure(this.#state, 'deserialization', stamped.failure, this.name)
      return
    }
    if (!stamped.extracted) {
      this.#acceptLater(stamped)
      return
    }
    this.#emit(stamped.input, stamped.key, stamped.value, stamped.timestamp)
  }

  complete(): void {
    if (this.#completed) return
    this.#completed = true
    const subscribers = this.#subscribers
    this.#subscribers = []
    for (const subscriber of subscribers) subscriber.complete()
  }

  /**
   * The event time of a record, or −1 when it is dropped (logged and counted here). Throws
   * (a StreamsError) when the extractor throws or answers something that is not a number.
   */
  #extract(input: InputRecord, key: unknown, value: unknown, partitionTime: number): number {
    const fast = this.#recordTimestampExtractor
    let timestamp: number
    try {
      if (fast !== null) {
        timestamp = input.timestamp
        if (timestamp < 0) timestamp = fast.onInvalidTimestamp(consumedRecord(input, key, value), timestamp, partitionTime)
      } else {
        const extractor = this.#extractor
        const record = consumedRecord(input, key, value)
        timestamp = typeof extractor === 'function' ? extractor(record, partitionTime) : extractor.extract(record, partitionTime)
      }
    } catch (error) {
      if (error instanceof StreamsError) throw error
      throw new StreamsError(
        'STREAMS_PROCESSING',
        `The timestamp extractor ${extractorName(this.#extractor)} of source ${this.name} (task ${this.#state.taskLabel}) threw on the record of ` +
          `${input.topic}-${input.partition} at offset ${input.offset}: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      )
    }
    if (typeof timestamp !== 'number') {
      throw new StreamsError(
        'STREAMS_INVALID_TIMESTAMP',
        `The timestamp extractor ${extractorName(this.#extractor)} of source ${this.name} returned ${String(timestamp)} for the record of ` +
          `${input.topic}-${input.partition} at offset ${input.offset}; it must return ms since the epoch (a number)`,
      )
    }
    if (timestamp >= 0 && Number.isFinite(timestamp)) return timestamp
    const state = this.#state
    state.runtime.logger.warn('Skipping record due to negative extracted timestamp', {
      task: state.taskLabel, topic: input.topic, partition: input.partition, offset: input.offset,
      extractedTimestamp: timestamp, extractor: extractorName(this.#extractor),
    })
    state.metrics.recordDropped()
    return -1
  }

  #emit(input: InputRecord, key: unknown, value: unknown, timestamp: number): void {
    const state = this.#state
    if (timestamp > state.streamTime) state.streamTime = timestamp
    const record: AnyRecord = { key, value, timestamp, headers: input.headerList }
    const subscribers = this.#subscribers
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(record)
  }

  #acceptLater(stamped: StampedRecord): void {
    const state = this.#state
    const input = stamped.input
    state.hold()
    Promise.all([stamped.key, stamped.value]).then(
      ([k, v]) => {
        const previous = state.enter(input as never)
        try {
          const timestamp = this.#extract(input, k, v, stamped.partitionTime)
          if (timestamp >= 0) this.#emit(input, k, v, timestamp)
        } catch (error) {
          state.fail(error as StreamsError)
        }
        state.enter(previous)
        state.release()
      },
      (error: unknown) => {
        const previous = state.enter(input as never)
        handleFailure(state, 'deserialization', error, this.name)
        state.enter(previous)
        state.release()
      },
    )
  }
}

function noop(): void {}

function consumedRecord(input: InputRecord, key: unknown, value: unknown): ConsumedRecord {
  return { topic: input.topic, partition: input.partition, offset: input.offset, timestamp: input.timestamp, key, value, headers: input.headerList }
}
