import { describe, expect, it } from 'vitest'
import { KafkaApiError } from '../../../core/protocol/error-codes.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import { CoreError } from '../../../core/errors.ts'
import { openCreek, produce } from './admin-helpers.ts'

async function rejection(promise: Promise<unknown>): Promise<KafkaApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(KafkaApiError)
  return error as KafkaApiError
}

describe('Admin: topics', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    const created = await admin.createTopics([
      { topic: 'orders', numPartitions: 3, configs: { 'retention.ms': 3_600_000 } },
      { topic: 'payments' },
    ])
    expect(created.map((t) => [t.topic, t.numPartitions, t.replicationFactor])).toEqual([['orders', 3, 1], ['payments', 1, 1]])
    expect(created[0].topicId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await admin.listTopics()).toEqual(['orders', 'payments'])

    const [orders] = await admin.describeTopics(['orders'])
    expect(orders.topic).toBe('orders')
    expect(orders.internal).toBe(false)
    expect(orders.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr, p.earliest, p.latest])).toEqual([
      [0, 0, [0], [0], 0, 0],
      [1, 0, [0], [0], 0, 0],
      [2, 0, [0], [0], 0, 0],
    ])

    await admin.deleteTopics(['payments'])
    expect(await admin.listTopics()).toEqual(['orders'])
  })

  it('reports per-topic errors with the topic name, after creating the others', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'a' }])
    const error = await rejection(admin.createTopics([{ topic: 'a' }, { topic: 'b' }]))
    expect(error.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
    expect(error.message).toContain("topic 'a'")
    expect(await admin.listTopics()).toEqual(['a', 'b'])

    const invalid = await rejection(admin.createTopics([{ topic: 'c', configs: { 'cleanup.policy': 'shred' } }]))
    expect(invalid.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(invalid.message).toContain("topic 'c'")
  })

  it('validates without creating when validateOnly is set', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'dry', numPartitions: 2 }], { validateOnly: true })
    expect(await admin.listTopics()).toEqual([])
  })

  it('fails fast, naming the topic, for topics that do not exist', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    const started = Date.now()
    const describeError = await rejection(admin.describeTopics(['ghost']))
    expect(describeError.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(describeError.message).toContain("'ghost'")
    const deleteError = await rejection(admin.deleteTopics(['ghost']))
    expect(deleteError.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('lists internal topics only when asked', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'visible' }])
    // The offsets topic exists once the coordinator stored something (or the broker made it at start).
    const all = await admin.listTopics({ includeInternal: true })
    expect(await admin.listTopics()).toEqual(['visible'])
    for (const name of all) if (name !== 'visible') expect(name.startsWith('__')).toBe(true)
  })

  it('refuses empty and duplicate names before sending anything', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await expect(admin.createTopics([])).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
    await expect(admin.deleteTopics(['x', 'x'])).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
  })
})

describe('Admin: deleting a topic and group offsets', () => {
  it("drops the deleted topic's committed offsets from every group, and removes a group left without offsets", async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'gone', numPartitions: 2 }, { topic: 'kept' }])
    await produce(creek, 'gone', 0, [{ value: 'a' }])
    await produce(creek, 'kept', 0, [{ value: 'b' }])
    await admin.resetGroupOffsets('both', 'gone', { to: 'latest' })
    await admin.resetGroupOffsets('both', 'kept', { to: 'latest' })
    await admin.resetGroupOffsets('only-gone', 'gone', { to: 'latest' })
    expect((await admin.listGroups()).map((g) => g.groupId).sort()).toEqual(['both', 'only-gone'])

    await admin.deleteTopics(['gone'])
    expect((await admin.listGroupOffsets('both')).map((o) => `${o.topic}-${o.partition}@${o.committedOffset}`)).toEqual(['kept-0@1'])
    expect((await admin.listGroups()).map((g) => g.groupId)).toEqual(['both'])
    // A topic created again under the same name starts without the old offsets.
    await admin.createTopics([{ topic: 'gone' }])
    expect((await admin.listGroupOffsets('both', { topics: ['gone'] }))[0]?.committedOffset ?? -1).toBe(-1)
  })
})

describe('Admin: offsets, partitions and records', () => {
  it('fetches earliest and latest offsets, and offsets by timestamp', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 't', numPartitions: 2 }])
    const before = Date.now()
    await produce(creek, 't', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
    await produce(creek, 't', 1, [{ value: 'd' }])
    expect(await admin.fetchTopicOffsets('t')).toEqual([
      { partition: 0, earliest: 0, latest: 3 },
      { partition: 1, earliest: 0, latest: 1 },
    ])
    const atStart = await admin.fetchTopicOffsetsByTimestamp('t', before - 60_000)
    expect(atStart.map((o) => o.offset)).toEqual([0, 0])
    const future = await admin.fetchTopicOffsetsByTimestamp('t', Date.now() + 3_600_000)
    expect(future).toEqual([{ partition: 0, offset: 3, timestamp: -1 }, { partition: 1, offset: 1, timestamp: -1 }])
  })

  it('adds partitions and deletes records', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 't', numPartitions: 1 }])
    await admin.createPartitions('t', 3)
    expect((await admin.describeTopics(['t']))[0].partitions).toHaveLength(3)
    const shrink = await rejection(admin.createPartitions('t', 2))
    expect(shrink.errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
    expect(shrink.message).toContain("topic 't'")

    await produce(creek, 't', 0, [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }])
    expect(await admin.deleteRecords('t', [{ partition: 0, offset: 2 }])).toEqual([{ partition: 0, lowWatermark: 2 }])
    expect((await admin.fetchTopicOffsets('t'))[0]).toEqual({ partition: 0, earliest: 2, latest: 4 })
    const beyond = await rejection(admin.deleteRecords('t', [{ partition: 0, offset: 99 }]))
    expect(beyond.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(beyond.message).toContain('t-0')
  })
})

describe('Admin: configs', () => {
  it('describes, alters and incrementally alters topic configs', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'c', configs: { 'retention.ms': 1000 } }])
    const entries = await admin.describeConfigs({ type: 'topic', name: 'c' })
    const retention = entries.find((e) => e.name === 'retention.ms')!
    expect(retention).toMatchObject({ value: '1000', source: 'topic', isDefault: false })
    expect(entries.find((e) => e.name === 'segment.bytes')).toMatchObject({ isDefault: true, source: 'default' })

    await admin.incrementalAlterConfigs({ type: 'topic', name: 'c' }, [
      { op: 'set', name: 'cleanup.policy', value: 'compact' },
      { op: 'delete', name: 'retention.ms' },
    ])
    const after = await admin.describeConfigs({ type: 'topic', name: 'c' }, { keys: ['cleanup.policy', 'retention.ms'] })
    expect(after.map((e) => [e.name, e.value, e.source])).toEqual([
      ['cleanup.policy', 'compact', 'topic'],
      ['retention.ms', '604800000', 'default'],
    ])

    // Legacy AlterConfigs replaces the whole set: cleanup.policy returns to its default.
    await admin.alterConfigs({ type: 'topic', name: 'c' }, { 'max.message.bytes': 2048 })
    const replaced = await admin.describeConfigs({ type: 'topic', name: 'c' })
    expect(replaced.filter((e) => e.source === 'topic').map((e) => [e.name, e.value])).toEqual([['max.message.bytes', '2048']])
  })

  it('names the topic in config errors', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    const missing = await rejection(admin.describeConfigs({ type: 'topic', name: 'nope' }))
    expect(missing.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(missing.message).toContain("topic 'nope'")
    await admin.createTopics([{ topic: 'c' }])
    const bad = await rejection(admin.incrementalAlterConfigs({ type: 'topic', name: 'c' }, [{ op: 'set', name: 'retention.ms', value: 'soon' }]))
    expect(bad.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(bad.message).toContain("topic 'c'")
  })
})

describe('Admin: lifecycle', () => {
  it('refuses calls after close, and Creek refuses new clients after its close', async () => {
    const creek = await openCreek()
    const admin = creek.admin()
    await admin.close()
    await expect(admin.listTopics()).rejects.toMatchObject({ code: 'CORE_CLOSED' })
    await creek.close()
    expect(() => creek.admin()).toThrow(CoreError)
  })
})
