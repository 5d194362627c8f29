/**
 * What the runtime reads of a built `Topology` (the contract of streams/topology/subtopology.ts),
 * and its resolution for one application: internal topic names prefixed with the application
 * id, each source topic mapped to its sub-topology, each sub-topology's stores in order.
 *
 * Resolution is done once, when the application is built; the result is immutable.
 */
import type { TopicPartition } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { TaskId } from '../processor/api.ts'
import type { GlobalStoreInfo, InternalTopic, StoreInfo, SubtopologyInfo } from '../topology/subtopology.ts'
import type { AssignableSubtopology } from './task-assignor.ts'

/** The methods of `Topology` the runtime uses. */
export interface RuntimeTopology {
  subtopologies(): readonly SubtopologyInfo[]
  internalTopics(): readonly InternalTopic[]
  stores(): readonly StoreInfo[]
  globalStores(): readonly GlobalStoreInfo[]
  /** Groups of topics (user names, or relative names of repartition topics) that must be co-partitioned. */
  copartitionGroups(): readonly (readonly string[])[]
}

export class ResolvedTopology {
  readonly applicationId: string
  readonly topology: RuntimeTopology
  /** Sub-topologies with full topic names (user + prefixed repartition topics). */
  readonly subtopologies: readonly AssignableSubtopology[]
  readonly internalTopics: readonly InternalTopic[]
  readonly stores: readonly StoreInfo[]
  readonly globalStores: readonly GlobalStoreInfo[]
  readonly #subtopologyOfTopic = new Map<string, number>()
  readonly #patterns: readonly { readonly id: number; readonly pattern: RegExp }[]

  constructor(topology: RuntimeTopology, applicationId: string) {
    this.applicationId = applicationId
    this.topology = topology
    const infos = topology.subtopologies()
    if (infos.length === 0) throw new StreamsError('STREAMS_INVALID_TOPOLOGY', 'The topology has no source: add a stream, table or processor reading a topic before starting it')
    this.internalTopics = topology.internalTopics()
    this.stores = topology.stores()
    this.globalStores = topology.globalStores()
    this.subtopologies = infos.map((s) => ({
      id: s.id,
      topics: [...s.sourceTopics, ...s.repartitionSourceTopics.map((t) => this.topicName(t))],
      patterns: s.sourcePatterns,
    }))
    for (const s of this.subtopologies) {
      for (const topic of s.topics) {
        const other = this.#subtopologyOfTopic.get(topic)
        if (other !== undefined && other !== s.id) {
          throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `Topic '${topic}' is read by sub-topologies ${other} and ${s.id}; a topic can be the source of one sub-topology only`)
        }
        this.#subtopologyOfTopic.set(topic, s.id)
      }
    }
    this.#patterns = this.subtopologies.flatMap((s) => s.patterns.map((p) => ({ id: s.id, pattern: new RegExp(p.source, p.flags.replace(/[gy]/g, '')) })))
  }

  /** `<applicationId>-<relative>`: the topic name of an internal topic. */
  topicName(relative: string): string {
    return `${this.applicationId}-${relative}`
  }

  /** Every named source topic (user and internal), sorted. */
  get sourceTopics(): string[] {
    return [...this.#subtopologyOfTopic.keys()].sort()
  }

  get hasPatterns(): boolean {
    return this.#patterns.length > 0
  }

  /**
   * What the thread consumers subscribe to: the topic list, or one pattern matching the named
   * topics and the source patterns when there are any (the consumer takes one or the other).
   */
  subscription(): readonly string[] | RegExp {
    if (!this.hasPatterns) return this.sourceTopics
    const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const alternatives = [...this.sourceTopics.map(escape), ...this.#patterns.map((p) => `(?:${p.pattern.source})`)]
    return new RegExp(`^(?:${alternatives.join('|')})$`)
  }

  /** The sub-topology reading `topic`, undefined when none does. */
  subtopologyOf(topic: string): number | undefined {
    const id = this.#subtopologyOfTopic.get(topic)
    if (id !== undefined) return id
    return this.#patterns.find((p) => p.pattern.test(topic))?.id
  }

  /** The task of a source partition. */
  taskOf(tp: TopicPartition): TaskId | undefined {
    const subtopology = this.subtopologyOf(tp.topic)
    return subtopology === undefined ? undefined : { subtopology, partition: tp.partition }
  }

  /** The stores of a sub-topology, in topology order. */
  storesOf(subtopology: number): StoreInfo[] {
    return this.stores.filter((s) => s.subtopology === subtopology)
  }

  /** Full names of every changelog topic. */
  changelogTopics(): Set<string> {
    const names = new Set<string>()
    for (const s of this.stores) if (s.changelogTopic !== null) names.add(this.topicName(s.changelogTopic))
    return names
  }
}
