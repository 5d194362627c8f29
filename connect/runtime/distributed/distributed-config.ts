/**
 * Distributed worker configuration (Kafka's `DistributedConfig` keys), checked when the herder is
 * built; defaults in `DISTRIBUTED_DEFAULTS`. Everything a standalone worker takes (converters,
 * `offset.flush.interval.ms`, `consumer.*`, `producer.*`) applies too (worker-config.ts), except
 * `offset.storage.file.filename`, which distributed workers do not use.
 *
 * | key                                   | default            |
 * |---------------------------------------|--------------------|
 * | group.id                              | required           |
 * | config.storage.topic                  | connect-configs (1 partition, compacted) |
 * | offset.storage.topic / .partitions    | connect-offsets / 25 |
 * | status.storage.topic / .partitions    | connect-status / 5 |
 * | session.timeout.ms                    | 10000              |
 * | heartbeat.interval.ms                 | 3000               |
 * | rebalance.timeout.ms                  | 60000              |
 * | listeners                             | http://127.0.0.1:8083 (first http listener; `rest.host.name` and `rest.port` when unset) |
 * | rest.advertised.host.name / .port     | the listener's     |
 * | bootstrap.servers                     | used by the CLI to reach the cluster |
 */
import { ConnectError } from '../../errors.ts'
import { intProp, invalidConfig, stringProps } from '../connector-config.ts'
import { parseWorkerConfig, type WorkerConfig } from '../worker-config.ts'

export const DISTRIBUTED_DEFAULTS = Object.freeze({
  'config.storage.topic': 'connect-configs',
  'offset.storage.topic': 'connect-offsets',
  'offset.storage.partitions': 25,
  'status.storage.topic': 'connect-status',
  'status.storage.partitions': 5,
  'session.timeout.ms': 10_000,
  'heartbeat.interval.ms': 3000,
  'rebalance.timeout.ms': 60_000,
  'rest.host.name': '127.0.0.1',
  'rest.port': 8083,
})

export interface DistributedConfig {
  readonly groupId: string
  readonly configTopic: string
  readonly offsetTopic: string
  readonly offsetPartitions: number
  readonly statusTopic: string
  readonly statusPartitions: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly rebalanceTimeoutMs: number
  /** Where the REST API listens. */
  readonly restHost: string
  readonly restPort: number
  /** What other workers are told (null: the listener's). */
  readonly advertisedHost: string | null
  readonly advertisedPort: number | null
  readonly bootstrapServers: string | null
  readonly worker: WorkerConfig
}

/** The first `http://host:port` of Kafka's `listeners` (a comma-separated list). */
function parseListener(value: string): { host: string; port: number } {
  const first = value.split(',').map((s) => s.trim()).find((s) => s !== '')
  const match = first === undefined ? null : /^(https?):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/i.exec(first)
  if (match === null) throw invalidConfig('listeners', value, 'a list of listeners like http://0.0.0.0:8083')
  if (match[1].toLowerCase() !== 'http') throw invalidConfig('listeners', value, 'an http listener (Creek serves no HTTPS)')
  const host = match[2].replace(/^\[|\]$/g, '') || '0.0.0.0'
  const port = Number(match[3])
  if (port > 65_535) throw invalidConfig('listeners', value, 'a port from 0 to 65535')
  return { host, port }
}

export function parseDistributedConfig(config: Readonly<Record<string, unknown>>): DistributedConfig {
  const props = stringProps(config, 'The worker config')
  const groupId = props['group.id']?.trim() ?? ''
  if (groupId === '') throw invalidConfig('group.id', props['group.id'], 'the name of the Connect cluster this worker joins (its group id)')
  const topic = (key: 'config.storage.topic' | 'offset.storage.topic' | 'status.storage.topic'): string => {
    const value = props[key]?.trim() || DISTRIBUTED_DEFAULTS[key]
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(value)) throw invalidConfig(key, value, 'a topic name (letters, digits, . _ -)')
    return value
  }
  const topics = { config: topic('config.storage.topic'), offset: topic('offset.storage.topic'), status: topic('status.storage.topic') }
  if (new Set(Object.values(topics)).size !== 3) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `config.storage.topic, offset.storage.topic and status.storage.topic must be three different topics, got ${Object.values(topics).join(', ')}`)
  }
  const sessionTimeoutMs = intProp(props, 'session.timeout.ms', DISTRIBUTED_DEFAULTS['session.timeout.ms'], 1)
  const heartbeatIntervalMs = intProp(props, 'heartbeat.interval.ms', DISTRIBUTED_DEFAULTS['heartbeat.interval.ms'], 1)
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw invalidConfig('heartbeat.interval.ms', heartbeatIntervalMs, `less than session.timeout.ms (${sessionTimeoutMs})`)
  let restHost = props['rest.host.name']?.trim() || DISTRIBUTED_DEFAULTS['rest.host.name']
  let restPort = intProp(props, 'rest.port', DISTRIBUTED_DEFAULTS['rest.port'], 0)
  if (restPort > 65_535) throw invalidConfig('rest.port', restPort, 'a port from 0 to 65535')
  if (props.listeners !== undefined && props.listeners.trim() !== '') ({ host: restHost, port: restPort } = parseListener(props.listeners))
  const advertisedPort = props['rest.advertised.port'] === undefined ? null : intProp(props, 'rest.advertised.port', 0, 0)
  return {
    groupId,
    configTopic: topics.config,
    offsetTopic: topics.offset,
    offsetPartitions: intProp(props, 'offset.storage.partitions', DISTRIBUTED_DEFAULTS['offset.storage.partitions'], 1),
    statusTopic: topics.status,
    statusPartitions: intProp(props, 'status.storage.partitions', DISTRIBUTED_DEFAULTS['status.storage.partitions'], 1),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: intProp(props, 'rebalance.timeout.ms', DISTRIBUTED_DEFAULTS['rebalance.timeout.ms'], 1),
    restHost,
    restPort,
    advertisedHost: props['rest.advertised.host.name']?.trim() || null,
    advertisedPort,
    bootstrapServers: props['bootstrap.servers']?.trim() || null,
    // The standalone keys, without the offsets file a distributed worker does not have.
    worker: parseWorkerConfig({ ...props, 'offset.storage.file.filename': `(${topics.offset} topic)` }),
  }
}
