/**
 * The arguments and results of `Admin`: plain objects, independent of protocol versions, so that
 * the same code reads the same shapes from an embedded broker and from any Kafka cluster.
 */

export interface NewTopic {
  readonly topic: string
  /** Default: the broker's `num.partitions`. */
  readonly numPartitions?: number
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number
  /** Topic config overrides (`retention.ms`, `cleanup.policy`…); values as Kafka's strings. */
  readonly configs?: Readonly<Record<string, string | number | boolean>>
}

export interface CreateTopicsOptions {
  /** Check the request (names, counts, configs) without creating anything. */
  readonly validateOnly?: boolean
  /** How long the broker may take. Default: the admin's request timeout. */
  readonly timeoutMs?: number
}

export interface CreatedTopic {
  readonly topic: string
  /** Undefined when the broker does not report ids (CreateTopics below v7). */
  readonly topicId: string | undefined
  /** -1 when the broker does not report them (CreateTopics below v5). */
  readonly numPartitions: number
  readonly replicationFactor: number
}

export interface ListTopicsOptions {
  /** Include internal topics such as `__consumer_offsets`. Default false. */
  readonly includeInternal?: boolean
}

export interface PartitionOffsets {
  readonly partition: number
  /** The log start offset. */
  readonly earliest: number
  /** The log end offset (high watermark): the offset the next record will get. */
  readonly latest: number
}

export interface PartitionDescription extends PartitionOffsets {
  /** The leader's node id, -1 while there is none. */
  readonly leader: number
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

export interface TopicDescription {
  readonly topic: string
  /** Undefined when the broker does not report ids (Metadata below v10). */
  readonly topicId: string | undefined
  readonly internal: boolean
  readonly partitions: readonly PartitionDescription[]
}

export interface OffsetAtTimestamp {
  readonly partition: number
  /**
   * The first offset whose record timestamp is at or after the requested time, or the log end
   * offset when every record is older.
   */
  readonly offset: number
  /** The timestamp of that record, -1 when the log end offset was returned. */
  readonly timestamp: number
}

/** A config resource: Kafka's resource types 2 (topic) and 4 (broker; name = node id). */
export interface ConfigResource {
  readonly type: 'topic' | 'broker'
  readonly name: string
}

/** Where a config value comes from (Kafka's `ConfigSource`). */
export type ConfigSource =
  | 'unknown'
  | 'topic'
  | 'dynamic-broker'
  | 'dynamic-default-broker'
  | 'static-broker'
  | 'default'
  | 'dynamic-broker-logger'
  | 'client-metrics'
  | 'group'

export interface ConfigEntry {
  readonly name: string
  /** Null for sensitive values and for keys without a value. */
  readonly value: string | null
  readonly source: ConfigSource
  /** True when nothing set the key: Kafka's default (`source` 'default'; v0: the broker's flag). */
  readonly isDefault: boolean
  readonly readOnly: boolean
  readonly sensitive: boolean
  readonly documentation: string | null
}

export interface DescribeConfigsOptions {
  /** Only these keys. Default: every key. */
  readonly keys?: readonly string[]
  readonly includeDocumentation?: boolean
}

export interface AlterConfigsOptions {
  readonly validateOnly?: boolean
}

/** One operation of IncrementalAlterConfigs (Kafka's `OpType`). */
export type AlterConfigOp =
  | { readonly op: 'set'; readonly name: string; readonly value: string }
  | { readonly op: 'delete'; readonly name: string }
  | { readonly op: 'append' | 'subtract'; readonly name: string; readonly value: string }

export interface DeletedRecords {
  readonly partition: number
  /** The new log start offset. */
  readonly lowWatermark: number
}

export interface GroupListing {
  readonly groupId: string
  /** `consumer` for consumer groups, '' for groups that only commit offsets. */
  readonly protocolType: string
  /** Empty, Stable, PreparingRebalance, CompletingRebalance, Dead; '' when the broker does not say. */
  readonly state: string
}

export interface AssignedPartitions {
  readonly topic: string
  readonly partitions: readonly number[]
}

export interface MemberDescription {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** The subscribed topics, for consumer groups whose metadata decodes. */
  readonly subscription: readonly string[] | undefined
  /** The assigned partitions, for consumer groups whose assignment decodes. */
  readonly assignment: readonly AssignedPartitions[] | undefined
}

export interface GroupDescription {
  readonly groupId: string
  readonly state: string
  readonly protocolType: string
  /** The assignor the group chose (`range`, `roundrobin`…); '' when no generation is running. */
  readonly protocol: string
  readonly members: readonly MemberDescription[]
}

export interface GroupPartitionOffset {
  readonly topic: string
  readonly partition: number
  /** The committed offset, -1 when the group committed none for this partition. */
  readonly committedOffset: number
  readonly metadata: string | null
  /** The partition's log end offset; -1 when the topic or partition no longer exists. */
  readonly logEndOffset: number
  /** `logEndOffset - committedOffset`; undefined without a commit or a log end offset. */
  readonly lag: number | undefined
}

export interface ListGroupOffsetsOptions {
  /**
   * Report every partition of these topics (uncommitted ones with offset -1). Default: only the
   * partitions the group committed.
   */
  readonly topics?: readonly string[]
}

/** Where `resetGroupOffsets` moves a group's position. */
export type ResetTarget =
  | 'earliest'
  | 'latest'
  | { readonly timestamp: number }
  | { readonly offset: number }
  | { readonly shiftBy: number }

export interface ResetGroupOffsetsOptions {
  readonly to: ResetTarget
  /** Only these partitions of the topic. Default: all. */
  readonly partitions?: readonly number[]
  /** Compute and return the new offsets without committing them. Default false. */
  readonly dryRun?: boolean
}

export interface ResetOffset {
  readonly topic: string
  readonly partition: number
  /** -1 when the group had committed none. */
  readonly previousOffset: number
  readonly newOffset: number
}
