import { describe, expect, it } from 'vitest'
import { ClusterMetadata } from '../../../core/client/cluster-metadata.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import type { MetadataResponse } from '../../../core/protocol/apis/metadata.ts'
import { InterceptingTransport, deferred, openBroker } from '../../helpers/clients.ts'

const fast = { retryBackoffMs: 1, retryBackoffMaxMs: 2 }

describe('ClusterMetadata', () => {
  it('fetches topics (creating them), caches partitions, leaders, epochs and brokers', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 3 })
    const metadata = new ClusterMetadata(transport, fast)
    expect(metadata.partitionCount('orders')).toBeUndefined()
    expect(metadata.leaderFor('orders', 0)).toBe(-1)
    const [orders] = await metadata.ensureTopics(['orders'])
    expect(orders.partitions).toHaveLength(3)
    expect(metadata.partitionCount('orders')).toBe(3)
    expect(metadata.leaderFor('orders', 2)).toBe(broker.nodeId)
    expect(metadata.partition('orders', 1)).toMatchObject({ partition: 1, leaderId: broker.nodeId, leaderEpoch: 0 })
    expect(metadata.brokers()).toEqual([{ nodeId: broker.nodeId, host: broker.endpoint.host, port: broker.endpoint.port, rack: null }])
    expect(metadata.clusterId).toBe(broker.clusterId)
    expect(metadata.controllerId).toBe(broker.nodeId)
    expect(broker.logs.topic('orders')?.partitions).toBe(3)
  })

  it('coalesces concurrent refreshes into one request, and queues topics the running one lacks', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    const metadata = new ClusterMetadata(transport, fast)
    await Promise.all([metadata.refresh(['a']), metadata.refresh(['a']), metadata.refresh()])
    expect(transport.requests('Metadata')).toHaveLength(1)
    transport.sent.length = 0
    const gate = deferred()
    transport.intercept = async (_api, _request, next) => {
      await gate.promise
      return next()
    }
    const first = metadata.refresh(['a'])
    while (transport.sent.length === 0) await new Promise((r) => setImmediate(r))
    // 'a' is running: asking for it again shares it; 'b' and 'c' share one queued fetch that also refreshes 'a'.
    const again = metadata.refresh(['a'])
    expect(again).toBe(first)
    const queued = [metadata.refresh(['b']), metadata.refresh(['c', 'a'])]
    gate.resolve()
    await Promise.all([first, ...queued])
    const requests = transport.requests('Metadata') as { topics: { name: string }[] }[]
    expect(requests.map((r) => r.topics.map((t) => t.name).sort())).toEqual([['a'], ['a', 'b', 'c']])
    expect(metadata.partitionCount('c')).toBe(1)
  })

  it('serves fresh topics from the cache and refreshes them once older than metadataMaxAgeMs', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    let now = 1_000
    const metadata = new ClusterMetadata(transport, { ...fast, metadataMaxAgeMs: 100, clock: () => now })
    await metadata.ensureTopics(['t'])
    await metadata.ensureTopics(['t'])
    expect(transport.requests('Metadata')).toHaveLength(1)
    expect(metadata.isStale('t')).toBe(false)
    now += 100
    expect(metadata.isStale('t')).toBe(true)
    expect(metadata.use('t')).toBeDefined() // still served, refreshed in the background
    await metadata.ensureTopics(['t'])
    expect(transport.requests('Metadata')).toHaveLength(2)
    expect(metadata.isStale('t')).toBe(false)
  })

  it('retries a topic answered LEADER_NOT_AVAILABLE until it has leaders', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    let failures = 2
    transport.intercept = async (api, request, next) => {
      const response = await next()
      if (api.name === 'Metadata' && failures-- > 0) {
        const r = response as MetadataResponse
        return { ...r, topics: r.topics.map((t) => ({ ...t, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, partitions: [] })) } as never
      }
      return response
    }
    const metadata = new ClusterMetadata(transport, fast)
    const [info] = await metadata.ensureTopics(['new-topic'])
    expect(info.partitions).toHaveLength(1)
    expect(transport.requests('Metadata')).toHaveLength(3)
  })

  it('fails with CORE_UNKNOWN_TOPIC_OR_PARTITION when a topic does not exist and is not created', async () => {
    const { broker, transport } = await openBroker()
    const noCreate = new ClusterMetadata(transport, { ...fast, retries: 2, allowAutoTopicCreation: false })
    const error = await noCreate.ensureTopics(['missing']).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CORE_UNKNOWN_TOPIC_OR_PARTITION', retriable: false })
    expect((error as Error).message).toMatch(/Topic 'missing' does not exist.*allowAutoTopicCreation=false/)
    expect(broker.logs.topic('missing')).toBeUndefined()

    const { transport: noAutoCreate } = await openBroker({ 'auto.create.topics.enable': false })
    const metadata = new ClusterMetadata(noAutoCreate, { ...fast, retries: 1 })
    await expect(metadata.ensureTopics(['missing'])).rejects.toThrow(/auto.create.topics.enable=false/)
  })

  it('throws other topic errors at once, as KafkaApiError', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    const metadata = new ClusterMetadata(transport, fast)
    await expect(metadata.ensureTopics(['bad name!'])).rejects.toMatchObject({
      code: 'CORE_KAFKA_ERROR', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
    })
    expect(transport.requests('Metadata')).toHaveLength(1)
  })

  it('retries a failing Metadata request when the transport error is retriable', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    let failures = 2
    transport.intercept = async (_api, _request, next) => {
      if (failures-- > 0) throw Object.assign(new Error('connection reset'), { retriable: true })
      return next()
    }
    // A plain Error is not a CreekError: not retried.
    await expect(new ClusterMetadata(transport, fast).ensureTopics(['t'])).rejects.toThrow('connection reset')
    failures = 2
    const { KafkaApiError } = await import('../../../core/protocol/error-codes.ts')
    transport.intercept = async (_api, _request, next) => {
      if (failures-- > 0) throw new KafkaApiError(ErrorCode.NETWORK_EXCEPTION)
      return next()
    }
    const [info] = await new ClusterMetadata(transport, fast).ensureTopics(['t'])
    expect(info.name).toBe('t')
  })
})
