/**
 * `TopicOffsetStore`: source offsets of distributed workers in the compacted topic
 * `offset.storage.topic` (default `connect-offsets`, 25 partitions), as Kafka's
 * `KafkaOffsetBackingStore` writes them: key `["<connector>",{<source partition>}]`, value the
 * offset as a JSON object (null: removed), both plain JSON; records are partitioned by the key's
 * murmur2 hash, as Kafka's producer does, so every offset of one source partition stays in order.
 *
 * Every worker reads the whole topic, so a task that moves to another worker resumes from the
 * offsets its previous owner flushed (`readToEnd` before tasks start).
 *
 * Invariants: `set` updates memory at once (this worker's tasks see their own offsets); `flush`
 * writes what was set since the last flush and resolves once acknowledged; a failed flush keeps
 * those offsets for the next one.
 */
import type { Creek, Logger } from '../../../core/index.ts'
import type { SourceMap } from '../../api/records.ts'
import { canonicalJson } from '../file-offset-store.ts'
import type { ConnectorOffset } from '../herder.ts'
import type { SourceOffsetStore } from '../offset-store.ts'
import { TopicLog } from './topic-log.ts'

interface Entry {
  readonly connector: string
  readonly partition: SourceMap
  readonly offset: SourceMap
}

const keyOf = (connector: string, partition: SourceMap): string => `[${JSON.stringify(connector)},${canonicalJson(partition)}]`

export class TopicOffsetStore implements SourceOffsetStore {
  #log: TopicLog | null = null
  readonly #entries = new Map<string, Entry>()
  #pending = new Map<string, { connector: string; partition: SourceMap; offset: SourceMap | null }>()
  #flushing: Promise<void> = Promise.resolve()

  static async open(options: { creek: Creek; topic: string; partitions: number; clientId: string; logger: Logger }): Promise<TopicOffsetStore> {
    const store = new TopicOffsetStore()
    store.#log = await TopicLog.open({ ...options, onRecord: (key, value) => store.#apply(key, value) })
    return store
  }

  #apply(key: string | null, value: Buffer | null): void {
    if (key === null) return
    const parsed = JSON.parse(key) as unknown
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || parsed[1] === null || typeof parsed[1] !== 'object') {
      throw new Error(`the key ${key} is not ["<connector>", {<partition>}]`)
    }
    const [connector, partition] = parsed as [string, SourceMap]
    const canonical = keyOf(connector, partition)
    if (value === null) {
      this.#entries.delete(canonical)
      return
    }
    this.#entries.set(canonical, { connector, partition, offset: JSON.parse(value.toString('utf8')) as SourceMap })
  }

  get(connector: string, partition: SourceMap): SourceMap | null {
    return this.#entries.get(keyOf(connector, partition))?.offset ?? null
  }

  set(connector: string, offsets: Iterable<readonly [SourceMap, SourceMap | null]>): void {
    for (const [partition, offset] of offsets) {
      const key = keyOf(connector, partition)
      if (offset === null) this.#entries.delete(key)
      else this.#entries.set(key, { connector, partition, offset })
      this.#pending.set(key, { connector, partition, offset })
    }
  }

  flush(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => undefined).then(async () => {
      if (this.#pending.size === 0 || this.#log === null) return
      const pending = this.#pending
      this.#pending = new Map()
      try {
        await Promise.all([...pending].map(([key, { offset }]) => this.#log!.send(key, offset === null ? null : canonicalJson(offset))))
      } catch (error) {
        for (const [key, entry] of pending) if (!this.#pending.has(key)) this.#pending.set(key, entry)
        throw error
      }
    })
    return this.#flushing
  }

  /** Every stored offset of a connector (`GET /connectors/{name}/offsets`). */
  offsetsOf(connector: string): ConnectorOffset[] {
    return [...this.#entries.values()].filter((e) => e.connector === connector).map(({ partition, offset }) => ({ partition, offset }))
  }

  /** Removes every offset of a connector (KIP-875 reset); durable after `flush`. */
  deleteConnector(connector: string): void {
    this.set(connector, this.offsetsOf(connector).map((o) => [o.partition, null] as const))
  }

  readToEnd(): Promise<void> {
    return this.#log?.readToEnd() ?? Promise.resolve()
  }

  close(): Promise<void> {
    return this.#log?.close() ?? Promise.resolve()
  }
}
