import { describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { Consumed, Materialized, Named, Produced, StreamsBuilder } from '../../../streams/index.ts'
import { drive, string } from './doc-tables.ts'

interface Order {
  readonly product: string
  readonly qty: number
}

const orderSerde = serdes.json<Order>()

describe('KStream–GlobalKTable join', () => {
  it('looks up the global table by a key taken from the record, with no co-partitioning', async () => {
    const builder = new StreamsBuilder()
    const products = builder.globalTable('products', Consumed.with(string, string), Materialized.as('products-store'))
    const orders = builder.stream('orders', Consumed.with(string, orderSerde))
    orders.join(products, (_id, order) => order.product, (order, name, id) => `${id}: ${order.qty} x ${name}`).to('inner', Produced.with(string, string))
    orders.leftJoin(products, (_id, order) => order.product, (order, name) => `${order.qty} x ${name ?? '?'}`, Named.as('orders-left'))
      .to('left', Produced.with(string, string))
    const topology = builder.build()
    expect(topology.copartitionGroups()).toEqual([])
    expect(topology.describe().toString()).toContain('Processor: orders-left (stores: [])')
    const driver = drive(builder)
    const productsIn = driver.createInputTopic('products', string, string)
    const ordersIn = driver.createInputTopic('orders', string, orderSerde)
    await productsIn.pipeInput('p1', 'pen', 1)
    await ordersIn.pipeInput('o1', { product: 'p1', qty: 2 }, 2)
    await ordersIn.pipeInput('o2', { product: 'p2', qty: 1 }, 3)
    await productsIn.pipeInput('p2', 'ink', 4)
    await ordersIn.pipeInput('o3', { product: 'p2', qty: 5 }, 5)
    await productsIn.pipeInput('p1', null, 6)
    await ordersIn.pipeInput('o4', { product: 'p1', qty: 1 }, 7)
    expect(driver.createOutputTopic('inner', string, string).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['o1', 'o1: 2 x pen', 2], ['o3', 'o3: 5 x ink', 5],
    ])
    expect(driver.createOutputTopic('left', string, string).readValuesToList()).toEqual(['2 x pen', '1 x ?', '5 x ink', '1 x ?'])
  })

  it('drops records whose mapped key or value is null (inner join)', async () => {
    const builder = new StreamsBuilder()
    const table = builder.globalTable('g', Consumed.with(string, string))
    const stream = builder.stream('s', Consumed.with(string, string))
    stream.join(table, (_k, v) => (v === 'none' ? (null as unknown as string) : v), (v, g) => `${v}=${g}`).to('out', Produced.with(string, string))
    const driver = drive(builder)
    await driver.createInputTopic('g', string, string).pipeInput('a', 'A', 1)
    const s = driver.createInputTopic('s', string, string)
    await s.pipeInput('k', 'none', 2)
    await s.pipeInput('k', null, 3)
    await s.pipeInput('k', 'a', 4)
    expect(driver.createOutputTopic('out', string, string).readValuesToList()).toEqual(['a=A'])
  })
})
