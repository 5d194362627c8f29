/**
 * The topic administration APIs together, at the oldest and the newest version Creek
 * advertises, with every request and response going through the wire codecs: create, describe,
 * alter, alter incrementally, grow, restart, delete.
 */
import { describe, expect, it } from 'vitest'
import { AlterConfigs } from '../../../../core/protocol/apis/alter-configs.ts'
import { ApiVersions } from '../../../../core/protocol/apis/api-versions.ts'
import { CreatePartitions } from '../../../../core/protocol/apis/create-partitions.ts'
import { CreateTopics } from '../../../../core/protocol/apis/create-topics.ts'
import { DeleteRecords } from '../../../../core/protocol/apis/delete-records.ts'
import { DeleteTopics } from '../../../../core/protocol/apis/delete-topics.ts'
import { ConfigResourceType, ConfigSource, DescribeConfigs } from '../../../../core/protocol/apis/describe-configs.ts'
import { ConfigOperation, IncrementalAlterConfigs } from '../../../../core/protocol/apis/incremental-alter-configs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { ZERO_UUID } from '../../../../core/protocol/writer.ts'
import { call, openBroker, restart } from './topic-admin-helpers.ts'

const TOPIC = ConfigResourceType.TOPIC
const APIS = [CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DeleteRecords]
const OLDEST = { CreateTopics: 0, DescribeConfigs: 0, AlterConfigs: 0, IncrementalAlterConfigs: 0, CreatePartitions: 0, DeleteRecords: 0, DeleteTopics: 0 }
const NEWEST = { CreateTopics: 7, DescribeConfigs: 4, AlterConfigs: 2, IncrementalAlterConfigs: 1, CreatePartitions: 3, DeleteRecords: 2, DeleteTopics: 6 }

describe('topic administration end to end', () => {
  it('ApiVersions advertises every topic administration API at its full range', async () => {
    const broker = await openBroker()
    const { apiKeys } = await call(broker, ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    for (const api of APIS) {
      expect(apiKeys.find((k) => k.apiKey === api.apiKey), api.name).toEqual({ apiKey: api.apiKey, minVersion: 0, maxVersion: NEWEST[api.name as keyof typeof NEWEST] })
    }
  })

  for (const [label, v] of [['oldest', OLDEST], ['newest', NEWEST]] as const) {
    it(`create, describe, alter, alter incrementally, grow, restart and delete at the ${label} versions`, async () => {
      let broker = await openBroker()
      const describeTopic = async (keys: string[]) => (await call(broker, DescribeConfigs, v.DescribeConfigs, {
        resources: [{ resourceType: TOPIC, resourceName: 'flow', configurationKeys: keys }], includeSynonyms: false, includeDocumentation: false,
      })).results[0]
      const values = async (keys: string[]) => Object.fromEntries((await describeTopic(keys)).configs.map((c) => [c.name, c.value]))

      const created = await call(broker, CreateTopics, v.CreateTopics, {
        topics: [{ name: 'flow', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }],
        timeoutMs: 1000, validateOnly: false,
      })
      expect(created.topics[0]).toMatchObject({ name: 'flow', errorCode: 0 })
      expect(created.topics[0].topicId === ZERO_UUID).toBe(v.CreateTopics < 7)
      const retention = (await describeTopic(['retention.ms'])).configs[0]
      // v0 tells an override by isDefault false, later versions by the config source.
      expect(retention).toMatchObject({ value: '1000', isDefault: false, configSource: v.DescribeConfigs === 0 ? -1 : ConfigSource.DYNAMIC_TOPIC_CONFIG })

      const altered = await call(broker, AlterConfigs, v.AlterConfigs, {
        resources: [{ resourceType: TOPIC, resourceName: 'flow', configs: [{ name: 'segment.ms', value: '60000' }] }], validateOnly: false,
      })
      expect(altered.responses[0].errorCode).toBe(0)
      expect(await values(['retention.ms', 'segment.ms'])).toEqual({ 'retention.ms': '604800000', 'segment.ms': '60000' })

      const incremental = await call(broker, IncrementalAlterConfigs, v.IncrementalAlterConfigs, {
        resources: [{
          resourceType: TOPIC, resourceName: 'flow',
          configs: [{ name: 'cleanup.policy', configOperation: ConfigOperation.APPEND, value: 'compact' }, { name: 'segment.ms', configOperation: ConfigOperation.DELETE, value: null }],
        }],
        validateOnly: false,
      })
      expect(incremental.responses[0].errorCode).toBe(0)
      expect(await values(['cleanup.policy', 'segment.ms'])).toEqual({ 'cleanup.policy': 'delete,compact', 'segment.ms': '604800000' })

      const grown = await call(broker, CreatePartitions, v.CreatePartitions, { topics: [{ name: 'flow', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false })
      expect(grown.results[0].errorCode).toBe(0)
      const records = await call(broker, DeleteRecords, v.DeleteRecords, { topics: [{ name: 'flow', partitions: [{ partitionIndex: 2, offset: -1 }] }], timeoutMs: 1000 })
      expect(records.topics[0].partitions[0]).toEqual({ partitionIndex: 2, lowWatermark: 0, errorCode: 0 })

      broker = await restart(broker)
      expect(await values(['cleanup.policy', 'retention.ms'])).toEqual({ 'cleanup.policy': 'delete,compact', 'retention.ms': '604800000' })
      expect(broker.logs.topic('flow')!.partitions).toBe(3)

      const topicId = broker.logs.topic('flow')!.topicId
      const deleted = await call(broker, DeleteTopics, v.DeleteTopics, v.DeleteTopics >= 6
        ? { topics: [{ name: null, topicId }], topicNames: [], timeoutMs: 1000 }
        : { topics: [], topicNames: ['flow'], timeoutMs: 1000 })
      expect(deleted.responses[0]).toMatchObject({ name: 'flow', errorCode: 0 })
      expect((await describeTopic([])).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    })
  }
})
