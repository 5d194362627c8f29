/**
 * The input buffer of one task (Kafka Streams' `PartitionGroup`): one bounded FIFO queue per
 * input partition, filled by the thread's consumer and drained one record at a time by the
 * task, always taking the head with the lowest timestamp among its partitions (ties: the
 * partition added first), so that a task reading several co-partitioned topics processes
 * their records in about event-time order. Within a partition, order is the log's.
 *
 * Time, as Kafka Streams keeps it:
 * - The head of each queue is stamped (`Stamper`: deserialized, timestamp extracted) before
 *   heads are compared, so the comparison uses event time; a head the stamper drops (invalid
 *   timestamp) is skipped and its offset becomes committable.
 * - Partition time: the largest timestamp stamped so far in a partition (−1 before any, or
 *   what `setPartitionTime` restored); it is what the extractor is given.
 * - `readyToProcess(now)` applies `max.task.idle.ms`: when every partition has buffered records,
 *   or the option is −1, the task is ready. Otherwise an empty partition whose lag is unknown
 *   or positive (records on the broker, not fetched yet) makes the task wait; one known to be
 *   caught up (lag 0) makes it wait until `maxTaskIdleMs` after it was first seen so, after
 *   which the task processes what it has ("enforced processing", possibly out of order).
 *
 * Bounds: the group only counts; the thread pauses a partition whose queue is above
 * `bufferedRecordsPerPartition` and resumes it once the queue has drained to half of it
 * (hysteresis, so that a busy partition is not paused and resumed on every fetch). Memory is
 * then bounded by the bound plus one fetch per partition.
 *
 * Concurrency: single-threaded; `add` (the consumer's side) and `next` (the task's side) never
 * interleave inside a call.
 */
import type { TopicPartition } from '../../core/index.ts'
import { StampedRecord } from '../topology/stamped-record.ts'
import type { InputRecord } from '../topology/task-runtime.ts'

/**
 * What the consumer hands over (core's `ConsumerMessage` of bytes, reduced to what is used).
 * The consumer's records carry their topic and partition: they are the `InputRecord`s the task
 * processes, as they are. A record without them (made by hand: tests) is copied into one.
 */
export interface ConsumedRecord extends Omit<InputRecord, 'topic' | 'partition'> {
  readonly topic?: string
  readonly partition?: number
}

/**
 * Prepares a head record (see the module comment); null drops it. May throw (fatal for the task).
 * `reuse` is the stamp of a record of the same partition that was processed since (null: none):
 * the stamper may reset and return it rather than allocate one (stamped-record.ts).
 */
export type Stamper = (input: InputRecord, partitionTime: number, reuse: StampedRecord | null) => StampedRecord | null

/** The lag of a partition as last fetched (records on the broker after the consumer's position); null when unknown. */
export type LagSource = (tp: TopicPartition) => number | null

export interface PartitionGroupOptions {
  /** Default: the record's own timestamp, nothing deserialized. */
  readonly stamper?: Stamper
  /** `max.task.idle.ms` (default 0). */
  readonly maxTaskIdleMs?: number
  /** Default: every partition is caught up (lag 0). */
  readonly lag?: LagSource
}

const rawStamper: Stamper = (input, partitionTime) => new StampedRecord(input, input.timestamp, partitionTime, input.key, input.value, true)
const caughtUp: LagSource = () => 0

/**
 * A FIFO of one partition: the fetched batches themselves (the consumer hands each batch's
 * array over and keeps no reference to it), with a read position in the oldest. Nothing is
 * copied, neither when records arrive nor when they are taken: the consumer's records are the
 * `InputRecord`s (a processed record's batch is let go once all of its records are taken).
 * The records of a partition's queue are that partition's (the caller's contract).
 */
class RecordQueue {
  readonly topic: string
  readonly partition: number
  /** The offset to commit: the last processed record's offset + 1 (−1: nothing processed). */
  processed = -1
  /** `processed` as of the last commit. */
  committed = -1
  /** The largest timestamp stamped so far (−1: none). */
  partitionTime = -1
  /** The stamped head, taken out of the batches (counted in `size`). */
  head: StampedRecord | null = null
  /** The stamp of this partition's last processed record, for the stamper to reuse. */
  spare: StampedRecord | null = null
  /** While empty and caught up: when the task stops waiting for it (`max.task.idle.ms`); −1: not waiting. */
  idleDeadline = -1
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

  /**
   * Stamps the head if it is not yet (dropping the ones the stamper drops); false when the
   * queue is empty then. Returns the number of records dropped through `dropped`.
   */
  stampHead(stamper: Stamper, dropped: { count: number }): boolean {
    while (this.head === null) {
      if (this.#size === 0) return false
      const input = this.shift()
      const spare = this.spare
      this.spare = null
      const stamped = stamper(input, this.partitionTime, spare)
      if (stamped !== spare) this.spare = spare
      if (stamped === null) {
        this.#size--
        this.processed = input.offset + 1
        dropped.count++
        continue
      }
      if (stamped.timestamp > this.partitionTime) this.partitionTime = stamped.timestamp
      this.head = stamped
    }
    return true
  }

  /** Removes the stamped head (`stampHead` returned true). */
  takeHead(): StampedRecord {
    const head = this.head as StampedRecord
    this.head = null
    this.#size--
    return head
  }

  add(records: readonly ConsumedRecord[]): void {
    if (records.length === 0) return
    this.#batches.push(records)
    this.#size += records.length
  }

  /** The next record of the batches (the caller owns `size` for it: it becomes the head). */
  shift(): InputRecord {
    const batch = this.#batches[this.#first]!
    const r = batch[this.#next++]
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
    if (r.topic !== undefined) return r as InputRecord
    return { topic: this.topic, partition: this.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headerList: r.headerList }
  }

  clear(): void {
    this.#batches = []
    this.#first = 0
    this.#next = 0
    this.#size = 0
    this.head = null
    this.spare = null
  }
}

export class PartitionGroup {
  readonly #queues: RecordQueue[]
  readonly #byKey = new Map<string, RecordQueue>()
  #buffered = 0
  /** The queue of the record `next` returned last (the record being processed). */
  #current: RecordQueue | null = null
  /** The stamp `nextStamped` returned last, until `markProcessed` gives it back to its queue. */
  #currentStamp: StampedRecord | null = null
  readonly #stamper: Stamper
  readonly #maxTaskIdleMs: number
  readonly #lag: LagSource
  readonly #dropped = { count: 0 }
  /** Times enforced processing happened (Kafka's `enforced-processing` sensor). */
  #enforcedProcessing = 0

  constructor(partitions: readonly TopicPartition[], options: PartitionGroupOptions = {}) {
    this.#queues = partitions.map((tp) => new RecordQueue(tp))
    for (const q of this.#queues) this.#byKey.set(`${q.topic}\u0000${q.partition}`, q)
    this.#stamper = options.stamper ?? rawStamper
    this.#maxTaskIdleMs = options.maxTaskIdleMs ?? 0
    this.#lag = options.lag ?? caughtUp
  }

  /** Adds a partition (a pattern source matched a new topic); no-op when it is there. */
  addPartition(tp: TopicPartition): void {
    const key = `${tp.topic}\u0000${tp.partition}`
    if (this.#byKey.has(key)) return
    const queue = new RecordQueue(tp)
    this.#queues.push(queue)
    this.#byKey.set(key, queue)
  }

  /** Records the stamper dropped so far (invalid timestamps). */
  get droppedRecords(): number {
    return this.#dropped.count
  }

  get enforcedProcessing(): number {
    return this.#enforcedProcessing
  }

  /** The partition's time (see the module comment); −1 when unknown. */
  partitionTime(tp: TopicPartition): number {
    return this.#byKey.get(`${tp.topic}\u0000${tp.partition}`)?.partitionTime ?? -1
  }

  /** Restores a partition's time (committed with its offset before a restart); it only moves forward. */
  setPartitionTime(tp: TopicPartition, time: number): void {
    const queue = this.#byKey.get(`${tp.topic}\u0000${tp.partition}`)
    if (queue !== undefined && time > queue.partitionTime) queue.partitionTime = time
  }

  /** Partition times that are known, for committing them with the offsets. */
  partitionTimes(): { topic: string; partition: number; time: number }[] {
    return this.#queues.filter((q) => q.partitionTime >= 0).map((q) => ({ topic: q.topic, partition: q.partition, time: q.partitionTime }))
  }

  /**
   * False when `readyToProcess` is true whatever the time (one partition, or `max.task.idle.ms`
   * −1): the caller then needs no clock reading per record.
   */
  get waitsForPartitions(): boolean {
    return this.#queues.length > 1 && this.#maxTaskIdleMs >= 0
  }

  /**
   * Whether the task may process now (`max.task.idle.ms`, see the module comment). `now` is
   * the wall-clock time; deadlines are kept between calls.
   */
  readyToProcess(now: number): boolean {
    const queues = this.#queues
    if (queues.length <= 1 || this.#maxTaskIdleMs < 0) return true
    let queued = false
    let enforced = false
    for (const q of queues) {
      if (q.size > 0) {
        q.idleDeadline = -1
        queued = true
        continue
      }
      const lag = this.#lag(q)
      if (lag === null || lag > 0) {
        // Records are (or may be) on the broker: wait to fetch them.
        q.idleDeadline = -1
        return false
      }
      if (q.idleDeadline < 0) q.idleDeadline = now + this.#maxTaskIdleMs
      if (now < q.idleDeadline) return false
      enforced = true
    }
    if (!enforced) return true
    if (!queued) return false
    this.#enforcedProcessing++
    return true
  }

  /** The earliest idle deadline the task waits for (`Infinity`: none), for the thread's idle wait. */
  get nextIdleDeadline(): number {
    let earliest = Infinity
    for (const q of this.#queues) if (q.idleDeadline >= 0 && q.idleDeadline < earliest) earliest = q.idleDeadline
    return earliest
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
    return this.nextStamped()?.input ?? null
  }

  /**
   * Removes and returns the stamped head with the lowest timestamp (ties: the partition added
   * first), or null when nothing (valid) is buffered. Throws what the stamper throws.
   */
  nextStamped(): StampedRecord | null {
    if (this.#buffered === 0) return null
    const queues = this.#queues
    const dropped = this.#dropped
    const before = dropped.count
    let best: RecordQueue | undefined
    try {
      for (const q of queues) {
        if (q.size === 0 || !q.stampHead(this.#stamper, dropped)) continue
        if (best === undefined || (q.head as StampedRecord).timestamp < (best.head as StampedRecord).timestamp) best = q
      }
    } finally {
      this.#buffered -= dropped.count - before
    }
    if (best === undefined) return null
    this.#buffered--
    this.#current = best
    const head = best.takeHead()
    this.#currentStamp = head
    return head
  }

  /** Records left in the partition of the record `next` returned last (for resuming paused partitions). */
  get currentSize(): number {
    return this.#current?.size ?? 0
  }

  /**
   * The record `next` returned last has been processed: its offset + 1 becomes committable, and
   * its stamp may be reused for its partition's next head.
   */
  markProcessed(offset: number): void {
    const queue = this.#current
    if (queue === null) return
    queue.processed = offset + 1
    if (this.#currentStamp !== null && queue.spare === null) queue.spare = this.#currentStamp
    this.#currentStamp = null
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
    this.#currentStamp = null
    this.#buffered = 0
    for (const q of this.#queues) q.idleDeadline = -1
  }
}
