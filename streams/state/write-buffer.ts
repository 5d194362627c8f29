/**
 * `WriteBuffer`: writes of the RocksDB store that RocksDB has not received yet (the store's
 * "memtable" in JavaScript), key-ordered so that iterators can merge them with RocksDB's keys.
 *
 * Each key holds its latest write: a value, or null for a deletion (which must hide the key
 * in RocksDB until the batch is written). The buffer counts its bytes (for the store's bound)
 * and its puts and deletions (for `approximateNumEntries`).
 *
 * A buffer is mutable until the store seals it for a batch write; a sealed buffer is never
 * changed again and is dropped once RocksDB has its batch.
 */
import { binaryKey, entrySize, type BytesEntry } from './bytes-range.ts'
import { SortedKeyMap } from './sorted-key-map.ts'

export class WriteBuffer {
  readonly entries = new SortedKeyMap<BytesEntry>()
  #bytes = 0
  #puts = 0
  #deletes = 0

  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.entries.size
  }

  /** Puts minus deletions: how much this buffer may change the store's entry count. */
  get countDelta(): number {
    return this.#puts - this.#deletes
  }

  /** The buffered write of a key: an entry (value null: deleted), or undefined when none. */
  lookup(id: string): BytesEntry | undefined {
    return this.entries.get(id)
  }

  write(key: Buffer, value: Buffer | null, id: string = binaryKey(key)): void {
    const previous = this.entries.get(id)
    if (previous !== undefined) this.#account(previous, -1)
    const entry: BytesEntry = { key, value }
    this.entries.set(id, entry)
    this.#account(entry, 1)
  }

  #account(entry: BytesEntry, sign: 1 | -1): void {
    this.#bytes += sign * entrySize(entry.key, entry.value)
    if (entry.value === null) this.#deletes += sign
    else this.#puts += sign
  }
}
