import { describe, expect, it } from 'vitest'
import { Metadata, type MetadataRequest, MetadataRequestSchema } from '../../../../core/protocol/apis/metadata.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { ZERO_UUID } from '../../../../core/protocol/writer.ts'
import { ctx, openBroker } from './data-path-helpers.ts'
import { call, openBroker as openRestartableBroker, restart } from './topic-admin-helpers.ts'

const MISSING_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
const NOT_REQUESTED = -2147483648
// READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (Kafka's AclOperation bits)
const TOPIC_OPERATIONS = 0b1101_1111_1000
// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
const CLUSTER_OPERATIONS = 0b1_1111_1010_0000

const byId = (...topicIds: string[]): MetadataRequest['topics'] => topicIds.map((topicId) => ({ topicId, name: null }))

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

  it('reports authorized operations only when asked (v8+), as Kafka without an authorizer: every supported operation', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    const asked = { includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true }
    const response = await broker.handle(Metadata, request(['t', 'bad name', 'absent'], { ...asked, allowAutoTopicCreation: false }), ctx(8))
    // Kafka fills in topic operations for every topic answered by name, failed ones included.
    expect(response.topics.map((t) => [t.name, t.errorCode, t.topicAuthorizedOperations])).toEqual([
      ['t', 0, TOPIC_OPERATIONS], ['bad name', 17, TOPIC_OPERATIONS], ['absent', 3, TOPIC_OPERATIONS],
    ])
    expect(response.clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS)
    const notAsked = await broker.handle(Metadata, request(['t']), ctx(8))
    expect([notAsked.topics[0].topicAuthorizedOperations, notAsked.clusterAuthorizedOperations]).toEqual([NOT_REQUESTED, NOT_REQUESTED])
    // From v11 the cluster's operations are DescribeCluster's: an in-process caller's flag is ignored.
    const v11 = await broker.handle(Metadata, request(['t'], asked), ctx(11))
    expect([v11.topics[0].topicAuthorizedOperations, v11.clusterAuthorizedOperations]).toEqual([TOPIC_OPERATIONS, NOT_REQUESTED])
  })

  it('v9–v12 through the wire codecs: topic ids from v10, cluster operations up to v10', async () => {
    const broker = await openRestartableBroker()
    await call(broker, Metadata, 12, request(['orders'])) // auto-created: the id comes from the creation
    const orders = broker.logs.topic('orders')!
    expect(orders.topicId).not.toBe(ZERO_UUID)
    for (const version of [9, 10, 11, 12]) {
      const response = await call(broker, Metadata, version, request(['orders', 'bad name'], {
        includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true,
      }))
      expect(response.topics.map((t) => [t.name, t.topicId, t.errorCode]), `v${version}`).toEqual([
        ['orders', version >= 10 ? orders.topicId : ZERO_UUID, 0], ['bad name', ZERO_UUID, 17],
      ])
      expect(response.topics[0].partitions).toHaveLength(1)
      expect(response.topics[0].topicAuthorizedOperations, `v${version}`).toBe(TOPIC_OPERATIONS)
      expect(response.clusterAuthorizedOperations, `v${version}`).toBe(version <= 10 ? CLUSTER_OPERATIONS : NOT_REQUESTED)
      expect([response.controllerId, response.clusterId]).toEqual([broker.nodeId, broker.clusterId])
    }
    const all = await call(broker, Metadata, 12, request(null))
    expect(all.topics.map((t) => [t.name, t.topicId])).toEqual(broker.logs.topics().map((t) => [t.name, t.topicId]))
    expect(all.topics.every((t) => t.topicId !== ZERO_UUID)).toBe(true)
  })

  it('topic ids are stable across a restart, and v12 finds topics by them', async () => {
    let broker = await openRestartableBroker()
    const created = (await call(broker, Metadata, 12, request(['kept']))).topics[0]
    const offsets = broker.logs.topic('__consumer_offsets')!.topicId
    broker = await restart(broker)
    const response = await call(broker, Metadata, 12, { ...request(null), topics: byId(created.topicId, offsets) })
    expect(response.topics.map((t) => [t.errorCode, t.name, t.topicId, t.isInternal, t.partitions.length])).toEqual([
      [0, 'kept', created.topicId, false, created.partitions.length], [0, '__consumer_offsets', offsets, true, 1],
    ])
    expect((await call(broker, Metadata, 10, request(['kept']))).topics[0].topicId).toBe(created.topicId)
  })

  it('v12 by id: the name filled in, UNKNOWN_TOPIC_ID with a null name, never created; an id and its name count once', async () => {
    const broker = await openRestartableBroker()
    const created = await broker.logs.createTopic('by-id', { partitions: 2 })
    const response = await call(broker, Metadata, 12, {
      ...request(null),
      topics: [
        { topicId: created.topicId, name: null },
        { topicId: MISSING_ID, name: null },
        { topicId: MISSING_ID, name: null },
        { topicId: created.topicId, name: 'ignored' }, // a name sent with an id is ignored, as Kafka does
        { topicId: ZERO_UUID, name: 'by-id' },
        { topicId: ZERO_UUID, name: 'by-name' }, // answered too (Kafka answers only the ids in a mixed request)
      ],
      includeTopicAuthorizedOperations: true,
    })
    expect(response.topics.map((t) => [t.name, t.topicId, t.errorCode, t.partitions.length, t.topicAuthorizedOperations])).toEqual([
      ['by-id', created.topicId, 0, 2, TOPIC_OPERATIONS],
      [null, MISSING_ID, ErrorCode.UNKNOWN_TOPIC_ID, 0, NOT_REQUESTED],
      ['by-name', broker.logs.topic('by-name')!.topicId, 0, 1, TOPIC_OPERATIONS],
    ])
    expect(broker.logs.topics().map((t) => t.name)).toEqual(['__consumer_offsets', 'by-id', 'by-name'])
    // A deleted topic's id is unknown, even once a topic of the same name exists again.
    await broker.logs.deleteTopic('by-id')
    await broker.logs.createTopic('by-id', { partitions: 1 })
    const again = await call(broker, Metadata, 12, { ...request(null), topics: byId(created.topicId) })
    expect(again.topics).toEqual([{
      errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: created.topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED,
    }])
  })

  it('refuses topic ids before v12, and topics with neither id nor name, as Kafka does: INVALID_REQUEST for the whole request', async () => {
    const broker = await openRestartableBroker()
    const created = await broker.logs.createTopic('t', { partitions: 1 })
    const answer = (topics: [string, string][]) => ({
      throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, clusterAuthorizedOperations: NOT_REQUESTED,
      topics: topics.map(([name, topicId]) => ({
        errorCode: ErrorCode.INVALID_REQUEST, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED,
      })),
    })
    for (const version of [10, 11]) {
      const withId = await call(broker, Metadata, version, { ...request(null), topics: [{ topicId: ZERO_UUID, name: 't' }, { topicId: created.topicId, name: 't' }] })
      expect(withId, `v${version}`).toEqual(answer([['t', ZERO_UUID], ['t', created.topicId]]))
      const nullName = await call(broker, Metadata, version, { ...request(null), topics: byId(created.topicId) })
      expect(nullName, `v${version}`).toEqual(answer([['', created.topicId]]))
    }
    const neither = await call(broker, Metadata, 12, { ...request(null), topics: [{ topicId: ZERO_UUID, name: null }, { topicId: ZERO_UUID, name: 't' }] })
    expect(neither).toEqual(answer([['', ZERO_UUID], ['t', ZERO_UUID]]))
    expect(broker.logs.topics().map((t) => t.name)).toEqual(['__consumer_offsets', 't'])
  })
})
