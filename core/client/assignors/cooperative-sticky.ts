/**
 * 'cooperative-sticky' (KIP-429): a balanced assignment that moves as few partitions as
 * possible, followed by the cooperative rule that a partition is never handed from one member
 * to another within one rebalance.
 *
 * 1. Ownership: each member's `ownedPartitions` are kept when the partition still exists and the
 *    member still subscribes to its topic. Two members claiming one partition: the claim of the
 *    higher generation wins; a tie leaves it unowned (neither keeps it in step 2).
 * 2. Balance: unowned partitions go one by one (sorted) to the eligible member holding the
 *    fewest (ties: MemberInfo order); then, while some member could hand one of its partitions
 *    to an eligible member holding at least two fewer, the most loaded member gives away its
 *    last partition of that kind. Each move lowers the sum of squared counts, so this ends; the
 *    result is balanced as far as the subscriptions allow, and unmoved partitions stay put.
 * 3. Cooperation: a partition assigned to a member while another member still claims it is
 *    left out of this round. The claimant sees it missing from its assignment, revokes it and
 *    rejoins; the next rebalance gives it out, so no partition is ever owned twice.
 *
 * The generation travels in the subscription's GenerationId (v2+) and, for members that only
 * read user data (Kafka's CooperativeStickyAssignor before v2), as a 4-byte int in user data.
 * Any member may lead: followers do not recompute, so this need not match Kafka's
 * implementation move for move, only its contract (sticky, balanced, no double ownership).
 */
import { PartitionMap, type TopicPartition, compareTopicPartitions } from '../partition-map.ts'
import {
  type MemberAssignment, type MemberSubscription, type PartitionAssignor, compareStrings, sortedMembers, toAssignments,
} from './assignor.ts'

export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky'
  readonly supportedProtocols = ['eager', 'cooperative'] as const
  #generationId = -1

  subscriptionUserData(): Buffer {
    const data = Buffer.alloc(4)
    data.writeInt32BE(this.#generationId)
    return data
  }

  onAssignment(_assignment: MemberAssignment, generationId: number): void {
    this.#generationId = generationId
  }

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, MemberSubscription>,
  ): Map<string, MemberAssignment> {
    const members = sortedMembers(subscriptions)
    const rank = new Map(members.map((m, i) => [m, i]))
    const topicsOf = new Map(members.map((m) => [m, new Set(subscriptions.get(m)!.topics)]))
    const eligible = new Map<string, string[]>() // topic -> subscribed members, in MemberInfo order
    for (const m of members) {
      for (const topic of topicsOf.get(m)!) {
        if (partitionsPerTopic.has(topic)) eligible.set(topic, [...(eligible.get(topic) ?? []), m])
      }
    }

    const claims = claimsOf(subscriptions, partitionsPerTopic, topicsOf)
    const held = new Map<string, TopicPartition[]>(members.map((m) => [m, []]))
    const owner = new PartitionMap<string>()
    const give = (tp: TopicPartition, m: string): void => {
      held.get(m)!.push(tp)
      owner.set(tp, m)
    }

    // 1. Keep valid, uncontested ownership.
    for (const [tp, list] of claims) {
      const best = Math.max(...list.map((c) => c.generationId))
      const winners = list.filter((c) => c.generationId === best)
      if (winners.length === 1) give(tp, winners[0].memberId)
    }

    // 2a. Unowned partitions to the least loaded eligible member.
    const fewest = (candidates: readonly string[]): string =>
      candidates.reduce((a, b) => (held.get(b)!.length < held.get(a)!.length ? b : a))
    for (const topic of [...eligible.keys()].sort(compareStrings)) {
      for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
        const tp = { topic, partition }
        if (!owner.has(tp)) give(tp, fewest(eligible.get(topic)!))
      }
    }

    // 2b. Moves from the most to a less loaded member while one lowers the imbalance.
    for (;;) {
      const byLoad = [...members].sort((a, b) => held.get(b)!.length - held.get(a)!.length || rank.get(a)! - rank.get(b)!)
      const move = findMove(byLoad, held, eligible)
      if (!move) break
      const from = held.get(move.from)!
      from.splice(from.indexOf(move.tp), 1)
      give(move.tp, move.to)
    }

    // 3. Nothing changes hands within one rebalance.
    const result = new Map<string, TopicPartition[]>()
    for (const m of members) {
      const kept = held.get(m)!.filter((tp) => (claims.get(tp) ?? []).every((c) => c.memberId === m))
      result.set(m, kept.sort(compareTopicPartitions))
    }
    return toAssignments(result)
  }
}

interface Claim {
  readonly memberId: string
  readonly generationId: number
}

/** Every member's claim on each existing partition of a topic it still subscribes to. */
function claimsOf(
  subscriptions: ReadonlyMap<string, MemberSubscription>,
  partitionsPerTopic: ReadonlyMap<string, number>,
  topicsOf: ReadonlyMap<string, ReadonlySet<string>>,
): PartitionMap<Claim[]> {
  const claims = new PartitionMap<Claim[]>()
  for (const [memberId, subscription] of subscriptions) {
    const generationId = generationOf(subscription)
    for (const tp of subscription.ownedPartitions) {
      const count = partitionsPerTopic.get(tp.topic)
      if (count === undefined || tp.partition < 0 || tp.partition >= count || !topicsOf.get(memberId)!.has(tp.topic)) continue
      const list = claims.get(tp) ?? []
      if (!list.some((c) => c.memberId === memberId)) list.push({ memberId, generationId })
      claims.set(tp, list)
    }
  }
  return claims
}

/** The generation a member owned its partitions in: the v2 field, else Kafka's 4-byte user data. */
function generationOf(subscription: MemberSubscription): number {
  if (subscription.generationId >= 0) return subscription.generationId
  const data = subscription.userData
  return data !== null && data.length >= 4 ? data.readInt32BE(0) : -1
}

/** The first move (most loaded member first, its last partitions first) to a member holding ≥ 2 fewer. */
function findMove(
  byLoad: readonly string[],
  held: ReadonlyMap<string, TopicPartition[]>,
  eligible: ReadonlyMap<string, readonly string[]>,
): { from: string; to: string; tp: TopicPartition } | undefined {
  for (const from of byLoad) {
    const list = held.get(from)!
    for (let i = list.length - 1; i >= 0; i--) {
      const tp = list[i]
      let to: string | undefined
      for (const m of eligible.get(tp.topic) ?? []) {
        if (held.get(m)!.length <= list.length - 2 && (to === undefined || held.get(m)!.length < held.get(to)!.length)) to = m
      }
      if (to !== undefined) return { from, to, tp }
    }
  }
  return undefined
}
