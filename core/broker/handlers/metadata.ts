/**
 * Metadata: this broker, the cluster, and the topics a client asked for, each partition led by
 * this broker (a single replica, leader epoch 0).
 *
 * Which topics: at v0 an empty list means every topic; from v1 null means every topic and an
 * empty list none. Each requested topic is answered once, in request order:
 * - By name: a topic that does not exist is created when the request allows it
 *   (`allowAutoTopicCreation`, v4+; always at v0–3) and the broker's `auto.create.topics.enable`
 *   does; otherwise it is answered UNKNOWN_TOPIC_OR_PARTITION. An illegal name is answered
 *   INVALID_TOPIC_EXCEPTION, and so is a name whose creation would collide with an existing
 *   topic ('.' and '_' are interchangeable).
 * - By id (v12, a non-zero topicId; a name sent with it is ignored, as Kafka does): the topic
 *   with that id, its name filled in, or UNKNOWN_TOPIC_ID with a null name. Never created.
 *   Kafka answers only the ids when a request mixes ids and names; Creek answers every entry.
 * Topic ids are the log manager's (persisted with the topic) and appear from v10. A request
 * with a topic id or a null name before v12 (v10–11 carry both fields, but Kafka never served
 * them), or with a topic that has neither, is refused as a whole as Kafka does: INVALID_REQUEST
 * for every requested topic, and no brokers.
 *
 * Authorized operations are reported only when asked: topic operations (v8+) for every topic
 * answered by name or by a known id, cluster operations (v8–10; from v11 DescribeCluster
 * reports them). See `authorized-operations.ts`.
 */
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../protocol/apis/metadata.ts'
import { ErrorCode, toKafkaErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/writer.ts'
import type { TopicMetadata } from '../../storage/log-manager.ts'
import { AuthorizedOperations } from '../authorized-operations.ts'
import { autoCreateTopic, isValidTopicName, pendingTopic } from '../auto-create-topics.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'

type TopicResponse = MetadataResponse['topics'][number]
type RequestTopic = NonNullable<MetadataRequest['topics']>[number]

/** The first version whose requests may name topics by id. */
const TOPIC_IDS_IN_REQUESTS = 12
/** The last version with clusterAuthorizedOperations (DescribeCluster carries it from v11). */
const LAST_CLUSTER_OPERATIONS = 10

export const metadataHandler = defineHandler(Metadata, async (broker, request, context) => {
  const version = context.apiVersion
  const all = request.topics === null || (version === 0 && request.topics.length === 0)
  if (!all && request.topics!.some((topic) => !isWellFormed(topic, version))) return invalidRequest(request.topics!)
  const refs = all ? everyTopic(broker) : requestedTopics(broker, request.topics!)
  const autoCreate = !all && (version < 4 || request.allowAutoTopicCreation) && broker.config.autoCreateTopicsEnable
  const topicOperations = request.includeTopicAuthorizedOperations ? AuthorizedOperations.TOPIC : AuthorizedOperations.NOT_REQUESTED
  const topics = await Promise.all(refs.map((ref) => describeTopic(broker, ref, autoCreate, topicOperations)))
  const { host, port } = broker.endpoint
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host, port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: version <= LAST_CLUSTER_OPERATIONS && request.includeClusterAuthorizedOperations
      ? AuthorizedOperations.CLUSTER
      : AuthorizedOperations.NOT_REQUESTED,
  }
})

/** Whether a requested topic names it in a way its version allows (Kafka's checks, see above). */
function isWellFormed(topic: RequestTopic, version: number): boolean {
  const byId = topic.topicId !== ZERO_UUID
  if (version < TOPIC_IDS_IN_REQUESTS) return !byId && topic.name !== null
  return byId || topic.name !== null
}

/** Kafka's whole-request error answer (`MetadataRequest.getErrorResponse`). */
function invalidRequest(topics: readonly RequestTopic[]): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: topics.map((topic) => ({
      // Names are not nullable in responses before v12.
      ...failed(topic.name ?? '', ErrorCode.INVALID_REQUEST), topicId: topic.topicId,
    })),
    clusterAuthorizedOperations: AuthorizedOperations.NOT_REQUESTED,
  }
}

/** A topic to describe: by name, or by the id the client gave (`name` is null for an unknown id). */
interface TopicRef {
  readonly name: string | null
  /** Set when the client named the topic by id: it is then never created. */
  readonly topicId?: string
}

function everyTopic(broker: BrokerContext): TopicRef[] {
  return broker.logs.topics().map((topic) => ({ name: topic.name }))
}

/** The requested topics in request order, each once (an id and the name of its topic count as one). */
function requestedTopics(broker: BrokerContext, requested: readonly RequestTopic[]): TopicRef[] {
  const byId = requested.some((topic) => topic.topicId !== ZERO_UUID)
    ? new Map(broker.logs.topics().map((topic) => [topic.topicId, topic]))
    : undefined
  const refs = new Map<string, TopicRef>()
  for (const topic of requested) {
    if (topic.topicId !== ZERO_UUID) {
      const name = byId!.get(topic.topicId)?.name ?? null
      const key = name === null ? `id:${topic.topicId}` : `name:${name}`
      if (!refs.has(key)) refs.set(key, { name, topicId: topic.topicId })
    } else {
      const key = `name:${topic.name!}`
      if (!refs.has(key)) refs.set(key, { name: topic.name! })
    }
  }
  return [...refs.values()]
}

async function describeTopic(broker: BrokerContext, ref: TopicRef, autoCreate: boolean, topicOperations: number): Promise<TopicResponse> {
  const { name, topicId } = ref
  if (topicId === undefined && !isValidTopicName(name)) {
    return { ...failed(name, ErrorCode.INVALID_TOPIC_EXCEPTION), topicAuthorizedOperations: topicOperations }
  }
  try {
    if (topicId !== undefined) {
      // Its name was looked up by id; the id check guards against another topic of that name in between.
      const topic = name === null ? undefined : await settledTopic(broker, name)
      if (topic?.topicId === topicId) return describe(broker, topic, topicOperations)
      return { ...failed(null, ErrorCode.UNKNOWN_TOPIC_ID), topicId }
    }
    let topic = await settledTopic(broker, name!)
    if (topic === undefined && autoCreate) topic = await autoCreateTopic(broker, name!)
    if (topic === undefined) return { ...failed(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), topicAuthorizedOperations: topicOperations }
    return describe(broker, topic, topicOperations)
  } catch (error) {
    broker.logger.warn(`Metadata for topic ${name} failed: ${(error as Error).message}`, { topic: name })
    return { ...failed(name, toKafkaErrorCode(error)), topicId: topicId ?? ZERO_UUID, topicAuthorizedOperations: topicOperations }
  }
}

/** The topic named `name`, once its auto-creation (if one is under way) has finished. */
async function settledTopic(broker: BrokerContext, name: string): Promise<TopicMetadata | undefined> {
  return pendingTopic(broker, name) ?? broker.logs.topic(name)
}

function describe(broker: BrokerContext, topic: TopicMetadata, topicOperations: number): TopicResponse {
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
    topicAuthorizedOperations: topicOperations,
  }
}

function failed(name: string | null, errorCode: number): TopicResponse {
  return {
    errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AuthorizedOperations.NOT_REQUESTED,
  }
}
