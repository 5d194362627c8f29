import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import type { Consumer } from '../../../core/client/consumer.ts'
import { consumerOf, openBroker, produce, text, waitFor } from './consumer-helpers.ts'

describe('Consumer with assign()', () => {
  let broker: Broker
  const consumers: Consumer<any, any>[] = []
  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close().catch(() => undefined)
    await broker?.close()
  })

  it('reads assigned partitions from the beginning without a group', async () => {
    broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 2 })
    await produce(broker, 't', 0, ['a', 'b'])
    await produce(broker, 't', 1, [{ key: 'k', value: 'c', headers: { h: 'x' } }])
    const consumer = consumerOf(broker, { autoOffsetReset: 'earliest' })
    consumers.push(consumer)
    consumer.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])
    const seen: string[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(`${message.partition}:${message.offset}:${text(message.key)}:${text(message.value)}:${text(message.headers.h ?? null)}`)
      },
    })
    await waitFor(() => seen.length === 3, 'three records')
    expect(seen.sort()).toEqual(['0:0:null:a:null', '0:1:null:b:null', '1:0:k:c:x'])
    await produce(broker, 't', 0, ['d'])
    await waitFor(() => seen.length === 4, 'the fourth record')
    expect(await consumer.position({ topic: 't', partition: 0 })).toBe(3)
  })
})
