import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { Consumed, Materialized, Produced, StreamsBuilder, TableJoined } from '../../../streams/index.ts'
import {
  hashValue, ResolvableSerde, SubscriptionResponseWrapperSerde,
} from '../../../streams/dsl/processors/foreign-key-join-wrappers.ts'
import { drive, string } from './doc-tables.ts'

interface Order {
  readonly product: string | null
  readonly qty: number
}

const orderSerde = serdes.json<Order>()

function orderJoin(kind: 'join' | 'leftJoin', name = 'orders-products'): StreamsBuilder {
  const builder = new StreamsBuilder()
  const orders = builder.table('orders', Consumed.with(string, orderSerde))
  const products = builder.table('products', Consumed.with(string, string))
  const joiner = (order: Order, product: string | null, id: string) => `${id}:${order.qty}x${product}`
  const joined = kind === 'join'
    ? orders.join(products, (order) => order.product as string, joiner, TableJoined.as(name), Materialized.as<string, string>('enriched').withValueSerde(string))
    : orders.leftJoin(products, (order) => order.product, joiner, TableJoined.as(name), Materialized.as<string, string>('enriched').withValueSerde(string))
  joined.toStream().to('out', Produced.with(string, string))
  return builder
}

async function setup(kind: 'join' | 'leftJoin') {
  const driver = drive(orderJoin(kind))
  const orders = driver.createInputTopic('orders', string, orderSerde)
  const products = driver.createInputTopic('products', string, string)
  const out = driver.createOutputTopic('out', string, string)
  return { driver, orders, products, read: () => out.readKeyValuesToList() }
}

describe('KTable–KTable foreign-key join', () => {
  it('joins each row with the row of its foreign key, both tables triggering, through the two internal topics', async () => {
    const { driver, orders, products, read } = await setup('join')
    await orders.pipeInput('o1', { product: 'p1', qty: 2 }, 1)
    expect(read()).toEqual([])
    await products.pipeInput('p1', 'pen', 2)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:2xpen' }])
    await orders.pipeInput('o2', { product: 'p1', qty: 5 }, 3)
    expect(read()).toEqual([{ key: 'o2', value: 'o2:5xpen' }])
    await products.pipeInput('p1', 'blue pen', 4)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:2xblue pen' }, { key: 'o2', value: 'o2:5xblue pen' }])
    expect(driver.getKeyValueStore<string, string>('enriched').get('o2')).toBe('o2:5xblue pen')
    const topics = driver.producedTopicNames()
    expect(topics).toContain('joins-orders-products-subscription-registration-topic')
    expect(topics).toContain('joins-orders-products-subscription-response-topic')
    expect(topics).toContain('joins-orders-products-subscription-store-changelog')
  })

  it('follows a change of foreign key: the old foreign row no longer reaches the row', async () => {
    const { orders, products, read } = await setup('join')
    await products.pipeInput('p1', 'pen', 1)
    await products.pipeInput('p2', 'ink', 2)
    await orders.pipeInput('o1', { product: 'p1', qty: 1 }, 3)
    await orders.pipeInput('o1', { product: 'p2', qty: 1 }, 4)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:1xpen' }, { key: 'o1', value: 'o1:1xink' }])
    await products.pipeInput('p1', 'red pen', 5)
    expect(read()).toEqual([])
    await products.pipeInput('p2', 'black ink', 6)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:1xblack ink' }])
    // A foreign key without a row: the former result is deleted (inner join).
    await orders.pipeInput('o1', { product: 'p3', qty: 1 }, 7)
    expect(read()).toEqual([{ key: 'o1', value: null }])
    await products.pipeInput('p3', 'paper', 8)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:1xpaper' }])
  })

  it('propagates deletes of either side: inner join deletes results, left join keeps the row with null', async () => {
    const inner = await setup('join')
    await inner.products.pipeInput('p1', 'pen', 1)
    await inner.orders.pipeInput('o1', { product: 'p1', qty: 1 }, 2)
    await inner.orders.pipeInput('o2', { product: 'p1', qty: 2 }, 3)
    await inner.orders.pipeInput('o2', null, 4)
    await inner.products.pipeInput('p1', null, 5)
    expect(inner.read()).toEqual([
      { key: 'o1', value: 'o1:1xpen' }, { key: 'o2', value: 'o2:2xpen' }, { key: 'o2', value: null }, { key: 'o1', value: null },
    ])
    expect([...inner.driver.getKeyValueStore<string, string>('enriched').all()]).toEqual([])

    const left = await setup('leftJoin')
    await left.orders.pipeInput('o1', { product: 'p1', qty: 1 }, 1)
    await left.products.pipeInput('p1', 'pen', 2)
    await left.products.pipeInput('p1', null, 3)
    await left.orders.pipeInput('o1', null, 4)
    expect(left.read()).toEqual([
      { key: 'o1', value: 'o1:1xnull' }, { key: 'o1', value: 'o1:1xpen' }, { key: 'o1', value: 'o1:1xnull' }, { key: 'o1', value: null },
    ])
  })

  it('left join: a null foreign key joins with null; an inner join leaves such rows out', async () => {
    const left = await setup('leftJoin')
    await left.products.pipeInput('p1', 'pen', 1)
    await left.orders.pipeInput('o1', { product: null, qty: 3 }, 2)
    await left.orders.pipeInput('o1', { product: 'p1', qty: 3 }, 3)
    await left.orders.pipeInput('o1', { product: null, qty: 4 }, 4)
    // As Kafka Streams: leaving p1 answers twice (the unsubscribe from p1, then the null-key subscription).
    expect(left.read()).toEqual([
      { key: 'o1', value: 'o1:3xnull' }, { key: 'o1', value: 'o1:3xpen' }, { key: 'o1', value: 'o1:4xnull' }, { key: 'o1', value: 'o1:4xnull' },
    ])
    const inner = await setup('join')
    await inner.orders.pipeInput('o1', { product: null, qty: 3 }, 2)
    expect(inner.read()).toEqual([])
  })

  it('discards responses computed for an older value of the primary row (value hash)', async () => {
    const { driver, orders, products, read } = await setup('join')
    await products.pipeInput('p1', 'pen', 1)
    await orders.pipeInput('o1', { product: 'p1', qty: 1 }, 2)
    await orders.pipeInput('o1', { product: 'p1', qty: 2 }, 3)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:1xpen' }, { key: 'o1', value: 'o1:2xpen' }])
    const responseSerde = new SubscriptionResponseWrapperSerde<string>(new ResolvableSerde(string, 'foreign value'))
    const responses = driver.createInputTopic('joins-orders-products-subscription-response-topic', string, responseSerde)
    const hashOf = (order: Order) => hashValue(orderSerde.serialize('x', order))
    await responses.pipeInput('o1', { originalValueHash: hashOf({ product: 'p1', qty: 1 }), foreignValue: 'stale pen', primaryPartition: 0 }, 4)
    expect(read()).toEqual([])
    await responses.pipeInput('o1', { originalValueHash: hashOf({ product: 'p1', qty: 2 }), foreignValue: 'fresh pen', primaryPartition: 0 }, 5)
    expect(read()).toEqual([{ key: 'o1', value: 'o1:2xfresh pen' }])
  })

  it('generates Kafka Streams names without TableJoined and co-partitions each internal topic with its table', () => {
    const builder = new StreamsBuilder()
    const orders = builder.table('orders', Consumed.with(string, orderSerde))
    const products = builder.table('products', Consumed.with(string, string))
    orders.join(products, (o) => o.product as string, (o, p) => `${o.qty}${p}`).toStream().to('out')
    // @ts-expect-error: there is no foreign-key outer join
    expect(() => orders.outerJoin(products, (o: Order) => o.product, (o: Order, p: string) => p)).toThrow(/no foreign-key outerJoin/)
    const topology = builder.build()
    const description = topology.describe().toString()
    expect(description).toContain('Processor: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007 (stores: [])')
    expect(description).toContain('Sink: KSTREAM-SINK-0000000008 (topic: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic)')
    expect(description).toContain('Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011 (stores: [KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010])')
    expect(description).toContain('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic')
    expect(description).toContain('Processor: KTABLE-FK-JOIN-OUTPUT-0000000018')
    expect(topology.copartitionGroups()).toEqual([
      ['products', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic'],
      ['orders', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic'],
    ])
  })
})
