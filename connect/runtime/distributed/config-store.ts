/**
 * `ConfigStore`: the distributed workers' connector configs, task configs and target states in
 * the compacted one-partition topic `config.storage.topic` (Kafka's `KafkaConfigBackingStore`),
 * with Kafka's keys and plain-JSON values:
 *
 * | key                           | value                                                  |
 * |-------------------------------|--------------------------------------------------------|
 * | `connector-<name>`            | `{"properties": {...}}`; null deletes the connector     |
 * | `target-state-<name>`         | `{"state": "STARTED"｜"PAUSED", "state.v2": "STARTED"｜"PAUSED"｜"STOPPED"}` (STARTED: RUNNING) |
 * | `task-<name>-<id>`            | `{"properties": {...}}`, in force only once committed   |
 * | `commit-<name>`               | `{"tasks": <count>}`: the task configs written before it are the connector's |
 * | `restart-connector-<name>`    | `{"include-tasks": bool, "only-failed": bool}` (KIP-745) |
 * | `restart-task-<name>-<id>`    | `{}` (Creek's: Kafka forwards task restarts over HTTP)  |
 *
 * Invariants: a connector without a target-state record is RUNNING; deleting a connector drops
 * its task configs and target state. The "config offset" (the next offset to read) orders
 * states across workers: a worker assigned work at config offset N reads at least that far.
 *
 * `onChange` is called for every record read after `open` (not for the backlog `open` reads):
 * the herder reacts to new connectors, config updates, target states, committed task configs and
 * restart requests. Writes resolve once read back, so the writer sees its own write.
 */
import type { Creek, Logger } from '../../../core/index.ts'
import { ConnectError } from '../../errors.ts'
import type { TargetState } from '../worker-connector.ts'
import { TopicLog } from './topic-log.ts'

export type ConfigChange =
  | { readonly kind: 'connector'; readonly name: string; readonly removed: boolean }
  | { readonly kind: 'target-state'; readonly name: string; readonly state: TargetState }
  | { readonly kind: 'tasks'; readonly name: string }
  | { readonly kind: 'restart-connector'; readonly name: string; readonly includeTasks: boolean; readonly onlyFailed: boolean }
  | { readonly kind: 'restart-task'; readonly name: string; readonly task: number }

export interface ConfigStoreOptions {
  readonly creek: Creek
  readonly topic: string
  readonly clientId: string
  readonly logger: Logger
  readonly onChange: (change: ConfigChange) => void
}

const TARGET_STATES: readonly string[] = ['RUNNING', 'PAUSED', 'STOPPED']

function parse(value: Buffer): Record<string, unknown> {
  const parsed = JSON.parse(value.toString('utf8')) as unknown
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the value is not a JSON object')
  return parsed as Record<string, unknown>
}

function properties(value: Buffer): Record<string, string> {
  const props = parse(value).properties
  if (props === null || typeof props !== 'object') throw new Error('"properties" is missing')
  return Object.fromEntries(Object.entries(props as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
}

/** `<name>-<id>` → [name, id]. */
function nameAndId(rest: string): [string, number] | null {
  const dash = rest.lastIndexOf('-')
  if (dash <= 0) return null
  const id = Number(rest.slice(dash + 1))
  return Number.isInteger(id) && id >= 0 ? [rest.slice(0, dash), id] : null
}

export class ConfigStore {
  readonly #options: ConfigStoreOptions
  #log: TopicLog | null = null
  #loaded = false
  readonly #connectors = new Map<string, Record<string, string>>()
  readonly #targets = new Map<string, TargetState>()
  readonly #tasks = new Map<string, Record<string, string>[]>()
  readonly #pendingTasks = new Map<string, Map<number, Record<string, string>>>()

  private constructor(options: ConfigStoreOptions) {
    this.#options = options
  }

  static async open(options: ConfigStoreOptions): Promise<ConfigStore> {
    const store = new ConfigStore(options)
    store.#log = await TopicLog.open({
      creek: options.creek, topic: options.topic, partitions: 1, exactPartitions: true, clientId: options.clientId, logger: options.logger,
      onRecord: (key, value) => store.#apply(key, value),
    })
    store.#loaded = true
    return store
  }

  get #topicLog(): TopicLog {
    if (this.#log === null) throw new ConnectError('CONNECT_ILLEGAL_STATE', 'The config store is not open')
    return this.#log
  }

  /** The next offset of the config topic to read: how far this worker's view goes. */
  get offset(): number {
    return this.#log?.applied(0) ?? 0
  }

  #emit(change: ConfigChange): void {
    if (this.#loaded) this.#options.onChange(change)
  }

  #apply(key: string | null, value: Buffer | null): void {
    if (key === null) return
    if (key.startsWith('target-state-')) {
      const name = key.slice('target-state-'.length)
      if (value === null) {
        this.#targets.delete(name)
        return
      }
      const body = parse(value)
      const raw = String(body['state.v2'] ?? body.state)
      const state = raw === 'STARTED' ? 'RUNNING' : raw
      if (!TARGET_STATES.includes(state)) throw new Error(`unknown target state ${state}`)
      this.#targets.set(name, state as TargetState)
      this.#emit({ kind: 'target-state', name, state: state as TargetState })
    } else if (key.startsWith('connector-')) {
      const name = key.slice('connector-'.length)
      if (value === null) {
        const existed = this.#connectors.delete(name)
        this.#targets.delete(name)
        this.#tasks.delete(name)
        this.#pendingTasks.delete(name)
        if (existed) this.#emit({ kind: 'connector', name, removed: true })
        return
      }
      this.#connectors.set(name, properties(value))
      this.#emit({ kind: 'connector', name, removed: false })
    } else if (key.startsWith('task-')) {
      const parsed = nameAndId(key.slice('task-'.length))
      if (parsed === null || value === null) return
      const [name, id] = parsed
      const pending = this.#pendingTasks.get(name) ?? new Map<number, Record<string, string>>()
      pending.set(id, properties(value))
      this.#pendingTasks.set(name, pending)
    } else if (key.startsWith('commit-')) {
      const name = key.slice('commit-'.length)
      if (value === null) return
      const count = Number(parse(value).tasks)
      if (!Number.isInteger(count) || count < 0) throw new Error(`commit-${name} holds no task count`)
      const pending = this.#pendingTasks.get(name) ?? new Map<number, Record<string, string>>()
      const previous = this.#tasks.get(name) ?? []
      const configs: Record<string, string>[] = []
      for (let id = 0; id < count; id++) {
        const config = pending.get(id) ?? previous[id]
        if (config === undefined) throw new Error(`commit-${name} commits ${count} tasks but task ${id} was never written`)
        configs.push(config)
      }
      this.#pendingTasks.delete(name)
      if (!this.#connectors.has(name)) return
      this.#tasks.set(name, configs)
      this.#emit({ kind: 'tasks', name })
    } else if (key.startsWith('restart-connector-')) {
      if (value === null) return
      const body = parse(value)
      this.#emit({ kind: 'restart-connector', name: key.slice('restart-connector-'.length), includeTasks: body['include-tasks'] === true, onlyFailed: body['only-failed'] === true })
    } else if (key.startsWith('restart-task-')) {
      const parsed = nameAndId(key.slice('restart-task-'.length))
      if (parsed !== null && value !== null) this.#emit({ kind: 'restart-task', name: parsed[0], task: parsed[1] })
    }
  }

  // ------------------------------------------------------------------------------ reads

  connectors(): string[] {
    return [...this.#connectors.keys()].sort()
  }

  connectorConfig(name: string): Record<string, string> | undefined {
    return this.#connectors.get(name)
  }

  targetState(name: string): TargetState {
    return this.#targets.get(name) ?? 'RUNNING'
  }

  /** The committed task configs of a connector (empty before its first commit). */
  taskConfigs(name: string): readonly Record<string, string>[] {
    return this.#tasks.get(name) ?? []
  }

  readToEnd(): Promise<void> {
    return this.#topicLog.readToEnd()
  }

  // ------------------------------------------------------------------------------ writes

  async putConnectorConfig(name: string, props: Readonly<Record<string, string>>, initialState?: TargetState): Promise<void> {
    const records: { key: string; value: string | null }[] = []
    if (initialState !== undefined) records.push({ key: `target-state-${name}`, value: targetStateValue(initialState) })
    records.push({ key: `connector-${name}`, value: JSON.stringify({ properties: props }) })
    await this.#topicLog.sendAndRead(records)
  }

  async removeConnector(name: string): Promise<void> {
    await this.#topicLog.sendAndRead([{ key: `connector-${name}`, value: null }, { key: `target-state-${name}`, value: null }])
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    await this.#topicLog.sendAndRead([{ key: `target-state-${name}`, value: targetStateValue(state) }])
  }

  async putTaskConfigs(name: string, configs: readonly Record<string, string>[]): Promise<void> {
    await this.#topicLog.sendAndRead([
      ...configs.map((config, id) => ({ key: `task-${name}-${id}`, value: JSON.stringify({ properties: config }) })),
      { key: `commit-${name}`, value: JSON.stringify({ tasks: configs.length }) },
    ])
  }

  async requestRestart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    await this.#topicLog.sendAndRead([{ key: `restart-connector-${name}`, value: JSON.stringify({ 'include-tasks': includeTasks, 'only-failed': onlyFailed }) }])
  }

  async requestTaskRestart(name: string, task: number): Promise<void> {
    await this.#topicLog.sendAndRead([{ key: `restart-task-${name}-${task}`, value: '{}' }])
  }

  close(): Promise<void> {
    return this.#log?.close() ?? Promise.resolve()
  }
}

/** Kafka 3.5+'s value: `state` for older workers (which know no STOPPED), `state.v2` the real one. */
function targetStateValue(state: TargetState): string {
  return JSON.stringify({ state: state === 'RUNNING' ? 'STARTED' : 'PAUSED', 'state.v2': state === 'RUNNING' ? 'STARTED' : state })
}
