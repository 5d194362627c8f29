/**
 * Per-topic log configuration under Kafka's keys (`segment.bytes`, `retention.ms`, ...).
 *
 * `LOG_CONFIG_DEFS` is the one place that lists every key with its type, Kafka's default, its
 * valid range or values and its documentation; `DEFAULT_LOG_CONFIG` is derived from it.
 *
 * Values arrive from the wire and from files as strings, and from code as numbers, booleans or
 * arrays; `resolveLogConfig` accepts both and produces a frozen `LogConfig`. Kafka's `long`
 * maximum (2^63 - 1, "never") is represented as `Number.MAX_SAFE_INTEGER` and any value above
 * 2^53 - 1 is clamped to it; `logConfigToEntries` writes it back as `9223372036854775807`, so the
 * string form round-trips and matches what Kafka tools show.
 *
 * Errors are CoreError CORE_INVALID_CONFIG naming the key, the rejected value and what is valid.
 */
import { CoreError } from '../errors.ts'

export type LogConfigType = 'int' | 'long' | 'double' | 'string' | 'list' | 'boolean'
export type CleanupPolicy = 'delete' | 'compact'
export type MessageTimestampType = 'CreateTime' | 'LogAppendTime'
export type CompressionType = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface LogConfig {
  readonly cleanupPolicy: readonly CleanupPolicy[]
  readonly compressionType: CompressionType
  readonly deleteRetentionMs: number
  readonly fileDeleteDelayMs: number
  readonly flushMessages: number
  readonly flushMs: number
  readonly indexIntervalBytes: number
  readonly maxCompactionLagMs: number
  readonly maxMessageBytes: number
  readonly messageTimestampType: MessageTimestampType
  readonly minCleanableDirtyRatio: number
  readonly minCompactionLagMs: number
  readonly minInsyncReplicas: number
  readonly preallocate: boolean
  readonly retentionBytes: number
  readonly retentionMs: number
  readonly segmentBytes: number
  readonly segmentIndexBytes: number
  readonly segmentJitterMs: number
  readonly segmentMs: number
  readonly uncleanLeaderElectionEnable: boolean
}

/** One configuration key: how it is parsed, its default, what is valid, what it means. */
export interface LogConfigDef {
  readonly key: string
  readonly field: keyof LogConfig
  readonly type: LogConfigType
  readonly default: LogConfig[keyof LogConfig]
  /** Inclusive bounds for numbers. */
  readonly min?: number
  readonly max?: number
  /** Allowed values for strings and list items. */
  readonly validValues?: readonly string[]
  readonly documentation: string
}

/** A key as DescribeConfigs reports it. */
export interface LogConfigEntry {
  readonly key: string
  readonly value: string
  readonly isDefault: boolean
  readonly type: LogConfigType
  readonly documentation: string
}

const INT_MAX = 2 ** 31 - 1
const INT_MIN = -(2 ** 31)
const LONG_MAX = 2n ** 63n - 1n
const LONG_MIN = -(2n ** 63n)
/** Stands for Kafka's Long.MAX_VALUE. */
const LONG_MAX_NUMBER = Number.MAX_SAFE_INTEGER
const LONG_MAX_STRING = '9223372036854775807'

function def<F extends keyof LogConfig>(d: LogConfigDef & { readonly field: F; readonly default: LogConfig[F] }): LogConfigDef {
  return Object.freeze(d)
}

/** Every topic-level key Creek knows, sorted by key. */
export const LOG_CONFIG_DEFS: readonly LogConfigDef[] = Object.freeze([
  def({ key: 'cleanup.policy', field: 'cleanupPolicy', type: 'list', default: Object.freeze(['delete'] as CleanupPolicy[]), validValues: ['delete', 'compact'],
    documentation: 'How old segments are removed: "delete" drops them by time and size retention, "compact" keeps the latest record of each key; both may be given.' }),
  def({ key: 'compression.type', field: 'compressionType', type: 'string', default: 'producer', validValues: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
    documentation: 'Compression of stored batches: "producer" keeps what the producer sent, "uncompressed" or a codec re-compresses.' }),
  def({ key: 'delete.retention.ms', field: 'deleteRetentionMs', type: 'long', default: 86_400_000, min: 0,
    documentation: 'How long tombstones (null values) stay in a compacted topic, so that consumers reading from the start see deletions.' }),
  def({ key: 'file.delete.delay.ms', field: 'fileDeleteDelayMs', type: 'long', default: 60_000, min: 0,
    documentation: 'Delay between marking a segment for deletion and removing its files.' }),
  def({ key: 'flush.messages', field: 'flushMessages', type: 'long', default: LONG_MAX_NUMBER, min: 1,
    documentation: 'Fsync the log after this many messages; the default leaves durability to replication and the OS.' }),
  def({ key: 'flush.ms', field: 'flushMs', type: 'long', default: LONG_MAX_NUMBER, min: 0,
    documentation: 'Fsync the log when this much time passed since the last fsync.' }),
  def({ key: 'index.interval.bytes', field: 'indexIntervalBytes', type: 'int', default: 4096, min: 0,
    documentation: 'Bytes of log between two offset index entries; smaller means faster lookups and larger indexes.' }),
  def({ key: 'max.compaction.lag.ms', field: 'maxCompactionLagMs', type: 'long', default: LONG_MAX_NUMBER, min: 1,
    documentation: 'Longest time a record stays ineligible for compaction.' }),
  def({ key: 'max.message.bytes', field: 'maxMessageBytes', type: 'int', default: 1_048_588, min: 0,
    documentation: 'Largest record batch (after compression) the topic accepts.' }),
  def({ key: 'message.timestamp.type', field: 'messageTimestampType', type: 'string', default: 'CreateTime', validValues: ['CreateTime', 'LogAppendTime'],
    documentation: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s time of append (LogAppendTime).' }),
  def({ key: 'min.cleanable.dirty.ratio', field: 'minCleanableDirtyRatio', type: 'double', default: 0.5, min: 0, max: 1,
    documentation: 'Share of not-yet-compacted log above which the compactor cleans the log.' }),
  def({ key: 'min.compaction.lag.ms', field: 'minCompactionLagMs', type: 'long', default: 0, min: 0,
    documentation: 'Shortest time a record stays uncompacted.' }),
  def({ key: 'min.insync.replicas', field: 'minInsyncReplicas', type: 'int', default: 1, min: 1,
    documentation: 'Replicas that must acknowledge a write made with acks=all.' }),
  def({ key: 'preallocate', field: 'preallocate', type: 'boolean', default: false,
    documentation: 'Preallocate the file of a new segment on disk.' }),
  def({ key: 'retention.bytes', field: 'retentionBytes', type: 'long', default: -1, min: -1,
    documentation: 'Largest size of a partition before its oldest segments are deleted; -1 means no size limit.' }),
  def({ key: 'retention.ms', field: 'retentionMs', type: 'long', default: 604_800_000, min: -1,
    documentation: 'How long a segment is kept after its newest record; -1 means no time limit.' }),
  def({ key: 'segment.bytes', field: 'segmentBytes', type: 'int', default: 1_073_741_824, min: 14,
    documentation: 'Size at which the active segment is rolled into a new one.' }),
  def({ key: 'segment.index.bytes', field: 'segmentIndexBytes', type: 'int', default: 10_485_760, min: 8,
    documentation: 'Largest size of a segment\'s offset and time index files; a full index rolls the segment.' }),
  def({ key: 'segment.jitter.ms', field: 'segmentJitterMs', type: 'long', default: 0, min: 0,
    documentation: 'Largest random amount subtracted from segment.ms, so that many partitions do not roll at once.' }),
  def({ key: 'segment.ms', field: 'segmentMs', type: 'long', default: 604_800_000, min: 1,
    documentation: 'Age at which the active segment is rolled even if it is not full, so retention and compaction can act on it.' }),
  def({ key: 'unclean.leader.election.enable', field: 'uncleanLeaderElectionEnable', type: 'boolean', default: false,
    documentation: 'Allow an out-of-sync replica to become leader, trading possible data loss for availability.' }),
])

const DEFS_BY_KEY: ReadonlyMap<string, LogConfigDef> = new Map(LOG_CONFIG_DEFS.map((d) => [d.key, d]))

/** Kafka's defaults for every key. */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(
  Object.fromEntries(LOG_CONFIG_DEFS.map((d) => [d.field, d.default])),
) as unknown as LogConfig

/**
 * The configuration `overrides` make of `base` (Kafka's defaults unless given). Keys are Kafka's
 * (`retention.ms`); values may be strings or typed values; undefined values are ignored.
 */
export function resolveLogConfig(overrides: Readonly<Record<string, unknown>> = {}, base: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const result: Record<string, unknown> = { ...base }
  for (const [key, raw] of Object.entries(overrides)) {
    if (raw === undefined) continue
    const d = DEFS_BY_KEY.get(key)
    if (d === undefined) {
      throw new CoreError('CORE_INVALID_CONFIG', `Unknown topic config '${key}'; known keys: ${LOG_CONFIG_DEFS.map((x) => x.key).join(', ')}`)
    }
    result[d.field] = parseValue(d, raw)
  }
  const config = Object.freeze(result) as unknown as LogConfig
  if (config.minCompactionLagMs > config.maxCompactionLagMs) {
    throw new CoreError(
      'CORE_INVALID_CONFIG',
      `Invalid topic config: min.compaction.lag.ms (${config.minCompactionLagMs}) must not exceed max.compaction.lag.ms (${formatLong(config.maxCompactionLagMs)})`,
    )
  }
  return config
}

/** Validates `overrides` and returns them normalized to strings, sorted by key (for persisting). */
export function validateLogConfigOverrides(overrides: Readonly<Record<string, unknown>>, base: LogConfig = DEFAULT_LOG_CONFIG): Record<string, string> {
  const config = resolveLogConfig(overrides, base)
  const normalized: Record<string, string> = {}
  for (const key of Object.keys(overrides).sort()) {
    if (overrides[key] === undefined) continue
    const d = DEFS_BY_KEY.get(key) as LogConfigDef
    normalized[key] = formatValue(d, config[d.field])
  }
  return normalized
}

/**
 * Every key of `config` as a string, in key order. With `overrides`, a key is default when it
 * is not overridden; without, when its value equals Kafka's default.
 */
export function logConfigToEntries(config: LogConfig, overrides?: Readonly<Record<string, unknown>>): LogConfigEntry[] {
  return LOG_CONFIG_DEFS.map((d) => {
    const value = formatValue(d, config[d.field])
    const isDefault = overrides ? overrides[d.key] === undefined : value === formatValue(d, d.default)
    return { key: d.key, value, isDefault, type: d.type, documentation: d.documentation }
  })
}

/** True when `cleanup.policy` includes `compact`. */
export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact')
}

/** True when `cleanup.policy` includes `delete` (time and size retention apply). */
export function isDeleteEnabled(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('delete')
}

function parseValue(d: LogConfigDef, raw: unknown): LogConfig[keyof LogConfig] {
  switch (d.type) {
    case 'int':
    case 'long': {
      const value = parseInteger(raw, d.type)
      if (value === undefined) throw invalid(d, raw, `an integer${rangeText(d)}`)
      checkRange(d, raw, value)
      return value
    }
    case 'double': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN
      if (!Number.isFinite(value)) throw invalid(d, raw, `a number${rangeText(d)}`)
      checkRange(d, raw, value)
      return value
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined
      if (text === 'true' || text === 'false') return text === 'true'
      throw invalid(d, raw, 'true or false')
    }
    case 'string': {
      const text = typeof raw === 'string' ? raw.trim() : undefined
      if (text === undefined || (d.validValues && !d.validValues.includes(text))) throw invalid(d, raw, oneOf(d))
      return text as LogConfig[keyof LogConfig]
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined
      if (items === undefined || !items.every((item) => typeof item === 'string')) throw invalid(d, raw, `a comma-separated list of ${oneOf(d)}`)
      const values = [...new Set((items as string[]).map((item) => item.trim()).filter((item) => item !== ''))]
      if (values.length === 0 || (d.validValues && !values.every((v) => d.validValues?.includes(v)))) {
        throw invalid(d, raw, `a non-empty comma-separated list of ${oneOf(d)}`)
      }
      return Object.freeze(values) as LogConfig[keyof LogConfig]
    }
  }
}

/** An integer within the type's Java range; longs above 2^53 - 1 are clamped to it. */
function parseInteger(raw: unknown, type: 'int' | 'long'): number | undefined {
  let big: bigint
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return undefined
    // 2^63 is what the literal 9223372036854775807 (Long.MAX_VALUE) becomes as a JS number.
    big = type === 'long' && raw === 2 ** 63 ? LONG_MAX : BigInt(raw)
  } else if (typeof raw === 'bigint') {
    big = raw
  } else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) {
    big = BigInt(raw.trim())
  } else {
    return undefined
  }
  const [min, max] = type === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [LONG_MIN, LONG_MAX]
  if (big < min || big > max) return undefined
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER
  return Number(big)
}

function checkRange(d: LogConfigDef, raw: unknown, value: number): void {
  if ((d.min !== undefined && value < d.min) || (d.max !== undefined && value > d.max)) {
    throw invalid(d, raw, `${d.type === 'double' ? 'a number' : 'an integer'}${rangeText(d)}`)
  }
}

function rangeText(d: LogConfigDef): string {
  const max = d.max ?? (d.type === 'int' ? INT_MAX : d.type === 'long' ? LONG_MAX_STRING : undefined)
  if (d.min === undefined && max === undefined) return ''
  return ` in [${d.min ?? '...'}, ${max ?? '...'}]`
}

function oneOf(d: LogConfigDef): string {
  return d.validValues ? d.validValues.map((v) => `'${v}'`).join(', ') : 'strings'
}

function invalid(d: LogConfigDef, raw: unknown, expected: string): CoreError {
  const shown = typeof raw === 'string' ? `'${raw}'` : Array.isArray(raw) ? JSON.stringify(raw) : String(raw)
  return new CoreError('CORE_INVALID_CONFIG', `Invalid value ${shown} for topic config '${d.key}': must be ${expected}`)
}

function formatValue(d: LogConfigDef, value: LogConfig[keyof LogConfig]): string {
  if (d.type === 'list') return (value as readonly string[]).join(',')
  if (d.type === 'long') return formatLong(value as number)
  return String(value)
}

function formatLong(value: number): string {
  return value >= LONG_MAX_NUMBER ? LONG_MAX_STRING : String(value)
}
