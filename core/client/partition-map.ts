/**
 * Topic partitions as values and as keys. A `PartitionMap` keeps one value per (topic,
 * partition) without building string keys that would have to be parsed back; iteration is in
 * insertion order (topics in the order first seen, partitions in the order added).
 */

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** `topic-partition`, as Kafka prints a TopicPartition (for messages and logs). */
export function formatTopicPartition(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** Kafka's TopicPartition order: by topic name, then by partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1
  return a.partition - b.partition
}

export class PartitionMap<V> {
  readonly #topics = new Map<string, Map<number, V>>()
  #size = 0
  /** `list()`'s array, until the map changes. */
  #list: (readonly [TopicPartition, V])[] | null = null

  static of<V>(entries: Iterable<readonly [TopicPartition, V]>): PartitionMap<V> {
    const map = new PartitionMap<V>()
    for (const [tp, value] of entries) map.set(tp, value)
    return map
  }

  get size(): number {
    return this.#size
  }

  get(tp: TopicPartition): V | undefined {
    return this.#topics.get(tp.topic)?.get(tp.partition)
  }

  has(tp: TopicPartition): boolean {
    return this.#topics.get(tp.topic)?.has(tp.partition) ?? false
  }

  set(tp: TopicPartition, value: V): this {
    let partitions = this.#topics.get(tp.topic)
    if (!partitions) {
      partitions = new Map()
      this.#topics.set(tp.topic, partitions)
    }
    if (!partitions.has(tp.partition)) this.#size++
    partitions.set(tp.partition, value)
    this.#list = null
    return this
  }

  delete(tp: TopicPartition): boolean {
    const partitions = this.#topics.get(tp.topic)
    if (!partitions?.delete(tp.partition)) return false
    if (partitions.size === 0) this.#topics.delete(tp.topic)
    this.#size--
    this.#list = null
    return true
  }

  clear(): void {
    this.#topics.clear()
    this.#size = 0
    this.#list = null
  }

  /**
   * The entries in iteration order, as an array kept until the map changes: for loops that run
   * on every poll. Do not modify it; changing the map while looping over it is safe.
   */
  list(): readonly (readonly [TopicPartition, V])[] {
    if (this.#list === null) {
      const list: (readonly [TopicPartition, V])[] = []
      for (const [topic, partitions] of this.#topics) {
        for (const [partition, value] of partitions) list.push([{ topic, partition }, value])
      }
      this.#list = list
    }
    return this.#list
  }

  /** Topics with at least one partition in the map. */
  topics(): string[] {
    return [...this.#topics.keys()]
  }

  *keys(): IterableIterator<TopicPartition> {
    for (const [topic, partitions] of this.#topics) for (const partition of partitions.keys()) yield { topic, partition }
  }

  *values(): IterableIterator<V> {
    for (const partitions of this.#topics.values()) yield* partitions.values()
  }

  *entries(): IterableIterator<[TopicPartition, V]> {
    for (const [topic, partitions] of this.#topics) {
      for (const [partition, value] of partitions) yield [{ topic, partition }, value]
    }
  }

  [Symbol.iterator](): IterableIterator<[TopicPartition, V]> {
    return this.entries()
  }
}

/** A set of topic partitions (a PartitionMap without values). */
export class PartitionSet {
  readonly #map = new PartitionMap<true>()

  constructor(tps: Iterable<TopicPartition> = []) {
    for (const tp of tps) this.add(tp)
  }

  get size(): number {
    return this.#map.size
  }

  has(tp: TopicPartition): boolean {
    return this.#map.has(tp)
  }

  add(tp: TopicPartition): this {
    this.#map.set(tp, true)
    return this
  }

  delete(tp: TopicPartition): boolean {
    return this.#map.delete(tp)
  }

  /** The partitions, sorted as Kafka sorts TopicPartitions. */
  sorted(): TopicPartition[] {
    return [...this.#map.keys()].sort(compareTopicPartitions)
  }

  [Symbol.iterator](): IterableIterator<TopicPartition> {
    return this.#map.keys()
  }
}

/** Groups topic partitions by topic, partitions sorted: the shape of most Kafka requests. */
export function groupByTopic(tps: Iterable<TopicPartition>): Map<string, number[]> {
  const byTopic = new Map<string, number[]>()
  for (const { topic, partition } of tps) {
    const partitions = byTopic.get(topic)
    if (partitions) partitions.push(partition)
    else byTopic.set(topic, [partition])
  }
  for (const partitions of byTopic.values()) partitions.sort((a, b) => a - b)
  return byTopic
}
