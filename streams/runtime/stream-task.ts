/**
 * A stream task (Kafka Streams' `StreamTask`): sub-topology s instantiated for partition number
 * p. It owns partition p of each source topic of s, one instance of each store of s (and
 * partition p of each store's changelog), an input buffer (`PartitionGroup`) and a pipeline
 * (the compiled sub-topology). It is the `TaskRuntime` its pipeline runs against, and the
 * `StateStoreContext` its stores are opened with.
 *
 * Life (task-state.ts): CREATED → `initialize` (lock the directory, read the checkpoint, wipe
 * local state that has no checkpoint, build and open the stores) → RESTORING → the thread's
 * restorer feeds `restoreBatch` until every changelog partition is at its end offset →
 * `completeRestoration` (the pipeline is created) → RUNNING → `suspend` (pipeline closed, stores
 * kept) → `resume` (→ RESTORING) or `close` (stores closed, directory released) → CLOSED.
 *
 * Offsets:
 * - Input: the offset to commit per partition is the last processed record's offset + 1.
 * - Changelogs: the position is the next offset to restore from; it starts at the checkpoint
 *   (persistent stores) or 0 (in-memory stores, or no checkpoint), moves with restoration, and
 *   with the acknowledged changelog writes at each commit. The checkpoint file holds the
 *   positions of persistent stores and is written after the input offsets were committed.
 *
 * Time: the partition group stamps the head of each partition (deserialized, timestamp
 * extracted by the pipeline) and hands out the one with the lowest event time, once
 * `max.task.idle.ms` allows (partition-group.ts); stream time is the pipeline's (largest event
 * time processed). The thread calls `maybePunctuateStreamTime` / `maybePunctuateSystemTime`
 * between records; a punctuation that fired makes a commit needed, as a processed record does.
 *
 * Concurrency: driven by its thread only, one call at a time; `process` runs one record at a
 * time (the thread awaits a returned promise before the next record).
 */
import type { Logger, RecordHeader, TopicPartition } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import { type TaskId, type TaskMetrics, formatTaskId } from '../processor/api.ts'
import type { KeyValue, StateStore, StateStoreContext } from '../state/api.ts'
import type { StoreInfo } from '../topology/subtopology.ts'
import type { InputRecord, TaskRuntime } from '../topology/task-runtime.ts'
import type { ChangelogOffset, CheckpointIO } from './checkpoints.ts'
import type { StreamsConfig } from './config.ts'
import { type ConsumedRecord, type LagSource, PartitionGroup } from './partition-group.ts'
import { decodePartitionTime, encodePartitionTime } from './partition-time-metadata.ts'
import { StampedRecord as StampedRecordImpl, type StampedRecord } from '../topology/stamped-record.ts'
import type { RecordCollector } from './record-collector.ts'
import type { StateDirectory } from './state-directory.ts'
import { StateMachine } from './state-machine.ts'
import { TASK_STATE_TRANSITIONS, TaskState } from './task-state.ts'

/** What the runtime needs of a compiled sub-topology (`TaskPipeline`). */
export interface TaskPipelineLike {
  process(input: InputRecord, stamped?: StampedRecord | null): void | Promise<void>
  /** Deserializes and extracts the event time of a head record (null: dropped); absent: the record's own timestamp. */
  stamp?(input: InputRecord, partitionTime: number, reuse?: StampedRecord | null): StampedRecord | null
  maybePunctuateStreamTime?(): boolean | Promise<boolean>
  maybePunctuateSystemTime?(): boolean | Promise<boolean>
  /** When the next wall-clock punctuator is due (`Infinity`: none). */
  readonly nextWallClockPunctuation?: number
  readonly streamTime: number
  /** Raises stream time to at least `time` (partition times restored from committed metadata). */
  initializeStreamTime?(time: number): void
  /** The task's metrics (`dropped-records`). */
  readonly metrics?: TaskMetrics
  /** Timestamp of the record being processed (stream time outside one), for `recordTimestamp()`. */
  readonly recordTimestamp?: number
  /** Waits for work started outside `process` (records a cache flush forwarded); rejects with its failure. */
  drain?(): void | Promise<void>
  close(): void | Promise<void>
}

export type PipelineFactory = (subtopology: number, runtime: TaskRuntime) => TaskPipelineLike | Promise<TaskPipelineLike>

type RestoreCallback = (batch: readonly KeyValue<Buffer, Buffer | null>[]) => void | Promise<void>

interface RegisteredStore {
  readonly store: StateStore
  readonly restore: RestoreCallback
}

/** A changelog partition of the task, with where restoration starts. */
export interface ChangelogPartition extends TopicPartition {
  readonly store: string
  readonly offset: number
}

export interface StreamTaskOptions {
  readonly id: TaskId
  readonly partitions: readonly TopicPartition[]
  readonly config: StreamsConfig
  readonly logger: Logger
  /** The stores of the task's sub-topology, in topology order. */
  readonly stores: readonly StoreInfo[]
  /** Global stores, readable by every task. */
  readonly globalStore: (name: string) => StateStore | undefined
  readonly collector: RecordCollector
  /** The full changelog topic of a relative name (`<applicationId>-<store>-changelog`). */
  readonly topicName: (relative: string) => string
  readonly directory: StateDirectory
  readonly checkpoints: CheckpointIO
  readonly createPipeline: PipelineFactory
  readonly partitionsFor: (topic: string) => number | undefined
  /** Identifies the thread holding the task directory's lock. */
  readonly owner: unknown
  /** Lags of the input partitions as the consumer last fetched them (`max.task.idle.ms`); default: caught up. */
  readonly lag?: LagSource
  /** The group's committed offsets with their metadata (partition times); absent: stream time starts unknown. */
  readonly committed?: (partitions: readonly TopicPartition[]) => Promise<readonly { topic: string; partition: number; metadata: string | null }[]>
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

export class StreamTask implements TaskRuntime {
  readonly taskId: TaskId
  readonly name: string
  readonly applicationId: string
  readonly config: StreamsConfig
  readonly logger: Logger
  readonly #options: StreamTaskOptions
  readonly #state: StateMachine<TaskState>
  #partitions: readonly TopicPartition[]
  #group: PartitionGroup
  readonly #stores = new Map<string, StateStore>()
  readonly #registered = new Map<string, RegisteredStore>()
  /** Changelog topic → store name, for logged stores. */
  readonly #changelogs = new Map<string, string>()
  /** Changelog topic → next offset to restore from / reflected in the stores. */
  readonly #positions = new Map<string, number>()
  #pipeline: TaskPipelineLike | null = null
  #current: InputRecord | null = null
  #commitRequested = false
  #processedSinceCommit = false
  #locked = false
  readonly #context: StateStoreContext

  constructor(options: StreamTaskOptions) {
    this.#options = options
    this.taskId = options.id
    this.name = formatTaskId(options.id)
    this.applicationId = options.config.applicationId
    this.config = options.config
    this.logger = options.logger
    this.#partitions = options.partitions
    this.#group = this.#newGroup(options.partitions)
    this.#state = new StateMachine(`task ${this.name}`, TaskState.CREATED, TASK_STATE_TRANSITIONS)
    const task = this
    const partition = options.id.partition
    this.#context = {
      applicationId: this.applicationId,
      taskId: options.id,
      taskDir: options.directory.taskDir(options.id),
      config: options.config,
      logChange(storeName, key, value, timestamp) {
        const topic = task.#changelogOf(storeName)
        options.collector.send(topic, key, value, NO_HEADERS, timestamp, partition)
      },
      register(store, restore) {
        task.#registered.set(store.name, { store, restore })
      },
      recordTimestamp() {
        const pipeline = task.#pipeline
        if (pipeline !== null) return pipeline.recordTimestamp ?? task.#current?.timestamp ?? pipeline.streamTime
        return task.#current?.timestamp ?? Date.now()
      },
    }
  }

  get state(): TaskState {
    return this.#state.state
  }

  #newGroup(partitions: readonly TopicPartition[]): PartitionGroup {
    return new PartitionGroup(partitions, {
      maxTaskIdleMs: this.config.maxTaskIdleMs,
      lag: this.#options.lag,
      stamper: (input, partitionTime, reuse) => {
        const pipeline = this.#pipeline
        return pipeline?.stamp === undefined ? rawStamp(input, partitionTime) : pipeline.stamp(input, partitionTime, reuse)
      },
    })
  }

  get partitions(): readonly TopicPartition[] {
    return this.#partitions
  }

  /** Records waiting in the task's input buffer. */
  get buffered(): number {
    return this.#group.buffered
  }

  get commitNeeded(): boolean {
    return this.#processedSinceCommit || this.#commitRequested
  }

  get commitRequested(): boolean {
    return this.#commitRequested
  }

  // ---------------------------------------------------------------------- TaskRuntime

  getStateStore(name: string): StateStore | undefined {
    return this.#stores.get(name) ?? this.#options.globalStore(name)
  }

  /** The task's own store (not global ones), for interactive queries. */
  localStore(name: string): StateStore | undefined {
    return this.#stores.get(name)
  }

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void {
    this.#options.collector.send(topic, key, value, headers, timestamp, partition)
  }

  partitionsFor(topic: string): number | undefined {
    return this.#options.partitionsFor(topic)
  }

  requestCommit(): void {
    this.#commitRequested = true
  }

  now(): number {
    return Date.now()
  }

  // ---------------------------------------------------------------------- life

  #changelogOf(storeName: string): string {
    const info = this.#options.stores.find((s) => s.name === storeName)
    if (info?.changelogTopic == null) {
      throw new StreamsError('STREAMS_STATE_STORE', `Store '${storeName}' of task ${this.name} logged a change but has no changelog topic (logging disabled?)`)
    }
    return this.#options.topicName(info.changelogTopic)
  }

  /**
   * CREATED → RESTORING: takes the directory (false when another thread of the instance still
   * holds it: call again later), reads the checkpoint, wipes local state that no checkpoint
   * vouches for, then builds and opens the stores.
   */
  async initialize(): Promise<boolean> {
    const { directory, owner } = this.#options
    if (!this.#locked) {
      if (!directory.tryLock(this.taskId, owner)) return false
      this.#locked = true
    }
    const dir = directory.ensure(directory.taskDir(this.taskId))
    let checkpoint: ChangelogOffset[] | null
    try {
      checkpoint = await this.#options.checkpoints.read(dir)
    } catch (error) {
      if ((error as StreamsError).code !== 'STREAMS_TASK_CORRUPTED') throw error
      this.logger.warn(`Task ${this.name}: ${(error as Error).message}`)
      checkpoint = null
    }
    const built = this.#options.stores.map((info) => ({ info, store: info.builder.build() }))
    const offsetOf = (topic: string): number | undefined => checkpoint?.find((c) => c.topic === topic && c.partition === this.taskId.partition)?.offset
    const unvouched = built.some(({ info, store }) => store.persistent && info.changelogTopic !== null && offsetOf(this.#options.topicName(info.changelogTopic)) === undefined)
    if (unvouched && directory.hasState(dir)) {
      // Kafka's rule for state without a checkpoint: it cannot be trusted; rebuild it from the changelogs.
      this.logger.warn(`Task ${this.name} has local state without a checkpoint for every logged store; wiping ${dir} and restoring from the changelogs`)
      directory.wipe(dir)
      checkpoint = null
    }
    for (const { info, store } of built) {
      this.#stores.set(info.name, store)
      await store.init(this.#context)
      if (info.changelogTopic !== null) {
        const topic = this.#options.topicName(info.changelogTopic)
        this.#changelogs.set(topic, info.name)
        this.#positions.set(topic, store.persistent ? offsetOf(topic) ?? 0 : 0)
      }
    }
    this.#state.transitionTo(TaskState.RESTORING)
    return true
  }

  /** The changelog partitions to restore, from the current positions. */
  changelogPartitions(): ChangelogPartition[] {
    return [...this.#changelogs].map(([topic, store]) => ({ topic, partition: this.taskId.partition, store, offset: this.#positions.get(topic)! }))
  }

  /** Applies changelog records to their store (restoration: no processors run). */
  async restoreBatch(topic: string, records: readonly ConsumedRecord[]): Promise<void> {
    const store = this.#changelogs.get(topic)
    const registered = store === undefined ? undefined : this.#registered.get(store)
    if (registered === undefined) {
      throw new StreamsError('STREAMS_STATE_STORE', `Task ${this.name} got changelog records of '${topic}' for store '${store}', which did not register a restore callback in init()`)
    }
    const batch: KeyValue<Buffer, Buffer | null>[] = []
    for (const r of records) if (r.key !== null) batch.push({ key: r.key, value: r.value })
    if (batch.length > 0) await registered.restore(batch)
    if (records.length > 0) this.#positions.set(topic, Math.max(this.#positions.get(topic)!, records[records.length - 1].offset + 1))
  }

  /** Restoration reached `offset` (end offset) of a changelog, even if compaction left no record there. */
  restoredTo(topic: string, offset: number): void {
    const current = this.#positions.get(topic)
    if (current !== undefined && offset > current) this.#positions.set(topic, offset)
  }

  /** RESTORING → RUNNING: every changelog caught up; the pipeline is made. */
  async completeRestoration(): Promise<void> {
    this.#pipeline = await this.#options.createPipeline(this.taskId.subtopology, this)
    await this.#initializeTaskTime()
    this.#state.transitionTo(TaskState.RUNNING)
  }

  /**
   * Kafka's `initializeTaskTime`: partition times committed with the input offsets become the
   * partitions' times, and stream time starts at the largest. A failure to read them only
   * costs that (stream time then starts unknown), so it is logged, not thrown.
   */
  async #initializeTaskTime(): Promise<void> {
    const committed = this.#options.committed
    if (committed === undefined || this.#partitions.length === 0) return
    let entries: readonly { topic: string; partition: number; metadata: string | null }[]
    try {
      entries = await committed(this.#partitions)
    } catch (error) {
      this.logger.warn(`Task ${this.name} could not read its committed partition times; its stream time starts unknown`, { cause: String(error) })
      return
    }
    let streamTime = -1
    for (const { topic, partition, metadata } of entries) {
      const time = decodePartitionTime(metadata)
      if (time === null) continue
      this.#group.setPartitionTime({ topic, partition }, time)
      if (time > streamTime) streamTime = time
    }
    if (streamTime >= 0) this.#pipeline?.initializeStreamTime?.(streamTime)
  }

  // ---------------------------------------------------------------------- processing

  /** Appends fetched records of one of the task's partitions; returns the partition's queue size. */
  addRecords(tp: TopicPartition, records: readonly ConsumedRecord[]): number {
    return this.#group.add(tp, records)
  }

  /**
   * Processes the next buffered record (lowest head timestamp); returns false when none is
   * buffered, true when processed, or the promise of a processing that completes later.
   */
  processNext(): boolean | Promise<boolean> {
    const group = this.#group
    if (group.waitsForPartitions && !group.readyToProcess(Date.now())) return false
    const stamped = group.nextStamped()
    if (stamped === null) return false
    const record = stamped.input
    this.#current = record
    let result: void | Promise<void>
    try {
      result = this.#pipeline!.process(record, stamped)
    } catch (error) {
      throw this.#processingError(record, error)
    }
    if (result instanceof Promise) {
      return result.then(() => {
        this.#processed(record)
        return true
      }, (error: unknown) => {
        throw this.#processingError(record, error)
      })
    }
    this.#processed(record)
    return true
  }

  #processed(record: InputRecord): void {
    this.#group.markProcessed(record.offset)
    this.#processedSinceCommit = true
    this.#current = null
  }

  #processingError(record: InputRecord, error: unknown): Error {
    this.#current = null
    if (error instanceof StreamsError) return error
    return new StreamsError('STREAMS_PROCESSING', `Task ${this.name} failed to process the record at offset ${record.offset} of ${record.topic}-${record.partition}: ${String((error as Error)?.message ?? error)}`, { cause: error })
  }

  /**
   * Runs the stream-time punctuators that are due (after processing); true (or a promise of
   * it) when some fired, which makes a commit needed.
   */
  maybePunctuateStreamTime(): boolean | Promise<boolean> {
    return this.#punctuated(this.#pipeline?.maybePunctuateStreamTime?.() ?? false)
  }

  /** Runs the wall-clock punctuators that are due. */
  maybePunctuateSystemTime(): boolean | Promise<boolean> {
    return this.#punctuated(this.#pipeline?.maybePunctuateSystemTime?.() ?? false)
  }

  #punctuated(result: boolean | Promise<boolean>): boolean | Promise<boolean> {
    if (result === false) return false
    if (result === true) {
      this.#processedSinceCommit = true
      return true
    }
    return result.then((punctuated) => {
      if (punctuated) this.#processedSinceCommit = true
      return punctuated
    })
  }

  /**
   * When the thread must look at this task again without new input: the next wall-clock
   * punctuation or `max.task.idle.ms` deadline (`Infinity`: none).
   */
  get nextWakeUp(): number {
    return Math.min(this.#pipeline?.nextWallClockPunctuation ?? Infinity, this.#group.buffered > 0 ? this.#group.nextIdleDeadline : Infinity)
  }

  /** Stream time: the largest event time processed (−1 before any). */
  get streamTime(): number {
    return this.#pipeline?.streamTime ?? -1
  }

  /** Times the task processed after giving up waiting for an empty partition (`max.task.idle.ms`). */
  get enforcedProcessing(): number {
    return this.#group.enforcedProcessing
  }

  /** Kafka's `dropped-records-total` of this task (since its pipeline was last created). */
  get droppedRecords(): number {
    return this.#pipeline?.metrics?.droppedRecords ?? 0
  }

  /** Records left in the partition of the record processed last. */
  get currentPartitionSize(): number {
    return this.#group.currentSize
  }

  sizeOf(tp: TopicPartition): number {
    return this.#group.size(tp)
  }

  // ---------------------------------------------------------------------- commit

  /**
   * Commit step 1: flushes the stores in topology order (caches → stores → changelog sends),
   * then waits for the work cache flushes started downstream (`drain`).
   */
  async flushStores(): Promise<void> {
    for (const [name, store] of this.#stores) {
      try {
        await store.flush()
      } catch (error) {
        if (error instanceof StreamsError) throw error
        throw new StreamsError('STREAMS_STATE_STORE', `Store '${name}' of task ${this.name} failed to flush: ${String((error as Error)?.message ?? error)}`, { cause: error })
      }
    }
    const drained = this.#pipeline?.drain?.()
    if (drained instanceof Promise) await drained
  }

  /**
   * Commit step 3: the input offsets to commit (last processed + 1 per partition that moved),
   * each with the partition's time as metadata (partition-time-metadata.ts).
   */
  offsetsToCommit(): { topic: string; partition: number; offset: number; metadata?: string }[] {
    const group = this.#group
    return group.offsetsToCommit().map((o) => {
      const time = group.partitionTime(o)
      return time < 0 ? o : { ...o, metadata: encodePartitionTime(time) }
    })
  }

  /** After the offsets were committed: marks them, and moves changelog positions to what was acknowledged. */
  markCommitted(): void {
    this.#group.markCommitted()
    this.#processedSinceCommit = false
    this.#commitRequested = false
    for (const topic of this.#changelogs.keys()) {
      const last = this.#options.collector.lastOffset(topic, this.taskId.partition)
      if (last !== undefined) this.restoredTo(topic, last + 1)
    }
  }

  /** Commit step 4: writes the checkpoint of persistent logged stores. */
  async writeCheckpoint(): Promise<void> {
    const offsets: ChangelogOffset[] = []
    for (const [topic, store] of this.#changelogs) {
      if (this.#stores.get(store)?.persistent) offsets.push({ topic, partition: this.taskId.partition, offset: this.#positions.get(topic)! })
    }
    if (offsets.length === 0) return
    await this.#options.checkpoints.write(this.#options.directory.taskDir(this.taskId), offsets)
  }

  // ---------------------------------------------------------------------- suspend, resume, close

  /** → SUSPENDED: processors closed, buffered input dropped; stores stay open. Call after committing (or for a dirty close). */
  async suspend(): Promise<void> {
    if (this.#state.is(TaskState.SUSPENDED, TaskState.CLOSED)) return
    const pipeline = this.#pipeline
    this.#pipeline = null
    this.#group.clear()
    this.#current = null
    this.#state.transitionTo(TaskState.SUSPENDED)
    if (pipeline !== null) await pipeline.close()
  }

  /** SUSPENDED → RESTORING, with possibly new partitions (the task was reassigned to this thread). */
  resume(partitions: readonly TopicPartition[]): void {
    this.#partitions = partitions
    this.#group = this.#newGroup(partitions)
    this.#processedSinceCommit = false
    this.#commitRequested = false
    this.#state.transitionTo(TaskState.RESTORING)
  }

  /** Whether the stores were opened (a task suspended before `initialize` has nothing to resume). */
  get initialized(): boolean {
    return this.#stores.size > 0 || this.#locked
  }

  /**
   * → CLOSED (suspending first): closes the stores and releases the directory. `clean`: the
   * task was committed, so its checkpoint is written again; dirty: the checkpoint of the last
   * commit stays, and restoration replays the changelog from there.
   */
  async close(clean: boolean): Promise<void> {
    if (this.#state.is(TaskState.CLOSED)) return
    let firstError: unknown = null
    try {
      await this.suspend()
    } catch (error) {
      firstError = error
    }
    if (clean && firstError === null && this.#stores.size > 0) {
      try {
        await this.writeCheckpoint()
      } catch (error) {
        firstError = error
      }
    }
    for (const [name, store] of this.#stores) {
      try {
        if (store.isOpen) await store.close()
      } catch (error) {
        this.logger.warn(`Store '${name}' of task ${this.name} failed to close`, { cause: String(error) })
        firstError ??= error
      }
    }
    this.#stores.clear()
    this.#state.transitionTo(TaskState.CLOSED)
    if (this.#locked) {
      this.#locked = false
      this.#options.directory.unlock(this.taskId, this.#options.owner)
    }
    if (firstError !== null && clean) throw firstError
  }
}

/** A stamp for pipelines that do not stamp: the record's own timestamp, nothing deserialized. */
function rawStamp(input: InputRecord, partitionTime: number): StampedRecord {
  return new StampedRecordImpl(input, input.timestamp, partitionTime, input.key, input.value, true)
}
