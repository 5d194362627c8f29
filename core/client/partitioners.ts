/**
 * Partitioners: which partition a record goes to.
 *
 * - Keyed records: Kafka's Java client rule, byte for byte: `toPositive(murmur2(key)) % n` with
 *   Kafka's murmur2 variant (seed 0x9747b28c). The same key lands on the same partition whether
 *   a Java, librdkafka (murmur2_random) or Creek producer sends it.
 * - Keyless records: sticky, as Kafka's built-in partitioner (KIP-480/794): stay on one
 *   partition until `batch.size` bytes went to it and its batch is full, then switch to another
 *   at random, so batches fill up instead of spreading one record per partition. As in Kafka's
 *   producer (which switches only once the partition's last batch is full), the switch falls on
 *   a batch boundary: the partitioner follows how the producer fills batches (`recordSize`
 *   estimates plus the batch header, a batch closed once it reaches `batch.size` or the next
 *   record does not fit), so it does not leave a batch of a few records behind to wait for
 *   `linger.ms`. It also switches after 2 × `batch.size` bytes, whatever the batches.
 * - A record with an explicit partition keeps it.
 */
import { RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch-header.ts'

/** Kafka's murmur2 (Utils.murmur2 in the Java client), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  let h = 0x9747b28c ^ length
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const tail = length & 3
  if (tail > 0) {
    if (tail === 3) h ^= data[whole + 2] << 16
    if (tail >= 2) h ^= data[whole + 1] << 8
    h ^= data[whole]
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which differs for MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's Java client picks for `key` among `numPartitions`. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions
}

/**
 * The record a partitioner chooses for. The producer may reuse one object for every record:
 * read what you need during the call, do not keep the object.
 */
export interface PartitionerRecord {
  readonly topic: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Bytes the record adds to a batch (approximate), for sticky switching. */
  readonly sizeInBytes: number
}

/**
 * Chooses a partition in `[0, numPartitions)`. Return a number; any other value, or one out of
 * range, makes the producer fail the send with a clear error.
 */
export type Partitioner = (record: PartitionerRecord, numPartitions: number) => number

export interface DefaultPartitionerOptions {
  /** Bytes after which a keyless topic switches partition (the producer's batch.size). */
  readonly batchSize?: number
  /**
   * The producer's open batch of a partition: its estimated size, header included, 0 when it
   * has none. Read at the first record of each send (`SendRecord.sendId`), so that switches
   * stay on batch boundaries when batches close for other reasons (`linger.ms`, flush).
   */
  readonly openBatchBytes?: (topic: string, partition: number) => number
  /** Random source in [0, 1), injectable for tests. */
  readonly random?: () => number
}

/** Kafka's default: murmur2 for keyed records, sticky for keyless ones. */
/** What the producer passes its own partitioner: the record, and which send it belongs to. */
export interface SendRecord extends PartitionerRecord {
  /** Changes with every send. */
  readonly sendId: number
}

/** A keyless topic's sticky partition. */
interface StickyState {
  readonly partition: number
  /** The send `batchBytes` was last synchronised with the producer's batches in. */
  sendId: number
  /** Record bytes sent to the partition since it was chosen. */
  bytes: number
  /** Estimated size of its open batch, header included; 0 when the last one is closed (full). */
  batchBytes: number
}

export function defaultPartitioner(options: DefaultPartitionerOptions = {}): Partitioner {
  const batchSize = options.batchSize ?? 16_384
  const random = options.random ?? Math.random
  const sticky = new Map<string, StickyState>()
  // Records mostly come in runs for one topic: its state is kept at hand.
  let lastTopic: string | null = null
  let last: StickyState | undefined
  const openBatchBytes = options.openBatchBytes
  const switchPartition = (topic: string, state: StickyState | undefined, sendId: number, numPartitions: number): StickyState => {
    const previous = state?.partition
    let partition = Math.floor(random() * numPartitions)
    if (numPartitions > 1 && partition === previous) partition = (partition + 1) % numPartitions
    const next: StickyState = { partition, sendId, bytes: 0, batchBytes: openBatchBytes?.(topic, partition) ?? 0 }
    sticky.set(topic, next)
    last = next
    return next
  }
  return (record, numPartitions) => {
    if (record.key !== null) return partitionForKey(record.key, numPartitions)
    const size = record.sizeInBytes
    let state = last
    if (record.topic !== lastTopic) {
      state = sticky.get(record.topic)
      lastTopic = record.topic
      last = state
    }
    const sendId = (record as Partial<SendRecord>).sendId ?? -1
    if (state !== undefined && state.sendId !== sendId && openBatchBytes !== undefined && state.partition < numPartitions) {
      // A new send: the producer's batches are as the earlier sends left them.
      state.batchBytes = openBatchBytes(record.topic, state.partition)
      state.sendId = sendId
    }
    if (state === undefined || state.partition >= numPartitions || (state.bytes >= batchSize
      && (state.batchBytes === 0 || state.batchBytes + size > batchSize)) || state.bytes >= 2 * batchSize) {
      state = switchPartition(record.topic, state, sendId, numPartitions)
    }
    state.bytes += size
    // The batch this record joins, as the producer fills it: a new one when it does not fit.
    const open = state.batchBytes
    const batchBytes = (open > 0 && open + size <= batchSize ? open : RECORD_BATCH_HEADER_SIZE) + size
    state.batchBytes = batchBytes >= batchSize ? 0 : batchBytes
    return state.partition
  }
}

/** Every record (keyed or not) to the next partition in turn, per topic. */
export function roundRobinPartitioner(): Partitioner {
  const counters = new Map<string, number>()
  return (record, numPartitions) => {
    const next = counters.get(record.topic) ?? 0
    counters.set(record.topic, next + 1)
    return next % numPartitions
  }
}
