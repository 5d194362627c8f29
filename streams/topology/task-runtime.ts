/**
 * The seam between a compiled topology and whatever runs it: `TaskRuntime` is what one task's
 * pipeline needs from its runner (the real runtime in `streams/runtime/`, or the topology test
 * driver in `streams/testing/`), and `InputRecord` is what the runner feeds it.
 *
 * The runner owns: consuming, task assignment, opening / restoring / flushing / closing stores,
 * producing, committing. The pipeline owns: deserializing input, running the nodes (RxJS),
 * serializing output, and applying the exception handlers of `StreamsConfig`.
 */
import type { Logger, RecordHeader } from '../../core/index.ts'
import type { TaskId } from '../processor/api.ts'
import type { StreamsConfig } from '../runtime/config.ts'
import type { StateStore } from '../state/api.ts'

/**
 * A raw record consumed from one of the task's input partitions. Its fields are those of core's
 * `ConsumerRecord` of the same names, so that the runtime hands the consumer's records to the
 * pipeline as they are (no copy per record); it may carry more fields, which the pipeline ignores.
 */
export interface InputRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** The record's headers in their order (core's `ConsumerRecord.headerList`). */
  readonly headerList: readonly RecordHeader[]
}

export interface TaskRuntime {
  readonly applicationId: string
  readonly taskId: TaskId
  readonly config: StreamsConfig
  readonly logger: Logger
  /** The task's opened (and restored) store, by name; undefined when the task has no such store. */
  getStateStore(name: string): StateStore | undefined
  /**
   * Queues an output record (sinks, repartition topics, dead-letter topics) on the task's
   * producer. `partition` undefined: the default partitioner (murmur2 of the key). Delivery is
   * complete before the task's next commit completes; a failed delivery goes to the production
   * exception handler.
   */
  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void
  /** Partition count of an output topic when known (for sinks with a custom partitioner). */
  partitionsFor(topic: string): number | undefined
  /** Asks for a commit after the current record (ProcessorContext.commit). */
  requestCommit(): void
  /** Wall-clock time (the test driver's is mocked). */
  now(): number
}
