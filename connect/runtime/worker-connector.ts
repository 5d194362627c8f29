/**
 * One connector in a worker (Kafka Connect's `WorkerConnector` with the standalone herder's
 * per-connector work): the connector instance, its state machine, its task configs and its task
 * runners.
 *
 * Lifecycle: `start(target)` creates the connector, `initialize`s and `start`s it, asks
 * `taskConfigs(tasks.max)` and starts one task runner per config, all in the target state
 * (RUNNING or PAUSED); STOPPED starts nothing. A connector that returns more task configs than
 * `tasks.max`, or whose `start` throws, is FAILED with the trace (its tasks are not started).
 * `stop()` releases the tasks (their offsets flushed or committed) and stops the connector:
 * STOPPED. `restart` = shut down, then start again from UNASSIGNED.
 *
 * Concurrency: lifecycle calls are queued (`#serial`), so that a pause during a restart waits.
 */
import { type Creek, type Logger, SerialQueue } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'
import type { ConnectorConfig } from './connector-config.ts'
import { type ConnectorInstance, createConnector, failConnector, startConnector, stopConnector } from './connector-instance.ts'
import { DeadLetterReporter } from './dead-letter-reporter.ts'
import { type ErrorReporter, ToleranceOperator } from './error-handler.ts'
import type { SourceOffsetStore } from './offset-store.ts'
import type { ConnectorPlugin, DataPlugins } from './plugins.ts'
import { taskConverters } from './task-converters.ts'
import { CONNECTOR_TRANSITIONS, type ConnectorState, StateMachine } from './states.ts'
import type { WorkerConfig } from './worker-config.ts'
import { WorkerSinkTask } from './worker-sink-task.ts'
import { WorkerSourceTask } from './worker-source-task.ts'
import type { TaskMetrics, TaskStatus, WorkerTask } from './worker-task.ts'

export type TargetState = 'RUNNING' | 'PAUSED' | 'STOPPED'

/** `GET /connectors/{name}/status`. */
export interface ConnectorStatus {
  readonly name: string
  readonly connector: { readonly state: ConnectorState; readonly worker_id: string; readonly trace?: string }
  readonly tasks: readonly TaskStatus[]
  readonly type: 'source' | 'sink'
}

export interface WorkerConnectorOptions {
  readonly creek: Creek
  readonly config: ConnectorConfig
  readonly plugin: ConnectorPlugin
  readonly data: DataPlugins
  readonly worker: WorkerConfig
  readonly workerId: string
  readonly offsets: SourceOffsetStore
  readonly logger: Logger
}

export class WorkerConnector {
  readonly name: string
  readonly config: ConnectorConfig
  readonly #options: WorkerConnectorOptions
  readonly machine: StateMachine<ConnectorState>
  #connector: ConnectorInstance | null = null
  #tasks: WorkerTask[] = []
  #taskConfigs: Record<string, string>[] = []
  #target: TargetState = 'RUNNING'
  /** Calls that change state, one after another. */
  readonly #serial = new SerialQueue()
  readonly #reporters: DeadLetterReporter[] = []

  constructor(options: WorkerConnectorOptions) {
    this.#options = options
    this.config = options.config
    this.name = options.config.name
    this.machine = new StateMachine<ConnectorState>(`Connector ${this.name}`, CONNECTOR_TRANSITIONS, 'UNASSIGNED')
  }

  get type(): 'source' | 'sink' {
    return this.#options.plugin.kind
  }

  get targetState(): TargetState {
    return this.#target
  }

  get taskConfigs(): readonly Record<string, string>[] {
    return this.#taskConfigs
  }

  get tasks(): readonly WorkerTask[] {
    return this.#tasks
  }

  status(): ConnectorStatus {
    const trace = this.machine.trace
    return {
      name: this.name,
      connector: { state: this.machine.state, worker_id: this.#options.workerId, ...(trace === null ? {} : { trace }) },
      tasks: this.#tasks.map((t) => t.status()),
      type: this.type,
    }
  }

  metrics(): TaskMetrics[] {
    return this.#tasks.map((t) => t.metrics())
  }

  /** Starts in `target` (from UNASSIGNED). Never throws for the connector's own failures: they make it FAILED. */
  start(target: TargetState): Promise<void> {
    return this.#serial.run(() => this.#start(target))
  }

  async #start(target: TargetState): Promise<void> {
    this.#target = target
    if (target === 'STOPPED') {
      this.machine.transitionTo('STOPPED')
      return
    }
    const { plugin, logger } = this.#options
    try {
      const connector = createConnector(plugin, {
        reconfigure: () => void this.#serial.run(() => this.#reconfigure()).catch((error: unknown) => this.#fail(error)),
        raiseError: (error) => this.#fail(error),
      })
      this.#connector = connector
      this.#taskConfigs = await startConnector(connector, this.config)
      this.machine.transitionTo(target)
    } catch (error) {
      logger.error(`Connector ${this.name} failed to start; it stays FAILED until restarted`, { cause: String(error) })
      this.#failNow(error)
      return
    }
    this.#startTasks()
  }

  #startTasks(): void {
    this.#tasks = this.#taskConfigs.map((taskConfig, id) => this.#newTask(id, taskConfig))
    for (const task of this.#tasks) task.start()
  }

  #newTask(id: number, taskConfig: Record<string, string>): WorkerTask {
    const { creek, plugin, data, worker, workerId, offsets, logger } = this.#options
    const config = this.config
    const identity = { connector: this.name, task: id }
    const reporters: ErrorReporter[] = []
    if (plugin.kind === 'sink' && config.errors.deadLetterTopic !== '') {
      const reporter = new DeadLetterReporter({
        creek, topic: config.errors.deadLetterTopic, replicationFactor: config.errors.deadLetterReplicationFactor,
        contextHeaders: config.errors.deadLetterContextHeaders, id: identity, logger,
      })
      this.#reporters.push(reporter)
      reporters.push(reporter)
    }
    const common = {
      id, workerId, creek, taskConfig, connectorConfig: config, logger,
      converters: taskConverters(this.#options.data, this.#options.worker, this.config),
      transforms: data.transformChain(config.props),
      errors: (signal: AbortSignal) => new ToleranceOperator(config.errors, reporters, logger, identity, signal),
      offsetFlushIntervalMs: worker.offsetFlushIntervalMs,
      paused: this.#target === 'PAUSED',
    }
    const connector = this.#connector!
    if (connector.kind === 'source') {
      return new WorkerSourceTask({ ...common, task: connector.taskClass()(), offsets, producerOptions: worker.producer })
    }
    return new WorkerSinkTask({ ...common, task: connector.taskClass()(), consumerOptions: worker.consumer })
  }

  async #reconfigure(): Promise<void> {
    if (this.#connector === null || this.machine.state === 'FAILED' || this.machine.state === 'STOPPED') return
    const configs = await this.#connector.taskConfigs(this.config.tasksMax)
    if (JSON.stringify(configs) === JSON.stringify(this.#taskConfigs)) return
    await this.#stopTasks()
    this.#taskConfigs = configs
    this.#startTasks()
  }

  #fail(error: unknown): void {
    void this.#serial.run(async () => this.#failNow(error))
  }

  #failNow(error: unknown): void {
    failConnector(this.machine, this.name, error, this.#options.logger)
  }

  pause(): Promise<void> {
    return this.#serial.run(async () => {
      this.#target = 'PAUSED'
      if (this.machine.state === 'RUNNING') this.machine.transitionTo('PAUSED')
      for (const task of this.#tasks) if (task.state === 'RUNNING' || task.state === 'UNASSIGNED') task.pause()
    })
  }

  resume(): Promise<void> {
    return this.#serial.run(async () => {
      const wasStopped = this.machine.state === 'STOPPED'
      this.#target = 'RUNNING'
      if (wasStopped) {
        this.machine.transitionTo('UNASSIGNED')
        await this.#start('RUNNING')
        return
      }
      if (this.machine.state === 'PAUSED') this.machine.transitionTo('RUNNING')
      for (const task of this.#tasks) if (task.state === 'PAUSED' || task.state === 'UNASSIGNED') task.resume()
    })
  }

  /** KIP-875 stop: tasks released (offsets flushed or committed), connector stopped. */
  stop(): Promise<void> {
    return this.#serial.run(async () => {
      this.#target = 'STOPPED'
      await this.#shutdown()
      if (this.machine.state !== 'STOPPED') this.machine.transitionTo('STOPPED')
    })
  }

  /** Restarts the connector (and its tasks with `includeTasks`; only failed ones with `onlyFailed`). */
  restart(options: { readonly includeTasks?: boolean; readonly onlyFailed?: boolean } = {}): Promise<void> {
    return this.#serial.run(async () => {
      const connectorToo = !options.onlyFailed || this.machine.state === 'FAILED'
      if (this.#target === 'STOPPED') return
      if (connectorToo) {
        // A new connector instance and new task configs: the tasks restart with it.
        await this.#shutdown()
        this.machine.transitionTo('UNASSIGNED')
        await this.#start(this.#target)
        return
      }
      if (options.includeTasks) {
        for (const task of [...this.#tasks]) if (!options.onlyFailed || task.state === 'FAILED') await this.#restartTask(task.id)
      }
    })
  }

  restartTask(id: number): Promise<void> {
    return this.#serial.run(() => this.#restartTask(id))
  }

  async #restartTask(id: number): Promise<void> {
    const task = this.#tasks[id]
    if (task === undefined) throw new ConnectError('CONNECT_NOT_FOUND', `Connector ${this.name} has no task ${id} (it has ${this.#tasks.length})`)
    await task.stop()
    const fresh = this.#newTask(id, this.#taskConfigs[id])
    this.#tasks[id] = fresh
    fresh.start()
  }

  async #stopTasks(): Promise<void> {
    const tasks = this.#tasks
    this.#tasks = []
    await Promise.all(tasks.map((task) => task.stop()))
    await Promise.all(this.#reporters.splice(0).map((r) => r.close().catch(() => undefined)))
  }

  async #shutdown(): Promise<void> {
    await this.#stopTasks()
    const connector = this.#connector
    this.#connector = null
    if (connector !== null) await stopConnector(connector, this.name, this.#options.logger)
  }

  /** Stops tasks (flushing offsets) and the connector; for delete and worker shutdown. */
  shutdown(): Promise<void> {
    return this.#serial.run(() => this.#shutdown())
  }

  /** Drops every task without flushing or committing (a crash, for tests). */
  kill(): void {
    for (const task of this.#tasks) task.kill()
    this.#tasks = []
  }

  /** Flushes source offsets of every task now. */
  async flushOffsets(): Promise<void> {
    await Promise.all(this.#tasks.map((t) => (t instanceof WorkerSourceTask ? t.flushOffsets() : undefined)))
  }
}
