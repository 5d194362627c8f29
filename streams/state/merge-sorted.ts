/**
 * `mergeSorted`: one key-ordered iterator over several key-ordered layers of a store, the
 * newest layer first (write buffer over RocksDB, record cache over the store below).
 *
 * Contract: every source yields entries in the same order (ascending bytes, or descending when
 * `reverse`), each key at most once. For a key present in several sources the entry of the
 * first (newest) source wins; a winning entry whose value is null is a deletion and is skipped,
 * hiding the older entries of that key. The sources must already be snapshots (created before
 * this is called): the merge only reads them, lazily.
 *
 * Closing: when the consumer stops early (`break` in a `for…of` calls `return()`), every source
 * is closed too, so that native iterators are released at once.
 */
import type { KeyValue } from './api.ts'
import type { BytesEntry } from './bytes-range.ts'

export function* mergeSorted(
  sources: readonly Iterator<BytesEntry>[],
  reverse: boolean,
): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
  const direction = reverse ? -1 : 1
  const heads: (BytesEntry | undefined)[] = sources.map((source) => pull(source))
  try {
    for (;;) {
      let best = -1
      let bestKey: Buffer | undefined
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]
        if (head === undefined) continue
        if (bestKey === undefined || Buffer.compare(head.key, bestKey) * direction < 0) {
          best = i
          bestKey = head.key
        }
      }
      if (bestKey === undefined) return
      const winner = heads[best]!
      for (let i = best; i < heads.length; i++) {
        const head = heads[i]
        if (head !== undefined && (i === best || head.key.equals(bestKey))) heads[i] = pull(sources[i]!)
      }
      if (winner.value !== null) yield winner as KeyValue<Buffer, Buffer>
    }
  } finally {
    for (const source of sources) source.return?.()
  }
}

/** The entries of one layer, without its deletions. */
export function* withoutDeletions(source: Iterator<BytesEntry>): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
  try {
    for (let next = source.next(); next.done !== true; next = source.next()) {
      if (next.value.value !== null) yield next.value as KeyValue<Buffer, Buffer>
    }
  } finally {
    source.return?.()
  }
}

function pull(source: Iterator<BytesEntry>): BytesEntry | undefined {
  const next = source.next()
  return next.done === true ? undefined : next.value
}
