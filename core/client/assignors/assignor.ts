/**
 * The partition assignor contract (Kafka's `ConsumerPartitionAssignor`). The group leader runs
 * the assignor the coordinator selected over every member's subscription; the broker only
 * relays the bytes. Because a Java, librdkafka or kafkajs member may be the leader of a group
 * Creek members are in (and the other way round), the assignor's protocol name is the key to
 * interoperability: an assignor named 'range' must compute what Kafka's RangeAssignor computes.
 *
 * Contracts:
 * - `assign` is a pure function of its arguments: every member gets an entry (possibly empty),
 *   no partition is given to two members, and only partitions of topics the member subscribes
 *   to and that exist in `partitionsPerTopic` are given.
 * - Members are ordered as Kafka's `AbstractPartitionAssignor.MemberInfo` orders them: static
 *   members (with a group instance id) first, by instance id; then dynamic members by member id
 *   (`memberOrder`). String order is UTF-16 code unit order, which is Java's `compareTo`.
 */
import type { TopicPartition } from '../partition-map.ts'

/**
 * How a member gives up partitions during a rebalance: `eager` revokes everything before
 * rejoining; `cooperative` (KIP-429) keeps its partitions and revokes only those the new
 * assignment moves away, then rejoins so that they can be given to their new owner.
 */
export type RebalanceProtocol = 'eager' | 'cooperative'

/** One member's subscription, as the leader sees it (decoded ConsumerProtocolSubscription). */
export interface MemberSubscription {
  readonly topics: readonly string[]
  readonly userData: Buffer | null
  /** Partitions the member owns now (subscription v1+; empty from eager members). */
  readonly ownedPartitions: readonly TopicPartition[]
  /** The generation in which it owned them (v2+), -1 when unknown. */
  readonly generationId: number
  readonly groupInstanceId: string | null
  readonly rackId: string | null
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[]
  readonly userData: Buffer | null
}

export interface PartitionAssignor {
  /** The protocol name in JoinGroup (Kafka's names: 'range', 'roundrobin', 'cooperative-sticky'). */
  readonly name: string
  /** The protocols it supports, most preferred last (Kafka lists EAGER before COOPERATIVE). */
  readonly supportedProtocols: readonly RebalanceProtocol[]
  /** User data this member puts in its subscription (default null). */
  subscriptionUserData?(topics: readonly string[]): Buffer | null
  /** Computes the assignment of every member by member id. */
  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, MemberSubscription>,
  ): Map<string, MemberAssignment>
  /** Called on every member with its own assignment once SyncGroup completes. */
  onAssignment?(assignment: MemberAssignment, generationId: number): void
}

/** Kafka's MemberInfo order: static members by instance id first, then dynamic ones by member id. */
export function memberOrder(
  a: { readonly memberId: string; readonly groupInstanceId: string | null },
  b: { readonly memberId: string; readonly groupInstanceId: string | null },
): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId)
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return compareStrings(a.memberId, b.memberId)
}

/** Java's String.compareTo sign (UTF-16 code units), as the JS relational operators compare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The member ids of `subscriptions` in Kafka's MemberInfo order. */
export function sortedMembers(subscriptions: ReadonlyMap<string, MemberSubscription>): string[] {
  return [...subscriptions]
    .map(([memberId, s]) => ({ memberId, groupInstanceId: s.groupInstanceId }))
    .sort(memberOrder)
    .map((m) => m.memberId)
}

/** A fresh result with an empty partition list per member, to be filled by an assignor. */
export function emptyAssignment(subscriptions: ReadonlyMap<string, MemberSubscription>): Map<string, TopicPartition[]> {
  const result = new Map<string, TopicPartition[]>()
  for (const memberId of subscriptions.keys()) result.set(memberId, [])
  return result
}

/** Wraps plain partition lists as assignments without user data. */
export function toAssignments(partitions: ReadonlyMap<string, TopicPartition[]>): Map<string, MemberAssignment> {
  const result = new Map<string, MemberAssignment>()
  for (const [memberId, list] of partitions) result.set(memberId, { partitions: list, userData: null })
  return result
}

/**
 * The protocol a member following `assignors` uses: the most preferred protocol every one of
 * them supports (Kafka's ConsumerCoordinator rule), so listing an eager assignor beside a
 * cooperative one keeps the member eager, which is how a group upgrades in two rolling bounces.
 */
export function rebalanceProtocolOf(assignors: readonly PartitionAssignor[]): RebalanceProtocol {
  return assignors.every((a) => a.supportedProtocols.includes('cooperative')) ? 'cooperative' : 'eager'
}
