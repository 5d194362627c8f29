import { describe, expect, it } from 'vitest'
import { ConfigResourceType } from '../../../../core/protocol/apis/describe-configs.ts'
import {
  ConfigOperation, IncrementalAlterConfigs, type IncrementalAlterConfigsRequest,
} from '../../../../core/protocol/apis/incremental-alter-configs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, createTopic, openBroker, restart } from './topic-admin-helpers.ts'

const { TOPIC, BROKER } = ConfigResourceType
const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperation
type Resource = IncrementalAlterConfigsRequest['resources'][number]
type Op = [name: string, operation: number, value: string | null]
const resource = (resourceType: number, resourceName: string, ops: Op[]): Resource => ({
  resourceType, resourceName, configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })),
})
const alter = (broker: Awaited<ReturnType<typeof openBroker>>, version: number, resources: Resource[], validateOnly = false) =>
  call(broker, IncrementalAlterConfigs, version, { resources, validateOnly }).then((r) => r.responses)

describe('IncrementalAlterConfigs handler', () => {
  it('v0 and v1: SET and DELETE change single keys, the others stay; the result survives a restart', async () => {
    let broker = await openBroker()
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000', 'segment.ms': '60000' } })
    expect(await alter(broker, 0, [resource(TOPIC, 'orders', [['max.message.bytes', SET, '2048'], ['retention.ms', DELETE, null]])]))
      .toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' }])
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'max.message.bytes': '2048', 'segment.ms': '60000' })
    expect(broker.logs.log('orders', 0)!.config.maxMessageBytes).toBe(2048)
    expect((await alter(broker, 1, [resource(TOPIC, 'orders', [['segment.ms', SET, '120000'], ['flush.ms', DELETE, null]])]))[0].errorCode).toBe(0)
    broker = await restart(broker)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'max.message.bytes': '2048', 'segment.ms': '120000' })
  })

  it('APPEND and SUBTRACT work on list keys, starting from the default when the key is not overridden', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders')
    expect((await alter(broker, 1, [resource(TOPIC, 'orders', [['cleanup.policy', APPEND, 'compact']])]))[0].errorCode).toBe(0)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'delete,compact' })
    expect((await alter(broker, 1, [resource(TOPIC, 'orders', [['cleanup.policy', APPEND, 'compact,delete']])]))[0].errorCode).toBe(0)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'delete,compact' })
    expect((await alter(broker, 1, [resource(TOPIC, 'orders', [['cleanup.policy', SUBTRACT, 'delete']])]))[0].errorCode).toBe(0)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'compact' })
    expect(broker.logs.log('orders', 0)!.config.cleanupPolicy).toEqual(['compact'])
  })

  it.each([
    ['APPEND on a non-list key', [['retention.ms', APPEND, '5']], ErrorCode.INVALID_CONFIG, /APPEND applies only to list configs; 'retention.ms' is a long/],
    ['SUBTRACT on a non-list key', [['retention.ms', SUBTRACT, '5']], ErrorCode.INVALID_CONFIG, /SUBTRACT applies only to list configs/],
    ['a result that is invalid as a whole', [['cleanup.policy', SUBTRACT, 'delete']], ErrorCode.INVALID_CONFIG, /cleanup.policy/],
    ['an invalid value', [['retention.ms', SET, 'soon']], ErrorCode.INVALID_CONFIG, /Invalid value 'soon'/],
    ['an unknown key', [['no.such.key', SET, '1']], ErrorCode.INVALID_CONFIG, /Unknown topic config 'no.such.key'/],
    ['a key given twice', [['retention.ms', SET, '1'], ['retention.ms', DELETE, null]], ErrorCode.INVALID_REQUEST, /appears more than once/],
    ['an unknown operation', [['retention.ms', 7, '1']], ErrorCode.INVALID_REQUEST, /Unknown config operation 7/],
    ['SET with a null value', [['retention.ms', SET, null]], ErrorCode.INVALID_REQUEST, /Null value/],
  ] as const)('refuses %s, changing nothing', async (_what, ops, code, message) => {
    const broker = await openBroker()
    await createTopic(broker, 'orders', { configs: { 'retention.ms': '1000' } })
    const [result] = await alter(broker, 1, [resource(TOPIC, 'orders', [['segment.ms', SET, '60000'], ...(ops as unknown as Op[])])])
    expect(result.errorCode).toBe(code)
    expect(result.errorMessage).toMatch(message)
    expect(broker.logs.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' })
  })

  it('validateOnly: validates and answers, changes nothing', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders')
    const results = await alter(broker, 1, [resource(TOPIC, 'orders', [['cleanup.policy', APPEND, 'compact']]), resource(TOPIC, 'missing', [])], true)
    expect(results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(broker.logs.topic('orders')!.configs).toEqual({})
  })

  it('a broker resource: only deleting (dynamic settings Creek never has) succeeds; repeated resources are refused', async () => {
    const broker = await openBroker()
    const results = await alter(broker, 1, [
      resource(BROKER, '0', [['num.partitions', DELETE, null]]),
      resource(BROKER, '', [['num.partitions', SET, '4']]),
      resource(TOPIC, 't', []),
      resource(TOPIC, 't', []),
    ])
    expect(results.map((r) => [r.resourceName, r.errorCode])).toEqual([['0', 0], ['', ErrorCode.INVALID_REQUEST], ['t', ErrorCode.INVALID_REQUEST]])
  })
})
