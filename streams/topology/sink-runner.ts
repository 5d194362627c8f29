/**
 * One sink node of one task: serializes each record with the sink's serdes (or the
 * application's defaults), chooses the topic (static, `<applicationId>-<name>` for internal
 * topics, or the extractor's) and the partition (the sink's partitioner, or the producer's
 * default), and hands it to `TaskRuntime.send`.
 *
 * Serializers receive the record's headers in an array they may append to; for a record
 * without headers one shared array is reused, so a synchronous send allocates nothing but the
 * serialized bytes. A serde that answers with a promise holds the record (`hold`/`release`);
 * later records of this sink queue behind it, so output order is input order.
 *
 * Failures of a serializer, the partitioner or `send` go to the production exception handler; an extractor
 * that throws goes to the processing exception handler (both name this sink).
 */
import type { RecordHeader } from '../../core/index.ts'
import { bytesSerde, type Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { AnyRecord } from '../operators/operator-context.ts'
import type { Endpoint } from './endpoint.ts'
import { handleFailure } from './exception-handling.ts'
import type { PipelineState } from './pipeline-state.ts'
import type { InputRecord } from './task-runtime.ts'
import type { SinkNode } from './topology-node.ts'

const BYTES: Serde<unknown> = bytesSerde() as Serde<unknown>
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

export class SinkRunner implements Endpoint {
  readonly name: string
  readonly #state: PipelineState
  readonly #node: SinkNode
  /** The static topic, as sent (prefixed when internal); null with an extractor. */
  readonly #topic: string | null
  readonly #keySerde: Serde<unknown>
  readonly #valueSerde: Serde<unknown>
  readonly #isInternal: (topic: string) => boolean
  #scratch: RecordHeader[] = []
  /** Records (and their scopes) waiting behind an asynchronous serialization. */
  #queue: unknown[] | null = null

  constructor(node: SinkNode, state: PipelineState, isInternal: (topic: string) => boolean) {
    this.name = node.name
    this.#node = node
    this.#state = state
    this.#isInternal = isInternal
    const config = state.runtime.config
    this.#topic = node.topic === null ? null : isInternal(node.topic) ? `${state.runtime.applicationId}-${node.topic}` : node.topic
    this.#keySerde = node.keySerde ?? config.defaultKeySerde ?? BYTES
    this.#valueSerde = node.valueSerde ?? config.defaultValueSerde ?? BYTES
  }

  next(record: AnyRecord): void {
    const state = this.#state
    if (state.failure !== null) return
    if (this.#queue !== null) {
      this.#queue.push(record, state.current)
      state.hold()
      return
    }
    this.#write(record)
  }

  error(error: unknown): void {
    this.#state.breakPipeline(error)
  }

  complete(): void {}

  /** Serializes and sends; false when it went asynchronous. */
  #write(record: AnyRecord): boolean {
    const state = this.#state
    const topic = this.#topic ?? this.#extractTopic(record)
    if (topic === null) return true
    const headers = record.headers.length === 0 ? this.#scratch : record.headers.slice()
    let key: Buffer | null | Promise<Buffer | null>
    let value: Buffer | null | Promise<Buffer | null>
    try {
      key = this.#keySerde.serialize(topic, record.key, headers)
      value = this.#valueSerde.serialize(topic, record.value, headers)
    } catch (error) {
      if (headers === this.#scratch) this.#scratch.length = 0
      handleFailure(state, 'production', error, this.name, topic)
      return true
    }
    if (key instanceof Promise || value instanceof Promise) {
      if (headers === this.#scratch) this.#scratch = []
      this.#writeLater(record, topic, key, value, headers)
      return false
    }
    this.#send(record, topic, key, value, headers === this.#scratch ? this.#takeScratch() : headers)
    return true
  }

  #takeScratch(): readonly RecordHeader[] {
    const scratch = this.#scratch
    if (scratch.length === 0) return NO_HEADERS
    this.#scratch = []
    return scratch
  }

  #send(record: AnyRecord, topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): void {
    const state = this.#state
    const partitioner = this.#node.partitioner
    try {
      if (partitioner === null) {
        state.runtime.send(topic, key, value, headers, record.timestamp)
        return
      }
      const count = state.runtime.partitionsFor(topic)
      if (count === undefined) throw new StreamsError('STREAMS_PRODUCTION', `the partition count of ${topic} is unknown, so its partitioner cannot run`)
      const partition = partitioner(topic, record.key, record.value, count)
      if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= count)) {
        throw new StreamsError('STREAMS_PRODUCTION', `the partitioner returned ${String(partition)}, not a partition of ${topic} (0 to ${count - 1})`)
      }
      state.runtime.send(topic, key, value, headers, record.timestamp, partition)
    } catch (error) {
      handleFailure(state, 'production', error, this.name, topic)
    }
  }

  #extractTopic(record: AnyRecord): string | null {
    const state = this.#state
    let topic: string
    try {
      topic = (this.#node.extractor as NonNullable<SinkNode['extractor']>)(record.key, record.value, state.current)
      if (typeof topic !== 'string' || topic === '') throw new StreamsError('STREAMS_PROCESSING', `the topic name extractor returned ${String(topic)}, not a topic name`)
    } catch (error) {
      handleFailure(state, 'processing', error, this.name)
      return null
    }
    return this.#isInternal(topic) ? `${state.runtime.applicationId}-${topic}` : topic
  }

  #writeLater(
    record: AnyRecord,
    topic: string,
    key: Buffer | null | Promise<Buffer | null>,
    value: Buffer | null | Promise<Buffer | null>,
    headers: RecordHeader[],
  ): void {
    const state = this.#state
    const scope = state.current
    this.#queue ??= []
    state.hold()
    Promise.all([key, value]).then(
      ([keyBytes, valueBytes]) => {
        const previous = state.enter(scope as never)
        if (state.failure === null) this.#send(record, topic, keyBytes, valueBytes, headers)
        state.enter(previous)
        this.#resume()
      },
      (error: unknown) => {
        const previous = state.enter(scope as never)
        handleFailure(state, 'production', error, this.name, topic)
        state.enter(previous)
        this.#resume()
      },
    )
  }

  /** After an asynchronous write: writes the queued records until one goes asynchronous again. */
  #resume(): void {
    const state = this.#state
    const queue = this.#queue as unknown[]
    this.#queue = null
    let i = 0
    while (i < queue.length) {
      const record = queue[i] as AnyRecord
      const scope = queue[i + 1] as InputRecord | null
      i += 2
      const previous = state.enter(scope as never)
      const done = state.failure !== null || this.#write(record)
      state.enter(previous)
      state.release()
      if (!done) {
        // The rest waits behind this one; their holds stay taken.
        ;(this.#queue as unknown as unknown[]).push(...queue.slice(i))
        break
      }
    }
    state.release()
  }
}
