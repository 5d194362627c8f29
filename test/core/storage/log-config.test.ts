import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import {
  DEFAULT_LOG_CONFIG,
  isCompacted,
  isDeleteEnabled,
  LOG_CONFIG_DEFS,
  logConfigToEntries,
  resolveLogConfig,
  validateLogConfigOverrides,
} from '../../../core/storage/log-config.ts'

function configError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('CORE_INVALID_CONFIG')
    return (error as CoreError).message
  }
  throw new Error('expected CORE_INVALID_CONFIG')
}

describe('log config', () => {
  it("has Kafka's defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toEqual({
      cleanupPolicy: ['delete'],
      compressionType: 'producer',
      deleteRetentionMs: 86_400_000,
      fileDeleteDelayMs: 60_000,
      flushMessages: Number.MAX_SAFE_INTEGER,
      flushMs: Number.MAX_SAFE_INTEGER,
      indexIntervalBytes: 4096,
      maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
      maxMessageBytes: 1_048_588,
      messageTimestampType: 'CreateTime',
      minCleanableDirtyRatio: 0.5,
      minCompactionLagMs: 0,
      minInsyncReplicas: 1,
      preallocate: false,
      retentionBytes: -1,
      retentionMs: 604_800_000,
      segmentBytes: 1_073_741_824,
      segmentIndexBytes: 10_485_760,
      segmentJitterMs: 0,
      segmentMs: 604_800_000,
      uncleanLeaderElectionEnable: false,
    })
    expect(Object.isFrozen(DEFAULT_LOG_CONFIG)).toBe(true)
    expect(isDeleteEnabled(DEFAULT_LOG_CONFIG)).toBe(true)
    expect(isCompacted(DEFAULT_LOG_CONFIG)).toBe(false)
    expect(resolveLogConfig()).toEqual(DEFAULT_LOG_CONFIG)
  })

  it('lists each key once, sorted, with a default that passes its own validation', () => {
    const keys = LOG_CONFIG_DEFS.map((d) => d.key)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual(keys)
    expect(new Set(LOG_CONFIG_DEFS.map((d) => d.field)).size).toBe(keys.length)
    for (const d of LOG_CONFIG_DEFS) {
      expect(d.documentation.length).toBeGreaterThan(10)
      const entry = logConfigToEntries(DEFAULT_LOG_CONFIG).find((e) => e.key === d.key)
      expect(resolveLogConfig({ [d.key]: entry?.value })[d.field]).toEqual(d.default)
    }
  })

  it('coerces strings, numbers, booleans and lists', () => {
    const config = resolveLogConfig({
      'segment.bytes': '1048576',
      'retention.ms': -1,
      'retention.bytes': ' 5000 ',
      'min.cleanable.dirty.ratio': '0.25',
      'preallocate': 'TRUE',
      'unclean.leader.election.enable': true,
      'cleanup.policy': 'compact, delete,compact',
      'compression.type': 'zstd',
      'message.timestamp.type': 'LogAppendTime',
      'flush.ms': '9223372036854775807',
      'max.compaction.lag.ms': 9223372036854775807,
      'segment.ms': undefined,
    })
    expect(config.segmentBytes).toBe(1_048_576)
    expect(config.retentionMs).toBe(-1)
    expect(config.retentionBytes).toBe(5000)
    expect(config.minCleanableDirtyRatio).toBe(0.25)
    expect(config.preallocate).toBe(true)
    expect(config.uncleanLeaderElectionEnable).toBe(true)
    expect(config.cleanupPolicy).toEqual(['compact', 'delete'])
    expect(isCompacted(config) && isDeleteEnabled(config)).toBe(true)
    expect(config.compressionType).toBe('zstd')
    expect(config.messageTimestampType).toBe('LogAppendTime')
    expect(config.flushMs).toBe(Number.MAX_SAFE_INTEGER)
    expect(config.maxCompactionLagMs).toBe(Number.MAX_SAFE_INTEGER)
    expect(config.segmentMs).toBe(DEFAULT_LOG_CONFIG.segmentMs)
    expect(resolveLogConfig({ 'cleanup.policy': ['compact'] }).cleanupPolicy).toEqual(['compact'])
  })

  it('layers overrides on a base config', () => {
    const broker = resolveLogConfig({ 'retention.ms': '1000', 'segment.bytes': 4096 })
    const topic = resolveLogConfig({ 'retention.ms': '5000' }, broker)
    expect(topic.retentionMs).toBe(5000)
    expect(topic.segmentBytes).toBe(4096)
  })

  it('rejects an unknown key', () => {
    expect(configError(() => resolveLogConfig({ 'retention.hours': '1' }))).toContain("Unknown topic config 'retention.hours'")
    const parsed = JSON.parse('{"__proto__": "1", "segment.bytes": "100"}') as Record<string, unknown>
    expect(configError(() => validateLogConfigOverrides(parsed))).toContain("Unknown topic config '__proto__'")
  })

  it.each([
    ['segment.bytes', '13', "'13'", 'an integer in [14, 2147483647]'],
    ['segment.bytes', '2147483648', "'2147483648'", 'an integer in [14, 2147483647]'],
    ['segment.bytes', '1.5', "'1.5'", 'an integer'],
    ['segment.bytes', 1.5, '1.5', 'an integer'],
    ['segment.bytes', '', "''", 'an integer'],
    ['segment.bytes', true, 'true', 'an integer'],
    ['retention.ms', '-2', "'-2'", 'an integer in [-1, 9223372036854775807]'],
    ['retention.ms', '9223372036854775808', "'9223372036854775808'", 'an integer'],
    ['segment.ms', 0, '0', 'an integer in [1, 9223372036854775807]'],
    ['min.cleanable.dirty.ratio', '1.5', "'1.5'", 'a number in [0, 1]'],
    ['min.cleanable.dirty.ratio', 'half', "'half'", 'a number'],
    ['preallocate', 'yes', "'yes'", 'true or false'],
    ['preallocate', 1, '1', 'true or false'],
    ['compression.type', 'brotli', "'brotli'", "'producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'"],
    ['compression.type', 3, '3', "'producer'"],
    ['message.timestamp.type', 'createtime', "'createtime'", "'CreateTime', 'LogAppendTime'"],
    ['cleanup.policy', 'delete,archive', "'delete,archive'", "list of 'delete', 'compact'"],
    ['cleanup.policy', '', "''", 'non-empty'],
    ['cleanup.policy', [1], '[1]', "list of 'delete', 'compact'"],
    ['min.insync.replicas', '0', "'0'", 'an integer in [1, 2147483647]'],
    ['segment.index.bytes', null, 'null', 'an integer'],
  ])('rejects %s = %j', (key, value, shown, expected) => {
    const message = configError(() => resolveLogConfig({ [key]: value }))
    expect(message).toContain(`Invalid value ${shown} for topic config '${key}'`)
    expect(message).toContain(expected)
  })

  it('rejects min.compaction.lag.ms above max.compaction.lag.ms', () => {
    const message = configError(() => resolveLogConfig({ 'min.compaction.lag.ms': 10, 'max.compaction.lag.ms': 5 }))
    expect(message).toContain('min.compaction.lag.ms (10)')
  })

  it('normalizes overrides to sorted strings for persisting', () => {
    const normalized = validateLogConfigOverrides({
      'segment.bytes': 2048,
      'cleanup.policy': ['compact', 'delete'],
      'preallocate': 'True',
      'flush.messages': Number.MAX_SAFE_INTEGER,
      'min.cleanable.dirty.ratio': '0.10',
      'retention.ms': undefined,
    })
    expect(normalized).toEqual({
      'cleanup.policy': 'compact,delete',
      'flush.messages': '9223372036854775807',
      'min.cleanable.dirty.ratio': '0.1',
      'preallocate': 'true',
      'segment.bytes': '2048',
    })
    expect(Object.keys(normalized)).toEqual(Object.keys(normalized).sort())
    expect(resolveLogConfig(normalized)).toEqual(resolveLogConfig({ 'segment.bytes': 2048, 'cleanup.policy': 'compact,delete', 'preallocate': true, 'flush.messages': '9223372036854775807', 'min.cleanable.dirty.ratio': 0.1 }))
  })

  it('describes every key as a string entry, marking overridden ones', () => {
    const overrides = { 'retention.ms': '1000', 'cleanup.policy': 'compact' }
    const config = resolveLogConfig(overrides)
    const entries = logConfigToEntries(config, overrides)
    expect(entries.map((e) => e.key)).toEqual(LOG_CONFIG_DEFS.map((d) => d.key))
    const byKey = new Map(entries.map((e) => [e.key, e]))
    expect(byKey.get('retention.ms')).toMatchObject({ value: '1000', isDefault: false, type: 'long' })
    expect(byKey.get('cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false, type: 'list' })
    expect(byKey.get('flush.ms')).toMatchObject({ value: '9223372036854775807', isDefault: true })
    expect(byKey.get('min.cleanable.dirty.ratio')).toMatchObject({ value: '0.5', isDefault: true })
    expect(byKey.get('segment.bytes')?.documentation).toMatch(/roll/)
    const compared = logConfigToEntries(config)
    expect(compared.filter((e) => !e.isDefault).map((e) => e.key).sort()).toEqual(['cleanup.policy', 'retention.ms'])
  })
})
