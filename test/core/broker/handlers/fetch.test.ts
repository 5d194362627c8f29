import { describe, expect, it } from 'vitest'
import { fetchWaitersOf } from '../../../../core/broker/fetch-waiters.ts'
import { CompressionType } from '../../../../core/protocol/compression/codecs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { encodeRecordBatch } from '../../../../core/protocol/record-batch.ts'
import { batchOf } from '../../../helpers/batches.ts'
import { fetch, fetchRequest, openBroker, produce, recordsOf } from './data-path-helpers.ts'

const T0 = 1_700_000_000_000
const big = (value: string, size: number): Buffer => batchOf([{ value: value.padEnd(size, '.') }])

async function brokerWith(topics: Record<string, number>, config: Record<string, unknown> = {}) {
  const broker = await openBroker(config)
  for (const [name, partitions] of Object.entries(topics)) await broker.logs.createTopic(name, { partitions })
  return broker
}

describe('Fetch handler', () => {
  it('returns whole batches from the one containing the fetch offset, with the partition offsets', async () => {
    const broker = await brokerWith({ t: 1 })
    await produce(broker, 't', 0, batchOf([{ value: 'a' }, { value: 'b' }, { value: 'c' }]))
    await produce(broker, 't', 0, batchOf([{ value: 'd' }]))
    for (const version of [4, 7, 11, 12]) {
      const response = await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 1 }]), version)
      expect([response.errorCode, response.sessionId, response.throttleTimeMs]).toEqual([0, 0, 0])
      const partition = response.responses[0].partitions[0]
      expect(partition).toMatchObject({
        partitionIndex: 0, errorCode: 0, highWatermark: 4, lastStableOffset: 4, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1,
      })
      expect((await recordsOf(partition.records)).map((r) => r[2]), `v${version}`).toEqual(['a', 'b', 'c', 'd'])
    }
    const atEnd = await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 4 }]))
    expect(atEnd.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 4, records: Buffer.alloc(0) })
  })

  it('read_committed reads up to the last stable offset (the high watermark) and answers empty aborted transactions', async () => {
    const broker = await brokerWith({ t: 1 })
    await produce(broker, 't', 0, batchOf([{ value: 'a' }]))
    const response = await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }))
    const partition = response.responses[0].partitions[0]
    expect(partition).toMatchObject({ highWatermark: 1, lastStableOffset: 1, abortedTransactions: [] })
    expect(await recordsOf(partition.records)).toEqual([[0, null, 'a']])
  })

  it('answers OFFSET_OUT_OF_RANGE below the log start or past the log end, with the offsets filled in', async () => {
    const broker = await brokerWith({ t: 1 })
    await produce(broker, 't', 0, batchOf([{ value: 'a' }, { value: 'b' }]))
    await produce(broker, 't', 0, batchOf([{ value: 'c' }]))
    broker.logs.log('t', 0)!.deleteRecordsBefore(2)
    for (const fetchOffset of [1, 4]) {
      const response = await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset }], { maxWaitMs: 5_000, minBytes: 1 }))
      expect(response.responses[0].partitions[0]).toMatchObject({
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 3, lastStableOffset: 3, logStartOffset: 2, records: Buffer.alloc(0),
      })
    }
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION without waiting, UNKNOWN_LEADER_EPOCH for a future epoch', async () => {
    const broker = await brokerWith({ t: 1 })
    const started = Date.now()
    const response = await fetch(broker, fetchRequest([
      { topic: 'missing', partition: 0, fetchOffset: 0 }, { topic: 't', partition: 3, fetchOffset: 0 }, { topic: 't', partition: 0, fetchOffset: 0 },
    ], { maxWaitMs: 5_000, minBytes: 1 }))
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(response.responses.map((t) => [t.topic, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.highWatermark])])).toEqual([
      ['missing', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1]]],
      ['t', [[3, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1], [0, 0, 0]]],
    ])
    const request = fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }])
    request.topics[0].partitions[0].currentLeaderEpoch = 1
    expect((await fetch(broker, request, 9)).responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    request.topics[0].partitions[0].currentLeaderEpoch = 0
    expect((await fetch(broker, request, 9)).responses[0].partitions[0].errorCode).toBe(0)
  })

  it('has no fetch sessions: a session id or an incremental epoch gets FETCH_SESSION_ID_NOT_FOUND', async () => {
    const broker = await brokerWith({ t: 1 })
    const targets = [{ topic: 't', partition: 0, fetchOffset: 0 }]
    for (const session of [{ sessionId: 5, sessionEpoch: 1 }, { sessionId: 0, sessionEpoch: 3 }]) {
      expect(await fetch(broker, fetchRequest(targets, session), 7)).toEqual({
        throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [], nodeEndpoints: [],
      })
    }
    // A request to open a session (epoch 0) is answered as a sessionless full fetch.
    const opened = await fetch(broker, fetchRequest(targets, { sessionId: 0, sessionEpoch: 0 }), 12)
    expect([opened.errorCode, opened.sessionId, opened.responses.length]).toEqual([0, 0, 1])
  })

  describe('size limits (KIP-74)', () => {
    it('returns only whole batches within partitionMaxBytes', async () => {
      const broker = await brokerWith({ t: 1 })
      const batch = big('a', 100)
      for (let i = 0; i < 5; i++) await produce(broker, 't', 0, Buffer.from(batch))
      const response = await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0, partitionMaxBytes: batch.length * 2 + 10 }]))
      expect(response.responses[0].partitions[0].records!.length).toBe(batch.length * 2)
    })

    it('returns the first batch of the first non-empty partition whole, even above both limits', async () => {
      const broker = await brokerWith({ t: 2 })
      await produce(broker, 't', 1, big('huge', 1_000))
      const response = await fetch(broker, fetchRequest([
        { topic: 't', partition: 0, fetchOffset: 0, partitionMaxBytes: 100 },
        { topic: 't', partition: 1, fetchOffset: 0, partitionMaxBytes: 100 },
      ], { maxBytes: 100 }))
      const [empty, full] = response.responses[0].partitions
      expect(empty.records!.length).toBe(0)
      expect(full.records!.length).toBeGreaterThan(1_000)
      expect((await recordsOf(full.records))[0][2]).toMatch(/^huge\.+$/)
    })

    it('later partitions return only what fits under maxBytes', async () => {
      const broker = await brokerWith({ t: 3 })
      const batch = big('x', 100)
      for (const partition of [0, 1, 2]) await produce(broker, 't', partition, Buffer.from(batch))
      await produce(broker, 't', 0, Buffer.from(batch))
      const maxBytes = batch.length * 3 + batch.length / 2
      const response = await fetch(broker, fetchRequest([0, 1, 2].map((partition) => ({ topic: 't', partition, fetchOffset: 0 })), { maxBytes }))
      const sizes = response.responses[0].partitions.map((p) => p.records!.length)
      expect(sizes).toEqual([batch.length * 2, batch.length, 0])
      expect(response.responses[0].partitions[2]).toMatchObject({ errorCode: 0, highWatermark: 1 })
    })
  })

  it('refuses zstd batches to fetches before v10 with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const broker = await brokerWith({ z: 1 })
    await produce(broker, 'z', 0, await encodeRecordBatch({ records: [{ value: Buffer.from('z'), timestamp: T0 }], compression: CompressionType.Zstd }))
    const request = fetchRequest([{ topic: 'z', partition: 0, fetchOffset: 0 }])
    expect((await fetch(broker, request, 9)).responses[0].partitions[0].errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
    expect(await recordsOf((await fetch(broker, request, 10)).responses[0].partitions[0].records)).toEqual([[0, null, 'z']])
  })

  describe('long polling', () => {
    it('answers as soon as a produce arrives on a requested partition', async () => {
      const broker = await brokerWith({ t: 2 })
      const started = Date.now()
      const pending = fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }, { topic: 't', partition: 1, fetchOffset: 0 }], { maxWaitMs: 300, minBytes: 1 }))
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(fetchWaitersOf(broker).size).toBe(2)
      await produce(broker, 't', 1, batchOf([{ value: 'wake' }]))
      const response = await pending
      expect(Date.now() - started).toBeLessThan(250)
      expect(await recordsOf(response.responses[0].partitions[1].records)).toEqual([[0, null, 'wake']])
      expect(fetchWaitersOf(broker).size).toBe(0)
    })

    it('answers empty after maxWaitMs when nothing arrives, and ignores other partitions', async () => {
      const broker = await brokerWith({ t: 2 })
      const started = Date.now()
      const pending = fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }], { maxWaitMs: 120, minBytes: 1 }))
      await produce(broker, 't', 1, batchOf([{ value: 'elsewhere' }]))
      const response = await pending
      expect(Date.now() - started).toBeGreaterThanOrEqual(110)
      expect(response.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0, records: Buffer.alloc(0) })
      expect(fetchWaitersOf(broker).size).toBe(0)
    })

    it('does not wait when minBytes is already reached or maxWaitMs is 0', async () => {
      const broker = await brokerWith({ t: 1 })
      await produce(broker, 't', 0, batchOf([{ value: 'ready' }]))
      const started = Date.now()
      await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }], { maxWaitMs: 5_000, minBytes: 10 }))
      await fetch(broker, fetchRequest([{ topic: 't', partition: 0, fetchOffset: 1 }], { maxWaitMs: 0, minBytes: 1 }))
      expect(Date.now() - started).toBeLessThan(1_000)
    })

    it('stops waiting when the request is aborted or the broker closes', async () => {
      const broker = await brokerWith({ t: 1 })
      const controller = new AbortController()
      const request = fetchRequest([{ topic: 't', partition: 0, fetchOffset: 0 }], { maxWaitMs: 5_000, minBytes: 1 })
      const started = Date.now()
      const aborted = fetch(broker, request, 12, controller.signal)
      setTimeout(() => controller.abort(), 20)
      expect((await aborted).responses[0].partitions[0]).toMatchObject({ errorCode: 0, records: Buffer.alloc(0) })
      const closing = fetch(broker, request)
      setTimeout(() => void broker.close(), 20)
      expect((await closing).responses[0].partitions[0].errorCode).toBe(0)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(fetchWaitersOf(broker).size).toBe(0)
    })
  })
})
