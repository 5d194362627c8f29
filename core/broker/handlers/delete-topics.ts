/**
 * DeleteTopics: deletes topics named in `topicNames` (v0–5) or in `topics` by name or by id
 * (v6), answering per topic:
 * - `delete.topic.enable=false`: every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST below
 *   v3, whose clients do not know that code), as in Kafka.
 * - A v6 entry with both or neither of name and id, or a name or id given twice: INVALID_REQUEST.
 * - Unknown name: UNKNOWN_TOPIC_OR_PARTITION; unknown id: UNKNOWN_TOPIC_ID.
 * - The broker's own topics (`__consumer_offsets`): INVALID_TOPIC_EXCEPTION. Kafka's broker
 *   leaves that refusal to its command-line tool; Creek refuses on the broker because the group
 *   coordinator keeps that topic's logs open and would lose every committed offset.
 * Deletion is synchronous (metadata, then the partition directories), so `timeoutMs` is unused.
 */
import { DeleteTopics, type DeleteTopicsResponse } from '../../protocol/apis/delete-topics.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/writer.ts'
import type { TopicMetadata } from '../../storage/log-manager.ts'
import { AdminError, failureOf } from '../admin-error.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'
import { duplicatesOf, refuseInternalTopic, requireTopic } from '../topic-admin.ts'

type DeletableTopicResult = DeleteTopicsResponse['responses'][number]

/** A topic as the request names it: by name, by id, or (v6) wrongly by both or neither. */
interface TopicRef {
  readonly name: string | null
  readonly topicId: string
}

function resolve(broker: BrokerContext, ref: TopicRef, duplicateNames: Set<string>, duplicateIds: Set<string>): TopicMetadata {
  const byId = ref.topicId !== ZERO_UUID
  if (ref.name !== null && byId) throw new AdminError(ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.')
  if (ref.name === null && !byId) throw new AdminError(ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.')
  if (ref.name !== null) {
    if (duplicateNames.has(ref.name)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Topic '${ref.name}' appears more than once in the request`)
    return requireTopic(broker, ref.name)
  }
  if (duplicateIds.has(ref.topicId)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Topic id ${ref.topicId} appears more than once in the request`)
  const topic = broker.logs.topics().find((t) => t.topicId === ref.topicId)
  if (!topic) throw new AdminError(ErrorCode.UNKNOWN_TOPIC_ID, `No topic has id ${ref.topicId}`)
  return topic
}

export const deleteTopicsHandler = defineHandler(DeleteTopics, async (broker, request, context) => {
  const refs: TopicRef[] = context.apiVersion >= 6
    ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
    : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
  const duplicateNames = duplicatesOf(refs.flatMap((r) => (r.name !== null && r.topicId === ZERO_UUID ? [r.name] : [])))
  const duplicateIds = duplicatesOf(refs.flatMap((r) => (r.name === null && r.topicId !== ZERO_UUID ? [r.topicId] : [])))
  const answered = new Set<string>()
  const responses: DeletableTopicResult[] = []
  for (const ref of refs) {
    const key = ref.name !== null ? `name:${ref.name}` : `id:${ref.topicId}`
    const duplicate = ref.name !== null ? duplicateNames.has(ref.name) : duplicateIds.has(ref.topicId)
    if (duplicate && answered.has(key)) continue
    answered.add(key)
    const result: DeletableTopicResult = { name: ref.name, topicId: ref.topicId, errorCode: ErrorCode.NONE, errorMessage: null }
    try {
      if (!broker.config.deleteTopicEnable) {
        throw context.apiVersion < 3
          ? new AdminError(ErrorCode.INVALID_REQUEST, 'Topic deletion is disabled.')
          : new AdminError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled (delete.topic.enable=false).')
      }
      const topic = resolve(broker, ref, duplicateNames, duplicateIds)
      result.name = topic.name
      result.topicId = topic.topicId
      refuseInternalTopic(topic, 'delete')
      await broker.logs.deleteTopic(topic.name)
      broker.logger.info(`Deleted topic '${topic.name}'`, { topic: topic.name })
      await broker.groups.deleteTopicOffsets(topic.name)
    } catch (error) {
      const failure = failureOf(error, broker.logger, `Deleting topic ${key}`)
      result.errorCode = failure.errorCode
      result.errorMessage = failure.errorMessage
    }
    responses.push(result)
  }
  return { throttleTimeMs: 0, responses }
})
