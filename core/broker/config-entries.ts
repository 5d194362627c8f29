/**
 * Config entries as Kafka's admin APIs report them (DescribeConfigs, and CreateTopics from v5):
 * every key of a topic or of the broker with its value, where the value comes from (source),
 * its type, documentation and synonyms. Protocol-independent: handlers map entries onto their
 * response structs.
 *
 * Sources and synonyms follow Kafka: a topic key is DYNAMIC_TOPIC_CONFIG when the topic
 * overrides it, STATIC_BROKER_CONFIG when the broker config set its default (`log.retention.hours`
 * sets `retention.ms`), DEFAULT_CONFIG otherwise. Synonyms list the same setting at every level
 * that has it, most specific first: the topic override, the broker keys that are set (ms before
 * minutes before hours), and Kafka's default under the coarsest broker key.
 */
import { ConfigSource, ConfigType } from '../protocol/apis/describe-configs.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { LOG_CONFIG_DEFS, type LogConfig, type LogConfigType, logConfigToEntries, resolveLogConfig } from '../storage/log-config.ts'
import { AdminError } from './admin-error.ts'
import { BROKER_CONFIG_KEYS, type BrokerConfig, type BrokerKey } from './broker-config.ts'
import { GROUP_COORDINATOR_CONFIG_DEFS } from './group/group-coordinator-config.ts'

export interface ConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: number
}

export interface ConfigEntry {
  readonly name: string
  readonly value: string | null
  /** A `ConfigSource` id. */
  readonly source: number
  /** Not set at the resource's own level (DescribeConfigs v0's `isDefault`). */
  readonly isDefault: boolean
  /** A `ConfigType` id. */
  readonly type: number
  readonly readOnly: boolean
  readonly isSensitive: boolean
  readonly documentation: string | null
  readonly synonyms: readonly ConfigSynonym[]
}

const TYPE_IDS: Record<LogConfigType, number> = {
  boolean: ConfigType.BOOLEAN, string: ConfigType.STRING, int: ConfigType.INT,
  long: ConfigType.LONG, double: ConfigType.DOUBLE, list: ConfigType.LIST,
}

const LOG_DEFS_BY_KEY = new Map(LOG_CONFIG_DEFS.map((d) => [d.key, d]))
/** Kafka's default of every topic key, as a string. */
const KAFKA_TOPIC_DEFAULTS = new Map(logConfigToEntries(resolveLogConfig()).map((e) => [e.key, e.value]))
/** A group coordinator default of Infinity is Kafka's Integer.MAX_VALUE. */
const INT_MAX = 2 ** 31 - 1

/** Milliseconds per unit of a broker key that sets a topic key in ms (hours, minutes); 1 otherwise. */
function unitOf(key: BrokerKey): number {
  return key.toTopic ? key.toTopic(1) : 1
}

/** Broker keys that set the default of `topicKey`, most specific (smallest unit) first. */
function brokerSynonymsOf(topicKey: string): [string, BrokerKey][] {
  return Object.entries(BROKER_CONFIG_KEYS)
    .filter(([, key]) => key.topicKey === topicKey)
    .sort(([, a], [, b]) => unitOf(a) - unitOf(b))
}

/**
 * Kafka's default of a broker key: its own default, or for a key that sets a topic default
 * the topic's Kafka default in the key's unit. Of keys sharing a topic key (log.retention.ms,
 * .minutes, .hours) only the coarsest has a default, as in Kafka; the finer ones are null.
 */
function brokerKeyDefault(name: string, key: BrokerKey): string | null {
  if (key.topicKey === undefined) return key.default === undefined ? null : String(key.default)
  const synonyms = brokerSynonymsOf(key.topicKey)
  if (synonyms[synonyms.length - 1][0] !== name) return null
  const topicDefault = KAFKA_TOPIC_DEFAULTS.get(key.topicKey) ?? null
  return topicDefault !== null && key.toTopic ? String(Number(topicDefault) / unitOf(key)) : topicDefault
}

/**
 * Every topic key of a topic with `overrides`, on top of the broker's topic `defaults` (the log
 * manager's), in key order. `broker` says which defaults came from the broker config.
 */
export function topicConfigEntries(broker: BrokerConfig, defaults: LogConfig, overrides: Readonly<Record<string, string>>): ConfigEntry[] {
  const effective = resolveLogConfig(overrides, defaults)
  return logConfigToEntries(effective, overrides).map((entry) => {
    const overridden = overrides[entry.key] !== undefined
    const synonyms: ConfigSynonym[] = []
    if (overridden) synonyms.push({ name: entry.key, value: entry.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    const brokerKeys = brokerSynonymsOf(entry.key)
    for (const [name] of brokerKeys) {
      if (broker.raw[name] !== undefined) synonyms.push({ name, value: broker.raw[name], source: ConfigSource.STATIC_BROKER_CONFIG })
    }
    const coarsest = brokerKeys[brokerKeys.length - 1]
    synonyms.push(coarsest
      ? { name: coarsest[0], value: brokerKeyDefault(coarsest[0], coarsest[1]), source: ConfigSource.DEFAULT_CONFIG }
      : { name: entry.key, value: KAFKA_TOPIC_DEFAULTS.get(entry.key) ?? null, source: ConfigSource.DEFAULT_CONFIG })
    const source = overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG
      : broker.topicDefaults[entry.key] !== undefined ? ConfigSource.STATIC_BROKER_CONFIG
      : ConfigSource.DEFAULT_CONFIG
    return {
      name: entry.key,
      value: entry.value,
      source,
      isDefault: !overridden,
      type: TYPE_IDS[entry.type],
      readOnly: false,
      isSensitive: false,
      documentation: entry.documentation,
      synonyms,
    }
  })
}

function brokerEntry(name: string, given: string | undefined, fallback: string | null, type: number, documentation: string | null): ConfigEntry {
  const synonyms: ConfigSynonym[] = []
  if (given !== undefined) synonyms.push({ name, value: given, source: ConfigSource.STATIC_BROKER_CONFIG })
  if (fallback !== null) synonyms.push({ name, value: fallback, source: ConfigSource.DEFAULT_CONFIG })
  return {
    name,
    value: given ?? fallback,
    source: given !== undefined ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG,
    isDefault: given === undefined,
    type,
    // Creek has no dynamic broker configs: every broker key is set in the broker config only.
    readOnly: true,
    isSensitive: false,
    documentation,
    synonyms,
  }
}

/**
 * The broker's settings: every broker key Creek knows (set ones as STATIC_BROKER_CONFIG, others
 * with Kafka's default), the group coordinator's keys, and any other key the config was given.
 */
export function brokerConfigEntries(broker: BrokerConfig): ConfigEntry[] {
  const entries = new Map<string, ConfigEntry>()
  for (const [name, key] of Object.entries(BROKER_CONFIG_KEYS)) {
    const topicDef = key.topicKey === undefined ? undefined : LOG_DEFS_BY_KEY.get(key.topicKey)
    const type = topicDef && !key.toTopic ? TYPE_IDS[topicDef.type]
      : key.kind === 'int' ? ConfigType.INT : key.kind === 'long' ? ConfigType.LONG
      : key.kind === 'boolean' ? ConfigType.BOOLEAN : ConfigType.STRING
    const documentation = topicDef
      ? `Default of the topic config '${topicDef.key}'${key.toTopic ? ` (here in ${unitOf(key) === 3_600_000 ? 'hours' : 'minutes'})` : ''}: ${topicDef.documentation}`
      : null
    entries.set(name, brokerEntry(name, broker.raw[name], brokerKeyDefault(name, key), type, documentation))
  }
  for (const def of GROUP_COORDINATOR_CONFIG_DEFS) {
    const fallback = String(def.default === Number.POSITIVE_INFINITY ? INT_MAX : def.default)
    entries.set(def.key, brokerEntry(def.key, broker.raw[def.key], fallback, ConfigType.INT, def.documentation))
  }
  for (const [name, value] of Object.entries(broker.raw)) {
    if (!entries.has(name)) entries.set(name, brokerEntry(name, value, null, ConfigType.STRING, null))
  }
  return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * Checks the name of a BROKER config resource: this broker's node id, or '' for the
 * cluster-wide dynamic defaults (which Creek does not have). Returns whether it is ''.
 * Anything else is INVALID_REQUEST, as in Kafka.
 */
export function checkBrokerResourceName(nodeId: number, name: string): { readonly clusterDefault: boolean } {
  if (name === '') return { clusterDefault: true }
  if (!/^-?\d+$/.test(name)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`)
  if (Number(name) !== nodeId) {
    throw new AdminError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`)
  }
  return { clusterDefault: false }
}
