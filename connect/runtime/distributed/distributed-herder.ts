/**
 * `DistributedHerder`: a distributed Connect worker and its `Herder` (Kafka's
 * `DistributedHerder`). Workers with the same `group.id` form a cluster through the classic
 * group protocol (protocol type "connect", Kafka's eager protocol "default"); connector configs,
 * task configs and target states live in the config topic, source offsets in the offsets topic,
 * statuses in the status topic (config-store.ts, topic-offset-store.ts, status-store.ts).
 *
 * ```ts
 * const herder = new DistributedHerder({ creek, config: { 'group.id': 'connect-cluster' } })
 * const rest = await ConnectRestServer.start({ herder, port: 8083 })
 * await herder.start({ url: rest.url })   // joins the group; resolves once it has an assignment
 * await herder.stop()                     // tasks stopped (offsets flushed), leaves the group
 * ```
 *
 * Contracts:
 * - Rebalancing is eager: at every rebalance each worker stops all its connectors and tasks
 *   (source offsets flushed, sink offsets committed), then the leader assigns every connector and
 *   task round-robin (connect-protocol.ts) and each worker starts what it got. A rebalance
 *   happens when a worker joins, leaves or misses `session.timeout.ms` of heartbeats, and when
 *   the leader reads a connector created, updated or deleted, or new task configs.
 * - REST writes are applied through the config topic by whichever worker receives them (Kafka
 *   forwards them to the leader instead); they resolve once this worker has read them back.
 *   Two workers creating the same name at the same moment: the later record wins.
 * - A connector's instance publishes its task configs to the config topic only when they differ
 *   from the committed ones; STOPPED (KIP-875) commits zero tasks.
 * - Statuses are written by the worker running the connector or task when they change (checked
 *   every 200 ms) and read from the status topic by every worker.
 * - Restarts travel as records of the config topic; the owners act on them (so REST restart
 *   calls return before the restart is done).
 */
import { hostname } from 'node:os'
import { type Creek, type GroupGeneration, type GroupMember, type Logger, silentLogger, SerialQueue } from '../../../core/index.ts'
import { ConnectError } from '../../errors.ts'
import { parseConnectorConfig, stringProps } from '../connector-config.ts'
import { checkConnectorConfig, patchConfig, pluginConfig, pluginInfos, restartPlan, validateConnectorConfig } from '../connector-validation.ts'
import { defaultDataPlugins } from '../data-plugins.ts'
import { defaultPlugins } from '../default-plugins.ts'
import type {
  ConfigInfos, ConfigKeyInfo, ConnectorInfo, ConnectorOffset, ConnectorOffsets, ConnectorStateInfo, Herder, PluginInfo,
  RestartOptions, ServerInfo, TaskInfo, TaskStateInfo,
} from '../herder.ts'
import type { DataPlugins, PluginRegistry } from '../plugins.ts'
import { CONNECT_VERSION, clusterIdOf } from '../server-info.ts'
import { alterSinkOffsets, resetSinkOffsets, sinkOffsets } from '../sink-offsets.ts'
import { traceOf } from '../states.ts'
import type { TargetState } from '../worker-connector.ts'
import type { WorkerTask } from '../worker-task.ts'
import { type ConfigChange, ConfigStore } from './config-store.ts'
import { CONNECT_PROTOCOL_TYPE, EAGER_PROTOCOL_NAME, assignRoundRobin, decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata } from './connect-protocol.ts'
import { ConnectorRunner } from './connector-runner.ts'
import { type DistributedConfig, parseDistributedConfig } from './distributed-config.ts'
import { StatusStore } from './status-store.ts'
import { type BuiltTask, buildTask } from './task-factory.ts'
import { TopicOffsetStore } from './topic-offset-store.ts'

export interface DistributedHerderOptions {
  readonly creek: Creek
  /** Worker properties with Kafka's names (distributed-config.ts). */
  readonly config: Readonly<Record<string, unknown>>
  readonly plugins?: PluginRegistry
  readonly data?: DataPlugins
  readonly logger?: Logger
  /** `worker_id` in statuses (default: the REST URL's host:port given to `start`, else `<hostname>:<pid>`). */
  readonly workerId?: string
}

const STATUS_INTERVAL_MS = 200
const taskKey = (name: string, id: number): string => `${name}\u0000${id}`

interface LocalTask {
  readonly name: string
  readonly id: number
  readonly built: BuiltTask | null
  /** The failure of a task that could not even be built. */
  readonly failure: string | null
}

export class DistributedHerder implements Herder {
  readonly config: DistributedConfig
  readonly #creek: Creek
  readonly #plugins: PluginRegistry
  readonly #data: DataPlugins
  readonly #logger: Logger
  #workerId: string
  #url = ''
  #configs: ConfigStore | null = null
  #offsets: TopicOffsetStore | null = null
  #statuses: StatusStore | null = null
  #member: GroupMember | null = null
  #generation = -1
  #leader = false
  readonly #connectors = new Map<string, ConnectorRunner>()
  readonly #tasks = new Map<string, LocalTask>()
  readonly #reported = new Map<string, string>()
  /** Calls that change state, one after another. */
  readonly #serial = new SerialQueue()
  #statusTimer: NodeJS.Timeout | undefined
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new'
  #assigned: (() => void) | null = null

  constructor(options: DistributedHerderOptions) {
    this.config = parseDistributedConfig(options.config)
    this.#creek = options.creek
    this.#plugins = options.plugins ?? defaultPlugins()
    this.#data = options.data ?? defaultDataPlugins()
    this.#logger = options.logger ?? silentLogger
    this.#workerId = options.workerId ?? ''
  }

  get workerId(): string {
    return this.#workerId
  }

  /** Whether this worker leads the current generation. */
  get isLeader(): boolean {
    return this.#leader
  }

  /** Connectors and tasks running here (for tests and tools). */
  localWork(): { connectors: string[]; tasks: { connector: string; task: number }[] } {
    return { connectors: [...this.#connectors.keys()].sort(), tasks: [...this.#tasks.values()].map((t) => ({ connector: t.name, task: t.id })) }
  }

  /**
   * Opens the three topics, joins the group, and resolves once this worker got its first
   * assignment (or after `rebalance.timeout.ms`, still joining; at once with
   * `waitForAssignment: false`). `url` is this worker's REST URL, told to the other workers.
   */
  async start(options: { readonly url?: string; readonly waitForAssignment?: boolean } = {}): Promise<void> {
    if (this.#state !== 'new') throw new ConnectError('CONNECT_ILLEGAL_STATE', `The worker is ${this.#state}; start() is called once`)
    this.#state = 'starting'
    const c = this.config
    this.#url = options.url ?? `http://${c.advertisedHost ?? c.restHost}:${c.advertisedPort ?? c.restPort}`
    if (this.#workerId === '') this.#workerId = options.url !== undefined ? new URL(options.url).host : `${hostname()}:${process.pid}`
    const clientId = `connect-${c.groupId}-${this.#workerId}`
    const common = { creek: this.#creek, logger: this.#logger }
    this.#configs = await ConfigStore.open({ ...common, topic: c.configTopic, clientId: `${clientId}-configs`, onChange: (change) => this.#onConfigChange(change) })
    this.#offsets = await TopicOffsetStore.open({ ...common, topic: c.offsetTopic, partitions: c.offsetPartitions, clientId: `${clientId}-offsets` })
    this.#statuses = await StatusStore.open({ ...common, topic: c.statusTopic, partitions: c.statusPartitions, clientId: `${clientId}-statuses` })
    const assigned = new Promise<void>((resolve) => { this.#assigned = resolve })
    this.#member = this.#creek.groupMember({
      groupId: c.groupId, protocolType: CONNECT_PROTOCOL_TYPE, clientId: `${clientId}-member`,
      sessionTimeoutMs: c.sessionTimeoutMs, heartbeatIntervalMs: c.heartbeatIntervalMs, rebalanceTimeoutMs: c.rebalanceTimeoutMs,
      logger: this.#logger,
      handler: {
        protocols: () => [{ name: EAGER_PROTOCOL_NAME, metadata: encodeMetadata({ url: this.#url, configOffset: this.#configStore.offset }) }],
        assign: (generation) => this.#assign(generation),
        onRevoked: () => this.#serial.run(() => this.#revokeAll()),
        onAssigned: (bytes, generation) => this.#serial.run(() => this.#onAssigned(bytes, generation)),
        onFatal: (error) => this.#logger.error(`Worker ${this.#workerId} cannot be a member of Connect cluster '${c.groupId}': ${error.message}`),
      },
    })
    this.#member.start()
    this.#statusTimer = setInterval(() => void this.#reportStatuses().catch(() => undefined), STATUS_INTERVAL_MS)
    this.#state = 'running'
    if (options.waitForAssignment === false) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([assigned, new Promise<void>((resolve) => { timer = setTimeout(resolve, c.rebalanceTimeoutMs) })])
    clearTimeout(timer)
  }

  get #configStore(): ConfigStore {
    if (this.#configs === null) throw new ConnectError('CONNECT_CONFLICT', `Worker ${this.#workerId || '(starting)'} is not started yet; try again shortly`)
    return this.#configs
  }

  // ------------------------------------------------------------------------------ group

  async #assign(generation: GroupGeneration): Promise<Map<string, Buffer>> {
    const configs = this.#configStore
    await configs.readToEnd()
    for (const member of generation.members) {
      const metadata = decodeMetadata(member.metadata)
      if (metadata.configOffset > configs.offset) await configs.readToEnd()
    }
    const connectors = configs.connectors()
    const tasks = connectors
      .filter((name) => configs.targetState(name) !== 'STOPPED')
      .flatMap((name) => configs.taskConfigs(name).map((_, task) => ({ connector: name, task })))
    const plan = assignRoundRobin(generation.members.map((m) => m.memberId), connectors, tasks)
    const out = new Map<string, Buffer>()
    for (const [memberId, work] of plan) {
      out.set(memberId, encodeAssignment({ error: 0, leader: generation.memberId, leaderUrl: this.#url, configOffset: configs.offset, ...work }))
    }
    this.#logger.info(`Connect cluster '${this.config.groupId}' generation ${generation.generationId}: ${connectors.length} connectors and ${tasks.length} tasks over ${plan.size} workers`)
    return out
  }

  async #onAssigned(bytes: Buffer, generation: GroupGeneration): Promise<void> {
    const assignment = decodeAssignment(bytes)
    this.#generation = generation.generationId
    this.#leader = generation.isLeader
    const configs = this.#configStore
    if (configs.offset < assignment.configOffset) await configs.readToEnd()
    await this.#offsets?.readToEnd()
    for (const name of assignment.connectors) this.#startConnector(name)
    for (const { connector, task } of assignment.tasks) this.#startTask(connector, task)
    this.#assigned?.()
    this.#assigned = null
    await this.#reportStatuses()
  }

  #startConnector(name: string): void {
    const props = this.#configStore.connectorConfig(name)
    if (props === undefined) return
    let runner: ConnectorRunner
    try {
      const plugin = this.#plugins.connector(props['connector.class'] ?? '')
      runner = new ConnectorRunner({
        config: parseConnectorConfig(props, plugin.kind), plugin, logger: this.#logger,
        publish: (configs) => this.#publishTaskConfigs(name, configs),
      })
    } catch (error) {
      this.#logger.error(`Connector ${name} cannot be started`, { cause: String(error) })
      void this.#statuses?.putConnector(name, { state: 'FAILED', trace: traceOf(error), worker_id: this.#workerId, generation: this.#generation }).catch(() => undefined)
      return
    }
    this.#connectors.set(name, runner)
    void runner.start(this.#configStore.targetState(name))
  }

  async #publishTaskConfigs(name: string, configs: Record<string, string>[]): Promise<void> {
    const store = this.#configStore
    if (store.connectorConfig(name) === undefined) return
    const current = store.taskConfigs(name)
    if (current.length === configs.length && JSON.stringify(current) === JSON.stringify(configs)) return
    await store.putTaskConfigs(name, configs)
  }

  #startTask(name: string, id: number): void {
    const store = this.#configStore
    const props = store.connectorConfig(name)
    const taskConfig = store.taskConfigs(name)[id]
    if (props === undefined || taskConfig === undefined) return
    try {
      const plugin = this.#plugins.connector(props['connector.class'] ?? '')
      const built = buildTask({
        creek: this.#creek, data: this.#data, worker: this.config.worker, workerId: this.#workerId, offsets: this.#offsets!, logger: this.#logger,
      }, plugin, parseConnectorConfig(props, plugin.kind), id, taskConfig, store.targetState(name) === 'PAUSED')
      this.#tasks.set(taskKey(name, id), { name, id, built, failure: null })
      built.task.start()
    } catch (error) {
      this.#logger.error(`Task ${name}-${id} cannot be started`, { cause: String(error) })
      this.#tasks.set(taskKey(name, id), { name, id, built: null, failure: traceOf(error) })
    }
  }

  async #stopTask(local: LocalTask): Promise<void> {
    this.#tasks.delete(taskKey(local.name, local.id))
    if (local.built === null) return
    await local.built.task.stop()
    await Promise.all(local.built.reporters.map((r) => r.close().catch(() => undefined)))
  }

  /** Eager revocation: everything stops here (offsets flushed), statuses say UNASSIGNED. */
  async #revokeAll(): Promise<void> {
    const tasks = [...this.#tasks.values()]
    const connectors = [...this.#connectors.values()]
    this.#connectors.clear()
    await Promise.all([...tasks.map((t) => this.#stopTask(t)), ...connectors.map((c) => c.shutdown())])
    await this.#offsets?.flush().catch((error: unknown) => this.#logger.error('Flushing source offsets at a rebalance failed', { cause: String(error) }))
    const unassigned = { state: 'UNASSIGNED', trace: null, worker_id: this.#workerId, generation: this.#generation }
    await Promise.all([
      ...connectors.map((c) => this.#statuses?.putConnector(c.name, unassigned)),
      ...tasks.map((t) => this.#statuses?.putTask(t.name, t.id, unassigned)),
    ]).catch(() => undefined)
    this.#reported.clear()
    this.#leader = false
  }

  #onConfigChange(change: ConfigChange): void {
    if (change.kind === 'connector' || change.kind === 'tasks') {
      if (this.#leader) this.#member?.requestRejoin(`${change.kind === 'tasks' ? 'task configs' : 'the config'} of connector ${change.name} changed`)
      return
    }
    void this.#serial.run(async () => {
      const store = this.#configs
      if (store === null) return
      if (change.kind === 'target-state') {
        await this.#connectors.get(change.name)?.setTarget(change.state)
        for (const local of [...this.#tasks.values()].filter((t) => t.name === change.name && t.built !== null)) {
          if (change.state === 'STOPPED') await this.#stopTask(local)
          else if (change.state === 'PAUSED') local.built!.task.pause()
          else local.built!.task.resume()
        }
      } else if (change.kind === 'restart-connector') {
        const runner = this.#connectors.get(change.name)
        if (runner !== undefined && (!change.onlyFailed || runner.machine.state === 'FAILED')) await runner.restart(store.targetState(change.name))
        if (change.includeTasks) {
          for (const local of [...this.#tasks.values()].filter((t) => t.name === change.name)) {
            if (!change.onlyFailed || local.built === null || local.built.task.state === 'FAILED') await this.#restartTask(local)
          }
        }
      } else if (change.kind === 'restart-task') {
        const local = this.#tasks.get(taskKey(change.name, change.task))
        if (local !== undefined) await this.#restartTask(local)
      }
      await this.#reportStatuses()
    }).catch((error: unknown) => this.#logger.error(`Applying a change of connector ${change.name} failed`, { cause: String(error) }))
  }

  async #restartTask(local: LocalTask): Promise<void> {
    await this.#stopTask(local)
    this.#startTask(local.name, local.id)
  }

  async #reportStatuses(): Promise<void> {
    const statuses = this.#statuses
    if (statuses === null || this.#state === 'stopped') return
    const writes: Promise<void>[] = []
    const report = (key: string, state: string, trace: string | null, write: (s: { state: string; trace: string | null; worker_id: string; generation: number }) => Promise<void>): void => {
      const text = `${state}\u0000${trace ?? ''}`
      if (this.#reported.get(key) === text) return
      this.#reported.set(key, text)
      writes.push(write({ state, trace, worker_id: this.#workerId, generation: this.#generation }))
    }
    for (const runner of this.#connectors.values()) {
      const { state, trace } = runner.status()
      report(`c\u0000${runner.name}`, state, trace, (s) => statuses.putConnector(runner.name, s))
    }
    for (const local of this.#tasks.values()) {
      const status = local.built?.task.status()
      report(`t\u0000${taskKey(local.name, local.id)}`, status?.state ?? 'FAILED', status === undefined ? local.failure : (status.trace ?? null), (s) => statuses.putTask(local.name, local.id, s))
    }
    await Promise.all(writes)
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** Stops every connector and task (offsets flushed), leaves the group and closes the topics. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return
    await this.#member?.close()
    clearInterval(this.#statusTimer)
    this.#state = 'stopped'
    await this.#offsets?.flush().catch(() => undefined)
    await Promise.allSettled([this.#configs?.close(), this.#offsets?.close(), this.#statuses?.close()])
  }

  /** Drops everything without flushing, leaving the group or revoking, as a crash would (tests). */
  async kill(): Promise<void> {
    this.#state = 'stopped'
    clearInterval(this.#statusTimer)
    this.#member?.kill()
    for (const local of this.#tasks.values()) local.built?.task.kill()
    this.#tasks.clear()
    this.#connectors.clear()
    await Promise.allSettled([this.#configs?.close(), this.#offsets?.close(), this.#statuses?.close()])
  }

  // ------------------------------------------------------------------------------ Herder

  async serverInfo(): Promise<ServerInfo> {
    return { version: CONNECT_VERSION, commit: 'creek', kafka_cluster_id: clusterIdOf(this.#creek) }
  }

  async connectors(): Promise<string[]> {
    return this.#configStore.connectors()
  }

  #props(name: string): Record<string, string> {
    const props = this.#configStore.connectorConfig(name)
    if (props === undefined) throw new ConnectError('CONNECT_NOT_FOUND', `Connector ${name} not found`)
    return props
  }

  #type(props: Readonly<Record<string, string>>): 'source' | 'sink' {
    return this.#plugins.connector(props['connector.class'] ?? '').kind
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const props = this.#props(name)
    return { name, config: { ...props }, tasks: this.#configStore.taskConfigs(name).map((_, task) => ({ connector: name, task })), type: this.#type(props) }
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#props(name) }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const props = this.#props(name)
    const stored = this.#statuses?.connector(name)
    const tasks = this.#configStore.taskConfigs(name).map((_, id) => this.#taskState(name, id))
    const connector = stored === undefined
      ? { state: 'UNASSIGNED' as const, worker_id: '' }
      : { state: stored.state as TaskStateInfo['state'], worker_id: stored.worker_id, ...(stored.trace === null ? {} : { trace: stored.trace }) }
    return { name, connector, tasks, type: this.#type(props) }
  }

  #taskState(name: string, id: number): TaskStateInfo {
    const stored = this.#statuses?.task(name, id)
    if (stored === undefined) return { id, state: 'UNASSIGNED', worker_id: '' }
    return { id, state: stored.state as TaskStateInfo['state'], worker_id: stored.worker_id, ...(stored.trace === null ? {} : { trace: stored.trace }) }
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    this.#props(name)
    return this.#configStore.taskConfigs(name).map((config, task) => ({ id: { connector: name, task }, config: { ...config } }))
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    this.#props(name)
    if (task >= this.#configStore.taskConfigs(name).length) throw new ConnectError('CONNECT_NOT_FOUND', `Connector ${name} has no task ${task}`)
    return this.#taskState(name, task)
  }

  #check(name: string, config: Readonly<Record<string, unknown>>): Record<string, string> {
    const props = { ...stringProps(config, 'A connector config'), name }
    if (name.trim() === '' || /[\u0000-\u001f/]/.test(name)) throw new ConnectError('CONNECT_INVALID_CONFIG', `Connector name ${JSON.stringify(name)} is invalid: it must be non-empty, without control characters or /`)
    checkConnectorConfig(this.#plugins, this.#data, props, this.config.worker.props)
    return props
  }

  async createConnector(name: string, config: Readonly<Record<string, unknown>>, initialState: TargetState = 'RUNNING'): Promise<ConnectorInfo> {
    const store = this.#configStore
    await store.readToEnd()
    if (store.connectorConfig(name) !== undefined) throw new ConnectError('CONNECT_CONFLICT', `Connector ${name} already exists`)
    const props = this.#check(name, config)
    await store.putConnectorConfig(name, props, initialState)
    return { name, config: props, tasks: [], type: this.#type(props) }
  }

  async putConnectorConfig(name: string, config: Readonly<Record<string, unknown>>): Promise<{ created: boolean; info: ConnectorInfo }> {
    const store = this.#configStore
    await store.readToEnd()
    const created = store.connectorConfig(name) === undefined
    const props = this.#check(name, config)
    await store.putConnectorConfig(name, props)
    return { created, info: await this.connectorInfo(name) }
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, unknown>>): Promise<ConnectorInfo> {
    await this.#configStore.readToEnd()
    const props = this.#check(name, patchConfig(this.#props(name), patch))
    await this.#configStore.putConnectorConfig(name, props)
    return this.connectorInfo(name)
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#configStore.readToEnd()
    this.#props(name)
    const tasks = this.#configStore.taskConfigs(name).length
    await this.#configStore.removeConnector(name)
    await this.#statuses?.remove(name, tasks)
  }

  async #setTarget(name: string, state: TargetState): Promise<void> {
    await this.#configStore.readToEnd()
    this.#props(name)
    await this.#configStore.putTargetState(name, state)
  }

  pauseConnector(name: string): Promise<void> {
    return this.#setTarget(name, 'PAUSED')
  }

  resumeConnector(name: string): Promise<void> {
    return this.#setTarget(name, 'RUNNING')
  }

  async stopConnector(name: string): Promise<void> {
    await this.#setTarget(name, 'STOPPED')
    await this.#configStore.putTaskConfigs(name, [])
  }

  async restartConnector(name: string, options: RestartOptions): Promise<ConnectorStateInfo | null> {
    const status = await this.connectorStatus(name)
    await this.#configStore.requestRestart(name, options.includeTasks === true, options.onlyFailed === true)
    return options.includeTasks || options.onlyFailed ? restartPlan(status, options) : null
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.taskStatus(name, task)
    await this.#configStore.requestTaskRestart(name, task)
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    if (this.#type(this.#props(name)) === 'sink') return sinkOffsets(this.#creek, name)
    await this.#offsets?.readToEnd()
    return { offsets: this.#offsets?.offsetsOf(name) ?? [] }
  }

  async #checkStopped(name: string): Promise<'source' | 'sink'> {
    await this.#configStore.readToEnd()
    const type = this.#type(this.#props(name))
    const state = this.#configStore.targetState(name)
    const status = this.#statuses?.connector(name)?.state
    // UNASSIGNED: its worker let it go in a rebalance (which a stop causes) and nothing runs it.
    if (state !== 'STOPPED' || (status !== undefined && status !== 'STOPPED' && status !== 'UNASSIGNED')) {
      throw new ConnectError('CONNECT_ILLEGAL_STATE', `Connector ${name} is ${status ?? state}: offsets can be changed only while it is STOPPED (PUT /connectors/${name}/stop first)`)
    }
    return type
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    if (await this.#checkStopped(name) === 'sink') return alterSinkOffsets(this.#creek, name, offsets)
    this.#offsets!.set(name, offsets.map((o) => [o.partition, o.offset] as const))
    await this.#offsets!.flush()
  }

  async resetConnectorOffsets(name: string): Promise<void> {
    if (await this.#checkStopped(name) === 'sink') return resetSinkOffsets(this.#creek, name)
    await this.#offsets!.readToEnd()
    this.#offsets!.deleteConnector(name)
    await this.#offsets!.flush()
  }

  plugins(): PluginInfo[] {
    return pluginInfos(this.#plugins)
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] {
    return pluginConfig(this.#plugins, plugin)
  }

  validateConfig(pluginClass: string, config: Readonly<Record<string, unknown>>): ConfigInfos {
    return validateConnectorConfig(this.#plugins, this.#data, pluginClass, config, this.config.worker.props)
  }
}
