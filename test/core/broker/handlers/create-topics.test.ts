import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigSource } from '../../../../core/protocol/apis/describe-configs.ts'
import { CreateTopics } from '../../../../core/protocol/apis/create-topics.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { ZERO_UUID } from '../../../../core/protocol/writer.ts'
import { call, createTopic, openBroker } from './topic-admin-helpers.ts'

describe('CreateTopics handler', () => {
  it('v0: creates a topic with the given counts and configs; only name and error code are answered', async () => {
    const broker = await openBroker()
    const result = await createTopic(broker, 'orders', { numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } }, { version: 0 })
    expect(result).toMatchObject({ name: 'orders', errorCode: 0, numPartitions: -1, configs: [] })
    const topic = broker.logs.topic('orders')!
    expect([topic.partitions, topic.configs, topic.internal]).toEqual([3, { 'retention.ms': '1000' }, false])
    expect(existsSync(join(broker.logs.dataDir, 'orders-2'))).toBe(true)
  })

  it('v7: answers the topic id, partition count, replication factor and every config with its source', async () => {
    const broker = await openBroker({ 'log.retention.hours': 2 })
    const result = await createTopic(broker, 'orders', { numPartitions: 2, configs: { 'cleanup.policy': 'compact' } })
    expect(result).toMatchObject({ errorCode: 0, errorMessage: null, numPartitions: 2, replicationFactor: 1 })
    expect(result.topicId).toBe(broker.logs.topic('orders')!.topicId)
    const byName = new Map(result.configs!.map((c) => [c.name, c]))
    expect(byName.get('cleanup.policy')).toEqual({ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isSensitive: false })
    expect(byName.get('retention.ms')).toMatchObject({ value: '7200000', configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(byName.get('segment.bytes')).toMatchObject({ value: '1073741824', configSource: ConfigSource.DEFAULT_CONFIG })
  })

  it('-1 partitions and replication factor take the broker defaults, at every version (kafkajs sends -1 at v0–3)', async () => {
    const broker = await openBroker({ 'num.partitions': 3 })
    expect((await createTopic(broker, 'a', {}, { version: 0 })).errorCode).toBe(0)
    expect(broker.logs.topic('a')!.partitions).toBe(3)
    expect(await createTopic(broker, 'b', { numPartitions: -1, replicationFactor: -1 })).toMatchObject({ errorCode: 0, numPartitions: 3, replicationFactor: 1 })
  })

  it('a manual assignment on this node decides the partition count', async () => {
    const broker = await openBroker()
    const assignments = [{ partitionIndex: 0, brokerIds: [0] }, { partitionIndex: 1, brokerIds: [0] }]
    expect(await createTopic(broker, 'manual', { assignments })).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 })
    expect(broker.logs.topic('manual')!.partitions).toBe(2)
  })

  it.each([
    ['an illegal name', 'bad name!', {}, ErrorCode.INVALID_TOPIC_EXCEPTION, /characters other than/],
    ['a name of 250 characters', 'x'.repeat(250), {}, ErrorCode.INVALID_TOPIC_EXCEPTION, /limit is 249/],
    ['0 partitions', 't', { numPartitions: 0 }, ErrorCode.INVALID_PARTITIONS, /larger than 0/],
    ['-2 partitions', 't', { numPartitions: -2 }, ErrorCode.INVALID_PARTITIONS, /larger than 0/],
    ['more partitions than Creek allows', 't', { numPartitions: 100_001 }, ErrorCode.INVALID_PARTITIONS, /at most|most Creek allows/],
    ['replication factor 3', 't', { replicationFactor: 3 }, ErrorCode.INVALID_REPLICATION_FACTOR, /this cluster has one broker \(node 0\)/],
    ['replication factor 0', 't', { replicationFactor: 0 }, ErrorCode.INVALID_REPLICATION_FACTOR, /larger than 0/],
    ['an assignment to another broker', 't', { assignments: [{ partitionIndex: 0, brokerIds: [1] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, /names broker 1/],
    ['an assignment naming this broker twice', 't', { assignments: [{ partitionIndex: 0, brokerIds: [0, 0] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, /more than once/],
    ['an empty assignment', 't', { assignments: [{ partitionIndex: 0, brokerIds: [] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, /is empty/],
    ['an assignment not starting at partition 0', 't', { assignments: [{ partitionIndex: 1, brokerIds: [0] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, /in order/],
    ['an assignment with a partition count', 't', { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [0] }] }, ErrorCode.INVALID_PARTITIONS, /must be -1/],
    ['an assignment with a replication factor', 't', { replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [0] }] }, ErrorCode.INVALID_REPLICATION_FACTOR, /must be -1/],
    ['an invalid config value', 't', { configs: { 'retention.ms': 'soon' } }, ErrorCode.INVALID_CONFIG, /Invalid value 'soon' for topic config 'retention.ms'/],
    ['an unknown config', 't', { configs: { 'no.such.key': '1' } }, ErrorCode.INVALID_CONFIG, /Unknown topic config 'no.such.key'/],
    ['a null config value', 't', { configs: { 'retention.ms': null } }, ErrorCode.INVALID_CONFIG, /Null value not supported for topic configs: retention.ms/],
  ] as const)('refuses %s with its error code and a message (v1+)', async (_what, name, topic, code, message) => {
    const broker = await openBroker()
    const result = await createTopic(broker, name, topic as never, { version: 4 })
    expect(result.errorCode).toBe(code)
    expect(result.errorMessage).toMatch(message)
    expect(broker.logs.topic(name)).toBeUndefined()
  })

  it('default.replication.factor above 1 makes -1 fail, as a three-replica default would on one broker', async () => {
    const broker = await openBroker({ 'default.replication.factor': 3 })
    expect((await createTopic(broker, 't')).errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
  })

  it('an existing topic: TOPIC_ALREADY_EXISTS, and the topic is unchanged', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders', { numPartitions: 2 })
    const again = await createTopic(broker, 'orders', { numPartitions: 5 })
    expect([again.errorCode, again.errorMessage]).toEqual([ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists."])
    expect(broker.logs.topic('orders')!.partitions).toBe(2)
  })

  it("a name that differs from an existing one only in '.' versus '_': INVALID_TOPIC_EXCEPTION", async () => {
    const broker = await openBroker()
    await createTopic(broker, 'a.b')
    expect(await createTopic(broker, 'a_b')).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: expect.stringMatching(/collides with existing topic 'a.b'/) })
  })

  it('a name given twice in one request: INVALID_REQUEST once for it; the other topics are created', async () => {
    const broker = await openBroker()
    const topic = (name: string) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })
    const response = await call(broker, CreateTopics, 5, { topics: [topic('dup'), topic('ok'), topic('dup')], timeoutMs: 1000, validateOnly: false })
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([['dup', ErrorCode.INVALID_REQUEST], ['ok', 0]])
    expect(broker.logs.topic('dup')).toBeUndefined()
    expect(broker.logs.topic('ok')).toBeDefined()
  })

  it('validateOnly: checks and answers as if created, but creates nothing', async () => {
    const broker = await openBroker()
    const result = await createTopic(broker, 'dry', { numPartitions: 4, configs: { 'retention.ms': '5000' } }, { validateOnly: true })
    expect(result).toMatchObject({ errorCode: 0, numPartitions: 4, replicationFactor: 1, topicId: ZERO_UUID })
    expect(result.configs!.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '5000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    expect(broker.logs.topic('dry')).toBeUndefined()
    expect(existsSync(join(broker.logs.dataDir, 'dry-0'))).toBe(false)
    expect((await createTopic(broker, 'dry', { replicationFactor: 2 }, { validateOnly: true })).errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
  })

  it("names starting with '__' may be created, as ordinary (not internal) topics", async () => {
    const broker = await openBroker()
    expect((await createTopic(broker, '__mine')).errorCode).toBe(0)
    expect(broker.logs.topic('__mine')!.internal).toBe(false)
    expect((await createTopic(broker, '__consumer_offsets')).errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
  })
})
