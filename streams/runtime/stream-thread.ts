/**
 * A stream thread (Kafka Streams' `StreamThread`): one member of the application's consumer
 * group (`applicationId`), its own producer and restore consumer, and the tasks its assignment
 * gives it. Threads share nothing but the state directory's lock registry and the global stores.
 *
 * Two flows meet here, serialized by the thread's lock (a `SerialQueue`):
 * - the consumer's run loop: it polls (rebalance callbacks run inside its poll) and hands each
 *   fetched batch to `#onBatch`, which only appends the records to the task's partition queue
 *   and pauses the partition when its queue is above `bufferedRecordsPerPartition`;
 * - the thread's own loop (`#runOnce`, under the lock): open created tasks, restore one task at a
 *   time in the background, start tasks that caught up (task-manager.ts), process up to `RECORDS_PER_TASK` records
 *   of each running task (one at a time, in order; awaiting only when `process` returned a
 *   promise), resume drained partitions, run the punctuators that are due (stream time, then
 *   wall-clock time, per running task, as Kafka's `TaskManager.punctuate`), hand output to the
 *   producer, commit when due. An idle loop wakes up for new records, a commit, the next
 *   wall-clock punctuation or the end of a task's `max.task.idle.ms` wait.
 *
 * Backpressure: input is bounded by pausing partitions (above); output by the record
 * collector, which has no capacity while its producer's `bufferMemory` worth of records waits
 * for acknowledgement. Processing then stops, the loop waits for capacity (still committing and
 * rebalancing when due), and the input queues fill up until their partitions are paused, so
 * memory stays bounded however slowly the output is written.
 *
 * Commit (commit.ts): every `commitIntervalMs`, on a task's `requestCommit`, on revocation and on
 * shutdown: flush stores → flush the producer → commit input offsets → write checkpoints. A
 * failed offset commit (e.g. a rebalance under way) is logged and retried at the next commit;
 * anything else fails the thread.
 *
 * Rebalance (eager; see task-assignor.ts): revocation commits every running task and suspends
 * every task; assignment closes suspended tasks not assigned again, resumes those assigned again
 * and creates the new ones (`TaskManager`). Lost partitions (fenced out of the group): tasks
 * closed dirty, no commit.
 *
 * Failure: an error of a task, a store, the producer (handler 'fail') or the consumer stops the
 * loop; every task is closed dirty (nothing more is committed, checkpoints stay as of the last
 * commit) and `onError` tells the application, whose uncaught-exception handler decides. The
 * consumer stays in the group until `shutdown()`, so that it can still carry an application
 * shutdown request (`requestApplicationShutdown`).
 */
import { type Admin, type Consumer, type Creek, type Logger, type Producer, SerialQueue, type TopicPartition } from '../../core/index.ts'
import type { StateStore } from '../state/api.ts'
import { ChangelogRestorer } from './changelog-restorer.ts'
import type { CheckpointIO } from './checkpoints.ts'
import { commitTasks } from './commit.ts'
import type { StreamsConfig } from './config.ts'
import type { ConsumedRecord } from './partition-group.ts'
import { RecordCollector } from './record-collector.ts'
import type { ResolvedTopology } from './runtime-topology.ts'
import type { StateDirectory } from './state-directory.ts'
import { StateMachine } from './state-machine.ts'
import { type StreamsMetric, taskMetrics } from './streams-metrics.ts'
import type { PipelineFactory, StreamTask } from './stream-task.ts'
import { type AssignmentInfo, StreamsPartitionAssignor } from './task-assignor.ts'
import { TaskManager } from './task-manager.ts'
import { TaskState } from './task-state.ts'
import { THREAD_STATE_TRANSITIONS, ThreadState } from './thread-state.ts'
import { Waker } from './waker.ts'

/** Records processed per task before the loop moves to the next task. */
const RECORDS_PER_TASK = 1000
/** Longest idle wait, so that a commit or a wake-up lost to a race is never late by more. */
const MAX_IDLE_WAIT_MS = 500
/**
 * Defaults of the main consumer that differ from the consumer's own (`consumer` options win):
 * - maxPollRecords 1000: Kafka Streams' main-consumer default;
 * - fetchMaxWaitMs 100 (Kafka's 500): a paused partition keeps its prefetched records, but once
 *   they are taken after its resume, its next fetch waits behind the long poll in flight to its
 *   broker (core's fetcher sends one fetch per broker at a time), and a thread often has some
 *   partitions caught up (a repartition topic) while others are paused. The word-count
 *   benchmark (bench/streams.ts) ran about 1.3x faster with 100 than with 500, and slower with
 *   25 (more fetches for the same records).
 */
const MAIN_CONSUMER_DEFAULTS = { maxPollRecords: 1000, fetchMaxWaitMs: 100 } as const
/**
 * Defaults of the thread's producer that differ from the producer's own (`producer` options win):
 * - acks 'all': output and changelog records survive a broker's loss once acknowledged;
 * - batchSize 512 KiB: the sender keeps one batch in flight per partition, so the batch size
 *   caps what one partition carries per round trip (with 16 KiB, the stateless benchmark
 *   wrote output at about 0.75x the rate);
 * - lingerMs 20: Kafka Streams sets 100 for throughput. Under load these batches fill before
 *   either expires; a shorter linger bounds what a quiet partition waits at each hop (every
 *   repartition topic is one). In the stateless benchmark 20 did as well as 100, and 5 worse
 *   (smaller batches, more produce requests). A commit flushes what lingers.
 */
const THREAD_PRODUCER_DEFAULTS = { acks: 'all', batchSize: 512 * 1024, lingerMs: 20 } as const

export interface StreamThreadOptions {
  readonly name: string
  readonly creek: Creek
  readonly admin: Admin
  readonly config: StreamsConfig
  readonly logger: Logger
  readonly topology: ResolvedTopology
  readonly processId: string
  readonly directory: StateDirectory
  readonly checkpoints: CheckpointIO
  readonly createPipeline: PipelineFactory
  readonly globalStore: (name: string) => StateStore | undefined
  readonly onStateChange: (thread: StreamThread, next: ThreadState, previous: ThreadState) => void
  /** The thread failed; its tasks are closed. Called once, asynchronously. */
  readonly onError: (thread: StreamThread, error: Error) => void
  /** The group leader asked every instance to shut down. */
  readonly onShutdownRequested: (thread: StreamThread) => void
}

/** A task as `metadata` describes it. */
export interface TaskMetadata {
  readonly taskId: string
  readonly state: TaskState
  readonly topicPartitions: readonly TopicPartition[]
}

export interface ThreadMetadata {
  readonly threadName: string
  readonly threadState: ThreadState
  readonly activeTasks: readonly TaskMetadata[]
}

/** An offset commit the group refused (a rebalance under way): retried at the next commit. */
class OffsetCommitFailed extends Error {}

export class StreamThread {
  readonly name: string
  readonly #options: StreamThreadOptions
  readonly #config: StreamsConfig
  readonly #logger: Logger
  readonly #state: StateMachine<ThreadState>
  readonly #consumer: Consumer
  readonly #producer: Producer
  readonly #restoreConsumer: Consumer
  readonly #collector: RecordCollector
  readonly #lock = new SerialQueue()
  readonly #waker = new Waker()
  readonly #tasks: TaskManager
  readonly #paused = new Map<string, { readonly task: StreamTask; readonly tp: TopicPartition }>()
  readonly #unsubscribeRelease: () => void
  #nextCommitAt = 0
  /** The loop waits for the collector's capacity (it wakes the waker when there is some). */
  #waitingForOutput = false
  #stopping = false
  #failure: Error | null = null
  /** An error met outside the loop (a rebalance callback, a restoration): the loop fails with it. */
  #pendingError: Error | null = null
  #shutdownRequested = false
  #assignmentInfo: AssignmentInfo | null = null
  #loopDone: Promise<void> = Promise.resolve()
  #shutdown: Promise<void> | null = null

  constructor(options: StreamThreadOptions) {
    this.#options = options
    this.name = options.name
    this.#config = options.config
    this.#logger = options.logger
    this.#state = new StateMachine(`stream thread ${options.name}`, ThreadState.CREATED, THREAD_STATE_TRANSITIONS, (error) => {
      this.#logger.error(`A state listener of stream thread ${options.name} threw`, { cause: String(error) })
    })
    this.#state.onChange((next, previous) => options.onStateChange(this, next, previous))
    const { creek, config, topology, logger } = options
    const assignor = new StreamsPartitionAssignor({
      subtopologies: topology.subtopologies,
      subscriptionInfo: () => ({
        processId: options.processId,
        prevTasks: this.#tasks.taskIds(),
        localTasks: options.directory.localTasks(),
        shutdownRequested: this.#shutdownRequested,
      }),
      onAssignment: (info) => {
        this.#assignmentInfo = info
      },
    })
    this.#consumer = creek.consumer({
      ...MAIN_CONSUMER_DEFAULTS,
      ...config.consumer,
      autoOffsetReset: config.consumer.autoOffsetReset ?? 'earliest',
      groupId: config.applicationId,
      clientId: `${options.name}-consumer`,
      enableAutoCommit: false,
      partitionAssignors: [assignor],
      logger,
    })
    this.#producer = creek.producer({ ...THREAD_PRODUCER_DEFAULTS, ...config.producer, clientId: `${options.name}-producer`, logger })
    this.#restoreConsumer = creek.consumer({
      ...config.consumer,
      autoOffsetReset: 'earliest',
      clientId: `${options.name}-restore-consumer`,
      logger,
    })
    this.#collector = new RecordCollector({
      producer: this.#producer,
      handler: config.productionExceptionHandler,
      logger,
      trackedTopics: topology.changelogTopics(),
      maxBufferedBytes: this.#producer.config.bufferMemory,
    })
    this.#tasks = new TaskManager({
      threadName: options.name,
      config,
      logger,
      topology,
      directory: options.directory,
      checkpoints: options.checkpoints,
      createPipeline: options.createPipeline,
      globalStore: options.globalStore,
      collector: this.#collector,
      restorer: new ChangelogRestorer(this.#restoreConsumer, options.admin, logger),
      partitionsFor: (topic) => this.#producer.metadata.partitionCount(topic),
      owner: this,
      lag: (tp) => this.#consumer.currentLag(tp),
      committed: (partitions) => this.#consumer.committed(partitions),
      wake: () => this.#waker.wake(),
      onError: (error) => {
        this.#pendingError ??= error
      },
    })
    this.#unsubscribeRelease = options.directory.onRelease(() => this.#waker.wake())
  }

  get state(): ThreadState {
    return this.#state.state
  }

  get alive(): boolean {
    return this.#failure === null && !this.#state.is(ThreadState.PENDING_SHUTDOWN, ThreadState.DEAD)
  }

  get metadata(): ThreadMetadata {
    return {
      threadName: this.name,
      threadState: this.state,
      activeTasks: [...this.#tasks.tasks()].map((t) => ({ taskId: t.name, state: t.state, topicPartitions: t.partitions })),
    }
  }

  /** Task-level metrics of this thread's tasks (streams-metrics.ts). */
  metrics(): StreamsMetric[] {
    return [...this.#tasks.tasks()].flatMap((t) => taskMetrics(this.name, t.name, t.droppedRecords, t.enforcedProcessing))
  }

  /** The running tasks' instances of a store (interactive queries). */
  storesNamed(name: string): StateStore[] {
    const stores: StateStore[] = []
    for (const task of this.#tasks.tasks()) {
      if (task.state !== TaskState.RUNNING) continue
      const store = task.localStore(name)
      if (store !== undefined) stores.push(store)
    }
    return stores
  }

  /** Subscribes and starts consuming and processing. */
  async start(): Promise<void> {
    this.#state.transitionTo(ThreadState.STARTING)
    await this.#subscribe()
    await this.#consumer.run({ eachBatch: async ({ batch }) => this.#onBatch(batch.topic, batch.partition, batch.messages) })
    this.#consumer.finished().catch((error: unknown) => this.#fail(error))
    this.#nextCommitAt = Date.now() + this.#config.commitIntervalMs
    this.#loopDone = this.#loop()
  }

  #subscribe(): Promise<void> {
    return this.#consumer.subscribe({
      topics: this.#options.topology.subscription(),
      onPartitionsAssigned: (partitions) => this.#onAssigned(partitions),
      onPartitionsRevoked: (partitions) => this.#onRevoked(partitions),
      onPartitionsLost: (partitions) => this.#onLost(partitions),
    })
  }

  /**
   * Asks every instance of the application to shut down: this member rejoins the group saying
   * so, and the leader's assignment carries it to all (task-assignor.ts).
   */
  async requestApplicationShutdown(): Promise<void> {
    this.#shutdownRequested = true
    await this.#subscribe()
  }

  // ------------------------------------------------------------------------------- consuming

  #onBatch(topic: string, partition: number, records: readonly ConsumedRecord[]): void {
    const key = `${topic}\u0000${partition}`
    const task = this.#tasks.taskFor(topic, partition)
    if (task === undefined || task.state === TaskState.CLOSED || task.state === TaskState.SUSPENDED) return
    const size = task.addRecords({ topic, partition }, records)
    if (size > this.#config.bufferedRecordsPerPartition && !this.#paused.has(key)) {
      this.#consumer.pause([{ topic, partitions: [partition] }])
      this.#paused.set(key, { task, tp: { topic, partition } })
      this.#logger.debug(`Stream thread ${this.name} paused ${topic}-${partition}: ${size} records buffered`)
    }
    this.#waker.wake()
  }

  #maybeResume(task: StreamTask): void {
    const threshold = Math.floor(this.#config.bufferedRecordsPerPartition / 2)
    for (const [key, entry] of this.#paused) {
      if (entry.task !== task || task.sizeOf(entry.tp) > threshold) continue
      this.#paused.delete(key)
      this.#consumer.resume([{ topic: entry.tp.topic, partitions: [entry.tp.partition] }])
      this.#logger.debug(`Stream thread ${this.name} resumed ${entry.tp.topic}-${entry.tp.partition}`)
    }
  }

  /** Partitions paused now (for tests and metrics). */
  get pausedPartitions(): TopicPartition[] {
    return [...this.#paused.values()].map((e) => e.tp)
  }

  // ------------------------------------------------------------------------------- the loop

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let processed: number
      try {
        processed = await this.#lock.run(() => this.#runOnce())
      } catch (error) {
        this.#fail(error)
        break
      }
      if (this.#stopping) break
      const idleWaitMs = Math.min(MAX_IDLE_WAIT_MS, Math.max(1, Math.min(this.#nextCommitAt, this.#nextWakeUp()) - Date.now()))
      if (!this.#collector.hasCapacity) {
        // Output is behind: process nothing more until the producer acknowledged enough (or
        // something else needs the loop: a commit, a rebalance, a shutdown). Meanwhile input
        // queues fill up and their partitions are paused.
        if (!this.#waitingForOutput) {
          this.#waitingForOutput = true
          void this.#collector.waitForCapacity().then(() => {
            this.#waitingForOutput = false
            this.#waker.wake()
          })
        }
        await this.#waker.wait(idleWaitMs)
      } else if (processed > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      else await this.#waker.wait(idleWaitMs)
    }
    if (this.#failure !== null) await this.#afterFailure(this.#failure)
  }

  async #runOnce(): Promise<number> {
    if (this.#stopping) return 0
    if (this.#pendingError !== null) throw this.#pendingError
    if (this.#collector.fatalError !== null) throw this.#collector.fatalError
    await this.#tasks.initializeTasks()
    await this.#tasks.finishRestorations()
    this.#tasks.maybeStartRestoration()
    const processed = await this.#process()
    const punctuated = await this.#punctuate()
    this.#collector.sendPending()
    await this.#maybeCommit()
    if (this.#state.is(ThreadState.PARTITIONS_ASSIGNED) && this.#tasks.allRunning()) {
      this.#transition(ThreadState.RUNNING)
    }
    return processed + punctuated
  }

  /** Runs the punctuators that are due in every running task; returns how many tasks punctuated. */
  async #punctuate(): Promise<number> {
    let punctuated = 0
    for (const task of this.#tasks.running()) {
      let result = task.maybePunctuateStreamTime()
      if (result instanceof Promise) result = await result
      if (result) punctuated++
      result = task.maybePunctuateSystemTime()
      if (result instanceof Promise) result = await result
      if (result) punctuated++
    }
    return punctuated
  }

  /** The earliest time a running task needs the loop without new input (punctuation, idle deadline). */
  #nextWakeUp(): number {
    let earliest = Infinity
    for (const task of this.#tasks.running()) earliest = Math.min(earliest, task.nextWakeUp)
    return earliest
  }

  async #process(): Promise<number> {
    const collector = this.#collector
    let total = 0
    for (const task of this.#tasks.tasks()) {
      if (task.state !== TaskState.RUNNING || task.buffered === 0) continue
      let n = 0
      while (n < RECORDS_PER_TASK && collector.hasCapacity) {
        const result = task.processNext()
        if (result === false) break
        if (result !== true) await result
        n++
      }
      total += n
      if (this.#paused.size > 0) this.#maybeResume(task)
    }
    return total
  }

  async #maybeCommit(): Promise<void> {
    const now = Date.now()
    const running = this.#tasks.running()
    const requested = running.some((t) => t.commitRequested)
    if (!requested && now < this.#nextCommitAt) return
    if (now >= this.#nextCommitAt) this.#nextCommitAt = now + this.#config.commitIntervalMs
    await this.#commit(running.filter((t) => t.commitNeeded))
  }

  /** Commits `tasks`; false when the group refused the offsets (retried later). */
  async #commit(tasks: readonly StreamTask[]): Promise<boolean> {
    try {
      await commitTasks(tasks, {
        flushOutput: () => this.#collector.flush(),
        commitOffsets: async (offsets) => {
          try {
            await this.#consumer.commitOffsets(offsets)
          } catch (error) {
            throw new OffsetCommitFailed(String(error), { cause: error })
          }
        },
      })
      return true
    } catch (error) {
      if (!(error instanceof OffsetCommitFailed)) throw error
      this.#logger.warn(`Stream thread ${this.name} could not commit offsets of ${tasks.length} tasks; they are committed at the next commit`, { cause: error.message })
      return false
    }
  }

  // ------------------------------------------------------------------------------- rebalance

  #onAssigned(partitions: TopicPartition[]): Promise<void> {
    return this.#lock.run(async () => {
      const assigned = await this.#tasks.assign(partitions, this.#failure === null)
      this.#paused.clear()
      this.#transition(ThreadState.PARTITIONS_ASSIGNED)
      this.#nextCommitAt = Date.now() + this.#config.commitIntervalMs
      this.#logger.info(`Stream thread ${this.name} got tasks ${assigned.join(', ') || '(none)'}`)
    }).finally(() => {
      this.#waker.wake()
      if (this.#assignmentInfo?.shutdownRequested) this.#options.onShutdownRequested(this)
    })
  }

  /** Eager revocation: commit every running task, then suspend (or, after a failure, close) them all. */
  #onRevoked(_partitions: TopicPartition[]): Promise<void> {
    return this.#lock.run(async () => {
      await this.#tasks.stopRestoration()
      if (this.#failure === null && this.#pendingError === null) {
        try {
          await this.#commit(this.#tasks.running().filter((t) => t.commitNeeded))
        } catch (error) {
          this.#pendingError ??= error instanceof Error ? error : new Error(String(error))
          this.#waker.wake()
        }
      }
      await this.#tasks.suspendAll(this.#failure === null && this.#pendingError === null)
      this.#paused.clear()
      this.#transition(ThreadState.PARTITIONS_REVOKED)
    })
  }

  /** Out of the group's generation: another member may own the tasks already, so nothing is committed. */
  #onLost(_partitions: TopicPartition[]): Promise<void> {
    return this.#lock.run(async () => {
      this.#logger.warn(`Stream thread ${this.name} lost its partitions (out of the group's generation); its ${this.#tasks.size} tasks are closed without committing`)
      await this.#tasks.closeAll(() => false)
      this.#paused.clear()
      this.#collector.discardPending()
      this.#transition(ThreadState.PARTITIONS_REVOKED)
    })
  }

  #transition(next: ThreadState): void {
    if (this.#state.state === next || this.#state.is(ThreadState.PENDING_SHUTDOWN, ThreadState.DEAD)) return
    this.#state.transitionTo(next)
  }

  // ------------------------------------------------------------------------------- failure and shutdown

  #fail(error: unknown): void {
    if (this.#failure !== null || this.#shutdown !== null) {
      if (this.#shutdown !== null) this.#logger.error(`Stream thread ${this.name} failed while shutting down`, { cause: String(error) })
      return
    }
    this.#failure = error instanceof Error ? error : new Error(String(error))
    this.#stopping = true
    this.#waker.wake()
  }

  async #afterFailure(error: Error): Promise<void> {
    this.#logger.error(`Stream thread ${this.name} failed; its tasks are closed without committing`, { cause: String(error) })
    await this.#lock.run(async () => {
      await this.#tasks.closeAll(() => false)
      this.#collector.discardPending()
    })
    setImmediate(() => this.#options.onError(this, error))
  }

  /**
   * Stops the thread: the loop ends after its current step; leaving the group revokes the
   * partitions (committing and suspending the tasks, unless the thread failed); then tasks are
   * closed, the producer flushed and every client closed. Idempotent.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown()
    return this.#shutdown
  }

  async #doShutdown(): Promise<void> {
    this.#stopping = true
    this.#waker.wake()
    await this.#loopDone
    if (!this.#state.is(ThreadState.PENDING_SHUTDOWN, ThreadState.DEAD)) this.#state.transitionTo(ThreadState.PENDING_SHUTDOWN)
    try {
      await this.#consumer.close()
    } catch (error) {
      this.#logger.warn(`The consumer of stream thread ${this.name} did not close cleanly`, { cause: String(error) })
    }
    await this.#lock.run(async () => {
      // Suspended tasks were committed when the consumer left the group; others were not.
      const clean = this.#failure === null && this.#pendingError === null
      await this.#tasks.closeAll((task) => clean && task.state === TaskState.SUSPENDED)
    })
    this.#unsubscribeRelease()
    await this.#producer.close().catch((error: unknown) => this.#logger.warn(`The producer of stream thread ${this.name} did not close cleanly`, { cause: String(error) }))
    await this.#restoreConsumer.close().catch(() => undefined)
    this.#state.transitionTo(ThreadState.DEAD)
  }
}
