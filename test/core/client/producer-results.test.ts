import { describe, expect, expectTypeOf, it } from 'vitest'
import { Producer } from '../../../core/client/producer.ts'
import { ProducerBatch, type RecordMetadata, SendHandle, recordSize } from '../../../core/client/producer-batch.ts'
import { TopicPartitionError } from '../../../core/client/topic-partition-error.ts'
import { TypedProducer } from '../../../core/client/typed-producer.ts'
import type { ProduceRequest, ProduceResponse } from '../../../core/protocol/apis/produce.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import { InterceptingTransport, openBroker, readBatches, readRecords } from '../../helpers/clients.ts'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

/** A Produce response answering every partition of `request` with `errorCode`. */
function answer(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  }
}

describe("Producer send option results: 'none'", () => {
  it('resolves with nothing once every record is acknowledged, and writes the records as a default send does', async () => {
    const { broker, transport } = await openBroker({ 'num.partitions': 2 })
    const producer = new Producer(transport, { lingerMs: 0 })
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, timestamp: 1_700_000_000_000 + i }))
    const none = producer.send({ topic: 'events', messages, results: 'none' })
    expectTypeOf(none).toEqualTypeOf<Promise<void>>()
    expect(await none).toBeUndefined()
    const records = [...await readRecords(broker, 'events', 0), ...await readRecords(broker, 'events', 1)]
    expect(records.map((r) => text(r.value)).sort()).toEqual(messages.map((m) => m.value).sort())
    expect(new Set(records.map((r) => r.timestamp)).size).toBe(50)
    // A default send on the same producer still reports every record, in order.
    const results = await producer.send({ topic: 'events', messages: [{ key: 'k1', value: 'last' }] })
    expectTypeOf(results).toEqualTypeOf<RecordMetadata[]>()
    expect(results).toHaveLength(1)
    expect(results[0]).toMatchObject({ topic: 'events' })
    await producer.close()
  })

  it("mixes with 'records' sends in one batch: each send gets what it asked for", async () => {
    const { transport } = await openBroker({ 'num.partitions': 1 })
    const producer = new Producer(transport, { lingerMs: 50 })
    const first = producer.send({ topic: 'mixed', messages: [{ value: 'a' }, { value: 'b' }], results: 'records' })
    const second = producer.sendBatch({ topicMessages: [{ topic: 'mixed', messages: [{ value: 'c' }, { value: 'd', timestamp: 5 }] }], results: 'none' })
    const third = producer.send({ topic: 'mixed', messages: [{ value: 'e', timestamp: 7 }, { value: 'f', timestamp: 9 }] })
    await producer.flush()
    expect(await second).toBeUndefined()
    expect((await first).map((m) => m.offset)).toEqual([0, 1])
    expect((await third).map((m) => [m.offset, m.timestamp])).toEqual([[4, 7], [5, 9]])
    await producer.close()
  })

  it('rejects with the failure as a default send does', async () => {
    const { transport: inner } = await openBroker()
    const transport = new InterceptingTransport(inner)
    transport.intercept = async (api, request, next) =>
      api.name === 'Produce' ? answer(request as ProduceRequest, ErrorCode.INVALID_RECORD) as never : next()
    const producer = new Producer(transport, { lingerMs: 0 })
    const error = await producer.send({ topic: 'n', messages: [{ value: 'v' }], results: 'none' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TopicPartitionError)
    expect(error).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, topic: 'n', partition: 0 })
    await producer.close()
  })

  it('refuses a value other than records or none, queuing nothing', async () => {
    const { broker, transport } = await openBroker()
    const producer = new Producer(transport)
    const bad = { topic: 'x', messages: [{ value: 'v' }], results: 'some' } as unknown as Parameters<Producer['send']>[0]
    await expect(producer.send(bad)).rejects.toMatchObject({ code: 'CORE_INVALID_ARGUMENT', message: expect.stringMatching(/results some is invalid/) })
    await producer.flush()
    expect(await readRecords(broker, 'x', 0).catch(() => [])).toEqual([])
    await producer.close()
  })

  it('passes through a TypedProducer', async () => {
    const { broker, transport } = await openBroker()
    const producer = new TypedProducer(new Producer(transport, { lingerMs: 0 }), {
      key: { serialize: (_topic, value: string) => Buffer.from(value) },
      value: { serialize: (_topic, value: number) => Buffer.from(String(value)) },
    })
    const sent = producer.send({ topic: 'typed', messages: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }], results: 'none' })
    expectTypeOf(sent).toEqualTypeOf<Promise<void>>()
    expect(await sent).toBeUndefined()
    expect((await readRecords(broker, 'typed', 0)).map((r) => text(r.value))).toEqual(['1', '2'])
    await producer.producer.close()
  })

  it('counts the records of a send spread over partitions without keeping where each one went', async () => {
    const value = Buffer.from('v')
    const size = recordSize(null, value, [])
    const none = new SendHandle(6, false)
    const records = new SendHandle(3)
    const batch = new ProducerBatch('t', 0, 1, 0, 0, 16)
    // The 'none' send's records 0, 2, 4 and 5 land in this batch, interleaved with a 'records' send's.
    for (const index of [0, 2]) batch.append(none, index, 100 + index, null, value, [], size)
    batch.append(records, 0, 7, null, value, [], size)
    for (const index of [4, 5]) batch.append(none, index, 100 + index, null, value, [], size)
    batch.append(records, 1, 8, null, value, [], size)
    batch.append(records, 2, 9, null, value, [], size)
    batch.encode()
    batch.complete(10, -1)
    expect((await records.promise)!.map((m) => [m.offset, m.timestamp])).toEqual([[12, 7], [15, 8], [16, 9]])
    let settled = false
    void none.promise.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false) // records 1 and 3 are elsewhere
    const other = new ProducerBatch('t', 1, 1, 0, 0, 16)
    for (const index of [1, 3]) other.append(none, index, 100 + index, null, value, [], size)
    other.encode()
    other.complete(0, -1)
    expect(await none.promise).toBeUndefined()
  })

  it('re-batches a batch the broker refused as too large, and still resolves once every record is written', async () => {
    const { broker, transport } = await openBroker()
    await broker.logs.createTopic('small', { partitions: 1, configs: { 'max.message.bytes': 1200 } })
    const producer = new Producer(transport, { lingerMs: 20, batchSize: 64 * 1024, retryBackoffMs: 5, retryBackoffMaxMs: 10 })
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(80, i) }))
    const sends = [
      producer.send({ topic: 'small', messages: messages.slice(0, 30), results: 'none' }),
      producer.send({ topic: 'small', messages: messages.slice(30) }),
    ] as const
    expect(await sends[0]).toBeUndefined()
    expect((await sends[1]).map((r) => r.offset)).toEqual(Array.from({ length: 30 }, (_, i) => 30 + i))
    expect((await readRecords(broker, 'small', 0)).map((r) => text(r.key))).toEqual(messages.map((m) => m.key))
    expect((await readBatches(broker, 'small', 0)).length).toBeGreaterThan(4)
    await producer.close()
  })
})
