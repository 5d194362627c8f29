/**
 * Checks shared by the topic administration handlers (CreateTopics, CreatePartitions,
 * DeleteTopics, the config APIs, DeleteRecords), with Kafka's error codes and messages that say
 * what to change. Every check throws an `AdminError` for the one topic it is about.
 *
 * Creek's broker is a one-node cluster: every partition has exactly one replica, on this
 * node, so a replication factor other than 1, or a replica assignment naming another broker
 * (or this one twice), cannot be satisfied.
 */
import { ErrorCode } from '../protocol/error-codes.ts'
import { MAX_PARTITIONS_PER_TOPIC, type TopicMetadata } from '../storage/log-manager.ts'
import { topicNamesCollide, validateTopicName } from '../storage/topic-name.ts'
import { AdminError } from './admin-error.ts'
import type { BrokerContext } from './handler.ts'

/** How a new topic (or new partitions) are laid out: partition count and replicas per partition. */
export interface PartitionLayout {
  readonly partitions: number
  readonly replicationFactor: number
}

export interface NewTopicRequest {
  readonly name: string
  /** −1: the broker default (or the assignment's partition count). */
  readonly numPartitions: number
  /** −1: the broker default (or the assignment's replica count). */
  readonly replicationFactor: number
  readonly assignments: readonly { readonly partitionIndex: number; readonly brokerIds: readonly number[] }[]
}

/** The names that appear more than once in `names`. */
export function duplicatesOf(names: Iterable<string>): Set<string> {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) duplicates.add(name)
    seen.add(name)
  }
  return duplicates
}

/** A legal topic name (INVALID_TOPIC_EXCEPTION otherwise). */
export function checkTopicName(name: string): void {
  try {
    validateTopicName(name)
  } catch (error) {
    throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, (error as Error).message)
  }
}

/** The metadata of an existing topic with a legal name. */
export function requireTopic(broker: BrokerContext, name: string): TopicMetadata {
  checkTopicName(name)
  const topic = broker.logs.topic(name)
  if (!topic) throw new AdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist`)
  return topic
}

/**
 * Refuses `action` on a topic the broker runs itself (`__consumer_offsets`): deleting it or its
 * records, or changing its partition count, would lose or misplace every group's offsets.
 */
export function refuseInternalTopic(topic: TopicMetadata, action: string): void {
  if (topic.internal) {
    throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot ${action} internal topic '${topic.name}': the broker itself uses it`)
  }
}

/**
 * Checks that a topic named `name` can be created: legal name, not existing, no collision with
 * an existing topic whose name differs only in '.' versus '_' (Kafka refuses those, as both map
 * to the same metric names).
 */
export function checkNewTopicName(broker: BrokerContext, name: string): void {
  checkTopicName(name)
  if (broker.logs.topic(name)) throw new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`)
  const collision = broker.logs.topics().find((topic) => topicNamesCollide(topic.name, name))
  if (collision) {
    throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic '${collision.name}' ('.' and '_' are interchangeable in metric names)`)
  }
}

function checkReplicationFactor(broker: BrokerContext, replicationFactor: number): void {
  if (replicationFactor !== 1) {
    throw new AdminError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor ${replicationFactor} cannot be satisfied: this cluster has one broker (node ${broker.nodeId}), so every partition has exactly 1 replica; use 1 or -1`,
    )
  }
}

function checkPartitionCount(partitions: number, topic: string): void {
  if (partitions > MAX_PARTITIONS_PER_TOPIC) {
    throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Topic '${topic}' cannot have ${partitions} partitions; the most Creek allows is ${MAX_PARTITIONS_PER_TOPIC}`)
  }
}

/** Checks the replicas of one partition: non-empty, no broker twice, only this node. */
function checkReplicas(broker: BrokerContext, partition: number, brokerIds: readonly number[]): void {
  if (brokerIds.length === 0) {
    throw new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The replica assignment of partition ${partition} is empty`)
  }
  const seen = new Set<number>()
  for (const id of brokerIds) {
    if (id !== broker.nodeId) {
      throw new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The replica assignment of partition ${partition} names broker ${id}, but this cluster has only broker ${broker.nodeId}`)
    }
    if (seen.has(id)) {
      throw new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The replica assignment of partition ${partition} names broker ${id} more than once`)
    }
    seen.add(id)
  }
}

/**
 * The layout of a new topic, as Kafka decides it: a manual assignment (partitions 0..n−1 in
 * order, each on this node) fixes the partition count and requires −1 for both counts;
 * otherwise −1 takes the broker defaults (`num.partitions`, `default.replication.factor`), and
 * other non-positive values are refused.
 */
export function newTopicLayout(broker: BrokerContext, topic: NewTopicRequest): PartitionLayout {
  if (topic.assignments.length > 0) {
    if (topic.replicationFactor !== -1) {
      throw new AdminError(ErrorCode.INVALID_REPLICATION_FACTOR, 'A manual partition assignment was given, so the replication factor must be -1')
    }
    if (topic.numPartitions !== -1) {
      throw new AdminError(ErrorCode.INVALID_PARTITIONS, 'A manual partition assignment was given, so the number of partitions must be -1')
    }
    topic.assignments.forEach((assignment, index) => {
      if (assignment.partitionIndex !== index) {
        throw new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual assignment must list partitions 0, 1, 2… in order; found partition ${assignment.partitionIndex} at position ${index}`)
      }
      checkReplicas(broker, index, assignment.brokerIds)
    })
    checkPartitionCount(topic.assignments.length, topic.name)
    return { partitions: topic.assignments.length, replicationFactor: topic.assignments[0].brokerIds.length }
  }
  if (topic.replicationFactor === 0 || topic.replicationFactor < -1) {
    throw new AdminError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor must be larger than 0, or -1 for the default; got ${topic.replicationFactor}`)
  }
  if (topic.numPartitions === 0 || topic.numPartitions < -1) {
    throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0, or -1 for the default; got ${topic.numPartitions}`)
  }
  const partitions = topic.numPartitions === -1 ? broker.config.numPartitions : topic.numPartitions
  const replicationFactor = topic.replicationFactor === -1 ? broker.config.defaultReplicationFactor : topic.replicationFactor
  checkReplicationFactor(broker, replicationFactor)
  checkPartitionCount(partitions, topic.name)
  return { partitions, replicationFactor }
}

/**
 * Checks growing `topic` to `count` partitions. `assignments` (null for none) must then give the
 * replicas of each new partition, with the topic's replication factor (1).
 */
export function checkPartitionIncrease(
  broker: BrokerContext, topic: TopicMetadata, count: number, assignments: readonly { readonly brokerIds: readonly number[] }[] | null,
): void {
  if (count === topic.partitions) {
    throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Topic '${topic.name}' already has ${count} partitions`)
  }
  if (count < topic.partitions) {
    throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Topic '${topic.name}' has ${topic.partitions} partitions; partitions can only be added, so the new count ${count} must be larger`)
  }
  checkPartitionCount(count, topic.name)
  if (assignments === null) return
  const added = count - topic.partitions
  if (assignments.length !== added) {
    throw new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Adding ${added} partitions to '${topic.name}' needs ${added} assignments, but ${assignments.length} were given`)
  }
  assignments.forEach((assignment, index) => checkReplicas(broker, topic.partitions + index, assignment.brokerIds))
}
