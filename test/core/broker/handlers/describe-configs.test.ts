import { describe, expect, it } from 'vitest'
import {
  ConfigResourceType, ConfigSource, ConfigType, DescribeConfigs, type DescribeConfigsResponse,
} from '../../../../core/protocol/apis/describe-configs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { LOG_CONFIG_DEFS } from '../../../../core/storage/log-config.ts'
import { call, createTopic, openBroker } from './topic-admin-helpers.ts'

const { TOPIC, BROKER } = ConfigResourceType
type Result = DescribeConfigsResponse['results'][number]

function describeOne(
  broker: Awaited<ReturnType<typeof openBroker>>, version: number, resourceType: number, resourceName: string,
  options: { keys?: string[] | null; synonyms?: boolean; documentation?: boolean } = {},
): Promise<Result> {
  return call(broker, DescribeConfigs, version, {
    resources: [{ resourceType, resourceName, configurationKeys: options.keys ?? null }],
    includeSynonyms: options.synonyms ?? false,
    includeDocumentation: options.documentation ?? false,
  }).then((response) => response.results[0])
}

const entry = (result: Result, name: string) => result.configs.find((c) => c.name === name)!

describe('DescribeConfigs handler: topics', () => {
  it('v4: every topic key with its value, source and type; synonyms and documentation only when asked for', async () => {
    const broker = await openBroker({ 'log.retention.hours': 2 })
    await createTopic(broker, 'orders', { configs: { 'cleanup.policy': 'compact,delete', 'max.message.bytes': '2000' } })
    const result = await describeOne(broker, 4, TOPIC, 'orders')
    expect([result.errorCode, result.errorMessage, result.resourceType, result.resourceName]).toEqual([0, null, TOPIC, 'orders'])
    expect(result.configs.map((c) => c.name)).toEqual(LOG_CONFIG_DEFS.map((d) => d.key))
    expect(entry(result, 'cleanup.policy')).toEqual({
      name: 'cleanup.policy', value: 'compact,delete', readOnly: false, isDefault: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      isSensitive: false, synonyms: [], configType: ConfigType.LIST, documentation: null,
    })
    expect(entry(result, 'max.message.bytes')).toMatchObject({ value: '2000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, configType: ConfigType.INT })
    expect(entry(result, 'retention.ms')).toMatchObject({ value: '7200000', configSource: ConfigSource.STATIC_BROKER_CONFIG, configType: ConfigType.LONG })
    expect(entry(result, 'flush.ms')).toMatchObject({ value: '9223372036854775807', configSource: ConfigSource.DEFAULT_CONFIG })
    expect(entry(result, 'preallocate')).toMatchObject({ value: 'false', configType: ConfigType.BOOLEAN })
    expect(entry(result, 'min.cleanable.dirty.ratio')).toMatchObject({ value: '0.5', configType: ConfigType.DOUBLE })
    expect(entry(result, 'compression.type')).toMatchObject({ value: 'producer', configType: ConfigType.STRING })
  })

  it('v3 with synonyms and documentation: most specific level first, Kafka defaults under the broker key', async () => {
    const broker = await openBroker({ 'log.retention.hours': 2, 'log.retention.ms': 5000 })
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000' } })
    const result = await describeOne(broker, 3, TOPIC, 'orders', { synonyms: true, documentation: true })
    expect(entry(result, 'retention.ms').synonyms).toEqual([
      { name: 'retention.ms', value: '1000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
      { name: 'log.retention.ms', value: '5000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '2', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ])
    expect(entry(result, 'segment.bytes').synonyms).toEqual([{ name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG }])
    expect(entry(result, 'preallocate').synonyms).toEqual([{ name: 'preallocate', value: 'false', source: ConfigSource.DEFAULT_CONFIG }])
    expect(entry(result, 'retention.ms').documentation).toMatch(/How long a segment is kept/)
  })

  it('v0: isDefault is true for keys the topic does not override (kafkajs maps it to the config source)', async () => {
    const broker = await openBroker({ 'log.segment.bytes': 1_000_000 })
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000' } })
    const result = await describeOne(broker, 0, TOPIC, 'orders')
    expect(entry(result, 'retention.ms')).toMatchObject({ value: '1000', isDefault: false, configSource: -1 })
    expect(entry(result, 'segment.bytes')).toMatchObject({ value: '1000000', isDefault: true })
  })

  it('configurationKeys: only those keys (unknown ones left out); null or empty: all', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders')
    const some = await describeOne(broker, 1, TOPIC, 'orders', { keys: ['segment.ms', 'no.such.key', 'retention.ms'] })
    expect(some.configs.map((c) => c.name)).toEqual(['retention.ms', 'segment.ms'])
    expect((await describeOne(broker, 1, TOPIC, 'orders', { keys: [] })).configs).toHaveLength(LOG_CONFIG_DEFS.length)
  })

  it('an unknown topic: UNKNOWN_TOPIC_OR_PARTITION; an illegal name: INVALID_TOPIC_EXCEPTION; both with no configs', async () => {
    const broker = await openBroker()
    expect(await describeOne(broker, 2, TOPIC, 'missing')).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic 'missing' does not exist", configs: [] })
    expect(await describeOne(broker, 2, TOPIC, 'a/b')).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, configs: [] })
  })

  it('answers each resource separately', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders')
    const response = await call(broker, DescribeConfigs, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['retention.ms'] },
        { resourceType: 8, resourceName: '0', configurationKeys: null },
      ],
      includeSynonyms: false, includeDocumentation: false,
    })
    expect(response.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0], ['orders', 0, 1], ['0', ErrorCode.INVALID_REQUEST, 0],
    ])
  })
})

describe('DescribeConfigs handler: the broker', () => {
  it("this node's id: every broker key, read-only, given ones STATIC_BROKER_CONFIG and the rest Kafka's defaults", async () => {
    const broker = await openBroker({ 'num.partitions': 3, 'log.retention.hours': 2 })
    const result = await describeOne(broker, 4, BROKER, '0', { synonyms: true, documentation: true })
    expect(result.errorCode).toBe(0)
    expect(result.configs.every((c) => c.readOnly && !c.isSensitive)).toBe(true)
    expect(entry(result, 'num.partitions')).toMatchObject({
      value: '3', configSource: ConfigSource.STATIC_BROKER_CONFIG, configType: ConfigType.INT,
      synonyms: [{ name: 'num.partitions', value: '3', source: ConfigSource.STATIC_BROKER_CONFIG }, { name: 'num.partitions', value: '1', source: ConfigSource.DEFAULT_CONFIG }],
    })
    expect(entry(result, 'offsets.topic.num.partitions')).toMatchObject({ value: '1', configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(entry(result, 'group.max.size')).toMatchObject({ value: '2147483647', configSource: ConfigSource.DEFAULT_CONFIG })
    expect(entry(result, 'delete.topic.enable')).toMatchObject({ value: 'true', configSource: ConfigSource.DEFAULT_CONFIG, configType: ConfigType.BOOLEAN })
    expect(entry(result, 'log.retention.hours')).toMatchObject({ value: '2', configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(entry(result, 'log.retention.ms')).toMatchObject({ value: null, configSource: ConfigSource.DEFAULT_CONFIG })
    expect(entry(result, 'log.roll.hours')).toMatchObject({ value: '168', configSource: ConfigSource.DEFAULT_CONFIG })
    expect(entry(result, 'log.cleanup.policy')).toMatchObject({ value: 'delete', configType: ConfigType.LIST })
    expect(entry(result, 'log.segment.bytes').documentation).toMatch(/Default of the topic config 'segment.bytes'/)
  })

  it("v0: isDefault for keys not given; '' (the cluster defaults) has no entries", async () => {
    const broker = await openBroker({ 'num.partitions': 3 })
    const result = await describeOne(broker, 0, BROKER, '0', { keys: ['num.partitions', 'auto.create.topics.enable'] })
    expect(result.configs.map((c) => [c.name, c.value, c.isDefault])).toEqual([['auto.create.topics.enable', 'true', true], ['num.partitions', '3', false]])
    expect(await describeOne(broker, 1, BROKER, '')).toMatchObject({ errorCode: 0, configs: [] })
  })

  it('another broker id or a non-numeric name: INVALID_REQUEST', async () => {
    const broker = await openBroker({ 'node.id': 5 })
    expect(await describeOne(broker, 1, BROKER, '5')).toMatchObject({ errorCode: 0 })
    expect(await describeOne(broker, 1, BROKER, '0')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 5 or empty string, but received 0' })
    expect(await describeOne(broker, 1, BROKER, 'b')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must be an integer, but it is: b' })
  })
})
