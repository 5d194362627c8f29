import { describe, expect, it } from 'vitest'
import { Producer } from '../../../core/client/producer.ts'
import type { Serializer } from '../../../core/client/serialization.ts'
import { TypedProducer } from '../../../core/client/typed-producer.ts'
import { openBroker, readRecords } from '../../helpers/clients.ts'

interface Order {
  readonly id: number
  readonly total: number
}

const stringSerializer: Serializer<string> = { serialize: (_topic, value) => Buffer.from(value, 'utf8') }
const jsonSerializer: Serializer<Order | null> = {
  serialize: (_topic, value, headers) => {
    headers.push({ key: 'content-type', value: Buffer.from('application/json') })
    return value === null ? null : Buffer.from(JSON.stringify(value))
  },
}

describe('TypedProducer', () => {
  it('serializes keys and values (serializers may add headers), then produces through the wrapped producer', async () => {
    const { broker, transport } = await openBroker()
    const producer = new TypedProducer(new Producer(transport), { key: stringSerializer, value: jsonSerializer })
    const results = await producer.send({
      topic: 'orders',
      messages: [
        { key: 'o-1', value: { id: 1, total: 42 }, headers: { source: 'test' } },
        { value: { id: 2, total: 7 } },
        { key: 'o-1', value: null },
      ],
    })
    expect(results.map((r) => r.offset)).toEqual([0, 1, 2])
    const records = await readRecords(broker, 'orders', 0)
    expect(records.map((r) => r.key?.toString() ?? null)).toEqual(['o-1', null, 'o-1'])
    expect(JSON.parse(records[0].value!.toString())).toEqual({ id: 1, total: 42 })
    expect(records[2].value).toBeNull()
    expect(records[0].headers.map((h) => `${h.key}=${h.value}`)).toEqual(['source=test', 'content-type=application/json'])
    await producer.close()
    await expect(producer.producer.send({ topic: 'orders', messages: [] })).rejects.toMatchObject({ code: 'CORE_CLOSED' })
  })

  it('keeps call order with asynchronous serializers, and fails only the send whose serializer throws', async () => {
    const { broker, transport } = await openBroker()
    let delay = 30
    const slow: Serializer<number> = {
      serialize: async (_topic, value) => {
        if (value < 0) throw new Error('negative')
        await new Promise((r) => setTimeout(r, (delay = Math.max(0, delay - 10))))
        return Buffer.from(String(value))
      },
    }
    const producer = new TypedProducer(new Producer(transport, { lingerMs: 0 }), { key: stringSerializer, value: slow })
    const sends = [1, 2, -1, 3, 4].map((n) => producer.send({ topic: 'n', messages: [{ key: 'k', value: n }] }))
    const settled = await Promise.allSettled(sends)
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect((await readRecords(broker, 'n', 0)).map((r) => r.value!.toString())).toEqual(['1', '2', '3', '4'])
    await producer.flush()
    await producer.close()
  })
})
