import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Producer } from '../../../core/client/producer.ts'
import { TopicPartitionError } from '../../../core/client/topic-partition-error.ts'
import { CoreError } from '../../../core/errors.ts'
import type { ProduceRequest, ProduceResponse } from '../../../core/protocol/apis/produce.ts'
import { ErrorCode, KafkaApiError } from '../../../core/protocol/error-codes.ts'
import { InterceptingTransport, deferred, openBroker, readBatches, readRecords } from '../../helpers/clients.ts'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))
const fast = { retryBackoffMs: 5, retryBackoffMaxMs: 10, lingerMs: 0 }

/** A Produce response answering every partition of `request` with `errorCode`. */
function answer(request: ProduceRequest, errorCode: number, errorMessage: string | null = null): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  }
}

async function setup(config: Record<string, unknown> = {}) {
  const { broker, transport: inner } = await openBroker(config)
  return { broker, transport: new InterceptingTransport(inner) }
}

describe('Producer errors and limits', () => {
  it('retries a retriable error after refreshing metadata, and a later batch does not overtake the retried one', async () => {
    const { broker, transport } = await setup()
    let failures = 1
    transport.intercept = async (api, request, next) => {
      if (api.name === 'Produce' && failures-- > 0) return answer(request as ProduceRequest, ErrorCode.NOT_LEADER_OR_FOLLOWER) as never
      return next()
    }
    const producer = new Producer(transport, fast)
    await producer.send({ topic: 'r', messages: [{ value: 'warm-up' }] }) // metadata known; this one was retried
    const metadataBefore = transport.requests('Metadata').length
    failures = 1
    const first = producer.send({ topic: 'r', messages: [{ value: 'first' }] })
    await new Promise((r) => setImmediate(r)) // its batch is in flight and fails
    const second = producer.send({ topic: 'r', messages: [{ value: 'second' }] })
    const [[a], [b]] = await Promise.all([first, second])
    expect(b.offset).toBe(a.offset + 1)
    expect((await readRecords(broker, 'r', 0)).map((r) => text(r.value))).toEqual(['warm-up', 'first', 'second'])
    expect(transport.requests('Metadata').length).toBeGreaterThan(metadataBefore)
    await producer.close()
  })

  it('rejects a send with the broker error when the code is not retriable', async () => {
    const { transport } = await setup()
    transport.intercept = async (api, request, next) =>
      api.name === 'Produce' ? answer(request as ProduceRequest, ErrorCode.INVALID_RECORD, 'record 0 is bad') as never : next()
    const producer = new Producer(transport, fast)
    const error = await producer.send({ topic: 'n', messages: [{ value: 'v' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TopicPartitionError)
    expect(error).toMatchObject({ code: 'CORE_KAFKA_ERROR', errorCode: ErrorCode.INVALID_RECORD, topic: 'n', partition: 0, retriable: false })
    expect((error as Error).message).toMatch(/INVALID_RECORD \(87\).*\(topic 'n', partition 0\): record 0 is bad/)
    expect(transport.requests('Produce')).toHaveLength(1)
    await producer.close()
  })

  it("rejects with the real broker's MESSAGE_TOO_LARGE", async () => {
    const { transport } = await setup({ 'message.max.bytes': 500 })
    const producer = new Producer(transport, fast)
    await expect(producer.send({ topic: 'big', messages: [{ value: 'x'.repeat(1000) }] })).rejects.toMatchObject({
      errorCode: ErrorCode.MESSAGE_TOO_LARGE, topic: 'big',
    })
    await expect(producer.send({ topic: 'big', messages: [{ value: 'small' }] })).resolves.toHaveLength(1)
    await producer.close()
  })

  it('gives up after `retries` retries', async () => {
    const { transport } = await setup()
    transport.intercept = async (api, request, next) =>
      api.name === 'Produce' ? answer(request as ProduceRequest, ErrorCode.NOT_ENOUGH_REPLICAS) as never : next()
    const producer = new Producer(transport, { ...fast, retries: 2 })
    await expect(producer.send({ topic: 't', messages: [{ value: 'v' }] })).rejects.toMatchObject({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS })
    expect(transport.requests('Produce')).toHaveLength(3)
    await producer.close()
  })

  it('expires a batch after deliveryTimeoutMs of retries, with the last error as cause', async () => {
    const { transport } = await setup()
    transport.intercept = async (api, request, next) =>
      api.name === 'Produce' ? answer(request as ProduceRequest, ErrorCode.LEADER_NOT_AVAILABLE) as never : next()
    const producer = new Producer(transport, { ...fast, requestTimeoutMs: 100, deliveryTimeoutMs: 200 })
    const started = Date.now()
    const error = await producer.send({ topic: 't', messages: [{ value: 'v' }] }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toMatchObject({ errorCode: ErrorCode.REQUEST_TIMED_OUT })
    expect((error as Error).message).toMatch(/Expiring 1 record\(s\) for t-0: deliveryTimeoutMs \(200 ms\)/)
    expect((error as Error & { cause: unknown }).cause).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE })
    await producer.close()
  })

  it('retries a request that got no response within requestTimeoutMs', async () => {
    const { broker, transport } = await setup()
    let hang = 1
    transport.intercept = async (api, _request, next, options) => {
      if (api.name === 'Produce' && hang-- > 0) {
        return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(options.signal!.reason)))
      }
      return next()
    }
    const producer = new Producer(transport, { ...fast, requestTimeoutMs: 50 })
    await expect(producer.send({ topic: 'slow', messages: [{ value: 'v' }] })).resolves.toMatchObject([{ offset: 0 }])
    expect(transport.requests('Produce')).toHaveLength(2)
    expect(await readRecords(broker, 'slow', 0)).toHaveLength(1)
    await producer.close()
  })

  it('fails at once on a transport error that is not retriable', async () => {
    const { transport } = await setup()
    transport.intercept = async (api, _request, next) => {
      if (api.name === 'Produce') throw new CoreError('CORE_CLOSED', 'The transport is closed')
      return next()
    }
    const producer = new Producer(transport, fast)
    await expect(producer.send({ topic: 't', messages: [{ value: 'v' }] })).rejects.toThrow('The transport is closed')
    transport.intercept = async (api, _request, next) => {
      if (api.name === 'Produce' && transport.requests('Produce').length < 4) throw new KafkaApiError(ErrorCode.NETWORK_EXCEPTION)
      return next()
    }
    await expect(producer.send({ topic: 't', messages: [{ value: 'v' }] })).resolves.toHaveLength(1)
    await producer.close()
  })

  it('keeps unacknowledged bytes under bufferMemory: a send waits until earlier batches are acknowledged', async () => {
    const { broker, transport } = await setup()
    const gate = deferred()
    let peak = 0
    let producer: Producer | undefined
    transport.intercept = async (api, _request, next) => {
      if (api.name !== 'Produce') return next()
      peak = Math.max(peak, producer!.bufferedBytes)
      await gate.promise
      return next()
    }
    producer = new Producer(transport, { ...fast, lingerMs: 60_000, bufferMemory: 3000 })
    const value = 'x'.repeat(100) // 110 bytes a record, as the producer counts it
    const first = producer.send({ topic: 'm', messages: Array.from({ length: 20 }, () => ({ value })) }) // 2200 bytes
    let secondDone = false
    const second = producer.send({ topic: 'm', messages: Array.from({ length: 10 }, () => ({ value })) }).then((r) => {
      secondDone = true
      return r
    })
    await new Promise((r) => setTimeout(r, 50))
    // The second send waits; waiting made the first batch ready despite the long linger.
    expect(transport.requests('Produce')).toHaveLength(1)
    expect(producer.bufferedBytes).toBe(2200)
    expect(secondDone).toBe(false)
    gate.resolve()
    await first
    await producer.flush() // the second send's batch lingers otherwise
    await second
    expect(peak).toBeLessThanOrEqual(3000)
    expect(producer.bufferedBytes).toBe(0)
    expect(await readRecords(broker, 'm', 0)).toHaveLength(30)
    // Larger than the whole budget: refused at once, nothing queued.
    await expect(producer.send({ topic: 'm', messages: Array.from({ length: 30 }, () => ({ value })) })).rejects.toThrow(
      /30 records \(3300 bytes\) is larger than bufferMemory \(3000\)/,
    )
    await producer.close()
  })

  it('keeps batches full while sends wait for memory (backpressure does not shrink batches)', async () => {
    const { broker, transport } = await setup()
    transport.intercept = async (api, _request, next) => {
      if (api.name === 'Produce') await new Promise((r) => setTimeout(r, 5)) // a slow broker
      return next()
    }
    // 20 records of 110 bytes fill a batch; memory holds 25 records; linger would wait forever.
    const producer = new Producer(transport, { ...fast, lingerMs: 60_000, batchSize: 2261, bufferMemory: 2750 })
    const value = 'x'.repeat(100)
    await producer.send({ topic: 'bp', messages: [] })
    const sends = Array.from({ length: 410 }, (_, i) => producer.send({ topic: 'bp', messages: [{ value, partition: 0, timestamp: i + 1 }] }))
    await producer.flush() // the last 10 records would linger
    const results = (await Promise.all(sends)).flat()
    expect(results.map((r) => r.offset)).toEqual(results.map((_, i) => i))
    const batches = await readBatches(broker, 'bp', 0)
    expect(batches.map((b) => b.recordCount)).toEqual([...Array.from({ length: 20 }, () => 20), 10])
    await producer.close()
  })

  it('refuses a record larger than maxRequestSize, alone, with CORE_RECORD_TOO_LARGE', async () => {
    const { broker, transport } = await setup()
    const producer = new Producer(transport, { ...fast, maxRequestSize: 1000 })
    const ok = producer.send({ topic: 'l', messages: [{ value: 'fine' }] })
    await expect(producer.send({ topic: 'l', messages: [{ value: 'ok' }, { value: 'x'.repeat(1000) }] })).rejects.toMatchObject({
      code: 'CORE_RECORD_TOO_LARGE',
    })
    await ok
    expect((await readRecords(broker, 'l', 0)).map((r) => text(r.value))).toEqual(['fine'])
    await producer.close()
  })

  it('keeps at most maxInFlightRequestsPerConnection requests in flight, at most one batch per partition', async () => {
    const { transport } = await setup({ 'num.partitions': 6 })
    const gate = deferred()
    let inFlight = 0
    let peak = 0
    const partitionsInFlight = new Set<number>()
    transport.intercept = async (api, request, next) => {
      if (api.name !== 'Produce') return next()
      const partitions = (request as ProduceRequest).topicData.flatMap((t) => t.partitionData.map((p) => p.index))
      for (const p of partitions) {
        expect(partitionsInFlight.has(p)).toBe(false)
        partitionsInFlight.add(p)
      }
      peak = Math.max(peak, ++inFlight)
      await gate.promise
      inFlight--
      for (const p of partitions) partitionsInFlight.delete(p)
      return next()
    }
    const producer = new Producer(transport, { ...fast, maxInFlightRequestsPerConnection: 2 })
    await producer.send({ topic: 'f', messages: [] }) // metadata known: later sends are queued at once
    const sends = []
    for (let round = 0; round < 3; round++) {
      for (let p = 0; p < 6; p++) {
        sends.push(producer.send({ topic: 'f', messages: [{ value: `${round}`, partition: p }] }))
        await new Promise((r) => setImmediate(r))
      }
    }
    expect(peak).toBe(2)
    gate.resolve()
    const results = (await Promise.all(sends)).flat()
    // Round r went to every partition at offset r: no batch overtook another of its partition.
    expect(results.map((r) => [r.partition, r.offset])).toEqual(results.map((_, i) => [i % 6, Math.floor(i / 6)]))
    await producer.close()
  })

  it('fails the send when a topic does not exist and cannot be created', async () => {
    const { transport } = await setup({ 'auto.create.topics.enable': false })
    const producer = new Producer(transport, fast)
    await expect(producer.send({ topic: 'nope', messages: [{ value: 'v' }] })).rejects.toMatchObject({
      code: 'CORE_UNKNOWN_TOPIC_OR_PARTITION',
    })
    await producer.close()
  })

  it('splits a batch the broker refuses as too large and delivers every record in order; a single record too large fails', async () => {
    const { broker, transport } = await setup()
    await broker.logs.createTopic('small', { partitions: 1, configs: { 'max.message.bytes': 1200 } })
    const producer = new Producer(transport, { ...fast, lingerMs: 20, batchSize: 64 * 1024 })
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(80, i) }))
    const sends = [producer.send({ topic: 'small', messages: messages.slice(0, 30) }), producer.send({ topic: 'small', messages: messages.slice(30) })]
    const results = (await Promise.all(sends)).flat()
    expect(results.map((r) => r.offset)).toEqual(Array.from({ length: 60 }, (_, i) => i))
    const records = await readRecords(broker, 'small', 0)
    expect(records.map((r) => text(r.key))).toEqual(messages.map((m) => m.key))
    expect(records.every((r, i) => r.value!.equals(messages[i].value))).toBe(true)
    const batches = await readBatches(broker, 'small', 0)
    expect(batches.length).toBeGreaterThan(4)
    expect(batches.every((b) => b.sizeInBytes <= 1200)).toBe(true)
    const produces = transport.requests('Produce').length
    await expect(producer.send({ topic: 'small', messages: [{ value: Buffer.alloc(2000) }] })).rejects.toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE })
    expect(transport.requests('Produce').length).toBe(produces + 1)
    await producer.flush()
    await producer.close()
  })

  it('splits a compressed batch refused as too large', async () => {
    const { broker, transport } = await setup()
    await broker.logs.createTopic('small-gzip', { partitions: 1, configs: { 'max.message.bytes': 1500 } })
    const producer = new Producer(transport, { ...fast, lingerMs: 20, compression: 'gzip' })
    const messages = Array.from({ length: 40 }, () => ({ value: randomBytes(100) }))
    const results = await producer.send({ topic: 'small-gzip', messages })
    expect(results.map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i))
    const records = await readRecords(broker, 'small-gzip', 0)
    expect(records.every((r, i) => r.value!.equals(messages[i].value))).toBe(true)
    await producer.close()
  })
})
