/**
 * Kafka's RangeAssignor ('range'), topic by topic: the members subscribed to a topic, in
 * MemberInfo order, each get a contiguous range of its partitions; the first
 * `partitions % members` of them get one extra. With 2 members C0, C1 and topics t0, t1 of 3
 * partitions each: C0 gets t0p0, t0p1, t1p0, t1p1 and C1 gets t0p2, t1p2.
 *
 * This is the computation of Kafka's `RangeAssignor.assignRanges` when no member sends a rack
 * (Creek's members do not), so a group led by a Java, librdkafka or Creek member agrees.
 */
import type { TopicPartition } from '../partition-map.ts'
import {
  type MemberAssignment, type MemberSubscription, type PartitionAssignor, emptyAssignment, memberOrder, toAssignments,
} from './assignor.ts'

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range'
  readonly supportedProtocols = ['eager'] as const

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, MemberSubscription>,
  ): Map<string, MemberAssignment> {
    const result = emptyAssignment(subscriptions)
    const membersPerTopic = new Map<string, { memberId: string; groupInstanceId: string | null }[]>()
    for (const [memberId, subscription] of subscriptions) {
      for (const topic of new Set(subscription.topics)) {
        const members = membersPerTopic.get(topic) ?? []
        members.push({ memberId, groupInstanceId: subscription.groupInstanceId })
        membersPerTopic.set(topic, members)
      }
    }
    for (const [topic, members] of membersPerTopic) {
      const partitionCount = partitionsPerTopic.get(topic)
      if (partitionCount === undefined) continue // no metadata for it: skipped, as Kafka does
      members.sort(memberOrder)
      const perMember = Math.floor(partitionCount / members.length)
      const withExtra = partitionCount % members.length
      members.forEach((member, i) => {
        const start = perMember * i + Math.min(i, withExtra)
        const length = perMember + (i + 1 > withExtra ? 0 : 1)
        const list: TopicPartition[] = result.get(member.memberId)!
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p })
      })
    }
    return toAssignments(result)
  }
}
