import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CreatePartitions, type CreatePartitionsRequest } from '../../../../core/protocol/apis/create-partitions.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, createTopic, openBroker, restart } from './topic-admin-helpers.ts'

type Topic = CreatePartitionsRequest['topics'][number]
const grow = (name: string, count: number, assignments: number[][] | null = null): Topic => ({
  name, count, assignments: assignments && assignments.map((brokerIds) => ({ brokerIds })),
})
const request = (topics: Topic[], validateOnly = false): CreatePartitionsRequest => ({ topics, timeoutMs: 1000, validateOnly })

describe('CreatePartitions handler', () => {
  it('v0 and v3: grows topics (with or without assignments on this node); the new logs exist and survive a restart', async () => {
    let broker = await openBroker()
    await createTopic(broker, 'a', { numPartitions: 1 })
    await createTopic(broker, 'b', { numPartitions: 2 })
    expect((await call(broker, CreatePartitions, 0, request([grow('a', 3)]))).results).toEqual([{ name: 'a', errorCode: 0, errorMessage: null }])
    expect((await call(broker, CreatePartitions, 3, request([grow('b', 4, [[0], [0]])]))).results).toEqual([{ name: 'b', errorCode: 0, errorMessage: null }])
    expect([broker.logs.topic('a')!.partitions, broker.logs.topic('b')!.partitions]).toEqual([3, 4])
    expect(broker.logs.log('b', 3)).toBeDefined()
    broker = await restart(broker)
    expect([broker.logs.topic('a')!.partitions, broker.logs.topic('b')!.partitions]).toEqual([3, 4])
  })

  it.each([
    ['the same count', grow('t', 2), ErrorCode.INVALID_PARTITIONS, "Topic 't' already has 2 partitions"],
    ['a smaller count', grow('t', 1), ErrorCode.INVALID_PARTITIONS, /partitions can only be added, so the new count 1 must be larger/],
    ['more partitions than Creek allows', grow('t', 100_001), ErrorCode.INVALID_PARTITIONS, /the most Creek allows is 100000/],
    ['too few assignments', grow('t', 4, [[0]]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /needs 2 assignments, but 1 were given/],
    ['an empty assignment list', grow('t', 3, []), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /needs 1 assignments, but 0 were given/],
    ['an assignment to another broker', grow('t', 3, [[2]]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /partition 2 names broker 2/],
    ['an assignment with two replicas', grow('t', 3, [[0, 0]]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /more than once/],
    ['an unknown topic', grow('missing', 3), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'missing' does not exist"],
    ['__consumer_offsets', grow('__consumer_offsets', 3), ErrorCode.INVALID_TOPIC_EXCEPTION, /internal topic/],
  ] as const)('refuses %s, changing nothing', async (_what, topic, code, message) => {
    const broker = await openBroker()
    await createTopic(broker, 't', { numPartitions: 2 })
    const [result] = (await call(broker, CreatePartitions, 2, request([topic as Topic]))).results
    expect(result.errorCode).toBe(code)
    expect(result.errorMessage).toMatch(message)
    expect(broker.logs.topic('t')!.partitions).toBe(2)
    expect(broker.logs.topic('__consumer_offsets')!.partitions).toBe(1)
  })

  it('a topic named twice: INVALID_REQUEST, answered once, not grown', async () => {
    const broker = await openBroker()
    await createTopic(broker, 't', { numPartitions: 1 })
    const response = await call(broker, CreatePartitions, 1, request([grow('t', 2), grow('t', 3)]))
    expect(response.results.map((r) => [r.name, r.errorCode])).toEqual([['t', ErrorCode.INVALID_REQUEST]])
    expect(broker.logs.topic('t')!.partitions).toBe(1)
  })

  it('validateOnly: answers success for a valid increase but adds nothing; still reports errors', async () => {
    const broker = await openBroker()
    await createTopic(broker, 't', { numPartitions: 1 })
    const response = await call(broker, CreatePartitions, 3, request([grow('t', 5), grow('missing', 2)], true))
    expect(response.results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(broker.logs.topic('t')!.partitions).toBe(1)
    expect(existsSync(join(broker.logs.dataDir, 't-1'))).toBe(false)
  })
})
