/**
 * `Herder`: what the Connect REST API asks of a worker (Kafka Connect's `Herder`), whatever the
 * worker's mode: the standalone herder (standalone-herder.ts) answers from one `Worker`; the
 * distributed herder (distributed/distributed-herder.ts) from the config, offset and status
 * topics its group of workers shares.
 *
 * Contracts (every method, every mode):
 * - An unknown connector, task or plugin is a CONNECT_NOT_FOUND (REST 404).
 * - `createConnector` of a name that exists is a CONNECT_CONFLICT (409); a config that does not
 *   validate is a CONNECT_INVALID_CONFIG (400) whose message lists every error, as Kafka's does.
 * - `putConnectorConfig` creates or updates and says which (`created`: REST 201 vs 200).
 * - `restartConnector` with `includeTasks` or `onlyFailed` answers the restart plan (the status
 *   with RESTARTING on what is restarted: REST 202); without them it answers null (REST 204).
 * - Offsets can be altered or reset only while the connector is STOPPED (CONNECT_ILLEGAL_STATE,
 *   REST 400 otherwise), as KIP-875 says.
 * - Bodies are shaped like Kafka's REST entities (snake_case keys where Kafka has them).
 */
import type { SourceMap } from '../api/records.ts'
import type { ConnectorState, TaskState } from './states.ts'
import type { TargetState } from './worker-connector.ts'

export type ConnectorType = 'source' | 'sink'

export interface ConnectorTaskId {
  readonly connector: string
  readonly task: number
}

/** `GET /connectors/{name}`. */
export interface ConnectorInfo {
  readonly name: string
  readonly config: Readonly<Record<string, string>>
  readonly tasks: readonly ConnectorTaskId[]
  readonly type: ConnectorType
}

/** One entry of `GET /connectors/{name}/tasks`. */
export interface TaskInfo {
  readonly id: ConnectorTaskId
  readonly config: Readonly<Record<string, string>>
}

/** A state as the REST API shows it; RESTARTING only in a restart plan. */
export type ShownState = ConnectorState | TaskState | 'RESTARTING'

export interface TaskStateInfo {
  readonly id: number
  readonly state: ShownState
  readonly worker_id: string
  readonly trace?: string
}

/** `GET /connectors/{name}/status`. */
export interface ConnectorStateInfo {
  readonly name: string
  readonly connector: { readonly state: ShownState; readonly worker_id: string; readonly trace?: string }
  readonly tasks: readonly TaskStateInfo[]
  readonly type: ConnectorType
}

export interface RestartOptions {
  readonly includeTasks?: boolean
  readonly onlyFailed?: boolean
}

/** One entry of `GET /connectors/{name}/offsets` (KIP-875). */
export interface ConnectorOffset {
  readonly partition: SourceMap
  readonly offset: SourceMap | null
}

export interface ConnectorOffsets {
  readonly offsets: readonly ConnectorOffset[]
}

/** `GET /connector-plugins`. */
export interface PluginInfo {
  readonly class: string
  readonly type: ConnectorType
  readonly version: string
}

/** A key's definition as `GET /connector-plugins/{plugin}/config` and `validate` show it. */
export interface ConfigKeyInfo {
  readonly name: string
  readonly type: string
  readonly required: boolean
  readonly default_value: string | null
  readonly importance: string
  readonly documentation: string
  readonly group: string | null
  readonly width: string
  readonly display_name: string
  readonly dependents: readonly string[]
  readonly order: number
}

export interface ConfigValueInfo {
  readonly name: string
  readonly value: string | null
  readonly recommended_values: readonly string[]
  readonly errors: readonly string[]
  readonly visible: boolean
}

/** `PUT /connector-plugins/{class}/config/validate` (Kafka's `ConfigInfos`). */
export interface ConfigInfos {
  readonly name: string
  readonly error_count: number
  readonly groups: readonly string[]
  readonly configs: readonly { readonly definition: ConfigKeyInfo; readonly value: ConfigValueInfo }[]
}

/** `GET /`. */
export interface ServerInfo {
  readonly version: string
  readonly commit: string
  readonly kafka_cluster_id: string | null
}

export interface Herder {
  /** This worker's id (`worker_id` in statuses). */
  readonly workerId: string
  serverInfo(): Promise<ServerInfo>
  connectors(): Promise<string[]>
  connectorInfo(name: string): Promise<ConnectorInfo>
  connectorConfig(name: string): Promise<Record<string, string>>
  connectorStatus(name: string): Promise<ConnectorStateInfo>
  taskConfigs(name: string): Promise<TaskInfo[]>
  taskStatus(name: string, task: number): Promise<TaskStateInfo>
  createConnector(name: string, config: Readonly<Record<string, unknown>>, initialState?: TargetState): Promise<ConnectorInfo>
  putConnectorConfig(name: string, config: Readonly<Record<string, unknown>>): Promise<{ readonly created: boolean; readonly info: ConnectorInfo }>
  /** KIP-477: keys with a null value are removed, the others set. */
  patchConnectorConfig(name: string, patch: Readonly<Record<string, unknown>>): Promise<ConnectorInfo>
  deleteConnector(name: string): Promise<void>
  pauseConnector(name: string): Promise<void>
  resumeConnector(name: string): Promise<void>
  stopConnector(name: string): Promise<void>
  restartConnector(name: string, options: RestartOptions): Promise<ConnectorStateInfo | null>
  restartTask(name: string, task: number): Promise<void>
  connectorOffsets(name: string): Promise<ConnectorOffsets>
  /** KIP-875 PATCH: sets (or with a null offset removes) source offsets; the connector must be STOPPED. */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void>
  /** KIP-875 DELETE: removes every offset of the connector; it must be STOPPED. */
  resetConnectorOffsets(name: string): Promise<void>
  plugins(): PluginInfo[]
  pluginConfig(plugin: string): ConfigKeyInfo[]
  validateConfig(pluginClass: string, config: Readonly<Record<string, unknown>>): ConfigInfos
}
