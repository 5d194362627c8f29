/**
 * Kafka's RoundRobinAssignor ('roundrobin'): every partition of every subscribed topic, sorted
 * by topic then partition, is dealt in turn to the members in MemberInfo order, skipping
 * members not subscribed to the partition's topic. With members C0, C1 and topics t0, t1 of 3
 * partitions each: C0 gets t0p0, t0p2, t1p1 and C1 gets t0p1, t1p0, t1p2.
 *
 * The dealing pointer carries on from one topic to the next (it is one circular iterator over
 * the members, as in Kafka), which is what makes a mixed-language group agree.
 */
import {
  type MemberAssignment, type MemberSubscription, type PartitionAssignor, compareStrings, emptyAssignment, sortedMembers,
  toAssignments,
} from './assignor.ts'

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin'
  readonly supportedProtocols = ['eager'] as const

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, MemberSubscription>,
  ): Map<string, MemberAssignment> {
    const result = emptyAssignment(subscriptions)
    const members = sortedMembers(subscriptions)
    const topicSets = new Map(members.map((m) => [m, new Set(subscriptions.get(m)!.topics)]))
    const topics = [...new Set(members.flatMap((m) => [...topicSets.get(m)!]))]
      .filter((topic) => partitionsPerTopic.has(topic))
      .sort(compareStrings)
    let next = 0
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic)!
      for (let partition = 0; partition < count; partition++) {
        // Some member subscribes to `topic` (it came from a subscription), so this ends.
        while (!topicSets.get(members[next])!.has(topic)) next = (next + 1) % members.length
        result.get(members[next])!.push({ topic, partition })
        next = (next + 1) % members.length
      }
    }
    return toAssignments(result)
  }
}
