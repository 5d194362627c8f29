/**
 * Metadata: this broker, the cluster, and the topics a client asked for, each partition led by
 * this broker (a single replica, leader epoch 0).
 *
 * Which topics: at v0 an empty list means every topic; from v1 null means every topic and an
 * empty list none. A named topic that does not exist is created when the request allows it
 * (`allowAutoTopicCreation`, v4+; always at v0–3) and the broker's `auto.create.topics.enable`
 * does; otherwise it is answered UNKNOWN_TOPIC_OR_PARTITION. An illegal name is answered
 * INVALID_TOPIC_EXCEPTION, and so is a name whose creation would collide with an existing topic
 * ('.' and '_' are interchangeable). A topic named by id alone (v12) is looked up by id and
 * never created (UNKNOWN_TOPIC_ID).
 *
 * Authorized operations (v8+) are reported only when asked; Creek has no ACLs, so every
 * operation a topic or the cluster supports is allowed.
 */
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../protocol/apis/metadata.ts'
import { ErrorCode, toKafkaErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/writer.ts'
import type { TopicMetadata } from '../../storage/log-manager.ts'
import { autoCreateTopic, isValidTopicName, pendingTopic } from '../auto-create-topics.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'

type TopicResponse = MetadataResponse['topics'][number]

/** Kafka's "authorized operations not requested" value. */
const OPERATIONS_NOT_REQUESTED = -2147483648

/** Bits of Kafka's AclOperation codes, for the operations each resource type supports. */
const AclOperation = {
  READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12,
} as const
const bits = (...operations: number[]): number => operations.reduce((mask, op) => mask | (1 << op), 0)
const TOPIC_OPERATIONS = bits(
  AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER,
  AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
)
const CLUSTER_OPERATIONS = bits(
  AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.CLUSTER_ACTION,
  AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
)

export const metadataHandler = defineHandler(Metadata, async (broker, request, context) => {
  const version = context.apiVersion
  const refs = requestedTopics(broker, request, version)
  const autoCreate = (version < 4 || request.allowAutoTopicCreation) && broker.config.autoCreateTopicsEnable
  const topics = await Promise.all(refs.map((ref) => describeTopic(broker, ref, autoCreate)))
  for (const topic of topics) {
    topic.topicAuthorizedOperations = request.includeTopicAuthorizedOperations && topic.errorCode === ErrorCode.NONE
      ? TOPIC_OPERATIONS
      : OPERATIONS_NOT_REQUESTED
  }
  const { host, port } = broker.endpoint
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host, port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
  }
})

interface TopicRef {
  readonly name: string | null
  readonly topicId: string
}

/** The topics to describe, in request order without repeats. */
function requestedTopics(broker: BrokerContext, request: MetadataRequest, version: number): TopicRef[] {
  const all = request.topics === null || (version === 0 && request.topics.length === 0)
  if (all) return broker.logs.topics().map((topic) => ({ name: topic.name, topicId: topic.topicId }))
  const seen = new Set<string>()
  return request.topics!.filter((topic) => {
    const key = topic.name ?? `id:${topic.topicId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

async function describeTopic(broker: BrokerContext, ref: TopicRef, autoCreate: boolean): Promise<TopicResponse> {
  // v12 may name a topic by id alone; no auto-creation then.
  if (ref.name === null) {
    const topic = broker.logs.topics().find((candidate) => candidate.topicId === ref.topicId)
    return topic ? describe(broker, topic) : { ...failed(null, ErrorCode.UNKNOWN_TOPIC_ID), topicId: ref.topicId }
  }
  const name = ref.name
  if (!isValidTopicName(name)) return failed(name, ErrorCode.INVALID_TOPIC_EXCEPTION)
  try {
    let topic: TopicMetadata | undefined = await pendingTopic(broker, name) ?? broker.logs.topic(name)
    if (topic === undefined && autoCreate) topic = await autoCreateTopic(broker, name)
    if (topic === undefined) return failed(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    return describe(broker, topic)
  } catch (error) {
    broker.logger.warn(`Metadata for topic ${name} failed: ${(error as Error).message}`, { topic: name })
    return failed(name, toKafkaErrorCode(error))
  }
}

function describe(broker: BrokerContext, topic: TopicMetadata): TopicResponse {
  const partitions: TopicResponse['partitions'] = []
  for (let index = 0; index < topic.partitions; index++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    })
  }
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions,
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  }
}

function failed(name: string | null, errorCode: number): TopicResponse {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED }
}
