import { describe, expect, it } from 'vitest'
import { PRODUCER_DEFAULTS, resolveProducerConfig } from '../../../core/client/producer-config.ts'
import { Producer } from '../../../core/client/producer.ts'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'

describe('resolveProducerConfig', () => {
  it("applies Kafka's defaults", () => {
    const config = resolveProducerConfig({})
    expect(config).toMatchObject({
      acks: -1, lingerMs: 5, batchSize: 16_384, bufferMemory: 33_554_432, maxRequestSize: 1_048_576, compression: 0,
      requestTimeoutMs: 30_000, deliveryTimeoutMs: 120_000, retries: Infinity, retryBackoffMs: 100, retryBackoffMaxMs: 1000,
      maxInFlightRequestsPerConnection: 5, metadataMaxAgeMs: 300_000, allowAutoTopicCreation: true, partitioner: undefined,
    })
    expect(config.clientId).toMatch(/^creek-producer-\d+$/)
    expect(PRODUCER_DEFAULTS.acks).toBe(-1)
  })

  it('maps acks "all" to -1 and compression names to codec ids', () => {
    expect(resolveProducerConfig({ acks: 'all' }).acks).toBe(-1)
    expect(resolveProducerConfig({ acks: 0 }).acks).toBe(0)
    expect(resolveProducerConfig({ compression: 'zstd' }).compression).toBe(4)
  })

  it('grows a default deliveryTimeoutMs to fit lingerMs + requestTimeoutMs, refuses an explicit one that does not', () => {
    expect(resolveProducerConfig({ lingerMs: 100_000, requestTimeoutMs: 30_000 }).deliveryTimeoutMs).toBe(130_000)
    expect(() => resolveProducerConfig({ lingerMs: 10, requestTimeoutMs: 100, deliveryTimeoutMs: 50 })).toThrow(
      /deliveryTimeoutMs: 50 must be ≥ lingerMs \+ requestTimeoutMs \(110\)/,
    )
  })

  it.each([
    [{ acks: 2 }, /acks: 2/],
    [{ acks: 'leader' }, /acks: leader/],
    [{ lingerMs: -1 }, /lingerMs: -1 is not an integer/],
    [{ batchSize: 1.5 }, /batchSize: 1.5/],
    [{ bufferMemory: 0 }, /bufferMemory: 0/],
    [{ maxRequestSize: '1MB' }, /maxRequestSize: 1MB/],
    [{ compression: 'brotli' }, /compression: .*'gzip'/],
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs/],
    [{ retries: -1 }, /retries: -1/],
    [{ retryBackoffMs: NaN }, /retryBackoffMs: NaN/],
    [{ maxInFlightRequestsPerConnection: 0 }, /maxInFlightRequestsPerConnection: 0/],
    [{ partitioner: 'murmur2' }, /partitioner: expected a function/],
    [{ allowAutoTopicCreation: 'yes' }, /allowAutoTopicCreation/],
    [{ clientId: '' }, /clientId/],
    [{ lingerMS: 5 }, /'lingerMS': unknown/],
  ])('refuses %o with CORE_INVALID_CONFIG', (options, message) => {
    expect(() => resolveProducerConfig(options as never)).toThrow(message)
    expect(() => resolveProducerConfig(options as never)).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
  })

  it('is checked when a producer is built', () => {
    const transport = {} as InProcessTransport
    expect(() => new Producer(transport, { batchSize: -5 })).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
  })
})
