/**
 * `Worker`: a standalone Kafka Connect worker over a `Creek` instance (embedded or connected):
 * connectors created from configs, source offsets in a local file, sink offsets in consumer
 * groups `connect-<name>`, status shaped like the REST API's.
 *
 * ```ts
 * const worker = new Worker({ creek, config: { 'offset.storage.file.filename': './connect.offsets' } })
 * await worker.start()
 * await worker.createConnector({ name: 'lines', 'connector.class': 'FileStreamSource', file: 'in.txt', topic: 'lines' })
 * worker.status('lines') // { name, connector: { state: 'RUNNING', worker_id }, tasks: [...], type: 'source' }
 * await worker.stop()    // tasks stopped, offsets flushed
 * ```
 *
 * Contracts:
 * - Configs are checked when a connector is created (common keys, then the connector's own
 *   `config().validate`): an invalid one is a CONNECT_INVALID_CONFIG and nothing is created. A
 *   connector that fails later (start, tasks) is created but FAILED, with its trace in `status`.
 * - Connector names are unique; unknown names are CONNECT_NOT_FOUND.
 * - `stop()` stops every connector (source offsets flushed, sink offsets committed after
 *   `flush`), then flushes the offsets file; the `Creek` instance is the caller's to close.
 */
import { hostname } from 'node:os'
import { type Creek, type Logger, silentLogger } from '../../core/index.ts'
import type { SourceMap } from '../api/records.ts'
import { ConnectError } from '../errors.ts'
import { parseConnectorConfig, stringProps } from './connector-config.ts'
import { defaultDataPlugins } from './data-plugins.ts'
import { defaultPlugins } from './default-plugins.ts'
import { FileOffsetStore } from './file-offset-store.ts'
import type { DataPlugins, PluginRegistry } from './plugins.ts'
import { type ConnectorStatus, type TargetState, WorkerConnector } from './worker-connector.ts'
import { parseWorkerConfig, type WorkerConfig } from './worker-config.ts'
import type { TaskMetrics } from './worker-task.ts'

export interface WorkerOptions {
  readonly creek: Creek
  /** Worker properties with Kafka's names (see worker-config.ts). */
  readonly config: Readonly<Record<string, unknown>>
  /** Connector classes (default: the built-in ones, `defaultPlugins()`). */
  readonly plugins?: PluginRegistry
  /** Converters and transforms (default: `defaultDataPlugins()`). */
  readonly data?: DataPlugins
  readonly logger?: Logger
  /** `worker_id` in status (default: `<hostname>:standalone`). */
  readonly workerId?: string
}

/** The body of `POST /connectors`. */
export interface CreateConnectorRequest {
  readonly name: string
  readonly config: Readonly<Record<string, unknown>>
  readonly initial_state?: TargetState
}

/** `GET /connectors/{name}`. */
export interface ConnectorInfo {
  readonly name: string
  readonly config: Readonly<Record<string, string>>
  readonly tasks: readonly { readonly connector: string; readonly task: number }[]
  readonly type: 'source' | 'sink'
}

export class Worker {
  readonly config: WorkerConfig
  readonly workerId: string
  readonly #creek: Creek
  readonly #plugins: PluginRegistry
  readonly #data: DataPlugins
  readonly #logger: Logger
  readonly #offsets: FileOffsetStore
  readonly #connectors = new Map<string, WorkerConnector>()
  #state: 'new' | 'started' | 'stopping' | 'stopped' = 'new'

  constructor(options: WorkerOptions) {
    this.config = parseWorkerConfig(options.config)
    this.#creek = options.creek
    this.#plugins = options.plugins ?? defaultPlugins()
    this.#data = options.data ?? defaultDataPlugins()
    this.#logger = options.logger ?? silentLogger
    this.workerId = options.workerId ?? `${hostname()}:standalone`
    this.#offsets = new FileOffsetStore(this.config.offsetFile)
  }

  /** Reads the offsets file; connectors can be created afterwards. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new ConnectError('CONNECT_ILLEGAL_STATE', `The worker is ${this.#state}; start() is called once`)
    this.#offsets.load()
    this.#state = 'started'
  }

  #checkStarted(action: string): void {
    if (this.#state !== 'started') throw new ConnectError('CONNECT_ILLEGAL_STATE', `Cannot ${action}: the worker is ${this.#state === 'new' ? 'not started (call start())' : this.#state}`)
  }

  /**
   * Creates and starts a connector from its config (flat, as a .properties file) or from a
   * `POST /connectors` body `{ name, config, initial_state? }`.
   */
  async createConnector(request: CreateConnectorRequest | Readonly<Record<string, unknown>>): Promise<ConnectorInfo> {
    this.#checkStarted('create a connector')
    const { config, target } = normalizeRequest(request)
    const name = String(config.name ?? '').trim()
    if (this.#connectors.has(name)) throw new ConnectError('CONNECT_INVALID_CONFIG', `Connector ${name} already exists; delete it first or update its config`)
    const connector = this.#build(config)
    this.#connectors.set(name, connector)
    this.#logger.info(`Connector ${name} (${connector.config.connectorClass}) created`, { target })
    await connector.start(target)
    return this.connectorInfo(name)
  }

  /** `PUT /connectors/{name}/config`: creates, or replaces the config and restarts the connector. */
  async putConnectorConfig(name: string, config: Readonly<Record<string, unknown>>): Promise<ConnectorInfo> {
    this.#checkStarted('update a connector')
    const props = { ...stringProps(config, 'A connector config'), name }
    const existing = this.#connectors.get(name)
    if (existing === undefined) return this.createConnector(props)
    const replacement = this.#build(props)
    const target = existing.targetState
    await existing.shutdown()
    this.#connectors.set(name, replacement)
    await replacement.start(target)
    return this.connectorInfo(name)
  }

  #build(config: Readonly<Record<string, unknown>>): WorkerConnector {
    const className = String(config['connector.class'] ?? '').trim()
    if (className === '') throw new ConnectError('CONNECT_INVALID_CONFIG', `Config connector.class of connector '${String(config.name ?? '')}' is missing; give a class name or alias, e.g. FileStreamSource`)
    const plugin = this.#plugins.connector(className)
    const parsed = parseConnectorConfig(config, plugin.kind)
    const errors = plugin.create().config().validate(parsed.props).filter((v) => v.errors.length > 0)
    if (errors.length > 0) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `Connector ${parsed.name} (${plugin.className}) has an invalid config: ${errors.map((v) => `${v.name}: ${v.errors.join('; ')}`).join(', ')}`)
    }
    // Transforms and converters are checked now too, so that a typo is not a FAILED task later.
    this.#data.transformChain(parsed.props).close?.()
    for (const kind of ['key', 'value', 'header'] as const) {
      const className = (parsed.props[`${kind}.converter`] ?? this.config.props[`${kind}.converter`]).trim()
      if (kind === 'header') this.#data.headerConverter(className)
      else this.#data.converter(className)
    }
    return new WorkerConnector({
      creek: this.#creek, config: parsed, plugin, data: this.#data, worker: this.config, workerId: this.workerId,
      offsets: this.#offsets, logger: this.#logger,
    })
  }

  #get(name: string): WorkerConnector {
    const connector = this.#connectors.get(name)
    if (connector === undefined) throw new ConnectError('CONNECT_NOT_FOUND', `Connector ${name} not found; known: ${[...this.#connectors.keys()].join(', ') || 'none'}`)
    return connector
  }

  connectors(): string[] {
    return [...this.#connectors.keys()]
  }

  connectorInfo(name: string): ConnectorInfo {
    const connector = this.#get(name)
    return {
      name,
      config: connector.config.props,
      tasks: connector.taskConfigs.map((_, task) => ({ connector: name, task })),
      type: connector.type,
    }
  }

  /** `GET /connectors/{name}/tasks`. */
  taskConfigs(name: string): { id: { connector: string; task: number }; config: Record<string, string> }[] {
    return this.#get(name).taskConfigs.map((config, task) => ({ id: { connector: name, task }, config }))
  }

  status(name: string): ConnectorStatus {
    return this.#get(name).status()
  }

  metrics(name: string): TaskMetrics[] {
    return this.#get(name).metrics()
  }

  /** Source connectors: the stored offsets (`GET /connectors/{name}/offsets`). */
  offsets(name: string): { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] } {
    const connector = this.#get(name)
    if (connector.type !== 'source') throw new ConnectError('CONNECT_ILLEGAL_STATE', `Connector ${name} is a sink: its offsets are those of consumer group connect-${name}`)
    return { offsets: this.#offsets.offsetsOf(name) }
  }

  /**
   * KIP-875 for source connectors: sets (a null offset removes) stored offsets of a STOPPED
   * connector and writes the offsets file; `offsets` null removes all of the connector's.
   */
  async alterSourceOffsets(name: string, offsets: readonly { partition: SourceMap; offset: SourceMap | null }[] | null): Promise<void> {
    const connector = this.#get(name)
    if (connector.type !== 'source') throw new ConnectError('CONNECT_ILLEGAL_STATE', `Connector ${name} is a sink: its offsets are those of consumer group connect-${name}`)
    if (connector.machine.state !== 'STOPPED') throw new ConnectError('CONNECT_ILLEGAL_STATE', `Connector ${name} is ${connector.machine.state}: offsets can be changed only while it is STOPPED (PUT /connectors/${name}/stop first)`)
    if (offsets === null) this.#offsets.deleteConnector(name)
    else this.#offsets.set(name, offsets.map((o) => [o.partition, o.offset] as const))
    await this.#offsets.flush()
  }

  pauseConnector(name: string): Promise<void> {
    return this.#get(name).pause()
  }

  resumeConnector(name: string): Promise<void> {
    return this.#get(name).resume()
  }

  stopConnector(name: string): Promise<void> {
    return this.#get(name).stop()
  }

  restartConnector(name: string, options: { readonly includeTasks?: boolean; readonly onlyFailed?: boolean } = {}): Promise<void> {
    return this.#get(name).restart(options)
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.#get(name).restartTask(task)
  }

  /** Stops the connector (offsets flushed) and forgets it; its source offsets stay in the file, as in Kafka. */
  async deleteConnector(name: string): Promise<void> {
    const connector = this.#get(name)
    await connector.shutdown()
    this.#connectors.delete(name)
    await this.#offsets.flush()
  }

  /** Flushes source offsets of every task now (they are also flushed every offset.flush.interval.ms). */
  async flushOffsets(): Promise<void> {
    await Promise.all([...this.#connectors.values()].map((c) => c.flushOffsets()))
  }

  /** Stops every connector (offsets flushed and committed) and writes the offsets file. */
  async stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return
    this.#state = 'stopping'
    await Promise.all([...this.#connectors.values()].map((c) => c.shutdown()))
    await this.#offsets.flush()
    this.#state = 'stopped'
  }

  /** Drops everything without flushing or committing, as a crash would (tests of recovery). */
  kill(): void {
    this.#state = 'stopped'
    for (const connector of this.#connectors.values()) connector.kill()
  }
}

function normalizeRequest(request: CreateConnectorRequest | Readonly<Record<string, unknown>>): { config: Record<string, unknown>; target: TargetState } {
  if (request === null || typeof request !== 'object') throw new ConnectError('CONNECT_INVALID_CONFIG', 'A connector config must be an object')
  const body = request as Partial<CreateConnectorRequest>
  if (body.config !== undefined && typeof body.config === 'object' && body.config !== null) {
    const target = body.initial_state ?? 'RUNNING'
    if (!['RUNNING', 'PAUSED', 'STOPPED'].includes(target)) throw new ConnectError('CONNECT_INVALID_CONFIG', `initial_state is ${JSON.stringify(target)}; expected RUNNING, PAUSED or STOPPED`)
    const name = body.name ?? (body.config as Record<string, unknown>).name
    const inner = (body.config as Record<string, unknown>).name
    if (inner !== undefined && name !== undefined && String(inner) !== String(name)) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `The connector name '${String(name)}' differs from config.name '${String(inner)}'`)
    }
    return { config: { ...body.config, name }, target }
  }
  return { config: { ...request }, target: 'RUNNING' }
}
