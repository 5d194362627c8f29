/**
 * Broker-level configuration with Kafka's names and defaults, in one place.
 *
 * Broker keys that set topic defaults (`log.segment.bytes`, `log.retention.hours`…) are mapped
 * onto the topic config keys the log manager understands (`segment.bytes`, `retention.ms`…),
 * so a topic without overrides behaves as a Kafka broker with the same server.properties would.
 */
import { CoreError } from '../errors.ts'

export interface BrokerConfig {
  readonly nodeId: number
  /** Host and port put in Metadata and FindCoordinator responses (the server sets the port). */
  readonly advertisedHost: string
  readonly advertisedPort: number
  readonly autoCreateTopicsEnable: boolean
  readonly numPartitions: number
  readonly defaultReplicationFactor: number
  readonly deleteTopicEnable: boolean
  /** Topic config defaults derived from `log.*` and friends, by topic config key. */
  readonly topicDefaults: Readonly<Record<string, unknown>>
  /** `group.*` and `offsets.*` keys, passed to the group coordinator as given. */
  readonly groupConfig: Readonly<Record<string, unknown>>
  readonly logRetentionCheckIntervalMs: number
  readonly logFlushSchedulerIntervalMs: number
  readonly logCleanerBackoffMs: number
  /** Every key as given, for DescribeConfigs on the broker resource. */
  readonly raw: Readonly<Record<string, string>>
}

export type BrokerKeyKind = 'int' | 'long' | 'boolean' | 'string'

/** A broker key Creek understands: its type, Kafka's default, and the topic key it sets the default of. */
export interface BrokerKey {
  readonly kind: BrokerKeyKind
  readonly default?: unknown
  /** The topic config key this broker key sets the default of, with a value transform. */
  readonly topicKey?: string
  readonly toTopic?: (value: number) => number
}

const HOUR = 3_600_000
const MINUTE = 60_000

/** Broker keys Creek understands. Group and offsets keys are forwarded to the coordinator. */
const KEYS: Record<string, BrokerKey> = {
  'node.id': { kind: 'int', default: 0 },
  'broker.id': { kind: 'int' },
  'advertised.host': { kind: 'string', default: 'localhost' },
  'advertised.port': { kind: 'int', default: 9092 },
  'auto.create.topics.enable': { kind: 'boolean', default: true },
  'num.partitions': { kind: 'int', default: 1 },
  'default.replication.factor': { kind: 'int', default: 1 },
  'delete.topic.enable': { kind: 'boolean', default: true },
  'log.retention.check.interval.ms': { kind: 'long', default: 300_000 },
  'log.flush.scheduler.interval.ms': { kind: 'long', default: 1000 },
  'log.cleaner.backoff.ms': { kind: 'long', default: 15_000 },
  'message.max.bytes': { kind: 'int', topicKey: 'max.message.bytes' },
  'log.segment.bytes': { kind: 'int', topicKey: 'segment.bytes' },
  'log.roll.ms': { kind: 'long', topicKey: 'segment.ms' },
  'log.roll.hours': { kind: 'int', topicKey: 'segment.ms', toTopic: (h) => h * HOUR },
  'log.retention.ms': { kind: 'long', topicKey: 'retention.ms' },
  'log.retention.minutes': { kind: 'int', topicKey: 'retention.ms', toTopic: (m) => m * MINUTE },
  'log.retention.hours': { kind: 'int', topicKey: 'retention.ms', toTopic: (h) => h * HOUR },
  'log.retention.bytes': { kind: 'long', topicKey: 'retention.bytes' },
  'log.cleanup.policy': { kind: 'string', topicKey: 'cleanup.policy' },
  'log.flush.interval.messages': { kind: 'long', topicKey: 'flush.messages' },
  'log.flush.interval.ms': { kind: 'long', topicKey: 'flush.ms' },
  'log.index.interval.bytes': { kind: 'int', topicKey: 'index.interval.bytes' },
  'log.index.size.max.bytes': { kind: 'int', topicKey: 'segment.index.bytes' },
  'log.segment.delete.delay.ms': { kind: 'long', topicKey: 'file.delete.delay.ms' },
  'log.message.timestamp.type': { kind: 'string', topicKey: 'message.timestamp.type' },
  'log.cleaner.delete.retention.ms': { kind: 'long', topicKey: 'delete.retention.ms' },
  'log.cleaner.min.compaction.lag.ms': { kind: 'long', topicKey: 'min.compaction.lag.ms' },
  'log.cleaner.max.compaction.lag.ms': { kind: 'long', topicKey: 'max.compaction.lag.ms' },
  'log.cleaner.min.cleanable.ratio': { kind: 'string', topicKey: 'min.cleanable.dirty.ratio' },
  'compression.type': { kind: 'string', topicKey: 'compression.type' },
  'min.insync.replicas': { kind: 'int', topicKey: 'min.insync.replicas' },
}

/** The broker keys Creek understands (read by DescribeConfigs on the broker resource). */
export const BROKER_CONFIG_KEYS: Readonly<Record<string, BrokerKey>> = Object.freeze(KEYS)

/** More specific broker keys win over coarser ones for the same topic key (ms over hours). */
const PRECEDENCE = ['log.roll.hours', 'log.roll.ms', 'log.retention.hours', 'log.retention.minutes', 'log.retention.ms']

function coerce(key: string, kind: BrokerKeyKind, value: unknown): unknown {
  const bad = (): never => {
    throw new CoreError('CORE_INVALID_CONFIG', `Invalid value ${JSON.stringify(value)} for broker config '${key}': expected ${kind}`)
  }
  switch (kind) {
    case 'int':
    case 'long': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) return bad()
      return n
    }
    case 'boolean':
      if (value === true || value === 'true') return true
      if (value === false || value === 'false') return false
      return bad()
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') return bad()
      return String(value)
  }
}

/**
 * Resolves broker properties (as in server.properties; values as strings or native types).
 * Unknown keys are refused with CORE_INVALID_CONFIG, except `group.*` and `offsets.*`, which go
 * to the group coordinator, which validates them.
 */
export function resolveBrokerConfig(properties: Record<string, unknown> = {}): BrokerConfig {
  const values = new Map<string, unknown>()
  const groupConfig: Record<string, unknown> = {}
  const raw: Record<string, string> = {}
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue
    raw[key] = String(value)
    if (key.startsWith('group.') || key.startsWith('offsets.') || key === 'offset.metadata.max.bytes') {
      groupConfig[key] = value
      continue
    }
    const def = KEYS[key]
    if (!def) throw new CoreError('CORE_INVALID_CONFIG', `Unknown broker config '${key}'`)
    values.set(key, coerce(key, def.kind, value))
  }
  const get = <T>(key: string): T => (values.has(key) ? values.get(key) : KEYS[key].default) as T
  const topicDefaults: Record<string, unknown> = {}
  const ordered = [...values.keys()].sort((a, b) => PRECEDENCE.indexOf(a) - PRECEDENCE.indexOf(b))
  for (const key of ordered) {
    const def = KEYS[key]
    if (!def.topicKey) continue
    const value = values.get(key)
    topicDefaults[def.topicKey] = def.toTopic ? def.toTopic(value as number) : value
  }
  const numPartitions = get<number>('num.partitions')
  if (numPartitions < 1) throw new CoreError('CORE_INVALID_CONFIG', `num.partitions must be at least 1, got ${numPartitions}`)
  return {
    nodeId: values.has('node.id') ? get<number>('node.id') : values.has('broker.id') ? get<number>('broker.id') : 0,
    advertisedHost: get<string>('advertised.host'),
    advertisedPort: get<number>('advertised.port'),
    autoCreateTopicsEnable: get<boolean>('auto.create.topics.enable'),
    numPartitions,
    defaultReplicationFactor: get<number>('default.replication.factor'),
    deleteTopicEnable: get<boolean>('delete.topic.enable'),
    topicDefaults,
    groupConfig,
    logRetentionCheckIntervalMs: get<number>('log.retention.check.interval.ms'),
    logFlushSchedulerIntervalMs: get<number>('log.flush.scheduler.interval.ms'),
    logCleanerBackoffMs: get<number>('log.cleaner.backoff.ms'),
    raw,
  }
}
