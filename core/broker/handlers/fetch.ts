/**
 * Fetch: read whole record batches from each requested partition, waiting (long polling) when
 * there is less than `minBytes` to return.
 *
 * Size limits (KIP-74): partitions are read in request order, each up to `partitionMaxBytes`
 * and all together up to `maxBytes` (at most 55 MiB, Kafka's default `fetch.max.bytes`); but the first batch of the first partition that has data
 * is returned whole even when it is larger than both, so that a consumer never gets stuck
 * behind a big batch. Later partitions return only whole batches that fit.
 *
 * Waiting: if the first read found fewer than `minBytes` (and no partition failed, and
 * `maxWaitMs` > 0), the fetch parks in `FetchWaiters` until an append to one of its partitions
 * or `maxWaitMs`, then reads once more and answers whatever it finds. If the connection or the
 * broker closes meanwhile it answers the first read, without touching the logs again.
 *
 * Without transactions the last stable offset is the high watermark: read_committed reads up to
 * it and gets `abortedTransactions: []` (null for read_uncommitted). There are no incremental
 * fetch sessions: every fetch is answered as a full one with sessionId 0, and a request that
 * names a session (sessionId > 0, or an incremental epoch > 0) is answered
 * FETCH_SESSION_ID_NOT_FOUND, after which clients fall back to full fetches.
 */
import { CoreError } from '../../errors.ts'
import { Fetch, type FetchRequest, type FetchResponse, IsolationLevel } from '../../protocol/apis/fetch.ts'
import { ErrorCode, toKafkaErrorCode } from '../../protocol/error-codes.ts'
import { ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, batchSize } from '../../protocol/record-batch-header.ts'
import { ZERO_UUID } from '../../protocol/writer.ts'
import type { TopicMetadata } from '../../storage/log-manager.ts'
import type { PartitionLog } from '../../storage/partition-log.ts'
import { type TopicPartitionKey, fetchWaitersOf } from '../fetch-waiters.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'

type TopicResponse = FetchResponse['responses'][number]
type PartitionResponse = TopicResponse['partitions'][number]
type FetchPartition = FetchRequest['topics'][number]['partitions'][number]

/** The leader epoch of every partition: one replica, never re-elected. */
const LEADER_EPOCH = 0
/** Fetch versions before 10 cannot carry zstd batches (KIP-110). */
const ZSTD_MIN_FETCH_VERSION = 10
const ZSTD = 4
/**
 * Upper bound of a response's size, whatever the request asks: the default of Kafka's broker
 * config `fetch.max.bytes` (55 MiB), which Kafka applies the same way. It bounds the memory one
 * fetch can pin (v0-2 requests have no maxBytes at all).
 */
const FETCH_MAX_BYTES = 57_671_680
const EMPTY = Buffer.alloc(0)

interface ReadResult {
  readonly response: FetchResponse
  readonly bytes: number
  readonly failed: boolean
  /** The partitions that exist, to wait on. */
  readonly partitions: readonly TopicPartitionKey[]
}

export const fetchHandler = defineHandler(Fetch, async (broker, request, context) => {
  if (request.sessionId > 0 || request.sessionEpoch > 0) {
    return { ...emptyResponse(), errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND }
  }
  const first = readAll(broker, request, context.apiVersion)
  if (request.maxWaitMs <= 0 || first.bytes >= request.minBytes || first.failed || first.partitions.length === 0) {
    return first.response
  }
  // No await between the read above and this registration: no append can slip in between.
  const outcome = await fetchWaitersOf(broker).wait(first.partitions, request.maxWaitMs, [context.signal, broker.closeSignal])
  if (outcome === 'aborted') return first.response
  return readAll(broker, request, context.apiVersion).response
})

function emptyResponse(): FetchResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [], nodeEndpoints: [] }
}

/** Reads every requested partition once, in request order, under the size limits. */
function readAll(broker: BrokerContext, request: FetchRequest, apiVersion: number): ReadResult {
  const byId = apiVersion >= 13 ? new Map(broker.logs.topics().map((topic) => [topic.topicId, topic])) : undefined
  const state = { bytes: 0, maxBytes: Math.min(Math.max(0, request.maxBytes), FETCH_MAX_BYTES), failed: false }
  const partitions: TopicPartitionKey[] = []
  const responses = request.topics.map((requested): TopicResponse => {
    const topic: TopicMetadata | undefined = byId ? byId.get(requested.topicId) : broker.logs.topic(requested.topic)
    const unknown = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return {
      topic: byId ? '' : requested.topic,
      topicId: byId ? requested.topicId : ZERO_UUID,
      partitions: requested.partitions.map((p) => {
        if (topic === undefined || broker.logs.log(topic.name, p.partition) === undefined) {
          state.failed = true
          return partitionWithoutOffsets(p.partition, topic === undefined ? unknown : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, request.isolationLevel)
        }
        partitions.push({ topic: topic.name, partition: p.partition })
        const result = readPartition(broker, topic.name, p, request.isolationLevel, apiVersion, state)
        if (result.errorCode !== ErrorCode.NONE) state.failed = true
        return result
      }),
    }
  })
  return { response: { ...emptyResponse(), responses }, bytes: state.bytes, failed: state.failed, partitions }
}

function readPartition(
  broker: BrokerContext, topic: string, p: FetchPartition, isolationLevel: number, apiVersion: number,
  state: { bytes: number; readonly maxBytes: number },
): PartitionResponse {
  const log = broker.logs.log(topic, p.partition)!
  const readCommitted = isolationLevel === IsolationLevel.ReadCommitted
  if (p.currentLeaderEpoch > LEADER_EPOCH) return answer(log, p.partition, isolationLevel, ErrorCode.UNKNOWN_LEADER_EPOCH, EMPTY)
  if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) return answer(log, p.partition, isolationLevel, ErrorCode.OFFSET_OUT_OF_RANGE, EMPTY)
  const limit = Math.min(Math.max(0, p.partitionMaxBytes), state.maxBytes - state.bytes)
  const firstData = state.bytes === 0
  if (!firstData && limit <= 0) return answer(log, p.partition, isolationLevel, ErrorCode.NONE, EMPTY)
  let records: Buffer
  try {
    // With limit 0 the log still returns the first batch whole (KIP-74).
    records = log.read(p.fetchOffset, Math.max(0, limit), { maxOffset: readCommitted ? log.highWatermark : undefined }).records
  } catch (error) {
    if (!(error instanceof CoreError)) broker.logger.error(`Fetch from ${topic}-${p.partition} failed unexpectedly`, { cause: String(error) })
    return answer(log, p.partition, isolationLevel, toKafkaErrorCode(error), EMPTY)
  }
  if (!firstData) records = wholeBatchesWithin(records, limit)
  if (apiVersion < ZSTD_MIN_FETCH_VERSION && containsCodec(records, ZSTD)) return answer(log, p.partition, isolationLevel, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, EMPTY)
  state.bytes += records.length
  return answer(log, p.partition, isolationLevel, ErrorCode.NONE, records)
}

/** A partition's answer with the log's offsets. */
function answer(log: PartitionLog, partition: number, isolationLevel: number, errorCode: number, records: Buffer): PartitionResponse {
  return {
    ...partitionWithoutOffsets(partition, errorCode, isolationLevel),
    highWatermark: log.highWatermark,
    // No transactions: everything below the high watermark is stable.
    lastStableOffset: log.highWatermark,
    logStartOffset: log.logStartOffset,
    records,
  }
}

/** A partition answer with the offsets unknown (-1) and no records; reads fill in the rest. */
function partitionWithoutOffsets(partitionIndex: number, errorCode: number, isolationLevel: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: isolationLevel === IsolationLevel.ReadCommitted ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY,
  }
}

/** The longest prefix of whole batches of `records` that fits in `limit` bytes. */
function wholeBatchesWithin(records: Buffer, limit: number): Buffer {
  let end = 0
  while (end + LOG_OVERHEAD <= records.length) {
    const next = end + batchSize(records, end)
    if (next <= end || next > limit || next > records.length) break
    end = next
  }
  return end === records.length ? records : records.subarray(0, end)
}

/** Whether any whole batch in `records` uses compression codec `codec`. */
function containsCodec(records: Buffer, codec: number): boolean {
  let pos = 0
  while (pos + RECORD_BATCH_HEADER_SIZE <= records.length) {
    if ((records.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) === codec) return true
    const size = batchSize(records, pos)
    if (size < RECORD_BATCH_HEADER_SIZE) return false
    pos += size
  }
  return false
}
