/**
 * The producer's per-partition batching (Kafka's `RecordAccumulator`): each partition has at
 * most one open batch that records are appended to, then a queue of closed batches waiting to
 * be sent, in order.
 *
 * Contracts:
 * - An open batch is closed when the next record would take it past `batchSize` (a record
 *   larger than `batchSize` gets a batch of its own), when it reaches `batchSize`, when it has
 *   waited `lingerMs`, when a record with other acks or compression arrives, on `closeAll`
 *   (flush, close), when the sender drains while sends wait for memory and its partition is
 *   idle (`closeIdle`), and
 *   is then encoded exactly once.
 * - A partition is *ready* when its oldest closed batch is encoded and none of its batches is
 *   in flight. The sender takes one batch per ready partition at a time (`take`), and gives it
 *   back to the front of the queue to retry (`retryLater`) or reports it done (`done`): so at
 *   most one batch per partition is in flight and a retried batch is never overtaken.
 * - The bytes of a batch's records return to the buffer memory when it is done.
 * - A batch the broker refuses as too large is split (`split`) and its parts take its place.
 *
 * Concurrency: single-threaded; `onReady` is called whenever a partition may have become ready.
 */
import type { CompressionType } from '../protocol/compression/codecs.ts'
import { decodeRecordBatch } from '../protocol/record-batch.ts'
import { RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch-header.ts'
import { BatchBufferPool } from './batch-buffer-pool.ts'
import { BufferMemory } from './buffer-memory.ts'
import { ProducerBatch, type RecordColumns, type SendHandle, recordSize } from './producer-batch.ts'

export interface PartitionQueue {
  readonly topic: string
  readonly partition: number
  open: ProducerBatch | null
  /** Closed batches, oldest first; the head is the next to send. */
  readonly closed: ProducerBatch[]
  inFlight: ProducerBatch | null
  /** Clock time before which the head must not be sent (retry backoff), 0 for none. */
  retryAt: number
  /** Bytes of the partition's last closed batch: what its next batch allocates at first. */
  lastBatchBytes: number
}

/** At most this many free batch buffers are kept (`BatchBufferPool`). */
const MAX_FREE_BUFFERS = 16

export interface RecordAccumulatorOptions {
  readonly batchSize: number
  readonly lingerMs: number
  readonly bufferMemory: number
  /**
   * Whether the buffers of acknowledged batches may be reused (the transport's
   * `releasesRequestBuffers`): else every batch gets a new one.
   */
  readonly reuseBuffers?: boolean
  readonly clock: () => number
  /** Called (synchronously) when a partition may have become ready. */
  readonly onReady: () => void
}

export class RecordAccumulator {
  readonly memory: BufferMemory
  /** Partitions whose head batch can be sent now (see the module comment). */
  readonly ready = new Set<PartitionQueue>()
  readonly #batchSize: number
  readonly #lingerMs: number
  readonly #clock: () => number
  readonly #onReady: () => void
  readonly #queues = new Map<string, PartitionQueue[]>()
  readonly #openQueues = new Set<PartitionQueue>()
  /** Every batch not yet done, for flush. */
  readonly #incomplete = new Set<ProducerBatch>()
  /** Buffers of full-size batches answered by the broker, for the next batches. */
  readonly #buffers: BatchBufferPool
  #lastQueue: PartitionQueue | null = null
  #lingerTimer: NodeJS.Timeout | null = null
  #lingerImmediate: NodeJS.Immediate | null = null

  constructor(options: RecordAccumulatorOptions) {
    this.#batchSize = options.batchSize
    this.#lingerMs = options.lingerMs
    this.#clock = options.clock
    this.#onReady = options.onReady
    this.memory = new BufferMemory(options.bufferMemory)
    // Slack for records whose varints exceed recordSize's estimate (a timestamp delta of two
    // bytes…): a batch that fills up then still fits, instead of growing into a new buffer.
    const poolableSize = options.batchSize + RECORD_BATCH_HEADER_SIZE + Math.ceil(options.batchSize / 32)
    const maxFree = options.reuseBuffers === true ? Math.min(MAX_FREE_BUFFERS, Math.floor(options.bufferMemory / poolableSize)) : 0
    this.#buffers = new BatchBufferPool(poolableSize, maxFree)
  }

  /**
   * Appends records `from` to `to - 1` of `send`, all for `partition` of `topic`, in order (their
   * bytes, `columns.sizes` by `recordSize`, taken from `memory` by the caller). Throws
   * CORE_INVALID_ARGUMENT for a record the batch format cannot hold; the records before it
   * stay appended, nothing of it or after it is.
   */
  appendRecords(
    topic: string, partition: number, send: SendHandle, columns: RecordColumns, from: number, to: number,
    acks: -1 | 0 | 1, compression: CompressionType, now: number,
  ): void {
    const queue = this.#queue(topic, partition)
    const batchSize = this.#batchSize
    let i = from
    while (i < to) {
      let batch = queue.open
      if (batch !== null && (batch.acks !== acks || batch.compression !== compression || !batch.hasRoom(columns.sizes[i], batchSize))) {
        this.#close(queue)
        batch = null
      }
      if (batch === null) {
        // Full batches last time: allocate a full one; a trickle: start small and grow.
        const capacity = Math.max(
          Math.min(batchSize, Math.max(queue.lastBatchBytes, 1024)) + RECORD_BATCH_HEADER_SIZE,
          columns.sizes[i] + RECORD_BATCH_HEADER_SIZE,
        )
        batch = new ProducerBatch(topic, partition, acks, compression, now, capacity, this.#buffers.allocate(capacity))
        queue.open = batch
        this.#incomplete.add(batch)
        this.#openQueues.add(queue)
        this.#scheduleLinger()
      }
      i = batch.appendRecords(send, columns, i, to, batchSize)
      if (batch.sizeInBytes >= batchSize) this.#close(queue)
    }
  }

  #queue(topic: string, partition: number): PartitionQueue {
    // Consecutive records mostly go to the same partition (sticky partitioner, keyed bursts).
    const last = this.#lastQueue
    if (last !== null && last.partition === partition && last.topic === topic) return last
    let queues = this.#queues.get(topic)
    if (queues === undefined) this.#queues.set(topic, (queues = []))
    let queue = queues[partition]
    if (queue === undefined) {
      queue = { topic, partition, open: null, closed: [], inFlight: null, retryAt: 0, lastBatchBytes: 0 }
      queues[partition] = queue
    }
    this.#lastQueue = queue
    return queue
  }

  /** Estimated size (header included) of the open batch of a partition; 0 when it has none. */
  openBatchBytes(topic: string, partition: number): number {
    return this.#queues.get(topic)?.[partition]?.open?.sizeInBytes ?? 0
  }

  /** Closes every open batch (flush, close, or a send waiting for memory). */
  closeAll(): void {
    for (const queue of this.#openQueues) this.#close(queue)
  }

  /**
   * While sends wait for memory: closes the open batch of every partition that has nothing
   * else queued or in flight, so that memory held by lingering batches comes back. The sender
   * calls it when it drains; partitions that are busy keep filling their open batch meanwhile.
   * As Kafka (every batch is ready when the buffer is exhausted, but is drained only when it
   * can be sent), this keeps batches full under backpressure.
   */
  closeIdle(): void {
    for (const queue of this.#openQueues) {
      if (queue.inFlight === null && queue.closed.length === 0) this.#close(queue)
    }
  }

  /** Every batch not yet done, in no particular order. */
  incomplete(): ProducerBatch[] {
    return [...this.#incomplete]
  }

  get hasIncomplete(): boolean {
    return this.#incomplete.size > 0
  }

  #close(queue: PartitionQueue): void {
    const batch = queue.open
    if (batch === null) return
    queue.open = null
    this.#openQueues.delete(queue)
    queue.closed.push(batch)
    queue.lastBatchBytes = batch.writtenBytes
    let encoding: void | Promise<void>
    try {
      encoding = batch.encode()
    } catch (error) {
      this.#dropClosed(queue, batch, error)
      return
    }
    if (encoding === undefined) {
      this.#markIfReady(queue)
    } else {
      encoding.then(() => this.#markIfReady(queue), (error: unknown) => this.#dropClosed(queue, batch, error))
    }
  }

  /** A batch that could not be encoded fails alone; the partition goes on. */
  #dropClosed(queue: PartitionQueue, batch: ProducerBatch, error: unknown): void {
    const i = queue.closed.indexOf(batch)
    if (i >= 0) queue.closed.splice(i, 1)
    this.done(batch, error)
    this.#markIfReady(queue)
  }

  #markIfReady(queue: PartitionQueue): void {
    const head = queue.closed[0]
    if (queue.inFlight === null && head !== undefined && head.encoded !== null) {
      this.ready.add(queue)
      this.#onReady()
    }
  }

  /** Removes the head batch of a ready partition and marks it in flight. */
  take(queue: PartitionQueue): ProducerBatch {
    const batch = queue.closed.shift()!
    queue.inFlight = batch
    queue.retryAt = 0
    this.ready.delete(queue)
    return batch
  }

  /** Puts an in-flight batch back at the front of its partition, to be sent after `retryAt`. */
  retryLater(queue: PartitionQueue, batch: ProducerBatch, retryAt: number): void {
    queue.inFlight = null
    queue.closed.unshift(batch)
    queue.retryAt = retryAt
    this.#markIfReady(queue)
  }

  /**
   * Finishes a batch taken from `queue` or failed in it: completes or fails its sends, returns
   * its memory, and lets the partition send its next batch.
   */
  done(batch: ProducerBatch, error?: unknown, baseOffset = -1, logAppendTime = -1): void {
    if (error === undefined) batch.complete(baseOffset, logAppendTime)
    else batch.fail(error)
    const buffer = batch.takeBuffer()
    // Answered (acks 1 or all) on its one and only attempt, by a transport that keeps nothing
    // of a request once answered: nothing holds its bytes any more. After acks = 0, a failure
    // or a retry, something still might.
    if (buffer !== null && error === undefined && baseOffset >= 0 && batch.attempts === 1) this.#buffers.release(buffer)
    if (this.#incomplete.delete(batch)) this.memory.release(batch.recordBytes)
    const queue = this.#queues.get(batch.topic)?.[batch.partition]
    if (queue !== undefined && queue.inFlight === batch) {
      queue.inFlight = null
      this.#markIfReady(queue)
    }
  }

  /**
   * Re-batches the in-flight `batch` of `queue`, which the broker refused as too large
   * (MESSAGE_TOO_LARGE), into batches of at most half its size (and at most `batchSize`), put
   * back at the front of the partition in order; the partition waits meanwhile. The records keep
   * their sends, their memory and the batch's creation time (delivery timeout). A batch of one
   * record cannot be split: the caller fails it instead.
   */
  async split(queue: PartitionQueue, batch: ProducerBatch): Promise<void> {
    const encoded = batch.encoded!
    const decoded = await decodeRecordBatch(encoded)
    const owners = batch.owners()
    const target = Math.max(1, Math.min(this.#batchSize, Math.ceil((encoded.length - RECORD_BATCH_HEADER_SIZE) / 2)))
    const parts: ProducerBatch[] = []
    let part: ProducerBatch | null = null
    for (let i = 0; i < decoded.records.length; i++) {
      const { key, value, headers, timestamp } = decoded.records[i]
      const size = recordSize(key, value, headers)
      if (part === null || part.sizeInBytes - RECORD_BATCH_HEADER_SIZE + size > target) {
        part = new ProducerBatch(batch.topic, batch.partition, batch.acks, batch.compression, batch.createdAt, Math.min(target, encoded.length) + RECORD_BATCH_HEADER_SIZE)
        parts.push(part)
      }
      // Copies: the parts must not keep the refused batch's buffer alive.
      part.append(owners[i].send, owners[i].index, timestamp, key, value, headers, size)
    }
    for (const p of parts) await p.encode()
    this.#incomplete.delete(batch)
    for (const p of parts) this.#incomplete.add(p)
    batch.replaceBy(parts)
    queue.inFlight = null
    queue.closed.unshift(...parts)
    this.#markIfReady(queue)
  }

  /** Fails the head batch of a partition that is not in flight (expired before it was sent). */
  expireHead(queue: PartitionQueue, error: unknown): void {
    const batch = queue.closed.shift()
    if (batch === undefined) return
    queue.retryAt = 0
    if (queue.closed.length === 0 || queue.closed[0].encoded === null) this.ready.delete(queue)
    this.done(batch, error)
  }

  #scheduleLinger(): void {
    if (this.#lingerTimer !== null || this.#lingerImmediate !== null) return
    if (this.#lingerMs === 0) {
      // Records of the same tick still share a batch: close at the end of the event-loop turn.
      this.#lingerImmediate = setImmediate(() => {
        this.#lingerImmediate = null
        this.closeAll()
      })
      return
    }
    this.#lingerTimer = setTimeout(() => this.#onLinger(), this.#lingerMs)
  }

  #onLinger(): void {
    this.#lingerTimer = null
    const now = this.#clock()
    let next = Infinity
    for (const queue of this.#openQueues) {
      const age = now - queue.open!.createdAt
      if (age >= this.#lingerMs) this.#close(queue)
      else next = Math.min(next, this.#lingerMs - age)
    }
    if (next !== Infinity) this.#lingerTimer = setTimeout(() => this.#onLinger(), next)
  }

  /** Stops the linger timer (the producer has flushed everything). */
  close(): void {
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer)
    if (this.#lingerImmediate !== null) clearImmediate(this.#lingerImmediate)
    this.#lingerTimer = null
    this.#lingerImmediate = null
  }
}
