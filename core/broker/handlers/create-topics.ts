/**
 * CreateTopics: creates each requested topic independently, answering per topic with Kafka's
 * error codes (see topic-admin.ts for the checks). A name given twice in one request is refused
 * for every occurrence (INVALID_REQUEST, answered once), as Kafka does. `validateOnly` runs every
 * check and fills the response as if the topic had been created, but creates nothing.
 *
 * Names starting with '__' may be created; such topics are ordinary ones for Creek (only the
 * broker's own topics, like `__consumer_offsets`, are internal). Creation is synchronous, so
 * `timeoutMs` is not needed; the response is sent once every topic is on disk.
 */
import { CreateTopics, type CreateTopicsRequest, type CreateTopicsResponse } from '../../protocol/apis/create-topics.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/writer.ts'
import { failureOf } from '../admin-error.ts'
import { overridesFromCreateRequest, validateTopicOverrides } from '../config-changes.ts'
import { topicConfigEntries } from '../config-entries.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'
import { checkNewTopicName, duplicatesOf, newTopicLayout } from '../topic-admin.ts'

type CreatableTopic = CreateTopicsRequest['topics'][number]
type CreatableTopicResult = CreateTopicsResponse['topics'][number]

function emptyResult(name: string): CreatableTopicResult {
  return {
    name, topicId: ZERO_UUID, errorCode: ErrorCode.NONE, errorMessage: null, topicConfigErrorCode: 0,
    numPartitions: -1, replicationFactor: -1, configs: [],
  }
}

async function createTopic(broker: BrokerContext, topic: CreatableTopic, validateOnly: boolean): Promise<CreatableTopicResult> {
  const result = emptyResult(topic.name)
  try {
    checkNewTopicName(broker, topic.name)
    const layout = newTopicLayout(broker, topic)
    const overrides = validateTopicOverrides(broker, overridesFromCreateRequest(topic.configs))
    if (!validateOnly) {
      const created = await broker.logs.createTopic(topic.name, { partitions: layout.partitions, configs: overrides })
      result.topicId = created.topicId
      broker.logger.info(`Created topic '${topic.name}' with ${layout.partitions} partitions`, { topic: topic.name })
    }
    result.numPartitions = layout.partitions
    result.replicationFactor = layout.replicationFactor
    result.configs = topicConfigEntries(broker.config, broker.logs.defaults, overrides).map((entry) => ({
      name: entry.name, value: entry.value, readOnly: entry.readOnly, configSource: entry.source, isSensitive: entry.isSensitive,
    }))
  } catch (error) {
    const failure = failureOf(error, broker.logger, `Creating topic '${topic.name}'`)
    result.errorCode = failure.errorCode
    result.errorMessage = failure.errorMessage
  }
  return result
}

export const createTopicsHandler = defineHandler(CreateTopics, async (broker, request) => {
  const duplicates = duplicatesOf(request.topics.map((topic) => topic.name))
  const answered = new Set<string>()
  const topics: CreatableTopicResult[] = []
  for (const topic of request.topics) {
    if (duplicates.has(topic.name)) {
      if (answered.has(topic.name)) continue
      answered.add(topic.name)
      topics.push({ ...emptyResult(topic.name), errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Topic '${topic.name}' appears more than once in the request` })
      continue
    }
    // One at a time: a later topic's '.'/'_' collision check sees the earlier ones.
    topics.push(await createTopic(broker, topic, request.validateOnly))
  }
  return { throttleTimeMs: 0, topics }
})
