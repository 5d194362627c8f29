/**
 * `SourceOffsetStore`: where source tasks keep their offsets (Kafka's `OffsetBackingStore` as
 * the task runners use it). Standalone workers use a file (file-offset-store.ts), distributed
 * workers the offsets topic (distributed/topic-offset-store.ts).
 *
 * Contracts: `get` answers from memory (what was loaded, read from others, or `set` here);
 * `set` records offsets in memory (null removes a partition); `flush` makes everything `set`
 * so far durable, and rejects (keeping them for the next flush) when it cannot.
 */
import type { SourceMap } from '../api/records.ts'

export interface SourceOffsetStore {
  get(connector: string, partition: SourceMap): SourceMap | null
  set(connector: string, offsets: Iterable<readonly [SourceMap, SourceMap | null]>): void
  flush(): Promise<void>
}
