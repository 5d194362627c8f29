import { describe, expect, it } from 'vitest'
import { DEFAULT_GROUP_COORDINATOR_CONFIG, resolveGroupCoordinatorConfig } from '../../../../core/broker/group/group-coordinator-config.ts'

describe('GroupCoordinatorConfig', () => {
  it('has Kafka\'s defaults', () => {
    expect(DEFAULT_GROUP_COORDINATOR_CONFIG).toEqual({
      groupInitialRebalanceDelayMs: 3000,
      groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 1_800_000,
      groupMaxSize: Number.POSITIVE_INFINITY,
      offsetsTopicNumPartitions: 50,
      offsetsTopicSegmentBytes: 104_857_600,
      offsetsRetentionMinutes: 10_080,
      offsetsRetentionCheckIntervalMs: 600_000,
      offsetMetadataMaxBytes: 4096,
    })
    expect(Object.isFrozen(resolveGroupCoordinatorConfig())).toBe(true)
  })

  it('takes overrides by Kafka key or field name, as numbers or strings', () => {
    const config = resolveGroupCoordinatorConfig({ 'group.max.size': '10', groupInitialRebalanceDelayMs: 0, 'offsets.topic.num.partitions': 3 })
    expect(config).toMatchObject({ groupMaxSize: 10, groupInitialRebalanceDelayMs: 0, offsetsTopicNumPartitions: 3, offsetMetadataMaxBytes: 4096 })
    expect(resolveGroupCoordinatorConfig({ 'group.max.size': 'Infinity' }).groupMaxSize).toBe(Number.POSITIVE_INFINITY)
    // Single-broker settings copied from a Kafka config are accepted and ignored.
    expect(resolveGroupCoordinatorConfig({ 'offsets.topic.replication.factor': '1' })).toEqual(DEFAULT_GROUP_COORDINATOR_CONFIG)
  })

  it('rejects unknown keys, bad values and a min session timeout above the max', () => {
    expect(() => resolveGroupCoordinatorConfig({ 'group.max.sise': 1 })).toThrow(/Unknown group coordinator config 'group.max.sise'/)
    expect(() => resolveGroupCoordinatorConfig({ 'offsets.topic.num.partitions': 0 })).toThrow(/'offsets.topic.num.partitions': must be an integer in \[1, /)
    expect(() => resolveGroupCoordinatorConfig({ 'group.min.session.timeout.ms': 1.5 })).toThrow(/CORE|must be an integer/)
    expect(() => resolveGroupCoordinatorConfig({ 'offset.metadata.max.bytes': Number.POSITIVE_INFINITY })).toThrow(/must be an integer/)
    expect(() => resolveGroupCoordinatorConfig({ 'group.min.session.timeout.ms': 10_000, 'group.max.session.timeout.ms': 9_000 })).toThrow(/must not exceed/)
  })
})
