/**
 * Cluster administration over a `Transport`: topics, partitions, configs, records and consumer
 * groups, with the same code against an embedded broker and any Kafka-protocol cluster.
 *
 * Contracts:
 * - Every method sends Kafka requests (CreateTopics, Metadata, ListOffsets, DescribeConfigs…)
 *   and turns error codes in the response into `KafkaApiError`s whose message names the topic,
 *   partition or group concerned. A batch call (`createTopics` of several topics) applies what
 *   it can and then throws the first item's error.
 * - Retriable errors (a coordinator loading, a leader moving) are retried with backoff under one
 *   policy (`retry.ts`); within a batch only the items that failed are sent again. Errors that
 *   are not retriable are thrown at once.
 * - Leaders come from `ClusterMetadata`, refreshed before each operation that routes by leader
 *   (admin calls are rare; a fresh view avoids routing to a moved leader); group requests go to
 *   the coordinator FindCoordinator names.
 * - The transport is not owned: `close()` stops the admin, the caller closes its transport.
 *
 * Concurrency: calls may run concurrently; they share only the metadata cache.
 */
import { CoreError, isRetriable } from '../errors.ts'
import { AlterConfigs } from '../protocol/apis/alter-configs.ts'
import { CreatePartitions } from '../protocol/apis/create-partitions.ts'
import { CreateTopics } from '../protocol/apis/create-topics.ts'
import { DeleteRecords } from '../protocol/apis/delete-records.ts'
import { DeleteTopics } from '../protocol/apis/delete-topics.ts'
import { DescribeConfigs } from '../protocol/apis/describe-configs.ts'
import { ConfigOperation, IncrementalAlterConfigs } from '../protocol/apis/incremental-alter-configs.ts'
import { ListOffsetsTimestamp } from '../protocol/apis/list-offsets.ts'
import { Metadata } from '../protocol/apis/metadata.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import { ZERO_UUID } from '../protocol/writer.ts'
import { AdminChannel, apiError, partitionKey } from './admin-channel.ts'
import { AdminGroups } from './admin-groups.ts'
import type {
  AlterConfigOp, AlterConfigsOptions, ConfigEntry, ConfigResource, ConfigSource, CreatedTopic, CreateTopicsOptions,
  DeletedRecords, DescribeConfigsOptions, GroupDescription, GroupListing, GroupPartitionOffset, ListGroupOffsetsOptions,
  ListTopicsOptions, NewTopic, PartitionOffsets, ResetGroupOffsetsOptions, ResetOffset, OffsetAtTimestamp, TopicDescription,
} from './admin-types.ts'
import { ClusterMetadata } from './cluster-metadata.ts'
import type { RetryOptions } from './retry.ts'
import type { Transport } from './transport.ts'

export interface AdminOptions {
  /** Broker-side timeout put in requests that carry one (default 30000, `request.timeout.ms`). */
  readonly requestTimeoutMs?: number
  /**
   * Retries of retriable errors. Defaults: 5 retries, backoff 100 ms to 1 s, at most 60 s in
   * all (`default.api.timeout.ms`).
   */
  readonly retry?: RetryOptions
  /** A metadata cache to share with other clients on the same transport; default: the admin's own. */
  readonly metadata?: ClusterMetadata
}

const DEFAULTS = { requestTimeoutMs: 30_000, retries: 5, apiTimeoutMs: 60_000 } as const

/** Kafka's `ConfigResource.Type` ids. */
const RESOURCE_TYPE = { topic: 2, broker: 4 } as const
/** Kafka's `ConfigSource` ids, in order. */
const CONFIG_SOURCES: readonly ConfigSource[] = [
  'unknown', 'topic', 'dynamic-broker', 'dynamic-default-broker', 'static-broker', 'default', 'dynamic-broker-logger', 'client-metrics', 'group',
]
const OPERATIONS = { set: ConfigOperation.SET, delete: ConfigOperation.DELETE, append: ConfigOperation.APPEND, subtract: ConfigOperation.SUBTRACT } as const

export class Admin {
  readonly #channel: AdminChannel
  readonly #groups: AdminGroups
  readonly #ownsMetadata: boolean
  #closed = false

  constructor(transport: Transport, options: AdminOptions = {}) {
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Admin option requestTimeoutMs must be a positive integer, got ${requestTimeoutMs}`)
    }
    this.#ownsMetadata = options.metadata === undefined
    const metadata = options.metadata ?? new ClusterMetadata(transport, { allowAutoTopicCreation: false })
    this.#channel = new AdminChannel({
      transport,
      metadata,
      requestTimeoutMs,
      retry: { retries: DEFAULTS.retries, timeoutMs: DEFAULTS.apiTimeoutMs, retriable: isRetriableForAdmin, ...options.retry },
    })
    this.#groups = new AdminGroups(this.#channel)
  }

  /**
   * Creates topics. Throws the first topic's error (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
   * INVALID_CONFIG…) after the others were created.
   */
  async createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreatedTopic[]> {
    this.#ensureOpen()
    const names = uniqueNames(topics.map((t) => t.topic), 'createTopics')
    const byName = new Map(topics.map((t) => [t.topic, t]))
    const outcomes = await this.#channel.settle<string, CreatedTopic>(names, async (pending) => {
      const response = await this.#channel.send(CreateTopics, {
        topics: pending.map((name) => {
          const topic = byName.get(name)!
          return {
            name,
            numPartitions: topic.numPartitions ?? -1,
            replicationFactor: topic.replicationFactor ?? -1,
            assignments: [],
            configs: Object.entries(topic.configs ?? {}).map(([key, value]) => ({ name: key, value: String(value) })),
          }
        }),
        timeoutMs: options.timeoutMs ?? this.#channel.requestTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      })
      return new Map(response.topics.map((t) => [t.name, t.errorCode === ErrorCode.NONE
        ? { topic: t.name, topicId: t.topicId === ZERO_UUID ? undefined : t.topicId, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor }
        : apiError(t.errorCode, `Cannot create topic '${t.name}'`, t.errorMessage)]))
    })
    return resultsInOrder(names, outcomes)
  }

  /** Deletes topics and their data. Throws the first topic's error after the others were deleted. */
  async deleteTopics(topics: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<void> {
    this.#ensureOpen()
    const names = uniqueNames(topics, 'deleteTopics')
    const outcomes = await this.#channel.settle<string, true>(names, async (pending) => {
      const response = await this.#channel.send(DeleteTopics, {
        topics: pending.map((name) => ({ name, topicId: ZERO_UUID })),
        topicNames: [...pending],
        timeoutMs: options.timeoutMs ?? this.#channel.requestTimeoutMs,
      })
      return new Map(response.responses.map((r) => [r.name ?? '', r.errorCode === ErrorCode.NONE
        ? true as const
        : apiError(r.errorCode, `Cannot delete topic '${r.name}'`, r.errorMessage)]))
    })
    resultsInOrder(names, outcomes)
  }

  /** Names of the cluster's topics, sorted; internal ones (`__consumer_offsets`) only when asked. */
  async listTopics(options: ListTopicsOptions = {}): Promise<string[]> {
    this.#ensureOpen()
    const version = this.#channel.version(Metadata)
    const response = await this.#channel.retry(() => this.#channel.send(Metadata, {
      // v0 reads an empty list as "every topic"; v1+ reads null so.
      topics: version === 0 ? [] : null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }))
    return response.topics
      .filter((t) => t.name !== null && t.errorCode === ErrorCode.NONE && (options.includeInternal || !t.isInternal))
      .map((t) => t.name!)
      .sort()
  }

  /** Partitions (leader, replicas, in-sync replicas, earliest and latest offsets) of topics. */
  async describeTopics(topics: readonly string[]): Promise<TopicDescription[]> {
    this.#ensureOpen()
    const names = uniqueNames(topics, 'describeTopics')
    return this.#channel.retry(async () => {
      const infos = await this.#channel.topics(names)
      const all = new Map(names.map((name) => [name, infos.get(name)!.partitions.map((p) => p.partition)]))
      const [earliest, latest] = await Promise.all([
        this.#channel.listOffsets(infos, all, ListOffsetsTimestamp.Earliest),
        this.#channel.listOffsets(infos, all, ListOffsetsTimestamp.Latest),
      ])
      return names.map((name) => {
        const info = infos.get(name)!
        return {
          topic: name,
          topicId: info.topicId === ZERO_UUID ? undefined : info.topicId,
          internal: info.isInternal,
          partitions: info.partitions.map((p) => ({
            partition: p.partition,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicas,
            isr: p.isr,
            earliest: earliest.get(partitionKey(name, p.partition))?.offset ?? -1,
            latest: latest.get(partitionKey(name, p.partition))?.offset ?? -1,
          })),
        }
      })
    })
  }

  /** The earliest (log start) and latest (log end) offset of each partition of a topic. */
  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const [description] = await this.describeTopics([topic])
    return description.partitions.map(({ partition, earliest, latest }) => ({ partition, earliest, latest }))
  }

  /**
   * For each partition of a topic, the first offset whose timestamp is at or after `timestamp`
   * (ms since the epoch), or the log end offset when every record is older.
   */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<OffsetAtTimestamp[]> {
    this.#ensureOpen()
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `fetchTopicOffsetsByTimestamp needs a timestamp in ms ≥ 0, got ${timestamp}`)
    }
    return this.#channel.retry(async () => {
      const infos = await this.#channel.topics([topic])
      const partitions = new Map([[topic, infos.get(topic)!.partitions.map((p) => p.partition)]])
      const [found, latest] = await Promise.all([
        this.#channel.listOffsets(infos, partitions, timestamp),
        this.#channel.listOffsets(infos, partitions, ListOffsetsTimestamp.Latest),
      ])
      return partitions.get(topic)!.map((partition) => {
        const hit = found.get(partitionKey(topic, partition))
        if (hit !== undefined && hit.offset >= 0) return { partition, offset: hit.offset, timestamp: hit.timestamp }
        return { partition, offset: latest.get(partitionKey(topic, partition))?.offset ?? -1, timestamp: -1 }
      })
    })
  }

  /** Raises a topic's partition count to `count` (Kafka never lowers it). */
  async createPartitions(topic: string, count: number, options: { readonly validateOnly?: boolean; readonly timeoutMs?: number } = {}): Promise<void> {
    this.#ensureOpen()
    if (!Number.isInteger(count) || count < 1) throw new CoreError('CORE_INVALID_ARGUMENT', `createPartitions needs a partition count ≥ 1, got ${count}`)
    const outcomes = await this.#channel.settle<string, true>([topic], async () => {
      const response = await this.#channel.send(CreatePartitions, {
        topics: [{ name: topic, count, assignments: null }],
        timeoutMs: options.timeoutMs ?? this.#channel.requestTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      })
      return new Map(response.results.map((r) => [r.name, r.errorCode === ErrorCode.NONE
        ? true as const
        : apiError(r.errorCode, `Cannot set the partitions of topic '${r.name}' to ${count}`, r.errorMessage)]))
    })
    resultsInOrder([topic], outcomes)
  }

  /** The configuration of a topic or broker, every key with its value and where it comes from. */
  async describeConfigs(resource: ConfigResource, options: DescribeConfigsOptions = {}): Promise<ConfigEntry[]> {
    this.#ensureOpen()
    const version = this.#channel.version(DescribeConfigs)
    const what = describeResource(resource)
    const response = await this.#channel.retry(async () => {
      const response = await this.#channel.send(DescribeConfigs, {
        resources: [{ resourceType: RESOURCE_TYPE[resource.type], resourceName: resource.name, configurationKeys: options.keys ? [...options.keys] : null }],
        includeSynonyms: false,
        includeDocumentation: options.includeDocumentation ?? false,
      }, resource.type === 'broker' ? Number(resource.name) : undefined)
      const result = response.results[0]
      if (result === undefined) throw new CoreError('CORE_PROTOCOL', `DescribeConfigs answered nothing for ${what}`)
      if (result.errorCode !== ErrorCode.NONE) throw apiError(result.errorCode, `Cannot describe the configs of ${what}`, result.errorMessage)
      return result
    })
    return response.configs
      .map((c) => {
        const source = version === 0 ? (c.isDefault ? 'default' : resource.type === 'topic' ? 'topic' : 'static-broker') : CONFIG_SOURCES[c.configSource] ?? 'unknown'
        return {
          name: c.name,
          value: c.value,
          source,
          isDefault: version === 0 ? c.isDefault : source === 'default',
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
          documentation: c.documentation ?? null,
        } satisfies ConfigEntry
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /**
   * Replaces the configuration of a topic or broker (Kafka's legacy AlterConfigs): keys left
   * out return to their defaults. Prefer `incrementalAlterConfigs`.
   */
  async alterConfigs(resource: ConfigResource, configs: Readonly<Record<string, string | number | boolean>>, options: AlterConfigsOptions = {}): Promise<void> {
    this.#ensureOpen()
    const what = describeResource(resource)
    await this.#channel.retry(async () => {
      const response = await this.#channel.send(AlterConfigs, {
        resources: [{
          resourceType: RESOURCE_TYPE[resource.type],
          resourceName: resource.name,
          configs: Object.entries(configs).map(([name, value]) => ({ name, value: String(value) })),
        }],
        validateOnly: options.validateOnly ?? false,
      }, resource.type === 'broker' ? Number(resource.name) : undefined)
      checkAlterResponse(response.responses, `Cannot alter the configs of ${what}`)
    })
  }

  /** Sets, deletes (back to default), appends to or subtracts from config keys, one by one. */
  async incrementalAlterConfigs(resource: ConfigResource, operations: readonly AlterConfigOp[], options: AlterConfigsOptions = {}): Promise<void> {
    this.#ensureOpen()
    const what = describeResource(resource)
    await this.#channel.retry(async () => {
      const response = await this.#channel.send(IncrementalAlterConfigs, {
        resources: [{
          resourceType: RESOURCE_TYPE[resource.type],
          resourceName: resource.name,
          configs: operations.map((o) => ({ name: o.name, configOperation: OPERATIONS[o.op], value: o.op === 'delete' ? null : o.value })),
        }],
        validateOnly: options.validateOnly ?? false,
      }, resource.type === 'broker' ? Number(resource.name) : undefined)
      checkAlterResponse(response.responses, `Cannot alter the configs of ${what}`)
    })
  }

  /**
   * Deletes the records of partitions before the given offsets (−1: every record, up to the high
   * watermark), moving each log start offset. Returns the new log start offsets.
   */
  async deleteRecords(topic: string, offsets: readonly { readonly partition: number; readonly offset: number }[], options: { readonly timeoutMs?: number } = {}): Promise<DeletedRecords[]> {
    this.#ensureOpen()
    const partitions = uniqueNames(offsets.map((o) => String(o.partition)), 'deleteRecords').map(Number)
    const targets = new Map(offsets.map((o) => [o.partition, o.offset]))
    const outcomes = await this.#channel.settle<number, DeletedRecords>(partitions, async (pending) => {
      const infos = await this.#channel.topics([topic])
      const byLeader = new Map<number, number[]>()
      for (const partition of pending) {
        const leader = infos.get(topic)!.partitions[partition]?.leaderId
        if (leader === undefined) throw apiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Cannot delete records of ${topic}-${partition}`, 'the partition does not exist')
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition])
      }
      const results = new Map<number, DeletedRecords | Error>()
      await Promise.all([...byLeader].map(async ([leader, indexes]) => {
        const response = await this.#channel.send(DeleteRecords, {
          topics: [{ name: topic, partitions: indexes.map((partitionIndex) => ({ partitionIndex, offset: targets.get(partitionIndex)! })) }],
          timeoutMs: options.timeoutMs ?? this.#channel.requestTimeoutMs,
        }, leader)
        for (const p of response.topics.flatMap((t) => t.partitions)) {
          results.set(p.partitionIndex, p.errorCode === ErrorCode.NONE
            ? { partition: p.partitionIndex, lowWatermark: p.lowWatermark }
            : apiError(p.errorCode, `Cannot delete records of ${topic}-${p.partitionIndex} before offset ${targets.get(p.partitionIndex)}`))
        }
      }))
      return results
    })
    return resultsInOrder(partitions, outcomes)
  }

  /** Every group the brokers know, sorted by id. */
  listGroups(): Promise<GroupListing[]> {
    this.#ensureOpen()
    return this.#groups.list()
  }

  /**
   * Groups with state, protocol and members; consumer groups' subscriptions and assignments
   * decoded. A group that does not exist is described with state `Dead` and no members.
   */
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    this.#ensureOpen()
    return this.#groups.describe(uniqueNames(groupIds, 'describeGroups'))
  }

  /** Deletes groups (which must be empty) with their committed offsets. */
  deleteGroups(groupIds: readonly string[]): Promise<void> {
    this.#ensureOpen()
    return this.#groups.delete(uniqueNames(groupIds, 'deleteGroups'))
  }

  /** A group's committed offsets with each partition's log end offset and lag. */
  listGroupOffsets(groupId: string, options: ListGroupOffsetsOptions = {}): Promise<GroupPartitionOffset[]> {
    this.#ensureOpen()
    return this.#groups.offsets(groupId, options)
  }

  /**
   * Moves a group's committed offsets for a topic, as Kafka's `--reset-offsets` does: only while
   * the group has no members (state Empty, or Dead for a group that does not exist yet); new
   * offsets are clamped into [log start, log end]. With `dryRun` nothing is committed.
   */
  resetGroupOffsets(groupId: string, topic: string, options: ResetGroupOffsetsOptions): Promise<ResetOffset[]> {
    this.#ensureOpen()
    return this.#groups.resetOffsets(groupId, topic, options)
  }

  /** Stops the admin (pending calls complete). The transport stays open: its owner closes it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#ownsMetadata) this.#channel.metadata.close()
  }

  #ensureOpen(): void {
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'The admin client is closed')
  }
}

/**
 * Kafka's retriable errors, except UNKNOWN_TOPIC_OR_PARTITION: a client waiting for a topic
 * being created retries it, but an admin asked about a topic wants to hear at once that it is
 * not there (as Kafka's AdminClient reports it).
 */
function isRetriableForAdmin(error: unknown): boolean {
  return isRetriable(error) && !(error instanceof KafkaApiError && error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
}

function describeResource(resource: ConfigResource): string {
  return resource.type === 'topic' ? `topic '${resource.name}'` : `broker ${resource.name}`
}

function checkAlterResponse(responses: readonly { errorCode: number; errorMessage: string | null }[], context: string): void {
  const result = responses[0]
  if (result === undefined) throw new CoreError('CORE_PROTOCOL', `${context}: the broker answered nothing`)
  if (result.errorCode !== ErrorCode.NONE) throw apiError(result.errorCode, context, result.errorMessage)
}

/** The names, checked non-empty and without duplicates. */
function uniqueNames(names: readonly string[], operation: string): string[] {
  if (names.length === 0) throw new CoreError('CORE_INVALID_ARGUMENT', `${operation} needs at least one name`)
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) throw new CoreError('CORE_INVALID_ARGUMENT', `${operation} got '${name}' twice`)
    seen.add(name)
  }
  return [...names]
}

/** The results of a batch in input order; throws the first item's error. */
function resultsInOrder<I, R>(items: readonly I[], outcomes: ReadonlyMap<I, R | Error>): R[] {
  const results: R[] = []
  for (const item of items) {
    const outcome = outcomes.get(item)
    if (outcome instanceof Error) throw outcome
    results.push(outcome as R)
  }
  return results
}
