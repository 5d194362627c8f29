import { describe, expect, it, vi } from 'vitest'
import { Creek } from '../../core/creek.ts'
import { CoreError } from '../../core/errors.ts'
import type { Serializer } from '../../core/client/serialization.ts'
import { tempDir } from '../helpers/temp-dir.ts'

const CONFIG = { 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 }

const json: Serializer<unknown> = { serialize: (_topic, value) => Buffer.from(JSON.stringify(value)) }
const text: Serializer<string> = { serialize: (_topic, value) => Buffer.from(value) }

describe('Creek', () => {
  it('hands out clients with their own client ids on one embedded broker', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const seen = new Set<string | null>()
      const handle = creek.broker.handle.bind(creek.broker)
      vi.spyOn(creek.broker, 'handle').mockImplementation((api, request, context) => {
        seen.add(context.clientId)
        return handle(api, request, context)
      })
      const admin = creek.admin()
      await admin.createTopics([{ topic: 'events', numPartitions: 2 }])
      const producer = creek.producer()
      const named = creek.producer({ clientId: 'billing-writer' })
      await producer.send({ topic: 'events', messages: [{ key: 'a', value: '1', partition: 0 }] })
      await named.send({ topic: 'events', messages: [{ key: 'b', value: '2', partition: 1 }] })
      expect(seen).toEqual(new Set(['creek-admin-1', 'creek-producer-1', 'billing-writer']))
      expect(await admin.fetchTopicOffsets('events')).toEqual([
        { partition: 0, earliest: 0, latest: 1 },
        { partition: 1, earliest: 0, latest: 1 },
      ])
    } finally {
      await creek.close()
    }
  })

  it('makes a typed producer when given serializers', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const producer = creek.producer({ key: text, value: json })
      const [meta] = await producer.send({ topic: 'typed', messages: [{ key: 'k', value: { total: 42 } }] })
      expect(meta).toMatchObject({ topic: 'typed', partition: 0, offset: 0 })
      const log = creek.broker.logs.log('typed', 0)!
      expect(log.logEndOffset).toBe(1)
      expect(() => creek.producer({ key: text } as never)).toThrow(/key and a value serializer/)
    } finally {
      await creek.close()
    }
  })

  it('closes its clients, then the broker; close is idempotent and later clients are refused', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    const admin = creek.admin()
    const producer = creek.producer()
    await producer.send({ topic: 't', messages: [{ value: 'x' }] })
    await Promise.all([creek.close(), creek.close()])
    expect(creek.isClosed).toBe(true)
    expect(creek.broker.isClosed).toBe(true)
    await expect(admin.listTopics()).rejects.toMatchObject({ code: 'CORE_CLOSED' })
    await expect(producer.send({ topic: 't', messages: [{ value: 'y' }] })).rejects.toMatchObject({ code: 'CORE_CLOSED' })
    expect(() => creek.producer()).toThrow(CoreError)
    await creek.close()
  })

  it('flushes a producer on close, so records sent just before survive a reopen', async () => {
    const dataDir = tempDir()
    const first = await Creek.open({ dataDir, config: CONFIG })
    const producer = first.producer({ lingerMs: 10_000 })
    const sent = producer.send({ topic: 'kept', messages: [{ value: 'a' }, { value: 'b' }] })
    await first.close()
    await sent
    const second = await Creek.open({ dataDir, config: CONFIG })
    try {
      expect(await second.admin().fetchTopicOffsets('kept')).toEqual([{ partition: 0, earliest: 0, latest: 2 }])
    } finally {
      await second.close()
    }
  })

  it('stops a running consumer on close, committing what it processed', async () => {
    const dataDir = tempDir()
    const creek = await Creek.open({ dataDir, config: CONFIG })
    await creek.producer().send({ topic: 'jobs', messages: [{ value: 'a' }, { value: 'b' }] })
    const consumer = creek.consumer({ groupId: 'workers', autoOffsetReset: 'earliest' })
    await consumer.subscribe({ topics: ['jobs'] })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
    await vi.waitFor(() => expect(seen).toEqual(['a', 'b']))
    await creek.close()
    await consumer.finished()

    const reopened = await Creek.open({ dataDir, config: CONFIG })
    try {
      const admin = reopened.admin()
      expect(await admin.listGroups()).toEqual([{ groupId: 'workers', protocolType: 'consumer', state: 'Empty' }])
      expect((await admin.listGroupOffsets('workers')).map((o) => [o.committedOffset, o.lag])).toEqual([[2, 0]])
    } finally {
      await reopened.close()
    }
  })

  it('holds its data directory: a second open fails until the first closes', async () => {
    const dataDir = tempDir()
    const creek = await Creek.open({ dataDir, config: CONFIG, background: false })
    await expect(Creek.open({ dataDir })).rejects.toMatchObject({ code: 'CORE_DATA_DIR_LOCKED' })
    await creek.close()
    const again = await Creek.open({ dataDir })
    await again.close()
  })

  it('refuses to open without a data directory', async () => {
    await expect(Creek.open({} as never)).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
  })
})
