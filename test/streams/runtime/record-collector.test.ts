import { describe, expect, it } from 'vitest'
import { CoreError, type ProducerSendBatch, type RecordMetadata, TopicPartitionError, silentLogger } from '../../../core/index.ts'
import type { StreamsError } from '../../../streams/errors.ts'
import type { ExceptionHandler, FailedRecordContext } from '../../../streams/runtime/config.ts'
import { STREAMS_ERROR_HEADERS } from '../../../streams/runtime/production-handler.ts'
import { type OutputProducer, RECORD_OVERHEAD_BYTES, RecordCollector } from '../../../streams/runtime/record-collector.ts'

/** A producer that writes to in-memory partitions and fails what `fail` says. */
class FakeProducer implements OutputProducer {
  readonly written: { topic: string; partition: number; offset: number; value: string | null; headers?: unknown }[] = []
  readonly sends: ProducerSendBatch[] = []
  readonly #next = new Map<string, number>()
  fail: (topic: string, value: string | null, batchSize: number) => Error | null = () => null

  async sendBatch(request: ProducerSendBatch): Promise<RecordMetadata[]> {
    this.sends.push(request)
    await Promise.resolve()
    const size = request.topicMessages.reduce((n, tm) => n + tm.messages.length, 0)
    for (const tm of request.topicMessages) {
      for (const m of tm.messages) {
        const error = this.fail(tm.topic, m.value === null ? null : m.value.toString(), size)
        if (error) throw error
      }
    }
    const out: RecordMetadata[] = []
    for (const tm of request.topicMessages) {
      for (const m of tm.messages) {
        const partition = m.partition ?? 0
        const key = `${tm.topic}-${partition}`
        const offset = this.#next.get(key) ?? 0
        this.#next.set(key, offset + 1)
        this.written.push({ topic: tm.topic, partition, offset, value: m.value === null ? null : m.value.toString(), headers: m.headers })
        out.push({ topic: tm.topic, partition, offset, timestamp: 0 })
      }
    }
    return out
  }

  async flush(): Promise<void> {}
}

function collector(producer: FakeProducer, handler: ExceptionHandler<FailedRecordContext> = 'log-and-fail', maxPending = 1000): RecordCollector {
  return new RecordCollector({ producer, handler, logger: silentLogger, trackedTopics: new Set(['app-s-changelog']), maxPending })
}
const v = (s: string): Buffer => Buffer.from(s)

describe('RecordCollector', () => {
  it('sends queued records in order, in batches, and keeps the acknowledged offsets of changelogs', async () => {
    const producer = new FakeProducer()
    const c = collector(producer, 'log-and-fail', 3)
    c.send('out', null, v('a'), [], 1)
    c.send('app-s-changelog', v('k'), v('1'), [], 1, 2)
    c.send('out', null, v('b'), [], 1)
    c.send('app-s-changelog', v('k'), v('2'), [], 1, 2)
    expect(producer.sends).toHaveLength(2) // maxPending reached once: one send per topic
    await c.flush()
    expect(producer.sends).toHaveLength(3)
    expect(producer.written.filter((w) => w.topic === 'out').map((w) => w.value)).toEqual(['a', 'b'])
    expect(c.lastOffset('app-s-changelog', 2)).toBe(1)
    expect(c.lastOffset('out', 0)).toBeUndefined()
  })

  it('fails the flush (STREAMS_PRODUCTION) with log-and-fail, and every later send', async () => {
    const producer = new FakeProducer()
    producer.fail = (topic) => (topic === 'bad' ? new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', 'no such topic') : null)
    const c = collector(producer)
    c.send('bad', null, v('x'), [], 1)
    const error = await c.flush().catch((e: unknown) => e)
    expect((error as StreamsError).code).toBe('STREAMS_PRODUCTION')
    expect((error as Error).message).toMatch(/topic 'bad'/)
    expect(() => c.send('out', null, v('y'), [], 1)).toThrow(/could not be produced/)
  })

  it('drops the record with log-and-continue', async () => {
    const producer = new FakeProducer()
    producer.fail = (topic) => (topic === 'bad' ? new Error('nope') : null)
    const c = collector(producer, 'log-and-continue')
    c.send('bad', null, v('x'), [], 1)
    await c.flush()
    c.send('out', null, v('y'), [], 1)
    await c.flush()
    expect(producer.written.map((w) => w.value)).toEqual(['y'])
  })

  it('retries a send refused as a whole record by record, so only the bad record reaches the handler', async () => {
    const producer = new FakeProducer()
    producer.fail = (_topic, value, size) => (value === 'huge' && size >= 1 ? new CoreError('CORE_RECORD_TOO_LARGE', 'too large') : null)
    const seen: FailedRecordContext[] = []
    const c = collector(producer, (_error, context) => {
      seen.push(context)
      return 'continue'
    })
    c.send('out', null, v('a'), [], 1)
    c.send('out', null, v('huge'), [], 1, 0)
    c.send('out', null, v('b'), [], 1)
    await c.flush()
    expect(producer.written.map((w) => w.value).sort()).toEqual(['a', 'b'])
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ topic: 'out', partition: 0, offset: -1, value: v('huge') })
  })

  it('hands every record of a topic the producer refuses to the handler, and writes the other topics', async () => {
    const producer = new FakeProducer()
    producer.fail = (topic) => (topic === 'missing' ? new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', "topic 'missing' does not exist") : null)
    const seen: string[] = []
    const c = collector(producer, (_error, context) => {
      seen.push(context.value!.toString())
      return 'continue'
    })
    c.send('out', null, v('a'), [], 1)
    c.send('missing', null, v('x'), [], 1)
    c.send('out', null, v('b'), [], 1)
    c.send('missing', null, v('y'), [], 1)
    await c.flush()
    expect(producer.written.map((w) => w.value)).toEqual(['a', 'b'])
    expect(seen).toEqual(['x', 'y'])
  })

  it('decides once for the partition a broker refused', async () => {
    const producer = new FakeProducer()
    producer.fail = (topic) => (topic === 'out' ? new TopicPartitionError(6, 'out', 1) : null)
    const seen: FailedRecordContext[] = []
    const c = collector(producer, (_error, context) => {
      seen.push(context)
      return 'continue'
    })
    c.send('out', null, v('a'), [], 1, 0)
    c.send('out', null, v('b'), [], 1, 1)
    c.send('out', null, v('c'), [], 1, 1)
    await c.flush()
    expect(seen.map((x) => x.value!.toString())).toEqual(['b'])
  })

  it('writes to the dead-letter topic with __streams.errors headers, then continues', async () => {
    const producer = new FakeProducer()
    producer.fail = (topic) => (topic === 'bad' ? new Error('refused') : null)
    const c = collector(producer, { deadLetterTopic: 'dlq' })
    c.send('bad', v('k'), v('x'), [{ key: 'orig', value: v('1') }], 1)
    await c.flush()
    const dead = producer.written.find((w) => w.topic === 'dlq')!
    expect(dead.value).toBe('x')
    const headers = dead.headers as { key: string; value: Buffer }[]
    expect(headers[0].key).toBe('orig')
    expect(headers.find((h) => h.key === STREAMS_ERROR_HEADERS.topic)?.value.toString()).toBe('bad')
    expect(headers.find((h) => h.key === STREAMS_ERROR_HEADERS.exceptionMessage)?.value.toString()).toBe('refused')
  })

  it('treats a throwing or odd handler as fail', async () => {
    for (const handler of [() => { throw new Error('handler bug') }, () => 'maybe' as never]) {
      const producer = new FakeProducer()
      producer.fail = () => new Error('refused')
      const c = collector(producer, handler)
      c.send('out', null, v('x'), [], 1)
      await expect(c.flush()).rejects.toMatchObject({ code: 'STREAMS_PRODUCTION' })
    }
  })

  it('counts the bytes waiting for acknowledgement and has no capacity above maxBufferedBytes until acks come', async () => {
    const producer = new FakeProducer()
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const send = producer.sendBatch.bind(producer)
    const handedOver: number[] = []
    producer.sendBatch = async (request) => {
      handedOver.push(request.topicMessages[0].messages.length)
      await gate
      return send(request)
    }
    const perRecord = RECORD_OVERHEAD_BYTES + 10
    const c = new RecordCollector({ producer, handler: 'log-and-fail', logger: silentLogger, trackedTopics: new Set(), maxBufferedBytes: perRecord * 8 })
    for (let i = 0; i < 8; i++) c.send('out', null, v('0123456789'), [], 1)
    expect(c.bufferedBytes).toBe(perRecord * 8)
    expect(c.hasCapacity).toBe(true)
    c.send('out', null, v('0123456789'), [], 1)
    expect(c.hasCapacity).toBe(false)
    // A quarter of the budget queued is handed over at once, so no send outgrows the producer's buffer.
    expect(handedOver).toEqual([2, 2, 2, 2])
    let ready = false
    const waiting = c.waitForCapacity().then(() => {
      ready = true
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(ready).toBe(false)
    open()
    await waiting
    expect(c.hasCapacity).toBe(true)
    await c.flush()
    expect(c.bufferedBytes).toBe(0)
    expect(producer.written).toHaveLength(9)
  })

  it('gives the capacity of failed sends back, and of discarded ones', async () => {
    const producer = new FakeProducer()
    producer.fail = () => new Error('refused')
    const c = new RecordCollector({ producer, handler: 'log-and-continue', logger: silentLogger, trackedTopics: new Set(), maxBufferedBytes: 100 })
    c.send('out', null, v('x'.repeat(200)), [], 1)
    expect(c.hasCapacity).toBe(false)
    await c.waitForCapacity()
    expect(c.bufferedBytes).toBe(0)
    const d = new RecordCollector({ producer, handler: 'log-and-continue', logger: silentLogger, trackedTopics: new Set(), maxPending: 10, maxBufferedBytes: 10_000 })
    d.send('out', null, v('y'), [], 1)
    expect(d.bufferedBytes).toBeGreaterThan(0)
    d.discardPending()
    expect(d.bufferedBytes).toBe(0)
  })
})
