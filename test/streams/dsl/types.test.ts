/**
 * Type tests of the DSL generics (checked by `tsc --noEmit`; at run time they only build the
 * topologies).
 */
import { concatMap, filter, map } from 'rxjs'
import { describe, expectTypeOf, it } from 'vitest'
import { serdes, type Serde } from '../../../serdes/index.ts'
import {
  Consumed, Grouped, type KGroupedStream, type KGroupedTable, type KStream, type KTable, Materialized, type ProcessorContext, Produced,
  StreamsBuilder, withValue,
} from '../../../streams/index.ts'

interface Payment {
  readonly id: string
  readonly amount: number
  readonly currency: string
}

const paymentSerde = serdes.json<Payment>()

describe('DSL types', () => {
  it('flow through stateless operations', () => {
    const builder = new StreamsBuilder()
    const payments = builder.stream('payments', Consumed.with(serdes.string(), paymentSerde))
    expectTypeOf(payments).toEqualTypeOf<KStream<string, Payment>>()
    expectTypeOf(builder.stream<string, Payment>('more-payments').mapValues((p) => p.amount)).toEqualTypeOf<KStream<string, number>>()
    expectTypeOf(payments.mapValues((p, key) => ({ key, cents: p.amount * 100 }))).toEqualTypeOf<KStream<string, { key: string; cents: number }>>()
    expectTypeOf(payments.filter((_k, p) => p.amount > 0)).toEqualTypeOf<KStream<string, Payment>>()
    expectTypeOf(payments.selectKey((_k, p) => p.currency.length)).toEqualTypeOf<KStream<number, Payment>>()
    expectTypeOf(payments.map((_k, p) => ({ key: p.currency, value: p.amount }))).toEqualTypeOf<KStream<string, number>>()
    expectTypeOf(payments.flatMapValues((p) => [p.id, p.currency])).toEqualTypeOf<KStream<string, string>>()
    expectTypeOf(payments.flatMap((k, p) => [{ key: p.amount, value: k }])).toEqualTypeOf<KStream<number, string>>()
    expectTypeOf(payments.split().branch((_k, p) => p.amount > 10).noDefaultBranch()).toEqualTypeOf<Map<string, KStream<string, Payment>>>()
    // @ts-expect-error: the value is a Payment, not a string
    payments.mapValues((p) => p.toUpperCase())
    // @ts-expect-error: merged streams must have the same types
    payments.merge(builder.stream<string, number>('other'))
  })

  it('flow through groupings and tables', () => {
    const builder = new StreamsBuilder()
    const payments = builder.stream('payments', Consumed.with(serdes.string(), paymentSerde))
    const byCurrency = payments.groupBy((_k, p) => p.currency, Grouped.with(serdes.string(), paymentSerde))
    expectTypeOf(byCurrency).toEqualTypeOf<KGroupedStream<string, Payment>>()
    expectTypeOf(byCurrency.count()).toEqualTypeOf<KTable<string, number>>()
    expectTypeOf(byCurrency.count(Materialized.as('counts'))).toEqualTypeOf<KTable<string, number>>()
    expectTypeOf(byCurrency.aggregate(() => 0, (_k, p, total) => total + p.amount)).toEqualTypeOf<KTable<string, number>>()
    expectTypeOf(byCurrency.reduce((a, b) => (a.amount > b.amount ? a : b))).toEqualTypeOf<KTable<string, Payment>>()
    const totals = byCurrency.aggregate(() => 0, (_k, p, total) => total + p.amount, Materialized.as<string, number>('totals').withValueSerde(serdes.float64()))
    expectTypeOf(totals.toStream()).toEqualTypeOf<KStream<string, number>>()
    expectTypeOf(totals.mapValues((t) => t > 100)).toEqualTypeOf<KTable<string, boolean>>()
    const regrouped = totals.groupBy((currency, total) => ({ key: total > 100, value: currency }))
    expectTypeOf(regrouped).toEqualTypeOf<KGroupedTable<boolean, string>>()
    expectTypeOf(regrouped.aggregate(() => [] as string[], (_k, c, list) => [...list, c], (_k, c, list) => list.filter((x) => x !== c)))
      .toEqualTypeOf<KTable<boolean, string[]>>()
    expectTypeOf(builder.table('t', Consumed.with(serdes.string(), serdes.int32())).filter((_k, v) => v > 0)).toEqualTypeOf<KTable<string, number>>()
    // @ts-expect-error: a count store holds numbers
    byCurrency.count(Materialized.with(serdes.string(), serdes.string()))
    // @ts-expect-error: Produced serdes must match the stream's types
    totals.toStream().to('out', Produced.with(serdes.string(), serdes.string()))
  })

  it('flow through pipe() and process()', () => {
    const builder = new StreamsBuilder()
    const payments = builder.stream('payments', Consumed.with(serdes.string(), paymentSerde))
    const amounts = payments.pipe(map((r) => ({ ...r, value: r.value.amount })))
    expectTypeOf(amounts).toEqualTypeOf<KStream<string, number>>()
    const enriched = payments.pipe(
      filter((r) => r.value.amount > 0),
      concatMap(async (r) => ({ ...r, key: r.value.id, value: { ...r.value, rate: 1.1 } })),
    )
    expectTypeOf(enriched).toEqualTypeOf<KStream<string, { id: string; amount: number; currency: string; rate: number }>>()
    const processed = payments.process<string, number>(() => {
      let context: ProcessorContext<string, number>
      return {
        init: (ctx) => void (context = ctx),
        process: (record) => context.forward(withValue(record, record.value.amount)),
      }
    })
    expectTypeOf(processed).toEqualTypeOf<KStream<string, number>>()
  })

  it('infers config objects from their serdes', () => {
    expectTypeOf(Consumed.with(serdes.string(), serdes.int32())).toEqualTypeOf<Consumed<string, number>>()
    expectTypeOf(Produced.with(serdes.string(), paymentSerde)).toEqualTypeOf<Produced<string, Payment>>()
    expectTypeOf(Materialized.with(serdes.string(), serdes.int64())).toEqualTypeOf<Materialized<string, bigint>>()
    expectTypeOf<Serde<Payment>>(paymentSerde)
  })
})
