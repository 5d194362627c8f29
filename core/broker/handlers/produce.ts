/**
 * Produce: append one record batch per partition and answer with the offsets assigned.
 *
 * Per partition, in this order: acks must be -1, 0 or 1 (INVALID_REQUIRED_ACKS); the topic must
 * exist (it is auto-created when `auto.create.topics.enable`), be a legal name and not internal
 * (INVALID_TOPIC_EXCEPTION); the partition must exist (UNKNOWN_TOPIC_OR_PARTITION); acks=-1
 * needs `min.insync.replicas` <= 1, the single replica (NOT_ENOUGH_REPLICAS); then the checks
 * of `produce-validation.ts` and the log's own validation, whose errors are mapped with
 * `toKafkaErrorCode` and explained in `errorMessage` (v8+).
 *
 * Durability: a topic with `flush.messages=1` is answered once its batch is fsynced
 * (`appendDurable`, which shares fsyncs between concurrent appends); otherwise once the batch
 * is in the page cache, as Kafka does.
 *
 * Order: every partition's append is started before the handler's first `await`, and appends
 * that need asynchronous preparation go through the partition's chain (`partition-order.ts`),
 * so a partition's batches are appended in the order their requests arrived. After an append
 * the fetches parked on the partition are woken.
 *
 * acks=0: the work is the same; the server sends no response (`Produce.expectsResponse`).
 */
import { CoreError } from '../../errors.ts'
import { Produce, type ProduceRequest, type ProduceResponse } from '../../protocol/apis/produce.ts'
import { ErrorCode, KafkaApiError, toKafkaErrorCode } from '../../protocol/error-codes.ts'
import type { TopicMetadata } from '../../storage/log-manager.ts'
import type { LogAppendInfo, PartitionLog } from '../../storage/partition-log.ts'
import { autoCreateTopic, isValidTopicName, pendingTopic } from '../auto-create-topics.ts'
import { fetchWaitersOf } from '../fetch-waiters.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'
import { inPartitionOrder } from '../partition-order.ts'
import { RecordValidationError, checkProducedRecords, planBatch, prepareBatch, prepareBatchSync } from '../produce-validation.ts'

type TopicData = ProduceRequest['topicData'][number]
type PartitionData = TopicData['partitionData'][number]
type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number]

const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1])

export const produceHandler = defineHandler(Produce, async (broker, request, context) => {
  const acks = request.acks
  // Everything below until the first await starts the appends, in request order.
  const pending = request.topicData.map((topic) => {
    if (!VALID_ACKS.has(acks)) {
      const message = `acks must be -1 (all), 0 or 1, got ${acks}`
      return topic.partitionData.map((p) => Promise.resolve(failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, message)))
    }
    return produceTopic(broker, topic, acks, context.apiVersion)
  })
  const responses = await Promise.all(pending.map(async (partitions, i) => ({
    name: request.topicData[i].name,
    partitionResponses: await Promise.all(partitions),
  })))
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] }
})

/** Starts the appends of one topic's partitions; one promise per partition, in request order. */
function produceTopic(broker: BrokerContext, topic: TopicData, acks: number, apiVersion: number): Promise<PartitionResponse>[] {
  const name = topic.name
  const all = (errorCode: number, message: string): Promise<PartitionResponse>[] =>
    topic.partitionData.map((p) => Promise.resolve(failed(p.index, errorCode, message)))
  if (!isValidTopicName(name)) return all(ErrorCode.INVALID_TOPIC_EXCEPTION, `'${name}' is not a legal topic name`)
  const existing = broker.logs.topic(name)
  const creating = pendingTopic(broker, name)
  if (existing !== undefined && creating === undefined) {
    return topic.partitionData.map((p) => producePartition(broker, existing, p, acks, apiVersion))
  }
  if (creating === undefined && !broker.config.autoCreateTopicsEnable) {
    return all(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist and auto.create.topics.enable is false`)
  }
  const ready = creating ?? autoCreateTopic(broker, name)
  // Registered in order on one promise, so the partitions still start in request order.
  return topic.partitionData.map((p) => ready.then(
    (meta) => producePartition(broker, meta, p, acks, apiVersion),
    (error: unknown) => failed(p.index, toKafkaErrorCode(error), messageOf(error)),
  ))
}

/**
 * Validates and appends one partition's batch. The checks and, when nothing asynchronous is
 * needed, the append itself run synchronously in this call.
 */
function producePartition(
  broker: BrokerContext, topic: TopicMetadata, data: PartitionData, acks: number, apiVersion: number,
): Promise<PartitionResponse> {
  const { index, records } = data
  const where = `${topic.name}-${index}`
  if (topic.internal) {
    return Promise.resolve(failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Clients cannot produce to the internal topic '${topic.name}'`))
  }
  const log = broker.logs.log(topic.name, index)
  if (log === undefined) {
    return Promise.resolve(failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${where} does not exist`))
  }
  try {
    checkProducedRecords(records, apiVersion)
    const config = log.config
    if (acks === -1 && config.minInsyncReplicas > 1) {
      throw new KafkaApiError(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        `${where} has 1 in-sync replica, fewer than its min.insync.replicas (${config.minInsyncReplicas}) required with acks=-1`,
      )
    }
    const plan = planBatch(records, config)
    const durable = config.flushMessages === 1
    const appended = inPartitionOrder(
      log,
      plan.async
        ? async () => append(broker, topic.name, index, log, await prepareBatch(records, plan, config, where), durable)
        : () => append(broker, topic.name, index, log, prepareBatchSync(records, plan, config, where), durable),
      plan.async,
    )
    return appended.then((result) => result.info).then(
      (info) => succeeded(index, info),
      (error: unknown) => rejected(broker, where, index, error),
    )
  } catch (error) {
    return Promise.resolve(rejected(broker, where, index, error))
  }
}

/**
 * Appends `records` and wakes the partition's parked fetches. The flush of a durable append is
 * returned inside an object, so that the partition's chain does not wait for it.
 */
function append(
  broker: BrokerContext, topic: string, partition: number, log: PartitionLog, records: Buffer, durable: boolean,
): { info: Promise<LogAppendInfo> } {
  const endBefore = log.logEndOffset
  const info = durable ? log.appendDurable(records) : Promise.resolve(log.append(records))
  // appendDurable appends synchronously before it awaits the fsync.
  if (log.logEndOffset > endBefore) fetchWaitersOf(broker).notify(topic, partition)
  return { info }
}

function succeeded(index: number, info: LogAppendInfo): PartitionResponse {
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: info.firstOffset,
    logAppendTimeMs: info.logAppendTime,
    logStartOffset: info.logStartOffset,
    recordErrors: [],
    errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  }
}

function rejected(broker: BrokerContext, where: string, index: number, error: unknown): PartitionResponse {
  if (!(error instanceof CoreError)) broker.logger.error(`Produce to ${where} failed unexpectedly`, { cause: String(error) })
  const response = failed(index, toKafkaErrorCode(error), messageOf(error))
  if (error instanceof RecordValidationError) response.recordErrors = [...error.recordErrors]
  return response
}

function failed(index: number, errorCode: number, errorMessage: string | null): PartitionResponse {
  return {
    index,
    errorCode,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
