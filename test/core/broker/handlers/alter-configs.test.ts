import { describe, expect, it } from 'vitest'
import { AlterConfigs, type AlterConfigsRequest } from '../../../../core/protocol/apis/alter-configs.ts'
import { ConfigResourceType } from '../../../../core/protocol/apis/describe-configs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, createTopic, openBroker, restart } from './topic-admin-helpers.ts'

const { TOPIC, BROKER } = ConfigResourceType
type Resource = AlterConfigsRequest['resources'][number]
const resource = (resourceType: number, resourceName: string, configs: Record<string, string | null>): Resource => ({
  resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
})
const alter = (broker: Awaited<ReturnType<typeof openBroker>>, version: number, resources: Resource[], validateOnly = false) =>
  call(broker, AlterConfigs, version, { resources, validateOnly }).then((r) => r.responses)

describe('AlterConfigs handler', () => {
  it('v0 and v2: replaces the whole override set (unlisted and null keys revert), updates the open logs, survives a restart', async () => {
    let broker = await openBroker()
    await createTopic(broker, 'orders', { numPartitions: 2, configs: { 'retention.ms': '1000', 'segment.ms': '60000' } })
    expect(await alter(broker, 0, [resource(TOPIC, 'orders', { 'max.message.bytes': '2048', 'retention.ms': null })]))
      .toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' }])
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'max.message.bytes': '2048' })
    expect(broker.logs.log('orders', 1)!.config.maxMessageBytes).toBe(2048)
    expect(broker.logs.log('orders', 1)!.config.retentionMs).toBe(604_800_000)
    expect((await alter(broker, 2, [resource(TOPIC, 'orders', { 'cleanup.policy': 'compact' })]))[0].errorCode).toBe(0)
    broker = await restart(broker)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'compact' })
    expect(broker.logs.log('orders', 0)!.config.cleanupPolicy).toEqual(['compact'])
  })

  it('an invalid set: INVALID_CONFIG with the validator message, and the old overrides stay', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000' } })
    const [result] = await alter(broker, 1, [resource(TOPIC, 'orders', { 'segment.bytes': '1', 'retention.ms': '5' })])
    expect(result.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(result.errorMessage).toMatch(/Invalid value '1' for topic config 'segment.bytes'/)
    const [unknown] = await alter(broker, 1, [resource(TOPIC, 'orders', { 'no.such.key': '1' })])
    expect([unknown.errorCode, unknown.errorMessage]).toEqual([ErrorCode.INVALID_CONFIG, expect.stringMatching(/Unknown topic config 'no.such.key'/)])
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' })
  })

  it('validateOnly: validates, answers, and changes nothing', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000' } })
    const results = await alter(broker, 2, [resource(TOPIC, 'orders', { 'retention.ms': '2000' }), resource(TOPIC, 'orders2', {})], true)
    expect(results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' })
    expect(broker.logs.log('orders', 0)!.config.retentionMs).toBe(1000)
  })

  it('per resource: unknown topic, repeated resource, broker settings, other resource types', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders')
    const results = await alter(broker, 1, [
      resource(TOPIC, 'missing', { 'retention.ms': '1' }),
      resource(TOPIC, 'orders', { 'retention.ms': '1' }),
      resource(TOPIC, 'orders', { 'retention.ms': '2' }),
      resource(BROKER, '0', { 'num.partitions': '3' }),
      resource(BROKER, '0', {}),
      resource(BROKER, '9', {}),
      resource(8, '0', {}),
    ])
    expect(results.map((r) => [r.resourceType, r.resourceName, r.errorCode])).toEqual([
      [TOPIC, 'missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [TOPIC, 'orders', ErrorCode.INVALID_REQUEST],
      [BROKER, '0', ErrorCode.INVALID_REQUEST],
      [BROKER, '9', ErrorCode.INVALID_REQUEST],
      [8, '0', ErrorCode.INVALID_REQUEST],
    ])
    expect(results[1].errorMessage).toBe('Duplicate resource.')
    expect(results[2].errorMessage).toBe('Duplicate resource.')
    expect(broker.logs.topic('orders')!.configs).toEqual({})
  })

  it('a broker resource: dynamic settings are refused; clearing them (an empty set) succeeds', async () => {
    const broker = await openBroker()
    expect((await alter(broker, 0, [resource(BROKER, '0', { 'num.partitions': '3' })]))[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST, errorMessage: expect.stringMatching(/Dynamic broker configs are not supported/),
    })
    expect((await alter(broker, 0, [resource(BROKER, '', {})]))[0].errorCode).toBe(0)
    expect((await alter(broker, 0, [resource(BROKER, '9', {})]))[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(broker.config.numPartitions).toBe(1)
  })
})
