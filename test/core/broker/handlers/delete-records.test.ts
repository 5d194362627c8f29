import { describe, expect, it } from 'vitest'
import { DeleteRecords } from '../../../../core/protocol/apis/delete-records.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { batchOfCount } from '../../../helpers/batches.ts'
import { call, createTopic, openBroker, restart } from './topic-admin-helpers.ts'

type Target = [topic: string, partition: number, offset: number]

async function deleteRecords(broker: Awaited<ReturnType<typeof openBroker>>, version: number, targets: Target[]) {
  const topics: { name: string; partitions: { partitionIndex: number; offset: number }[] }[] = []
  for (const [name, partitionIndex, offset] of targets) {
    const topic = topics.find((t) => t.name === name) ?? topics[topics.push({ name, partitions: [] }) - 1]
    topic.partitions.push({ partitionIndex, offset })
  }
  const response = await call(broker, DeleteRecords, version, { topics, timeoutMs: 1000 })
  return response.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.lowWatermark, p.errorCode]))
}

/** A broker with topic 'events' (2 partitions, 10 records each in batches of 5). */
async function withRecords(config: Record<string, unknown> = {}) {
  const broker = await openBroker(config)
  await createTopic(broker, 'events', { numPartitions: 2 })
  for (const partition of [0, 1]) {
    for (let i = 0; i < 2; i++) broker.logs.log('events', partition)!.append(batchOfCount(5))
  }
  return broker
}

describe('DeleteRecords handler', () => {
  it('v0 and v2: raises the log start offset (-1: the high watermark) and answers it; durable across a restart', async () => {
    let broker = await withRecords()
    expect(await deleteRecords(broker, 0, [['events', 0, 4]])).toEqual([['events', 0, 4, 0]])
    expect(await deleteRecords(broker, 2, [['events', 1, -1]])).toEqual([['events', 1, 10, 0]])
    expect(broker.logs.log('events', 0)!.logStartOffset).toBe(4)
    expect(() => broker.logs.log('events', 0)!.read(0, 1 << 20)).toThrow(/valid offsets are 4 to 10/)
    broker = await restart(broker)
    expect([broker.logs.log('events', 0)!.logStartOffset, broker.logs.log('events', 1)!.logStartOffset]).toEqual([4, 10])
  })

  it('an offset at or below the current log start offset changes nothing; the answer is the current one', async () => {
    const broker = await withRecords()
    await deleteRecords(broker, 1, [['events', 0, 6]])
    expect(await deleteRecords(broker, 1, [['events', 0, 3], ['events', 0, 6]])).toEqual([['events', 0, 6, 0], ['events', 0, 6, 0]])
  })

  it('per partition: OFFSET_OUT_OF_RANGE beyond the high watermark or below -1, UNKNOWN_TOPIC_OR_PARTITION, answered with lowWatermark -1', async () => {
    const broker = await withRecords()
    expect(await deleteRecords(broker, 1, [['events', 0, 11], ['events', 1, -2], ['events', 2, 0], ['missing', 0, 0], ['events', 0, 10]])).toEqual([
      ['events', 0, -1, ErrorCode.OFFSET_OUT_OF_RANGE],
      ['events', 1, -1, ErrorCode.OFFSET_OUT_OF_RANGE],
      ['events', 2, -1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['events', 0, 10, 0],
      ['missing', 0, -1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    expect(broker.logs.log('events', 1)!.logStartOffset).toBe(0)
  })

  it("the broker's own __consumer_offsets: INVALID_TOPIC_EXCEPTION", async () => {
    const broker = await withRecords()
    expect(await deleteRecords(broker, 2, [['__consumer_offsets', 0, -1]])).toEqual([['__consumer_offsets', 0, -1, ErrorCode.INVALID_TOPIC_EXCEPTION]])
  })

  it('a compacted topic without the delete policy: POLICY_VIOLATION, as in Kafka', async () => {
    const broker = await openBroker()
    await createTopic(broker, 'table', { configs: { 'cleanup.policy': 'compact' } })
    await createTopic(broker, 'both', { configs: { 'cleanup.policy': 'compact,delete' } })
    expect(await deleteRecords(broker, 2, [['table', 0, -1], ['both', 0, -1]])).toEqual([
      ['table', 0, -1, ErrorCode.POLICY_VIOLATION], ['both', 0, 0, 0],
    ])
  })
})
