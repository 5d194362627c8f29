/**
 * One Processor-API node of one task: the processor instance and the `ProcessorContext` it was
 * given (this object). `next` calls `process`, catching what it throws for the processing
 * exception handler; `forward` calls the children synchronously, in the order they were added
 * (depth-first), or the one child named.
 *
 * While `process` runs, the pipeline's `recordTimestamp` is the record's timestamp (what a store
 * write is stamped with), and is restored afterwards, so a parent that writes after forwarding
 * stamps with its own record's time (Kafka Streams restores the record context the same way).
 *
 * `schedule` adds a punctuator to the task's queue of its type (punctuation-queue.ts); the task
 * runs it through `punctuate`, which gives it the same treatment as `process`: store writes
 * stamped with the punctuation's timestamp, a throw handed to the processing exception handler.
 */
import { bytesSerde, type Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { AnyRecord } from '../operators/operator-context.ts'
import {
  type Cancellable, type Processor, type ProcessorContext, PunctuationType, type Punctuator, type RecordMetadata, type StreamRecord, type TaskId,
  type TaskMetrics,
} from '../processor/api.ts'
import type { StateStore } from '../state/api.ts'
import type { Endpoint } from './endpoint.ts'
import { handleFailure } from './exception-handling.ts'
import type { PipelineState, PunctuationNode } from './pipeline-state.ts'
import { PunctuationSchedule } from './punctuation-queue.ts'
import type { ProcessorNode } from './topology-node.ts'

const BYTES: Serde<unknown> = bytesSerde() as Serde<unknown>

export class ProcessorRunner implements Endpoint, ProcessorContext<unknown, unknown>, PunctuationNode {
  readonly name: string
  readonly #state: PipelineState
  readonly #processor: Processor<unknown, unknown, unknown, unknown>
  readonly #children: Endpoint[]
  readonly #childByName: Map<string, Endpoint>
  readonly #stores: ReadonlySet<string>
  readonly #isGlobalStore: (name: string) => boolean

  constructor(node: ProcessorNode, state: PipelineState, children: ReadonlyMap<string, Endpoint>, isGlobalStore: (name: string) => boolean) {
    this.name = node.name
    this.#state = state
    this.#childByName = new Map(children)
    this.#children = [...children.values()]
    this.#stores = new Set(node.stores)
    this.#isGlobalStore = isGlobalStore
    let processor: Processor<unknown, unknown, unknown, unknown>
    try {
      processor = node.supplier()
    } catch (error) {
      throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `The supplier of processor ${node.name} threw: ${(error as Error)?.message ?? String(error)}`, { cause: error })
    }
    if (processor === null || typeof processor !== 'object' || typeof processor.process !== 'function') {
      throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `The supplier of processor ${node.name} must return a new object with a process(record) method`)
    }
    this.#processor = processor
  }

  get applicationId(): string {
    return this.#state.runtime.applicationId
  }

  get taskId(): TaskId {
    return this.#state.runtime.taskId
  }

  /** Calls the processor's `init`; a failure there fails the task's creation. */
  init(): void {
    try {
      this.#processor.init?.(this as ProcessorContext<never, never>)
    } catch (error) {
      if (error instanceof StreamsError) throw error
      throw new StreamsError('STREAMS_PROCESSING', `Processor ${this.name} of task ${this.#state.taskLabel} failed in init: ${(error as Error)?.message ?? String(error)}`, { cause: error })
    }
  }

  close(): void {
    try {
      this.#processor.close?.()
    } catch (error) {
      this.#state.runtime.logger.warn(`Processor ${this.name} of task ${this.#state.taskLabel} threw in close`, { error: (error as Error)?.message ?? String(error) })
    }
  }

  next(record: AnyRecord): void {
    const state = this.#state
    if (state.failure !== null) return
    const timestamp = state.recordTimestamp
    state.recordTimestamp = record.timestamp
    try {
      this.#processor.process(record)
    } catch (error) {
      handleFailure(state, 'processing', error, this.name)
    }
    state.recordTimestamp = timestamp
  }

  /** Runs one of this processor's punctuators (the task began the punctuation). */
  punctuate(punctuator: Punctuator, timestamp: number): void {
    const state = this.#state
    if (state.failure !== null) return
    const previous = state.recordTimestamp
    state.recordTimestamp = timestamp
    try {
      punctuator(timestamp)
    } catch (error) {
      handleFailure(state, 'processing', error, this.name)
    }
    state.recordTimestamp = previous
  }

  error(error: unknown): void {
    this.#state.breakPipeline(error)
  }

  complete(): void {}

  // ---- ProcessorContext --------------------------------------------------------------------

  forward<K, V>(record: StreamRecord<K, V>, childName?: string): void {
    if (childName === undefined) {
      const children = this.#children
      for (let i = 0; i < children.length; i++) children[i].next(record)
      return
    }
    const child = this.#childByName.get(childName)
    if (child === undefined) {
      throw new StreamsError(
        'STREAMS_INVALID_TOPOLOGY',
        `Processor ${this.name} forwarded to ${childName}, which is not one of its children (${[...this.#childByName.keys()].join(', ') || 'none'})`,
      )
    }
    child.next(record)
  }

  getStateStore<S extends StateStore>(name: string): S {
    if (!this.#stores.has(name) && !this.#isGlobalStore(name)) {
      throw new StreamsError(
        'STREAMS_INVALID_TOPOLOGY',
        `Processor ${this.name} has no access to state store ${name}; connect it (process(supplier, '${name}') or connectProcessorAndStateStores)`,
      )
    }
    const store = this.#state.runtime.getStateStore(name)
    if (store === undefined) {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `State store ${name} is not open in task ${this.#state.taskLabel} (processor ${this.name})`)
    }
    return store as S
  }

  recordMetadata(): RecordMetadata | null {
    return this.#state.current
  }

  currentStreamTimeMs(): number {
    return this.#state.streamTime
  }

  currentSystemTimeMs(): number {
    return this.#state.runtime.now()
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Processor ${this.name} scheduled a punctuator every ${String(intervalMs)} ms; the interval must be an integer of at least 1 ms`)
    }
    if (typeof punctuator !== 'function') {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Processor ${this.name} scheduled ${String(punctuator)}, not a function (timestamp) => void`)
    }
    const state = this.#state
    if (state.global) {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `Processor ${this.name} of a global store cannot schedule punctuators (global store processors only load the store)`)
    }
    switch (type) {
      case PunctuationType.STREAM_TIME:
        // Aligned to 0: due as soon as stream time is known.
        return state.streamTimePunctuations.schedule(new PunctuationSchedule<PunctuationNode>(this, 0, intervalMs, punctuator))
      case PunctuationType.WALL_CLOCK_TIME:
        return state.wallClockPunctuations.schedule(new PunctuationSchedule<PunctuationNode>(this, state.runtime.now() + intervalMs, intervalMs, punctuator))
      default:
        throw new StreamsError('STREAMS_INVALID_CONFIG', `Processor ${this.name} scheduled a punctuator of type ${String(type)}; expected PunctuationType.STREAM_TIME or WALL_CLOCK_TIME`)
    }
  }

  metrics(): TaskMetrics {
    return this.#state.metrics
  }

  commit(): void {
    this.#state.runtime.requestCommit()
  }

  keySerde(): Serde<unknown> {
    return this.#state.runtime.config.defaultKeySerde ?? BYTES
  }

  valueSerde(): Serde<unknown> {
    return this.#state.runtime.config.defaultValueSerde ?? BYTES
  }
}
