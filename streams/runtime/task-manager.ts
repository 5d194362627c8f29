/**
 * The tasks of one stream thread (Kafka Streams' `TaskManager` + the scheduling part of its
 * `StateUpdater`): which tasks exist, which partition feeds which task, and the moves of their
 * life that rebalances and restoration cause.
 *
 * - Assignment (`assign`): tasks not assigned again are closed (cleanly: they were committed
 *   and suspended at the revocation), suspended tasks assigned again are resumed, new ones
 *   created (CREATED; opened by `initializeTasks` once their directory is free).
 * - Revocation (`suspendAll`) and loss (`closeAll(false)`): see the methods.
 * - Restoration: one task at a time per thread, in the background (`maybeStartRestoration`),
 *   on the thread's restore consumer; `finishRestorations` then starts the tasks that caught
 *   up (their pipeline is made) and replaces corrupted ones by fresh tasks over a wiped
 *   directory. A restoration error other than corruption is reported to `onError`.
 *
 * Concurrency: every method runs under the owning thread's work lock, except the background
 * restoration itself, which touches only its RESTORING task and is aborted and awaited
 * (`stopRestoration`) before any other change to the tasks.
 */
import type { Logger, TopicPartition } from '../../core/index.ts'
import type { StreamsError } from '../errors.ts'
import { type TaskId, formatTaskId } from '../processor/api.ts'
import type { StateStore } from '../state/api.ts'
import type { ChangelogRestorer } from './changelog-restorer.ts'
import type { CheckpointIO } from './checkpoints.ts'
import type { StreamsConfig } from './config.ts'
import type { RecordCollector } from './record-collector.ts'
import type { LagSource } from './partition-group.ts'
import type { ResolvedTopology } from './runtime-topology.ts'
import type { StateDirectory } from './state-directory.ts'
import { type PipelineFactory, StreamTask, type StreamTaskOptions } from './stream-task.ts'
import { TaskState } from './task-state.ts'

export interface TaskManagerOptions {
  readonly threadName: string
  readonly config: StreamsConfig
  readonly logger: Logger
  readonly topology: ResolvedTopology
  readonly directory: StateDirectory
  readonly checkpoints: CheckpointIO
  readonly createPipeline: PipelineFactory
  readonly globalStore: (name: string) => StateStore | undefined
  readonly collector: RecordCollector
  readonly restorer: ChangelogRestorer
  readonly partitionsFor: (topic: string) => number | undefined
  /** Holds the task directories' locks. */
  readonly owner: unknown
  /** Input partitions' lags as last fetched (`max.task.idle.ms`). */
  readonly lag?: LagSource
  /** The group's committed offsets and metadata (partition times), read when a task starts running. */
  readonly committed?: StreamTaskOptions['committed']
  /** Something changed that the thread's loop should look at (a restoration ended). */
  readonly wake: () => void
  /** A restoration failed (not by corruption): the thread fails. */
  readonly onError: (error: Error) => void
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export class TaskManager {
  readonly #options: TaskManagerOptions
  readonly #tasks = new Map<string, StreamTask>()
  readonly #byPartition = new Map<string, StreamTask>()
  readonly #caughtUp = new Set<StreamTask>()
  readonly #corrupted = new Set<StreamTask>()
  #restoration: { readonly task: StreamTask; readonly abort: AbortController; readonly done: Promise<void> } | null = null

  constructor(options: TaskManagerOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#tasks.size
  }

  tasks(): IterableIterator<StreamTask> {
    return this.#tasks.values()
  }

  /** The task a source partition feeds, if this thread has it. */
  taskFor(topic: string, partition: number): StreamTask | undefined {
    return this.#byPartition.get(tpKey(topic, partition))
  }

  taskIds(): TaskId[] {
    return [...this.#tasks.values()].map((t) => t.taskId)
  }

  running(): StreamTask[] {
    return [...this.#tasks.values()].filter((t) => t.state === TaskState.RUNNING)
  }

  allRunning(): boolean {
    for (const task of this.#tasks.values()) if (task.state !== TaskState.RUNNING) return false
    return true
  }

  #newTask(id: TaskId, partitions: readonly TopicPartition[]): StreamTask {
    const o = this.#options
    return new StreamTask({
      id,
      partitions,
      config: o.config,
      logger: o.logger,
      stores: o.topology.storesOf(id.subtopology),
      globalStore: o.globalStore,
      collector: o.collector,
      topicName: (relative) => o.topology.topicName(relative),
      directory: o.directory,
      checkpoints: o.checkpoints,
      createPipeline: o.createPipeline,
      partitionsFor: o.partitionsFor,
      owner: o.owner,
      lag: o.lag,
      committed: o.committed,
    })
  }

  #index(task: StreamTask): void {
    for (const tp of task.partitions) this.#byPartition.set(tpKey(tp.topic, tp.partition), task)
  }

  /**
   * A new assignment (eager: every partition of the member): closes tasks not assigned again,
   * resumes suspended tasks assigned again, creates the others (none when `createTasks` is
   * false: a failed thread only lets go). Returns the assigned task ids.
   */
  async assign(partitions: readonly TopicPartition[], createTasks: boolean): Promise<string[]> {
    const wanted = new Map<string, { id: TaskId; partitions: TopicPartition[] }>()
    for (const tp of partitions) {
      const id = this.#options.topology.taskOf(tp)
      if (id === undefined) {
        this.#options.logger.warn(`Stream thread ${this.#options.threadName} was assigned ${tp.topic}-${tp.partition}, which no sub-topology reads; ignored`)
        continue
      }
      const name = formatTaskId(id)
      const entry = wanted.get(name) ?? { id, partitions: [] }
      entry.partitions.push(tp)
      wanted.set(name, entry)
    }
    for (const [name, task] of [...this.#tasks]) {
      if (createTasks && wanted.has(name) && task.state === TaskState.SUSPENDED && task.initialized) continue
      await this.#close(task, createTasks)
      this.#tasks.delete(name)
    }
    this.#byPartition.clear()
    if (createTasks) {
      for (const [name, { id, partitions: tps }] of wanted) {
        let task = this.#tasks.get(name)
        if (task === undefined) this.#tasks.set(name, (task = this.#newTask(id, tps)))
        else task.resume(tps)
        this.#index(task)
      }
    }
    return [...wanted.keys()]
  }

  /**
   * Revocation after a commit: every opened task is suspended (kept for a reassignment to this
   * thread); tasks never opened are closed. With `clean` false (the commit failed) every task
   * is closed dirty instead.
   */
  async suspendAll(clean: boolean): Promise<void> {
    await this.stopRestoration()
    for (const [name, task] of [...this.#tasks]) {
      if (clean && task.initialized) await task.suspend()
      else {
        await this.#close(task, clean)
        this.#tasks.delete(name)
      }
    }
    this.#forgetPartitions()
  }

  /** Closes every task: `clean(task)` says whether its checkpoint may be written. */
  async closeAll(clean: (task: StreamTask) => boolean): Promise<void> {
    await this.stopRestoration()
    for (const task of this.#tasks.values()) await this.#close(task, clean(task))
    this.#tasks.clear()
    this.#forgetPartitions()
  }

  #forgetPartitions(): void {
    this.#byPartition.clear()
    this.#caughtUp.clear()
    this.#corrupted.clear()
  }

  async #close(task: StreamTask, clean: boolean): Promise<void> {
    try {
      await task.close(clean)
    } catch (error) {
      this.#options.logger.warn(`Task ${task.name} of stream thread ${this.#options.threadName} did not close cleanly`, { cause: String(error) })
      if (clean) await task.close(false).catch(() => undefined)
    }
  }

  // ---------------------------------------------------------------------- opening and restoring

  /** Opens created tasks whose directory is free (another thread of the instance may still hold one). */
  async initializeTasks(): Promise<void> {
    for (const task of this.#tasks.values()) {
      if (task.state === TaskState.CREATED) await task.initialize()
    }
  }

  /** Starts restoring the next RESTORING task, unless a restoration runs. */
  maybeStartRestoration(): void {
    if (this.#restoration !== null) return
    let task: StreamTask | undefined
    for (const t of this.#tasks.values()) {
      if (t.state === TaskState.RESTORING && !this.#caughtUp.has(t) && !this.#corrupted.has(t)) {
        task = t
        break
      }
    }
    if (task === undefined) return
    const restoring = task
    const abort = new AbortController()
    const done = this.#options.restorer.restore(restoring, abort.signal).then((caughtUp) => {
      if (caughtUp) this.#caughtUp.add(restoring)
    }, (error: unknown) => {
      if ((error as StreamsError)?.code === 'STREAMS_TASK_CORRUPTED') {
        this.#options.logger.warn((error as Error).message)
        this.#corrupted.add(restoring)
      } else {
        this.#options.onError(error instanceof Error ? error : new Error(String(error)))
      }
    }).finally(() => {
      if (this.#restoration?.task === restoring) this.#restoration = null
      this.#options.wake()
    })
    this.#restoration = { task: restoring, abort, done }
  }

  /** Aborts the restoration under way, if any, and waits for it to stop. */
  async stopRestoration(): Promise<void> {
    const restoration = this.#restoration
    if (restoration === null) return
    restoration.abort.abort()
    await restoration.done
    this.#restoration = null
  }

  /** Starts the tasks that caught up; replaces corrupted ones by fresh tasks over a wiped directory. */
  async finishRestorations(): Promise<void> {
    for (const task of [...this.#caughtUp]) {
      this.#caughtUp.delete(task)
      if (task.state === TaskState.RESTORING) await task.completeRestoration()
    }
    for (const task of [...this.#corrupted]) {
      this.#corrupted.delete(task)
      await task.close(false)
      this.#options.directory.wipe(this.#options.directory.taskDir(task.taskId))
      const fresh = this.#newTask(task.taskId, task.partitions)
      this.#tasks.set(task.name, fresh)
      this.#index(fresh)
    }
  }
}
