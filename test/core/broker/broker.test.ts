import { describe, expect, it } from 'vitest'
import { Broker } from '../../../core/broker/broker.ts'
import { resolveBrokerConfig } from '../../../core/broker/broker-config.ts'
import { ApiVersions } from '../../../core/protocol/apis/api-versions.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

describe('Broker', () => {
  it('opens a data directory, keeps its cluster id across restarts, and answers ApiVersions', async () => {
    const dataDir = tempDir()
    const broker = await Broker.open({ dataDir, config: { 'offsets.topic.num.partitions': 3 }, background: false })
    const response = await broker.handle(ApiVersions, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }, { apiVersion: 3, clientId: 't', clientHost: 'in-process' })
    expect(response.errorCode).toBe(0)
    expect(response.apiKeys.find((k) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 })
    const clusterId = broker.clusterId
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(broker.logs.topic('__consumer_offsets')?.partitions).toBe(3)
    await broker.close()
    const again = await Broker.open({ dataDir, background: false })
    expect(again.clusterId).toBe(clusterId)
    await again.close()
  })

  it('maps broker log settings onto topic defaults and refuses unknown keys', () => {
    const config = resolveBrokerConfig({ 'log.retention.hours': '2', 'log.segment.bytes': 1024, 'num.partitions': '4', 'group.initial.rebalance.delay.ms': 0 })
    expect(config.topicDefaults).toEqual({ 'retention.ms': 7_200_000, 'segment.bytes': 1024 })
    expect(config.numPartitions).toBe(4)
    expect(config.groupConfig).toEqual({ 'group.initial.rebalance.delay.ms': 0 })
    expect(resolveBrokerConfig({ 'log.retention.hours': 2, 'log.retention.ms': 5 }).topicDefaults['retention.ms']).toBe(5)
    expect(() => resolveBrokerConfig({ 'no.such.key': 1 })).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
    expect(() => resolveBrokerConfig({ 'num.partitions': 'many' })).toThrow(/num.partitions/)
  })
})
