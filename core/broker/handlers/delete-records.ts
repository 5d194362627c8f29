/**
 * DeleteRecords: raises each partition's log start offset to the requested offset (−1: the high
 * watermark) and answers the new low watermark. Per partition, as in Kafka's replica manager:
 * - unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION;
 * - the broker's own topics: INVALID_TOPIC_EXCEPTION;
 * - a topic whose cleanup.policy lacks `delete` (compact only): POLICY_VIOLATION;
 * - an offset below −1 or above the high watermark: OFFSET_OUT_OF_RANGE.
 * An offset at or below the current log start offset changes nothing. Failed partitions
 * answer lowWatermark −1. The change is durable before the response (the log start offset
 * checkpoint is written), so `timeoutMs` is unused.
 */
import { DeleteRecords, type DeleteRecordsResponse } from '../../protocol/apis/delete-records.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { isDeleteEnabled } from '../../storage/log-config.ts'
import { AdminError, failureOf } from '../admin-error.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'
import { refuseInternalTopic } from '../topic-admin.ts'

type DeleteRecordsPartitionResult = DeleteRecordsResponse['topics'][number]['partitions'][number]

function deleteBefore(broker: BrokerContext, topicName: string, partition: number, offset: number): number {
  const topic = broker.logs.topic(topicName)
  const log = broker.logs.log(topicName, partition)
  if (!topic || !log) throw new AdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${topicName}-${partition} does not exist`)
  refuseInternalTopic(topic, 'delete records of')
  if (!isDeleteEnabled(log.config)) {
    throw new AdminError(ErrorCode.POLICY_VIOLATION, `Records of ${topicName}-${partition} cannot be deleted: its cleanup.policy does not include 'delete'`)
  }
  const highWatermark = log.highWatermark
  const target = offset === -1 ? highWatermark : offset
  if (target < 0 || target > highWatermark) {
    throw new AdminError(ErrorCode.OFFSET_OUT_OF_RANGE, `Cannot delete records of ${topicName}-${partition} before offset ${offset}: it must be -1 or from 0 to the high watermark ${highWatermark}`)
  }
  return log.deleteRecordsBefore(target)
}

export const deleteRecordsHandler = defineHandler(DeleteRecords, async (broker, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ partitionIndex, offset }): DeleteRecordsPartitionResult => {
      try {
        const lowWatermark = deleteBefore(broker, name, partitionIndex, offset)
        return { partitionIndex, lowWatermark, errorCode: ErrorCode.NONE }
      } catch (error) {
        const { errorCode } = failureOf(error, broker.logger, `Deleting records of ${name}-${partitionIndex}`)
        return { partitionIndex, lowWatermark: -1, errorCode }
      }
    }),
  })),
}))
