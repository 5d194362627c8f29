/**
 * `Topology`: the graph of a stream processing application (Kafka Streams' low-level
 * `Topology` API). It is only a description: sources, processors, RxJS operator nodes, sinks
 * and the stores they use, by name. The DSL (`StreamsBuilder`) builds one; applications may
 * build one by hand. The runtime and the topology test driver read it through
 * `subtopologies()`, `internalTopics()`, `stores()`, `globalStores()`, `copartitionGroups()`,
 * and compile it per task with `TaskPipeline`.
 *
 * Invariants (checked as nodes are added; a violation is STREAMS_INVALID_TOPOLOGY naming the
 * node, store or topic):
 * - node names and store names are unique; parents exist before their children, so the order
 *   nodes were added is a topological order; sinks have no children; sources no parents;
 * - a topic is read by one source only; stores are connected to processors only;
 * - global stores have logging disabled (their source topic is their changelog).
 *
 * Sub-topologies are the connected components of the graph, where processors sharing a store
 * are connected too. A repartition topic (a sink to, and a source from, `<name>-repartition`,
 * declared with `addInternalTopic`) does not connect anything, so it splits the graph. Ids are
 * given in the order of each component's first node, global stores' components included (as
 * Kafka Streams numbers them), so ids stay stable as long as the code that builds the graph
 * does not change.
 */
import { StreamsError } from '../errors.ts'
import type { NodeOperator } from '../operators/operator-context.ts'
import type { ProcessorSupplier } from '../processor/api.ts'
import type { StoreBuilder } from '../state/api.ts'
import type { AutoOffsetReset, GlobalStoreSourceOptions, SinkOptions, SourceOptions, TopicNameExtractor } from './node-options.ts'
import type { GlobalStoreInfo, InternalTopic, StoreInfo, SubtopologyInfo } from './subtopology.ts'
import {
  type DescribedNode, describeGlobalStore, describeSubtopology, describeTopology, type GlobalStoreDescription,
  type SubtopologyDescription, type TopologyDescription,
} from './topology-description.ts'
import type { OperatorNode, ProcessorNode, SinkNode, SourceNode, TopologyNode } from './topology-node.ts'

/** A node while the topology is being built: children and stores grow. */
type MutableNode = TopologyNode & { children: string[]; stores?: string[] }

interface StoreEntry {
  readonly builder: StoreBuilder
  /** Processors connected to it, in the order they were connected. */
  readonly users: string[]
  /** For a global store: its source topic. */
  readonly globalTopic: string | null
  timestamped: boolean
}

interface Groups {
  /** Group id of each node. */
  readonly ids: Map<string, number>
  /** Member node names per group, in insertion order. */
  readonly members: Map<number, string[]>
  readonly global: Set<number>
}

export interface InternalTopicOptions {
  /** Fixed partition count (`Repartitioned.withNumberOfPartitions`). */
  readonly numberOfPartitions?: number
}

function invalid(message: string): StreamsError {
  return new StreamsError('STREAMS_INVALID_TOPOLOGY', message)
}

export class Topology {
  readonly #nodes = new Map<string, MutableNode>()
  readonly #stores = new Map<string, StoreEntry>()
  /** Topic → the source node reading it. */
  readonly #topicReaders = new Map<string, string>()
  readonly #internalTopics = new Map<string, InternalTopicOptions>()
  /** Groups of source node names whose topics must be co-partitioned. */
  readonly #copartitionSources: string[][] = []
  #groups: Groups | null = null

  /** Adds a source reading `topics` or the topics matching `pattern`. */
  addSource(name: string, options: SourceOptions<any, any>): this {
    this.#checkNewName(name)
    const topics = options.topics ?? []
    const pattern = options.pattern ?? null
    if ((topics.length === 0) === (pattern === null)) {
      throw invalid(`Source ${name} needs either topics or a pattern (exactly one of them)`)
    }
    for (const topic of topics) {
      if (typeof topic !== 'string' || topic === '') throw invalid(`Source ${name} has an empty topic name`)
      const reader = this.#topicReaders.get(topic)
      if (reader !== undefined) throw invalid(`Topic ${topic} is already read by source ${reader}; source ${name} cannot read it too`)
    }
    for (const topic of topics) this.#topicReaders.set(topic, name)
    const node: SourceNode = {
      kind: 'source', name, parents: [], children: [], topics: [...new Set(topics)], pattern,
      keySerde: options.keySerde ?? null, valueSerde: options.valueSerde ?? null,
      timestampExtractor: options.timestampExtractor ?? null, autoOffsetReset: options.autoOffsetReset ?? null, global: false,
    }
    this.#add(node)
    return this
  }

  /** Adds a Processor-API node under `parentNames` (at least one). */
  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    if (typeof supplier !== 'function') throw invalid(`Processor ${name} needs a supplier function that returns a new processor`)
    this.#checkNewName(name)
    this.#checkParents(name, parentNames)
    const node: ProcessorNode = { kind: 'processor', name, parents: [...parentNames], children: [], supplier, stores: [] }
    this.#add(node)
    return this
  }

  /**
   * Adds a stateless node run as an RxJS operator (the DSL's map, filter, pipe, …; see
   * `streams/operators/`). It prints as a processor in `describe()`.
   */
  addOperator(name: string, operator: NodeOperator, ...parentNames: string[]): this {
    if (typeof operator !== 'function') throw invalid(`Operator node ${name} needs an operator factory`)
    this.#checkNewName(name)
    this.#checkParents(name, parentNames)
    const node: OperatorNode = { kind: 'operator', name, parents: [...parentNames], children: [], operator }
    this.#add(node)
    return this
  }

  /** Adds a sink writing to `topic`, or to the topic `topic(key, value, metadata)` names per record. */
  addSink<K, V>(name: string, topic: string | TopicNameExtractor<K, V>, options: SinkOptions<K, V> = {}, ...parentNames: string[]): this {
    this.#checkNewName(name)
    if (typeof topic === 'string' ? topic === '' : typeof topic !== 'function') {
      throw invalid(`Sink ${name} needs a topic name or a topic name extractor`)
    }
    this.#checkParents(name, parentNames)
    const node: SinkNode = {
      kind: 'sink', name, parents: [...parentNames], children: [],
      topic: typeof topic === 'string' ? topic : null, extractor: typeof topic === 'string' ? null : (topic as TopicNameExtractor<any, any>),
      keySerde: options.keySerde ?? null, valueSerde: options.valueSerde ?? null, partitioner: options.partitioner ?? null,
    }
    this.#add(node)
    return this
  }

  /** Adds a store, connected to `processorNames` (more can be connected later). */
  addStateStore(storeBuilder: StoreBuilder, ...processorNames: string[]): this {
    const name = storeBuilder?.name
    if (typeof name !== 'string' || name === '') throw invalid('A state store needs a builder with a non-empty name')
    const existing = this.#stores.get(name)
    if (existing !== undefined && existing.builder !== storeBuilder) {
      throw invalid(`A different state store has already been added with the name ${name}`)
    }
    if (existing === undefined) this.#stores.set(name, { builder: storeBuilder, users: [], globalTopic: null, timestamped: false })
    for (const processor of processorNames) this.connectProcessorAndStateStores(processor, name)
    return this
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    const node = this.#nodes.get(processorName)
    if (node === undefined) throw invalid(`Processor ${processorName} is not added yet; add it before connecting stores`)
    if (node.kind !== 'processor') throw invalid(`Cannot connect a state store to ${processorName}: it is a ${node.kind} node, not a processor`)
    for (const storeName of storeNames) {
      const store = this.#stores.get(storeName)
      if (store === undefined) throw invalid(`State store ${storeName} is not added yet (connecting it to processor ${processorName}); add it with addStateStore first`)
      if (store.globalTopic !== null) {
        throw invalid(`Global state store ${storeName} is readable by every processor; do not connect it to ${processorName}`)
      }
      const stores = node.stores as string[]
      if (!stores.includes(storeName)) stores.push(storeName)
      if (!store.users.includes(processorName)) store.users.push(processorName)
    }
    this.#groups = null
    return this
  }

  /**
   * Adds a global store: loaded in every instance from all partitions of `source.topic` by the
   * processor `stateUpdateSupplier`, readable by every processor. Its logging must be disabled.
   */
  addGlobalStore<K, V>(
    storeBuilder: StoreBuilder,
    sourceName: string,
    source: GlobalStoreSourceOptions<K, V>,
    processorName: string,
    stateUpdateSupplier: ProcessorSupplier<K, V>,
  ): this {
    const storeName = storeBuilder?.name
    if (typeof storeName !== 'string' || storeName === '') throw invalid('A global store needs a builder with a non-empty name')
    if (this.#stores.has(storeName)) throw invalid(`A state store has already been added with the name ${storeName}`)
    if (storeBuilder.loggingEnabled) {
      throw invalid(`Global state store ${storeName} must have logging disabled: its source topic ${source.topic} is its changelog`)
    }
    if (sourceName === processorName) throw invalid(`The source and processor of global store ${storeName} need different names`)
    this.addSource(sourceName, {
      topics: [source.topic], keySerde: source.keySerde, valueSerde: source.valueSerde, timestampExtractor: source.timestampExtractor,
      autoOffsetReset: 'earliest',
    })
    this.addProcessor(processorName, stateUpdateSupplier, sourceName)
    ;(this.#nodes.get(sourceName) as { global: boolean }).global = true
    ;(this.#nodes.get(processorName) as MutableNode).stores!.push(storeName)
    this.#stores.set(storeName, { builder: storeBuilder, users: [processorName], globalTopic: source.topic, timestamped: false })
    return this
  }

  /**
   * Declares `name` (relative, e.g. `counts-repartition`) as an internal topic of the
   * application: sinks and sources naming it use `<applicationId>-<name>` at run time.
   */
  addInternalTopic(name: string, options: InternalTopicOptions = {}): this {
    if (typeof name !== 'string' || name === '') throw invalid('An internal topic needs a name')
    const partitions = options.numberOfPartitions
    if (partitions !== undefined && (!Number.isSafeInteger(partitions) || partitions < 1)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Internal topic ${name}: numberOfPartitions must be an integer >= 1, got ${String(partitions)}`)
    }
    this.#internalTopics.set(name, { ...options })
    return this
  }

  /** Requires the topics of these sources to have equal partition counts (joins, merges). */
  copartitionSources(...sourceNames: string[]): this {
    for (const name of sourceNames) {
      if (this.#nodes.get(name)?.kind !== 'source') throw invalid(`Cannot co-partition ${name}: it is not a source node`)
    }
    if (sourceNames.length > 1) this.#copartitionSources.push([...new Set(sourceNames)])
    return this
  }

  /** Marks a store as holding `ValueAndTimestamp` values (the DSL's KTable stores). */
  markTimestampedStore(storeName: string): this {
    const store = this.#stores.get(storeName)
    if (store === undefined) throw invalid(`State store ${storeName} is not added yet`)
    store.timestamped = true
    return this
  }

  // ---- what the runtime reads ------------------------------------------------------------

  subtopologies(): SubtopologyInfo[] {
    const groups = this.#computeGroups()
    const result: SubtopologyInfo[] = []
    for (const [id, members] of groups.members) {
      if (groups.global.has(id)) continue
      const sourceTopics: string[] = []
      const sourcePatterns: RegExp[] = []
      const repartitionSourceTopics: string[] = []
      const stores: string[] = []
      for (const name of members) {
        const node = this.#nodes.get(name) as MutableNode
        if (node.kind === 'source') {
          if (node.pattern !== null) sourcePatterns.push(node.pattern)
          for (const topic of node.topics) (this.#internalTopics.has(topic) ? repartitionSourceTopics : sourceTopics).push(topic)
        } else if (node.kind === 'processor') {
          for (const store of node.stores) if (!stores.includes(store)) stores.push(store)
        }
      }
      result.push({ id, sourceTopics, sourcePatterns, repartitionSourceTopics, stores })
    }
    return result
  }

  internalTopics(): InternalTopic[] {
    const groups = this.#computeGroups()
    const result: InternalTopic[] = []
    for (const [name, options] of this.#internalTopics) {
      const reader = this.#topicReaders.get(name)
      if (reader === undefined) continue
      result.push({
        name, kind: 'repartition', subtopology: groups.ids.get(reader) as number,
        config: { 'cleanup.policy': 'delete' },
        ...(options.numberOfPartitions === undefined ? {} : { numberOfPartitions: options.numberOfPartitions }),
      })
    }
    for (const info of this.stores()) {
      if (info.changelogTopic === null) continue
      result.push({
        name: info.changelogTopic, kind: 'changelog', subtopology: info.subtopology,
        // Key-value changelogs are compacted; windowed ones also expire (compact,delete), as in Kafka.
        config: { ...info.builder.logConfig, 'cleanup.policy': info.builder.logConfig['cleanup.policy'] === 'compact,delete' ? 'compact,delete' : 'compact' },
      })
    }
    return result
  }

  stores(): StoreInfo[] {
    const groups = this.#computeGroups()
    const result: StoreInfo[] = []
    for (const [name, store] of this.#stores) {
      if (store.globalTopic !== null || store.users.length === 0) continue
      result.push({
        name, builder: store.builder, subtopology: groups.ids.get(store.users[0]) as number,
        changelogTopic: store.builder.loggingEnabled ? `${name}-changelog` : null, timestamped: store.timestamped,
      })
    }
    return result
  }

  globalStores(): GlobalStoreInfo[] {
    const groups = this.#computeGroups()
    const result: GlobalStoreInfo[] = []
    for (const [name, store] of this.#stores) {
      if (store.globalTopic === null) continue
      result.push({
        name, builder: store.builder, sourceTopic: store.globalTopic, subtopology: groups.ids.get(store.users[0]) as number,
        timestamped: store.timestamped,
      })
    }
    return result
  }

  /**
   * Groups of topics (relative names for internal topics) that must have equal partition
   * counts: the sources of a join or a merge inside one sub-topology.
   */
  copartitionGroups(): string[][] {
    const groups: Set<string>[] = []
    for (const sources of this.#copartitionSources) {
      const topics = new Set<string>()
      for (const source of sources) for (const topic of (this.#nodes.get(source) as SourceNode).topics) topics.add(topic)
      if (topics.size < 2) continue
      const overlapping = groups.filter((group) => [...topics].some((topic) => group.has(topic)))
      const merged = new Set<string>(topics)
      for (const group of overlapping) {
        for (const topic of group) merged.add(topic)
        groups.splice(groups.indexOf(group), 1)
      }
      groups.push(merged)
    }
    return groups.map((group) => [...group])
  }

  describe(): TopologyDescription {
    const groups = this.#computeGroups()
    const subtopologies: SubtopologyDescription[] = []
    const globalStores: GlobalStoreDescription[] = []
    for (const [id, members] of groups.members) {
      if (groups.global.has(id)) {
        const source = this.#nodes.get(members[0]) as SourceNode
        const processor = this.#nodes.get(source.children[0]) as ProcessorNode
        globalStores.push(describeGlobalStore(id, source.name, source.topics[0], processor.name, processor.stores[0]))
        continue
      }
      subtopologies.push(describeSubtopology(id, members.map((name) => this.#describedNode(name))))
    }
    return describeTopology(subtopologies, globalStores)
  }

  // ---- what TaskPipeline and the test driver read -----------------------------------------

  /** The nodes of sub-topology `id` (a global store's too), in the order they were added. */
  subtopologyNodes(id: number): readonly TopologyNode[] {
    const members = this.#computeGroups().members.get(id)
    if (members === undefined) throw invalid(`The topology has no sub-topology ${id}`)
    return members.map((name) => this.#nodes.get(name) as TopologyNode)
  }

  node(name: string): TopologyNode | undefined {
    return this.#nodes.get(name)
  }

  isInternalTopic(topic: string): boolean {
    return this.#internalTopics.has(topic)
  }

  /** True when the store is a global store (readable by every processor). */
  isGlobalStore(name: string): boolean {
    return this.#stores.get(name)?.globalTopic != null
  }

  /**
   * The `autoOffsetReset` of the source reading `topic` (by name, or by a pattern matching it),
   * or null when the source leaves it to the application's consumer config.
   */
  autoOffsetResetOf(topic: string): AutoOffsetReset | null {
    const reader = this.#topicReaders.get(topic)
    if (reader !== undefined) return (this.#nodes.get(reader) as SourceNode).autoOffsetReset
    for (const node of this.#nodes.values()) {
      if (node.kind !== 'source' || node.pattern === null) continue
      const match = new RegExp(`^(?:${node.pattern.source})$`, node.pattern.flags.replace(/[gy]/g, '')).test(topic)
      if (match) return node.autoOffsetReset
    }
    return null
  }

  /** Whether the store holds `ValueAndTimestamp` values; undefined for an unknown store. */
  isTimestampedStore(name: string): boolean | undefined {
    return this.#stores.get(name)?.timestamped
  }

  // ---- internals ---------------------------------------------------------------------------

  #checkNewName(name: string): void {
    if (typeof name !== 'string' || name === '') throw invalid('A node needs a non-empty name')
    if (this.#nodes.has(name)) throw invalid(`Processor ${name} is already added; node names must be unique`)
  }

  #checkParents(name: string, parentNames: readonly string[]): void {
    if (parentNames.length === 0) throw invalid(`Node ${name} must have at least one parent`)
    for (const parent of parentNames) {
      if (parent === name) throw invalid(`Node ${name} cannot be its own parent`)
      const node = this.#nodes.get(parent)
      if (node === undefined) throw invalid(`Parent node ${parent} of ${name} is not added yet`)
      if (node.kind === 'sink') throw invalid(`Sink ${parent} cannot be a parent (of ${name})`)
      if (node.kind === 'source' && node.global) throw invalid(`The source of a global store (${parent}) cannot have other children (${name})`)
    }
    if (new Set(parentNames).size !== parentNames.length) throw invalid(`Node ${name} lists a parent twice`)
  }

  #add(node: TopologyNode): void {
    this.#nodes.set(node.name, node as MutableNode)
    for (const parent of node.parents) (this.#nodes.get(parent) as MutableNode).children.push(node.name)
    this.#groups = null
  }

  #describedNode(name: string): DescribedNode {
    const node = this.#nodes.get(name) as MutableNode
    switch (node.kind) {
      case 'source':
        return { type: 'source', name, topics: node.topics, pattern: node.pattern, children: node.children }
      case 'processor':
        return { type: 'processor', name, stores: node.stores, children: node.children, parents: node.parents }
      case 'operator':
        return { type: 'processor', name, stores: [], children: node.children, parents: node.parents }
      case 'sink':
        return { type: 'sink', name, topic: node.topic, extractor: node.extractor, parents: node.parents }
    }
  }

  /** Union-find over parent edges and shared stores; ids in order of each group's first node. */
  #computeGroups(): Groups {
    if (this.#groups !== null) return this.#groups
    const parent = new Map<string, string>()
    const find = (name: string): string => {
      let root = name
      while (parent.get(root) !== root) root = parent.get(root) as string
      let current = name
      while (current !== root) {
        const next = parent.get(current) as string
        parent.set(current, root)
        current = next
      }
      return root
    }
    const unite = (a: string, b: string): void => {
      const ra = find(a)
      const rb = find(b)
      if (ra !== rb) parent.set(rb, ra)
    }
    for (const name of this.#nodes.keys()) parent.set(name, name)
    for (const node of this.#nodes.values()) for (const p of node.parents) unite(p, node.name)
    for (const store of this.#stores.values()) for (let i = 1; i < store.users.length; i++) unite(store.users[0], store.users[i])

    const ids = new Map<string, number>()
    const members = new Map<number, string[]>()
    const rootIds = new Map<string, number>()
    const global = new Set<number>()
    for (const node of this.#nodes.values()) {
      const root = find(node.name)
      let id = rootIds.get(root)
      if (id === undefined) {
        id = rootIds.size
        rootIds.set(root, id)
        members.set(id, [])
      }
      ids.set(node.name, id)
      ;(members.get(id) as string[]).push(node.name)
      if (node.kind === 'source' && node.global) global.add(id)
    }
    this.#groups = { ids, members, global }
    return this.#groups
  }
}
