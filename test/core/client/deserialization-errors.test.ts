/**
 * What a typed consumer does with records its deserializers reject (`deserializationErrorHandler`):
 * fail, skip, a dead-letter topic and a handler function, with eachMessage, eachBatch and async
 * iteration, on an embedded Creek; where the group's committed offset ends up in each case.
 */
import { describe, expect, it, vi } from 'vitest'
import type { ConsumerRecord } from '../../../core/client/completed-fetch.ts'
import type { Consumer, ConsumerClientOptions } from '../../../core/client/consumer.ts'
import { CONSUMER_DEFAULTS, resolveConsumerConfig } from '../../../core/client/consumer-config.ts'
import type { ConsumerMessage } from '../../../core/client/consumer-runner.ts'
import { DEAD_LETTER_HEADERS } from '../../../core/client/dead-letter-message.ts'
import type { ProducerMessage } from '../../../core/client/producer-message.ts'
import { RecordDeserializationError, toDeserializationError } from '../../../core/client/record-deserialization-error.ts'
import type { Deserializer } from '../../../core/client/serialization.ts'
import { Creek } from '../../../core/creek.ts'
import { CoreError } from '../../../core/errors.ts'
import type { Logger } from '../../../core/logger.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_GROUP, consumerOf, openBroker, produce as produceTo, text, waitFor } from './consumer-helpers.ts'

const CONFIG = { 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 100 }
const TOPIC = 'orders'
const GROUP = 'billing'

/** Values starting with 'bad' do not parse. */
const strict: Deserializer<string | null> = {
  deserialize(_topic, data) {
    if (data === null) return null
    const value = data.toString()
    if (value.startsWith('bad')) throw new SyntaxError(`cannot parse '${value}'`)
    return value
  },
}

const asyncStrict: Deserializer<string | null> = {
  async deserialize(topic, data, headers) {
    await new Promise((resolve) => setImmediate(resolve))
    return strict.deserialize(topic, data, headers)
  },
}

type Mode = 'eachMessage' | 'eachBatch' | 'iterate'
const MODES: readonly Mode[] = ['eachMessage', 'eachBatch', 'iterate']

interface Consumed {
  readonly values: (string | null)[]
  readonly offsets: number[]
  /** eachBatch: the offsets of each batch handed over. */
  readonly batches: number[][]
  error: unknown
}

/**
 * Consumes with `mode` until `count` messages arrived (iteration then ends, committing), or
 * without `count` until the consumer fails.
 */
async function consume<K>(consumer: Consumer<K, string | null>, mode: Mode, count = Infinity): Promise<Consumed> {
  const out: Consumed = { values: [], offsets: [], batches: [], error: undefined }
  const take = (message: ConsumerMessage<K, string | null>): void => {
    out.values.push(message.value)
    out.offsets.push(message.offset)
  }
  if (mode === 'iterate') {
    try {
      for await (const message of consumer) {
        take(message)
        if (out.values.length >= count) break
      }
    } catch (error) {
      out.error = error
    }
    return out
  }
  await consumer.run(mode === 'eachMessage'
    ? { eachMessage: async ({ message }) => take(message) }
    : {
        eachBatch: async ({ batch }) => {
          out.batches.push(batch.messages.map((m) => m.offset))
          for (const message of batch.messages) take(message)
        },
      })
  const crashed = consumer.finished().then(() => new Error('the run ended without failing'), (error: unknown) => error)
  if (count === Infinity) out.error = await crashed
  else await waitFor(() => out.values.length >= count, `${count} messages`)
  return out
}

function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = []
  const noop = (): void => {}
  return { warnings, debug: noop, info: noop, error: noop, warn: (message) => void warnings.push(message) }
}

async function withCreek(fn: (creek: Creek) => Promise<void>, config: Record<string, unknown> = CONFIG): Promise<void> {
  const creek = await Creek.open({ dataDir: tempDir('creek-deser-'), config })
  try {
    await creek.broker.logs.createTopic(TOPIC, { partitions: 1 })
    await fn(creek)
  } finally {
    await creek.close()
  }
}

async function produce(creek: Creek, messages: readonly (ProducerMessage | string)[], topic = TOPIC): Promise<void> {
  const producer = creek.producer({ lingerMs: 0 })
  await producer.send({ topic, messages: messages.map((m) => (typeof m === 'string' ? { value: m } : m)) })
  await producer.close()
}

function typedConsumer(creek: Creek, options: ConsumerClientOptions<Buffer | null, string | null> = {}): Consumer<Buffer | null, string | null> {
  return creek.consumer<Buffer | null, string | null>({ ...FAST_GROUP, groupId: GROUP, autoOffsetReset: 'earliest', value: strict, ...options })
}

/** The group's committed offset of the topic's partition 0, once no member is left (−1: none). */
async function committedOnceEmpty(creek: Creek): Promise<number> {
  const admin = creek.admin()
  await waitFor(async () => (await admin.describeGroups([GROUP]))[0].state === 'Empty', 'the group to be empty')
  const rows = await admin.listGroupOffsets(GROUP)
  await admin.close()
  return rows.find((r) => r.topic === TOPIC && r.partition === 0)?.committedOffset ?? -1
}

/** The first record a fresh raw member of the group reads. */
async function firstRecordOfGroup(creek: Creek): Promise<ConsumerMessage> {
  const consumer = creek.consumer({ ...FAST_GROUP, groupId: GROUP, autoOffsetReset: 'earliest' })
  await consumer.subscribe({ topics: [TOPIC] })
  try {
    for await (const message of consumer) return message
    throw new Error('iteration ended without a record')
  } finally {
    await consumer.close()
  }
}

async function readAll(creek: Creek, topic: string, count: number): Promise<ConsumerMessage[]> {
  const consumer = creek.consumer({ ...FAST_GROUP, autoOffsetReset: 'earliest' })
  consumer.assign([{ topic, partition: 0 }])
  const seen: ConsumerMessage[] = []
  try {
    for await (const message of consumer) {
      seen.push(message)
      if (seen.length === count) break
    }
  } finally {
    await consumer.close()
  }
  return seen
}

describe.each(MODES)('deserialization errors with %s', (mode) => {
  it("'fail' (the default) stops at the bad record with a typed error; the group's committed offset stays at it", async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0', 'ok-1', 'bad-2', 'ok-3'])
      const consumer = typedConsumer(creek)
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, mode)

      expect(consumed.values).toEqual(['ok-0', 'ok-1'])
      if (mode === 'eachBatch') expect(consumed.batches).toEqual([[0, 1]])
      const error = consumed.error as RecordDeserializationError
      expect(error).toBeInstanceOf(RecordDeserializationError)
      expect(error).toMatchObject({ code: 'CORE_DESERIALIZATION', retriable: false, topic: TOPIC, partition: 0, offset: 2, isKey: false })
      expect(error.message).toContain(`topic '${TOPIC}', partition 0, offset 2`)
      expect(error.message).toContain('value')
      expect(error.message).toContain("cannot parse 'bad-2'")
      expect(error.cause).toBeInstanceOf(SyntaxError)

      expect(await committedOnceEmpty(creek)).toBe(2)
      const first = await firstRecordOfGroup(creek)
      expect([first.offset, text(first.value)]).toEqual([2, 'bad-2'])
      expect(consumer.metrics()).toEqual({ skippedRecords: 0, deadLetteredRecords: 0 })
    })
  })

  it("'skip' delivers the other records, warns once per skipped record and commits past them", async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0', 'bad-1', 'ok-2', 'bad-3', 'ok-4'])
      const logger = recordingLogger()
      const consumer = typedConsumer(creek, { deserializationErrorHandler: 'skip', logger, value: asyncStrict })
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, mode, 3)

      expect(consumed.values).toEqual(['ok-0', 'ok-2', 'ok-4'])
      if (mode === 'eachBatch') expect(consumed.batches).toEqual([[0, 2, 4]])
      expect(consumer.metrics()).toEqual({ skippedRecords: 2, deadLetteredRecords: 0 })
      const skips = logger.warnings.filter((w) => w.startsWith('Skipped'))
      expect(skips).toEqual([`Skipped the record at offset 1 of ${TOPIC}-0: it cannot be deserialized`, `Skipped the record at offset 3 of ${TOPIC}-0: it cannot be deserialized`])
      await consumer.close()
      expect(await committedOnceEmpty(creek)).toBe(5)
    })
  })

  it('a dead-letter topic receives the raw record with __creek.errors.* headers; the record then counts as processed', async () => {
    await withCreek(async (creek) => {
      const timestamp = Date.now() - 60_000
      await produce(creek, [
        { key: 'k0', value: 'ok-0' },
        { key: 'k1', value: 'bad-1', headers: [{ key: 'trace', value: 'abc' }, { key: 'trace', value: 'def' }], timestamp },
        { key: 'k2', value: 'ok-2' },
      ])
      const consumer = typedConsumer(creek, { deserializationErrorHandler: { deadLetterTopic: `${TOPIC}.dlt` } })
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, mode, 2)

      expect(consumed.values).toEqual(['ok-0', 'ok-2'])
      if (mode === 'eachBatch') expect(consumed.batches).toEqual([[0, 2]])
      expect(consumer.metrics()).toEqual({ skippedRecords: 0, deadLetteredRecords: 1 })
      const [dead] = await readAll(creek, `${TOPIC}.dlt`, 1)
      expect(text(dead.key)).toBe('k1')
      expect(text(dead.value)).toBe('bad-1')
      expect(dead.timestamp).toBe(timestamp)
      const headers = dead.headerList.map((h) => [h.key, text(h.value)])
      expect(headers.slice(0, 6)).toEqual([
        ['trace', 'abc'],
        ['trace', 'def'],
        [DEAD_LETTER_HEADERS.topic, TOPIC],
        [DEAD_LETTER_HEADERS.partition, '0'],
        [DEAD_LETTER_HEADERS.offset, '1'],
        [DEAD_LETTER_HEADERS.exceptionClassName, 'RecordDeserializationError'],
      ])
      expect(headers[6][0]).toBe('__creek.errors.exception.message')
      expect(headers[6][1]).toMatch(/topic 'orders', partition 0, offset 1: cannot parse 'bad-1'/)
      expect(headers).toHaveLength(7)

      await consumer.close()
      expect(await committedOnceEmpty(creek)).toBe(3)
    })
  })

  it('a handler function gets the typed error and the raw record, and its answer decides', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0', 'bad-1', 'ok-2', 'bad-3', 'ok-4'])
      const calls: [Error, ConsumerRecord][] = []
      const consumer = typedConsumer(creek, {
        deserializationErrorHandler: async (error, record) => {
          calls.push([error, record])
          return record.offset === 1 ? 'skip' : 'fail'
        },
      })
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, mode)

      expect(consumed.values).toEqual(['ok-0', 'ok-2'])
      if (mode === 'eachBatch') expect(consumed.batches).toEqual([[0, 2]])
      expect(calls.map(([error, record]) => [(error as RecordDeserializationError).offset, record.offset, text(record.value)]))
        .toEqual([[1, 1, 'bad-1'], [3, 3, 'bad-3']])
      expect(calls[0][0]).toBeInstanceOf(RecordDeserializationError)
      expect(consumed.error).toBe(calls[1][0])
      expect(consumer.metrics().skippedRecords).toBe(1)
      expect(await committedOnceEmpty(creek)).toBe(3)
    })
  })
})

describe('deserialization errors', () => {
  it('eachBatch without auto-resolve: resolving a message also resolves the dropped records after it', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['bad-0', 'ok-1', 'bad-2', 'bad-3'])
      const consumer = typedConsumer(creek, { deserializationErrorHandler: 'skip' })
      await consumer.subscribe({ topics: [TOPIC] })
      const batches: number[][] = []
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          batches.push(batch.messages.map((m) => m.offset))
          expect([batch.firstOffset(), batch.lastOffset(), batch.isEmpty()]).toEqual([1, 1, false])
          for (const message of batch.messages) resolveOffset(message.offset)
        },
      })
      await waitFor(() => consumer.metrics().skippedRecords === 3, 'three skipped records')
      // Nothing is fetched again: the position is past every record.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(batches).toEqual([[1]])
      expect(consumer.metrics().skippedRecords).toBe(3)
      await consumer.close()
      expect(await committedOnceEmpty(creek)).toBe(4)
    })
  })

  it('a batch whose every record is dropped is not handed over, and its records count as processed', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['bad-0', 'bad-1'])
      const consumer = typedConsumer(creek, { deserializationErrorHandler: 'skip' })
      await consumer.subscribe({ topics: [TOPIC] })
      const batches: number[][] = []
      await consumer.run({ eachBatch: async ({ batch }) => void batches.push(batch.messages.map((m) => m.offset)) })
      await waitFor(() => consumer.metrics().skippedRecords === 2, 'two skipped records')
      await produce(creek, ['ok-2'])
      await waitFor(() => batches.length === 1, 'the next batch')
      expect(batches).toEqual([[2]])
      await consumer.close()
      expect(await committedOnceEmpty(creek)).toBe(3)
    })
  })

  it('names a failing key as the key, and fails an async deserializer the same way', async () => {
    await withCreek(async (creek) => {
      await produce(creek, [{ key: 'bad-key', value: 'ok-0' }])
      const consumer = creek.consumer({ ...FAST_GROUP, groupId: GROUP, autoOffsetReset: 'earliest', key: asyncStrict, value: strict })
      await consumer.subscribe({ topics: [TOPIC] })
      const { error } = await consume(consumer, 'eachMessage')
      expect(error).toMatchObject({ code: 'CORE_DESERIALIZATION', offset: 0, isKey: true })
      expect((error as Error).message).toMatch(/^Cannot deserialize the key of the record at topic 'orders', partition 0, offset 0: cannot parse 'bad-key'/)
    })
  })

  it('a sync handler that answers neither fail nor skip stops the consumer with CORE_INVALID_ARGUMENT', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['bad-0'])
      const consumer = typedConsumer(creek, { deserializationErrorHandler: () => 'retry' as never })
      await consumer.subscribe({ topics: [TOPIC] })
      const { error } = await consume(consumer, 'eachMessage')
      expect(error).toMatchObject({ code: 'CORE_INVALID_ARGUMENT' })
      expect((error as Error).message).toContain('"retry"')
      expect((error as CoreError).cause).toBeInstanceOf(RecordDeserializationError)
      expect(await committedOnceEmpty(creek)).toBe(0)
    })
  })

  it('a handler that throws stops the consumer with its own error', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0', 'bad-1'])
      const broken = new Error('handler broke')
      const consumer = typedConsumer(creek, { deserializationErrorHandler: () => { throw broken } })
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, 'iterate')
      expect(consumed.values).toEqual(['ok-0'])
      expect(consumed.error).toBe(broken)
      expect(await committedOnceEmpty(creek)).toBe(1)
    })
  })

  it('makes the dead-letter producer on the first dead-lettered record and closes it with the consumer', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0'])
      let made = 0
      let closed = 0
      const consumer = typedConsumer(creek, {
        deserializationErrorHandler: { deadLetterTopic: `${TOPIC}.dlt` },
        deadLetterProducer: () => {
          made++
          const producer = creek.producer()
          const close = producer.close.bind(producer)
          vi.spyOn(producer, 'close').mockImplementation(() => {
            closed++
            return close()
          })
          return producer
        },
      })
      await consumer.subscribe({ topics: [TOPIC] })
      const seen: (string | null)[] = []
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value) })
      await waitFor(() => seen.length === 1, 'the good record')
      expect(made).toBe(0)
      await produce(creek, ['bad-1', 'bad-2', 'ok-3'])
      await waitFor(() => seen.length === 2, 'the record after the bad ones')
      expect([made, consumer.metrics().deadLetteredRecords, closed]).toEqual([1, 2, 0])
      await consumer.close()
      expect(closed).toBe(1)
    })
  })

  it('a dead-letter send that fails (the broker does not auto-create the topic) is a fail at the record', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['ok-0', 'bad-1', 'ok-2'])
      const consumer = typedConsumer(creek, {
        deserializationErrorHandler: { deadLetterTopic: 'missing.dlt' },
        // Short metadata retries, so that the missing topic is given up on quickly.
        deadLetterProducer: () => creek.producer({ retryBackoffMs: 1, retryBackoffMaxMs: 5 }),
      })
      await consumer.subscribe({ topics: [TOPIC] })
      const consumed = await consume(consumer, 'eachMessage')
      expect(consumed.values).toEqual(['ok-0'])
      const error = consumed.error as RecordDeserializationError
      expect(error).toBeInstanceOf(RecordDeserializationError)
      expect(error.offset).toBe(1)
      expect(error.message).toMatch(/dead-letter topic 'missing.dlt' failed/)
      expect(error.message).toContain("cannot parse 'bad-1'")
      expect(error.cause).toMatchObject({ code: 'CORE_UNKNOWN_TOPIC_OR_PARTITION' })
      expect(consumer.metrics().deadLetteredRecords).toBe(0)
      expect(await committedOnceEmpty(creek)).toBe(1)
    }, { ...CONFIG, 'auto.create.topics.enable': false })
  })

  it('a consumer built on a bare transport sends dead letters through a producer on that transport', async () => {
    const broker = await openBroker()
    try {
      await broker.logs.createTopic(TOPIC, { partitions: 1 })
      await produceTo(broker, TOPIC, 0, [{ key: 'k', value: 'bad-0' }, 'ok-1'])
      const consumer = consumerOf<Buffer | null, string | null>(broker, {
        clientId: 'bare', autoOffsetReset: 'earliest', value: strict, deserializationErrorHandler: { deadLetterTopic: 'bare.dlt' },
      })
      consumer.assign([{ topic: TOPIC, partition: 0 }])
      const seen: (string | null)[] = []
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value) })
      await waitFor(() => seen.length === 1, 'the good record')
      expect(consumer.metrics().deadLetteredRecords).toBe(1)
      await consumer.close()
      expect(broker.logs.log('bare.dlt', 0)?.logEndOffset).toBe(1)
    } finally {
      await broker.close()
    }
  })

  it('a consumer without deserializers hands out every record as it is, whatever the handler', async () => {
    await withCreek(async (creek) => {
      await produce(creek, ['bad-0'])
      const consumer = creek.consumer({ ...FAST_GROUP, groupId: GROUP, autoOffsetReset: 'earliest', deserializationErrorHandler: 'skip' })
      await consumer.subscribe({ topics: [TOPIC] })
      const seen: ConsumerMessage[] = []
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) })
      await waitFor(() => seen.length === 1, 'the record')
      expect(text(seen[0].value)).toBe('bad-0')
      expect(consumer.metrics()).toEqual({ skippedRecords: 0, deadLetteredRecords: 0 })
    })
  })
})

describe('deserializationErrorHandler option', () => {
  it("defaults to 'fail' and keeps what it is given", () => {
    expect(CONSUMER_DEFAULTS.deserializationErrorHandler).toBe('fail')
    expect(resolveConsumerConfig({}).deserializationErrorHandler).toBe('fail')
    expect(resolveConsumerConfig({ deserializationErrorHandler: 'skip' }).deserializationErrorHandler).toBe('skip')
    const handler = (): 'skip' => 'skip'
    expect(resolveConsumerConfig({ deserializationErrorHandler: handler }).deserializationErrorHandler).toBe(handler)
    const dlt = resolveConsumerConfig({ deserializationErrorHandler: { deadLetterTopic: 'orders.DLT' } }).deserializationErrorHandler
    expect(dlt).toEqual({ deadLetterTopic: 'orders.DLT' })
    expect(Object.isFrozen(dlt)).toBe(true)
  })

  it('rejects anything else with CORE_INVALID_CONFIG', () => {
    for (const bad of ['retry', 42, { deadLetterTopic: '' }, { deadLetterTopic: 'a/b' }, { topic: 'dlt' }, { deadLetterTopic: 'dlt', extra: 1 }]) {
      expect(() => resolveConsumerConfig({ deserializationErrorHandler: bad as never }), JSON.stringify(bad))
        .toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG', message: expect.stringContaining('deserializationErrorHandler') }))
    }
  })
})

describe('toDeserializationError', () => {
  const record: ConsumerRecord = {
    topic: 't', partition: 3, offset: 42, key: null, value: Buffer.from('x'), headers: {}, headerList: [], timestamp: 0, timestampType: 'CreateTime',
  }

  it("uses an error's own withRecord to attach partition and offset", () => {
    const attached = new CoreError('CORE_INVALID_ARGUMENT', 'attached')
    const calls: unknown[] = []
    const error = Object.assign(new Error('serde'), { withRecord: (r: unknown) => (calls.push(r), attached) })
    expect(toDeserializationError(record, false, error)).toBe(attached)
    expect(calls).toEqual([{ partition: 3, offset: 42 }])
  })

  it('wraps anything else, including a withRecord that fails', () => {
    const broken = Object.assign(new Error('serde'), { withRecord: () => { throw new Error('nope') } })
    for (const cause of [broken, 'a string']) {
      const error = toDeserializationError(record, false, cause) as RecordDeserializationError
      expect(error).toBeInstanceOf(RecordDeserializationError)
      expect(error).toMatchObject({ topic: 't', partition: 3, offset: 42, isKey: false, cause })
    }
  })
})
