/**
 * ListOffsets: the offset of each requested partition at a point in time.
 *
 * | timestamp | answer                                                                          |
 * |-----------|---------------------------------------------------------------------------------|
 * | −1        | latest: the high watermark (= the last stable offset, as there are no transactions) |
 * | −2, −4    | earliest: the log start offset (−4, earliest local, is the same without tiered storage) |
 * | −3        | the first record with the largest timestamp: its offset and timestamp            |
 * | −5        | latest tiered: none, as nothing is tiered                                       |
 * | other     | the first offset whose timestamp is at or after it, with that timestamp        |
 *
 * "None" is offset −1 and timestamp −1 with no error. Latest and earliest answer timestamp −1.
 * v0 answers `oldStyleOffsets`: the single offset (Creek does not list segment base offsets as
 * Kafka's pre-0.10.1 brokers did), or none. A partition named twice in one request is answered
 * INVALID_REQUEST at every mention, as Kafka does.
 */
import { CoreError } from '../../errors.ts'
import { ListOffsets, type ListOffsetsRequest, type ListOffsetsResponse, ListOffsetsTimestamp } from '../../protocol/apis/list-offsets.ts'
import { ErrorCode, toKafkaErrorCode } from '../../protocol/error-codes.ts'
import { decodeRecordBatches } from '../../protocol/record-batch.ts'
import type { PartitionLog, TimestampOffset } from '../../storage/partition-log.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'

type PartitionRequest = ListOffsetsRequest['topics'][number]['partitions'][number]
type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number]

/** The leader epoch of every partition: one replica, never re-elected. */
const LEADER_EPOCH = 0
const NONE: TimestampOffset = Object.freeze({ offset: -1, timestamp: -1 })

export const listOffsetsHandler = defineHandler(ListOffsets, async (broker, request) => {
  const mentions = new Map<string, number>()
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const key = `${topic.name}\0${p.partitionIndex}`
      mentions.set(key, (mentions.get(key) ?? 0) + 1)
    }
  }
  const topics = await Promise.all(request.topics.map(async (topic) => ({
    name: topic.name,
    partitions: await Promise.all(topic.partitions.map((p) => {
      if (mentions.get(`${topic.name}\0${p.partitionIndex}`)! > 1) return failed(p.partitionIndex, ErrorCode.INVALID_REQUEST)
      return listPartition(broker, topic.name, p)
    })),
  })))
  return { throttleTimeMs: 0, topics }
})

async function listPartition(broker: BrokerContext, topic: string, p: PartitionRequest): Promise<PartitionResponse> {
  const log = broker.logs.log(topic, p.partitionIndex)
  if (log === undefined) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (p.currentLeaderEpoch > LEADER_EPOCH) return failed(p.partitionIndex, ErrorCode.UNKNOWN_LEADER_EPOCH)
  try {
    const found = await lookup(log, p.timestamp)
    return {
      partitionIndex: p.partitionIndex,
      errorCode: ErrorCode.NONE,
      oldStyleOffsets: found.offset >= 0 && p.maxNumOffsets > 0 ? [found.offset] : [],
      timestamp: found.timestamp,
      offset: found.offset,
      leaderEpoch: found.offset >= 0 ? LEADER_EPOCH : -1,
    }
  } catch (error) {
    if (!(error instanceof CoreError)) {
      broker.logger.error(`ListOffsets of ${topic}-${p.partitionIndex} failed unexpectedly`, { cause: String(error) })
    }
    return failed(p.partitionIndex, toKafkaErrorCode(error))
  }
}

async function lookup(log: PartitionLog, timestamp: number): Promise<TimestampOffset> {
  switch (timestamp) {
    case ListOffsetsTimestamp.Latest:
      // Read committed asks for the last stable offset, which is the high watermark here.
      return { offset: log.highWatermark, timestamp: -1 }
    case ListOffsetsTimestamp.Earliest:
    case ListOffsetsTimestamp.EarliestLocal:
      return { offset: log.logStartOffset, timestamp: -1 }
    case ListOffsetsTimestamp.MaxTimestamp:
      return maxTimestampRecord(log)
    case ListOffsetsTimestamp.LatestTiered:
      return NONE
    default:
      return (await log.offsetForTimestamp(timestamp)) ?? NONE
  }
}

/**
 * The first record carrying the log's largest timestamp (KIP-734, as Kafka answers since
 * KAFKA-16310): the log knows the batch, and its one batch is decoded to find the record.
 */
async function maxTimestampRecord(log: PartitionLog): Promise<TimestampOffset> {
  const found = log.maxTimestampOffset()
  if (found === undefined) return NONE
  const [batch] = await decodeRecordBatches(log.read(found.offset, 0).records, { verifyCrc: false })
  const record = batch?.records.find((r) => r.timestamp === found.timestamp && r.offset >= log.logStartOffset)
  return record === undefined ? found : { offset: record.offset, timestamp: record.timestamp }
}

function failed(partitionIndex: number, errorCode: number): PartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 }
}
