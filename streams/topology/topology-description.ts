/**
 * `TopologyDescription`: what `Topology#describe()` returns, and its `toString()`, which prints
 * exactly like Kafka Streams' `TopologyDescription` so that tools and habits carry over:
 *
 * ```text
 * Topologies:
 *    Sub-topology: 0
 *     Source: KSTREAM-SOURCE-0000000000 (topics: [input])
 *       --> KSTREAM-FILTER-0000000001
 *     Processor: KSTREAM-FILTER-0000000001 (stores: [])
 *       --> KSTREAM-SINK-0000000002
 *       <-- KSTREAM-SOURCE-0000000000
 *     Sink: KSTREAM-SINK-0000000002 (topic: output)
 *       <-- KSTREAM-FILTER-0000000001
 *
 * ```
 *
 * Order, as Kafka's: sub-topologies and global stores by id; inside a sub-topology, and in
 * each `-->`/`<--` list, nodes by decreasing size of the sub-graph below them (a node counts
 * once per path), then by name. Stateless DSL nodes (RxJS operators) print as processors.
 */
import type { TopicNameExtractor } from './node-options.ts'

export interface SourceDescription {
  readonly type: 'source'
  readonly name: string
  /** Null for a pattern source. */
  readonly topics: readonly string[] | null
  readonly pattern: RegExp | null
  readonly successors: readonly string[]
  readonly predecessors: readonly string[]
  toString(): string
}

export interface ProcessorDescription {
  readonly type: 'processor'
  readonly name: string
  readonly stores: readonly string[]
  readonly successors: readonly string[]
  readonly predecessors: readonly string[]
  toString(): string
}

export interface SinkDescription {
  readonly type: 'sink'
  readonly name: string
  /** Null when the topic is chosen per record. */
  readonly topic: string | null
  readonly extractor: TopicNameExtractor<any, any> | null
  readonly successors: readonly string[]
  readonly predecessors: readonly string[]
  toString(): string
}

export type NodeDescription = SourceDescription | ProcessorDescription | SinkDescription

export interface SubtopologyDescription {
  readonly id: number
  readonly nodes: readonly NodeDescription[]
  toString(): string
}

export interface GlobalStoreDescription {
  readonly id: number
  readonly source: SourceDescription
  readonly processor: ProcessorDescription
  toString(): string
}

export interface TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[]
  readonly globalStores: readonly GlobalStoreDescription[]
  toString(): string
}

/** What the describer needs to know of one node. */
export type DescribedNode =
  | { readonly type: 'source'; readonly name: string; readonly topics: readonly string[]; readonly pattern: RegExp | null; readonly children: readonly string[] }
  | { readonly type: 'processor'; readonly name: string; readonly stores: readonly string[]; readonly children: readonly string[]; readonly parents: readonly string[] }
  | { readonly type: 'sink'; readonly name: string; readonly topic: string | null; readonly extractor: TopicNameExtractor<any, any> | null; readonly parents: readonly string[] }

function names(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ')
}

function sourceToString(this: SourceDescription): string {
  const topics = this.topics === null ? (this.pattern as RegExp).source : `[${this.topics.join(', ')}]`
  return `Source: ${this.name} (topics: ${topics})\n      --> ${names(this.successors)}`
}

function processorToString(this: ProcessorDescription): string {
  return `Processor: ${this.name} (stores: [${this.stores.join(', ')}])\n      --> ${names(this.successors)}\n      <-- ${names(this.predecessors)}`
}

function sinkToString(this: SinkDescription): string {
  if (this.topic !== null) return `Sink: ${this.name} (topic: ${this.topic})\n      <-- ${names(this.predecessors)}`
  const extractor = this.extractor?.name || 'anonymous'
  return `Sink: ${this.name} (extractor class: ${extractor})\n      <-- ${names(this.predecessors)}`
}

/** Describes one sub-topology: `nodes` are its members (any order). */
export function describeSubtopology(id: number, nodes: readonly DescribedNode[]): SubtopologyDescription {
  const byName = new Map(nodes.map((node) => [node.name, node]))
  const sizes = new Map<string, number>()
  const size = (name: string): number => {
    const known = sizes.get(name)
    if (known !== undefined) return known
    const node = byName.get(name)
    let total = 1
    if (node !== undefined && node.type !== 'sink') for (const child of node.children) if (byName.has(child)) total += size(child)
    sizes.set(name, total)
    return total
  }
  const order = (a: string, b: string): number => size(b) - size(a) || (a < b ? -1 : a > b ? 1 : 0)
  const sorted = (list: readonly string[]): string[] => list.filter((name) => byName.has(name)).sort(order)
  const described = nodes.map((node): NodeDescription => {
    switch (node.type) {
      case 'source':
        return {
          type: 'source', name: node.name, topics: node.pattern === null ? [...node.topics] : null, pattern: node.pattern,
          successors: sorted(node.children), predecessors: [], toString: sourceToString,
        }
      case 'processor':
        return {
          type: 'processor', name: node.name, stores: [...node.stores], successors: sorted(node.children),
          predecessors: sorted(node.parents), toString: processorToString,
        }
      case 'sink':
        return {
          type: 'sink', name: node.name, topic: node.topic, extractor: node.extractor, successors: [],
          predecessors: sorted(node.parents), toString: sinkToString,
        }
    }
  })
  described.sort((a, b) => order(a.name, b.name))
  return {
    id,
    nodes: described,
    toString() {
      return `Sub-topology: ${id}\n${described.map((node) => `    ${node.toString()}\n`).join('')}\n`
    },
  }
}

export function describeGlobalStore(id: number, sourceName: string, topic: string, processorName: string, storeName: string): GlobalStoreDescription {
  const source: SourceDescription = {
    type: 'source', name: sourceName, topics: [topic], pattern: null, successors: [processorName], predecessors: [], toString: sourceToString,
  }
  const processor: ProcessorDescription = {
    type: 'processor', name: processorName, stores: [storeName], successors: [], predecessors: [sourceName], toString: processorToString,
  }
  return {
    id,
    source,
    processor,
    toString() {
      return `Sub-topology: ${id} for global store (will not generate tasks)\n    ${source.toString()}\n    ${processor.toString()}\n`
    },
  }
}

export function describeTopology(subtopologies: SubtopologyDescription[], globalStores: GlobalStoreDescription[]): TopologyDescription {
  const all = [...subtopologies, ...globalStores].sort((a, b) => a.id - b.id)
  return {
    subtopologies: [...subtopologies].sort((a, b) => a.id - b.id),
    globalStores: [...globalStores].sort((a, b) => a.id - b.id),
    toString() {
      return `Topologies:\n ${all.map((item) => `  ${item.toString()}`).join('')}`
    },
  }
}
