/**
 * The producer: writes messages to topics through a `Transport`, batching per partition.
 *
 * ```ts
 * const producer = new Producer(transport, { lingerMs: 5, compression: 'lz4' })
 * const [meta] = await producer.send({ topic: 'payments', messages: [{ key: 'alice', value: '42' }] })
 * await producer.close()
 * ```
 *
 * Contracts:
 * - `send` resolves with one `RecordMetadata` per message, in order, once all are acknowledged
 *   (acks = 0: once sent, offsets −1). The send option `results: 'none'` makes it resolve with
 *   nothing at that moment instead (`Promise<void>`, typed so), and no object per record is
 *   made then, for callers that need no offsets (a stream thread's sinks); `'records'` is the
 *   default. It rejects with the first failure: an invalid message or option
 *   (`CORE_INVALID_ARGUMENT`), a record above `maxRequestSize` or a send above `bufferMemory`
 *   (`CORE_RECORD_TOO_LARGE`, before anything of the send is queued), an unknown topic, or the
 *   broker's error for a partition (`TopicPartitionError`) once retries are spent.
 * - Order: messages are queued in call order, across `send` calls, whatever has to be awaited
 *   first (metadata of a new topic, buffer memory); with the sender's one-batch-in-flight per
 *   partition rule, records of one partition are written in call order, retries included.
 * - Memory: bytes of records not yet acknowledged stay under `bufferMemory`; a send that does
 *   not fit waits (FIFO) until batches are acknowledged, and meanwhile no batch lingers.
 * - The per-record path allocates nothing until the acknowledgement (one `RecordMetadata`, none
 *   with `results: 'none'`):
 *   records are checked into reused columns and written straight into their batches' bytes;
 *   keys and values given as buffers are not copied; batches are encoded once.
 * - The transport is not owned: `close()` flushes, then stops timers; it leaves the transport
 *   open (the `Creek` instance that made it closes it).
 */
// Imported rather than global: the global `Buffer` is an accessor, a getter call per `instanceof`.
import { Buffer } from 'node:buffer'
import { CoreError } from '../errors.ts'
import type { RecordHeader } from '../protocol/record-batch.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { type CompressionType, parseCompressionType } from '../protocol/compression/codecs.ts'
import { RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch-header.ts'
import { ClusterMetadata, type TopicInfo } from './cluster-metadata.ts'
import { defaultPartitioner, type Partitioner } from './partitioners.ts'
import { type RecordColumns, type RecordMetadata, SendHandle, recordSize } from './producer-batch.ts'
import { type Acks, type ProducerConfig, type ProducerOptions, resolveProducerConfig } from './producer-config.ts'
import {
  NO_HEADERS, type ProducerSend, type ProducerSendBatch, type TopicMessages, toBytes, toRecordHeaders,
} from './producer-message.ts'
import { RecordAccumulator } from './record-accumulator.ts'
import { Sender } from './sender.ts'
import type { Transport } from './transport.ts'

/**
 * The columns of a checked send (see `RecordColumns`), with each record's partition and topic
 * (an index into the send's `topicMessages`). Sized for `capacity` records; a send uses the
 * first `count`.
 */
interface SendColumns extends RecordColumns {
  readonly keys: (Buffer | null)[]
  readonly values: (Buffer | null)[]
  readonly headers: (readonly RecordHeader[])[]
  readonly partitions: Int32Array
  readonly topicIndexes: Int32Array
  readonly capacity: number
}

function newColumns(capacity: number): SendColumns {
  return {
    keys: new Array<Buffer | null>(capacity).fill(null),
    values: new Array<Buffer | null>(capacity).fill(null),
    headers: new Array<readonly RecordHeader[]>(capacity).fill(NO_HEADERS),
    timestamps: new Float64Array(capacity),
    sizes: new Int32Array(capacity),
    partitions: new Int32Array(capacity),
    topicIndexes: new Int32Array(capacity),
    capacity,
  }
}

/** Sends up to this many records reuse the producer's columns (larger ones get their own). */
const REUSED_COLUMNS_CAPACITY = 16_384

/**
 * A send checked and turned into records, ready to be appended: one column per record field
 * rather than an object per record. The producer keeps one set of columns for the next send
 * (`#spareColumns`); a send borrows them and gives them back, cleared, once its records are
 * written into their batches, so a stream of sends allocates nothing per record. A send that
 * must wait for memory keeps them until then: sends after it wait too, with columns of their own.
 */
interface PreparedSend {
  readonly handle: SendHandle
  readonly count: number
  readonly columns: SendColumns
  /** Topic names by index in the send's `topicMessages`. */
  readonly topics: readonly string[]
  readonly bytes: number
  readonly acks: -1 | 0 | 1
  readonly compression: CompressionType
}

function invalid(message: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', message)
}

function parseAcks(acks: Acks): -1 | 0 | 1 {
  const value = acks === 'all' ? -1 : acks
  if (value !== 0 && value !== 1 && value !== -1) throw invalid(`acks ${String(acks)} is invalid; use 0, 1, -1 or 'all'`)
  return value
}

function noop(): void {}

export class Producer {
  readonly config: ProducerConfig
  readonly #metadata: ClusterMetadata
  readonly #ownsMetadata: boolean
  readonly #partitioner: Partitioner
  /** What the partitioner is given, refilled for each record (valid only during the call). */
  readonly #partitionerRecord: { topic: string; key: Buffer | null; value: Buffer | null; sizeInBytes: number; sendId: number } = { topic: '', key: null, value: null, sizeInBytes: 0, sendId: 0 }
  readonly #accumulator: RecordAccumulator
  readonly #sender: Sender
  readonly #clock: () => number = Date.now
  /** Columns for the next send, null while a send is being prepared with them. */
  #spareColumns: SendColumns | null = null
  /** Sends that wait for something before they can be queued, in call order. */
  #chain: Promise<void> = Promise.resolve()
  #waitingSends = 0
  #closing: Promise<void> | null = null

  /** Validates `options` (CORE_INVALID_CONFIG) and starts nothing until the first send. */
  constructor(transport: Transport, options: ProducerOptions = {}) {
    this.config = resolveProducerConfig(options)
    const logger: Logger = options.logger ?? silentLogger
    this.#ownsMetadata = options.metadata === undefined
    this.#metadata = options.metadata ?? new ClusterMetadata(transport, {
      allowAutoTopicCreation: this.config.allowAutoTopicCreation,
      metadataMaxAgeMs: this.config.metadataMaxAgeMs,
      retryBackoffMs: this.config.retryBackoffMs,
      retryBackoffMaxMs: this.config.retryBackoffMaxMs,
    })
    this.#partitioner = this.config.partitioner ?? defaultPartitioner({
      batchSize: this.config.batchSize,
      openBatchBytes: (topic, partition) => this.#accumulator.openBatchBytes(topic, partition),
    })
    this.#accumulator = new RecordAccumulator({
      batchSize: this.config.batchSize,
      lingerMs: this.config.lingerMs,
      bufferMemory: this.config.bufferMemory,
      reuseBuffers: transport.releasesRequestBuffers === true,
      clock: this.#clock,
      onReady: () => this.#sender.wake(),
    })
    this.#sender = new Sender({
      transport, metadata: this.#metadata, accumulator: this.#accumulator, config: this.config, clock: this.#clock, logger,
    })
  }

  /** The cluster view this producer routes with (shared if one was passed in the options). */
  get metadata(): ClusterMetadata {
    return this.#metadata
  }

  /** Bytes of records accepted and not yet acknowledged. */
  get bufferedBytes(): number {
    return this.#accumulator.memory.used
  }

  /** Sends messages to one topic; see the module comment for what the promise means. */
  send(request: ProducerSend & { readonly results: 'none' }): Promise<void>
  send(request: ProducerSend & { readonly results?: 'records' }): Promise<RecordMetadata[]>
  send(request: ProducerSend): Promise<RecordMetadata[] | void>
  send(request: ProducerSend): Promise<RecordMetadata[] | void> {
    if (request === null || typeof request !== 'object') return Promise.reject(invalid('send() takes { topic, messages }'))
    return this.#submit({ topicMessages: [request], acks: request.acks, compression: request.compression, results: request.results })
  }

  /** Sends messages to several topics; results are in the order of the messages, topic after topic. */
  sendBatch(request: ProducerSendBatch & { readonly results: 'none' }): Promise<void>
  sendBatch(request: ProducerSendBatch & { readonly results?: 'records' }): Promise<RecordMetadata[]>
  sendBatch(request: ProducerSendBatch): Promise<RecordMetadata[] | void>
  sendBatch(request: ProducerSendBatch): Promise<RecordMetadata[] | void> {
    return this.#submit(request)
  }

  #submit(request: ProducerSendBatch): Promise<RecordMetadata[] | undefined> {
    if (this.#closing !== null) return Promise.reject(new CoreError('CORE_CLOSED', `Producer ${this.config.clientId} is closed`))
    try {
      checkShape(request)
      if (this.#waitingSends > 0) return this.#sendLater(request, null)
      const topics = this.#cachedTopics(request.topicMessages)
      const now = this.#clock()
      const prepared = topics === null ? null : this.#prepare(request, topics, false, now, true)
      if (prepared === null) return this.#sendLater(request, null)
      if (this.#accumulator.memory.tryAcquire(prepared.bytes)) {
        try {
          this.#append(prepared, now)
        } finally {
          this.#giveBack(prepared.columns, prepared.count)
        }
        return prepared.handle.promise
      }
      // The send waits for memory and keeps the columns meanwhile: later sends queue behind it
      // (#sendLater) and prepare columns of their own.
      return this.#sendLater(request, prepared)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Every topic's cached metadata, or null when one is unknown. */
  #cachedTopics(topicMessages: readonly TopicMessages[]): TopicInfo[] | null {
    const topics: TopicInfo[] = []
    for (const { topic } of topicMessages) {
      const info = this.#metadata.use(topic)
      if (info === undefined) return null
      topics.push(info)
    }
    return topics
  }

  /** Queues a send behind the ones already waiting: metadata first, then memory. */
  #sendLater(request: ProducerSendBatch, prepared: PreparedSend | null): Promise<RecordMetadata[] | undefined> {
    this.#waitingSends++
    const queued = this.#chain.then(async () => {
      try {
        if (prepared === null) {
          const names = request.topicMessages.map((tm) => tm.topic)
          const topics = this.#cachedTopics(request.topicMessages) ?? await this.#metadata.ensureTopics(names)
          prepared = this.#prepare(request, topics, false, this.#clock(), false)
          // An explicit partition past the cached count: the topic may have grown.
          prepared ??= this.#prepare(request, await this.#metadata.ensureTopics(names, { forceRefresh: true }), true, this.#clock(), false)!
        }
        const memory = this.#accumulator.memory
        if (!memory.tryAcquire(prepared.bytes)) {
          // Lingering batches must not hold the memory this send waits for: the sender's next
          // drain sends the open batches of idle partitions.
          this.#sender.wake()
          await memory.acquire(prepared.bytes)
        }
        this.#append(prepared, this.#clock())
        this.#giveBack(prepared.columns, prepared.count)
        return prepared.handle
      } finally {
        this.#waitingSends--
      }
    })
    this.#chain = queued.then(noop, noop)
    return queued.then((handle) => handle.promise)
  }

  /**
   * Checks a send and turns it into records with partitions. Throws on any invalid message,
   * so a send is queued whole or not at all. Returns null when an explicit partition is past
   * the cached partition count and `final` is false (the caller refreshes and calls again).
   * `borrow`: use the producer's spare columns when free and large enough; the caller then
   * gives them back (`#giveBack`) once the records are appended.
   */
  #prepare(request: ProducerSendBatch, topics: readonly TopicInfo[], final: boolean, now: number, borrow: boolean): PreparedSend | null {
    const { config } = this
    const acks = request.acks === undefined ? config.acks : parseAcks(request.acks)
    const results = request.results ?? 'records'
    if (results !== 'records' && results !== 'none') throw invalid(`results ${String(results)} is invalid; use 'records' or 'none'`)
    const compression = request.compression === undefined ? config.compression : parseCompressionType(request.compression)
    const { topicMessages } = request
    let count = 0
    for (const tm of topicMessages) count += tm.messages.length
    let columns: SendColumns
    const spare = this.#spareColumns
    if (borrow && count <= REUSED_COLUMNS_CAPACITY) {
      columns = spare !== null && spare.capacity >= count ? spare : newColumns(Math.min(REUSED_COLUMNS_CAPACITY, Math.max(count, 2 * (spare?.capacity ?? 0), 64)))
      this.#spareColumns = null
    } else {
      columns = newColumns(count)
    }
    try {
      const prepared = this.#fill(request, topics, final, now, count, columns, acks, compression, results === 'records')
      if (prepared === null && columns.capacity <= REUSED_COLUMNS_CAPACITY) this.#giveBack(columns, count)
      return prepared
    } catch (error) {
      if (columns.capacity <= REUSED_COLUMNS_CAPACITY) this.#giveBack(columns, count)
      throw error
    }
  }

  /** Clears `columns` (so that they hold no buffers) and keeps them for the next send. */
  #giveBack(columns: SendColumns, count: number): void {
    if (columns.capacity > REUSED_COLUMNS_CAPACITY) return
    columns.keys.fill(null, 0, count)
    columns.values.fill(null, 0, count)
    columns.headers.fill(NO_HEADERS, 0, count)
    if (this.#spareColumns === null || this.#spareColumns.capacity < columns.capacity) this.#spareColumns = columns
  }

  /** `#prepare`'s checks, writing each record into `columns`. */
  #fill(
    request: ProducerSendBatch, topics: readonly TopicInfo[], final: boolean, now: number, count: number,
    columns: SendColumns, acks: -1 | 0 | 1, compression: CompressionType, wantsResults: boolean,
  ): PreparedSend | null {
    const { config } = this
    const { topicMessages } = request
    const { keys, values, headers: headerColumn, timestamps, sizes, partitions, topicIndexes } = columns
    const topicNames = new Array<string>(topicMessages.length)
    const maxRecordSize = config.maxRequestSize - RECORD_BATCH_HEADER_SIZE
    const forPartitioner = this.#partitionerRecord
    forPartitioner.sendId++
    let bytes = 0
    let index = 0
    for (let t = 0; t < topicMessages.length; t++) {
      const { topic, messages } = topicMessages[t]
      topicNames[t] = topic
      const numPartitions = topics[t].partitions.length
      for (let m = 0; m < messages.length; m++) {
        const message = messages[m]
        if (message === null || typeof message !== 'object') throw invalid(`Message ${m} for topic '${topic}' is not an object`)
        // Buffers and null, the common cases, without a call.
        const rawKey = message.key
        const key = rawKey == null ? null : rawKey instanceof Buffer ? rawKey : toBytes(rawKey, 'A message key')
        const rawValue = message.value
        const value = rawValue == null ? null : rawValue instanceof Buffer ? rawValue : toBytes(rawValue, 'A message value')
        const headers = message.headers === undefined ? NO_HEADERS : toRecordHeaders(message.headers)
        let timestamp = message.timestamp
        if (timestamp === undefined) timestamp = now
        else if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
          throw invalid(`Message ${m} for topic '${topic}' has timestamp ${timestamp}; use ms since the epoch (an integer ≥ 0)`)
        }
        const size = recordSize(key, value, headers)
        if (size > maxRecordSize) {
          throw new CoreError('CORE_RECORD_TOO_LARGE', `Message ${m} for topic '${topic}' is ${size} bytes in a batch, `
            + `more than maxRequestSize (${config.maxRequestSize}) allows; raise maxRequestSize or send smaller records`)
        }
        let partition = message.partition
        if (partition !== undefined) {
          if (!Number.isInteger(partition) || partition < 0) throw invalid(`Message ${m} for topic '${topic}' has partition ${partition}`)
          if (partition >= numPartitions) {
            if (!final) return null
            throw invalid(`Message ${m} for topic '${topic}' asks for partition ${partition}, but the topic has ${numPartitions} (0–${numPartitions - 1})`)
          }
        } else {
          forPartitioner.topic = topic
          forPartitioner.key = key
          forPartitioner.value = value
          forPartitioner.sizeInBytes = size
          partition = this.#partitioner(forPartitioner, numPartitions)
          if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
            throw invalid(`The partitioner returned ${String(partition)} for topic '${topic}', which has ${numPartitions} partitions`)
          }
        }
        topicIndexes[index] = t
        keys[index] = key
        values[index] = value
        headerColumn[index] = headers
        timestamps[index] = timestamp
        sizes[index] = size
        partitions[index] = partition
        bytes += size
        index++
      }
    }
    if (bytes > config.bufferMemory) {
      throw new CoreError('CORE_RECORD_TOO_LARGE', `A send of ${count} records (${bytes} bytes) is larger than bufferMemory `
        + `(${config.bufferMemory}); split it or raise bufferMemory`)
    }
    return { handle: new SendHandle(count, wantsResults), count, columns, topics: topicNames, bytes, acks, compression }
  }

  /** Appends the send's records, each run of records for one partition in one call. */
  #append(prepared: PreparedSend, now: number): void {
    const { handle, count, columns, topics, acks, compression } = prepared
    const { partitions, topicIndexes } = columns
    const accumulator = this.#accumulator
    let from = 0
    while (from < count) {
      const partition = partitions[from]
      const t = topicIndexes[from]
      let to = from + 1
      while (to < count && partitions[to] === partition && topicIndexes[to] === t) to++
      accumulator.appendRecords(topics[t], partition, handle, columns, from, to, acks, compression, now)
      from = to
    }
  }

  /**
   * Resolves when every message sent before the call is acknowledged or has failed (linger is
   * cut short). Never rejects: failures reach the sends' own promises.
   */
  async flush(): Promise<void> {
    await this.#chain
    this.#accumulator.closeAll()
    await Promise.all(this.#accumulator.incomplete().map((batch) => batch.whenDone()))
  }

  /** Flushes, then stops; later sends reject with CORE_CLOSED. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush()
      this.#accumulator.close()
      this.#sender.close()
      if (this.#ownsMetadata) this.#metadata.close()
    })()
    return this.#closing
  }
}

function checkShape(request: ProducerSendBatch): void {
  if (request === null || typeof request !== 'object' || !Array.isArray(request.topicMessages)) {
    throw invalid('sendBatch() takes { topicMessages: [{ topic, messages }] }')
  }
  for (const tm of request.topicMessages) {
    if (tm === null || typeof tm !== 'object' || typeof tm.topic !== 'string' || tm.topic.length === 0) {
      throw invalid('Each send names its topic: { topic: string, messages: [...] }')
    }
    if (!Array.isArray(tm.messages)) throw invalid(`The messages for topic '${tm.topic}' must be an array`)
  }
}
