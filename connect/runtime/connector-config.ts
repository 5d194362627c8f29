/**
 * The worker's view of a connector config: Kafka Connect's common keys (`ConnectorConfig`,
 * `SinkConnectorConfig`), checked and typed when a connector is created. The connector's own
 * keys (`file`, `topic`…) are checked by the connector's `config()` definition.
 *
 * Defaults live in `CONNECTOR_DEFAULTS`; every error is a CONNECT_INVALID_CONFIG naming the key,
 * the value and what is valid.
 */
import type { ConsumerOptions, ProducerOptions } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'

export type ErrorTolerance = 'none' | 'all'

export const CONNECTOR_DEFAULTS = Object.freeze({
  'tasks.max': 1,
  'errors.tolerance': 'none' as ErrorTolerance,
  'errors.retry.timeout': 0,
  'errors.retry.delay.max.ms': 60_000,
  'errors.log.enable': false,
  'errors.log.include.messages': false,
  'errors.deadletterqueue.topic.name': '',
  'errors.deadletterqueue.topic.replication.factor': 3,
  'errors.deadletterqueue.context.headers.enable': false,
})

export interface ErrorsConfig {
  readonly tolerance: ErrorTolerance
  /** ms to keep retrying a retriable failure of a stage; −1: forever; 0: no retry. */
  readonly retryTimeoutMs: number
  readonly retryDelayMaxMs: number
  readonly logEnable: boolean
  readonly logIncludeMessages: boolean
  /** '' when none (sinks only). */
  readonly deadLetterTopic: string
  readonly deadLetterReplicationFactor: number
  readonly deadLetterContextHeaders: boolean
}

export interface ConnectorConfig {
  readonly name: string
  readonly connectorClass: string
  readonly tasksMax: number
  /** Sinks: the topics to consume, or a pattern (exactly one of them). */
  readonly topics: readonly string[] | null
  readonly topicsRegex: RegExp | null
  readonly errors: ErrorsConfig
  /** `consumer.override.*` / `producer.override.*` as Creek client options. */
  readonly consumerOverrides: ConsumerOptions
  readonly producerOverrides: ProducerOptions
  /** The config as given, every value a string. */
  readonly props: Readonly<Record<string, string>>
}

export function invalidConfig(key: string, value: unknown, expected: string, connector?: string): ConnectError {
  const where = connector ? ` of connector '${connector}'` : ''
  return new ConnectError('CONNECT_INVALID_CONFIG', `Config ${key}${where} is ${JSON.stringify(value) ?? String(value)}; expected ${expected}`)
}

/** Every value as a string (JSON bodies may hold numbers and booleans); null and undefined are dropped. */
export function stringProps(config: Readonly<Record<string, unknown>>, what: string): Record<string, string> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `${what} must be an object of string keys and values`)
  }
  const props: Record<string, string> = {}
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue
    if (typeof value === 'object') throw invalidConfig(key, value, 'a string, number or boolean')
    props[key] = String(value)
  }
  return props
}

export function intProp(props: Readonly<Record<string, string>>, key: string, fallback: number, min: number, connector?: string): number {
  const raw = props[key]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw.trim())
  if (!Number.isSafeInteger(value) || value < min) throw invalidConfig(key, raw, `an integer ≥ ${min}`, connector)
  return value
}

export function boolProp(props: Readonly<Record<string, string>>, key: string, fallback: boolean, connector?: string): boolean {
  const raw = props[key]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return fallback
  if (raw !== 'true' && raw !== 'false') throw invalidConfig(key, props[key], 'true or false', connector)
  return raw === 'true'
}

export function listProp(props: Readonly<Record<string, string>>, key: string): string[] {
  return (props[key] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}

/** Checks the common keys of `config` for a connector of `kind`. */
export function parseConnectorConfig(config: Readonly<Record<string, unknown>>, kind: 'source' | 'sink'): ConnectorConfig {
  const props = stringProps(config, 'A connector config')
  const name = props.name?.trim() ?? ''
  if (name === '' || /[\u0000-\u001f/]/.test(name)) throw invalidConfig('name', props.name, 'a non-empty name without control characters or /')
  const connectorClass = props['connector.class']?.trim() ?? ''
  if (connectorClass === '') throw invalidConfig('connector.class', props['connector.class'], 'a connector class or alias, e.g. FileStreamSource', name)
  const tasksMax = intProp(props, 'tasks.max', CONNECTOR_DEFAULTS['tasks.max'], 1, name)

  const tolerance = (props['errors.tolerance']?.trim() || CONNECTOR_DEFAULTS['errors.tolerance']) as ErrorTolerance
  if (tolerance !== 'none' && tolerance !== 'all') throw invalidConfig('errors.tolerance', props['errors.tolerance'], "'none' or 'all'", name)
  const retryTimeoutMs = intProp(props, 'errors.retry.timeout', CONNECTOR_DEFAULTS['errors.retry.timeout'], -1, name)
  const errors: ErrorsConfig = {
    tolerance,
    retryTimeoutMs,
    retryDelayMaxMs: intProp(props, 'errors.retry.delay.max.ms', CONNECTOR_DEFAULTS['errors.retry.delay.max.ms'], 1, name),
    logEnable: boolProp(props, 'errors.log.enable', CONNECTOR_DEFAULTS['errors.log.enable'], name),
    logIncludeMessages: boolProp(props, 'errors.log.include.messages', CONNECTOR_DEFAULTS['errors.log.include.messages'], name),
    deadLetterTopic: props['errors.deadletterqueue.topic.name']?.trim() ?? '',
    deadLetterReplicationFactor: intProp(props, 'errors.deadletterqueue.topic.replication.factor', CONNECTOR_DEFAULTS['errors.deadletterqueue.topic.replication.factor'], -1, name),
    deadLetterContextHeaders: boolProp(props, 'errors.deadletterqueue.context.headers.enable', CONNECTOR_DEFAULTS['errors.deadletterqueue.context.headers.enable'], name),
  }

  let topics: string[] | null = null
  let topicsRegex: RegExp | null = null
  if (kind === 'sink') {
    const list = listProp(props, 'topics')
    const regex = props['topics.regex']?.trim() ?? ''
    if (list.length > 0 && regex !== '') throw invalidConfig('topics.regex', regex, 'not to be set together with topics (use one of them)', name)
    if (list.length === 0 && regex === '') throw invalidConfig('topics', props.topics, 'a list of topics, or topics.regex, for a sink connector', name)
    if (list.length > 0) topics = list
    else {
      try {
        topicsRegex = new RegExp(`^(?:${regex})$`)
      } catch (error) {
        throw invalidConfig('topics.regex', regex, `a valid regular expression (${(error as Error).message})`, name)
      }
    }
    const dlq = errors.deadLetterTopic
    if (dlq !== '' && (topics?.includes(dlq) || topicsRegex?.test(dlq))) {
      throw invalidConfig('errors.deadletterqueue.topic.name', dlq, 'a topic the connector does not consume (it would read its own failures)', name)
    }
  } else if (errors.deadLetterTopic !== '') {
    throw invalidConfig('errors.deadletterqueue.topic.name', errors.deadLetterTopic, 'empty: dead-letter topics are for sink connectors only', name)
  }

  return {
    name, connectorClass, tasksMax, topics, topicsRegex, errors,
    consumerOverrides: consumerOptions(props, 'consumer.override.', name),
    producerOverrides: producerOptions(props, 'producer.override.', name),
    props,
  }
}

/** Kafka consumer keys Creek's consumer takes, with their option names. */
const CONSUMER_KEYS: Record<string, { option: keyof ConsumerOptions; kind: 'int' | 'string' }> = {
  'session.timeout.ms': { option: 'sessionTimeoutMs', kind: 'int' },
  'heartbeat.interval.ms': { option: 'heartbeatIntervalMs', kind: 'int' },
  'max.poll.interval.ms': { option: 'maxPollIntervalMs', kind: 'int' },
  'max.poll.records': { option: 'maxPollRecords', kind: 'int' },
  'fetch.max.wait.ms': { option: 'fetchMaxWaitMs', kind: 'int' },
  'fetch.min.bytes': { option: 'fetchMinBytes', kind: 'int' },
  'max.partition.fetch.bytes': { option: 'maxPartitionFetchBytes', kind: 'int' },
  'metadata.max.age.ms': { option: 'metadataMaxAgeMs', kind: 'int' },
  'auto.offset.reset': { option: 'autoOffsetReset', kind: 'string' },
  'isolation.level': { option: 'isolationLevel', kind: 'string' },
}

const PRODUCER_KEYS: Record<string, { option: keyof ProducerOptions; kind: 'int' | 'string' }> = {
  'linger.ms': { option: 'lingerMs', kind: 'int' },
  'batch.size': { option: 'batchSize', kind: 'int' },
  'compression.type': { option: 'compression', kind: 'string' },
  'max.request.size': { option: 'maxRequestSize', kind: 'int' },
}

function clientOptions<T>(props: Readonly<Record<string, string>>, prefix: string, keys: Record<string, { option: string; kind: 'int' | 'string' }>, connector?: string): T {
  const options: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(props)) {
    if (!key.startsWith(prefix)) continue
    const name = key.slice(prefix.length)
    const known = keys[name]
    if (known === undefined) {
      throw invalidConfig(key, raw, `one of the client keys Creek maps: ${Object.keys(keys).map((k) => prefix + k).join(', ')}`, connector)
    }
    options[known.option] = known.kind === 'int' ? intProp(props, key, 0, 0, connector) : raw.trim()
  }
  return options as T
}

export function consumerOptions(props: Readonly<Record<string, string>>, prefix: string, connector?: string): ConsumerOptions {
  return clientOptions<ConsumerOptions>(props, prefix, CONSUMER_KEYS, connector)
}

export function producerOptions(props: Readonly<Record<string, string>>, prefix: string, connector?: string): ProducerOptions {
  return clientOptions<ProducerOptions>(props, prefix, PRODUCER_KEYS, connector)
}
