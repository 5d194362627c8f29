/**
 * Persistence of groups and committed offsets in the internal compacted topic
 * `__consumer_offsets` (records in Kafka's layout, see `offsets-topic-records.ts`).
 *
 * Placement: every record of a group goes to partition `abs(hashCode(groupId)) % partitions`,
 * with Java's String.hashCode and Kafka's Utils.abs (MIN_VALUE → 0), so a group's records are
 * ordered in one log and compaction keeps each key's latest. The topic is created on first
 * open (internal, `cleanup.policy=compact`, `offsets.topic.num.partitions` partitions,
 * `offsets.topic.segment.bytes` segments); an existing topic keeps its partition count.
 *
 * Writes: `append` puts one uncompressed record batch into the group's log synchronously (so
 * writes of one group are ordered as they are issued) and returns a promise of its fsync; a
 * commit is acknowledged only once that resolves.
 *
 * Recovery: `load` replays every partition from its log start: the latest record per key wins
 * and a tombstone (null value) deletes. A record that cannot be decoded is logged and skipped
 * rather than making the whole coordinator unavailable.
 *
 * Concurrency: one thread; `append` must not be called during `load`.
 */
import { CoreError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { decodeRecordBatches, encodeRecordBatchSync } from '../../protocol/record-batch.ts'
import type { LogManager } from '../../storage/log-manager.ts'
import type { PartitionLog } from '../../storage/partition-log.ts'
import type { ClassicGroup } from './classic-group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from './offsets-topic-records.ts'

export const OFFSETS_TOPIC = '__consumer_offsets'

/** Bytes read from a log per step while loading. */
const LOAD_READ_BYTES = 1 << 20

/** Java's `String.hashCode()`: 31-based over UTF-16 code units, in 32-bit two's complement. */
export function javaStringHashCode(value: string): number {
  let hash = 0
  for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0
  return hash
}

/** The `__consumer_offsets` partition of a group (Kafka's rule). */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const hash = javaStringHashCode(groupId)
  return (hash === -(2 ** 31) ? 0 : Math.abs(hash)) % partitions
}

export interface OffsetsTopicRecord {
  readonly key: Buffer
  /** null: a tombstone. */
  readonly value: Buffer | null
}

/** What `load` found for one group. */
export interface LoadedGroup {
  readonly groupId: string
  /** The latest group metadata, if any survived (no tombstone after it). */
  metadata: GroupMetadataValue | undefined
  /** topic → partition → latest commit. */
  readonly offsets: Map<string, Map<number, OffsetCommitValue>>
}

/** The GroupMetadataValue of a group with the given assignment (the members' current one by default). */
export function groupMetadataValueOf(group: ClassicGroup, assignments?: ReadonlyMap<string, Buffer>): GroupMetadataValue {
  return {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp ?? -1,
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      rebalanceTimeout: member.rebalanceTimeoutMs,
      sessionTimeout: member.sessionTimeoutMs,
      subscription: member.metadata(group.protocolName),
      assignment: assignments?.get(member.memberId) ?? member.assignment,
    })),
  }
}

/**
 * The error code to answer when writing to `__consumer_offsets` failed (Kafka's mapping):
 * a too-large offset commit is INVALID_COMMIT_OFFSET_SIZE, a too-large group UNKNOWN_SERVER_ERROR,
 * a closed log COORDINATOR_NOT_AVAILABLE (the client finds the coordinator again and retries).
 */
export function appendErrorCode(error: unknown, isOffsetCommit: boolean): number {
  if (error instanceof CoreError) {
    if (error.code === 'CORE_RECORD_TOO_LARGE') return isOffsetCommit ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.UNKNOWN_SERVER_ERROR
    if (error.code === 'CORE_CLOSED' || error.code === 'CORE_UNKNOWN_TOPIC_OR_PARTITION') return ErrorCode.COORDINATOR_NOT_AVAILABLE
  }
  return ErrorCode.UNKNOWN_SERVER_ERROR
}

export class OffsetStore {
  readonly #manager: LogManager
  readonly #logger: Logger
  readonly partitionCount: number

  private constructor(manager: LogManager, partitionCount: number, logger: Logger) {
    this.#manager = manager
    this.partitionCount = partitionCount
    this.#logger = logger
  }

  /** Opens the store on `manager`, creating `__consumer_offsets` if it is missing. */
  static async open(manager: LogManager, config: GroupCoordinatorConfig, logger: Logger): Promise<OffsetStore> {
    let topic = manager.topic(OFFSETS_TOPIC)
    if (!topic) {
      topic = await manager.createTopic(OFFSETS_TOPIC, {
        partitions: config.offsetsTopicNumPartitions,
        configs: { 'cleanup.policy': 'compact', 'segment.bytes': config.offsetsTopicSegmentBytes },
        internal: true,
      })
      logger.info(`Created ${OFFSETS_TOPIC} with ${topic.partitions} partitions`)
    }
    return new OffsetStore(manager, topic.partitions, logger)
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitionCount)
  }

  /** The log holding `groupId`'s records. */
  logFor(groupId: string): PartitionLog {
    const partition = this.partitionFor(groupId)
    const log = this.#manager.log(OFFSETS_TOPIC, partition)
    if (!log) throw new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', `${OFFSETS_TOPIC}-${partition} (of group '${groupId}') does not exist`)
    return log
  }

  /**
   * Appends `records` as one batch to the group's log now, so appends are ordered as called,
   * and throws the CoreError of a failed append; the returned promise resolves once the batch
   * is fsynced (and rejects if the flush fails).
   */
  append(groupId: string, records: readonly OffsetsTopicRecord[], timestamp: number): Promise<void> {
    if (records.length === 0) return Promise.resolve()
    const log = this.logFor(groupId)
    log.append(encodeRecordBatchSync({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) }))
    return log.flush()
  }

  /** Replays every partition from its log start: the surviving metadata and offsets of every group. */
  async load(): Promise<Map<string, LoadedGroup>> {
    const groups = new Map<string, LoadedGroup>()
    const entry = (groupId: string): LoadedGroup => {
      let loaded = groups.get(groupId)
      if (!loaded) groups.set(groupId, (loaded = { groupId, metadata: undefined, offsets: new Map() }))
      return loaded
    }
    for (let partition = 0; partition < this.partitionCount; partition++) {
      const log = this.#manager.log(OFFSETS_TOPIC, partition)
      if (!log) continue
      let offset = log.logStartOffset
      while (offset < log.logEndOffset) {
        const batches = await decodeRecordBatches(log.read(offset, LOAD_READ_BYTES).records)
        if (batches.length === 0) break
        for (const batch of batches) {
          if (!batch.isControl) {
            for (const record of batch.records) {
              if (record.offset >= offset && record.key !== null) this.#apply(entry, record.key, record.value, `${log.name}@${record.offset}`)
            }
          }
          offset = batch.lastOffset + 1
        }
      }
    }
    for (const [groupId, loaded] of groups) if (!loaded.metadata && loaded.offsets.size === 0) groups.delete(groupId)
    return groups
  }

  #apply(entry: (groupId: string) => LoadedGroup, keyBytes: Buffer, value: Buffer | null, where: string): void {
    try {
      const key = decodeOffsetsTopicKey(keyBytes)
      if (!key) {
        this.#logger.debug(`Skipping ${OFFSETS_TOPIC} record ${where} with a key version Creek does not use`)
        return
      }
      const loaded = entry(key.groupId)
      if (key.type === 'group') {
        loaded.metadata = value === null ? undefined : decodeGroupMetadataValue(value)
        return
      }
      let partitions = loaded.offsets.get(key.topic)
      if (value === null) {
        partitions?.delete(key.partition)
        if (partitions?.size === 0) loaded.offsets.delete(key.topic)
        return
      }
      if (!partitions) loaded.offsets.set(key.topic, (partitions = new Map()))
      partitions.set(key.partition, decodeOffsetCommitValue(value))
    } catch (error) {
      this.#logger.error(`Skipping undecodable ${OFFSETS_TOPIC} record ${where}`, { cause: String(error) })
    }
  }
}
