/**
 * Restoration of a bytes store from its changelog.
 *
 * The runtime reads a logged store's changelog partition and hands the records, in offset
 * order and in batches, to the callback the change-logging layer registered
 * (`StateStoreContext.register`). That callback is `restoreFromRecords` over the bytes store:
 * the records go straight into the innermost store, never to the changelog again and never to
 * a cache or flush listener. A null value deletes the key, as a compacted changelog's tombstone.
 *
 * A bytes store may offer a faster path (`BatchRestorable`): the RocksDB store writes a batch
 * as one RocksDB write batch and returns a promise so that restoration is paced by the disk.
 */
import type { KeyValue, KeyValueBytesStore } from './api.ts'

export type ChangelogBatch = readonly KeyValue<Buffer, Buffer | null>[]

/** A bytes store that takes a whole changelog batch at once. */
export interface BatchRestorable {
  restoreBatch(batch: ChangelogBatch): void | Promise<void>
}

export function isBatchRestorable(store: object): store is BatchRestorable {
  return typeof (store as Partial<BatchRestorable>).restoreBatch === 'function'
}

/** Applies a changelog batch to a bytes store (later records of a key win). */
export function restoreFromRecords(store: KeyValueBytesStore, batch: ChangelogBatch): void | Promise<void> {
  if (isBatchRestorable(store)) return store.restoreBatch(batch)
  for (const { key, value } of batch) store.put(key, value)
}
