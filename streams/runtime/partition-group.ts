/**
 * The input buffer of one task (Kafka Streams' `PartitionGroup`): one bounded FIFO queue per
 * input partition, filled by the thread's consumer and drained one record at a time by the
 * task, always taking the head with the lowest timestamp among its partitions (ties: the
 * partition added first), so that a task reading several co-partitioned topics processes
 * their records in about event-time order. Within a partition, order is the log's.
 *
 * Bounds: the group only counts; the thread pauses a partition whose queue is above
 * `bufferedRecordsPerPartition` and resumes it once the queue has drained to half of it
 * (hysteresis, so that a busy partition is not paused and resumed on every fetch). Memory is
 * then bounded by the bound plus one fetch per partition.
 *
 * Concurrency: single-threaded; `add` (the consumer's side) and `next` (the task's side) never
 * interleave inside a call.
 */
import type { RecordHeader, TopicPartition } from '../../core/index.ts'
import type { InputRecord } from '../topology/task-runtime.ts'

/** What the consumer hands over (core's `ConsumerMessage` of bytes, reduced to what is used). */
export interface ConsumedRecord {
  readonly offset: number
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headerList: readonly RecordHeader[]
}

/**
 * A FIFO of one partition: the fetched batches themselves (the consumer hands each batch's
 * array over and keeps no reference to it), with a read position in the oldest. Nothing is
 * copied when records arrive; the `InputRecord` of a record is made when it is taken, so it
 * dies young instead of waiting in the queue (a processed record's batch is let go once all
 * of its records are taken).
 */
class RecordQueue {
  readonly topic: string
  readonly partition: number
  /** The offset to commit: the last processed record's offset + 1 (−1: nothing processed). */
  processed = -1
  /** `processed` as of the last commit. */
  committed = -1
  #batches: (readonly ConsumedRecord[] | undefined)[] = []
  /** Index in `#batches` of the oldest batch with records left. */
  #first = 0
  /** Index in that batch of the next record. */
  #next = 0
  #size = 0

  constructor(tp: TopicPartition) {
    this.topic = tp.topic
    this.partition = tp.partition
  }

  get size(): number {
    return this.#size
  }

  /** Timestamp of the head; only when `size > 0`. */
  get headTimestamp(): number {
    return this.#batches[this.#first]![this.#next].timestamp
  }

  add(records: readonly ConsumedRecord[]): void {
    if (records.length === 0) return
    this.#batches.push(records)
    this.#size += records.length
  }

  shift(): InputRecord {
    const batch = this.#batches[this.#first]!
    const r = batch[this.#next++]
    this.#size--
    if (this.#next === batch.length) {
      this.#next = 0
      this.#batches[this.#first++] = undefined
      if (this.#first === this.#batches.length) {
        this.#batches = []
        this.#first = 0
      } else if (this.#first >= 64 && this.#first * 2 >= this.#batches.length) {
        this.#batches = this.#batches.slice(this.#first)
        this.#first = 0
      }
    }
    return { topic: this.topic, partition: this.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headerList }
  }

  clear(): void {
    this.#batches = []
    this.#first = 0
    this.#next = 0
    this.#size = 0
  }
}

export class PartitionGroup {
  readonly #queues: RecordQueue[]
  readonly #byKey = new Map<string, RecordQueue>()
  #buffered = 0
  /** The queue of the record `next` returned last (the record being processed). */
  #current: RecordQueue | null = null

  constructor(partitions: readonly TopicPartition[]) {
    this.#queues = partitions.map((tp) => new RecordQueue(tp))
    for (const q of this.#queues) this.#byKey.set(`${q.topic}\u0000${q.partition}`, q)
  }

  get partitions(): readonly TopicPartition[] {
    return this.#queues
  }

  /** Records buffered in every partition. */
  get buffered(): number {
    return this.#buffered
  }

  has(tp: TopicPartition): boolean {
    return this.#byKey.has(`${tp.topic}\u0000${tp.partition}`)
  }

  /** Appends fetched records of one partition; returns that partition's queue size (−1: not a partition of this group). */
  add(tp: TopicPartition, records: readonly ConsumedRecord[]): number {
    const queue = this.#byKey.get(`${tp.topic}\u0000${tp.partition}`)
    if (queue === undefined) return -1
    queue.add(records)
    this.#buffered += records.length
    return queue.size
  }

  size(tp: TopicPartition): number {
    return this.#byKey.get(`${tp.topic}\u0000${tp.partition}`)?.size ?? 0
  }

  /** Removes and returns the head with the lowest timestamp, or null when every queue is empty. */
  next(): InputRecord | null {
    if (this.#buffered === 0) return null
    const queues = this.#queues
    let best: RecordQueue | undefined
    if (queues.length === 1) best = queues[0]
    else {
      for (const q of queues) {
        if (q.size > 0 && (best === undefined || q.headTimestamp < best.headTimestamp)) best = q
      }
    }
    this.#buffered--
    this.#current = best!
    return best!.shift()
  }

  /** Records left in the partition of the record `next` returned last (for resuming paused partitions). */
  get currentSize(): number {
    return this.#current?.size ?? 0
  }

  /** The record `next` returned last has been processed: its offset + 1 becomes committable. */
  markProcessed(offset: number): void {
    if (this.#current !== null) this.#current.processed = offset + 1
  }

  /** Partitions whose processed offset moved since the last commit, with the offset to commit. */
  offsetsToCommit(): { topic: string; partition: number; offset: number }[] {
    const out: { topic: string; partition: number; offset: number }[] = []
    for (const q of this.#queues) if (q.processed > q.committed) out.push({ topic: q.topic, partition: q.partition, offset: q.processed })
    return out
  }

  /** The offsets of `offsetsToCommit` were committed. */
  markCommitted(): void {
    for (const q of this.#queues) q.committed = q.processed
  }

  /** Drops every buffered record (revocation: they are fetched again from the committed offsets). */
  clear(): void {
    for (const q of this.#queues) q.clear()
    this.#buffered = 0
  }
}
