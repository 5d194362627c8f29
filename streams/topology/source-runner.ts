/**
 * One source node of one task: deserializes an input record with the source's serdes (or the
 * application's defaults), takes its event time (the timestamp extractor, or the record's own
 * timestamp), advances the task's stream time, and pushes the record into the source's RxJS
 * Subject, whose subscribers are the source's children in the order they were added.
 *
 * A deserializer that throws (or rejects) goes to the deserialization exception handler; a
 * timestamp extractor that throws, or an invalid (negative, non-finite) timestamp, to the
 * processing exception handler. Serdes answering with promises hold the record until both
 * settled; the synchronous path allocates only the record.
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
import { handleFailure } from './exception-handling.ts'
import type { TimestampExtractor } from './node-options.ts'
import type { PipelineState } from './pipeline-state.ts'
import type { InputRecord } from './task-runtime.ts'
import type { SourceNode } from './topology-node.ts'

const BYTES: Serde<unknown> = bytesSerde() as Serde<unknown>

export class SourceRunner {
  readonly name: string
  /** The source's records, for its children to subscribe to; completes when the task's pipeline closes. */
  readonly records: Observable<AnyRecord>
  #subscribers: readonly Subscriber<AnyRecord>[] = []
  #completed = false
  readonly #state: PipelineState
  readonly #keySerde: Serde<unknown>
  readonly #valueSerde: Serde<unknown>
  readonly #extractor: TimestampExtractor | null

  constructor(node: SourceNode, state: PipelineState) {
    this.name = node.name
    this.#state = state
    const config = state.runtime.config
    this.#keySerde = node.keySerde ?? config.defaultKeySerde ?? BYTES
    this.#valueSerde = node.valueSerde ?? config.defaultValueSerde ?? BYTES
    this.#extractor = node.timestampExtractor
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

  accept(input: InputRecord): void {
    let key: unknown
    let value: unknown
    try {
      key = this.#keySerde.deserialize(input.topic, input.key, input.headers)
      value = this.#valueSerde.deserialize(input.topic, input.value, input.headers)
    } catch (error) {
      handleFailure(this.#state, 'deserialization', error, this.name)
      return
    }
    if (key instanceof Promise || value instanceof Promise) {
      this.#acceptLater(input, key, value)
      return
    }
    this.#emit(input, key, value)
  }

  complete(): void {
    if (this.#completed) return
    this.#completed = true
    const subscribers = this.#subscribers
    this.#subscribers = []
    for (const subscriber of subscribers) subscriber.complete()
  }

  #emit(input: InputRecord, key: unknown, value: unknown): void {
    const state = this.#state
    let timestamp = input.timestamp
    if (this.#extractor !== null) {
      try {
        timestamp = this.#extractor(
          { topic: input.topic, partition: input.partition, offset: input.offset, timestamp: input.timestamp, key, value, headers: input.headers },
          state.streamTime,
        )
      } catch (error) {
        handleFailure(state, 'processing', error, this.name)
        return
      }
    }
    if (!(timestamp >= 0) || !Number.isFinite(timestamp)) {
      const error = new StreamsError(
        'STREAMS_PROCESSING',
        `invalid timestamp ${String(timestamp)}: event time must be a finite number of ms >= 0; fix the producer or the source's timestamp extractor`,
      )
      handleFailure(state, 'processing', error, this.name)
      return
    }
    if (timestamp > state.streamTime) state.streamTime = timestamp
    const record: AnyRecord = { key, value, timestamp, headers: input.headers }
    const subscribers = this.#subscribers
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(record)
  }

  #acceptLater(input: InputRecord, key: unknown, value: unknown): void {
    const state = this.#state
    state.hold()
    Promise.all([key, value]).then(
      ([k, v]) => {
        const previous = state.enter(input as never)
        this.#emit(input, k, v)
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
