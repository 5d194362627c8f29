/**
 * Connector and task contracts (Kafka Connect's `connector` and `source`/`sink` APIs).
 *
 * Lifecycle: the worker creates a connector, calls `start(props)`, asks `taskConfigs(maxTasks)`
 * for at most `tasks.max` task configs, and starts one task per config. `stop()` ends them.
 *
 * Source tasks: `poll()` returns records (an empty array or null when idle; the worker waits
 * `poll.interval.ms`-style backoff in the task). The worker produces them and, only after the
 * producer acknowledged them, records their `sourceOffset`s, committed to offset storage every
 * `offset.flush.interval.ms`; `commitRecord` is told about every acknowledged record.
 *
 * Sink tasks: `open(partitions)` then `put(records)` per batch consumed (a CONNECT_RETRIABLE
 * error: the same batch is put again after a backoff), `preCommit(offsets)` (default: `flush`
 * then the same offsets) before the worker commits consumer offsets, `close(partitions)` on
 * revocation, `stop()`.
 */
import type { ConfigDefinition } from './config-def.ts'
import type { SinkRecord, SourceMap, SourceRecord } from './records.ts'

export interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  /** The next offset to read. */
  readonly offset: number
}

export interface ConnectorContext {
  /** The connector's inputs changed: the worker asks `taskConfigs` again and restarts its tasks. */
  requestTaskReconfiguration(): void
  /** The connector failed outside of a call (e.g. a monitoring thread); it goes to FAILED. */
  raiseError(error: Error): void
}

export interface Connector {
  readonly version: string
  config(): ConfigDefinition
  /** `ctx` is given before `start`. */
  initialize?(ctx: ConnectorContext): void
  start(props: Readonly<Record<string, string>>): void | Promise<void>
  taskConfigs(maxTasks: number): Record<string, string>[] | Promise<Record<string, string>[]>
  stop(): void | Promise<void>
}

export interface SourceConnector extends Connector {
  readonly kind: 'source'
  taskClass(): () => SourceTask
}

export interface SinkConnector extends Connector {
  readonly kind: 'sink'
  taskClass(): () => SinkTask
}

export interface OffsetStorageReader {
  /** The last committed offset of a source partition; null when none. */
  offset(partition: SourceMap): Promise<SourceMap | null>
  offsets(partitions: readonly SourceMap[]): Promise<Map<string, SourceMap>>
}

export interface SourceTaskContext {
  readonly offsetStorageReader: OffsetStorageReader
  readonly configs: Readonly<Record<string, string>>
}

export interface SourceTask {
  readonly version: string
  initialize(ctx: SourceTaskContext): void
  start(props: Readonly<Record<string, string>>): void | Promise<void>
  poll(): Promise<SourceRecord[] | null>
  /** Offsets up to what was acknowledged were just committed. */
  commit?(): void | Promise<void>
  /** One record was acknowledged by the broker (with where it was written). */
  commitRecord?(record: SourceRecord, metadata: { topic: string; partition: number; offset: number } | null): void | Promise<void>
  stop(): void | Promise<void>
}

export interface SinkTaskContext {
  readonly configs: Readonly<Record<string, string>>
  /** Rewinds (or forwards) the consumer of this task. */
  offset(offsets: readonly TopicPartitionOffset[]): void
  /** Backoff before the next `put` after a retriable error (ms). */
  timeout(ms: number): void
  assignment(): readonly { topic: string; partition: number }[]
  pause(partitions: readonly { topic: string; partition: number }[]): void
  resume(partitions: readonly { topic: string; partition: number }[]): void
  requestCommit(): void
  /** Reports a record that failed (dead-letter queue when configured); resolves once reported. */
  errantRecordReporter(): ((record: SinkRecord, error: Error) => Promise<void>) | null
}

export interface SinkTask {
  readonly version: string
  initialize(ctx: SinkTaskContext): void
  start(props: Readonly<Record<string, string>>): void | Promise<void>
  open?(partitions: readonly { topic: string; partition: number }[]): void | Promise<void>
  put(records: readonly SinkRecord[]): void | Promise<void>
  flush?(offsets: readonly TopicPartitionOffset[]): void | Promise<void>
  /** The offsets safe to commit; default: `flush(offsets)` then `offsets`. */
  preCommit?(offsets: readonly TopicPartitionOffset[]): readonly TopicPartitionOffset[] | Promise<readonly TopicPartitionOffset[]>
  close?(partitions: readonly { topic: string; partition: number }[]): void | Promise<void>
  stop(): void | Promise<void>
}
