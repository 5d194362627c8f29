/** Type tests of the join methods (checked by `tsc --noEmit`; at run time they only build topologies). */
import { describe, expectTypeOf, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, Joined, JoinWindows, type KStream, type KTable, StreamJoined, StreamsBuilder, TableJoined,
} from '../../../streams/index.ts'

interface Payment {
  readonly id: string
  readonly user: string
  readonly amount: number
}

interface User {
  readonly name: string
  readonly country: string
}

describe('join types', () => {
  it('infer the result of stream joins', () => {
    const builder = new StreamsBuilder()
    const payments = builder.stream('payments', Consumed.with(serdes.string(), serdes.json<Payment>()))
    const users = builder.table('users', Consumed.with(serdes.string(), serdes.json<User>()))
    expectTypeOf(builder.stream<string, Payment>('p').join(users, (p, u) => ({ amount: p.amount, country: u.country })))
      .toEqualTypeOf<KStream<string, { amount: number; country: string }>>()
    expectTypeOf(payments.leftJoin(users, (p, u) => u?.name ?? p.user, Joined.with(serdes.string(), serdes.json<Payment>(), serdes.json<User>())))
      .toEqualTypeOf<KStream<string, string>>()
    const globalUsers = builder.globalTable('users-global', Consumed.with(serdes.string(), serdes.json<User>()))
    expectTypeOf(payments.join(globalUsers, (_k, p) => p.user, (p, u) => u.country.length + p.amount)).toEqualTypeOf<KStream<string, number>>()
    const refunds = builder.stream('refunds', Consumed.with(serdes.string(), serdes.int32()))
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(60_000)
    expectTypeOf(payments.join(refunds, (p, r) => p.amount - r, windows)).toEqualTypeOf<KStream<string, number>>()
    expectTypeOf(payments.outerJoin(refunds, (p, r) => [p?.id, r] as const, windows, StreamJoined.with(serdes.string(), serdes.json<Payment>(), serdes.int32())))
      .toEqualTypeOf<KStream<string, readonly [string | undefined, number | null]>>()
    // @ts-expect-error: in a left join the table value may be null
    payments.leftJoin(users, (p, u) => u.name)
    // @ts-expect-error: the stream's key type must match the table's
    builder.stream<number, Payment>('n').join(users, (p, u) => p.amount)
  })

  it('infer the result of table joins', () => {
    const builder = new StreamsBuilder()
    const users = builder.table('users', Consumed.with(serdes.string(), serdes.json<User>()))
    const scores = builder.table('scores', Consumed.with(serdes.string(), serdes.int32()))
    expectTypeOf(users.join(scores, (u, s) => `${u.name}:${s}`)).toEqualTypeOf<KTable<string, string>>()
    expectTypeOf(users.outerJoin(scores, (u, s) => (u?.name ?? '') + String(s ?? 0))).toEqualTypeOf<KTable<string, string>>()
    const countries = builder.table('countries', Consumed.with(serdes.string(), serdes.json<{ readonly currency: string }>()))
    expectTypeOf(users.join(countries, (u) => u.country, (u, c) => ({ name: u.name, currency: c.currency }), TableJoined.as('user-country')))
      .toEqualTypeOf<KTable<string, { name: string; currency: string }>>()
    expectTypeOf(users.leftJoin(countries, (u) => u.country, (u, c) => c?.currency ?? u.name)).toEqualTypeOf<KTable<string, string>>()
  })
})
