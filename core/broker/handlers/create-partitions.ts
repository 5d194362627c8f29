/**
 * CreatePartitions: grows each topic to its requested partition count, answering per topic.
 * The count must exceed the current one (INVALID_PARTITIONS); assignments, when given, must
 * place each new partition on this node only (INVALID_REPLICA_ASSIGNMENT); a topic named twice
 * is refused (INVALID_REQUEST, answered once). The broker's own topics keep their partition
 * count: group placement (`hash(group) % partitions`) depends on it. `validateOnly` checks
 * everything and changes nothing.
 */
import { CreatePartitions, type CreatePartitionsResponse } from '../../protocol/apis/create-partitions.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { AdminError, failureOf } from '../admin-error.ts'
import { defineHandler } from '../handler.ts'
import { checkPartitionIncrease, duplicatesOf, refuseInternalTopic, requireTopic } from '../topic-admin.ts'

type CreatePartitionsTopicResult = CreatePartitionsResponse['results'][number]

export const createPartitionsHandler = defineHandler(CreatePartitions, async (broker, request) => {
  const duplicates = duplicatesOf(request.topics.map((topic) => topic.name))
  const answered = new Set<string>()
  const results: CreatePartitionsTopicResult[] = []
  for (const { name, count, assignments } of request.topics) {
    if (answered.has(name)) continue
    answered.add(name)
    const result: CreatePartitionsTopicResult = { name, errorCode: ErrorCode.NONE, errorMessage: null }
    try {
      if (duplicates.has(name)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Topic '${name}' appears more than once in the request`)
      const topic = requireTopic(broker, name)
      refuseInternalTopic(topic, 'add partitions to')
      checkPartitionIncrease(broker, topic, count, assignments)
      if (!request.validateOnly) {
        await broker.logs.addPartitions(name, count)
        broker.logger.info(`Topic '${name}' grew from ${topic.partitions} to ${count} partitions`, { topic: name })
      }
    } catch (error) {
      const failure = failureOf(error, broker.logger, `Adding partitions to '${name}'`)
      result.errorCode = failure.errorCode
      result.errorMessage = failure.errorMessage
    }
    results.push(result)
  }
  return { throttleTimeMs: 0, results }
})
