/**
 * Configuration of the group coordinator under Kafka's broker keys, with Kafka's defaults.
 *
 * `GROUP_COORDINATOR_CONFIG_DEFS` is the one place that lists every key with its default, its
 * valid range and what it means; `DEFAULT_GROUP_COORDINATOR_CONFIG` is derived from it.
 * `resolveGroupCoordinatorConfig` accepts overrides by Kafka key (`group.max.size`) or by field
 * name (`groupMaxSize`), as numbers or decimal strings, and returns a frozen config; the keys in
 * `IGNORED_GROUP_COORDINATOR_KEYS` are accepted and ignored. Errors are
 * CoreError CORE_INVALID_CONFIG naming the key, the rejected value and the valid range.
 */
import { CoreError } from '../../errors.ts'

export interface GroupCoordinatorConfig {
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  readonly groupInitialRebalanceDelayMs: number
  /** group.min.session.timeout.ms: smallest session timeout a member may ask for. */
  readonly groupMinSessionTimeoutMs: number
  /** group.max.session.timeout.ms: largest session timeout a member may ask for. */
  readonly groupMaxSessionTimeoutMs: number
  /** group.max.size: most members in one group (Infinity: no limit). */
  readonly groupMaxSize: number
  /** offsets.topic.num.partitions: partitions of `__consumer_offsets` when it is created. */
  readonly offsetsTopicNumPartitions: number
  /** offsets.topic.segment.bytes: `segment.bytes` of `__consumer_offsets` when it is created. */
  readonly offsetsTopicSegmentBytes: number
  /** offsets.retention.minutes: how long the offsets of a group stay after it became empty. */
  readonly offsetsRetentionMinutes: number
  /** offsets.retention.check.interval.ms: how often expired offsets are looked for. */
  readonly offsetsRetentionCheckIntervalMs: number
  /** offset.metadata.max.bytes: longest metadata string of a committed offset. */
  readonly offsetMetadataMaxBytes: number
}

export interface GroupCoordinatorConfigDef {
  readonly key: string
  readonly field: keyof GroupCoordinatorConfig
  readonly default: number
  readonly min: number
  /** Infinity is accepted (as a number or the string "Infinity") only where `allowInfinity`. */
  readonly allowInfinity?: boolean
  readonly documentation: string
}

const INT_MAX = 2 ** 31 - 1

export const GROUP_COORDINATOR_CONFIG_DEFS: readonly GroupCoordinatorConfigDef[] = Object.freeze([
  { key: 'group.initial.rebalance.delay.ms', field: 'groupInitialRebalanceDelayMs', default: 3000, min: 0,
    documentation: 'How long the coordinator waits for more members to join an empty group before the first rebalance; extended (up to the rebalance timeout) while members keep arriving.' },
  { key: 'group.min.session.timeout.ms', field: 'groupMinSessionTimeoutMs', default: 6000, min: 0,
    documentation: 'Smallest session timeout a member may ask for; shorter ones get INVALID_SESSION_TIMEOUT.' },
  { key: 'group.max.session.timeout.ms', field: 'groupMaxSessionTimeoutMs', default: 1_800_000, min: 0,
    documentation: 'Largest session timeout a member may ask for; longer ones get INVALID_SESSION_TIMEOUT.' },
  { key: 'group.max.size', field: 'groupMaxSize', default: Number.POSITIVE_INFINITY, min: 1, allowInfinity: true,
    documentation: 'Most members in one group; further members get GROUP_MAX_SIZE_REACHED.' },
  { key: 'offsets.topic.num.partitions', field: 'offsetsTopicNumPartitions', default: 50, min: 1,
    documentation: 'Partitions of __consumer_offsets when the coordinator creates it (fixed afterwards).' },
  { key: 'offsets.topic.segment.bytes', field: 'offsetsTopicSegmentBytes', default: 104_857_600, min: 1,
    documentation: 'segment.bytes of __consumer_offsets when the coordinator creates it; small segments compact sooner.' },
  { key: 'offsets.retention.minutes', field: 'offsetsRetentionMinutes', default: 10_080, min: 1,
    documentation: 'How long the committed offsets of a group are kept after it became empty (of a standalone committer: after each commit).' },
  { key: 'offsets.retention.check.interval.ms', field: 'offsetsRetentionCheckIntervalMs', default: 600_000, min: 1,
    documentation: 'How often the coordinator looks for expired offsets.' },
  { key: 'offset.metadata.max.bytes', field: 'offsetMetadataMaxBytes', default: 4096, min: 0,
    documentation: 'Longest metadata string of a committed offset; longer ones get OFFSET_METADATA_TOO_LARGE.' },
] satisfies GroupCoordinatorConfigDef[])

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = Object.freeze(
  Object.fromEntries(GROUP_COORDINATOR_CONFIG_DEFS.map((d) => [d.field, d.default])) as unknown as GroupCoordinatorConfig,
)

/**
 * Kafka keys about the offsets topic and the coordinator that do not apply to a single broker
 * (replication, acks, thread pools, KIP-848): accepted, so Kafka configs can be reused, and ignored.
 */
export const IGNORED_GROUP_COORDINATOR_KEYS: ReadonlySet<string> = new Set([
  'offsets.topic.replication.factor',
  'offsets.topic.compression.codec',
  'offsets.commit.required.acks',
  'offsets.commit.timeout.ms',
  'offsets.load.buffer.size',
  'group.coordinator.threads',
  'group.coordinator.rebalance.protocols',
  'group.coordinator.new.enable',
])

/** Overrides by Kafka key or by field name. */
export type GroupCoordinatorConfigOverrides = Partial<GroupCoordinatorConfig> | Readonly<Record<string, unknown>>

/** Applies `overrides` on top of Kafka's defaults, validating every value and the min/max session pair. */
export function resolveGroupCoordinatorConfig(overrides: GroupCoordinatorConfigOverrides = {}): GroupCoordinatorConfig {
  const config: Record<string, number> = { ...DEFAULT_GROUP_COORDINATOR_CONFIG }
  for (const [name, raw] of Object.entries(overrides)) {
    if (raw === undefined || IGNORED_GROUP_COORDINATOR_KEYS.has(name)) continue
    const d = GROUP_COORDINATOR_CONFIG_DEFS.find((def) => def.key === name || def.field === name)
    if (!d) {
      const known = GROUP_COORDINATOR_CONFIG_DEFS.map((def) => def.key).join(', ')
      throw new CoreError('CORE_INVALID_CONFIG', `Unknown group coordinator config '${name}'; known keys: ${known}`)
    }
    config[d.field] = parseValue(d, raw)
  }
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new CoreError(
      'CORE_INVALID_CONFIG',
      `group.min.session.timeout.ms (${config.groupMinSessionTimeoutMs}) must not exceed group.max.session.timeout.ms (${config.groupMaxSessionTimeoutMs})`,
    )
  }
  return Object.freeze(config as unknown as GroupCoordinatorConfig)
}

function parseValue(d: GroupCoordinatorConfigDef, raw: unknown): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN
  const infinite = value === Number.POSITIVE_INFINITY && d.allowInfinity === true
  if ((!Number.isSafeInteger(value) && !infinite) || value < d.min || (!infinite && value > INT_MAX)) {
    const shown = typeof raw === 'string' ? `'${raw}'` : String(raw)
    const max = d.allowInfinity ? 'Infinity' : String(INT_MAX)
    throw new CoreError('CORE_INVALID_CONFIG', `Invalid value ${shown} for group coordinator config '${d.key}': must be an integer in [${d.min}, ${max}]`)
  }
  return value
}
