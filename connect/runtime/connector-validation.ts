/**
 * Config validation as the REST API shows it (Kafka's `AbstractHerder.validateConnectorConfig`):
 * the common connector keys (`COMMON_CONNECTOR_CONFIG`, groups Common, Transforms, Error
 * Handling, and Sink for sinks) merged with the connector's own `config()` definition, each key
 * with its definition and its value's errors, plus the checks only the runtime makes (topics vs
 * topics.regex, dead-letter rules, converter and transform classes) attributed to their key.
 *
 * Shared by every herder, so standalone and distributed workers refuse the same configs with the
 * same message: `invalidConfigError(infos)` is Kafka's "Connector configuration is invalid and
 * contains the following N error(s): …".
 */
import { ConfigDef } from '../api/config-def-impl.ts'
import type { ConfigDefinition, ConfigKey } from '../api/config-def.ts'
import { nonEmptyString, ranged, validString } from '../api/config-validators.ts'
import { ConnectError } from '../errors.ts'
import { parseConnectorConfig, stringProps } from './connector-config.ts'
import type { ConfigInfos, ConfigKeyInfo, ConfigValueInfo, ConnectorStateInfo, PluginInfo, RestartOptions } from './herder.ts'
import type { ConnectorPlugin, DataPlugins, PluginRegistry } from './plugins.ts'

function commonDef(kind: 'source' | 'sink'): ConfigDef {
  const def = new ConfigDef()
    .define({ name: 'name', type: 'STRING', importance: 'HIGH', group: 'Common', displayName: 'Connector name', documentation: 'Globally unique name to use for this connector.', validator: nonEmptyString() })
    .define({ name: 'connector.class', type: 'STRING', importance: 'HIGH', group: 'Common', displayName: 'Connector class', documentation: 'Name or alias of the class for this connector, e.g. FileStreamSource or org.apache.kafka.connect.file.FileStreamSourceConnector.' })
    .define({ name: 'tasks.max', type: 'INT', defaultValue: 1, importance: 'HIGH', group: 'Common', displayName: 'Tasks max', documentation: 'Maximum number of tasks to use for this connector.', validator: ranged(1) })
    .define({ name: 'key.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', group: 'Common', displayName: 'Key converter class', documentation: 'Converter class for keys; the worker\'s when unset.' })
    .define({ name: 'value.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', group: 'Common', displayName: 'Value converter class', documentation: 'Converter class for values; the worker\'s when unset.' })
    .define({ name: 'header.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', group: 'Common', displayName: 'Header converter class', documentation: 'Converter class for headers; the worker\'s when unset.' })
    .define({ name: 'transforms', type: 'LIST', defaultValue: '', importance: 'LOW', group: 'Transforms', displayName: 'Transforms', documentation: 'Aliases for the transformations to be applied to records.' })
    .define({ name: 'predicates', type: 'LIST', defaultValue: '', importance: 'LOW', group: 'Predicates', displayName: 'Predicates', documentation: 'Aliases for the predicates used by transformations.' })
    .define({ name: 'errors.retry.timeout', type: 'LONG', defaultValue: 0, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Retry Timeout for Errors', documentation: 'Maximum ms a failed operation is retried; 0: no retry, -1: forever.', validator: ranged(-1) })
    .define({ name: 'errors.retry.delay.max.ms', type: 'LONG', defaultValue: 60_000, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Maximum Delay Between Retries for Errors', documentation: 'Maximum ms between consecutive retries.', validator: ranged(1) })
    .define({ name: 'errors.tolerance', type: 'STRING', defaultValue: 'none', importance: 'MEDIUM', group: 'Error Handling', displayName: 'Error Tolerance', documentation: 'none: an error fails the task; all: problematic records are skipped.', validator: validString('none', 'all') })
    .define({ name: 'errors.log.enable', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Log Errors', documentation: 'Log every error and failed operation.' })
    .define({ name: 'errors.log.include.messages', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Log Error Details', documentation: 'Include the failing record in the log.' })
  if (kind === 'sink') {
    def
      .define({ name: 'topics', type: 'LIST', defaultValue: '', importance: 'HIGH', group: 'Common', displayName: 'Topics', documentation: 'List of topics to consume, separated by commas.' })
      .define({ name: 'topics.regex', type: 'STRING', defaultValue: '', importance: 'HIGH', group: 'Common', displayName: 'Topics regex', documentation: 'Regular expression giving topics to consume.' })
      .define({ name: 'errors.deadletterqueue.topic.name', type: 'STRING', defaultValue: '', importance: 'MEDIUM', group: 'Error Handling', displayName: 'Dead Letter Queue Topic Name', documentation: 'Topic for records that failed (empty: none).' })
      .define({ name: 'errors.deadletterqueue.topic.replication.factor', type: 'INT', defaultValue: 3, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Dead Letter Queue Topic Replication Factor', documentation: 'Replication factor of the dead letter queue topic when it is created.' })
      .define({ name: 'errors.deadletterqueue.context.headers.enable', type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM', group: 'Error Handling', displayName: 'Enable Error Context Headers', documentation: 'Add __connect.errors.* headers to dead-lettered records.' })
  }
  return def
}

export function pluginInfos(plugins: PluginRegistry): PluginInfo[] {
  return plugins.list().map((p) => ({ class: p.className, type: p.kind, version: p.version }))
}

function defaultText(key: ConfigKey): string | null {
  const value = key.defaultValue
  if (value === undefined || value === null) return null
  return Array.isArray(value) ? value.join(',') : String(value)
}

function keyInfo(key: ConfigKey, order: number): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: !('defaultValue' in key),
    default_value: defaultText(key),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    width: 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: [],
    order,
  }
}

/** `GET /connector-plugins/{plugin}/config`: the connector's own keys. */
export function pluginConfig(plugins: PluginRegistry, name: string): ConfigKeyInfo[] {
  const plugin = plugins.connector(name)
  return [...plugin.create().config().keys.values()].map((key, i) => keyInfo(key, i + 1))
}

/** The keys a config of `plugin` is checked against: common keys, then the connector's (which win on a shared name). */
function definitions(plugin: ConnectorPlugin): { keys: ConfigKey[]; own: ConfigDefinition; common: ConfigDef } {
  const own = plugin.create().config()
  const common = commonDef(plugin.kind)
  const keys = [...[...common.keys.values()].filter((k) => !own.keys.has(k.name)), ...own.keys.values()]
  return { keys, own, common }
}

/**
 * Validates `config` for the connector class `pluginClass` (Kafka's `ConfigInfos`). `workerProps`
 * supplies converters the connector does not set. Throws CONNECT_NOT_FOUND for an unknown class.
 */
export function validateConnectorConfig(plugins: PluginRegistry, data: DataPlugins, pluginClass: string, config: Readonly<Record<string, unknown>>, workerProps: Readonly<Record<string, string>> = {}): ConfigInfos {
  const plugin = plugins.connector(pluginClass)
  const props = stringProps(config, 'A connector config')
  const given = props['connector.class']?.trim()
  const extra = new Map<string, string[]>()
  const add = (key: string, message: string): void => {
    extra.set(key, [...(extra.get(key) ?? []), message])
  }
  if (given !== undefined && given !== '' && plugins.connector(given) !== plugin) {
    add('connector.class', `Included connector type ${given} does not match request type ${pluginClass}`)
  }
  const { keys, own, common } = definitions(plugin)
  const values = new Map<string, { value: unknown; recommendedValues: readonly unknown[]; errors: readonly string[] }>()
  for (const v of [...common.validate(props), ...own.validate(props)]) values.set(v.name, v)
  // What only the runtime checks, attributed to the key its message names. The runtime stops at
  // the first bad key, so keys already known bad are left out and it runs again until it passes.
  const rest: Record<string, string> = { ...props, 'connector.class': props['connector.class'] ?? pluginClass }
  for (const [key, v] of values) if (v.errors.length > 0) delete rest[key]
  for (let round = 0; round < 16; round++) {
    try {
      parseConnectorConfig(rest, plugin.kind)
      break
    } catch (error) {
      const message = (error as Error).message
      const key = /^Config (\S+)/.exec(message)?.[1] ?? 'name'
      add(key, message)
      if (!(key in rest)) break
      delete rest[key]
    }
  }
  try {
    data.transformChain(props).close?.()
  } catch (error) {
    add('transforms', (error as Error).message)
  }
  for (const kind of ['key', 'value', 'header'] as const) {
    const name = `${kind}.converter`
    const className = (props[name] ?? workerProps[name])?.trim()
    if (className === undefined || className === '') continue
    try {
      if (kind === 'header') data.headerConverter(className)
      else data.converter(className)
    } catch (error) {
      add(name, (error as Error).message)
    }
  }
  let errorCount = 0
  const configs = keys.map((key, i) => {
    const result = values.get(key.name)
    const errors = [...(result?.errors ?? []), ...(extra.get(key.name) ?? [])]
    errorCount += errors.length
    const raw = props[key.name]
    const value: ConfigValueInfo = {
      name: key.name,
      value: raw ?? defaultText(key),
      recommended_values: (result?.recommendedValues ?? []).map(String),
      errors,
      visible: true,
    }
    return { definition: keyInfo(key, i + 1), value }
  })
  // Errors on keys no definition has (rare: a message naming a key of another layer).
  for (const [name, errors] of extra) {
    if (keys.some((k) => k.name === name)) continue
    errorCount += errors.length
    configs.push({
      definition: { name, type: 'STRING', required: false, default_value: null, importance: 'LOW', documentation: '', group: null, width: 'NONE', display_name: name, dependents: [], order: configs.length + 1 },
      value: { name, value: props[name] ?? null, recommended_values: [], errors, visible: true },
    })
  }
  const groups = [...new Set(keys.map((k) => k.group).filter((g): g is string => g !== undefined))]
  return { name: plugin.className, error_count: errorCount, groups, configs }
}

/** Kafka's message for a config that does not validate (REST 400). */
export function invalidConfigError(infos: ConfigInfos): ConnectError {
  const lines = infos.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`))
  return new ConnectError('CONNECT_INVALID_CONFIG', `Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``)
}

/**
 * Checks a connector config before it is stored: `connector.class` present and known, and every
 * key valid; throws CONNECT_INVALID_CONFIG (or CONNECT_NOT_FOUND for an unknown class, which the
 * REST API shows as 400 too).
 */
export function checkConnectorConfig(plugins: PluginRegistry, data: DataPlugins, config: Readonly<Record<string, string>>, workerProps: Readonly<Record<string, string>>): ConnectorPlugin {
  const className = config['connector.class']?.trim() ?? ''
  if (className === '') throw new ConnectError('CONNECT_INVALID_CONFIG', `Connector config ${JSON.stringify(config)} contains no connector type (connector.class)`)
  let plugin: ConnectorPlugin
  try {
    plugin = plugins.connector(className)
  } catch (error) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', (error as Error).message, { cause: error })
  }
  const infos = validateConnectorConfig(plugins, data, className, config, workerProps)
  if (infos.error_count > 0) throw invalidConfigError(infos)
  return plugin
}

/** The restart plan of KIP-745: the status with RESTARTING on the connector and tasks a restart affects. */
export function restartPlan(status: ConnectorStateInfo, options: RestartOptions): ConnectorStateInfo {
  const connectorToo = !options.onlyFailed || status.connector.state === 'FAILED'
  return {
    ...status,
    connector: connectorToo ? { state: 'RESTARTING', worker_id: status.connector.worker_id } : status.connector,
    tasks: status.tasks.map((t) => (options.includeTasks && (!options.onlyFailed || t.state === 'FAILED')
      ? { id: t.id, state: 'RESTARTING', worker_id: t.worker_id }
      : t)),
  }
}

/** A KIP-477 patch applied to a config: null removes a key. */
export function patchConfig(config: Readonly<Record<string, string>>, patch: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new ConnectError('CONNECT_INVALID_CONFIG', 'A config patch must be an object of keys and values (null removes a key)')
  const next: Record<string, unknown> = { ...config }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key]
    else next[key] = value
  }
  return next
}
