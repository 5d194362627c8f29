/**
 * `CreekStreams`: a running instance of a streams application (Kafka Streams' `KafkaStreams`).
 *
 * ```ts
 * const creek = await Creek.open({ dataDir }) // or Creek.connect({ bootstrap })
 * const app = new CreekStreams(builder.build(), { creek, applicationId: 'word-count' })
 * app.onStateChange((next) => console.log(next))
 * await app.start()
 * const counts = app.store<string, number>('counts')
 * await app.close()
 * ```
 *
 * Instances sharing an `applicationId` form one consumer group and split the tasks (one per
 * sub-topology and input partition) between their stream threads; when an instance leaves or
 * dies, the others take its tasks over and restore their state from the changelogs.
 *
 * Contracts:
 * - State (streams-state.ts): CREATED → `start()` → REBALANCING ⇄ RUNNING → `close()` →
 *   PENDING_SHUTDOWN → NOT_RUNNING; on a fatal error PENDING_ERROR → ERROR. Listeners
 *   (`onStateChange`) are called synchronously on every move.
 * - `start()` validates co-partitioning, creates missing internal topics, loads the global
 *   stores, then starts `numStreamThreads` threads; it resolves once they are started (the
 *   state is REBALANCING; RUNNING follows when every task has restored). Any failure there
 *   moves to ERROR and rejects.
 * - An error a thread cannot handle (a task, a store, a 'fail' of an exception handler) goes
 *   to the uncaught-exception handler: 'REPLACE_THREAD' starts a new thread in place of the
 *   failed one; 'SHUTDOWN_CLIENT' (default) closes this instance (→ ERROR); 'SHUTDOWN_APPLICATION'
 *   asks every instance of the application to shut down (each → ERROR). The failed thread's
 *   tasks are closed without committing: their records are processed again from the last commit.
 * - `close()` commits and closes every task, flushes producers, leaves the group and closes the
 *   clients this instance made (not `creek`); with `timeoutMs` it resolves false when that was
 *   not done in time (closing goes on in the background).
 * - Works the same over `Creek.open` (embedded) and `Creek.connect` (network): only the
 *   clients of `creek` are used.
 */
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { type Admin, type Creek, type Logger, silentLogger } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { ReadOnlyKeyValueStore, StateStore } from '../state/api.ts'
import type { ReadOnlySessionStore, ReadOnlyWindowStore } from '../state/window-api.ts'
import { TaskPipeline } from '../topology/task-pipeline.ts'
import type { Topology } from '../topology/topology.ts'
import { fileCheckpoints } from './checkpoints.ts'
import { type StreamsConfig, type StreamsOptions, resolveStreamsConfig } from './config.ts'
import { GlobalState } from './global-state.ts'
import { prepareTopics } from './internal-topics.ts'
import { ResolvedTopology } from './runtime-topology.ts'
import { StateDirectory } from './state-directory.ts'
import { StateMachine } from './state-machine.ts'
import { CompositeKeyValueView } from './store-view.ts'
import { CompositeSessionView, CompositeWindowView } from './window-store-view.ts'
import type { StreamsMetric } from './streams-metrics.ts'
import { STREAMS_STATE_TRANSITIONS, StreamsState, isRunningOrRebalancing } from './streams-state.ts'
import type { PipelineFactory } from './stream-task.ts'
import { StreamThread, type ThreadMetadata } from './stream-thread.ts'
import { ThreadState, isRebalancing } from './thread-state.ts'

/** What the uncaught-exception handler answers (Kafka's `StreamThreadExceptionResponse`). */
export type StreamThreadExceptionResponse = 'REPLACE_THREAD' | 'SHUTDOWN_CLIENT' | 'SHUTDOWN_APPLICATION'

export type UncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse

export type StreamsStateListener = (next: StreamsState, previous: StreamsState) => void

export interface CreekStreamsOptions extends StreamsOptions {
  /** Where the clients come from: `Creek.open(...)` or `Creek.connect(...)`. Not closed by `close()`. */
  readonly creek: Creek
  readonly logger?: Logger
}

export interface CloseOptions {
  /** Resolve false if closing takes longer (it goes on in the background). Default: wait. */
  readonly timeoutMs?: number
}

/** This instance, as `metadata` describes it (Kafka's `metadataForLocalThreads`). */
export interface LocalMetadata {
  readonly applicationId: string
  /** Identifies this instance in the group's assignments. */
  readonly processId: string
  readonly state: StreamsState
  readonly threads: readonly ThreadMetadata[]
  readonly globalStores: readonly string[]
}

export class CreekStreams {
  readonly config: StreamsConfig
  readonly #creek: Creek
  readonly #logger: Logger
  readonly #topology: ResolvedTopology
  readonly #state: StateMachine<StreamsState>
  readonly #processId = randomUUID()
  readonly #directory: StateDirectory
  readonly #createPipeline: PipelineFactory
  #threads: StreamThread[] = []
  /** Shutdowns of replaced threads, awaited by `close()`. */
  readonly #retiring = new Set<Promise<void>>()
  #threadCounter = 0
  #admin: Admin | null = null
  #global: GlobalState | null = null
  #handler: UncaughtExceptionHandler = () => 'SHUTDOWN_CLIENT'
  #closing: Promise<void> | null = null
  #shutdownTimer: NodeJS.Timeout | undefined

  constructor(topology: Topology, options: CreekStreamsOptions) {
    if (options === null || typeof options !== 'object' || options.creek === undefined || typeof options.creek.consumer !== 'function') {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'CreekStreams needs { creek, applicationId }: creek from Creek.open({ dataDir }) or Creek.connect({ bootstrap })')
    }
    const { creek, logger, ...streamsOptions } = options
    this.config = resolveStreamsConfig(streamsOptions, tmpdir())
    this.#creek = creek
    this.#logger = logger ?? silentLogger
    this.#topology = new ResolvedTopology(topology, this.config.applicationId)
    this.#state = new StateMachine(`application '${this.config.applicationId}'`, StreamsState.CREATED, STREAMS_STATE_TRANSITIONS, (error) => {
      this.#logger.error(`A state listener of application '${this.config.applicationId}' threw`, { cause: String(error) })
    })
    this.#directory = new StateDirectory(this.config.stateDir, this.config.applicationId)
    this.#createPipeline = (subtopology, runtime) => TaskPipeline.create(topology, subtopology, runtime)
  }

  get state(): StreamsState {
    return this.#state.state
  }

  /** Adds a state listener; returns a function that removes it. */
  onStateChange(listener: StreamsStateListener): () => void {
    return this.#state.onChange(listener)
  }

  /** Decides what a thread's unhandled error does (default 'SHUTDOWN_CLIENT'). Set before `start()`. */
  setUncaughtExceptionHandler(handler: UncaughtExceptionHandler): void {
    if (typeof handler !== 'function') throw new StreamsError('STREAMS_INVALID_CONFIG', 'setUncaughtExceptionHandler takes a function (error) => REPLACE_THREAD | SHUTDOWN_CLIENT | SHUTDOWN_APPLICATION')
    this.#handler = handler
  }

  get metadata(): LocalMetadata {
    return {
      applicationId: this.config.applicationId,
      processId: this.#processId,
      state: this.state,
      threads: this.#threads.map((t) => t.metadata),
      globalStores: this.#global?.storeNames ?? [],
    }
  }

  // ------------------------------------------------------------------------------- start

  async start(): Promise<void> {
    if (!this.#state.is(StreamsState.CREATED)) {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `Application '${this.config.applicationId}' cannot start in state ${this.state}; an instance starts once (make a new CreekStreams to restart)`)
    }
    this.#state.transitionTo(StreamsState.REBALANCING)
    if (this.config.numStandbyReplicas > 0) this.#logger.warn(`numStandbyReplicas is ${this.config.numStandbyReplicas}, but standby tasks are not supported yet; none are created`)
    try {
      const admin = this.#creek.admin({ clientId: `${this.config.clientId}-admin` })
      this.#admin = admin
      await prepareTopics(admin, this.#topology, this.config, this.#logger)
      this.#global = new GlobalState({
        creek: this.#creek,
        admin,
        config: this.config,
        logger: this.#logger,
        stores: this.#topology.globalStores,
        directory: this.#directory,
        checkpoints: fileCheckpoints,
        createPipeline: this.#createPipeline,
        onError: (error) => this.#onFatal(error),
      })
      await this.#global.start()
      for (let i = 0; i < this.config.numStreamThreads && this.#state.is(StreamsState.REBALANCING, StreamsState.RUNNING); i++) await this.#addThread()
    } catch (error) {
      this.#logger.error(`Application '${this.config.applicationId}' failed to start`, { cause: String(error) })
      if (this.#state.canTransitionTo(StreamsState.PENDING_ERROR)) {
        this.#state.transitionTo(StreamsState.PENDING_ERROR)
        await this.#release()
        this.#state.transitionTo(StreamsState.ERROR)
      }
      throw error
    }
  }

  async #addThread(): Promise<void> {
    if (!this.#state.is(StreamsState.REBALANCING, StreamsState.RUNNING)) return
    const name = `${this.config.clientId}-StreamThread-${++this.#threadCounter}`
    const thread = new StreamThread({
      name,
      creek: this.#creek,
      admin: this.#admin!,
      config: this.config,
      logger: this.#logger,
      topology: this.#topology,
      processId: this.#processId,
      directory: this.#directory,
      checkpoints: fileCheckpoints,
      createPipeline: this.#createPipeline,
      globalStore: (storeName) => this.#global?.store(storeName),
      onStateChange: () => this.#updateState(),
      onError: (t, error) => this.#onThreadError(t, error),
      onShutdownRequested: () => this.#onShutdownRequested(),
    })
    this.#threads.push(thread)
    await thread.start()
  }

  /** REBALANCING while a live thread rebalances or restores; RUNNING when all run. */
  #updateState(): void {
    if (!this.#state.is(StreamsState.REBALANCING, StreamsState.RUNNING)) return
    const alive = this.#threads.filter((t) => t.alive)
    if (alive.length === 0) return
    if (alive.some((t) => isRebalancing(t.state) || t.state === ThreadState.CREATED)) {
      if (this.#state.is(StreamsState.RUNNING)) this.#state.transitionTo(StreamsState.REBALANCING)
    } else if (alive.every((t) => t.state === ThreadState.RUNNING) && this.#state.is(StreamsState.REBALANCING)) {
      this.#state.transitionTo(StreamsState.RUNNING)
    }
  }

  // ------------------------------------------------------------------------------- errors

  #onThreadError(thread: StreamThread, error: Error): void {
    if (!this.#state.is(StreamsState.REBALANCING, StreamsState.RUNNING)) {
      void thread.shutdown()
      return
    }
    let response: StreamThreadExceptionResponse
    try {
      response = this.#handler(error)
    } catch (handlerError) {
      this.#logger.error('The uncaught-exception handler threw; shutting down this instance', { cause: String(handlerError) })
      response = 'SHUTDOWN_CLIENT'
    }
    this.#logger.error(`Stream thread ${thread.name} died; the uncaught-exception handler answered ${response}`, { cause: String(error) })
    switch (response) {
      case 'REPLACE_THREAD':
        this.#threads = this.#threads.filter((t) => t !== thread)
        const retiring: Promise<void> = thread.shutdown().then(() => this.#addThread()).catch((e: unknown) => this.#onFatal(e instanceof Error ? e : new Error(String(e))))
          .finally(() => this.#retiring.delete(retiring))
        this.#retiring.add(retiring)
        this.#updateState()
        return
      case 'SHUTDOWN_APPLICATION': {
        // The failed thread's consumer is still a member: it carries the request to the group.
        thread.requestApplicationShutdown().catch((e: unknown) => {
          this.#logger.error('Could not ask the group to shut the application down; shutting down this instance', { cause: String(e) })
          this.#onFatal(error)
        })
        this.#shutdownTimer = setTimeout(() => this.#onFatal(error), 30_000)
        this.#shutdownTimer.unref()
        return
      }
      default:
        this.#onFatal(error)
    }
  }

  #onShutdownRequested(): void {
    this.#onFatal(new StreamsError('STREAMS_CLOSED', `An instance of application '${this.config.applicationId}' asked every instance to shut down (SHUTDOWN_APPLICATION)`))
  }

  /** PENDING_ERROR → close everything → ERROR. */
  #onFatal(error: Error): void {
    if (!this.#state.canTransitionTo(StreamsState.PENDING_ERROR)) return
    this.#logger.error(`Application '${this.config.applicationId}' shuts down after an error`, { cause: String(error) })
    this.#state.transitionTo(StreamsState.PENDING_ERROR)
    this.#closing = this.#release().then(() => this.#state.transitionTo(StreamsState.ERROR))
  }

  // ------------------------------------------------------------------------------- queries

  /** A read-only view of the local instances of store `name` (see store-view.ts). */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    const info = [...this.#topology.stores, ...this.#topology.globalStores].find((s) => s.name === name)
    if (info === undefined) {
      const names = [...this.#topology.stores, ...this.#topology.globalStores].map((s) => `'${s.name}'`).join(', ') || 'none'
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Application '${this.config.applicationId}' has no store '${name}' (stores: ${names})`)
    }
    return new CompositeKeyValueView<K, V>(name, () => this.#instancesOf(name), info.timestamped === true)
  }

  /**
   * The instance's metrics (Kafka's names; see streams-metrics.ts): task-level metrics of the
   * tasks its threads run now.
   */
  metrics(): StreamsMetric[] {
    return this.#threads.flatMap((t) => t.metrics())
  }

  /** A read-only view of the local instances of window store `name` (see window-store-view.ts). */
  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    const info = this.#storeInfo(name)
    return new CompositeWindowView<K, V>(name, () => this.#instancesOf(name), info.timestamped === true)
  }

  /** A read-only view of the local instances of session store `name` (see window-store-view.ts). */
  sessionStore<K, AGG>(name: string): ReadOnlySessionStore<K, AGG> {
    this.#storeInfo(name)
    return new CompositeSessionView<K, AGG>(name, () => this.#instancesOf(name))
  }

  #storeInfo(name: string): { readonly timestamped?: boolean } {
    const info = [...this.#topology.stores, ...this.#topology.globalStores].find((s) => s.name === name)
    if (info === undefined) {
      const names = [...this.#topology.stores, ...this.#topology.globalStores].map((s) => `'${s.name}'`).join(', ') || 'none'
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Application '${this.config.applicationId}' has no store '${name}' (stores: ${names})`)
    }
    return info
  }

  #instancesOf(name: string): StateStore[] {
    if (!isRunningOrRebalancing(this.state)) {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Store '${name}' cannot be queried while application '${this.config.applicationId}' is ${this.state}`)
    }
    const global = this.#global?.store(name)
    if (global !== undefined) return [global]
    return this.#threads.flatMap((t) => t.storesNamed(name))
  }

  // ------------------------------------------------------------------------------- close

  /** Closes the instance (see the module comment); true when done within `timeoutMs`. */
  async close(options: CloseOptions = {}): Promise<boolean> {
    if (this.#state.is(StreamsState.CREATED)) {
      this.#state.transitionTo(StreamsState.PENDING_SHUTDOWN)
      this.#state.transitionTo(StreamsState.NOT_RUNNING)
      return true
    }
    if (this.#state.is(StreamsState.REBALANCING, StreamsState.RUNNING)) {
      this.#state.transitionTo(StreamsState.PENDING_SHUTDOWN)
      this.#closing = this.#release().then(() => this.#state.transitionTo(StreamsState.NOT_RUNNING))
    }
    const closing = this.#closing ?? Promise.resolve()
    if (options.timeoutMs === undefined) {
      await closing
      return true
    }
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs)
    })
    const result = await Promise.race([closing.then(() => true as const), timedOut])
    clearTimeout(timer)
    return result
  }

  /** Shuts every thread down (in parallel), then global stores and the admin client. */
  async #release(): Promise<void> {
    clearTimeout(this.#shutdownTimer)
    await Promise.all([...this.#retiring])
    const threads = this.#threads
    await Promise.all(threads.map((t) => t.shutdown().catch((error: unknown) => {
      this.#logger.warn(`Stream thread ${t.name} did not shut down cleanly`, { cause: String(error) })
    })))
    await this.#global?.close().catch((error: unknown) => this.#logger.warn('Global stores did not close cleanly', { cause: String(error) }))
    await this.#admin?.close().catch(() => undefined)
  }
}
