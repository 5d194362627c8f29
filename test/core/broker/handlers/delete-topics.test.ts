import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DeleteTopics } from '../../../../core/protocol/apis/delete-topics.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { ZERO_UUID } from '../../../../core/protocol/writer.ts'
import { call, createTopic, openBroker } from './topic-admin-helpers.ts'

const UNKNOWN_ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
const byNames = (topicNames: string[]) => ({ topics: [], topicNames, timeoutMs: 1000 })
const byRefs = (topics: { name: string | null; topicId: string }[]) => ({ topics, topicNames: [], timeoutMs: 1000 })

describe('DeleteTopics handler', () => {
  it('v0: deletes topics by name, with their directories; unknown names: UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'orders', { numPartitions: 2 })
    const response = await call(broker, DeleteTopics, 0, byNames(['orders', 'missing']))
    expect(response.responses.map((r) => [r.name, r.errorCode])).toEqual([['orders', 0], ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    expect(broker.logs.topic('orders')).toBeUndefined()
    expect(existsSync(join(broker.logs.dataDir, 'orders-0'))).toBe(false)
    expect((await createTopic(broker, 'orders')).errorCode).toBe(0)
  })

  it('v5: error messages', async () => {
    const broker = await openBroker()
    const [result] = (await call(broker, DeleteTopics, 5, byNames(['missing']))).responses
    expect(result).toEqual({ name: 'missing', topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic 'missing' does not exist" })
  })

  it('v6: by topic id (answered with the name) or by name (answered with the id); unknown id: UNKNOWN_TOPIC_ID', async () => {
    const broker = await openBroker()
    const a = await createTopic(broker, 'a')
    const b = await createTopic(broker, 'b')
    const response = await call(broker, DeleteTopics, 6, byRefs([
      { name: null, topicId: a.topicId }, { name: 'b', topicId: ZERO_UUID }, { name: null, topicId: UNKNOWN_ID },
    ]))
    expect(response.responses).toEqual([
      { name: 'a', topicId: a.topicId, errorCode: 0, errorMessage: null },
      { name: 'b', topicId: b.topicId, errorCode: 0, errorMessage: null },
      { name: null, topicId: UNKNOWN_ID, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `No topic has id ${UNKNOWN_ID}` },
    ])
    expect(broker.logs.topics().map((t) => t.name)).toEqual(['__consumer_offsets'])
  })

  it('v6: both name and id, neither, or a repeated name or id: INVALID_REQUEST (a repeat answered once), nothing deleted', async () => {
    const broker = await openBroker()
    const a = await createTopic(broker, 'a')
    await createTopic(broker, 'b')
    const response = await call(broker, DeleteTopics, 6, byRefs([
      { name: 'a', topicId: a.topicId }, { name: null, topicId: ZERO_UUID },
      { name: 'b', topicId: ZERO_UUID }, { name: 'b', topicId: ZERO_UUID },
      { name: null, topicId: a.topicId }, { name: null, topicId: a.topicId },
    ]))
    expect(response.responses.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['a', ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      [null, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
      ['b', ErrorCode.INVALID_REQUEST, "Topic 'b' appears more than once in the request"],
      [null, ErrorCode.INVALID_REQUEST, `Topic id ${a.topicId} appears more than once in the request`],
    ])
    expect(broker.logs.topic('a')).toBeDefined()
    expect(broker.logs.topic('b')).toBeDefined()
  })

  it("the broker's own __consumer_offsets: INVALID_TOPIC_EXCEPTION, and it stays", async () => {
    const broker = await openBroker()
    const [result] = (await call(broker, DeleteTopics, 5, byNames(['__consumer_offsets']))).responses
    expect(result.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
    expect(result.errorMessage).toMatch(/internal topic '__consumer_offsets'/)
    expect(broker.logs.topic('__consumer_offsets')).toBeDefined()
  })

  it('delete.topic.enable=false: TOPIC_DELETION_DISABLED from v3, INVALID_REQUEST below; nothing deleted', async () => {
    const broker = await openBroker({ 'delete.topic.enable': false })
    await createTopic(broker, 'orders')
    expect((await call(broker, DeleteTopics, 3, byNames(['orders', 'missing']))).responses.map((r) => r.errorCode))
      .toEqual([ErrorCode.TOPIC_DELETION_DISABLED, ErrorCode.TOPIC_DELETION_DISABLED])
    expect((await call(broker, DeleteTopics, 1, byNames(['orders']))).responses[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(broker.logs.topic('orders')).toBeDefined()
  })
})
