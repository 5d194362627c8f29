/**
 * The nodes of a `Topology` as it stores them: plain descriptions that a `TaskPipeline`
 * compiles, once per task, into RxJS operators and processor instances. A node never holds
 * per-task state.
 *
 * Invariants kept by `Topology`: names are unique; parents are added before their children
 * (so the insertion order is a topological order); `children` lists children in the order they
 * were added, which is the order records are forwarded to them.
 */
import type { Serde } from '../../serdes/index.ts'
import type { NodeOperator } from '../operators/operator-context.ts'
import type { ProcessorSupplier } from '../processor/api.ts'
import type { AutoOffsetReset, StreamPartitioner, TimestampExtractor, TopicNameExtractor } from './node-options.ts'

interface BaseNode {
  readonly name: string
  readonly parents: readonly string[]
  readonly children: readonly string[]
}

export interface SourceNode extends BaseNode {
  readonly kind: 'source'
  /** Topic names, relative for internal (repartition) topics; empty for a pattern source. */
  readonly topics: readonly string[]
  readonly pattern: RegExp | null
  readonly keySerde: Serde<unknown> | null
  readonly valueSerde: Serde<unknown> | null
  readonly timestampExtractor: TimestampExtractor | null
  readonly autoOffsetReset: AutoOffsetReset | null
  /** The source of a global store. */
  readonly global: boolean
}

/** A Processor-API node: `process()`, stateful DSL nodes, named forwarding. */
export interface ProcessorNode extends BaseNode {
  readonly kind: 'processor'
  // Processors are typed where they are added (Topology#addProcessor, the DSL); here they are opaque.
  readonly supplier: ProcessorSupplier<any, any, any, any>
  /** Names of the stores connected to it. */
  readonly stores: readonly string[]
}

/** A stateless node compiled into an RxJS operator (the DSL's map, filter, pipe, …). */
export interface OperatorNode extends BaseNode {
  readonly kind: 'operator'
  readonly operator: NodeOperator
}

export interface SinkNode extends BaseNode {
  readonly kind: 'sink'
  /** The static topic (relative for internal topics), or null with an extractor. */
  readonly topic: string | null
  readonly extractor: TopicNameExtractor<any, any> | null
  readonly keySerde: Serde<unknown> | null
  readonly valueSerde: Serde<unknown> | null
  readonly partitioner: StreamPartitioner<any, any> | null
}

export type TopologyNode = SourceNode | ProcessorNode | OperatorNode | SinkNode
