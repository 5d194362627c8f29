/**
 * Topic preparation at start (Kafka Streams' `InternalTopicManager` and `CopartitionedTopicsEnforcer`):
 *
 * 1. Every named source topic (user topics, global store topics) must exist: an application
 *    does not create its inputs (STREAMS_INVALID_TOPOLOGY naming the missing topics).
 * 2. Partition counts of internal topics, to a fixpoint:
 *    - a repartition topic: its `numberOfPartitions` when the topology fixes it; else the
 *      largest count among the other sources of the sub-topology reading it; else (it is that
 *      sub-topology's only source) the largest count among the user source topics;
 *    - inside a co-partition group, repartition topics without a fixed count take the count
 *      of the group's other topics;
 *    - a changelog: the largest partition count of its sub-topology's sources (one changelog
 *      partition per task).
 * 3. Co-partitioning: every topic of each `copartitionGroups()` group must have the same
 *    count, else STREAMS_COPARTITIONING naming the topics and their counts.
 * 4. Missing internal topics are created with admin (`<applicationId>-<relative name>`):
 *    changelogs with `cleanup.policy=compact` plus the store's log config. An existing internal
 *    topic with another partition count is refused (its data belongs to other tasks).
 *    Creation races with another instance are harmless (TOPIC_ALREADY_EXISTS is accepted), and
 *    so are retriable errors of topics another instance is creating at the same moment (the
 *    whole preparation is retried with core's `retry`).
 */
import { type Admin, type Logger, retry } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { InternalTopic } from '../topology/subtopology.ts'
import type { StreamsConfig } from './config.ts'
import type { ResolvedTopology } from './runtime-topology.ts'

export interface PreparedTopics {
  /** Partition count of every named source and internal topic (full names). */
  readonly partitions: ReadonlyMap<string, number>
  /** Internal topics this call created. */
  readonly created: readonly string[]
}

/** The part of core's `Admin` used here. */
export type TopicAdmin = Pick<Admin, 'listTopics' | 'describeTopics' | 'createTopics'>

export function prepareTopics(admin: TopicAdmin, topology: ResolvedTopology, config: StreamsConfig, logger: Logger): Promise<PreparedTopics> {
  return retry(() => prepareOnce(admin, topology, config, logger), {
    retries: 8,
    initialBackoffMs: 100,
    onRetry: ({ error, delayMs }) => logger.info(`Preparing the topics of application '${config.applicationId}' failed; retrying in ${delayMs} ms`, { cause: String(error) }),
  })
}

async function prepareOnce(admin: TopicAdmin, topology: ResolvedTopology, config: StreamsConfig, logger: Logger): Promise<PreparedTopics> {
  const internal = topology.internalTopics
  const internalNames = new Set(internal.map((t) => topology.topicName(t.name)))
  const existing = new Set(await admin.listTopics())
  const userSources = new Set<string>()
  for (const s of topology.topology.subtopologies()) for (const t of s.sourceTopics) userSources.add(t)
  for (const g of topology.globalStores) userSources.add(g.sourceTopic)
  const missing = [...userSources].filter((t) => !existing.has(t)).sort()
  if (missing.length > 0) {
    throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `Source topics ${missing.map((t) => `'${t}'`).join(', ')} of application '${config.applicationId}' do not exist; create them before starting the application`)
  }
  const known = [...existing].filter((t) => userSources.has(t) || internalNames.has(t))
  const counts = new Map<string, number>()
  if (known.length > 0) {
    for (const d of await admin.describeTopics(known)) counts.set(d.topic, d.partitions.length)
  }
  const existingInternal = new Map([...internalNames].filter((t) => counts.has(t)).map((t) => [t, counts.get(t)!]))

  const planned = planPartitions(topology, counts)
  validateCopartitioning(topology, planned)

  const toCreate = internal.filter((t) => !existing.has(topology.topicName(t.name)))
  for (const t of internal) {
    const name = topology.topicName(t.name)
    const have = existingInternal.get(name)
    if (have !== undefined && have !== planned.get(name)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Internal topic '${name}' has ${have} partitions, but application '${config.applicationId}' needs ${planned.get(name)}; `
        + 'delete it (and the application\'s local state) to reset the application, or restore the input partition counts')
    }
  }
  const created: string[] = []
  if (toCreate.length > 0) {
    const replicationFactor = config.replicationFactor === -1 ? undefined : config.replicationFactor
    const newTopics = toCreate.map((t) => ({
      topic: topology.topicName(t.name),
      numPartitions: planned.get(topology.topicName(t.name))!,
      replicationFactor,
      configs: t.kind === 'changelog' ? { ...t.config, 'cleanup.policy': t.config['cleanup.policy'] ?? 'compact' } : { ...t.config },
    }))
    for (const topic of newTopics) {
      try {
        await admin.createTopics([topic])
        created.push(topic.topic)
        logger.info(`Created internal topic '${topic.topic}' with ${topic.numPartitions} partitions`)
      } catch (error) {
        if (!String((error as Error)?.message ?? '').includes('TOPIC_ALREADY_EXISTS') && (error as { errorName?: string }).errorName !== 'TOPIC_ALREADY_EXISTS') throw error
      }
    }
  }
  return { partitions: planned, created }
}

/** Partition counts of every topic, internal ones computed (see the module comment); pure. */
export function planPartitions(topology: ResolvedTopology, existing: ReadonlyMap<string, number>): Map<string, number> {
  const counts = new Map(existing)
  const internal = topology.internalTopics
  const name = (t: InternalTopic): string => topology.topicName(t.name)
  const repartitions = internal.filter((t) => t.kind === 'repartition')
  for (const t of repartitions) if (t.numberOfPartitions !== undefined) counts.set(name(t), t.numberOfPartitions)
  const fixed = new Set(repartitions.filter((t) => t.numberOfPartitions !== undefined).map(name))
  const userMax = Math.max(0, ...topology.topology.subtopologies().flatMap((s) => s.sourceTopics.map((t) => existing.get(t) ?? 0)))
  const groups = topology.topology.copartitionGroups().map((g) => g.map((t) => resolveName(topology, t)))

  for (let round = 0; round <= repartitions.length + 1; round++) {
    let changed = false
    for (const t of repartitions) {
      const topic = name(t)
      if (fixed.has(topic)) continue
      const s = topology.subtopologies.find((x) => x.id === t.subtopology)
      const others = (s?.topics ?? []).filter((x) => x !== topic && counts.has(x)).map((x) => counts.get(x)!)
      const group = groups.find((g) => g.includes(topic))
      const fromGroup = group?.filter((x) => x !== topic && counts.has(x) && (!internalName(topology, x) || fixed.has(x))).map((x) => counts.get(x)!) ?? []
      const want = fromGroup.length > 0 ? Math.max(...fromGroup) : others.length > 0 ? Math.max(...others) : userMax
      if (want > 0 && counts.get(topic) !== want) {
        counts.set(topic, want)
        changed = true
      }
    }
    if (!changed) break
  }
  for (const t of internal.filter((x) => x.kind === 'changelog')) {
    const s = topology.subtopologies.find((x) => x.id === t.subtopology)
    const sources = (s?.topics ?? []).filter((x) => counts.has(x)).map((x) => counts.get(x)!)
    counts.set(name(t), Math.max(1, ...sources))
  }
  for (const t of repartitions) if (!counts.has(name(t))) counts.set(name(t), Math.max(1, userMax))
  return counts
}

/** STREAMS_COPARTITIONING when a co-partition group's topics differ in partition count. */
export function validateCopartitioning(topology: ResolvedTopology, counts: ReadonlyMap<string, number>): void {
  for (const group of topology.topology.copartitionGroups()) {
    const topics = group.map((t) => resolveName(topology, t)).filter((t) => counts.has(t))
    const distinct = new Set(topics.map((t) => counts.get(t)))
    if (distinct.size > 1) {
      const detail = topics.map((t) => `'${t}' (${counts.get(t)})`).join(', ')
      throw new StreamsError('STREAMS_COPARTITIONING', `Topics ${detail} must be co-partitioned (joined or merged by key) but have different partition counts; `
        + 'repartition one of them to the same count (KStream.repartition({ numberOfPartitions })) or recreate them with equal counts')
    }
  }
}

/** A co-partition group lists user topics by name and repartition topics by relative name. */
function resolveName(topology: ResolvedTopology, topic: string): string {
  return topology.internalTopics.some((t) => t.name === topic) ? topology.topicName(topic) : topic
}

function internalName(topology: ResolvedTopology, topic: string): boolean {
  return topology.internalTopics.some((t) => topology.topicName(t.name) === topic)
}
