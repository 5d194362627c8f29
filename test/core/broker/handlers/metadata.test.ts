import { describe, expect, it } from 'vitest'
import { Metadata, type MetadataRequest, MetadataRequestSchema } from '../../../../core/protocol/apis/metadata.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { ZERO_UUID } from '../../../../core/protocol/writer.ts'
import { ctx, openBroker } from './data-path-helpers.ts'

const request = (topics: string[] | null, overrides: Partial<MetadataRequest> = {}): MetadataRequest => ({
  ...createDefault(MetadataRequestSchema),
  topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
  ...overrides,
})

describe('Metadata handler', () => {
  it('describes this broker, the cluster and every partition as led by it', async () => {
    const broker = await openBroker({ 'node.id': 3 })
    broker.setEndpoint({ host: '127.0.0.1', port: 19092 })
    const created = await broker.logs.createTopic('orders', { partitions: 2 })
    const response = await broker.handle(Metadata, request(['orders']), ctx(9))
    expect(response.brokers).toEqual([{ nodeId: 3, host: '127.0.0.1', port: 19092, rack: null }])
    expect([response.controllerId, response.clusterId, response.throttleTimeMs]).toEqual([3, broker.clusterId, 0])
    expect(response.clusterAuthorizedOperations).toBe(-2147483648)
    expect(response.topics).toEqual([{
      errorCode: 0, name: 'orders', topicId: created.topicId, isInternal: false, topicAuthorizedOperations: -2147483648,
      partitions: [0, 1].map((partitionIndex) => ({
        errorCode: 0, partitionIndex, leaderId: 3, leaderEpoch: 0, replicaNodes: [3], isrNodes: [3], offlineReplicas: [],
      })),
    }])
    expect(created.topicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })

  it('v0: an empty list means all topics, internal ones flagged; v1+: null means all and empty means none', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('b', { partitions: 1 })
    await broker.logs.createTopic('a', { partitions: 1 })
    const v0 = await broker.handle(Metadata, request([]), ctx(0))
    expect(v0.topics.map((t) => [t.name, t.isInternal])).toEqual([['__consumer_offsets', true], ['a', false], ['b', false]])
    const v1All = await broker.handle(Metadata, request(null), ctx(1))
    expect(v1All.topics.map((t) => t.name)).toEqual(['__consumer_offsets', 'a', 'b'])
    for (const version of [1, 4, 9]) {
      const none = await broker.handle(Metadata, request([]), ctx(version))
      expect(none.topics, `v${version}`).toEqual([])
      expect(none.brokers).toHaveLength(1)
    }
  })

  it('auto-creates unknown topics with num.partitions when the request and the broker allow it', async () => {
    const broker = await openBroker({ 'num.partitions': 3 })
    const v9 = await broker.handle(Metadata, request(['fresh', 'fresh']), ctx(9))
    expect(v9.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([['fresh', 0, 3]])
    expect(broker.logs.topic('fresh')?.partitions).toBe(3)
    expect(broker.logs.log('fresh', 2)).toBeDefined()
    // v0-3 always allow it; v4+ only when allowAutoTopicCreation.
    expect((await broker.handle(Metadata, request(['old-client'], { allowAutoTopicCreation: false }), ctx(3))).topics[0].errorCode).toBe(0)
    const refused = await broker.handle(Metadata, request(['not-wanted'], { allowAutoTopicCreation: false }), ctx(4))
    expect(refused.topics).toEqual([{
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'not-wanted', topicId: ZERO_UUID, isInternal: false, partitions: [],
      topicAuthorizedOperations: -2147483648,
    }])
    expect(broker.logs.topic('not-wanted')).toBeUndefined()
  })

  it('concurrent requests for the same new topic create it once and both see it whole', async () => {
    const broker = await openBroker({ 'num.partitions': 4 })
    const [first, second] = await Promise.all([
      broker.handle(Metadata, request(['racy']), ctx(9)),
      broker.handle(Metadata, request(['racy']), ctx(9)),
    ])
    expect(first.topics[0]).toMatchObject({ errorCode: 0, name: 'racy' })
    expect(second.topics[0]).toEqual(first.topics[0])
    expect(second.topics[0].partitions).toHaveLength(4)
  })

  it('does not auto-create when auto.create.topics.enable is false', async () => {
    const broker = await openBroker({ 'auto.create.topics.enable': false })
    const response = await broker.handle(Metadata, request(['missing']), ctx(1))
    expect(response.topics[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'missing', partitions: [] })
  })

  it('answers INVALID_TOPIC_EXCEPTION per illegal or colliding name, and describes the rest', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('my_topic', { partitions: 1 })
    const names = ['bad name', '..', 'x'.repeat(250), 'my.topic', 'good']
    const response = await broker.handle(Metadata, request(names), ctx(9))
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['bad name', 17], ['..', 17], ['x'.repeat(250), 17], ['my.topic', 17], ['good', 0],
    ])
    expect(broker.logs.topic('my.topic')).toBeUndefined()
  })

  it('reports authorized operations only when asked (v8+)', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    const response = await broker.handle(Metadata, request(['t', 'bad name'], {
      includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true,
    }), ctx(8))
    // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (Kafka's AclOperation bits)
    expect(response.topics[0].topicAuthorizedOperations).toBe(0b1101_1111_1000)
    expect(response.topics[1].topicAuthorizedOperations).toBe(-2147483648)
    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
    expect(response.clusterAuthorizedOperations).toBe(0b1_1111_1010_0000)
  })

  it('v12 requests by topic id: found by id, or UNKNOWN_TOPIC_ID', async () => {
    const broker = await openBroker()
    const created = await broker.logs.createTopic('by-id', { partitions: 1 })
    const missing = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
    const response = await broker.handle(Metadata, {
      ...request(null), topics: [{ topicId: created.topicId, name: null }, { topicId: missing, name: null }],
    }, ctx(12))
    expect(response.topics.map((t) => [t.name, t.topicId, t.errorCode])).toEqual([
      ['by-id', created.topicId, 0], [null, missing, ErrorCode.UNKNOWN_TOPIC_ID],
    ])
  })
})
