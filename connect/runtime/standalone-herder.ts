/**
 * `StandaloneHerder`: the `Herder` of a standalone worker (Kafka's `StandaloneHerder`): every
 * connector and task runs in the one `Worker` it owns; configs live in memory, source offsets in
 * the worker's offsets file.
 *
 * ```ts
 * const herder = new StandaloneHerder({ creek, config: { 'offset.storage.file.filename': './connect.offsets' } })
 * await herder.start()
 * const server = await ConnectRestServer.start({ herder, port: 8083 })
 * ```
 *
 * Contracts: those of `Herder` (herder.ts). Configs are validated with the shared rules of
 * connector-validation.ts before the worker sees them. `stop()` stops the worker (offsets
 * flushed); the `Creek` instance stays the caller's.
 */
import { type Creek, silentLogger } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'
import { stringProps } from './connector-config.ts'
import { checkConnectorConfig, patchConfig, pluginConfig, pluginInfos, restartPlan, validateConnectorConfig } from './connector-validation.ts'
import { defaultDataPlugins } from './data-plugins.ts'
import { defaultPlugins } from './default-plugins.ts'
import type {
  ConfigInfos, ConfigKeyInfo, ConnectorInfo, ConnectorOffset, ConnectorOffsets, ConnectorStateInfo, Herder, PluginInfo,
  RestartOptions, ServerInfo, TaskInfo, TaskStateInfo,
} from './herder.ts'
import type { DataPlugins, PluginRegistry } from './plugins.ts'
import { alterSinkOffsets, resetSinkOffsets, sinkOffsets } from './sink-offsets.ts'
import { Worker, type WorkerOptions } from './worker.ts'
import type { TargetState } from './worker-connector.ts'
import { CONNECT_VERSION, clusterIdOf } from './server-info.ts'

export class StandaloneHerder implements Herder {
  readonly worker: Worker
  readonly #creek: Creek
  readonly #plugins: PluginRegistry
  readonly #data: DataPlugins

  constructor(options: WorkerOptions) {
    this.#creek = options.creek
    this.#plugins = options.plugins ?? defaultPlugins()
    this.#data = options.data ?? defaultDataPlugins()
    this.worker = new Worker({ ...options, plugins: this.#plugins, data: this.#data, logger: options.logger ?? silentLogger })
  }

  get workerId(): string {
    return this.worker.workerId
  }

  start(): Promise<void> {
    return this.worker.start()
  }

  stop(): Promise<void> {
    return this.worker.stop()
  }

  async serverInfo(): Promise<ServerInfo> {
    return { version: CONNECT_VERSION, commit: 'creek', kafka_cluster_id: clusterIdOf(this.#creek) }
  }

  async connectors(): Promise<string[]> {
    return this.worker.connectors().sort()
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    return this.worker.connectorInfo(name)
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.worker.connectorInfo(name).config }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    return this.worker.status(name)
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    return this.worker.taskConfigs(name)
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    const found = this.worker.status(name).tasks.find((t) => t.id === task)
    if (found === undefined) throw new ConnectError('CONNECT_NOT_FOUND', `Connector ${name} has no task ${task}`)
    return found
  }

  #check(name: string, config: Readonly<Record<string, unknown>>): Record<string, string> {
    const props = { ...stringProps(config, 'A connector config'), name }
    checkConnectorConfig(this.#plugins, this.#data, props, this.worker.config.props)
    return props
  }

  async createConnector(name: string, config: Readonly<Record<string, unknown>>, initialState: TargetState = 'RUNNING'): Promise<ConnectorInfo> {
    if (this.worker.connectors().includes(name)) throw new ConnectError('CONNECT_CONFLICT', `Connector ${name} already exists`)
    const props = this.#check(name, config)
    return this.worker.createConnector({ name, config: props, initial_state: initialState })
  }

  async putConnectorConfig(name: string, config: Readonly<Record<string, unknown>>): Promise<{ created: boolean; info: ConnectorInfo }> {
    const created = !this.worker.connectors().includes(name)
    const props = this.#check(name, config)
    return { created, info: await this.worker.putConnectorConfig(name, props) }
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, unknown>>): Promise<ConnectorInfo> {
    const current = this.worker.connectorInfo(name).config
    const props = this.#check(name, patchConfig(current, patch))
    return this.worker.putConnectorConfig(name, props)
  }

  deleteConnector(name: string): Promise<void> {
    return this.worker.deleteConnector(name)
  }

  pauseConnector(name: string): Promise<void> {
    return this.worker.pauseConnector(name)
  }

  resumeConnector(name: string): Promise<void> {
    return this.worker.resumeConnector(name)
  }

  stopConnector(name: string): Promise<void> {
    return this.worker.stopConnector(name)
  }

  async restartConnector(name: string, options: RestartOptions): Promise<ConnectorStateInfo | null> {
    const plan = options.includeTasks || options.onlyFailed ? restartPlan(this.worker.status(name), options) : null
    await this.worker.restartConnector(name, options)
    return plan
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.worker.restartTask(name, task)
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const info = this.worker.connectorInfo(name)
    if (info.type === 'sink') return sinkOffsets(this.#creek, name)
    return this.worker.offsets(name) as ConnectorOffsets
  }

  #checkStopped(name: string): 'source' | 'sink' {
    const status = this.worker.status(name)
    if (status.connector.state !== 'STOPPED') {
      throw new ConnectError('CONNECT_ILLEGAL_STATE', `Connector ${name} is ${status.connector.state}: offsets can be changed only while it is STOPPED (PUT /connectors/${name}/stop first)`)
    }
    return status.type
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    if (this.#checkStopped(name) === 'sink') return alterSinkOffsets(this.#creek, name, offsets)
    return this.worker.alterSourceOffsets(name, offsets)
  }

  async resetConnectorOffsets(name: string): Promise<void> {
    if (this.#checkStopped(name) === 'sink') return resetSinkOffsets(this.#creek, name)
    return this.worker.alterSourceOffsets(name, null)
  }

  plugins(): PluginInfo[] {
    return pluginInfos(this.#plugins)
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] {
    return pluginConfig(this.#plugins, plugin)
  }

  validateConfig(pluginClass: string, config: Readonly<Record<string, unknown>>): ConfigInfos {
    return validateConnectorConfig(this.#plugins, this.#data, pluginClass, config, this.worker.config.props)
  }
}
