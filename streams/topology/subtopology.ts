/**
 * What the runtime needs to know about a built topology, per sub-topology: the contract between
 * `Topology` (streams/topology/topology.ts, built by the DSL or the low-level API) and the
 * runtime that assigns, creates and runs its tasks.
 *
 * Names of internal topics are given relative to the application (`<name>-repartition`,
 * `<store>-changelog`); the runtime prefixes them with `<applicationId>-`, as Kafka Streams does.
 */
import type { StoreBuilder } from '../state/api.ts'

export interface SubtopologyInfo {
  /** 0, 1, …: in the order of the sub-topology's first node; stable across runs of the same code. */
  readonly id: number
  /** User topics the sub-topology reads. */
  readonly sourceTopics: readonly string[]
  /** Pattern subscriptions of its sources. */
  readonly sourcePatterns: readonly RegExp[]
  /** Internal repartition topics it reads, relative names (`…-repartition`). */
  readonly repartitionSourceTopics: readonly string[]
  /** Stores its processors use (not global stores). */
  readonly stores: readonly string[]
}

export interface InternalTopic {
  /** Relative name: `<name>-repartition` or `<store>-changelog`. */
  readonly name: string
  readonly kind: 'repartition' | 'changelog'
  /** The sub-topology that writes a changelog, or reads a repartition topic. */
  readonly subtopology: number
  /** Topic configs to create it with (a changelog: `cleanup.policy=compact` at least). */
  readonly config: Readonly<Record<string, string>>
  /**
   * Partitions, when the topology fixes them (`repartition({ numberOfPartitions })`);
   * otherwise the runtime uses the largest partition count of the sub-topology's source topics
   * (as Kafka Streams' default).
   */
  readonly numberOfPartitions?: number
}

export interface StoreInfo {
  readonly name: string
  readonly builder: StoreBuilder
  readonly subtopology: number
  /** The relative changelog topic, when logging is enabled. */
  readonly changelogTopic: string | null
  /**
   * True for the DSL's KTable stores: values are `ValueAndTimestamp`s (streams/dsl); interactive
   * queries unwrap them with `unwrapTimestampedStore` (or read `.value`).
   */
  readonly timestamped?: boolean
}

export interface GlobalStoreInfo {
  readonly name: string
  readonly builder: StoreBuilder
  /** The topic the global store is loaded from; it is also its changelog. */
  readonly sourceTopic: string
  /**
   * Id of its global sub-topology (a source and the processor that writes the store; Kafka
   * numbers them with the others, so task ids may skip it). The store is loaded by feeding
   * every record of `sourceTopic` through `TaskPipeline.create(topology, subtopology, runtime)`,
   * whose processor writes the store (also when restoring: the topic is its changelog).
   */
  readonly subtopology: number
  /** As `StoreInfo.timestamped` (a `globalTable`'s store is). */
  readonly timestamped?: boolean
}
