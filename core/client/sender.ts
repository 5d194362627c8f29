/**
 * The producer's sender (Kafka's `Sender`): takes ready batches from the accumulator, groups
 * them by partition leader into Produce requests, sends them through the transport and settles
 * each batch from its partition's answer.
 *
 * Contracts:
 * - One request holds at most one batch per partition (Kafka refuses several v2 batches of one
 *   partition in a request) and at most `maxRequestSize` bytes of batches (one larger batch
 *   travels alone); batches with different acks go in different requests. At most
 *   `maxInFlightRequestsPerConnection` requests are in flight per broker.
 * - Order: the accumulator lets one batch per partition be in flight; a batch that fails
 *   retriably goes back to the front of its partition, so a later batch never overtakes it.
 * - Retriable failures (retriable Kafka codes, retriable transport errors, a request that got
 *   no answer within `requestTimeoutMs`) are retried after `backoffDelay` (retry.ts) while
 *   `retries` and `deliveryTimeoutMs` allow; errors that suggest stale metadata refresh it first.
 *   Anything else fails the batch's sends at once with the broker's error, except
 *   MESSAGE_TOO_LARGE for a batch of several records: it is split and its parts are sent
 *   instead (Kafka's producer does the same); a single record too large fails.
 * - A batch older than `deliveryTimeoutMs` that is not in flight fails with REQUEST_TIMED_OUT,
 *   carrying the last error as `cause`.
 * - acks = 0: the broker does not answer; a batch is done once its request is handed to the
 *   transport, with offset −1.
 *
 * Concurrency: single-threaded; one drain runs at a time, scheduled with `setImmediate` when a
 * partition becomes ready, a response arrives, a retry backoff ends or metadata is refreshed.
 */
import { CoreError, isRetriable } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { Produce, type ProduceRequest, type ProduceResponse } from '../protocol/apis/produce.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import type { ClusterMetadata } from './cluster-metadata.ts'
import type { ProducerBatch } from './producer-batch.ts'
import type { ProducerConfig } from './producer-config.ts'
import type { PartitionQueue, RecordAccumulator } from './record-accumulator.ts'
import { backoffDelay } from './retry.ts'
import { TopicPartitionError } from './topic-partition-error.ts'
import type { Transport } from './transport.ts'

/** Codes after which the leader may have moved: refresh metadata before retrying. */
const STALE_METADATA_CODES = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.NETWORK_EXCEPTION, ErrorCode.REPLICA_NOT_AVAILABLE,
])

export interface SenderOptions {
  readonly transport: Transport
  readonly metadata: ClusterMetadata
  readonly accumulator: RecordAccumulator
  readonly config: ProducerConfig
  readonly clock: () => number
  readonly logger: Logger
}

/** Batches for one request to one broker. */
interface RequestDraft {
  readonly nodeId: number
  readonly acks: -1 | 0 | 1
  readonly queues: PartitionQueue[]
  readonly batches: ProducerBatch[]
  bytes: number
}

export class Sender {
  readonly #transport: Transport
  readonly #metadata: ClusterMetadata
  readonly #accumulator: RecordAccumulator
  readonly #config: ProducerConfig
  readonly #clock: () => number
  readonly #logger: Logger
  readonly #inFlight = new Map<number, number>()
  #drainScheduled: NodeJS.Immediate | null = null
  #retryTimer: NodeJS.Timeout | null = null
  #retryTimerAt = Infinity
  #refreshingMetadata = false
  #closed = false

  constructor(options: SenderOptions) {
    this.#transport = options.transport
    this.#metadata = options.metadata
    this.#accumulator = options.accumulator
    this.#config = options.config
    this.#clock = options.clock
    this.#logger = options.logger
  }

  /** Schedules a drain at the end of this event-loop turn (coalesced). */
  wake(): void {
    if (this.#drainScheduled !== null || this.#closed) return
    this.#drainScheduled = setImmediate(() => {
      this.#drainScheduled = null
      this.#drain()
    })
  }

  #drain(): void {
    if (this.#accumulator.memory.exhausted) this.#accumulator.closeIdle()
    const now = this.#clock()
    const { deliveryTimeoutMs, maxRequestSize, maxInFlightRequestsPerConnection: maxInFlight } = this.#config
    const drafts = new Map<number, RequestDraft[]>()
    const leaderless: string[] = []
    let nextRetry = Infinity
    for (const queue of this.#accumulator.ready) {
      let batch = queue.closed[0]
      while (batch !== undefined && now - batch.createdAt >= deliveryTimeoutMs) {
        this.#accumulator.expireHead(queue, expired(batch, deliveryTimeoutMs))
        batch = queue.closed[0]
      }
      if (batch === undefined || batch.encoded === null) continue
      if (queue.retryAt > now) {
        nextRetry = Math.min(nextRetry, queue.retryAt)
        continue
      }
      const nodeId = this.#metadata.leaderFor(queue.topic, queue.partition)
      if (nodeId < 0) {
        leaderless.push(queue.topic)
        queue.retryAt = now + this.#config.retryBackoffMs
        nextRetry = Math.min(nextRetry, queue.retryAt)
        continue
      }
      let nodeDrafts = drafts.get(nodeId)
      if (nodeDrafts === undefined) drafts.set(nodeId, (nodeDrafts = []))
      const size = batch.encoded.length
      let draft: RequestDraft | undefined
      for (const candidate of nodeDrafts) {
        if (candidate.acks === batch.acks && candidate.bytes + size <= maxRequestSize) {
          draft = candidate
          break
        }
      }
      if (draft === undefined) {
        if ((this.#inFlight.get(nodeId) ?? 0) + nodeDrafts.length >= maxInFlight) continue // woken by a response
        draft = { nodeId, acks: batch.acks, queues: [], batches: [], bytes: 0 }
        nodeDrafts.push(draft)
      }
      draft.queues.push(queue)
      draft.batches.push(this.#accumulator.take(queue))
      draft.bytes += size
    }
    for (const nodeDrafts of drafts.values()) {
      for (const draft of nodeDrafts) void this.#send(draft)
    }
    if (leaderless.length > 0) this.#refreshMetadata(leaderless)
    if (nextRetry !== Infinity) this.#scheduleRetry(nextRetry)
  }

  #scheduleRetry(at: number): void {
    if (this.#closed || at >= this.#retryTimerAt) return
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    this.#retryTimerAt = at
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null
      this.#retryTimerAt = Infinity
      this.#drain()
    }, Math.max(0, at - this.#clock()))
  }

  #refreshMetadata(topics: Iterable<string>): void {
    if (this.#refreshingMetadata) return
    this.#refreshingMetadata = true
    this.#metadata.refresh(new Set(topics)).catch((error: unknown) => {
      this.#logger.warn(`Producer ${this.#config.clientId}: metadata refresh failed: ${(error as Error).message}`)
    }).finally(() => {
      this.#refreshingMetadata = false
      this.wake()
    })
  }

  async #send(draft: RequestDraft): Promise<void> {
    const { nodeId, batches } = draft
    this.#inFlight.set(nodeId, (this.#inFlight.get(nodeId) ?? 0) + 1)
    let response: ProduceResponse | undefined
    try {
      for (const batch of batches) batch.attempts++
      response = await this.#request(nodeId, buildRequest(draft, this.#config.requestTimeoutMs))
    } catch (error) {
      const now = this.#clock()
      for (let i = 0; i < batches.length; i++) this.#retryOrFail(draft.queues[i], batches[i], error, now)
      if (isRetriable(error)) this.#refreshMetadata(batches.map((b) => b.topic))
      return
    } finally {
      this.#inFlight.set(nodeId, this.#inFlight.get(nodeId)! - 1)
      this.wake()
    }
    if (draft.acks === 0 || response === undefined) {
      for (const batch of batches) this.#accumulator.done(batch)
      return
    }
    this.#settle(draft, response)
  }

  /** Sends with a client-side timeout of `requestTimeoutMs` (the transport may have none). */
  #request(nodeId: number, request: ProduceRequest): Promise<ProduceResponse> {
    const { requestTimeoutMs } = this.#config
    const controller = new AbortController()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new KafkaApiError(ErrorCode.REQUEST_TIMED_OUT, `No Produce response from node ${nodeId} within requestTimeoutMs (${requestTimeoutMs} ms)`)
        controller.abort(error)
        reject(error)
      }, requestTimeoutMs)
      let sent: Promise<ProduceResponse>
      try {
        sent = this.#transport.send(Produce, request, { nodeId, signal: controller.signal })
      } catch (error) {
        sent = Promise.reject(error)
      }
      sent.then(
        (response) => {
          clearTimeout(timer)
          resolve(response)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })
  }

  #settle(draft: RequestDraft, response: ProduceResponse): void {
    const answers = new Map<string, ProduceResponse['responses'][number]['partitionResponses'][number]>()
    for (const topic of response.responses) {
      for (const p of topic.partitionResponses) answers.set(`${p.index}:${topic.name}`, p)
    }
    const now = this.#clock()
    let staleMetadata: string[] | null = null
    for (let i = 0; i < draft.batches.length; i++) {
      const batch = draft.batches[i]
      const answer = answers.get(`${batch.partition}:${batch.topic}`)
      if (answer === undefined) {
        const error = new CoreError('CORE_PROTOCOL', `The Produce response has no answer for topic '${batch.topic}' partition ${batch.partition}`)
        this.#accumulator.done(batch, error)
      } else if (answer.errorCode === ErrorCode.NONE) {
        this.#accumulator.done(batch, undefined, answer.baseOffset, answer.logAppendTimeMs)
      } else {
        const detail = answer.errorMessage ?? answer.recordErrors?.[0]?.batchIndexErrorMessage ?? null
        const error = new TopicPartitionError(answer.errorCode, batch.topic, batch.partition, detail)
        if (answer.errorCode === ErrorCode.MESSAGE_TOO_LARGE && batch.recordCount > 1 && !this.#closed) {
          this.#split(draft.queues[i], batch, error)
          continue
        }
        if (STALE_METADATA_CODES.has(answer.errorCode)) (staleMetadata ??= []).push(batch.topic)
        this.#retryOrFail(draft.queues[i], batch, error, now)
      }
    }
    if (staleMetadata !== null) this.#refreshMetadata(staleMetadata)
  }

  /** Splits a batch the broker found too large (as Kafka's producer does); a failed split fails it. */
  #split(queue: PartitionQueue, batch: ProducerBatch, error: unknown): void {
    this.#logger.debug(`Producer ${this.#config.clientId}: splitting a batch of ${batch.recordCount} records for ${batch.topic}-${batch.partition} refused as too large`)
    // The parts are put back as ready batches: the accumulator wakes the sender.
    this.#accumulator.split(queue, batch).catch(
      (cause: unknown) => {
        this.#logger.warn(`Producer ${this.#config.clientId}: cannot split a batch for ${batch.topic}-${batch.partition}`, { cause: String(cause) })
        this.#accumulator.done(batch, error)
      },
    )
  }

  #retryOrFail(queue: PartitionQueue, batch: ProducerBatch, error: unknown, now: number): void {
    const { retries, deliveryTimeoutMs, retryBackoffMs, retryBackoffMaxMs } = this.#config
    batch.lastError = error
    if (this.#closed || !isRetriable(error) || batch.attempts > retries) {
      this.#accumulator.done(batch, error)
      return
    }
    const retryAt = now + backoffDelay(batch.attempts, { initialBackoffMs: retryBackoffMs, maxBackoffMs: retryBackoffMaxMs })
    if (retryAt - batch.createdAt >= deliveryTimeoutMs) {
      this.#accumulator.done(batch, expired(batch, deliveryTimeoutMs))
      return
    }
    this.#logger.debug(`Producer ${this.#config.clientId}: retrying ${batch.topic}-${batch.partition}`, {
      attempt: batch.attempts, error: (error as Error).message,
    })
    this.#accumulator.retryLater(queue, batch, retryAt)
    this.#scheduleRetry(retryAt)
  }

  /** Stops scheduling; requests in flight still settle their batches. */
  close(): void {
    this.#closed = true
    if (this.#drainScheduled !== null) clearImmediate(this.#drainScheduled)
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    this.#drainScheduled = null
    this.#retryTimer = null
  }
}

function buildRequest(draft: RequestDraft, timeoutMs: number): ProduceRequest {
  const byTopic = new Map<string, ProduceRequest['topicData'][number]>()
  for (const batch of draft.batches) {
    let topicData = byTopic.get(batch.topic)
    if (topicData === undefined) byTopic.set(batch.topic, (topicData = { name: batch.topic, partitionData: [] }))
    topicData.partitionData.push({ index: batch.partition, records: batch.encoded })
  }
  return { transactionalId: null, acks: draft.acks, timeoutMs, topicData: [...byTopic.values()] }
}

function expired(batch: ProducerBatch, deliveryTimeoutMs: number): KafkaApiError {
  const message = `Expiring ${batch.recordCount} record(s) for ${batch.topic}-${batch.partition}: `
    + `deliveryTimeoutMs (${deliveryTimeoutMs} ms) passed since the batch was created`
    + (batch.lastError instanceof Error ? `; last error: ${batch.lastError.message}` : '')
  return new KafkaApiError(ErrorCode.REQUEST_TIMED_OUT, message, { cause: batch.lastError })
}
