import { describe, expect, it } from 'vitest'
import type { MemberAssignment, MemberSubscription, PartitionAssignor } from '../../../core/client/assignors/assignor.ts'
import { memberOrder, rebalanceProtocolOf } from '../../../core/client/assignors/assignor.ts'
import { CooperativeStickyAssignor } from '../../../core/client/assignors/cooperative-sticky.ts'
import { RangeAssignor } from '../../../core/client/assignors/range.ts'
import { RoundRobinAssignor } from '../../../core/client/assignors/round-robin.ts'
import type { TopicPartition } from '../../../core/client/partition-map.ts'

function sub(topics: string[], options: Partial<MemberSubscription> = {}): MemberSubscription {
  return { topics, userData: null, ownedPartitions: [], generationId: -1, groupInstanceId: null, rackId: null, ...options }
}

const fmt = (tps: readonly TopicPartition[]): string[] => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort()

function plain(result: Map<string, MemberAssignment>): Record<string, string[]> {
  return Object.fromEntries([...result].map(([m, a]) => [m, fmt(a.partitions)]))
}

const topics = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries))

describe('member order', () => {
  it('puts static members first by instance id, then dynamic members by member id', () => {
    const members = [
      { memberId: 'b', groupInstanceId: null },
      { memberId: 'z', groupInstanceId: 'i2' },
      { memberId: 'a', groupInstanceId: null },
      { memberId: 'y', groupInstanceId: 'i1' },
    ]
    expect(members.sort(memberOrder).map((m) => m.memberId)).toEqual(['y', 'z', 'a', 'b'])
  })

  it('compares as Java String.compareTo (UTF-16 code units, upper case before lower case)', () => {
    const members = ['consumer-b', 'Consumer-a', 'consumer-10', 'consumer-9'].map((memberId) => ({ memberId, groupInstanceId: null }))
    expect(members.sort(memberOrder).map((m) => m.memberId)).toEqual(['Consumer-a', 'consumer-10', 'consumer-9', 'consumer-b'])
  })
})

describe('RangeAssignor (Kafka results)', () => {
  const range = new RangeAssignor()

  it('two members, two topics of three partitions (Kafka javadoc example)', () => {
    const result = range.assign(topics({ t0: 3, t1: 3 }), new Map([['C0', sub(['t0', 't1'])], ['C1', sub(['t0', 't1'])]]))
    expect(plain(result)).toEqual({ C0: ['t0-0', 't0-1', 't1-0', 't1-1'], C1: ['t0-2', 't1-2'] })
  })

  it('twelve partitions over five members: the first two get one extra', () => {
    const members = new Map(['c0', 'c1', 'c2', 'c3', 'c4'].map((m) => [m, sub(['t'])]))
    const result = range.assign(topics({ t: 12 }), members)
    expect(plain(result)).toEqual({
      c0: ['t-0', 't-1', 't-2'], c1: ['t-3', 't-4', 't-5'], c2: ['t-6', 't-7'], c3: ['t-8', 't-9'], c4: ['t-10', 't-11'],
    })
  })

  it('mixed subscriptions (RangeAssignorTest.testMultipleConsumersMixedTopics)', () => {
    const result = range.assign(topics({ topic1: 3, topic2: 2 }), new Map([
      ['consumer1', sub(['topic1'])], ['consumer2', sub(['topic1', 'topic2'])], ['consumer3', sub(['topic1'])],
    ]))
    expect(plain(result)).toEqual({ consumer1: ['topic1-0'], consumer2: ['topic1-1', 'topic2-0', 'topic2-1'], consumer3: ['topic1-2'] })
  })

  it('orders static members by instance id, whatever their member ids', () => {
    const result = range.assign(topics({ t: 3 }), new Map([
      ['a', sub(['t'], { groupInstanceId: 'i2' })], ['b', sub(['t'])], ['c', sub(['t'], { groupInstanceId: 'i1' })],
    ]))
    expect(plain(result)).toEqual({ c: ['t-0'], a: ['t-1'], b: ['t-2'] })
  })

  it('skips topics without metadata and gives every member an entry', () => {
    const result = range.assign(topics({ t: 1 }), new Map([['m1', sub(['t', 'missing'])], ['m2', sub(['missing'])]]))
    expect(plain(result)).toEqual({ m1: ['t-0'], m2: [] })
  })

  it('more members than partitions: the last members get nothing', () => {
    const result = range.assign(topics({ t: 2 }), new Map(['m1', 'm2', 'm3'].map((m) => [m, sub(['t'])])))
    expect(plain(result)).toEqual({ m1: ['t-0'], m2: ['t-1'], m3: [] })
  })
})

describe('RoundRobinAssignor (Kafka results)', () => {
  const rr = new RoundRobinAssignor()

  it('identical subscriptions (Kafka javadoc example)', () => {
    const result = rr.assign(topics({ t0: 3, t1: 3 }), new Map([['C0', sub(['t0', 't1'])], ['C1', sub(['t0', 't1'])]]))
    expect(plain(result)).toEqual({ C0: ['t0-0', 't0-2', 't1-1'], C1: ['t0-1', 't1-0', 't1-2'] })
  })

  it('different subscriptions (Kafka javadoc example)', () => {
    const result = rr.assign(topics({ t0: 1, t1: 2, t2: 3 }), new Map([
      ['C0', sub(['t0'])], ['C1', sub(['t0', 't1'])], ['C2', sub(['t0', 't1', 't2'])],
    ]))
    expect(plain(result)).toEqual({ C0: ['t0-0'], C1: ['t1-0'], C2: ['t1-1', 't2-0', 't2-1', 't2-2'] })
  })

  it('carries the dealing position from one topic to the next', () => {
    const result = rr.assign(topics({ a: 1, b: 2 }), new Map(['m1', 'm2', 'm3'].map((m) => [m, sub(['a', 'b'])])))
    expect(plain(result)).toEqual({ m1: ['a-0'], m2: ['b-0'], m3: ['b-1'] })
  })
})

describe('rebalance protocol of a list of assignors', () => {
  it('is cooperative only when every assignor supports it', () => {
    expect(rebalanceProtocolOf([new CooperativeStickyAssignor()])).toBe('cooperative')
    expect(rebalanceProtocolOf([new RangeAssignor(), new CooperativeStickyAssignor()])).toBe('eager')
  })
})

/**
 * Runs cooperative rebalances the way members do: each member reports as owned what it kept
 * from the last round (generation g), revokes what the new assignment lacks, and the group
 * rebalances again until nothing changes. Checks, every round, that no partition is assigned to
 * one member while another still owns it.
 */
function converge(
  assignor: PartitionAssignor, partitionsPerTopic: Map<string, number>, subscriptions: Map<string, string[]>,
  owned: Map<string, TopicPartition[]>, generation: number,
): { owned: Map<string, TopicPartition[]>; rounds: number; moved: number } {
  let moved = 0
  for (let round = 1; round <= 10; round++) {
    const subs = new Map([...subscriptions].map(([m, t]) => [m, sub(t, { ownedPartitions: owned.get(m) ?? [], generationId: generation })]))
    const result = assignor.assign(partitionsPerTopic, subs)
    const seen = new Map<string, string>()
    for (const [member, a] of result) {
      for (const tp of a.partitions) {
        const key = `${tp.topic}-${tp.partition}`
        expect(seen.has(key), `${key} assigned twice`).toBe(false)
        seen.set(key, member)
        for (const [other, list] of owned) {
          if (other !== member && subscriptions.has(other)) {
            expect(list.some((o) => o.topic === tp.topic && o.partition === tp.partition), `${key} given to ${member} while ${other} owns it`).toBe(false)
          }
        }
      }
    }
    const next = new Map([...result].map(([m, a]) => [m, [...a.partitions]]))
    const changed = [...next].some(([m, list]) => fmt(list).join() !== fmt(owned.get(m) ?? []).join())
    for (const [m, list] of next) moved += list.filter((tp) => !(owned.get(m) ?? []).some((o) => o.topic === tp.topic && o.partition === tp.partition)).length
    owned = next
    generation++
    if (!changed) return { owned, rounds: round, moved }
  }
  throw new Error('cooperative rebalances did not converge in 10 rounds')
}

const counts = (owned: Map<string, TopicPartition[]>): number[] => [...owned.values()].map((l) => l.length).sort((a, b) => a - b)

describe('CooperativeStickyAssignor', () => {
  const assignor = new CooperativeStickyAssignor()

  it('balances a fresh group', () => {
    const result = assignor.assign(topics({ t: 12 }), new Map(['a', 'b', 'c'].map((m) => [m, sub(['t'])])))
    expect([...result.values()].map((a) => a.partitions.length)).toEqual([4, 4, 4])
  })

  it('keeps partitions that do not move and withholds those that do for one round', () => {
    const t = (ps: number[]): TopicPartition[] => ps.map((partition) => ({ topic: 't', partition }))
    const first = assignor.assign(topics({ t: 12 }), new Map([
      ['a', sub(['t'], { ownedPartitions: t([0, 1, 2, 3, 4, 5]), generationId: 1 })],
      ['b', sub(['t'], { ownedPartitions: t([6, 7, 8, 9, 10, 11]), generationId: 1 })],
      ['c', sub(['t'])],
    ]))
    const a = fmt(first.get('a')!.partitions)
    const b = fmt(first.get('b')!.partitions)
    expect(a.length).toBe(4)
    expect(b.length).toBe(4)
    expect(first.get('c')!.partitions).toEqual([])
    expect(a.every((p) => ['t-0', 't-1', 't-2', 't-3', 't-4', 't-5'].includes(p))).toBe(true)
    expect(b.every((p) => ['t-6', 't-7', 't-8', 't-9', 't-10', 't-11'].includes(p))).toBe(true)
    // Second round: a and b own 4 each; the 4 revoked partitions go to c, nothing else moves.
    const second = assignor.assign(topics({ t: 12 }), new Map([
      ['a', sub(['t'], { ownedPartitions: first.get('a')!.partitions, generationId: 2 })],
      ['b', sub(['t'], { ownedPartitions: first.get('b')!.partitions, generationId: 2 })],
      ['c', sub(['t'], { ownedPartitions: [], generationId: 2 })],
    ]))
    expect(fmt(second.get('a')!.partitions)).toEqual(a)
    expect(fmt(second.get('b')!.partitions)).toEqual(b)
    expect(second.get('c')!.partitions.length).toBe(4)
  })

  it('lets the claim of the higher generation win and gives a tied claim to nobody in that round', () => {
    const p0 = [{ topic: 't', partition: 0 }]
    const higher = assignor.assign(topics({ t: 1 }), new Map([
      ['a', sub(['t'], { ownedPartitions: p0, generationId: 1 })],
      ['b', sub(['t'], { ownedPartitions: p0, generationId: 2 })],
    ]))
    // b wins; a still claims it, so the cooperative rule keeps it from b this round too.
    expect(plain(higher)).toEqual({ a: [], b: [] })
    const next = assignor.assign(topics({ t: 1 }), new Map([
      ['a', sub(['t'], { generationId: 3 })], ['b', sub(['t'], { generationId: 3 })],
    ]))
    expect(fmt([...next.values()].flatMap((x) => x.partitions))).toEqual(['t-0'])
  })

  it('reads the generation from 4-byte user data when the subscription has none (Kafka before v2)', () => {
    const data = (g: number): Buffer => {
      const b = Buffer.alloc(4)
      b.writeInt32BE(g)
      return b
    }
    const p0 = [{ topic: 't', partition: 0 }]
    const owner = new CooperativeStickyAssignor().assign(topics({ t: 2 }), new Map([
      ['a', sub(['t'], { ownedPartitions: p0, userData: data(5) })],
      ['b', sub(['t'], { ownedPartitions: [], userData: data(5) })],
    ]))
    expect(plain(owner)).toEqual({ a: ['t-0'], b: ['t-1'] })
  })

  it('converges through joins and leaves without ever assigning an owned partition to another member', () => {
    const partitions = topics({ x: 7, y: 5 })
    const all = ['x', 'y']
    let state = converge(assignor, partitions, new Map([['m1', all]]), new Map(), 1)
    expect(counts(state.owned)).toEqual([12])
    state = converge(assignor, partitions, new Map([['m1', all], ['m2', all]]), state.owned, 10)
    expect(counts(state.owned)).toEqual([6, 6])
    expect(state.moved).toBe(6) // only what m2 needed moved
    state = converge(assignor, partitions, new Map([['m1', all], ['m2', all], ['m3', all]]), state.owned, 20)
    expect(counts(state.owned)).toEqual([4, 4, 4])
    expect(state.moved).toBe(4)
    const afterLeave = new Map([...state.owned].filter(([m]) => m !== 'm2'))
    state = converge(assignor, partitions, new Map([['m1', all], ['m3', all]]), afterLeave, 30)
    expect(counts(state.owned)).toEqual([6, 6])
    expect(state.moved).toBe(4) // m2's partitions, nothing else
  })

  it('balances as far as different subscriptions allow', () => {
    const partitions = topics({ a: 4, b: 4 })
    const state = converge(assignor, partitions, new Map([['m1', ['a']], ['m2', ['a', 'b']], ['m3', ['b']]]), new Map(), 1)
    const total = [...state.owned.values()].flat()
    expect(total.length).toBe(8)
    expect(Math.max(...counts(state.owned)) - Math.min(...counts(state.owned))).toBeLessThanOrEqual(1)
    for (const tp of state.owned.get('m1')!) expect(tp.topic).toBe('a')
    for (const tp of state.owned.get('m3')!) expect(tp.topic).toBe('b')
  })

  it('is deterministic over many random groups and never assigns a partition twice', () => {
    let seed = 42
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let run = 0; run < 50; run++) {
      const partitionsPerTopic = topics({ a: 1 + random(9), b: 1 + random(9) })
      const members = new Map<string, string[]>()
      const count = 1 + random(5)
      for (let i = 0; i < count; i++) members.set(`m${i}`, random(3) === 0 ? ['a'] : ['a', 'b'])
      const state = converge(assignor, partitionsPerTopic, members, new Map(), 1)
      const assigned = [...state.owned.values()].flat().length
      const eligible = [...partitionsPerTopic].filter(([t]) => [...members.values()].some((s) => s.includes(t))).reduce((n, [, c]) => n + c, 0)
      expect(assigned).toBe(eligible)
    }
  })
})
