import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { Creek, type ConsumerMessage, type Deserializer, type Serializer, type TypedProducer } from '../../core/index.ts'
import { InMemorySchemaRegistry, type Serde, type SyncSerde, serdes } from '../../serdes/index.ts'
import { tempDir } from '../helpers/temp-dir.ts'

const CONFIG = { 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 }

interface Payment {
  id: string
  cents: number
  at: Date
}

const paymentSchema = {
  type: 'record', name: 'Payment', namespace: 'billing',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'int' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
}

describe('serdes types', () => {
  it('gives each factory the value type it names', () => {
    const registry = new InMemorySchemaRegistry()
    expectTypeOf(serdes.avro<Payment>({ registry, schema: paymentSchema })).toEqualTypeOf<Serde<Payment>>()
    expectTypeOf(serdes.protobuf<Payment>({ registry, schema: 'syntax = "proto3"; message P {}' })).toEqualTypeOf<Serde<Payment>>()
    expectTypeOf(serdes.jsonSchema<Payment>({ schema: {} })).toEqualTypeOf<Serde<Payment>>()
    expectTypeOf(serdes.json<Payment>()).toEqualTypeOf<SyncSerde<Payment>>()
    expectTypeOf(serdes.string()).toEqualTypeOf<SyncSerde<string>>()
    expectTypeOf(serdes.int64()).toEqualTypeOf<SyncSerde<bigint>>()
    expectTypeOf(serdes.void()).toEqualTypeOf<SyncSerde<null>>()
    // A serde is core's Serializer and Deserializer (null included: tombstones).
    expectTypeOf(serdes.avro<Payment>({ registry, schema: paymentSchema })).toExtend<Serializer<Payment | null>>()
    expectTypeOf(serdes.avro<Payment>({ registry, schema: paymentSchema })).toExtend<Deserializer<Payment | null>>()
    expectTypeOf(serdes.avro<Payment>({ registry, schema: paymentSchema })).not.toExtend<Serde<{ other: true }>>()
  })
})

describe('typed producer and consumer on an embedded broker', () => {
  it('writes Avro in the Confluent format and reads typed values back', async () => {
    const creek = await Creek.open({ dataDir: tempDir(), config: CONFIG })
    try {
      const registry = new InMemorySchemaRegistry()
      const producer = creek.producer({ key: serdes.string(), value: serdes.avro<Payment>({ registry, schema: paymentSchema }) })
      expectTypeOf(producer).toEqualTypeOf<TypedProducer<string | null, Payment | null>>()
      const payments: Payment[] = [
        { id: 'p-1', cents: 1250, at: new Date('2024-01-02T03:04:05.006Z') },
        { id: 'p-2', cents: 99, at: new Date('2024-01-02T03:04:06.007Z') },
      ]
      await producer.send({ topic: 'payments', messages: payments.map((value) => ({ key: value.id, value })) })
      await producer.send({ topic: 'payments', messages: [{ key: 'p-1', value: null }] })

      // The bytes in the log are the Confluent wire format with the registered id.
      const id = (await registry.getLatest('payments-value')).id
      const raw = creek.consumer({ autoOffsetReset: 'earliest' })
      raw.assign([{ topic: 'payments', partition: 0 }])
      const rawSeen: (Buffer | null)[] = []
      await raw.run({ eachMessage: async ({ message }) => void rawSeen.push(message.value) })
      await vi.waitFor(() => expect(rawSeen).toHaveLength(3))
      await raw.stop()
      expect(rawSeen[0]!.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, id]))
      expect(rawSeen[2]).toBeNull()

      const consumer = creek.consumer({
        groupId: 'billing', autoOffsetReset: 'earliest',
        key: serdes.string(), value: serdes.avro<Payment>({ registry, schema: paymentSchema }),
      })
      await consumer.subscribe({ topics: ['payments'] })
      const seen: ConsumerMessage<string | null, Payment | null>[] = []
      await consumer.run({
        eachMessage: async ({ message }) => {
          expectTypeOf(message.value).toEqualTypeOf<Payment | null>()
          seen.push(message)
        },
      })
      await vi.waitFor(() => expect(seen).toHaveLength(3))
      expect(seen.map((m) => [m.key, m.value])).toEqual([['p-1', payments[0]], ['p-2', payments[1]], ['p-1', null]])
      expect(seen[0].value!.at).toBeInstanceOf(Date)
    } finally {
      await creek.close()
    }
  })
})
