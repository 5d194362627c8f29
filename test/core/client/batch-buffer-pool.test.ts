import { describe, expect, it } from 'vitest'
import { BatchBufferPool } from '../../../core/client/batch-buffer-pool.ts'
import { Producer } from '../../../core/client/producer.ts'
import type { ProduceRequest } from '../../../core/protocol/apis/produce.ts'
import { ErrorCode, KafkaApiError } from '../../../core/protocol/error-codes.ts'
import { InterceptingTransport, openBroker, readRecords } from '../../helpers/clients.ts'

describe('BatchBufferPool', () => {
  it('hands back released buffers of the poolable size only, and keeps at most maxBuffers', () => {
    const pool = new BatchBufferPool(1000, 2)
    const a = pool.allocate(1000)
    const b = pool.allocate(600) // more than half: poolable size, so that it can come back
    const small = pool.allocate(100)
    const large = pool.allocate(1001)
    expect([a.length, b.length, small.length, large.length]).toEqual([1000, 1000, 100, 1001])
    pool.release(small)
    pool.release(large)
    expect(pool.size).toBe(0)
    pool.release(a)
    pool.release(b)
    pool.release(Buffer.allocUnsafe(1000))
    expect(pool.size).toBe(2)
    expect(pool.allocate(10)).toBe(b)
    expect(pool.allocate(1000)).toBe(a)
    expect(pool.allocate(1001)).not.toBe(a)
    const none = new BatchBufferPool(1000, 0)
    expect(none.allocate(600).length).toBe(600)
    none.release(a)
    expect(none.size).toBe(0)
  })
})

/** A transport that, as Creek's own, keeps nothing of a request once answered (the test only looks at identities). */
class ReleasingTransport extends InterceptingTransport {
  readonly releasesRequestBuffers = true
}

/** Produce requests' batch buffers (their ArrayBuffers: a reused batch buffer is the same one). */
function batchMemory(transport: InterceptingTransport): ArrayBufferLike[] {
  return (transport.requests('Produce') as ProduceRequest[])
    .flatMap((r) => r.topicData.flatMap((t) => t.partitionData.map((p) => p.records!.buffer)))
}

const value = (i: number): Buffer => Buffer.from(`record ${i} `.padEnd(100, String.fromCharCode(97 + (i % 26))))

describe('Producer batch buffers', () => {
  it('reuses the buffer of an acknowledged batch for a later one, and every record reads back as sent', async () => {
    const { broker, transport: inner } = await openBroker({ 'num.partitions': 1 })
    expect(inner.releasesRequestBuffers).toBe(true)
    const transport = new ReleasingTransport(inner)
    const producer = new Producer(transport, { acks: 1, lingerMs: 0, batchSize: 8192 })
    let n = 0
    for (let send = 0; send < 20; send++) {
      await producer.send({ topic: 'reuse', messages: Array.from({ length: 150 }, () => ({ value: value(n++) })) })
    }
    const memory = batchMemory(transport)
    expect(new Set(memory).size).toBeLessThan(memory.length)
    const records = await readRecords(broker, 'reuse', 0)
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(records.every((r, i) => r.value!.equals(value(i)))).toBe(true)
    await producer.close()
  })

  it('never reuses a batch buffer over a transport that may keep requests', async () => {
    const { transport: inner } = await openBroker({ 'num.partitions': 1 })
    const transport = new InterceptingTransport(inner)
    const producer = new Producer(transport, { acks: 1, lingerMs: 0, batchSize: 8192 })
    for (let send = 0; send < 10; send++) {
      await producer.send({ topic: 'kept', messages: Array.from({ length: 150 }, (_, i) => ({ value: value(i) })) })
    }
    const memory = batchMemory(transport)
    expect(new Set(memory).size).toBe(memory.length)
    await producer.close()
  })

  it('does not reuse a batch buffer after acks = 0 or a retried attempt', async () => {
    const { broker, transport: inner } = await openBroker({ 'num.partitions': 1 })
    const transport = new ReleasingTransport(inner)
    let calls = 0
    // Every other first attempt fails retriably (after the broker wrote nothing).
    transport.intercept = (api, request, next) => {
      if (api.name === 'Produce' && calls++ % 2 === 0) {
        return Promise.reject(new KafkaApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'not now'))
      }
      return next()
    }
    const retried = new Producer(transport, { acks: 1, lingerMs: 0, batchSize: 8192, retryBackoffMs: 1 })
    let n = 0
    for (let send = 0; send < 6; send++) {
      await retried.send({ topic: 'once', messages: Array.from({ length: 150 }, () => ({ value: value(n++) })) })
    }
    await retried.close()
    const afterRetries = batchMemory(transport)
    transport.intercept = null
    transport.sent.length = 0
    const unacknowledged = new Producer(transport, { acks: 0, lingerMs: 0, batchSize: 8192 })
    for (let send = 0; send < 6; send++) {
      await unacknowledged.send({ topic: 'once', messages: Array.from({ length: 150 }, () => ({ value: value(n++) })) })
    }
    await unacknowledged.flush()
    await unacknowledged.close()
    // A retried batch is sent twice from one buffer; no buffer ever serves two batches.
    expect(new Set(afterRetries).size).toBe(afterRetries.length / 2)
    expect(new Set(batchMemory(transport)).size).toBe(batchMemory(transport).length)
    await new Promise((r) => setTimeout(r, 20))
    const records = await readRecords(broker, 'once', 0)
    expect(records.every((r, i) => r.value!.equals(value(i)))).toBe(true)
    expect(records).toHaveLength(n)
  })
})
