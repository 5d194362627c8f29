/**
 * A consumer with a real Avro serde meeting corrupt records: the error it raises (or hands to
 * its deserializationErrorHandler) is the serde's own SerdesError with the record's topic,
 * partition and offset attached by the consumer (core only duck-types `withRecord`), and the
 * schema id where the bytes name one.
 */
import { describe, expect, it } from 'vitest'
import { type Consumer, type ConsumerClientOptions, type ConsumerMessage, Creek } from '../../core/index.ts'
import { InMemorySchemaRegistry, SerdesError, serdes } from '../../serdes/index.ts'
import { tempDir } from '../helpers/temp-dir.ts'

const CONFIG = { 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 100 }
const FAST = { sessionTimeoutMs: 1000, heartbeatIntervalMs: 50, fetchMaxWaitMs: 50, retryBackoffMs: 20, retryBackoffMaxMs: 200 }
const TOPIC = 'payments'

interface Payment {
  id: string
  cents: number
}

const paymentSchema = {
  type: 'record', name: 'Payment', namespace: 'billing',
  fields: [{ name: 'id', type: 'string' }, { name: 'cents', type: 'int' }],
}

/** Writes one good Avro record, then corrupt ones: bad magic byte, unknown schema id, truncated datum. Resolves the good schema id. */
async function writeRecords(creek: Creek, registry: InMemorySchemaRegistry): Promise<number> {
  await creek.broker.logs.createTopic(TOPIC, { partitions: 1 })
  const typed = creek.producer({ key: serdes.string(), value: serdes.avro<Payment>({ registry, schema: paymentSchema }) })
  await typed.send({ topic: TOPIC, messages: [{ key: 'p-0', value: { id: 'p-0', cents: 100 } }] })
  const id = (await registry.getLatest(`${TOPIC}-value`)).id
  const raw = creek.producer({ lingerMs: 0 })
  const header = (magic: number, schemaId: number): Buffer => {
    const bytes = Buffer.alloc(5)
    bytes[0] = magic
    bytes.writeInt32BE(schemaId, 1)
    return bytes
  }
  await raw.send({
    topic: TOPIC,
    messages: [
      { key: 'p-1', value: Buffer.concat([header(1, id), Buffer.from([2, 0x61, 4])]) },
      { key: 'p-2', value: Buffer.concat([header(0, 99), Buffer.from([2, 0x61, 4])]) },
      { key: 'p-3', value: header(0, id) },
    ],
  })
  return id
}

function typedConsumer(
  creek: Creek, registry: InMemorySchemaRegistry, options: ConsumerClientOptions<string | null, Payment | null> = {},
): Consumer<string | null, Payment | null> {
  return creek.consumer<string | null, Payment | null>({
    ...FAST, groupId: 'billing', autoOffsetReset: 'earliest',
    key: serdes.string(), value: serdes.avro<Payment>({ registry, schema: paymentSchema }),
    ...options,
  })
}

describe('a consumer with an Avro serde and corrupt records', () => {
  it('fails with the SerdesError, completed with topic, partition and offset', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const registry = new InMemorySchemaRegistry()
      await writeRecords(creek, registry)
      const consumer = typedConsumer(creek, registry)
      await consumer.subscribe({ topics: [TOPIC] })
      const seen: ConsumerMessage<string | null, Payment | null>[] = []
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) })
      const error = await consumer.finished().then(() => null, (e: unknown) => e)

      expect(seen.map((m) => m.value)).toEqual([{ id: 'p-0', cents: 100 }])
      expect(error).toBeInstanceOf(SerdesError)
      expect(error).toMatchObject({ code: 'SERDES_UNKNOWN_MAGIC_BYTE', topic: TOPIC, partition: 0, offset: 1, isKey: false, schemaId: undefined })
      expect((error as SerdesError).message).toContain(`(topic "${TOPIC}", partition 0, offset 1, value)`)
      // Where the consumer stopped: a new member of the group starts at the bad record.
      const admin = creek.admin()
      await expect.poll(async () => (await admin.describeGroups(['billing']))[0].state).toBe('Empty')
      expect((await admin.listGroupOffsets('billing')).map((c) => c.committedOffset)).toEqual([1])
    } finally {
      await creek.close()
    }
  })

  it('hands each SerdesError, with the schema id when the bytes name one, to the handler', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const registry = new InMemorySchemaRegistry()
      const id = await writeRecords(creek, registry)
      const errors: Error[] = []
      const consumer = typedConsumer(creek, registry, {
        deserializationErrorHandler: (error) => {
          errors.push(error)
          return 'skip'
        },
      })
      await consumer.subscribe({ topics: [TOPIC] })
      const seen: ConsumerMessage<string | null, Payment | null>[] = []
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) })
      await expect.poll(() => errors.length).toBe(3)

      expect(seen).toHaveLength(1)
      for (const error of errors) expect(error).toBeInstanceOf(SerdesError)
      expect(errors.map((e) => {
        const { code, topic, partition, offset, schemaId, isKey } = e as SerdesError
        return { code, topic, partition, offset, schemaId, isKey }
      })).toEqual([
        { code: 'SERDES_UNKNOWN_MAGIC_BYTE', topic: TOPIC, partition: 0, offset: 1, schemaId: undefined, isKey: false },
        { code: 'SERDES_SCHEMA_NOT_FOUND', topic: TOPIC, partition: 0, offset: 2, schemaId: 99, isKey: false },
        { code: 'SERDES_DESERIALIZATION', topic: TOPIC, partition: 0, offset: 3, schemaId: id, isKey: false },
      ])
      expect(errors[1].message).toContain(`(topic "${TOPIC}", partition 0, offset 2, value, schema id 99)`)
      expect(consumer.metrics().skippedRecords).toBe(3)
    } finally {
      await creek.close()
    }
  })

  it('dead-letters the raw bytes with the SerdesError named in the headers', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const registry = new InMemorySchemaRegistry()
      await writeRecords(creek, registry)
      const consumer = typedConsumer(creek, registry, { deserializationErrorHandler: { deadLetterTopic: `${TOPIC}.dlt` } })
      await consumer.subscribe({ topics: [TOPIC] })
      await consumer.run({ eachMessage: async () => undefined })
      await expect.poll(() => consumer.metrics().deadLetteredRecords).toBe(3)

      const reader = creek.consumer({ ...FAST, autoOffsetReset: 'earliest' })
      reader.assign([{ topic: `${TOPIC}.dlt`, partition: 0 }])
      const dead: ConsumerMessage[] = []
      for await (const message of reader) {
        dead.push(message)
        if (dead.length === 3) break
      }
      expect(dead.map((m) => m.key?.toString())).toEqual(['p-1', 'p-2', 'p-3'])
      expect(dead[1].value?.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 99]))
      const headers = (m: ConsumerMessage): Record<string, string | undefined> =>
        Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v?.toString()]))
      expect(headers(dead[1])).toMatchObject({
        '__creek.errors.topic': TOPIC,
        '__creek.errors.partition': '0',
        '__creek.errors.offset': '2',
        '__creek.errors.exception.class.name': 'SerdesError',
      })
      expect(headers(dead[1])['__creek.errors.exception.message']).toContain('schema id 99')
    } finally {
      await creek.close()
    }
  })
})
