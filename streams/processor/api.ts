/**
 * The processor API (Kafka Streams' `org.apache.kafka.streams.processor.api`): what every node
 * of a topology is at run time, and what `KStream.process()` lets applications write.
 *
 * Execution contract (the runtime guarantees it; processors may rely on it):
 * - One processor instance per node per task, created when the task is created (`init`) and
 *   closed when the task is closed (`close`); never shared between tasks.
 * - `process` is called for one record at a time, in order, synchronously: a record and every
 *   record it leads to downstream (`forward`, depth-first, children in the order they were
 *   added) are processed before the task's next input record.
 * - `forward` is synchronous: when it returns, the children have processed the record.
 * - `recordMetadata()` is the input record being processed (topic, partition, offset); null in
 *   a punctuation.
 * - Punctuators (`schedule`) run on the task's thread, between records, never during one; what
 *   they forward and write is committed like the output of records (punctuation.ts).
 * - A processor that throws fails that record: the task's processing exception handler decides
 *   (continue with the next record, or fail the task). It never kills the pipeline silently.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import type { StateStore } from '../state/api.ts'
import type { TaskId } from './task-id.ts'

export { formatTaskId } from './task-id.ts'
export type { TaskId } from './task-id.ts'

/** A record inside a topology: typed key and value, event time, headers. */
export interface StreamRecord<K, V> {
  readonly key: K
  readonly value: V
  /** Event time, ms since the epoch (from the timestamp extractor for source records). */
  readonly timestamp: number
  readonly headers: readonly RecordHeader[]
}

/** Where the record being processed came from. */
export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/**
 * When a punctuator fires (Kafka Streams' `PunctuationType`): on stream time (driven by record
 * timestamps, never by the clock) or on wall-clock time (driven by the thread's loop).
 */
export const PunctuationType = {
  STREAM_TIME: 'STREAM_TIME',
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType]

/** A scheduled callback; `timestamp` is the stream time or wall-clock time it fired at. */
export type Punctuator = (timestamp: number) => void

/** What `schedule` returns: `cancel()` stops the punctuator (also from inside it). */
export interface Cancellable {
  cancel(): void
}

/** Counters of one task (Kafka Streams' task-level sensors), which processors may record to. */
export interface TaskMetrics {
  /**
   * `dropped-records-total`: records the task dropped: an invalid (negative) extracted
   * timestamp, a record skipped by an exception handler ('continue'), a late record of a window.
   */
  readonly droppedRecords: number
  /** Counts `count` (default 1) more dropped records. */
  recordDropped(count?: number): void
}

export interface ProcessorContext<KForward = never, VForward = never> {
  readonly applicationId: string
  readonly taskId: TaskId
  /** Sends a record to every child, or to the child named `childName`. */
  forward<K extends KForward, V extends VForward>(record: StreamRecord<K, V>, childName?: string): void
  /** A store connected to this processor (`process(supplier, ...storeNames)`); STREAMS_INVALID_TOPOLOGY otherwise. */
  getStateStore<S extends StateStore>(name: string): S
  /** The input record being processed; null outside of `process` (e.g. in a punctuation). */
  recordMetadata(): RecordMetadata | null
  /** The task's stream time: the largest timestamp processed so far (−1 before the first record). */
  currentStreamTimeMs(): number
  currentSystemTimeMs(): number
  /**
   * Schedules `punctuator` every `intervalMs` (an integer >= 1) of `type` time, until cancelled
   * or the task closes (Kafka's rules, see streams/topology/punctuation-queue.ts):
   * - STREAM_TIME: aligned to 0; fires as soon as stream time reaches the next multiple of the
   *   interval (with the stream time as `timestamp`), at most once per advance of stream time
   *   however many intervals it jumped over, the next one then aligned after it.
   * - WALL_CLOCK_TIME: first at now + `intervalMs`, then every interval (missed ones skipped).
   * During the callback `recordMetadata()` is null, store writes are stamped with the
   * punctuation's timestamp, and `forward` sends records downstream. A callback that throws
   * goes to the processing exception handler.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable
  /** The task's metrics (what `dropped-records` counts). */
  metrics(): TaskMetrics
  /** Asks for a commit of the task as soon as possible (after the current record). */
  commit(): void
  /** The application's `defaultKeySerde` (a bytes serde when none is configured). */
  keySerde(): Serde<unknown>
  /** The application's `defaultValueSerde` (a bytes serde when none is configured). */
  valueSerde(): Serde<unknown>
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void
  process(record: StreamRecord<KIn, VIn>): void
  close?(): void
}

/** Makes a fresh processor for each task; called once per task. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>
